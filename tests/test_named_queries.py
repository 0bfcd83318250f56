"""The shipped named queries are portable SPARQL: each file declares the prefixes it uses, so it
runs unchanged in pyoxigraph (no ``prefixes=``), rdflib (no ``initNs``), the Oxigraph command
line and Virtuoso; ``kgraph query NAME --print`` writes the text an endpoint gets, runnable as is."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import rdflib
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse_query_results,
)

from kgraph.namespaces import PREFIXES
from kgraph.query import named_queries, named_query, parse_header, prefix_use, text_as_sent

from .conftest import BUNDLED_TTL, TINY_TTL
from .servers import oxigraph_binary

NAMES = [q.name for q in named_queries()]
XSD = PREFIXES["xsd"]
GRAPHS = pytest.mark.parametrize("graph", [TINY_TTL, BUNDLED_TTL], ids=["tiny", "bundled"])


def _query_file(name: str) -> Path:
    path = Path(str(resources.files("kgraph") / "queries" / f"{name}.rq"))
    assert path.is_file(), path
    return path


def _tsv(variables: list[str], rows: Iterable[Any]) -> list[str]:
    """Rows as kgraph's ``--format tsv`` writes them: N-Triples terms, empty when unbound."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join("" if (t := row[v]) is None else str(t) for v in variables))
    return lines


def _solutions_tsv(result: object) -> list[str]:
    assert isinstance(result, QuerySolutions)
    return _tsv([v.value for v in result.variables], result)


def _kgraph_tsv(run_cli, *args: str | Path) -> list[str]:  # type: ignore[no-untyped-def]
    result = run_cli("query", *args, "-f", "tsv")
    assert result.code == 0 and result.err == "", result.err
    return list(result.out.splitlines())


@pytest.fixture(scope="module")
def stores() -> dict[Path, Store]:
    out = {}
    for graph in (TINY_TTL, BUNDLED_TTL):
        store = Store()
        store.load(path=str(graph), format=RdfFormat.TURTLE)
        out[graph] = store
    return out


# ---------------------------------------------------------------- each file declares what it uses


def test_prefix_use_reads_the_query_not_its_strings_iris_or_comments() -> None:
    use = prefix_use(
        "# a comment with kg:nothing in it\n"
        "PREFIX ex: <http://example.org/>\n"
        "PREFIX  kg:\n  <https://w3id.org/kgraph/ns#>\n"
        'SELECT * WHERE { ?s a kg:Claim ; ex:p "skos:not" , <http://x/rdf:y> ; oa:hasBody/dcterms:x ?o .'
        " FILTER(STRSTARTS(STR(?o), STR(kgr:))) }"
    )
    assert use.declared == {"ex": "http://example.org/", "kg": PREFIXES["kg"]}
    assert use.used == ("kg", "ex", "oa", "dcterms", "kgr")


@pytest.mark.parametrize("name", NAMES)
def test_each_query_declares_exactly_the_prefixes_it_uses(name: str) -> None:
    text = _query_file(name).read_text(encoding="utf-8")
    use = prefix_use(text)
    assert set(use.used) <= set(PREFIXES), f"{name} uses a prefix kgraph does not have"
    assert set(use.declared) - set(use.used) == set(), f"{name} declares prefixes it does not use"
    assert set(use.used) - set(use.declared) == set(), f"{name} lacks PREFIX lines"
    assert use.declared == {p: PREFIXES[p] for p in use.declared}, f"{name} declares another IRI"
    # One line each, in the order of kgraph.namespaces.PREFIXES, right after the header comments
    # (which --list still reads).
    lines = text.splitlines()
    header = 0
    while lines[header].startswith("#"):
        header += 1
    block = [line for line in lines[header:] if line.startswith("PREFIX ")]
    assert lines[header : header + len(block)] == block
    assert block == [f"PREFIX {p}: <{PREFIXES[p]}>" for p in PREFIXES if p in use.declared]
    assert parse_header(name, text).description == named_query(name).description != ""


# ---------------------------------------------------------------- three engines, no prefixes given


@GRAPHS
@pytest.mark.parametrize("name", NAMES)
def test_pyoxigraph_without_prefixes_gives_kgraphs_rows(
    run_cli,  # type: ignore[no-untyped-def]
    stores: dict[Path, Store],
    graph: Path,
    name: str,
) -> None:
    text = _query_file(name).read_text(encoding="utf-8")
    theirs = _solutions_tsv(stores[graph].query(text))
    ours = _kgraph_tsv(run_cli, name, "--graph", graph)
    assert theirs == ours  # the same rows, in the same order
    assert len(ours) > 1 or graph == TINY_TTL or name == "claim-links"


def _key(term: object) -> str | None:
    """A term from either library as comparable text, numbers by value (Oxigraph writes the
    decimal 1000000000.0 as 1000000000)."""
    if term is None:
        return None
    if isinstance(term, rdflib.Literal | Literal):
        if isinstance(term, rdflib.Literal):
            value, language = str(term), term.language
            datatype = str(term.datatype) if term.datatype else XSD + "string"
        else:
            value, language, datatype = term.value, term.language, term.datatype.value
        if language:
            return f"{value!r}@{language}"
        if datatype in (XSD + "decimal", XSD + "integer", XSD + "double"):
            return f"{Decimal(value).normalize()}^^{datatype}"
        return f"{value!r}^^{datatype}"
    if isinstance(term, rdflib.BNode | BlankNode):
        return "_:"
    assert isinstance(term, rdflib.URIRef | NamedNode), term
    return f"<{term if isinstance(term, rdflib.URIRef) else term.value}>"


@pytest.fixture
def rdflib_knows_no_prefixes(monkeypatch: pytest.MonkeyPatch) -> None:
    """rdflib resolves prefixes the query does not declare from the graph's bindings and its
    own defaults (rdf, skos, prov, schema, dcterms...); here it knows only what the query says."""
    from rdflib.namespace import NamespaceManager
    from rdflib.plugins.sparql import sparql

    def bare(self: sparql.Prologue) -> None:
        self.base = None
        self.namespace_manager = NamespaceManager(rdflib.Graph(bind_namespaces="none"), "none")

    monkeypatch.setattr(sparql.Prologue, "__init__", bare)


@pytest.mark.usefixtures("rdflib_knows_no_prefixes")
@GRAPHS
@pytest.mark.parametrize("name", NAMES)
def test_rdflib_without_prefixes_gives_the_same_rows(
    stores: dict[Path, Store], graph: Path, name: str
) -> None:
    from rdflib.plugins.sparql import prepareQuery

    with pytest.raises(Exception, match="Unknown namespace prefix : rdf"):
        prepareQuery("SELECT * WHERE { ?s rdf:type ?o }")  # the fixture took effect
    text = _query_file(name).read_text(encoding="utf-8")
    theirs = rdflib.Graph().parse(graph, format="turtle").query(prepareQuery(text))
    ours = stores[graph].query(text)
    assert isinstance(ours, QuerySolutions)
    variables = [v.value for v in ours.variables]
    assert [str(v) for v in theirs.vars or []] == variables
    mine = Counter(tuple(_key(row[v]) for v in variables) for row in ours)
    other = Counter(tuple(_key(row[v]) for v in variables) for row in theirs)  # type: ignore[index]
    assert mine == other


@pytest.fixture(scope="module")
def oxigraph_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph command line is not installed (pip install 'oxigraph>=0.5,<0.6')")
    location = tmp_path_factory.mktemp("oxigraph") / "store"
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(BUNDLED_TTL)],
        check=True,
        capture_output=True,
    )
    yield binary, location


@pytest.mark.parametrize("name", NAMES)
def test_the_oxigraph_command_line_runs_the_file_unchanged(
    run_cli,  # type: ignore[no-untyped-def]
    oxigraph_store: tuple[str, Path],
    name: str,
) -> None:
    binary, location = oxigraph_store
    done = subprocess.run(
        [
            binary,
            "query",
            "--location",
            str(location),
            "--query-file",
            str(_query_file(name)),
            "--results-format",
            "json",
        ],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    theirs = _solutions_tsv(parse_query_results(done.stdout, format=QueryResultsFormat.JSON))
    assert theirs == _kgraph_tsv(run_cli, name, "--graph", BUNDLED_TTL)


# ---------------------------------------------------------------- --print


@pytest.mark.parametrize("name", NAMES)
def test_print_writes_the_file_and_runs_nothing(run_cli, stores: dict[Path, Store], name: str) -> None:  # type: ignore[no-untyped-def]
    # An endpoint nobody listens on: --print without --param opens no graph and sends nothing.
    result = run_cli("query", name, "--print", "--endpoint", "http://127.0.0.1:9/sparql")
    assert (result.code, result.err) == (0, "")
    assert result.out == _query_file(name).read_text(encoding="utf-8")
    assert _solutions_tsv(stores[BUNDLED_TTL].query(result.out)) == _kgraph_tsv(
        run_cli, name, "--graph", BUNDLED_TTL
    )


def test_print_binds_parameters_as_a_values_block(run_cli, stores: dict[Path, Store]) -> None:  # type: ignore[no-untyped-def]
    args = ("arms-suppliers", "-p", "recipient=Azerbaijan", "-p", "supplier=Israel")
    result = run_cli("query", *args, "--print", "--graph", BUNDLED_TTL)
    assert (result.code, result.err) == (0, "")
    file = _query_file("arms-suppliers").read_text(encoding="utf-8")
    assert result.out == (
        file.rstrip() + "\nVALUES (?recipient ?supplier) "
        "{ (<https://w3id.org/kgraph/id/azerbaijan> <https://w3id.org/kgraph/id/israel>) }\n"
    )
    printed = _solutions_tsv(stores[BUNDLED_TTL].query(result.out))
    assert printed == _kgraph_tsv(run_cli, *args, "--graph", BUNDLED_TTL)
    assert len(printed) > 2


def test_print_of_a_query_adds_the_prefixes_it_lacks(
    run_cli,  # type: ignore[no-untyped-def]
    stores: dict[Path, Store],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    text = "SELECT ?actor ?label WHERE { ?actor a kg:State ; skos:prefLabel ?label } ORDER BY ?label\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    result = run_cli("query", "-", "--print", "-p", 'label="Alpha\\" } UNION { ?s ?p ?o"@en')
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"PREFIX kg: <{PREFIXES['kg']}>\nPREFIX skos: <{PREFIXES['skos']}>\n"
        + text
        + 'VALUES (?label) { ("Alpha\\" } UNION { ?s ?p ?o"@en) }\n'
    )
    assert _solutions_tsv(stores[TINY_TTL].query(result.out)) == ["?actor\t?label"]
    path = tmp_path / "states.rq"
    path.write_text("PREFIX kg: <https://w3id.org/kgraph/ns#>\n# mine\n" + text, encoding="utf-8")
    result = run_cli("query", f"@{path}", "--print", "-o", tmp_path / "sent.rq")
    assert (result.code, result.out, result.err) == (0, "", "")
    sent = (tmp_path / "sent.rq").read_text(encoding="utf-8")
    assert sent == f"PREFIX skos: <{PREFIXES['skos']}>\n" + path.read_text(encoding="utf-8")
    assert _solutions_tsv(stores[TINY_TTL].query(sent)) == _kgraph_tsv(run_cli, text, "--graph", TINY_TTL)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("timeline", "--print", "-f", "json"), "--format does not apply"),
        (("--list", "--print"), "--list takes no query"),
        (("claim-links", "--print", "-p", "link=kg:supports"), "no parameter 'link'"),
        (("SELECT ?s WHERE { ?s ?p ?o }", "--print", "-p", "o=1"), "SELECT projection"),
        (("DELETE WHERE { ?s ?p ?o }", "--print"), "SPARQL update"),
        (("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--print"), "--allow-service"),
    ],
)
def test_print_refuses_what_would_not_be_sent(run_cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", *args)
    assert result.code == 2 and result.out == "", (result.out, result.err)
    assert result.err.count("\n") == 1 and message in result.err, result.err


def test_text_as_sent() -> None:
    query = "PREFIX kg: <http://example.org/other#>\nSELECT ?x WHERE { ?x a kg:Thing ; rdfs:label ?l } # end"
    sent = text_as_sent(query, {"x": NamedNode("http://example.org/a")})
    assert sent == f"PREFIX rdfs: <{PREFIXES['rdfs']}>\n{query}\nVALUES (?x) {{ (<http://example.org/a>) }}\n"
    assert text_as_sent("SELECT * WHERE { ?s ?p 'kg:x' }") == "SELECT * WHERE { ?s ?p 'kg:x' }"
    assert Store().query(sent).variables  # type: ignore[union-attr]
    line = text_as_sent("SELECT ?v {}", {"v": Literal("2015", datatype=NamedNode(XSD + "gYear"))})
    assert line.endswith(f'VALUES (?v) {{ ("2015"^^<{XSD}gYear>) }}\n')


# ---------------------------------------------------------------- Virtuoso


@pytest.fixture
def virtuoso(virtuoso_server) -> str:  # type: ignore[no-untyped-def]
    """The session's Virtuoso (tests/conftest.py): read-only here, so shared with the read suite."""
    return str(virtuoso_server.url)


_BOOLEAN = re.compile(rf'"1"\^\^<{re.escape(XSD)}boolean>')


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_runs_on_virtuoso(run_cli, virtuoso: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Virtuoso 7 answers each query with the rows the file gives, in the same order (every
    ORDER BY is total). timeline was once refused (SP031: a FILTER on a BIND inside UNION
    branches). Only a value's form may differ: Virtuoso writes true as "1"^^xsd:boolean."""
    theirs = _kgraph_tsv(run_cli, name, "--endpoint", virtuoso)
    theirs = [_BOOLEAN.sub(f'"true"^^<{XSD}boolean>', line) for line in theirs]
    assert theirs == _kgraph_tsv(run_cli, name, "--graph", BUNDLED_TTL)
