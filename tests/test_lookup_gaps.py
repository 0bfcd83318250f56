"""Issue 11: look-up gaps a new user hit, checked on the bundled graph (and a tiny one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kgraph
from kgraph.errors import AmbiguousNameError, ParameterError
from kgraph.names import resolve
from kgraph.namespaces import KGR
from kgraph.store import open_backend

from .conftest import TINY_TTL

# ---------------------------------------------------------------- 1. linked external ids


@pytest.mark.parametrize(
    "name",
    [
        "wd:Q801",
        "http://www.wikidata.org/entity/Q801",
        "<http://www.wikidata.org/entity/Q801>",
        "https://www.wikidata.org/entity/Q801",
        "https://www.wikidata.org/wiki/Q801",
        "Q801",
        "wd:q801",
    ],
)
def test_a_wikidata_id_names_the_actor_linked_to_it(run_cli, name: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", name, "-f", "json")
    assert (r.code, r.err) == (0, "")
    assert json.loads(r.out)["iri"] == KGR + "israel"


def test_an_unlinked_external_id_says_what_was_looked_for(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", "wd:Q9999999")
    assert (r.code, r.out) == (1, "")
    assert r.err == (
        "kgraph: nothing in the graph has the IRI <http://www.wikidata.org/entity/Q9999999>, and no "
        "actor or event is linked to it (skos:exactMatch, owl:sameAs, schema:sameAs)\n"
    )


def _tiny_with(tmp_path: Path, extra: str) -> Path:
    out = tmp_path / "linked.ttl"
    out.write_text(TINY_TTL.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return out


def test_owl_and_schema_same_as_and_claim_only_links_resolve(tmp_path: Path) -> None:
    graph = _tiny_with(
        tmp_path,
        "<https://w3id.org/kgraph/id/alphaland> <http://www.w3.org/2002/07/owl#sameAs> "
        "<http://dbpedia.org/resource/Alphaland> .\n"
        "<http://example.org/beta> <https://schema.org/sameAs> <https://w3id.org/kgraph/id/betastan> .\n"
        "<https://w3id.org/kgraph/id/c1> a <https://w3id.org/kgraph/ns#Claim> ;\n"
        "  <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <https://w3id.org/kgraph/id/alpha-intel> ;\n"
        "  <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> "
        "<http://www.w3.org/2004/02/skos/core#exactMatch> ;\n"
        "  <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> <http://www.wikidata.org/entity/Q42> .\n",
    )
    backend = open_backend([graph])
    assert resolve(backend, "http://dbpedia.org/resource/Alphaland").slug == "alphaland"
    assert resolve(backend, "<http://example.org/beta>").slug == "betastan"
    assert resolve(backend, "wd:Q42").slug == "alpha-intel"
    # an actor's own IRI names the actor itself, whatever it is linked to
    assert resolve(backend, "kgr:alphaland").slug == "alphaland"


def test_an_id_linked_to_two_actors_is_ambiguous(tmp_path: Path) -> None:
    same = "<http://www.w3.org/2002/07/owl#sameAs> <http://example.org/x> .\n"
    graph = _tiny_with(
        tmp_path,
        f"<https://w3id.org/kgraph/id/alphaland> {same}<https://w3id.org/kgraph/id/betastan> {same}",
    )
    with pytest.raises(AmbiguousNameError):
        resolve(open_backend([graph]), "http://example.org/x")


# ---------------------------------------------------------------- 2. events Israel takes part in


def test_events_with_israel_as_participant(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("events", "--participant", "Israel")
    assert (r.code, r.err) == (0, "")
    assert r.out == (
        "when  event                       participants\n"
        "----  --------------------------  ------------------\n"
        "      Israel–Azerbaijan alliance  Azerbaijan; Israel\n"
    )
    # the same through an alias and the Wikidata id
    for name in ("Tel Aviv", "wd:Q801"):
        assert run_cli("events", "--participant", name).out == r.out


# ---------------------------------------------------------------- 3. claims between two actors


def test_claims_between_two_actors_either_way_round() -> None:
    g = kgraph.open()
    found = g.claims(between=["Israel", "Azerbaijan"], exact=True, predicate="cooperatesWith")
    assert [(c.subject.id, c.object.id) for c in found] == [("israel", "azerbaijan")] * 2  # type: ignore[union-attr]
    both = g.claims(between=["Azerbaijan", "Israel"], exact=True)
    ends = {(c.subject.id, getattr(c.object, "id", None)) for c in both}
    assert ends == {("israel", "azerbaijan"), ("azerbaijan", "israel")}
    # narrower than --about A --about B, which is a union
    assert len(both) < len(g.claims(about=["Israel", "Azerbaijan"], exact=True))


def test_claims_between_an_actor_and_who_says_it(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claims", "--between", "Israel", "--between", "IWPR", "-f", "json")
    assert (r.code, r.err) == (0, "")
    assert [c["key"] for c in json.loads(r.out)] == ["israel-arms-share-2015-2019"]


def test_claims_between_rolls_up_unless_exact(run_cli) -> None:  # type: ignore[no-untyped-def]
    rolled = json.loads(run_cli("claims", "--between", "Israel", "--between", "Azerbaijan", "-f", "json").out)
    elta = [c for c in rolled if c["subject"]["id"] == "elta-systems"]
    assert [c["via"][0]["node"]["id"] for c in elta] == ["elta-systems", "elta-systems"]
    exact = json.loads(
        run_cli("claims", "--between", "Israel", "--between", "Azerbaijan", "--exact", "-f", "json").out
    )
    assert not [c for c in exact if c["subject"]["id"] == "elta-systems"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--between", "Israel"), "kgraph: --between must name exactly two actors or events, not 1\n"),
        (
            ("--between", "Israel", "--between", "Iran", "--between", "Armenia"),
            "kgraph: --between must name exactly two actors or events, not 3\n",
        ),
        (
            ("--between", "Israel", "--between", "Tel Aviv"),
            "kgraph: --between must name two different actors or events; both are Israel\n",
        ),
    ],
)
def test_claims_between_wants_two_different_names(run_cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claims", *args)
    assert (r.code, r.out, r.err) == (2, "", message)


def test_between_library_error_names_the_parameter() -> None:
    with pytest.raises(ParameterError, match=r"^between: must name exactly two actors or events, not 1$"):
        kgraph.open().claims(between=["Israel"])


# ---------------------------------------------------------------- 4. every path within --max-hops


def test_all_paths_ranked_shortest_first_then_firmest() -> None:
    result = kgraph.open().path("Israel", "Iran", max_hops=2, all_paths=True)
    assert (result.all_paths, result.length, result.found, result.truncated) == (True, 1, 5, False)
    assert [[n.id for n in p.nodes] for p in result.paths] == [
        ["israel", "iran"],
        ["israel", "azerbaijan", "iran"],
        ["israel", "electronic-spy-stations", "iran"],
        ["israel", "iranian-nuclear-sites", "iran"],  # an alleged hop: weaker
        ["israel", "mossad", "iran"],  # a curator-inferred hop: weakest
    ]


def test_all_paths_cut_at_limit_says_how_many(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("path", "Israel", "Iran", "--all", "--max-hops", "3", "--limit", "2", "-f", "json")
    assert r.code == 0
    assert r.err == "kgraph: showing 2 of 17 paths within 3 hops (15 cut); raise --limit to see more\n"
    out = json.loads(r.out)
    assert (out["found"], out["truncated"], len(out["paths"])) == (17, True, 2)


def test_without_all_only_shortest_paths() -> None:
    result = kgraph.open().path("Israel", "Iran", max_hops=3)
    assert (result.all_paths, result.found, [len(p.hops) for p in result.paths]) == (False, 1, [1])


def test_all_paths_on_tiny_graph_match_max_hops() -> None:
    g = kgraph.open(TINY_TTL)
    assert g.path("Alphaland", "AIS", max_hops=1, all_paths=True).paths == []
    two = g.path("Alphaland", "AIS", max_hops=2, all_paths=True)
    assert two.length == 2 and all(len(p.hops) <= 2 for p in two.paths)


# ---------------------------------------------------------------- 5. MPs and Majlis


@pytest.mark.parametrize(("name", "slug"), [("MPs", "iranian-mps"), ("Majlis", "iranian-parliament")])
def test_mps_and_majlis_are_aliases(run_cli, name: str, slug: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", name, "-f", "json")
    assert (r.code, r.err) == (0, "")
    card = json.loads(r.out)
    assert card["id"] == slug and name in card["aliases"]
