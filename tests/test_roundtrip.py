"""Lexical forms survive every round trip: the bundled graph exported to each RDF format and
read back by pyoxigraph and by rdflib is the bundled file, triple for triple, each literal
compared by its lexical form and datatype (``"P1D"`` is not ``"PT24H"``, ``100`` not ``100.0``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store, Triple, parse

import kgraph
from kgraph.lexical import canonical_literal, store_form
from kgraph.models import LiteralValue
from kgraph.namespaces import XSD

from .conftest import BUNDLED_TTL
from .test_export_graphviz import actor, claim, make_graph

# extension -> (pyoxigraph format, rdflib parser)
EXTENSIONS = {
    "ttl": (RdfFormat.TURTLE, "turtle"),
    "turtle": (RdfFormat.TURTLE, "turtle"),
    "nt": (RdfFormat.N_TRIPLES, "nt"),
    "jsonld": (RdfFormat.JSON_LD, "json-ld"),
    "json": (RdfFormat.JSON_LD, "json-ld"),
    "trig": (RdfFormat.TRIG, "trig"),
    "rdf": (RdfFormat.RDF_XML, "xml"),
    "owl": (RdfFormat.RDF_XML, "xml"),
}
XSD_STRING = XSD + "string"
RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Row = tuple[str, str, tuple[str, ...]]


def _term(term: object) -> tuple[str, ...]:
    """A term as plain text: ("iri", IRI) or ("literal", lexical form, datatype, language)."""
    if isinstance(term, NamedNode):
        return ("iri", term.value)
    if isinstance(term, rdflib.URIRef):
        return ("iri", str(term))
    if isinstance(term, BlankNode | rdflib.BNode):
        raise AssertionError("the bundled graph has no blank nodes: a writer made one up")
    if isinstance(term, Literal):
        if term.language:
            return ("literal", term.value, RDF_LANG, term.language)
        return ("literal", term.value, term.datatype.value, "")
    if isinstance(term, rdflib.Literal):
        # str() of an rdflib literal is its lexical form, whatever value it parsed to.
        if term.language:
            return ("literal", str(term), RDF_LANG, term.language)
        return ("literal", str(term), str(term.datatype or XSD_STRING), "")
    raise AssertionError(f"unexpected term {term!r}")


def _rows(triples: Iterable[tuple[object, object, object]]) -> set[Row]:
    out: set[Row] = set()
    for s, p, o in triples:
        out.add((_term(s)[1], _term(p)[1], _term(o)))
    return out


def _oxigraph_triples(data: bytes, fmt: RdfFormat) -> Iterator[tuple[object, object, object]]:
    for t in parse(data, format=fmt):
        t = t.triple if isinstance(t, Quad) else t
        yield t.subject, t.predicate, t.object


def read_pyoxigraph(path: Path, fmt: RdfFormat) -> set[Row]:
    """Parsed, not loaded into a store: a store would rewrite lexical forms itself."""
    return _rows(_oxigraph_triples(path.read_bytes(), fmt))


def read_rdflib(path: Path, parser: str, monkeypatch: pytest.MonkeyPatch | None = None) -> set[Row]:
    """With ``monkeypatch``, rdflib keeps each literal's text; without, it rewrites the lexical
    form of values it parses (its default), and canonical forms must survive that too."""
    if monkeypatch is not None:
        monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)
    if parser == "trig":
        ds = rdflib.Dataset()
        ds.parse(path, format="trig")
        return _rows((s, p, o) for s, p, o, _ in ds.quads())
    return _rows(rdflib.Graph().parse(path, format=parser))


@pytest.fixture(scope="module")
def bundled() -> set[Row]:
    rows = read_pyoxigraph(BUNDLED_TTL, RdfFormat.TURTLE)
    assert len(rows) > 5000
    return rows


def _export(run_cli, path: Path, *args: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("export", *args, "-o", path)
    assert r.code == 0, r.err
    assert r.err.startswith(f"{path}: ")


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_bundled_graph_survives_every_rdf_format(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled: set[Row], ext: str
) -> None:
    out = tmp_path / f"all.{ext}"
    _export(run_cli, out)
    fmt, parser = EXTENSIONS[ext]
    assert read_pyoxigraph(out, fmt) == bundled
    assert read_rdflib(out, parser) == bundled
    assert read_rdflib(out, parser, monkeypatch) == bundled


def test_the_bundled_values_are_spelled_as_the_issue_wants(bundled: set[Row]) -> None:
    literals = {o for _, _, o in bundled if o[0] == "literal"}
    assert ("literal", "P1D", XSD + "duration", "") in literals
    assert not any(o[1] == "PT24H" for o in literals)
    decimals = {o[1] for o in literals if o[2] == XSD + "decimal"}
    assert decimals and not any(d.endswith(".0") or "E" in d for d in decimals)


def test_every_literal_of_the_bundled_graph_is_as_a_store_gives_it_back(bundled: set[Row]) -> None:
    typed = {(o[1], o[2]) for _, _, o in bundled if o[0] == "literal" and not o[3]}
    assert len(typed) > 20
    changed = {lit: store_form(*lit) for lit in typed if store_form(*lit) != lit}
    assert changed == {}


@pytest.mark.parametrize("ext", ["nt", "ttl", "rdf"])
def test_through_an_on_disk_store_and_back(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled: set[Row], ext: str
) -> None:
    store = tmp_path / "store"
    r = run_cli("load", store, BUNDLED_TTL)
    assert r.code == 0, r.err
    out = tmp_path / f"back.{ext}"
    _export(run_cli, out, "--store", str(store))
    fmt, parser = EXTENSIONS[ext]
    assert read_pyoxigraph(out, fmt) == bundled
    assert read_rdflib(out, parser, monkeypatch) == bundled


@pytest.mark.parametrize("ext", ["nt", "ttl", "trig", "rdf"])
def test_a_streamed_whole_graph_export_keeps_them_too(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled: set[Row], ext: str
) -> None:
    import kgraph.export

    monkeypatch.setattr(kgraph.export, "STREAM_THRESHOLD", 10)  # the writer used past 100,000 triples
    out = tmp_path / f"streamed.{ext}"
    _export(run_cli, out)
    if ext in ("ttl", "trig"):
        assert (
            out.read_text(encoding="utf-8").startswith("# kgraph export: ")
            and "streamed" in (out.read_text(encoding="utf-8").splitlines()[0])
        )
    fmt, parser = EXTENSIONS[ext]
    assert read_pyoxigraph(out, fmt) == bundled
    assert read_rdflib(out, parser, monkeypatch) == bundled


def test_a_focus_export_holds_the_bundled_triples_unchanged(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, bundled: set[Row]
) -> None:
    out = tmp_path / "offensive.nt"
    _export(run_cli, out, "--focus", "Azerbaijani offensive on Nagorno-Karabakh (19 September)")
    rows = read_pyoxigraph(out, RdfFormat.N_TRIPLES)
    assert rows <= bundled
    assert any(o == ("literal", "P1D", XSD + "duration", "") for _, _, o in rows)


# ---------------------------------------------------------------- values spelled another way


XSD_VALUES = [
    # (as a claims file may spell it, datatype) -> what kgraph writes, the form a store gives back
    (("PT24H", "duration"), ("P1D", "duration")),
    (("PT36H", "duration"), ("P1DT12H", "duration")),
    (("100.0", "decimal"), ("100", "decimal")),
    (("2000000000.0", "decimal"), ("2000000000", "decimal")),
    (("0.60", "decimal"), ("0.6", "decimal")),
    (("+05", "integer"), ("5", "integer")),
    (("5", "int"), ("5", "integer")),
    (("1", "boolean"), ("true", "boolean")),
    (("1.0E0", "double"), ("1", "double")),
    (("1.50", "float"), ("1.5", "float")),
    (("2020-01-01T00:00:00.0Z", "dateTime"), ("2020-01-01T00:00:00Z", "dateTime")),
    (("2022-12", "gYearMonth"), ("2022-12", "gYearMonth")),  # dates keep their text
    (("no", "boolean"), ("no", "boolean")),  # not a boolean: left as it is for SHACL to report
]


@pytest.mark.parametrize(("given", "written"), XSD_VALUES, ids=[f"{g[0]}^^{g[1]}" for g, _ in XSD_VALUES])
def test_canonical_literal_is_the_form_a_store_keeps(
    given: tuple[str, str], written: tuple[str, str]
) -> None:
    value, datatype = canonical_literal(given[0], XSD + given[1])
    assert (value, datatype) == (written[0], XSD + written[1])
    store = Store()
    node = NamedNode("http://example.org/x")
    store.add(Quad(node, node, Literal(value, datatype=NamedNode(datatype))))
    back = next(iter(store)).object
    assert isinstance(back, Literal) and (back.value, back.datatype.value) == (value, datatype)


def test_a_non_xsd_datatype_is_left_alone() -> None:
    edtf = "http://id.loc.gov/datatypes/edtf/EDTF"
    assert canonical_literal("198X", edtf) == ("198X", edtf)


def _spelled_graph(tmp_path: Path) -> kgraph.KGraph:
    """A graph built from models that spell their values otherwise: PT24H, 100.0, 1.0E0, xsd:int."""
    arms = claim(
        "a",
        "suppliesArmsTo",
        "b",
        duration="PT24H",
        value=Decimal("100.0"),
        min_value=Decimal("2000000000.0"),
        share=Decimal("0.60"),
        approximate=True,
    )
    trait = claim("a", "characteristic", "b").model_copy(
        update={"object": LiteralValue(value="1.0E0", datatype="xsd:double")}
    )
    count = claim("b", "characteristic", "a").model_copy(
        update={"object": LiteralValue(value="+5", datatype="xsd:int")}
    )
    return make_graph(tmp_path, [arms, trait, count], [actor("a", "Ayland"), actor("b", "Beeland")])


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_a_graph_built_from_other_spellings_round_trips_exactly(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ext: str
) -> None:
    _spelled_graph(tmp_path)
    graph = tmp_path / "g.ttl"
    written = read_pyoxigraph(graph, RdfFormat.TURTLE)
    literals = {o[1:3] for _, _, o in written if o[0] == "literal"}
    assert {
        ("P1D", XSD + "duration"),
        ("100", XSD + "decimal"),
        ("2000000000", XSD + "decimal"),
        ("0.6", XSD + "decimal"),
        ("1", XSD + "double"),
        ("5", XSD + "integer"),
    } <= literals
    assert not {"PT24H", "100.0", "2000000000.0", "0.60", "1.0E0", "+5"} & {v for v, _ in literals}
    out = tmp_path / f"back.{ext}"
    _export(run_cli, out, "--graph", str(graph))
    fmt, parser = EXTENSIONS[ext]
    assert read_pyoxigraph(out, fmt) == written
    assert read_rdflib(out, parser, monkeypatch) == written


def test_the_json_ld_writer_keeps_a_typed_value_a_string() -> None:
    """A JSON number would be read back as xsd:integer or xsd:double, losing "0.6"^^xsd:decimal."""
    import json

    from kgraph import serialize

    node = NamedNode("http://example.org/x")
    triples = [
        Triple(node, NamedNode("http://example.org/" + name), Literal(value, datatype=NamedNode(XSD + dt)))
        for name, value, dt in [("share", "0.6", "decimal"), ("n", "5", "integer"), ("t", "P1D", "duration")]
    ]
    doc = json.loads(serialize.jsonld(triples))
    values = [v for node_ in doc["@graph"] for k, vs in node_.items() if k != "@id" for v in vs]
    assert all(isinstance(v["@value"], str) for v in values)
    back = {_term(t.object) for t in parse(serialize.jsonld(triples).encode(), format=RdfFormat.JSON_LD)}
    assert back == {_term(t.object) for t in triples}
