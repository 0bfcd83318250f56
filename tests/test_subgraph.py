"""Selection on the tiny fixture: each filter alone and combined, with exact node and claim sets."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode, Triple

import kgraph
from kgraph.errors import NotFoundError, QueryNotAllowedError, UsageError
from kgraph.namespaces import KG, KGR, PREFIXES
from kgraph.subgraph import Selection, Subgraph, check_construct, resolve_type, select

from .conftest import TINY_TTL

ALL_NODES = {
    "alphaland",
    "betastan",
    "gamma-institute",
    "delta-valley",
    "alpha-intel",
    "omega-corp",
    "delta-attack-2021",
}
ALL_CLAIMS = {
    "arms-share",
    "attack",
    "attack-date",
    "attack-participant",
    "attack-location",
    "base",
    "alliance",
    "mapping",
}


@pytest.fixture(scope="module")
def tiny() -> kgraph.KGraph:
    return kgraph.open(TINY_TTL)


def nodes(sub: Subgraph) -> set[str]:
    return {e[len(KGR) :] for e in sub.entities}


def claims(sub: Subgraph) -> set[str]:
    return {c.key or "" for c in sub.corpus.claims}


def pick(tiny: kgraph.KGraph, **kwargs: object) -> tuple[set[str], set[str]]:
    sub = select(tiny, Selection(**kwargs))  # type: ignore[arg-type]
    assert len(sub.claims) == len(claims(sub)), "every selected claim comes back as a model"
    return nodes(sub), claims(sub)


def test_no_selection_is_the_whole_graph(tiny: kgraph.KGraph) -> None:
    assert pick(tiny) == (ALL_NODES, ALL_CLAIMS)
    assert Selection().is_empty()


@pytest.mark.parametrize(
    ("kwargs", "want_nodes", "want_claims"),
    [
        ({"focus": ("Alphaland",)}, {"alphaland", "betastan"}, {"arms-share", "alliance"}),
        ({"focus": ("Alpha",), "depth": 0}, {"alphaland"}, set()),
        # Two hops from Alphaland reach everything Betastan touches; the claims among them come along.
        ({"focus": ("alphaland",), "depth": 2}, ALL_NODES - {"gamma-institute"}, ALL_CLAIMS),
        (
            {"focus": ("the valley",)},
            {"delta-valley", "betastan", "delta-attack-2021"},
            {"attack", "attack-location", "attack-participant", "attack-date"},
        ),
        ({"focus": ("AIS", "GI")}, {"alpha-intel", "betastan", "gamma-institute"}, {"base"}),
        (
            {"path": ("Alpha", "Délta Valley")},
            {"alphaland", "betastan", "delta-valley"},
            {"arms-share", "alliance", "attack"},
        ),
        ({"path": ("omega-corp", "AIS")}, {"omega-corp", "betastan", "alpha-intel"}, {"mapping", "base"}),
        ({"path": ("Betastan", "Betastan")}, {"betastan"}, set()),
        ({"predicates": ("suppliesArmsTo",)}, {"alphaland", "betastan"}, {"arms-share"}),
        (
            {"predicates": ("kg:attacked", "dcterms:date")},
            {"betastan", "delta-valley", "delta-attack-2021"},
            {"attack", "attack-date"},
        ),
        ({"modalities": ("alleged",)}, {"betastan", "alpha-intel"}, {"base"}),
        (
            {"modalities": ("hedged", "curator-inferred")},
            {"betastan", "alpha-intel", "delta-attack-2021", "delta-valley"},
            {"base", "attack-location"},
        ),
        # March 2021: the attack, and the event's claims, which take the event's date.
        (
            {"since": "2021", "until": "2021-12-31"},
            {"betastan", "delta-valley", "delta-attack-2021"},
            {"attack", "attack-date", "attack-participant", "attack-location"},
        ),
        ({"since": "2016-06", "until": "2016-06"}, {"alphaland", "betastan"}, {"arms-share"}),
        ({"until": "2014"}, set(), set()),
        ({"since": "2021-04"}, set(), set()),
        ({"types": ("State",)}, {"alphaland", "betastan"}, {"arms-share", "alliance"}),
        (
            {"types": ("Actor",)},
            ALL_NODES - {"delta-attack-2021"},
            ALL_CLAIMS - {"attack-date", "attack-participant", "attack-location"},
        ),
        ({"types": ("company",), "focus": ("Betastan",)}, {"betastan", "omega-corp"}, {"mapping"}),
        ({"sources": ("Gamma Institute",)}, {"alphaland", "betastan"}, {"arms-share"}),
        ({"sources": ("tiny",)}, ALL_NODES - {"gamma-institute"}, ALL_CLAIMS),
        (
            {
                "sources": ("An invented test story about Alphaland and Betastan",),
                "modalities": ("analysis",),
            },
            {"alphaland", "betastan"},
            {"alliance"},
        ),
        (
            {"focus": ("Betastan",), "modalities": ("asserted",)},
            {"betastan", "delta-valley", "omega-corp", "delta-attack-2021"},
            {"attack", "mapping", "attack-participant", "attack-date"},
        ),
        (
            {"construct": "CONSTRUCT { ?a kg:attacked ?b } WHERE { ?a kg:attacked ?b }"},
            {"betastan", "delta-valley"},
            {"attack"},
        ),
        (
            {"construct": "CONSTRUCT { ?c a kg:Claim } WHERE { ?c kg:modality kg:analysis }"},
            {"alphaland", "betastan"},
            {"alliance"},
        ),
        ({"construct": "CONSTRUCT { kgr:omega-corp a kg:Company } WHERE {}"}, {"omega-corp"}, set()),
        (
            {"construct": "CONSTRUCT { ?c a kg:Claim } WHERE { ?c a kg:Claim }", "modalities": ("alleged",)},
            {"betastan", "alpha-intel"},
            {"base"},
        ),
    ],
)
def test_selection(
    tiny: kgraph.KGraph, kwargs: dict[str, object], want_nodes: set[str], want_claims: set[str]
) -> None:
    assert pick(tiny, **kwargs) == (want_nodes, want_claims)


def test_focus_and_path_add_up(tiny: kgraph.KGraph) -> None:
    got = pick(tiny, focus=("Alphaland",), path=('Omega Corp & "Sons" <Ltd>', "Betastan"))
    assert got == ({"alphaland", "betastan", "omega-corp"}, {"arms-share", "alliance", "mapping"})


def test_path_respects_filters(tiny: kgraph.KGraph) -> None:
    # Alphaland's only claims are reported or analysis: no asserted route leaves it.
    with pytest.raises(NotFoundError, match="no connection"):
        select(tiny, Selection(path=("Alphaland", "Délta Valley"), modalities=("asserted",)))
    with pytest.raises(NotFoundError, match="no connection"):
        select(tiny, Selection(path=("Alphaland", "Gamma Institute")))


def test_unknown_names_are_not_found(tiny: kgraph.KGraph) -> None:
    with pytest.raises(NotFoundError, match="Nowhere"):
        select(tiny, Selection(focus=("Nowhere",)))
    with pytest.raises(NotFoundError, match="no source document or actor"):
        select(tiny, Selection(sources=("Daily Planet",)))


def test_bad_values_fail_as_in_the_look_ups(tiny: kgraph.KGraph) -> None:
    # Option values go through kgraph.lookup's resolvers: the same errors as `kgraph claims`.
    with pytest.raises(UsageError, match="'rumoured' is not one of"):
        select(tiny, Selection(modalities=("rumoured",)))
    with pytest.raises(NotFoundError, match="no actor type 'Planet' in this graph"):
        select(tiny, Selection(types=("Planet",)))
    with pytest.raises(NotFoundError, match=r"no predicate 'sellsCheeseTo' in this graph \(known: allyOf"):
        select(tiny, Selection(predicates=("sellsCheeseTo",)))
    with pytest.raises(UsageError, match="not a date"):
        Selection(since="March 2021")
    with pytest.raises(UsageError, match="later than until"):
        Selection(since="2020", until="2019")
    with pytest.raises(UsageError, match="depth"):
        Selection(depth=-1)
    with pytest.raises(UsageError, match="max_hops"):
        Selection(path=("a", "b"), max_hops=0)
    with pytest.raises(UsageError, match="on its own"):
        Selection(focus=("Alphaland",), construct="CONSTRUCT {} WHERE {}")


@pytest.mark.parametrize(
    ("kwargs", "function", "value"),
    [
        ({"predicates": ("supplies arms to",)}, "predicate", "supplies arms to"),
        ({"predicates": ("kg:suppliesArmsTo",)}, "predicate", "kg:suppliesArmsTo"),
        ({"predicates": (KG + "suppliesArmsTo",)}, "predicate", KG + "suppliesArmsTo"),
        ({"predicates": ("SUPPLIESARMSTO",)}, "predicate", "SUPPLIESARMSTO"),
        ({"predicates": ("sellsCheeseTo",)}, "predicate", "sellsCheeseTo"),
        ({"predicates": ("http://a:b:c",)}, "predicate", "http://a:b:c"),
        ({"modalities": ("hedged",)}, "modality", "hedged"),
        ({"modalities": ("inferred",)}, "modality", "inferred"),
        ({"modalities": ("Curator-Inferred",)}, "modality", "Curator-Inferred"),
        ({"sources": ("tiny",)}, "source", "tiny"),
        (
            {"sources": ("An invented test story about Alphaland and Betastan",)},
            "source",
            "An invented test story about Alphaland and Betastan",
        ),
    ],
)
def test_option_values_read_as_the_look_ups_read_them(
    tiny: kgraph.KGraph, kwargs: dict[str, object], function: str, value: str
) -> None:
    """Whatever `kgraph claims` accepts, export accepts, with the same claims; what it refuses,
    export refuses with the same error."""
    lookup_kwargs = {function: value}
    try:
        want: set[str] | type[Exception] = {c.key or "" for c in tiny.claims(**lookup_kwargs)}  # type: ignore[arg-type]
    except (NotFoundError, UsageError) as e:
        want = type(e)
    if isinstance(want, set):
        assert pick(tiny, **kwargs)[1] == want
    else:
        with pytest.raises(want):
            pick(tiny, **kwargs)


def test_names_are_values_not_query_text(tiny: kgraph.KGraph) -> None:
    # A name that would break a query pasted into SPARQL text is only a failed look-up.
    with pytest.raises(NotFoundError):
        select(tiny, Selection(focus=('x" } ; DROP ALL ; #',)))
    with pytest.raises(NotFoundError):
        select(tiny, Selection(sources=("> } UNION { ?s ?p ?o",)))


def test_type_resolution(tiny: kgraph.KGraph) -> None:
    backend = tiny.backend
    assert resolve_type(backend, "intelligence agency") == KG + "IntelligenceAgency"
    assert resolve_type(backend, "kg:Event") == KG + "Event"
    assert resolve_type(backend, "STATE") == KG + "State"
    with pytest.raises(NotFoundError, match="no actor type"):
        resolve_type(backend, "Claim")  # a claim is not an actor


def test_malformed_iris_are_names_that_match_nothing(tiny: kgraph.KGraph) -> None:
    for sel in (
        Selection(focus=("http://a:b:c",)),
        Selection(path=("Alphaland", "http://a:b:c")),
        Selection(sources=("http://a:b:c",)),
        Selection(predicates=("http://a:b:c",)),
        Selection(types=("http://a:b:c",)),
    ):
        with pytest.raises(NotFoundError):
            select(tiny, sel)


@pytest.mark.parametrize(
    "query",
    [
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/x.ttl>",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ; DROP ALL",
    ],
)
def test_construct_guard_refuses(query: str) -> None:
    with pytest.raises(QueryNotAllowedError):
        check_construct(query)


def test_construct_guard_allows() -> None:
    check_construct("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }", allow_service=True)
    # Words inside strings, IRIs and comments are data, not operations.
    check_construct('CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p "delete, load and drop" . } # insert nothing')
    check_construct("construct { ?s ?p ?o } where { ?s <http://x/LOAD> ?o }")
    with pytest.raises(UsageError, match="CONSTRUCT"):
        check_construct("SELECT * WHERE { ?s ?p ?o }")


def test_select_query_is_refused(tiny: kgraph.KGraph) -> None:
    with pytest.raises(UsageError, match="CONSTRUCT"):
        select(tiny, Selection(construct="ASK { ?s ?p ?o } # CONSTRUCT"))


def test_views(tiny: kgraph.KGraph) -> None:
    sub = select(tiny, Selection(focus=("Alphaland",)))
    claims_view, actors_view = set(sub.triples("claims")), set(sub.triples("actors"))
    assert actors_view < claims_view
    betastan, alphaland = NamedNode(KGR + "betastan"), NamedNode(KGR + "alphaland")
    arms = Triple(alphaland, NamedNode(KG + "suppliesArmsTo"), betastan)
    attack = Triple(betastan, NamedNode(KG + "attacked"), NamedNode(KGR + "delta-valley"))
    # the arms share is reported, not asserted: it has no direct triple to carry (docs/data-model.md)
    assert arms not in claims_view
    assert any(t.predicate == NamedNode(KG + "suppliesArmsTo") for t in sub.triples("claims")) is False
    assert KGR + "betastan" in sub.entities
    # Betastan is a node, but its attack on the valley is not a selected claim.
    assert attack not in claims_view
    oa_annotation = NamedNode(PREFIXES["oa"] + "Annotation")
    assert any(t.object == oa_annotation for t in claims_view)
    assert not any(t.object == oa_annotation for t in actors_view)
    source = NamedNode(KGR + "source-tiny")
    assert any(t.subject == source for t in claims_view)
    # The actor a claim is attributed to comes along for its label, not as a node.
    gamma = NamedNode(KGR + "gamma-institute")
    assert any(t.subject == gamma for t in claims_view)
    assert KGR + "gamma-institute" not in sub.entities
    assert KGR + "gamma-institute" not in sub.network()
    with pytest.raises(UsageError):
        sub.triples("everything")  # type: ignore[arg-type]


def test_alleged_claims_have_no_direct_triple(tiny: kgraph.KGraph) -> None:
    sub = select(tiny, Selection(modalities=("alleged",)))
    assert not any(
        t.predicate == NamedNode(KG + "grantsBaseTo") and t.subject == NamedNode(KGR + "betastan")
        for t in sub.triples("actors")
    )


def test_links_to_unselected_claims_are_dropped(tiny: kgraph.KGraph) -> None:
    supports = NamedNode(KG + "supports")
    assert any(t.predicate == supports for t in select(tiny).triples())
    sub = select(tiny, Selection(focus=('Omega Corp & "Sons" <Ltd>',)))
    assert claims(sub) == {"mapping"}
    assert not any(t.predicate == supports for t in sub.triples())


def test_order_is_stable(tiny: kgraph.KGraph) -> None:
    a, b = select(tiny).triples(), select(tiny).triples()
    assert a == b and a == sorted(
        a,
        key=lambda t: (
            str(t.subject),
            t.predicate.value != PREFIXES["rdf"] + "type",
            t.predicate.value,
            str(t.object),
        ),
    )


class _Recorder:
    """A backend that remembers every query it is sent."""

    def __init__(self, backend: object) -> None:
        self.inner = backend
        self.queries: list[str] = []
        self.timeout = backend.timeout  # type: ignore[attr-defined]
        self.description = backend.description  # type: ignore[attr-defined]

    def query(self, sparql: str, *args: object, **kwargs: object) -> object:
        self.queries.append(sparql)
        return self.inner.query(sparql, *args, **kwargs)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "selection",
    [
        Selection(focus=("Betastan",), depth=2),
        Selection(focus=("Betastan",), since="2021", types=("State", "Event", "Territory")),
        Selection(path=("Alphaland", "Délta Valley")),
        Selection(path=("omega-corp", "AIS"), modalities=("asserted", "alleged")),
        Selection(construct="CONSTRUCT { ?a kg:attacked ?b } WHERE { ?a kg:attacked ?b }"),
        Selection(construct="CONSTRUCT { ?c a kg:Claim } WHERE { ?c kg:modality kg:analysis }", since="2000"),
    ],
)
def test_walks_ask_only_about_the_iris_at_hand(tiny: kgraph.KGraph, selection: Selection) -> None:
    """--focus, --path and --construct never read every claim, every entity's types or every
    event's dates: each query is bound to the IRIs reached so far (fast on big stores)."""
    recorder = _Recorder(tiny.backend)
    assert select(recorder, selection) == select(tiny, selection)  # type: ignore[arg-type]
    ours = [q for q in recorder.queries if "?claim a kg:Claim ; rdf:subject" in q or " ?e a ?type" in q]
    assert ours
    for q in ours:
        assert "VALUES ?" in q.split("?claim a kg:Claim", 1)[0].split("?e a", 1)[0], q
    # The fast shape for "touching these nodes": one VALUES, then a UNION of two patterns.
    assert not any("UNION { VALUES" in q for q in ours)
    about = [q for q in ours if "{ ?claim rdf:subject ?about } UNION { ?claim rdf:object ?about }" in q]
    assert about or selection.construct is not None


def test_path_looks_no_further_than_max_hops(tiny: kgraph.KGraph) -> None:
    # Alphaland – Betastan – Délta Valley: two hops.
    with pytest.raises(NotFoundError, match="within 1 hops"):
        select(tiny, Selection(path=("Alphaland", "Délta Valley"), max_hops=1))
    assert pick(tiny, path=("Alphaland", "Délta Valley"), max_hops=2)[0] == {
        "alphaland",
        "betastan",
        "delta-valley",
    }


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), 1e300, -1.0])
def test_timeouts_must_be_finite_and_not_negative(tiny: kgraph.KGraph, seconds: float) -> None:
    # The one check every command shares (kgraph.store.check_timeout).
    with pytest.raises(UsageError, match=r"--timeout must be (0|at most)"):
        select(tiny, Selection(focus=("Alphaland",)), timeout=seconds)
