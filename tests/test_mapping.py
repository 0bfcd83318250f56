"""Models <-> triples: the round trip is lossless, ids follow content, and bad input is refused."""

from __future__ import annotations

import string
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pyoxigraph import NamedNode

from kgraph.build import load_dataset
from kgraph.errors import DataModelError
from kgraph.mapping import claim_iri, dataset_triples, entity_iri, from_triples, resolve_term
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
locators = st.builds(
    Evidence,
    url=st.sampled_from(["https://example.org/a", "https://example.org/b?x=1"]),
    page=st.none() | st.sampled_from(["12", "3-4"]),
    table=st.none() | st.sampled_from(["Table 3"]),
    section=st.none() | words,
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
def datasets(draw: st.DrawFn, *, held: bool = True) -> Dataset:
    where = spans if held else locators
    ids = draw(st.lists(slugs, min_size=2, max_size=5, unique=True))
    actors = [
        Entity(
            id=i,
            type=draw(st.sampled_from(["State", "Company", "ArmedGroup", "Territory"])),
            label=draw(words),
            aliases=sorted(set(draw(st.lists(words, max_size=3)))),
            description=draw(st.none() | words),
            wikidata=draw(st.none() | st.integers(1, 10**6).map(lambda n: f"Q{n}")),
            mentions=[draw(where)],
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
                # A chain keeps its order: origin first.
                attributed_to=draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)),
                qualifiers=draw(qualifiers),
                evidence=sorted(
                    draw(st.lists(where, min_size=1, max_size=2, unique_by=Evidence.sort_key)),
                    key=Evidence.sort_key,
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
        id=draw(slugs),
        title=draw(words),
        kind=draw(st.none() | st.sampled_from(["article", "report", "dataset", "press-release"])),
        sha256=SHA if held else None,
        length=2000 if held else None,
        description=draw(st.none() | words),
    )
    return Dataset(source=source, actors=actors, claims=claims)


def normalized(ds: Dataset) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    """What from_triples must give back: defaults made explicit, lists in canonical order."""
    actors = []
    for a in sorted(ds.actors, key=lambda a: a.id):
        d = a.model_dump()
        d["aliases"] = sorted(d["aliases"])
        d["source"] = None
        d["mentions"] = [m.model_copy(update={"source": ds.source.id}).model_dump() for m in a.mentions]
        actors.append(d)
    claims = []
    key_to_id = {c.key: claim_iri(c, ds.source.id).value for c in ds.claims}
    for c in ds.claims:
        d = c.model_dump()
        d["id"] = key_to_id[c.key]
        d["source"] = ds.source.id
        d["evidence"] = [e.model_copy(update={"source": ds.source.id}).model_dump() for e in c.evidence]
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


@settings(max_examples=40, deadline=None)
@given(datasets(held=False))
def test_a_source_whose_text_is_not_held_round_trips_with_locators(ds: Dataset) -> None:
    corpus = from_triples(dataset_triples(ds))
    actors, claims = normalized(ds)
    assert [a.model_dump() for a in corpus.actors] == actors
    assert [c.model_dump() for c in corpus.claims] == claims
    assert corpus.sources == [ds.source] and not corpus.sources[0].held


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


def test_only_asserted_claims_reach_the_direct_layer() -> None:
    ds = load_dataset(TINY_YAML)
    triples = dataset_triples(ds)
    direct = {(t.subject.value, t.predicate.value, str(t.object)) for t in triples}
    # the reported arms share and the hedged base stay in the claim layer; the asserted attack does not
    assert (KGR + "alphaland", KG + "suppliesArmsTo", f"<{KGR}betastan>") not in direct
    assert (KGR + "betastan", KG + "grantsBaseTo", f"<{KGR}alpha-intel>") not in direct
    assert (KGR + "betastan", KG + "attacked", f"<{KGR}delta-valley>") in direct
    seen = {c.modality for c in ds.claims}
    assert {"asserted", "reported", "alleged"} <= seen


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"predicate": "sellsWeaponsTo"},
            "claims.0.predicate (key 'arms-share'): kg:sellsWeaponsTo is not a kgraph term",
        ),
        ({"predicate": "nope:thing"}, "claims.0.predicate (key 'arms-share'): unknown prefix"),
        ({"object": "nobody"}, "claims.0.object (key 'arms-share'): no actor or event has the id 'nobody'"),
        (
            {"attributed_to": ["gamma-institute", "nobody"]},
            "claims.0.attributed_to.1 (key 'arms-share'): no actor or event has the id 'nobody'",
        ),
        (
            {"supports": ["missing"]},
            "claims.0.supports.0 (key 'arms-share'): no claim of this dataset has the key 'missing'",
        ),
        (
            {"object": LiteralValue(value="2023-02-30", datatype="xsd:date")},
            "claims.0.object (key 'arms-share'): '2023-02-30' is not a valid xsd:date",
        ),
        ({"evidence": []}, "claims.0.evidence (key 'arms-share'): a claim needs at least one evidence span"),
    ],
)
def test_bad_claims_are_refused_naming_file_claim_and_field(change: dict, message: str) -> None:  # type: ignore[type-arg]
    ds = load_dataset(TINY_YAML)
    ds.claims[0] = ds.claims[0].model_copy(update=change)
    with pytest.raises(DataModelError) as caught:
        dataset_triples(ds, names=["data/source/tiny.yaml"])
    assert str(caught.value).startswith(f"data/source/tiny.yaml: {message}")
    # Without file names, the dataset's source slug says where.
    with pytest.raises(DataModelError, match=r"^dataset tiny: claims\.0\."):
        dataset_triples(ds)


def test_a_key_used_twice_names_both_claims() -> None:
    ds = load_dataset(TINY_YAML)
    ds.claims[2] = ds.claims[2].model_copy(update={"key": ds.claims[0].key})
    with pytest.raises(DataModelError) as caught:
        dataset_triples(ds, names=["x.yaml"])
    assert str(caught.value) == f"x.yaml: claims.2.key: {ds.claims[0].key!r} is already the key of claims.0"


def test_bad_entities_are_refused_naming_file_and_entity() -> None:
    ds = load_dataset(TINY_YAML)
    ds.actors[0].type = "Country"
    with pytest.raises(DataModelError) as caught:
        dataset_triples(ds, names=["x.yaml"])
    assert str(caught.value) == (
        f"x.yaml: actors.0.type ({ds.actors[0].id!r}): kg:Country is not a kgraph term "
        "(see docs/data-model.md)"
    )


def test_same_entity_twice_must_agree() -> None:
    ds = load_dataset(TINY_YAML)
    other = ds.model_copy(deep=True)
    assert other.source is not None
    other.source.id = "tiny-2"
    other.claims = []
    other.actors[0].label = "Someone else"
    with pytest.raises(DataModelError, match=r"^b\.yaml: actors\.0 .*differ from those given in a\.yaml"):
        dataset_triples([ds, other], names=["a.yaml", "b.yaml"])


def test_named_node_ids_are_ours() -> None:
    ds = load_dataset(TINY_YAML)
    subjects = {t.subject for t in dataset_triples(ds)}
    assert all(isinstance(s, NamedNode) and s.value.startswith(KGR) for s in subjects)


# ---------------------------------------------------------------- reading a graph that is not ours

FOREIGN = f"""
@prefix kg: <{KG}> . @prefix kgr: <{KGR}> . @prefix wd: <http://www.wikidata.org/entity/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> . @prefix schema: <https://schema.org/> .
wd:Q227 a kg:Actor , kg:State ; skos:prefLabel "Azerbaijan"@en .
<http://example.org/x/bee> a kg:Actor ; skos:prefLabel "Bee"@en .
kgr:gamma a kg:Actor ; skos:prefLabel "Gamma"@en .
<http://example.org/x/war> a kg:Event ; skos:prefLabel "War"@en .
kgr:claim-1 a kg:Claim ; rdf:subject <http://example.org/x/bee> ; rdf:predicate kg:suppliesArmsTo ;
    rdf:object wd:Q227 ; dcterms:description "Bee arms Azerbaijan."@en ; kg:modality kg:asserted ;
    prov:wasDerivedFrom kgr:source-doc ; prov:wasAttributedTo kgr:gamma , wd:Q227 .
"""


def _triples(text: str) -> list:  # type: ignore[type-arg]
    from pyoxigraph import RdfFormat, parse

    return list(parse(text.encode(), format=RdfFormat.TURTLE))


def test_resources_outside_kgr_are_read_back_by_full_iri() -> None:
    corpus = from_triples(_triples(FOREIGN))
    assert [a.id for a in corpus.actors] == [
        "gamma",
        "http://example.org/x/bee",
        "http://www.wikidata.org/entity/Q227",
    ]
    assert [e.id for e in corpus.events] == ["http://example.org/x/war"]
    claim = corpus.claims[0]
    assert (claim.subject, claim.predicate, claim.object) == (
        "http://example.org/x/bee",
        "suppliesArmsTo",
        "http://www.wikidata.org/entity/Q227",
    )
    assert claim.attributed_to == ["gamma", "http://www.wikidata.org/entity/Q227"]
    # ... and go back to the same IRIs.
    assert entity_iri(claim.subject) == NamedNode("http://example.org/x/bee")
    assert resolve_term(claim.object) == NamedNode("http://www.wikidata.org/entity/Q227")
    assert entity_iri("gamma") == NamedNode(KGR + "gamma")


def test_curated_datasets_still_need_slugs() -> None:
    with pytest.raises(ValidationError, match="String should match pattern"):
        Entity(id="http://example.org/x/bee", type="Actor", label="Bee")
    with pytest.raises(ValidationError, match="String should match pattern"):
        Source(id="https://example.org/doc", title="t", sha256=SHA, length=1)


@pytest.mark.parametrize(
    ("instead", "message"),
    [
        ("kg:modality kg:rumoured", "kgr:claim-1: kg:modality 'rumoured': Input should be 'asserted'"),
        (
            'kg:modality kg:asserted ; schema:value "lots"',
            "kgr:claim-1: schema:value 'lots': Input should be a",
        ),
        (
            "kg:modality kg:asserted ; kg:share 1.5",
            "kgr:claim-1: kg:share '1.5': Input should be less than or",
        ),
        (
            'kg:modality kg:asserted ; dcterms:date "yesterday"',
            "kgr:claim-1: dcterms:date: 'yesterday' is not a",
        ),
        (
            'kg:modality kg:asserted ; dcterms:identifier "Not A Slug"',
            "kgr:claim-1: dcterms:identifier 'Not A",
        ),
    ],
)
def test_malformed_graph_data_is_a_data_model_error(instead: str, message: str) -> None:
    with pytest.raises(DataModelError) as caught:
        from_triples(_triples(FOREIGN.replace("kg:modality kg:asserted", instead)))
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ('oa:start "ten" ; oa:end 20', "kgr:sel: oa:start 'ten' is not an integer"),
        ("oa:start 1.5 ; oa:end 20", "kgr:sel: oa:start '1.5' is not an integer"),
        ("oa:start 30 ; oa:end 20", "kgr:sel: evidence end 20 must be greater than start 30"),
        ("oa:start -3 ; oa:end 20", "kgr:sel: oa:start -3: Input should be greater than or equal to 0"),
    ],
)
def test_malformed_offsets_are_a_data_model_error(selector: str, message: str) -> None:
    text = FOREIGN + (
        "kgr:ev oa:hasBody kgr:claim-1 ; oa:hasTarget kgr:target .\n"
        "kgr:target oa:hasSource kgr:source-doc ; oa:hasSelector kgr:sel .\n"
        f"kgr:sel {selector} .\n"
    )
    with pytest.raises(DataModelError) as caught:
        from_triples(_triples(text))
    assert str(caught.value) == message


def test_an_attribution_chain_keeps_its_order() -> None:
    ds = load_dataset(TINY_YAML)
    claim = next(c for c in ds.claims if c.key == "arms-share")
    relay = Entity(id="relay", type="MediaOutlet", label="Relay News")
    ds.actors.append(relay)
    forward = claim.model_copy(update={"attributed_to": ["gamma-institute", "relay"], "key": "fwd"})
    backward = claim.model_copy(update={"attributed_to": ["relay", "gamma-institute"], "key": "bwd"})
    ds.claims = [forward, backward]
    read = {c.key: c.attributed_to for c in from_triples(dataset_triples(ds)).claims}
    assert read == {"fwd": ["gamma-institute", "relay"], "bwd": ["relay", "gamma-institute"]}
    assert claim_iri(forward, "tiny") != claim_iri(backward, "tiny")


def test_offsets_are_refused_with_a_locator_and_a_quote_is_never_stored() -> None:
    with pytest.raises(ValidationError, match="give one of offsets, quote or locator"):
        Evidence(start=0, end=3, url="https://example.org/")
    with pytest.raises(ValidationError, match="needs offsets"):
        Evidence()
    ds = load_dataset(TINY_YAML)
    ds.claims[0].evidence = [Evidence(quote="Alphaland")]
    with pytest.raises(DataModelError, match=r"claims\.0\.evidence .*kgraph add"):
        dataset_triples(ds)
