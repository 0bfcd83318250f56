"""Look-ups as a library: kgraph.open(...).show/claims/actors/sources/events/stats/path/neighbors.

All on the tiny invented graph (tests/fixtures), plus the same calls against an on-disk store
and a SPARQL endpoint to show every look-up is SPARQL through the backend.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import kgraph
from kgraph import lookup
from kgraph.api import KGraph
from kgraph.build import load_dataset, to_turtle
from kgraph.dates import date_bounds, period_text
from kgraph.errors import (
    AmbiguousNameError,
    InputFileError,
    NotFoundError,
    ParameterError,
    SourceTextMismatch,
    UsageError,
)
from kgraph.lookup import ClaimView, EntityRef, LiteralRef, parse_modality
from kgraph.mapping import claim_iri, dataset_triples, from_triples
from kgraph.models import Claim, Evidence
from kgraph.namespaces import KG, KGR, PREFIXES, compact_iri
from kgraph.store import Backend, SelectResult, SelectStream, load_into_store, parse_file

from .conftest import TINY_TEXT, TINY_TTL, TINY_YAML


@pytest.fixture(scope="module")
def kg() -> KGraph:
    return kgraph.open(TINY_TTL)


def keys(claims: list[ClaimView]) -> list[str | None]:
    return [c.key for c in claims]


def _graph_from(tmp_path: Path, name: str, edit) -> Path:  # type: ignore[no-untyped-def]
    """The tiny dataset, changed by ``edit``, compiled to a Turtle file."""
    ds = load_dataset(TINY_YAML)
    edit(ds)
    path = tmp_path / name
    path.write_text(to_turtle(dataset_triples(ds)), encoding="utf-8")
    return path


# ---------------------------------------------------------------- show


def test_card_of_an_actor(kg: KGraph) -> None:
    card = kg.show("beta city")
    assert (card.id, card.label, card.type, card.kind) == ("betastan", "Betastan", "State", "actor")
    assert card.aliases == ["Beta City", "Betastani"]
    assert card.mentions == [Evidence(source="tiny", start=25, end=33)]
    assert card.external_ids == []
    assert [(g.direction, g.predicate.id) for g in card.outgoing] == [
        ("outgoing", "kg:attacked"),
        ("outgoing", "kg:grantsBaseTo"),
    ]
    assert [(g.predicate.label, [c.subject.label for c in g.claims]) for g in card.incoming] == [
        ("ally of", ["Alphaland"]),
        ("provided mapping to", ['Omega Corp & "Sons" <Ltd>']),
        ("supplies arms to", ["Alphaland"]),
    ]
    # the event it took part in is listed with its date, not among incoming relations
    assert [(p.event.label, p.when, p.claim.key) for p in card.events] == [
        ("Attack on the Delta Valley", "2021-03", "attack-participant")
    ]
    assert card.properties == [] and card.attributed == []
    arms = card.incoming[2].claims[0]
    assert arms.figure == "60% of Betastan's arms imports, drones, 2015–2019"
    assert [a.label for a in arms.attributed_to] == ["Gamma Institute"]
    assert arms.source is not None and arms.source.title.startswith("An invented test story")
    assert [key for _, c in card.statements() for key in [c.key]] == [
        "attack",
        "base",
        "alliance",
        "mapping",
        "arms-share",
        "attack-participant",
        "attack-date",
        "attack-location",
    ]
    # what the event it took part in says is rolled up, each claim saying how it was reached
    assert [(c.key, c.row()["via"], c.row()["event_when"]) for c in card.through] == [
        ("attack-date", "via Attack on the Delta Valley (participant)", "2021-03"),
        ("attack-location", "via Attack on the Delta Valley (participant)", "2021-03"),
    ]
    assert kg.show("beta city", exact=True).through == []


def test_card_lists_claims_attributed_to_an_actor(kg: KGraph) -> None:
    card = kg.show("Gamma Institute")
    assert card.outgoing == card.incoming == []
    assert keys(card.attributed) == ["arms-share"]


def test_card_of_an_event(kg: KGraph) -> None:
    card = kg.show("Attack on the Delta Valley")
    assert (card.kind, card.type, card.when) == ("event", "Event", "2021-03")
    assert [(p.predicate.label, p.object) for p in card.properties] == [
        ("date", LiteralRef(value="2021-03", datatype="xsd:gYearMonth"))
    ]
    assert [(g.predicate.label, [c.modality for c in g.claims]) for g in card.outgoing] == [
        ("location", ["curatorInferred"]),
        ("participant", ["asserted"]),
    ]
    assert card.events == []


def test_card_shows_curator_added_wikidata_id(tmp_path: Path) -> None:
    def add_id(ds) -> None:  # type: ignore[no-untyped-def]
        ds.actors[0].wikidata = "Q123"

    g = kgraph.open(_graph_from(tmp_path, "wiki.ttl", add_id))
    card = g.show("Alphaland")
    assert [(x.scheme, x.id, x.iri, x.added_by) for x in card.external_ids] == [
        ("wikidata", "Q123", "http://www.wikidata.org/entity/Q123", "curator")
    ]
    # on the card the link is an external id, not one of the relations
    assert "skos:exactMatch" not in [s.predicate.id for _, s in card.statements()]
    assert {a.id: a.wikidata for a in g.actors()}["alphaland"] == "Q123"


def test_curator_added_wikidata_links_are_claims_everywhere_else(tmp_path: Path) -> None:
    def add_id(ds) -> None:  # type: ignore[no-untyped-def]
        ds.actors[0].wikidata = "Q123"

    g = kgraph.open(_graph_from(tmp_path, "wiki.ttl", add_id))
    # every kg:Claim is listed and counted alike: claims, stats, sources, actors agree
    assert len(g.claims()) == 9
    [link] = g.claims(modality="curatorInferred", predicate="skos:exactMatch")
    assert (link.key, link.subject.id, link.predicate.label, link.object.iri, link.modality) == (
        "alphaland-wikidata",
        "alphaland",
        "same as",
        "http://www.wikidata.org/entity/Q123",
        "curatorInferred",
    )
    assert link.source is not None and link.source.id == "tiny" and link.evidence
    assert keys(g.claims(about="Alphaland")) == ["alliance", "alphaland-wikidata", "arms-share"]
    assert keys(g.claims(modality="curatorInferred")) == ["alphaland-wikidata", "attack-location"]
    stats = g.stats()
    assert (stats.claims, stats.external_ids) == (9, 1)
    assert stats.claims_by_predicate["skos:exactMatch"] == 1
    assert stats.claims_by_modality["curatorInferred"] == 2
    assert stats.claims_by_source == {"tiny": 9} and sum(stats.claims_by_predicate.values()) == 9
    assert [s.claims for s in g.sources()] == [9]
    assert {a.id: a.claims for a in g.actors()}["alphaland"] == 3
    # it joins no actor to another: paths and neighbours do not change
    assert [n.entity.id for n in g.neighbors("Alphaland").neighbors] == ["betastan"]


def test_card_quotes_evidence_from_a_matching_source_text(kg: KGraph) -> None:
    card = kg.show("Alphaland", source_texts=[TINY_TEXT])
    assert card.mentions[0].exact == "Alphaland"
    alliance = card.outgoing[0].claims[0]
    assert alliance.evidence[0].exact == "The author judges that the partnership matters to both sides."
    # quotes are filled at run time only: another look-up has none
    assert kg.show("Alphaland").outgoing[0].claims[0].evidence[0].exact is None


def test_source_text_with_windows_line_endings_is_accepted(kg: KGraph, tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + TINY_TEXT.read_bytes().replace(b"\n", b"\r\n"))
    card = kg.show("Alphaland", source_texts=[copy])
    assert card.mentions[0].exact == "Alphaland"


def test_source_text_that_does_not_match_is_refused(kg: KGraph, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(TINY_TEXT.read_text(encoding="utf-8").replace("60%", "70%"), encoding="utf-8")
    with pytest.raises(SourceTextMismatch, match=r"other\.txt: SHA-256 .* matches no source document"):
        kg.show("Alphaland", source_texts=[other])
    with pytest.raises(InputFileError, match="no such source text"):
        kg.show("Alphaland", source_texts=[tmp_path / "missing.txt"])


def test_show_unknown_and_non_entities(kg: KGraph) -> None:
    with pytest.raises(NotFoundError, match="did you mean 'Alphaland'"):
        kg.show("Alphalnd")
    with pytest.raises(NotFoundError, match="kgr:source-tiny, which is not an actor or event"):
        kg.show("kgr:source-tiny")


# ---------------------------------------------------------------- claims


ALL = [
    "alliance",
    "arms-share",
    "attack-date",
    "attack-location",
    "attack-participant",
    "attack",
    "base",
    "mapping",
]


def test_all_claims_sorted_by_subject_relation_object(kg: KGraph) -> None:
    assert keys(kg.claims()) == ALL


@pytest.mark.parametrize(
    ("about", "expected"),
    [
        ("Alpha", ["alliance", "arms-share"]),
        (["Alpha", "AIS"], ["alliance", "arms-share", "base"]),  # several: any of them
        ("the valley", ["attack-location", "attack"]),  # as object
        ("Attack on the Delta Valley", ["attack-date", "attack-location", "attack-participant"]),
        ("Gamma Institute", []),  # only cited: see --attributed-to
    ],
)
def test_claims_about(kg: KGraph, about: str | list[str], expected: list[str]) -> None:
    assert keys(kg.claims(about=about)) == expected


@pytest.mark.parametrize(
    "predicate",
    [
        "suppliesArmsTo",
        "kg:suppliesArmsTo",
        f"{KG}suppliesArmsTo",
        f"<{KG}suppliesArmsTo>",
        "supplies arms to",
        "Supplies-Arms-To",
        " SUPPLIESARMSTO ",
    ],
)
def test_predicate_spellings(kg: KGraph, predicate: str) -> None:
    assert keys(kg.claims(predicate=predicate)) == ["arms-share"]


def test_predicates_of_other_vocabularies_and_several(kg: KGraph) -> None:
    assert keys(kg.claims(predicate="dcterms:date")) == ["attack-date"]
    assert keys(kg.claims(predicate=["location", "participant"])) == ["attack-location", "attack-participant"]


def test_unknown_predicate_lists_the_known_ones(kg: KGraph) -> None:
    with pytest.raises(NotFoundError) as e:
        kg.claims(predicate="sellsArmsTo")
    assert str(e.value) == (
        "no predicate 'sellsArmsTo' in this graph (known: allyOf, attacked, dcterms:date, grantsBaseTo, "
        "participant, providedMappingTo, schema:location, suppliesArmsTo); did you mean 'suppliesArmsTo'?"
    )
    assert e.value.exit_code == 1


@pytest.mark.parametrize(
    "source",
    [
        "tiny",
        "TINY",
        "tiny-source.txt",
        "kgr:source-tiny",
        "An invented test story about Alphaland and Betastan",
    ],
)
def test_source_spellings(kg: KGraph, source: str) -> None:
    assert keys(kg.claims(source=source)) == ALL


def test_unknown_source(kg: KGraph) -> None:
    with pytest.raises(NotFoundError, match=r"^no source 'elsewhere' in this graph \(known: tiny\)$"):
        kg.claims(source="elsewhere")


def test_attributed_to_and_modality(kg: KGraph) -> None:
    assert keys(kg.claims(attributed_to="GI")) == ["arms-share"]
    assert keys(kg.claims(modality="hedged")) == ["base"]
    assert keys(kg.claims(modality=["curator-inferred", "analysis"])) == ["alliance", "attack-location"]


def test_filters_combine_with_and(kg: KGraph) -> None:
    assert keys(kg.claims(about="Betastan", modality="asserted", exact=True)) == [
        "attack-participant",
        "attack",
        "mapping",
    ]
    assert keys(kg.claims(about="Betastan", modality="asserted", since="2021", exact=True)) == [
        "attack-participant",
        "attack",
    ]
    # by default what the attack Betastan took part in says is rolled up, and says how
    rolled = kg.claims(about="Betastan", modality="asserted")
    assert keys(rolled) == ["attack-date", "attack-participant", "attack", "mapping"]
    assert [c.row()["via"] for c in rolled] == [
        "via Attack on the Delta Valley (participant)",
        None,
        None,
        None,
    ]
    assert kg.claims(about='Omega Corp & "Sons" <Ltd>', predicate="allyOf") == []


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        # the 2015–2019 share overlaps 2019; the attack (2021-03) counts for its event's claims too
        ("2019", None, ["arms-share", "attack-date", "attack-location", "attack-participant", "attack"]),
        (None, "2014", []),
        ("2016-06-15", "2016-06-15", ["arms-share"]),
        # "2021-03" is one day of that month, not known which: only a window holding the whole
        # month is sure to hold it (a period, such as 2015–2019, passes when it overlaps)
        ("2021-03-31", "2021-04", []),
        ("2021-03", "2021-03", ["attack-date", "attack-location", "attack-participant", "attack"]),
        ("2021-04", None, []),
        ("2020", "2021", ["attack-date", "attack-location", "attack-participant", "attack"]),
    ],
)
def test_dates_pass_at_their_precision(
    kg: KGraph, since: str | None, until: str | None, expected: list[str]
) -> None:
    assert keys(kg.claims(since=since, until=until)) == expected


@pytest.mark.parametrize("bad", ["2021-3", "March 2021", "--03-01", "2021-02-30", "21", "", "2021-13"])
def test_malformed_dates_are_usage_errors(kg: KGraph, bad: str) -> None:
    pattern = r"^since: .* is not a date; use YYYY, YYYY-MM or YYYY-MM-DD"
    with pytest.raises(ParameterError, match=pattern) as e:
        kg.claims(since=bad)
    assert e.value.parameter == "since"


def test_since_after_until_is_a_usage_error(kg: KGraph) -> None:
    with pytest.raises(UsageError, match=r"^since: 2022 is later than until \(2021\)$"):
        kg.claims(since="2022", until="2021")


def test_claim_view_as_json_and_row(kg: KGraph) -> None:
    arms, date = (
        kg.claims(about="Alpha", predicate="suppliesArmsTo")[0],
        kg.claims(predicate="dcterms:date")[0],
    )
    data = json.loads(arms.model_dump_json())
    assert data["id"] == arms.id and data["id"].startswith(KGR + "claim-")
    assert data["key"] == "arms-share"
    assert data["subject"] == {
        "id": "alphaland",
        "label": "Alphaland",
        "iri": KGR + "alphaland",
        "type": "State",
    }
    assert data["predicate"] == {
        "id": "kg:suppliesArmsTo",
        "label": "supplies arms to",
        "iri": KG + "suppliesArmsTo",
    }
    assert data["qualifiers"] == {
        "start": "2015",
        "end": "2019",
        "share": 0.6,
        "share_of": "Betastan's arms imports",
        "item": "drones",
    }
    assert data["modality"] == "reported"
    assert data["attributed_to"] == [
        {
            "id": "gamma-institute",
            "label": "Gamma Institute",
            "iri": KGR + "gamma-institute",
            "type": "ResearchOrganization",
        }
    ]
    assert data["source"]["id"] == "tiny"
    assert data["evidence"] == [{"source": "tiny", "start": 0, "end": 153}]
    assert json.loads(date.model_dump_json())["object"] == {
        "value": "2021-03",
        "datatype": "xsd:gYearMonth",
        "language": None,
    }
    assert arms.qualifiers.share == Decimal("0.6")  # Python keeps the exact decimal
    row = arms.row()
    assert (row["subject"], row["relation"], row["object"], row["object_id"]) == (
        "Alphaland",
        "supplies arms to",
        "Betastan",
        "betastan",
    )
    assert (row["share"], row["start"], row["evidence"], row["quote"]) == (0.6, "2015", "tiny@0-153", None)
    assert date.row()["object"] == "2021-03" and date.row()["object_id"] is None


def _claim(key: str) -> str:
    """The IRI of the tiny dataset's claim ``key``."""
    ds = load_dataset(TINY_YAML)
    return claim_iri(next(c for c in ds.claims if c.key == key), ds.source.id).value


ATTACK = _claim("attack")


@pytest.mark.parametrize(
    "given",
    [
        "attack",  # its key
        " attack ",
        compact_iri(ATTACK),  # kgr:claim-…, as path and neighbors print it
        ATTACK,
        f"<{ATTACK}>",
        ATTACK[len(KGR) :],  # claim-…
    ],
)
def test_one_claim_by_key_curie_or_iri(kg: KGraph, given: str) -> None:
    [found] = lookup.claims(kg.backend, id=given)
    assert (found.key, found.id) == ("attack", ATTACK)


def test_several_claim_ids_and_other_filters(kg: KGraph) -> None:
    assert keys(lookup.claims(kg.backend, id=["base", compact_iri(_claim("mapping"))])) == ["base", "mapping"]
    assert keys(lookup.claims(kg.backend, id=["base", "mapping"], about="AIS")) == ["base"]
    assert lookup.claims(kg.backend, id="base", modality="asserted") == []


@pytest.mark.parametrize(
    "given",
    [
        "nope",
        "kgr:claim-0000000000000000",
        f"{KGR}betastan",  # a resource, but not a claim
        "kgr:betastan",
        "http://a:b:c",
        "<>",
        "",
        'arms-share" } UNION { ?claim ?p ?o',
    ],
)
def test_unknown_claim_ids_are_not_found(kg: KGraph, given: str) -> None:
    with pytest.raises(
        NotFoundError, match=r"^no claim .* in this graph \(give a claim key, CURIE or IRI\)$"
    ):
        lookup.claims(kg.backend, id=["arms-share", given])


def test_claims_can_quote_too(kg: KGraph) -> None:
    [attack] = kg.claims(predicate="attacked", source_texts=[TINY_TEXT])
    assert attack.row()["quote"] == "In March 2021, Betastan's army attacked the Delta Valley."


# ---------------------------------------------------------------- actors, sources, events, stats


def test_actors(kg: KGraph) -> None:
    actors = kg.actors()
    assert [(a.id, a.type, a.claims) for a in actors] == [
        ("alphaland", "State", 2),
        ("alpha-intel", "IntelligenceAgency", 1),
        ("betastan", "State", 6),
        ("delta-valley", "Territory", 2),
        ("gamma-institute", "ResearchOrganization", 0),
        ("omega-corp", "Company", 1),
    ]
    assert actors[0].aliases == ["Alpha"] and actors[0].iri == KGR + "alphaland"


@pytest.mark.parametrize("type_", ["State", "kg:State", "state", f"{KG}State"])
def test_actors_of_a_type(kg: KGraph, type_: str) -> None:
    assert [a.id for a in kg.actors(type=type_)] == ["alphaland", "betastan"]


def test_actor_type_in_words_and_unknown(kg: KGraph) -> None:
    assert [a.id for a in kg.actors(type="intelligence agency")] == ["alpha-intel"]
    with pytest.raises(NotFoundError, match=r"no actor type 'Cat' in this graph \(known: Actor, Company, "):
        kg.actors(type="Cat")


def test_sources(kg: KGraph) -> None:
    [s] = kg.sources()
    assert (s.id, s.iri, s.length, s.language, s.file_name, s.claims) == (
        "tiny",
        KGR + "source-tiny",
        404,
        "en",
        "tiny-source.txt",
        8,
    )
    assert s.sha256 == "ea86b119152b5dd6f271a84d33c16abf8b407934390c8177b74b2a1c314945ce"


def test_events(kg: KGraph) -> None:
    [e] = kg.events()
    assert (e.id, e.label, e.date, e.when) == (
        "delta-attack-2021",
        "Attack on the Delta Valley",
        "2021-03",
        "2021-03",
    )
    assert [p.label for p in e.participants] == ["Betastan"]
    assert [p.label for p in e.locations] == ["Délta Valley"]
    assert kg.events(since="2021-04") == []
    assert kg.events(until="2021-03-01") == []  # some day of March 2021: maybe later than the 1st
    assert len(kg.events(until="2021-03-31")) == 1
    assert len(kg.events(participant="Betastan")) == 1
    assert kg.events(participant="Alphaland") == []


def test_timeline_order_respects_precision(tmp_path: Path) -> None:
    def add_events(ds) -> None:  # type: ignore[no-untyped-def]
        base = ds.events[0]
        for slug, label, pred, value, dt in [
            ("e-2021", "Whole year", "dcterms:date", "2021", "xsd:gYear"),
            ("e-2020-12-31", "New Year's Eve", "dcterms:date", "2020-12-31", "xsd:date"),
            ("e-undated", "Undated", None, None, None),
            ("e-bc", "Long ago", "schema:startDate", "-0044", "xsd:gYear"),
        ]:
            ds.events.append(base.model_copy(update={"id": slug, "label": label, "aliases": []}))
            if pred:
                ds.claims.append(
                    Claim(
                        subject=slug,
                        predicate=pred,
                        object={"value": value, "datatype": dt},
                        text=label,
                        modality="asserted",
                        evidence=[Evidence(start=0, end=1)],
                    )
                )

    g = kgraph.open(_graph_from(tmp_path, "timeline.ttl", add_events))
    assert [(e.when, e.label) for e in g.events()] == [
        ("from -0044", "Long ago"),
        ("2020-12-31", "New Year's Eve"),
        ("2021", "Whole year"),  # starts on 1 January, before March
        ("2021-03", "Attack on the Delta Valley"),
        (None, "Undated"),
    ]
    # an open-ended period overlaps; a year may fall before December
    assert [e.label for e in g.events(since="2021-12")] == ["Long ago"]
    assert [e.label for e in g.events(since="2021")] == [
        "Long ago",
        "Whole year",
        "Attack on the Delta Valley",
    ]


def test_stats(kg: KGraph) -> None:
    s = kg.stats()
    assert (s.triples, s.actors, s.events, s.claims, s.sources, s.external_ids) == (274, 6, 1, 8, 1, 0)
    assert s.actors_by_type == {
        "State": 2,
        "Company": 1,
        "IntelligenceAgency": 1,
        "ResearchOrganization": 1,
        "Territory": 1,
    }
    assert s.claims_by_predicate["kg:suppliesArmsTo"] == 1 and sum(s.claims_by_predicate.values()) == 8
    assert s.claims_by_modality == {
        "asserted": 4,
        "alleged": 1,
        "analysis": 1,
        "curatorInferred": 1,
        "reported": 1,
    }
    assert s.claims_by_source == {"tiny": 8}


# ---------------------------------------------------------------- path, neighbors


def test_path_follows_claims_both_ways(kg: KGraph) -> None:
    result = kg.path('Omega Corp & "Sons" <Ltd>', "AIS")
    assert (result.from_.id, result.to.id, result.length, result.truncated) == (
        "omega-corp",
        "alpha-intel",
        2,
        False,
    )
    [p] = result.paths
    assert [n.label for n in p.nodes] == [
        'Omega Corp & "Sons" <Ltd>',
        "Betastan",
        "Alphaland Intelligence Service",
    ]
    first, second = p.hops
    assert [(link.direction, link.claim.key) for link in first.links] == [("forward", "mapping")]
    assert [(link.direction, link.claim.key) for link in second.links] == [("forward", "base")]
    back = kg.path("AIS", "Omega_Corp_Sons_Ltd").paths[0].hops[0]
    assert (back.from_.id, back.to.id, back.links[0].direction) == ("alpha-intel", "betastan", "backward")
    assert json.loads(result.model_dump_json())["from"]["id"] == "omega-corp"


def test_hop_lists_every_claim_between_two_actors(kg: KGraph) -> None:
    [hop] = kg.path("Alphaland", "Betastan").paths[0].hops
    assert [(link.claim.predicate.label, link.claim.modality) for link in hop.links] == [
        ("ally of", "analysis"),
        ("supplies arms to", "reported"),
    ]


def test_no_path_is_an_empty_result(kg: KGraph) -> None:
    result = kg.path("Alphaland", "Gamma Institute")  # the institute is only cited
    assert (result.paths, result.length) == ([], None)
    assert kg.path("Alphaland", "AIS", max_hops=1).paths == []
    assert kg.path("Alphaland", "AIS", max_hops=2).length == 2


def test_several_shortest_paths_and_the_limit(tmp_path: Path) -> None:
    def diamond(ds) -> None:  # type: ignore[no-untyped-def]
        for obj in ("alphaland", "omega-corp"):
            ds.claims.append(
                Claim(
                    subject="gamma-institute",
                    predicate="allyOf",
                    object=obj,
                    text="invented",
                    modality="asserted",
                    evidence=[Evidence(start=0, end=1)],
                )
            )

    g = kgraph.open(_graph_from(tmp_path, "diamond.ttl", diamond))
    result = g.path("Alphaland", "omega corp sons ltd")
    assert [[n.label for n in p.nodes][1] for p in result.paths] == ["Betastan", "Gamma Institute"]
    limited = g.path("Alphaland", "omega corp sons ltd", limit=1)
    assert (len(limited.paths), limited.found, limited.truncated) == (1, 2, True)


def test_path_input_errors(kg: KGraph) -> None:
    with pytest.raises(UsageError, match="are the same State: Alphaland"):
        kg.path("Alpha", "alphaland")
    with pytest.raises(ParameterError, match=r"^max_hops: must be at least 1, not 0$"):
        kg.path("Alpha", "Betastan", max_hops=0)
    with pytest.raises(NotFoundError):
        kg.path("Alpha", "Nobody")


def test_neighbors(kg: KGraph) -> None:
    one = kg.neighbors("Alpha")
    assert one.center.id == "alphaland" and one.depth == 1
    assert [(n.entity.id, n.distance, [len(h.links) for h in n.hops]) for n in one.neighbors] == [
        ("betastan", 1, [2])
    ]
    two = kg.neighbors("Alpha", depth=2)
    assert [(n.distance, n.entity.label) for n in two.neighbors] == [
        (1, "Betastan"),
        (2, "Alphaland Intelligence Service"),
        (2, "Attack on the Delta Valley"),
        (2, "Délta Valley"),
        (2, 'Omega Corp & "Sons" <Ltd>'),
    ]
    assert all(h.from_.id == "betastan" for n in two.neighbors[1:] for h in n.hops)
    assert kg.neighbors("GI").neighbors == []
    with pytest.raises(ParameterError, match=r"^depth: must be at least 1, not 0$"):
        kg.neighbors("Alpha", depth=0)


class _Recording:
    """A backend that remembers every query and the values of the terms each answer held."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self.description = backend.description
        self.queries: list[str] = []
        self.seen: set[str] = set()

    def query(self, sparql: str, bindings=None, timeout=None):  # type: ignore[no-untyped-def]
        result = self.backend.query(sparql, bindings, timeout)
        self.queries.append(sparql)
        if isinstance(result, SelectResult):
            self.seen |= {t.value for row in result.rows for t in row.values() if t is not None}
        elif isinstance(result, list):
            self.seen |= {x.value for t in result for x in (t.subject, t.predicate, t.object)}
        return result

    def select_stream(self, sparql: str, bindings=None, timeout=None):  # type: ignore[no-untyped-def]
        result = self.backend.query(sparql, bindings, timeout)
        self.queries.append(sparql)
        assert isinstance(result, SelectResult)
        self.seen |= {t.value for row in result.rows for t in row.values() if t is not None}
        return SelectStream(result.variables, iter(result.rows))

    def triples(self):  # type: ignore[no-untyped-def]
        return self.backend.triples()


def test_look_ups_count_claims_only_when_asked(kg: KGraph) -> None:
    recording = _Recording(kg.backend)
    backend: Backend = recording  # type: ignore[assignment]
    lookup.show(backend, "Betastan")
    lookup.claims(backend, about="Alpha", source="tiny")
    lookup.path(backend, "Alpha", "AIS")
    lookup.neighbors(backend, "Alpha")
    lookup.load_source_texts(backend, [TINY_TEXT])
    assert lookup.claims(backend, id="arms-share")[0].source.title.startswith("An invented")  # type: ignore[union-attr]
    assert not [q for q in recording.queries if "COUNT(" in q]
    assert lookup.sources(backend)[0].claims == 8  # kgraph sources does count


def test_several_loose_names_read_the_labels_once(kg: KGraph) -> None:
    recording = _Recording(kg.backend)
    reads: list[bool] = []
    query = recording.query

    def counting(sparql: str, bindings=None, timeout=None):  # type: ignore[no-untyped-def]
        result = query(sparql, bindings, timeout)
        reads.append(
            isinstance(result, SelectResult) and any("Gamma Institute" in str(r) for r in result.rows)
        )
        return result

    recording.query = counting  # type: ignore[method-assign]
    found = lookup.claims(
        recording, about=["delta valley", "omega corp sons ltd"], attributed_to="Omega_Corp_Sons_Ltd"
    )  # type: ignore[arg-type]
    assert found == []
    assert sum(reads) == 1  # every label (Gamma Institute's among them) is read once, not per name


def test_neighbors_read_only_around_the_centre(kg: KGraph) -> None:
    recording = _Recording(kg.backend)
    result = lookup.neighbors(recording, 'Omega Corp & "Sons" <Ltd>')  # type: ignore[arg-type]
    assert [
        (n.entity.id, [link.claim.key for h in n.hops for link in h.links]) for n in result.neighbors
    ] == [("betastan", ["mapping"])]
    # claims two hops away are never fetched: the whole network is not read
    assert not {_claim("arms-share"), _claim("base"), KGR + "alpha-intel", KGR + "alphaland"} & recording.seen


def test_path_meets_in_the_middle(kg: KGraph) -> None:
    recording = _Recording(kg.backend)
    result = lookup.path(recording, 'Omega Corp & "Sons" <Ltd>', "AIS")  # type: ignore[arg-type]
    assert [n.id for n in result.paths[0].nodes] == ["omega-corp", "betastan", "alpha-intel"]
    # one hop out from each end: Betastan's other claims are never fetched
    assert not {_claim("arms-share"), _claim("attack"), KGR + "alphaland"} & recording.seen


def _random_graph(tmp_path: Path, seed: int) -> Path:
    """The tiny dataset plus 30 invented actors joined at random by 60 claims."""
    import random

    rng = random.Random(seed)

    def grow(ds) -> None:  # type: ignore[no-untyped-def]
        base = ds.actors[0]
        ids = [a.id for a in ds.actors]
        for i in range(30):
            ds.actors.append(base.model_copy(update={"id": f"r{i}", "label": f"R {i}", "aliases": []}))
            ids.append(f"r{i}")
        for _ in range(60):
            s, o = rng.sample(ids, 2)
            ds.claims.append(
                Claim(
                    subject=s,
                    predicate=rng.choice(["allyOf", "suppliesArmsTo", "attacked"]),
                    object=o,
                    text="invented",
                    modality=rng.choice(["asserted", "alleged"]),
                    evidence=[Evidence(start=0, end=1)],
                )
            )

    return _graph_from(tmp_path, f"random-{seed}.ttl", grow)


@pytest.mark.parametrize("seed", [1, 2])
def test_paths_and_neighbours_agree_with_the_whole_network(tmp_path: Path, seed: int) -> None:
    import itertools
    import random

    import networkx as nx

    from kgraph.projection import project, shortest_paths

    path = _random_graph(tmp_path, seed)
    g = kgraph.open(path)
    whole = project(from_triples(parse_file(path)))
    undirected = whole.to_undirected(as_view=True)
    label = {n: str(d["label"]).casefold() for n, d in whole.nodes(data=True)}
    nodes = sorted(whole.nodes)
    for a, b in random.Random(seed).sample(list(itertools.combinations(nodes, 2)), 40):
        for max_hops in (2, 4):
            expected = shortest_paths(whole, a, b, limit=10_001)
            expected = [p for p in expected if len(p) - 1 <= max_hops]
            expected.sort(key=lambda ns: [label[n] for n in ns])
            result = g.path(a, b, max_hops=max_hops, limit=3)
            assert [[n.iri for n in p.nodes] for p in result.paths] == expected[:3], (a, b, max_hops)
            assert result.found == len(expected)
            for p in result.paths:
                for hop, (u, v) in zip(p.hops, itertools.pairwise([n.iri for n in p.nodes]), strict=True):
                    between = set(whole.get_edge_data(u, v) or {}) | set(whole.get_edge_data(v, u) or {})
                    assert {link.claim.id for link in hop.links} == between
    for center in nodes[::3]:
        reach = nx.single_source_shortest_path_length(undirected, center, cutoff=3)
        result = g.neighbors(center, depth=3)
        assert {n.entity.iri: n.distance for n in result.neighbors} == {
            n: d for n, d in reach.items() if n != center
        }
        for n in result.neighbors:
            assert {h.from_.iri for h in n.hops} == {
                p for p in undirected.neighbors(n.entity.iri) if reach.get(p) == n.distance - 1
            }


# ---------------------------------------------------------------- small pieces


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("2022", ((2022, 1, 1), (2022, 12, 31))),
        ("2022-12", ((2022, 12, 1), (2022, 12, 31))),
        ("2022-12-05", ((2022, 12, 5), (2022, 12, 5))),
        ("-0044", ((-44, 1, 1), (-44, 12, 31))),
        ("--09-19", None),
        ("1980s", None),
    ],
)
def test_date_bounds(value: str, bounds: object) -> None:
    assert date_bounds(value) == bounds


def test_period_text() -> None:
    assert period_text("2021-03") == "2021-03"
    assert period_text(None, "2015", "2019") == "2015–2019"
    assert period_text(None, "2015", "2015") == "2015"
    assert period_text(None, "2015") == "from 2015"
    assert period_text(None, None, "2019") == "until 2019"
    assert period_text() is None


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("asserted", "asserted"),
        ("Hedged", "alleged"),
        ("curator-inferred", "curatorInferred"),
        ("curator_inferred", "curatorInferred"),
        ("kg:analysis", "analysis"),
        ("REPORTED", "reported"),
    ],
)
def test_parse_modality(text: str, modality: str) -> None:
    assert parse_modality(text) == modality


def test_bad_modality() -> None:
    with pytest.raises(UsageError, match="'maybe' is not one of asserted, reported, alleged"):
        parse_modality("maybe")


def test_public_names() -> None:
    for name in ("ActorCard", "ClaimView", "EntityRef", "PathResult", "Stats", "SourceView", "EventView"):
        assert name in kgraph.__all__
        assert getattr(kgraph, name).__module__ == "kgraph.views"
    assert isinstance(kgraph.open(TINY_TTL).show("Alpha").outgoing[0].claims[0].subject, EntityRef)


def test_ambiguous_names_reach_the_caller(tmp_path: Path) -> None:
    def twin(ds) -> None:  # type: ignore[no-untyped-def]
        ds.actors[1].aliases.append("Alpha")

    with pytest.raises(AmbiguousNameError):
        kgraph.open(_graph_from(tmp_path, "twin.ttl", twin)).claims(about="Alpha")


# ---------------------------------------------------------------- other backends


def _summary(g: KGraph) -> object:
    return (
        g.show("Betastan").model_dump(),
        [c.model_dump() for c in g.claims(about="Betastan", modality="asserted", since="2021")],
        [c.model_dump() for c in g.claims(predicate="supplies arms to", source="tiny", attributed_to="GI")],
        [a.model_dump() for a in g.actors(type="State")],
        g.stats().model_dump(),
        [e.model_dump() for e in g.events()],
        [s.model_dump() for s in g.sources()],
        g.path("Omega_Corp_Sons_Ltd", "AIS").model_dump(),
        g.neighbors("Alpha", depth=2).model_dump(),
        # names by CURIE and by IRI, and claims by key, CURIE and IRI
        g.resolve("kgr:betastan"),
        g.show("kgr:betastan").model_dump(),
        g.show(f"<{KGR}alpha-intel>").model_dump(),
        [c.model_dump() for c in lookup.claims(g.backend, about=[f"{KGR}alphaland", "kgr:omega-corp"])],
        g.path("kgr:omega-corp", f"{KGR}alpha-intel").model_dump(),
        g.neighbors(f"{KGR}delta-attack-2021").model_dump(),
        [c.model_dump() for c in lookup.claims(g.backend, id=["arms-share", "kgr:" + ATTACK[len(KGR) :]])],
        [c.model_dump() for c in lookup.claims(g.backend, id=f"<{ATTACK}>")],
    )


def test_an_on_disk_store_answers_the_same(kg: KGraph, tmp_path: Path) -> None:
    load_into_store(tmp_path / "store", [TINY_TTL])
    assert _summary(kgraph.open(store=tmp_path / "store")) == _summary(kg)


@pytest.fixture
def endpoint(loopback_endpoint) -> str:  # type: ignore[no-untyped-def]
    return str(loopback_endpoint.url)


def test_a_sparql_endpoint_answers_the_same(kg: KGraph, endpoint: str) -> None:
    remote = kgraph.open(endpoint=endpoint)
    assert _summary(remote) == _summary(kg)
    assert set(PREFIXES) >= {"kg", "kgr"}


def test_api_delegates_query_validate_and_export() -> None:
    import kgraph

    from .conftest import TINY_TEXT, TINY_TTL

    kg = kgraph.open(TINY_TTL)
    result = kg.query("SELECT ?l WHERE { kgr:alphaland skos:prefLabel ?l }")
    assert result.form == "SELECT"
    assert [r["l"].value for r in result.rows] == ["Alphaland"]  # type: ignore[union-attr]
    assert kg.validate([TINY_TEXT]).conforms
    turtle = kg.export("turtle")
    assert isinstance(turtle, str) and "kgr:alphaland" in turtle
    assert kg.select().claims
