"""Models <-> triples: the round trip is lossless, ids follow content, and bad input is refused."""

from __future__ import annotations

import string
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode

from kgraph.build import load_dataset
from kgraph.errors import DataModelError
from kgraph.mapping import claim_iri, dataset_triples, from_triples
from kgraph.models import Claim, Dataset, Entity, Evidence, LiteralValue, Qualifiers, Source
from kgraph.namespaces import KG, KGR

from .conftest import TINY_YAML

SHA = "0" * 64
slugs = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8)
words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\"<>&'\n"),
    min_size=1,
    max_size=30,
)
dates = st.sampled_from(["2015", "2022-12", "2023-09-19", "--09-19", "-0044"])
decimals = st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False, allow_infinity=False)
shares = st.decimals(min_value=0, max_value=1, places=2, allow_nan=False, allow_infinity=False)
spans = st.tuples(st.integers(0, 1000), st.integers(1, 500)).map(
    lambda t: Evidence(start=t[0], end=t[0] + t[1])
)
qualifiers = st.builds(
    Qualifiers,
    point_in_time=st.none() | dates,
    start=st.none() | dates,
    end=st.none() | dates,
    duration=st.none() | st.sampled_from(["PT24H", "P3D"]),
    value=st.none() | decimals,
    min_value=st.none() | decimals,
    max_value=st.none() | decimals,
    unit=st.none() | words,
    share=st.none() | shares,
    share_of=st.none() | words,
    approximate=st.none() | st.booleans(),
    item=st.none() | words,
)


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    ids = draw(st.lists(slugs, min_size=2, max_size=5, unique=True))
    actors = [
        Entity(
            id=i,
            type=draw(st.sampled_from(["State", "Company", "ArmedGroup", "Territory"])),
            label=draw(words),
            aliases=sorted(set(draw(st.lists(words, max_size=3)))),
            description=draw(st.none() | words),
            wikidata=draw(st.none() | st.integers(1, 10**6).map(lambda n: f"Q{n}")),
            mentions=[draw(spans)],
        )
        for i in ids
    ]
    claims = []
    for n in range(draw(st.integers(1, 5))):
        literal = draw(st.booleans())
        obj: str | LiteralValue = (
            LiteralValue(value=draw(words), language="en") if literal else draw(st.sampled_from(ids))
        )
        claims.append(
            Claim(
                key=f"c{n}",
                subject=draw(st.sampled_from(ids)),
                predicate="characteristic"
                if literal
                else draw(st.sampled_from(["suppliesArmsTo", "allyOf"])),
                object=obj,
                text=draw(words),
                modality=draw(
                    st.sampled_from(["asserted", "reported", "alleged", "analysis", "curatorInferred"])
                ),
                attributed_to=sorted(set(draw(st.lists(st.sampled_from(ids), max_size=2)))),
                qualifiers=draw(qualifiers),
                evidence=sorted(
                    draw(st.lists(spans, min_size=1, max_size=2, unique_by=lambda e: (e.start, e.end))),
                    key=lambda e: (e.start, e.end),
                ),
                note=draw(st.none() | words),
            )
        )
    # Two claims that say the same thing are one claim (same IRI): keep the first of each.
    unique: dict[str, Claim] = {}
    for c in claims:
        unique.setdefault(claim_iri(c, "any-source").value, c)
    claims = list(unique.values())
    for n, c in enumerate(claims):
        c.key = f"c{n}"
    # A claim may back earlier ones (no cycles needed, but allowed).
    for i, c in enumerate(claims[1:], 1):
        c.supports = sorted(set(draw(st.lists(st.sampled_from([f"c{j}" for j in range(i)]), max_size=2))))
    source = Source(
        id=draw(slugs), title=draw(words), sha256=SHA, length=2000, description=draw(st.none() | words)
    )
    return Dataset(source=source, actors=actors, claims=claims)


def normalized(ds: Dataset) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    """What from_triples must give back: defaults made explicit, lists in canonical order."""
    actors = []
    for a in sorted(ds.actors, key=lambda a: a.id):
        d = a.model_dump()
        d["aliases"] = sorted(d["aliases"])
        d["source"] = None
        d["mentions"] = [
            {"source": ds.source.id, "start": m.start, "end": m.end, "exact": None} for m in a.mentions
        ]
        actors.append(d)
    claims = []
    key_to_id = {c.key: claim_iri(c, ds.source.id).value for c in ds.claims}
    for c in ds.claims:
        d = c.model_dump()
        d["id"] = key_to_id[c.key]
        d["source"] = ds.source.id
        d["evidence"] = [
            {"source": ds.source.id, "start": e.start, "end": e.end, "exact": None} for e in c.evidence
        ]
        d["supports"] = sorted(c.supports)
        claims.append(d)
    return actors, sorted(claims, key=lambda d: d["id"])


@settings(max_examples=60, deadline=None)
@given(datasets())
def test_round_trip_is_lossless(ds: Dataset) -> None:
    corpus = from_triples(dataset_triples(ds))
    actors, claims = normalized(ds)
    assert [a.model_dump() for a in corpus.actors] == actors
    assert [c.model_dump() for c in corpus.claims] == claims
    assert corpus.sources == [ds.source]


def test_tiny_fixture_round_trips_and_is_stable() -> None:
    ds = load_dataset(TINY_YAML)
    triples = dataset_triples(ds)
    assert dataset_triples(ds) == triples
    corpus = from_triples(triples)
    assert {c.key for c in corpus.claims} == {c.key for c in ds.claims}
    share = next(c for c in corpus.claims if c.key == "arms-share")
    assert share.qualifiers.share == Decimal("0.6")
    assert share.attributed_to == ["gamma-institute"]


def test_claim_id_follows_content_not_wording() -> None:
    base = Claim(
        subject="a",
        predicate="allyOf",
        object="b",
        text="one way",
        modality="asserted",
        evidence=[Evidence(start=0, end=1)],
    )
    reworded = base.model_copy(update={"text": "another way", "evidence": [Evidence(start=5, end=9)]})
    hedged = base.model_copy(update={"modality": "alleged"})
    assert claim_iri(base, "s") == claim_iri(reworded, "s")
    assert claim_iri(base, "s") != claim_iri(hedged, "s")
    assert claim_iri(base, "s") != claim_iri(base, "other-source")


def test_alleged_claims_stay_out_of_the_direct_layer() -> None:
    ds = load_dataset(TINY_YAML)
    direct = {(t.subject.value, t.predicate.value, str(t.object)) for t in dataset_triples(ds)}
    assert (KGR + "alphaland", KG + "suppliesArmsTo", f"<{KGR}betastan>") in direct
    assert (KGR + "betastan", KG + "grantsBaseTo", f"<{KGR}alpha-intel>") not in direct


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"predicate": "sellsWeaponsTo"}, "kg:sellsWeaponsTo is not a kgraph term"),
        ({"predicate": "nope:thing"}, "unknown prefix"),
        ({"object": "nobody"}, "unknown actor or event 'nobody'"),
        ({"supports": ["missing"]}, "supports names unknown claim 'missing'"),
        ({"object": LiteralValue(value="2023-02-30", datatype="xsd:date")}, "is not a valid xsd:date"),
    ],
)
def test_bad_claims_are_refused(change: dict, message: str) -> None:  # type: ignore[type-arg]
    ds = load_dataset(TINY_YAML)
    ds.claims[0] = ds.claims[0].model_copy(update=change)
    with pytest.raises(DataModelError, match=message):
        dataset_triples(ds)


def test_same_entity_twice_must_agree() -> None:
    ds = load_dataset(TINY_YAML)
    other = ds.model_copy(deep=True)
    other.actors[0].label = "Someone else"
    with pytest.raises(DataModelError, match="defined twice"):
        dataset_triples([ds, other])


def test_named_node_ids_are_ours() -> None:
    ds = load_dataset(TINY_YAML)
    subjects = {t.subject for t in dataset_triples(ds)}
    assert all(isinstance(s, NamedNode) and s.value.startswith(KGR) for s in subjects)
