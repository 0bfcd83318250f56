"""GraphML, GEXF and Cytoscape.js JSON read back by networkx / json with the same network."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest

import kgraph
from kgraph.export import ExportOptions, export_subgraph
from kgraph.namespaces import KGR
from kgraph.subgraph import Selection, Subgraph, select

from .conftest import TINY_TTL

OMEGA = 'Omega Corp & "Sons" <Ltd>'
ARMS = KGR + "claim-4118dc2ef3a96df1"


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
    assert offensive["date"] == "2023-09-19" and offensive["date_by_curators"] in (True, "true")
    assert treaty["date"] == "2020-11-10" and treaty["date_by_curators"] in (False, "false")
    # 3 claims between entities are edges (or claim nodes); the 5 property claims are attributes.
    assert len(sub.claims) == 8 and sub.property_claims() == 5


def test_cypher_carries_property_claims(tmp_path: Path) -> None:
    from .test_export_graphviz import offensive_graph

    out = str(export_subgraph(select(offensive_graph(tmp_path)), "cypher"))
    assert "n.`characteristic` = 'Shiite-majority; a secular society'" in out
