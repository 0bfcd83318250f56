"""The article dataset says what the article says: the fact-check corrections of issue 7 stay made.

Each test reads the curated YAML (through kgraph.models.Dataset) and, where it matters, the built
graph in data/claims.ttl; tests that look at evidence spans read the article from ../shared/sources
(the ``article_text`` fixture) and never hold its text.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

import pytest
import rdflib
import yaml

from kgraph.models import Claim, Dataset, Entity, LiteralValue

from .conftest import BUNDLED_TTL, ROOT

DATASET = ROOT / "data" / "source" / "israel-azerbaijan-nagorno-karabakh.yaml"
RELATIONS_MD = ROOT / "docs" / "relations.md"
DATA_MODEL_MD = ROOT / "docs" / "data-model.md"
RELATIONS_TTL = ROOT / "src" / "kgraph" / "ontology" / "relations.ttl"

KG = rdflib.Namespace("https://w3id.org/kgraph/ns#")
KGR = rdflib.Namespace("https://w3id.org/kgraph/id/")
SCHEMA = rdflib.Namespace("https://schema.org/")
DCTERMS = rdflib.namespace.DCTERMS


@cache
def dataset() -> Dataset:
    return Dataset.model_validate(yaml.safe_load(DATASET.read_text(encoding="utf-8")))


@cache
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(BUNDLED_TTL, format="turtle")
    return g


def claims() -> dict[str, Claim]:
    return {c.key: c for c in dataset().claims if c.key}


def claim(key: str) -> Claim:
    found = claims().get(key)
    assert found is not None, f"no claim with key {key!r}"
    return found


def entities() -> dict[str, Entity]:
    return {e.id: e for e in [*dataset().actors, *dataset().events]}


def predicate(c: Claim) -> str:
    return c.predicate.split(":", 1)[1] if ":" in c.predicate else c.predicate


def value(c: Claim) -> str:
    assert isinstance(c.object, LiteralValue), c.key
    return c.object.value


def claim_node(key: str) -> rdflib.term.Node:
    nodes = list(graph().subjects(DCTERMS.identifier, rdflib.Literal(key)))
    assert len(nodes) == 1, f"{key}: {len(nodes)} claim nodes in data/claims.ttl"
    return nodes[0]


def quoted(text: str, c: Claim) -> str:
    return " ".join(text[e.start : e.end] for e in c.evidence)


def wording(c: Claim) -> str:
    """Everything a claim says in words: its text, and its literal object if it has one."""
    return " ".join([c.text, value(c) if isinstance(c.object, LiteralValue) else ""])


# --------------------------------------------------------------- 1. advantage, not enablement


def test_the_conclusion_on_the_offensive_says_advantage_not_enablement() -> None:
    c = claim("israel-gave-advantage-in-offensive")
    assert (c.subject, predicate(c), c.object) == ("israel", "gaveAdvantageIn", "azerbaijani-offensive-2023")
    assert c.modality == "analysis"
    assert not re.search(r"made (it )?possible|enabled", c.text)
    assert "edge" in c.text or "advantage" in c.text
    assert "israel-enabled-offensive" not in claims()
    assert all(predicate(c) != "enabled" for c in dataset().claims)
    # the argument still leads to it under its new key
    backers = {k for k, other in claims().items() if c.key in other.supports}
    assert {
        "israel-strengthened-azerbaijan",
        "israel-arms-sales-billions",
        "israel-drones-to-azerbaijan",
    } <= backers


def test_gave_advantage_in_is_declared_and_enabled_is_gone() -> None:
    from kgraph.vocab import KG as VOCAB

    assert "gaveAdvantageIn" in VOCAB.__annotations__
    assert "enabled" not in VOCAB.__annotations__
    onto = rdflib.Graph().parse(RELATIONS_TTL)
    term = KG.gaveAdvantageIn
    assert onto.value(term, rdflib.RDFS.domain) == KG.Actor
    assert onto.value(term, rdflib.RDFS.range) == KG.Event
    assert str(onto.value(term, rdflib.RDFS.label)) == "gave an advantage in"
    assert (KG.enabled, None, None) not in onto
    g = graph()
    assert (None, KG.enabled, None) not in g and (None, None, KG.enabled) not in g
    node = claim_node("israel-gave-advantage-in-offensive")
    assert g.value(node, rdflib.RDF.predicate) == KG.gaveAdvantageIn
    assert g.value(node, KG.modality) == KG.analysis


# --------------------------------------------------------------- 2. "billions": one rule


def test_billions_is_the_lowest_value_of_its_order_and_marked_as_the_curators_reading() -> None:
    c = claim("israel-arms-sales-billions")
    q = c.qualifiers
    assert q.min_value == Decimal(1_000_000_000)
    assert q.approximate is True and q.unit == "USD"
    assert q.value is None and q.max_value is None
    assert c.curated == ["min_value"]
    assert c.note and "1000000000" in c.note and "two billion" not in c.note
    node = claim_node("israel-arms-sales-billions")
    assert graph().value(node, SCHEMA.minValue).toPython() == Decimal(1_000_000_000)  # type: ignore[union-attr]
    assert list(graph().objects(node, KG.curatedQualifier)) == [SCHEMA.minValue]


def test_data_model_gives_the_same_rule_for_billions() -> None:
    doc = DATA_MODEL_MD.read_text(encoding="utf-8")
    assert "minValue 1000000000" in doc or "min_value: 1000000000" in doc
    assert not re.search(r"\b(2|two) billion|2000000000|2,000,000,000", doc, re.IGNORECASE)
    assert "curated: [min_value]" in doc


# --------------------------------------------------------------- 3. interests beyond borders


def test_interests_beyond_borders_are_the_cooperation_s_not_a_trait_of_israel() -> None:
    assert "israel-interests-beyond-region" not in claims()
    c = claim("alliance-sign-of-intertwined-regions")
    assert c.subject == "israel-azerbaijan-alliance" and predicate(c) == "characteristic"
    assert c.modality == "analysis" and c.note
    for word in ("strategic", "well beyond"):
        assert word not in wording(c)
    traits_of_israel = [
        wording(c) for c in dataset().claims if c.subject == "israel" and predicate(c) == "characteristic"
    ]
    assert not any("beyond" in w or "past" in w for w in traits_of_israel)
    assert entities()["israel-azerbaijan-alliance"].type == "Event"


def test_the_alliance_is_called_interregional(article_text: str) -> None:
    c = claim("alliance-interregional")
    assert (c.subject, predicate(c), value(c), c.modality) == (
        "israel-azerbaijan-alliance",
        "characteristic",
        "interregional",
        "asserted",
    )
    assert "interregional" in quoted(article_text, c)
    parties = {
        c.object
        for c in dataset().claims
        if c.subject == "israel-azerbaijan-alliance" and predicate(c) == "participant"
    }
    assert parties == {"israel", "azerbaijan"}


# --------------------------------------------------------------- 4. the airlift and other curator readings


def test_the_airlift_counts_planes_not_flights() -> None:
    c = claim("israel-airlift-2020")
    assert c.modality == "curatorInferred" and c.note
    assert re.search(r"cargo (planes|aircraft)", c.text)
    assert c.qualifiers.unit == "cargo aircraft"
    airlift = entities()["airlift-2020"]
    words = [c.text, airlift.label, airlift.description or ""]
    words += [other.text for other in dataset().claims if "airlift-2020" in (other.subject, other.object)]
    assert len(words) > 6
    assert not [w for w in words if re.search(r"\bflights?\b", w, re.IGNORECASE)]


def test_curator_readings_are_not_steps_of_the_author_s_argument() -> None:
    inferred = {k for k, c in claims().items() if c.modality == "curatorInferred"}
    assert {"israel-airlift-2020", "israel-shares-agricultural-expertise"} <= inferred
    assert not [k for k in inferred if claims()[k].supports], "a curator reading supports a claim"
    backed = {target for c in dataset().claims for target in c.supports}
    assert not inferred & backed, "a claim of the argument leads to a curator reading"


def test_the_azerbaijani_forces_are_not_said_to_get_israeli_airlifts() -> None:
    forces = entities()["azerbaijani-forces"]
    assert "Israel" not in (forces.description or "")


def test_relations_doc_examples_agree_with_the_data() -> None:
    shown = {"asserted", "reported", "alleged", "analysis", "curator-inferred"}
    names = {"curatorInferred": "curator-inferred"}
    labels = {e.id: e.label for e in entities().values()}
    rows = [
        line for line in RELATIONS_MD.read_text(encoding="utf-8").splitlines() if line.startswith("| kg:")
    ]
    assert rows
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        term, example = cells[0].removeprefix("kg:"), cells[-1]
        m = re.fullmatch(r"(.+) → (.+) \(([a-z-]+); `([a-z0-9-]+)`\)", example)
        assert m, f"{term}: example not in the form 'S → O (modality; `key`)'"
        subject, obj, modality, key = m.groups()
        assert modality in shown, row
        c = claim(key)
        assert predicate(c) == term, (term, key)
        assert names.get(c.modality, c.modality) == modality, (term, key, c.modality)
        assert (labels[c.subject], labels[str(c.object)]) == (subject, obj), (term, key)
    for term in ("airliftedSuppliesTo", "sharesExpertiseWith"):
        (row,) = [r for r in rows if r.startswith(f"| kg:{term} ")]
        assert "asserted" not in row


# --------------------------------------------------------------- 5. labels, modalities, wording, links


def test_no_curator_year_in_a_label() -> None:
    assert entities()["first-nagorno-karabakh-war"].label == "First Nagorno-Karabakh war (from 1991)"
    dates = ("dcterms:date", "schema:startDate", "schema:endDate")
    for c in dataset().claims:
        if c.predicate in dates and c.modality == "curatorInferred":
            year = value(c).lstrip("-")[:4]
            if year.isdigit():
                assert year not in entities()[c.subject].label, (c.key, entities()[c.subject].label)


def test_both_sides_of_the_2020_war_are_read_the_same_way() -> None:
    azerbaijan = claim("war-2020-participant-azerbaijan")
    armenia = claim("war-2020-participant-armenia")
    assert azerbaijan.modality == armenia.modality == "curatorInferred"
    assert azerbaijan.note and armenia.note


def test_israel_is_a_major_not_a_leading_supplier() -> None:
    text = claim("israel-strengthened-azerbaijan").text
    assert "major" in text and "leading" not in text


def test_control_of_the_enclave_is_not_a_step_towards_the_conclusion() -> None:
    assert claim("azerbaijan-controls-nagorno-karabakh").supports == []


# --------------------------------------------------------------- 6. words the article does not use

FORBIDDEN = {
    "nk-lacked-arms-and-support": ["outside backing", "outside"],
    "iran-backs-militant-groups": ["armed", "widely branded", "branded"],
    "nk-conflict-historical-roots": ["predates", "modern wars"],
    "modi-coproduces-drones-with-aeronautics": ["set up a joint venture", "to build"],
}
HEDGED_FACILITIES = ("mossad-base-azerbaijan", "azerbaijani-airports")


@pytest.mark.parametrize("key", sorted(FORBIDDEN))
def test_claims_keep_to_the_article_s_words(key: str) -> None:
    words = wording(claim(key))
    assert not [w for w in FORBIDDEN[key] if w in words]


def test_iran_backed_groups_are_not_called_armed_or_widely_branded() -> None:
    groups = entities()["iran-backed-militant-groups"]
    for words in (groups.label, groups.description or ""):
        assert "armed" not in words.lower() and "widely" not in words and "branded" not in words


def test_the_base_and_the_airports_are_hedged_not_reported() -> None:
    about = [
        c
        for c in dataset().claims
        if {c.subject, str(c.object)} & {"mossad", *HEDGED_FACILITIES}
        or c.key in ("azerbaijan-grants-base-to-mossad", "azerbaijan-grants-airports-to-israel")
    ]
    assert len(about) >= 7
    words = [c.text for c in about]
    for slug in HEDGED_FACILITIES:
        words += [entities()[slug].label, entities()[slug].description or ""]
    assert not [w for w in words if re.search(r"report", w, re.IGNORECASE)]
    for key in (
        "azerbaijan-grants-base-to-mossad",
        "azerbaijan-grants-airports-to-israel",
        "mossad-operates-base",
        "mossad-operates-in-iran",
        "mossad-base-in-azerbaijan",
    ):
        assert claim(key).modality == "alleged" and not claim(key).attributed_to


def test_the_drone_joint_venture_is_a_decision_to_produce_locally() -> None:
    c = claim("modi-coproduces-drones-with-aeronautics")
    assert (c.subject, predicate(c), c.object) == (
        "azerbaijan-ministry-of-defense-industry",
        "coProducesWith",
        "aeronautics-defense-systems",
    )
    assert "decided" in c.text and "joint venture" in c.text


# --------------------------------------------------------------- 7. fears and concerns


def test_fears_and_concerns_follow_one_convention() -> None:
    feelings = ("concernedAbout", "regardsAsThreat")
    found = [c for c in dataset().claims if predicate(c) in feelings or re.search(r"\b(fear|worr)", c.text)]
    assert {c.key for c in found} >= {
        "israel-concerned-about-iran",
        "authorities-fear-iranian-religious-influence",
        "authorities-regard-huseynyun-as-threat",
    }
    for c in found:
        kind = entities()[c.subject].type
        if kind == "OfficialBody":
            assert (c.modality, c.attributed_to) == ("reported", [c.subject]), c.key
        elif kind == "State":
            assert (c.modality, c.attributed_to) == ("asserted", []), c.key
    doc = DATA_MODEL_MD.read_text(encoding="utf-8")
    assert re.search(r"^#+ Curation conventions", doc, re.MULTILINE)


# --------------------------------------------------------------- 8. facts that were missing


def test_the_1994_ceasefire_has_its_parties_and_the_war_it_halted(article_text: str) -> None:
    parties = {
        c.object: c
        for c in dataset().claims
        if c.subject == "ceasefire-1994" and predicate(c) == "participant"
    }
    assert set(parties) == {"armenia", "azerbaijan"}
    halted = claim("first-war-led-to-ceasefire-1994")
    assert (halted.subject, predicate(halted), halted.object) == (
        "first-nagorno-karabakh-war",
        "ledTo",
        "ceasefire-1994",
    )
    for c in [*parties.values(), halted, claim("first-war-end")]:
        assert c.modality == "curatorInferred" and c.note, c.key
        assert "1994 ceasefire" in quoted(article_text, c), c.key


def test_the_alliance_and_the_arms_sales_run_since_the_conflict_began() -> None:
    for key in ("israel-ally-of-azerbaijan", "israel-arms-sales-billions"):
        c = claim(key)
        assert c.qualifiers.since == "nagorno-karabakh-conflict", key
        assert c.qualifiers.start is None and c.qualifiers.point_in_time is None, key
        node = claim_node(key)
        assert graph().value(node, KG.since) == KGR["nagorno-karabakh-conflict"], key


ARGUMENT = {
    ("israel-seeks-to-contain-iran", "israel-built-spy-stations"),
    ("azerbaijan-seeks-to-contain-iran", "azerbaijan-built-spy-stations"),
    ("iran-opposes-zangezur", "iran-at-odds-with-azerbaijan"),
    ("offensive-azerbaijani-superiority", "offensive-led-to-surrender"),
    ("authorities-fear-iranian-religious-influence", "authorities-regard-huseynyun-as-threat"),
    ("azerbaijan-grants-base-to-mossad", "israel-gains-intelligence-foothold"),
    ("azerbaijan-grants-airports-to-israel", "alliance-benefits-israel"),
}


@pytest.mark.parametrize(("backer", "backed"), sorted(ARGUMENT))
def test_the_author_s_reasoning_is_linked(backer: str, backed: str) -> None:
    assert backed in claim(backer).supports
    assert backer not in claim(backed).supports
    assert (claim_node(backer), KG.supports, claim_node(backed)) in graph()


def test_the_argument_has_no_cycles() -> None:
    links = {k: set(c.supports) for k, c in claims().items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in links.get(start, set()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert not [k for k in links if reaches(k, k, {k})]
