"""The network view: actors and events as nodes, one keyed edge per claim between them."""

from __future__ import annotations

import pytest

from kgraph.build import load_dataset
from kgraph.mapping import claim_iri, dataset_triples, from_triples
from kgraph.namespaces import KGR
from kgraph.projection import (
    claim_edge_attributes,
    claims_between,
    distances,
    nearer,
    neighborhood,
    node_id,
    project,
    shortest_paths,
)

from .conftest import TINY_YAML

nx = pytest.importorskip("networkx")


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return project(from_triples(dataset_triples(load_dataset(TINY_YAML))))


def _claim(key: str) -> str:
    ds = load_dataset(TINY_YAML)
    claim = next(c for c in ds.claims if c.key == key)
    return claim_iri(claim, ds.source.id).value


def test_nodes_are_actors_and_events_by_iri(graph: nx.MultiDiGraph) -> None:
    assert sorted(graph.nodes) == sorted(
        KGR + s
        for s in (
            "alphaland",
            "betastan",
            "gamma-institute",
            "delta-valley",
            "alpha-intel",
            "omega-corp",
            "delta-attack-2021",
        )
    )
    node = graph.nodes[KGR + "betastan"]
    assert (node["label"], node["type"], node["kind"], node["curie"], node["aliases"]) == (
        "Betastan",
        "State",
        "actor",
        "kgr:betastan",
        "Beta City; Betastani",
    )
    assert graph.nodes[KGR + "delta-attack-2021"]["kind"] == "event"


def test_one_edge_per_claim_between_entities(graph: nx.MultiDiGraph) -> None:
    # 8 claims, one of them literal-valued (the attack's date): 7 edges.
    assert graph.number_of_edges() == 7
    assert set(graph.get_edge_data(KGR + "alphaland", KGR + "betastan")) == {
        _claim("arms-share"),
        _claim("alliance"),
    }
    # alleged claims are edges too (their modality says how firm they are)
    base = graph.edges[KGR + "betastan", KGR + "alpha-intel", _claim("base")]
    assert base["modality"] == "alleged"
    assert base["modality_label"] == "alleged (hedged)"


def test_edge_attributes_are_flat_and_readable(graph: nx.MultiDiGraph) -> None:
    attrs = graph.edges[KGR + "alphaland", KGR + "betastan", _claim("arms-share")]
    assert attrs["predicate"] == "kg:suppliesArmsTo"
    assert attrs["relation"] == "supplies arms to"
    assert attrs["figure"] == "60% of Betastan's arms imports, drones, 2015–2019"
    assert attrs["share"] == 0.6
    assert attrs["attributed_to"] == "gamma-institute"
    assert attrs["evidence"] == "0-153"
    assert all(isinstance(v, str | float | bool) for v in attrs.values())


def test_claim_edge_attributes_without_labels() -> None:
    ds = load_dataset(TINY_YAML)
    attrs = claim_edge_attributes(next(c for c in ds.claims if c.key == "attack"))
    assert attrs["point_in_time"] == "2021-03"
    assert "attributed_to_label" not in attrs


def test_node_id() -> None:
    assert node_id("israel") == KGR + "israel"
    assert node_id("http://www.wikidata.org/entity/Q801") == "http://www.wikidata.org/entity/Q801"


def test_shortest_paths_ignore_direction(graph: nx.MultiDiGraph) -> None:
    paths = shortest_paths(graph, KGR + "omega-corp", KGR + "alpha-intel")
    assert paths == [[KGR + "omega-corp", KGR + "betastan", KGR + "alpha-intel"]]
    assert shortest_paths(graph, KGR + "alphaland", KGR + "gamma-institute") == []  # only cited, no edge
    assert shortest_paths(graph, KGR + "alphaland", KGR + "nobody") == []


def test_neighborhood_goes_both_ways(graph: nx.MultiDiGraph) -> None:
    assert neighborhood(graph, [KGR + "alphaland"], depth=1) == {KGR + "alphaland", KGR + "betastan"}
    two = neighborhood(graph, [KGR + "alphaland"], depth=2)
    assert two == {
        KGR + s
        for s in ("alphaland", "betastan", "alpha-intel", "delta-valley", "omega-corp", "delta-attack-2021")
    }


def test_distances_ignore_direction(graph: nx.MultiDiGraph) -> None:
    reach = distances(graph, KGR + "omega-corp", 2)
    assert reach == {
        KGR + "omega-corp": 0,
        KGR + "betastan": 1,
        KGR + "alphaland": 2,
        KGR + "alpha-intel": 2,
        KGR + "delta-valley": 2,
        KGR + "delta-attack-2021": 2,
    }
    assert distances(graph, KGR + "omega-corp", 1) == {KGR + "omega-corp": 0, KGR + "betastan": 1}
    assert distances(graph, KGR + "nobody", 3) == {}


def test_nearer_lists_the_nodes_one_hop_closer(graph: nx.MultiDiGraph) -> None:
    reach = distances(graph, KGR + "alphaland", 3)
    assert nearer(graph, KGR + "betastan", reach) == [KGR + "alphaland"]
    # the valley is reached from Betastan (attacked) and from the attack (location), both at 2
    assert nearer(graph, KGR + "delta-valley", reach) == [KGR + "betastan"]
    assert reach[KGR + "delta-attack-2021"] == 2 and reach[KGR + "delta-valley"] == 2
    assert nearer(graph, KGR + "alphaland", reach) == []


def test_claims_between_say_which_way_they_read(graph: nx.MultiDiGraph) -> None:
    assert sorted(claims_between(graph, KGR + "alphaland", KGR + "betastan")) == sorted(
        [(_claim("arms-share"), "forward"), (_claim("alliance"), "forward")]
    )
    assert claims_between(graph, KGR + "alpha-intel", KGR + "betastan") == [(_claim("base"), "backward")]
    assert claims_between(graph, KGR + "alphaland", KGR + "omega-corp") == []


def test_edges_say_what_the_curators_added(graph: nx.MultiDiGraph) -> None:
    location = graph.edges[KGR + "delta-attack-2021", KGR + "delta-valley", _claim("attack-location")]
    assert location["by_curators"] is True and location["curated"] == ""
    others = [d for _, _, k, d in graph.edges(keys=True, data=True) if k != _claim("attack-location")]
    assert len(others) == 6
    assert all(d["by_curators"] is False and d["curated"] == "" for d in others)


def test_curated_values_are_fields_and_marks() -> None:
    from decimal import Decimal

    from kgraph.models import Claim, Qualifiers

    ds = load_dataset(TINY_YAML)
    arms = next(c for c in ds.claims if c.key == "arms-share")
    # The curators read the period into the source's words; the share is the source's.
    read = Claim.model_validate({**arms.model_dump(), "curated": ["start", "end"]})
    attrs = claim_edge_attributes(read)
    assert attrs["curated"] == "start; end"
    assert attrs["by_curators"] is False  # a reported claim: only two of its values are theirs
    assert attrs["figure"] == "60% of Betastan's arms imports, drones, 2015*–2019*"
    assert claim_edge_attributes(arms)["figure"] == "60% of Betastan's arms imports, drones, 2015–2019"
    # A bound since the start of an event: the event by its label when labels are given.
    billions = Claim.model_validate(
        {
            **arms.model_dump(),
            "qualifiers": Qualifiers(min_value=Decimal(10**9), unit="USD", since="delta-attack-2021"),
            "curated": ["min_value"],
        }
    )
    labels = {KGR + "delta-attack-2021": "Attack on the Delta Valley"}
    assert claim_edge_attributes(billions, labels)["figure"] == (
        "at least 1 billion* USD, since the start of Attack on the Delta Valley"
    )
    assert (
        claim_edge_attributes(billions)["figure"]
        == "at least 1 billion* USD, since the start of delta-attack-2021"
    )
