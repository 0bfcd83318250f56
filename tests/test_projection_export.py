"""The projection's additions for export (event dates, attributed-to labels, claim nodes, walks)
and the format registry."""

from __future__ import annotations

import pytest

import kgraph
from kgraph.errors import FormatError, UsageError
from kgraph.export import REGISTRY, ExportOptions, exporter_for_path, format_rows, get_exporter
from kgraph.namespaces import KGR
from kgraph.projection import claim_network, neighborhood, project, shortest_paths
from kgraph.subgraph import select

from .conftest import TINY_TTL


@pytest.fixture(scope="module")
def graph():  # type: ignore[no-untyped-def]
    return select(kgraph.open(TINY_TTL)).network()


def n(slug: str) -> str:
    return KGR + slug


def test_network_nodes_and_edges(graph) -> None:  # type: ignore[no-untyped-def]
    assert set(graph.nodes) == {
        n(x)
        for x in (
            "alphaland",
            "betastan",
            "delta-valley",
            "alpha-intel",
            "omega-corp",
            "delta-attack-2021",
            "gamma-institute",
        )
    }
    assert graph.number_of_edges() == 7  # the attack's date is a value, not an edge
    assert graph.nodes[n("delta-attack-2021")]["date"] == "2021-03"
    assert graph.nodes[n("betastan")]["date"] == ""
    arms = graph.edges[n("alphaland"), n("betastan"), KGR + "claim-4118dc2ef3a96df1"]
    assert arms["attributed_to"] == "gamma-institute"
    assert arms["attributed_to_label"] == "Gamma Institute"
    assert arms["figure"] == "60% of Betastan's arms imports, drones, 2015–2019"
    for _, _, data in graph.edges(data=True):
        assert all(isinstance(v, str | float | bool) for v in data.values())


def test_project_without_labels_keeps_its_old_attributes() -> None:
    corpus = select(kgraph.open(TINY_TTL)).corpus
    g = project(corpus)
    assert g.number_of_edges() == 7


def test_claim_network(graph) -> None:  # type: ignore[no-untyped-def]
    cn = claim_network(graph)
    claims = [x for x, d in cn.nodes(data=True) if d["kind"] == "claim"]
    assert len(claims) == graph.number_of_edges()
    assert cn.number_of_edges() == 2 * graph.number_of_edges()
    arms = KGR + "claim-4118dc2ef3a96df1"
    assert cn.nodes[arms]["label"] == "supplies arms to (60% of Betastan's arms imports, drones, 2015–2019)"
    assert list(cn.predecessors(arms)) == [n("alphaland")] and list(cn.successors(arms)) == [n("betastan")]


def test_shortest_paths_ignore_direction(graph) -> None:  # type: ignore[no-untyped-def]
    assert shortest_paths(graph, n("omega-corp"), n("alpha-intel")) == [
        [n("omega-corp"), n("betastan"), n("alpha-intel")]
    ]
    both = shortest_paths(graph, n("delta-attack-2021"), n("alphaland"))
    assert both == [[n("delta-attack-2021"), n("betastan"), n("alphaland")]]
    assert shortest_paths(graph, n("alphaland"), n("gamma-institute")) == []
    assert shortest_paths(graph, n("alphaland"), "urn:nowhere") == []


def test_neighborhood(graph) -> None:  # type: ignore[no-untyped-def]
    assert neighborhood(graph, [n("alphaland")], 0) == {n("alphaland")}
    assert neighborhood(graph, [n("alphaland")], 1) == {n("alphaland"), n("betastan")}
    assert len(neighborhood(graph, [n("alphaland")], 2)) == 6


def test_registry() -> None:
    assert list(REGISTRY)[:5] == ["turtle", "ntriples", "jsonld", "trig", "rdfxml"]
    for name in ("dot", "svg", "png", "pdf", "graphml", "gexf", "cyjs", "csv", "tsv", "mermaid", "cypher"):
        e = REGISTRY[name]
        assert e.name == name and e.extensions and "/" in e.media_type and e.description
    extensions = [ext for e in REGISTRY.values() for ext in e.extensions]
    assert len(extensions) == len(set(extensions)), "an extension names one format"
    rows = format_rows()
    assert [r["format"] for r in rows] == list(REGISTRY)
    assert {r["format"] for r in rows if r["binary"]} == {"png", "pdf"}


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("x.ttl", "turtle"),
        ("a/b/c.NT", "ntriples"),
        ("x.jsonld", "jsonld"),
        ("x.json", "jsonld"),
        ("x.gv", "dot"),
        ("x.svg", "svg"),
        ("x.graphml", "graphml"),
        ("x.gexf", "gexf"),
        ("x.cyjs", "cyjs"),
        ("x.csv", "csv"),
        ("x.mmd", "mermaid"),
        ("x.cypher", "cypher"),
        ("x.rdf", "rdfxml"),
        ("x.png", "png"),
    ],
)
def test_format_by_extension(path: str, fmt: str) -> None:
    assert exporter_for_path(path).name == fmt


def test_unknown_formats() -> None:
    with pytest.raises(FormatError, match=r"no export format for \.xyz"):
        exporter_for_path("out.xyz")
    with pytest.raises(FormatError, match="no extension"):
        exporter_for_path("out")
    with pytest.raises(FormatError, match="unknown export format 'docx'"):
        get_exporter("docx")
    assert get_exporter("TTL").name == "turtle" and get_exporter("neo4j").name == "cypher"


def test_bad_options() -> None:
    with pytest.raises(UsageError, match="rankdir"):
        ExportOptions(rankdir="UP")
    with pytest.raises(UsageError, match="layout"):
        ExportOptions(layout="spring")
    with pytest.raises(UsageError, match="merge"):
        ExportOptions(merge="all")
    with pytest.raises(UsageError, match="view"):
        ExportOptions(view="both")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2023-09-19", "19 Sep 2023"),
        ("2022-12", "Dec 2022"),
        ("--09-19", "19 Sep"),
        ("2015", "2015"),
        ("2020-09 – 2020-11", "Sep 2020 – Nov 2020"),
        ("1980s", "1980s"),
    ],
)
def test_event_dates_in_words(value: str, words: str) -> None:
    from kgraph.export.style import date_words

    assert date_words(value) == words
