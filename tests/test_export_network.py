"""GraphML, GEXF and Cytoscape.js JSON read back by networkx / json with the same network."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import kgraph
from kgraph.export import ExportOptions, export_subgraph
from kgraph.namespaces import KGR
from kgraph.subgraph import Selection, Subgraph, select

from .conftest import TINY_TTL

OMEGA = 'Omega Corp & "Sons" <Ltd>'
ARMS = KGR + "claim-4118dc2ef3a96df1"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://www.gexf.net/1.2draft}"


@pytest.fixture(scope="module")
def tiny() -> kgraph.KGraph:
    return kgraph.open(TINY_TTL)


@pytest.fixture(scope="module", params=["whole", "focus"])
def sub(request: pytest.FixtureRequest, tiny: kgraph.KGraph) -> Subgraph:
    sel = Selection() if request.param == "whole" else Selection(focus=("Alphaland",))
    return select(tiny, sel)


def _read(fmt: str, data: str) -> nx.MultiDiGraph:
    if fmt == "graphml":
        return nx.read_graphml(io.StringIO(data), force_multigraph=True)
    return nx.read_gexf(io.BytesIO(data.encode("utf-8")))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_read_back_same_network(sub: Subgraph, fmt: str) -> None:
    expected = sub.network()
    data = export_subgraph(sub, fmt)
    assert isinstance(data, str)
    back = _read(fmt, data)
    assert back.number_of_nodes() == expected.number_of_nodes()
    assert back.number_of_edges() == expected.number_of_edges()
    assert set(back.nodes) == set(expected.nodes)
    for n, attrs in expected.nodes(data=True):
        assert back.nodes[n]["label"] == attrs["label"]
        assert back.nodes[n]["type"] == attrs["type"]
    back_edges = {(s, o, d["claim"]): d for s, o, d in back.edges(data=True)}
    for s, o, d in expected.edges(data=True):
        got = back_edges[(s, o, d["claim"])]
        for key in ("relation", "modality", "predicate", "figure", "claim_key"):
            assert got[key] == d[key]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_qualifiers_are_typed_attributes(tiny: kgraph.KGraph, fmt: str) -> None:
    back = _read(fmt, str(export_subgraph(select(tiny), fmt)))
    arms = next(d for _, _, d in back.edges(data=True) if d["claim"] == ARMS)
    assert arms["share"] == pytest.approx(0.6)
    if fmt == "gexf":  # renamed: GEXF reads start/end as a dynamic graph's timeline
        assert arms["period_start"] == "2015" and arms["period_end"] == "2019"
    else:
        assert arms["start"] == "2015" and arms["end"] == "2019"
    assert arms["attributed_to_label"] == "Gamma Institute"
    assert arms["evidence"] == "0-153"
    labels = {d["label"] for _, d in back.nodes(data=True)}
    assert OMEGA in labels and "Délta Valley" in labels
    omega = next(d for _, d in back.nodes(data=True) if d["label"] == OMEGA)
    assert omega["description"].endswith("a\nnewline.")


def test_gexf_edges_are_labelled_and_identified(tiny: kgraph.KGraph) -> None:
    data = str(export_subgraph(select(tiny), "gexf"))
    assert 'mode="static"' in data and "dynamic" not in data
    assert f'id="{ARMS}"' in data
    assert 'label="supplies arms to"' in data


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cyjs"])
def test_claims_view_makes_claim_nodes(tiny: kgraph.KGraph, fmt: str) -> None:
    sub = select(tiny)
    data = str(export_subgraph(sub, fmt, ExportOptions(view="claims")))
    if fmt == "cyjs":
        nodes = {n["data"]["id"]: n["data"] for n in json.loads(data)["elements"]["nodes"]}
    else:
        nodes = dict(_read(fmt, data).nodes(data=True))
    actors = sub.network().number_of_nodes()
    claims = sub.network().number_of_edges()
    assert len(nodes) == actors + claims
    assert nodes[ARMS]["kind"] == "claim" and nodes[ARMS]["modality"] == "reported"


def test_cytoscape_json(sub: Subgraph) -> None:
    doc = json.loads(str(export_subgraph(sub, "cyjs")))
    expected = sub.network()
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert {n["data"]["id"] for n in nodes} == set(expected.nodes)
    assert len(edges) == expected.number_of_edges()
    assert len({e["data"]["id"] for e in edges}) == len(edges)
    for e in edges:
        assert e["data"]["source"] in expected and e["data"]["target"] in expected
        assert e["data"]["name"] == e["data"]["relation"]
        assert e["data"]["source_document"] == "tiny"
    assert all(n["data"]["name"] == n["data"]["label"] for n in nodes)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cyjs"])
@pytest.mark.parametrize("view", ["actors", "claims"])
def test_property_claims_are_node_attributes(tmp_path: Path, fmt: str, view: str) -> None:
    """No selected claim is silently dropped: a claim whose object is a value is a node attribute."""
    from .test_export_graphviz import offensive_graph

    sub = select(offensive_graph(tmp_path))
    data = str(export_subgraph(sub, fmt, ExportOptions(view=view)))  # type: ignore[arg-type]
    if fmt == "cyjs":
        nodes = {n["data"]["id"]: n["data"] for n in json.loads(data)["elements"]["nodes"]}
    else:
        nodes = dict(_read(fmt, data).nodes(data=True))
    ayland, offensive, treaty = nodes[KGR + "a"], nodes[KGR + "offensive"], nodes[KGR + "treaty"]
    assert ayland["characteristic"] == "Shiite-majority; a secular society"
    assert offensive["date"] == "2023-09-19" and offensive["date_by_curators"] is True
    assert treaty["date"] == "2020-11-10" and treaty["date_by_curators"] is False
    # 3 claims between entities are edges (or claim nodes); the 5 property claims are attributes.
    assert len(sub.claims) == 8 and sub.property_claims() == 5


def test_cypher_carries_property_claims(tmp_path: Path) -> None:
    from .test_export_graphviz import offensive_graph

    out = str(export_subgraph(select(offensive_graph(tmp_path)), "cypher"))
    assert "n.`characteristic` = 'Shiite-majority; a secular society'" in out


SALES_FIGURE = "at least 1 billion* USD (approximate), armaments, since the start of The conflict"


def _by_relation(edges: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(d["relation"]): d for d in edges}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_what_the_curators_added_is_a_typed_field(tmp_path: Path, fmt: str) -> None:
    from .test_export_graphviz import curators_graph

    data = str(export_subgraph(select(curators_graph(tmp_path)), fmt))
    # Declared with a type, so Gephi and Cytoscape make boolean columns of them.
    root = ET.fromstring(data)
    if fmt == "graphml":
        declared = {
            (k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iter(f"{GRAPHML}key")
        }
    else:
        declared = {
            (attrs.get("class"), a.get("title")): a.get("type")
            for attrs in root.iter(f"{GEXF}attributes")
            for a in attrs.iter(f"{GEXF}attribute")
        }
    assert declared[("edge", "by_curators")] == "boolean"
    assert declared[("edge", "curated")] == "string"
    assert declared[("node", "date_by_curators")] == "boolean"
    back = _read(fmt, data)
    edges = _by_relation([d for _, _, d in back.edges(data=True)])
    assert edges["supplies arms to"]["by_curators"] is False
    assert edges["supplies arms to"]["curated"] == "min_value"
    assert edges["supplies arms to"]["figure"] == SALES_FIGURE
    assert edges["airlifted supplies to"]["by_curators"] is True
    assert edges["airlifted supplies to"]["curated"] == ""
    assert edges["ally of"]["by_curators"] is False and edges["ally of"]["curated"] == ""
    dated = {back.nodes[n]["label"]: back.nodes[n]["date_by_curators"] for n in back.nodes}
    assert dated == {
        "Ayland": False,
        "Beeland": False,
        "Bee forces": False,
        "The conflict": False,
        "Offensive": True,
    }


def test_cytoscape_json_lists_the_curated_fields(tmp_path: Path) -> None:
    from .test_export_graphviz import curators_graph

    sub = select(curators_graph(tmp_path))
    doc = json.loads(str(export_subgraph(sub, "cyjs")))
    edges = _by_relation([e["data"] for e in doc["elements"]["edges"]])
    assert edges["supplies arms to"]["curated"] == ["min_value"]
    assert edges["supplies arms to"]["by_curators"] is False
    assert edges["supplies arms to"]["figure"] == SALES_FIGURE
    assert (
        edges["airlifted supplies to"]["curated"] == []
        and edges["airlifted supplies to"]["by_curators"] is True
    )
    nodes = {n["data"]["name"]: n["data"] for n in doc["elements"]["nodes"]}
    assert nodes["Offensive"]["date_by_curators"] is True and nodes["Ayland"]["date_by_curators"] is False
    claims = json.loads(str(export_subgraph(sub, "cyjs", ExportOptions(view="claims"))))
    claim_nodes = [n["data"] for n in claims["elements"]["nodes"] if n["data"]["kind"] == "claim"]
    assert _by_relation(claim_nodes)["supplies arms to"]["curated"] == ["min_value"]
    assert _by_relation(claim_nodes)["airlifted supplies to"]["by_curators"] is True
    # The edges of the claims view are only subject/object links: nothing to mark on them.
    assert all("curated" not in e["data"] for e in claims["elements"]["edges"])


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_claim_nodes_carry_the_curators_fields(tmp_path: Path, fmt: str) -> None:
    from .test_export_graphviz import curators_graph

    data = str(export_subgraph(select(curators_graph(tmp_path)), fmt, ExportOptions(view="claims")))
    back = _read(fmt, data)
    claims = _by_relation([d for _, d in back.nodes(data=True) if d["kind"] == "claim"])
    assert claims["supplies arms to"]["curated"] == "min_value"
    assert claims["airlifted supplies to"]["by_curators"] is True
    assert claims["ally of"]["by_curators"] is False


def test_cypher_says_what_the_curators_added(tmp_path: Path) -> None:
    from .test_export_graphviz import curators_graph

    out = str(export_subgraph(select(curators_graph(tmp_path)), "cypher"))
    rels = {x.split("[r:", 1)[1].split(" ", 1)[0]: x for x in out.splitlines() if "[r:" in x}
    assert "r.`by_curators` = true" in rels["`AIRLIFTED_SUPPLIES_TO`"]
    sales = rels["`SUPPLIES_ARMS_TO`"]
    assert "r.`by_curators` = false" in sales and "r.`curated` = ['min_value']" in sales
    assert f"r.`figure` = '{SALES_FIGURE}'" in sales
    assert "curated" not in rels["`ALLY_OF`"]  # no empty list: nothing to find with IN
    offensive = next(x for x in out.splitlines() if "kgr:offensive" in x)
    assert "n.`date_by_curators` = true" in offensive
    claims = str(export_subgraph(select(curators_graph(tmp_path)), "cypher", ExportOptions(view="claims")))
    assert "n.`curated` = ['min_value']" in claims and "n.`by_curators` = true" in claims
