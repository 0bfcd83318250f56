"""RDF exports read back by rdflib and pyoxigraph are the selection, triple for triple."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import Quad, RdfFormat, parse, serialize
from rdflib.compare import isomorphic

import kgraph
from kgraph.export import ExportOptions, export, export_subgraph
from kgraph.namespaces import PREFIXES
from kgraph.subgraph import Selection, Subgraph, select

from .conftest import TINY_TTL

FORMATS = {
    # name: (rdflib parser, pyoxigraph format)
    "turtle": ("turtle", RdfFormat.TURTLE),
    "ntriples": ("nt", RdfFormat.N_TRIPLES),
    "jsonld": ("json-ld", RdfFormat.JSON_LD),
    "trig": ("trig", RdfFormat.TRIG),
    "rdfxml": ("xml", RdfFormat.RDF_XML),
}
SELECTIONS = {
    "whole": Selection(),
    "focus": Selection(focus=('Omega Corp & "Sons" <Ltd>',), depth=1),
    "alleged": Selection(modalities=("alleged",)),
}


@pytest.fixture(scope="module")
def tiny() -> kgraph.KGraph:
    return kgraph.open(TINY_TTL)


@pytest.fixture(scope="module")
def subgraphs(tiny: kgraph.KGraph) -> dict[str, Subgraph]:
    return {name: select(tiny, sel) for name, sel in SELECTIONS.items()}


def _rdflib(data: str, parser: str) -> rdflib.Graph:
    if parser == "trig":
        ds = rdflib.Dataset()
        ds.parse(data=data, format="trig")
        graph = rdflib.Graph()
        for s, p, o, _ in ds.quads():
            graph.add((s, p, o))
        return graph
    return rdflib.Graph().parse(data=data, format=parser)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("view", ["claims", "actors"])
@pytest.mark.parametrize("which", SELECTIONS)
def test_round_trip(subgraphs: dict[str, Subgraph], fmt: str, view: str, which: str) -> None:
    sub = subgraphs[which]
    expected_triples = sub.triples(view)  # type: ignore[arg-type]
    assert expected_triples
    data = export_subgraph(sub, fmt, ExportOptions(view=view))  # type: ignore[arg-type]
    assert isinstance(data, str)
    parser, oxformat = FORMATS[fmt]
    expected = rdflib.Graph().parse(data=serialize(expected_triples, format=RdfFormat.N_TRIPLES), format="nt")
    assert isomorphic(_rdflib(data, parser), expected)
    back = {q.triple if isinstance(q, Quad) else q for q in parse(data.encode(), format=oxformat)}
    assert back == set(expected_triples)


def test_default_view_is_self_contained(subgraphs: dict[str, Subgraph]) -> None:
    sub = subgraphs["focus"]
    assert export_subgraph(sub, "ntriples") == export_subgraph(sub, "ntriples", ExportOptions(view="claims"))
    assert export_subgraph(sub, "ntriples") != export_subgraph(sub, "ntriples", ExportOptions(view="actors"))


def test_turtle_uses_our_prefixes_and_survives_the_torture_label(subgraphs: dict[str, Subgraph]) -> None:
    text = export_subgraph(subgraphs["focus"], "turtle")
    assert isinstance(text, str)
    for prefix, ns in PREFIXES.items():
        assert f"@prefix {prefix}: <{ns}> ." in text
    graph = rdflib.Graph().parse(data=text, format="turtle")
    labels = {str(o) for o in graph.objects(None, rdflib.SKOS.prefLabel)}
    assert 'Omega Corp & "Sons" <Ltd>' in labels
    descriptions = {str(o) for o in graph.objects(None, rdflib.DCTERMS.description)}
    assert any("a\nnewline." in d for d in descriptions)


def test_jsonld_context_is_the_prefix_map(subgraphs: dict[str, Subgraph]) -> None:
    doc = json.loads(str(export_subgraph(subgraphs["whole"], "jsonld")))
    assert doc["@context"] == PREFIXES
    omega = next(n for n in doc["@graph"] if n["@id"] == "kgr:omega-corp")
    assert "kg:Company" in omega["@type"]
    assert omega["skos:prefLabel"] == [{"@value": 'Omega Corp & "Sons" <Ltd>', "@language": "en"}]
    share = next(n for n in doc["@graph"] if "kg:share" in n)
    assert share["kg:share"] == [{"@value": "0.6", "@type": "xsd:decimal"}]


def test_output_is_deterministic(tiny: kgraph.KGraph) -> None:
    for fmt in FORMATS:
        assert export(tiny, None, fmt) == export(tiny, None, fmt)


def test_claims_view_validates_with_the_shipped_shapes(tmp_path: Path, tiny: kgraph.KGraph) -> None:
    validation = pytest.importorskip("kgraph.validation")
    for name, sel in SELECTIONS.items():
        for view in ("claims", "actors"):
            out = tmp_path / f"{name}-{view}.ttl"
            out.write_text(str(export(tiny, sel, "turtle", ExportOptions(view=view))), encoding="utf-8")  # type: ignore[arg-type]
            report = validation.validate(kgraph.open(out))
            assert report.conforms, (name, view, [(v.rule, v.focus) for v in report.violations])


# ---------------------------------------------------------------- one RDF writer for build, query, export


def test_build_query_and_export_write_rdf_through_one_module(
    subgraphs: dict[str, Subgraph], tiny: kgraph.KGraph
) -> None:
    from kgraph import serialize as rdf
    from kgraph.build import HEADER, to_turtle
    from kgraph.query import run_query, to_jsonld, to_ntriples, to_rdfxml
    from kgraph.query import to_turtle as query_turtle

    sub = subgraphs["whole"]
    triples = sub.triples("claims")
    header = f"# kgraph export: {sub.description} (claims view)\n"
    assert export_subgraph(sub, "turtle") == rdf.turtle(triples, header=header)
    assert export_subgraph(sub, "trig") == rdf.trig(triples, header=header)
    assert export_subgraph(sub, "ntriples") == rdf.ntriples(triples)
    assert export_subgraph(sub, "jsonld") == rdf.jsonld(triples)
    assert export_subgraph(sub, "rdfxml") == rdf.rdfxml(triples)
    assert to_turtle(triples) == rdf.turtle(triples, header=HEADER)
    constructed = run_query(tiny, "CONSTRUCT WHERE { ?s ?p ?o }").triples
    assert query_turtle(constructed) == rdf.turtle(constructed, all_prefixes=False)
    assert to_ntriples(constructed) == rdf.ntriples(constructed)
    assert to_jsonld(constructed) == rdf.jsonld(constructed)
    assert to_rdfxml(constructed) == rdf.rdfxml(constructed)
    # None of them keeps a writer of its own.
    import kgraph.build
    import kgraph.export.rdf
    import kgraph.query

    for module in (kgraph.build, kgraph.query, kgraph.export.rdf):
        assert not hasattr(module, "_TurtleWriter") and not hasattr(module, "_pyoxigraph"), module


@pytest.mark.parametrize("fmt", ["turtle", "trig", "ntriples", "jsonld", "rdfxml"])
def test_order_of_the_triples_given_does_not_matter(subgraphs: dict[str, Subgraph], fmt: str) -> None:
    from kgraph import serialize as rdf

    triples = subgraphs["whole"].triples("claims")
    write = getattr(rdf, fmt)
    assert write(list(reversed(triples))) == write(triples) == write(triples + triples[:3])


def test_rdfxml_refuses_a_predicate_it_cannot_write() -> None:
    from pyoxigraph import Literal, NamedNode, Triple

    from kgraph import serialize as rdf
    from kgraph.errors import FormatError

    with pytest.raises(FormatError, match=r"RDF/XML cannot write the predicate <http://example\.org/1>"):
        rdf.rdfxml(
            [Triple(NamedNode("http://example.org/s"), NamedNode("http://example.org/1"), Literal("x"))]
        )


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_what_the_curators_added_survives_an_rdf_export(tmp_path: Path, fmt: str) -> None:
    from kgraph.mapping import from_triples
    from kgraph.namespaces import KG, SCHEMA

    from .test_export_graphviz import curators_graph

    sub = select(curators_graph(tmp_path))
    data = str(export_subgraph(sub, fmt))
    graph = _rdflib(data, FORMATS[fmt][0])
    kg, schema = rdflib.Namespace(KG), rdflib.Namespace(SCHEMA)
    curated = list(graph.subject_objects(kg.curatedQualifier))
    assert len(curated) == 1 and curated[0][1] == schema.minValue
    sales = curated[0][0]
    assert graph.value(sales, rdflib.RDF.predicate) == kg.suppliesArmsTo
    assert graph.value(sales, kg.modality) == kg.asserted  # a curated value, not a curator-inferred claim
    inferred = {graph.value(c, rdflib.RDF.predicate) for c in graph.subjects(kg.modality, kg.curatorInferred)}
    assert inferred == {kg.airliftedSuppliesTo, rdflib.DCTERMS.date}
    # Read back as models, the file says again what the curators added.
    back = from_triples(parse(data.encode(), format=FORMATS[fmt][1]))
    assert {c.predicate: c.curated for c in back.claims if c.curated} == {"suppliesArmsTo": ["min_value"]}
    # The actors view is the network alone: the claim layer, and with it these marks, stays out.
    actors = _rdflib(str(export_subgraph(sub, fmt, ExportOptions(view="actors"))), FORMATS[fmt][0])
    assert (None, kg.curatedQualifier, None) not in actors and (None, kg.modality, None) not in actors
