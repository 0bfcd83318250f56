"""Look-ups: actor cards, claim lists, actors, sources, events, statistics, paths and neighbours.

Each function takes a :class:`~kgraph.store.Backend` and returns the views of
:mod:`kgraph.views`. Where each concern lives:

- what the user typed -> RDF terms: :class:`kgraph.resolve.Resolver` (one matcher,
  :mod:`kgraph.names`);
- the claim's shape in SPARQL: :mod:`kgraph.patterns`;
- reading claims, labels, dates and source records: :mod:`kgraph.fetch`;
- what rolls up to an actor (its parts, members, events): :mod:`kgraph.rollup`;
- walking the network for ``path`` and ``neighbors``: :mod:`kgraph.walk`;
- the user's copy of a source text: :mod:`kgraph.sources`.

Only :func:`path` and :func:`neighbors` import networkx (through :mod:`kgraph.walk`).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pyoxigraph import NamedNode

from kgraph import patterns
from kgraph.dates import Dates, Span, sort_key
from kgraph.errors import NotFoundError, ParameterError, UsageError
from kgraph.fetch import (
    Labels,
    construct,
    event_dates,
    fetch_claims,
    iri,
    nodes,
    predicate_ref,
    select,
    short,
    source_info,
    type_name,
    value,
    when,
)
from kgraph.mapping import SOURCE_PREFIX, from_triples
from kgraph.models import Claim
from kgraph.names import NameMatch
from kgraph.namespaces import KG, KGR, SCHEMA, WD, compact_iri
from kgraph.resolve import Resolver, as_list, parse_modality, positive
from kgraph.rollup import Scope, scope
from kgraph.sources import load_source_texts, quote_evidence
from kgraph.store import Backend, values_block
from kgraph.views import (
    ActorCard,
    ActorSummary,
    ClaimView,
    CountedClaimView,
    EntityRef,
    EventView,
    ExternalId,
    GraphPath,
    Hop,
    Link,
    LiteralRef,
    Neighbor,
    NeighborsResult,
    Participation,
    PathResult,
    PredicateRef,
    RelationGroup,
    SourceRef,
    SourceView,
    Stats,
    Step,
    evidence_text,
    quotes_text,
    via_text,
)

if TYPE_CHECKING:
    import networkx as nx


def _entity_ref(match: NameMatch) -> EntityRef:
    return EntityRef(id=match.slug, label=match.label, iri=match.iri, type=match.type)


def _claim_sort_key(view: ClaimView, span: Span | None) -> tuple[Any, ...]:
    obj = view.object
    other = obj.label if isinstance(obj, EntityRef) else obj.value
    return (view.subject.label.casefold(), view.predicate.label, other.casefold(), sort_key(span), view.id)


def _reached(c: Claim, sc: Scope, attributed: bool = False) -> str | None:
    """The node of ``sc`` a claim is about (the root first), or None."""
    ends = [a for a in c.attributed_to] if attributed else [c.subject, c.object]
    about = [iri(e) for e in ends if isinstance(e, str)]
    if sc.root in about:
        return sc.root
    hits = [a for a in about if a in sc.links]
    return min(hits, key=lambda a: (_depth(sc, a), a)) if hits else None


def _depth(sc: Scope, node: str) -> int:
    n = 0
    while node in sc.links and n <= len(sc.links):
        node = sc.links[node].parent
        n += 1
    return n


def _with_via(view: ClaimView, node: str | None, sc: Scope | None, labels: Labels) -> ClaimView:
    if sc is None or node is None or node == sc.root:
        return view
    view.via = sc.via(node, labels)
    return view


# ---------------------------------------------------------------- show


def show(
    backend: Backend, name: str, *, source_texts: Sequence[str | Path] = (), exact: bool = False
) -> ActorCard:
    """The card of the actor or event ``name`` resolves to.

    Claims about its parts, members and the events it took part in are in ``through``, each
    with how it was reached, unless ``exact``.
    """
    texts = load_source_texts(backend, source_texts)
    match = Resolver(backend).actor(name)
    focus = values_block("focus", [NamedNode(match.iri)])
    triples = construct(backend, patterns.entities_query(f"{focus} BIND(?focus AS ?entity)"))
    triples += construct(backend, patterns.claims_query(patterns.claims_about(focus)))
    corpus = from_triples(triples)
    entity = next((e for e in corpus.actors + corpus.events if iri(e.id) == match.iri), None)
    if entity is None:
        raise NotFoundError(f"{name!r} is {match.curie}, which is not an actor or event")
    kind: Literal["actor", "event"] = "event" if entity in corpus.events else "actor"

    labels = Labels(backend)
    labels.fetch([match.iri])
    views = {c.id: v for c, v in zip(corpus.claims, labels.views(corpus.claims), strict=True)}
    dates = labels.dates
    spans = {c.id: when(c, dates) for c in corpus.claims}

    outgoing: dict[str, list[Claim]] = defaultdict(list)
    incoming: dict[str, list[Claim]] = defaultdict(list)
    properties, participations, attributed = [], [], []
    for c in corpus.claims:
        view = views[c.id]
        is_subject = view.subject.iri == match.iri
        is_object = isinstance(view.object, EntityRef) and view.object.iri == match.iri
        if is_subject and isinstance(view.object, LiteralRef):
            properties.append(c)
        elif is_subject:
            outgoing[view.predicate.iri].append(c)
        if is_object:
            if kind == "actor" and view.predicate.iri == KG + "participant" and view.subject.type == "Event":
                participations.append(c)
            else:
                incoming[view.predicate.iri].append(c)
        if match.iri in {a.iri for a in view.attributed_to}:
            attributed.append(c)

    def ordered(claims: Iterable[Claim]) -> list[ClaimView]:
        return [views[c.id] for c in sorted(claims, key=lambda c: _claim_sort_key(views[c.id], spans[c.id]))]

    def other_first(claims: list[Claim], direction: str) -> list[ClaimView]:
        def key(c: Claim) -> tuple[Any, ...]:
            v = views[c.id]
            other = v.object if direction == "outgoing" else v.subject
            label = other.label if isinstance(other, EntityRef) else other.value
            return (label.casefold(), sort_key(spans[c.id]), v.id)

        return [views[c.id] for c in sorted(claims, key=key)]

    def groups(by: dict[str, list[Claim]], direction: Literal["outgoing", "incoming"]) -> list[RelationGroup]:
        refs = sorted((predicate_ref(p) for p in by), key=lambda p: (p.label, p.iri))
        return [
            RelationGroup(direction=direction, predicate=p, claims=other_first(by[p.iri], direction))
            for p in refs
        ]

    own = dates.get(match.iri)
    card = ActorCard(
        id=short(match.iri),
        iri=match.iri,
        label=entity.label,
        type=entity.type,
        kind=kind,
        aliases=entity.aliases,
        description=entity.description,
        when=own.marked if own and kind == "event" else None,
        external_ids=[ExternalId(id=entity.wikidata, iri=WD + entity.wikidata)] if entity.wikidata else [],
        mentions=entity.mentions,
        outgoing=groups(outgoing, "outgoing"),
        incoming=groups(incoming, "incoming"),
        properties=[
            views[c.id]
            for c in sorted(
                properties, key=lambda c: (views[c.id].predicate.label, sort_key(spans[c.id]), views[c.id].id)
            )
        ],
        events=sorted(
            (
                Participation(
                    event=views[c.id].subject,
                    when=(d.marked if (d := dates.get(views[c.id].subject.iri)) else None),
                    claim=views[c.id],
                )
                for c in participations
            ),
            key=lambda p: (sort_key(spans[p.claim.id]), p.event.label),
        ),
        attributed=ordered(attributed),
    )
    if not exact:
        own_ids = {c.id for c in corpus.claims}
        card.through = [v for v in _rolled_up(backend, match.iri, labels) if v.id not in own_ids]
    if texts:
        quote_evidence(card.mentions, texts)
        for _, v in card.statements():
            quote_evidence(v.evidence, texts)
    return card


def _rolled_up(backend: Backend, root: str, labels: Labels) -> list[ClaimView]:
    """The claims about what rolls up to ``root`` (not about ``root`` itself), with ``via``."""
    (sc,) = scope(backend, [root])
    if not sc.links:
        return []
    found = fetch_claims(
        backend, values_block("about", nodes(sc.links)) + " ?claim a kg:Claim . " + patterns.ABOUT
    )
    labels.fetch(sc.iris)
    out = []
    for c, v in zip(found, labels.views(found), strict=True):
        node = _reached(c, sc)
        if node is not None and node != root:
            out.append((_with_via(v, node, sc, labels), when(c, labels.dates)))
    out.sort(key=lambda t: (via_text(t[0].via), _claim_sort_key(t[0], t[1])))
    return [v for v, _ in out]


# ---------------------------------------------------------------- claims


def claims(
    backend: Backend,
    *,
    id: str | Sequence[str] | None = None,
    about: str | Sequence[str] | None = None,
    between: Sequence[str] | None = None,
    predicate: str | Sequence[str] | None = None,
    source: str | Sequence[str] | None = None,
    attributed_to: str | Sequence[str] | None = None,
    modality: str | Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    source_texts: Sequence[str | Path] = (),
    exact: bool = False,
) -> list[CountedClaimView]:
    """Claims matching every filter given; a filter given several values accepts any of them.

    ``id``: the claim itself, by key, CURIE or IRI (:meth:`kgraph.resolve.Resolver.claims`).
    ``about``: the actor or event is the claim's subject or object — or, unless ``exact``, one
    of its parts, members or events is (:mod:`kgraph.rollup`; the row's ``via`` says how).
    ``between``: two actors or events, both named by the claim: one as its subject or object, the
    other as its object or subject, as who the source attributes it to, or as the event it is
    dated from (``kg:since``); either way round, rolled up like ``about`` unless ``exact``.
    ``attributed_to`` rolls up the same way over parts and members. ``since``/``until``: as
    :mod:`kgraph.dates` says. Every ``kg:Claim`` is listed, the curators' Wikidata links included.
    Each carries ``sources``: how many independent origins agree with it
    (:func:`kgraph.compare.agreeing_origins`).
    """
    r = Resolver(backend)
    window = r.dates(since, until)
    modalities = r.modalities(modality)
    texts = load_source_texts(backend, source_texts)

    parts = []
    if ids := as_list(id):
        parts.append(values_block("claim", r.claims(ids)))
    parts.append("?claim a kg:Claim .")
    about_scopes: list[Scope] = []
    if about_names := as_list(about):
        roots = [m.iri for m in r.actors(about_names)]
        about_scopes = scope(backend, roots) if not exact else [Scope(x) for x in roots]
        parts.append(
            values_block("about", nodes(x for sc in about_scopes for x in sc.iris)) + " " + patterns.ABOUT
        )
    pair = _pair(r, between, backend, exact)
    if pair:
        # Every claim between the two has one of them as its subject or object: fetch those,
        # then keep the ones that name the other too.
        parts.append(
            values_block("between", nodes({x for sc in pair for x in sc.iris}))
            + " "
            + patterns.ABOUT.replace("?about", "?between")
        )
    if preds := as_list(predicate):
        parts.append(
            values_block("pred", nodes(r.predicate(p).iri for p in preds)) + " ?claim rdf:predicate ?pred ."
        )
    if srcs := as_list(source):
        parts.append(
            values_block("src", nodes(r.source(s).iri for s in srcs)) + " ?claim prov:wasDerivedFrom ?src ."
        )
    who_scopes: list[Scope] = []
    if who := as_list(attributed_to):
        roots = [m.iri for m in r.actors(who)]
        who_scopes = scope(backend, roots, events=False) if not exact else [Scope(x) for x in roots]
        parts.append(
            values_block("att", nodes(x for sc in who_scopes for x in sc.iris))
            + " ?claim prov:wasAttributedTo ?att ."
        )
    if modalities:
        parts.append(values_block("mod", nodes(KG + m for m in modalities)) + " ?claim kg:modality ?mod .")
    found = fetch_claims(backend, "\n  ".join(parts))

    labels = Labels(backend)
    labels.fetch(x for sc in about_scopes + who_scopes for x in sc.iris)
    views = labels.views(found)
    spans = {c.id: when(c, labels.dates) for c in found}
    if window:
        keep = [
            (c, v)
            for c, v in zip(found, views, strict=True)
            if (s := spans[c.id]) is not None and s.passes(window)
        ]
    else:
        keep = list(zip(found, views, strict=True))
    if pair:
        linked = {c.id: ends for c, _ in keep if (ends := _between(c, *pair)) is not None}
        keep = [(c, v) for c, v in keep if c.id in linked]
        labels.fetch(x for sc in pair for x in sc.iris)
        for c, v in keep:
            for end, sc in zip(linked[c.id], pair, strict=True):
                if end != sc.root:
                    _with_via(v, end, sc, labels)
                    break
    for c, v in keep:
        if v.via:
            continue
        for sc in about_scopes:
            if (node := _reached(c, sc)) is not None:
                _with_via(v, node, sc, labels)
                break
        if not v.via:
            for sc in who_scopes:
                if (node := _reached(c, sc, attributed=True)) is not None:
                    _with_via(v, node, sc, labels)
                    break
    result = [v for c, v in sorted(keep, key=lambda cv: _claim_sort_key(cv[1], spans[cv[0].id]))]
    for v in result:
        quote_evidence(v.evidence, texts)
    from kgraph.compare import agreeing_origins

    # Only about and predicate filters keep every claim of a subject, relation and object
    # together; after any other, the claims agreeing with one may have been left out.
    complete = not (ids or srcs or who or modalities or window or pair)
    counts = agreeing_origins(backend, result, complete=complete, labels=labels)
    return [CountedClaimView.model_validate({**v.__dict__, "sources": counts[v.id]}) for v in result]


def _pair(r: Resolver, between: Sequence[str] | None, backend: Backend, exact: bool) -> list[Scope]:
    """The two scopes ``between`` names, or none when it is not given."""
    if between is None:
        return []
    names = as_list(between)
    if len(names) != 2:
        raise ParameterError("between", f"must name exactly two actors or events, not {len(names)}")
    a, b = r.actors(names)
    if a.iri == b.iri:
        raise ParameterError("between", f"must name two different actors or events; both are {a.label}")
    return scope(backend, [a.iri, b.iri]) if not exact else [Scope(a.iri), Scope(b.iri)]


def _between(c: Claim, a: Scope, b: Scope) -> tuple[str, str] | None:
    """The nodes of ``a`` and ``b`` (in that order) a claim joins, or None: they must sit in two
    of its roles, one of them its subject or object (the nearest nodes, the roots first)."""
    roles = [("subject", iri(c.subject))]
    if isinstance(c.object, str):
        roles.append(("object", iri(c.object)))
    roles += [("attributed", iri(x)) for x in c.attributed_to]
    if c.qualifiers.since:
        roles.append(("since", iri(c.qualifiers.since)))
    ends = ("subject", "object")
    pairs = [
        (x, y)
        for i, (role_x, x) in enumerate(roles)
        for j, (role_y, y) in enumerate(roles)
        if i != j and (role_x in ends or role_y in ends) and x in a.iris and y in b.iris
    ]
    if not pairs:
        return None
    return min(pairs, key=lambda xy: (_depth(a, xy[0]) + _depth(b, xy[1]), xy))


def resolve_claims(backend: Backend, ids: Sequence[str]) -> list[NamedNode]:
    """Claims by key, CURIE or IRI (:meth:`kgraph.resolve.Resolver.claims`)."""
    return Resolver(backend).claims(ids)


def resolve_predicate(backend: Backend, text: str) -> PredicateRef:
    return Resolver(backend).predicate(text)


def resolve_source(backend: Backend, text: str) -> SourceView:
    return Resolver(backend).source(text)


def known_actor_types(backend: Backend) -> list[str]:
    return Resolver(backend).known_actor_types


# ---------------------------------------------------------------- actors, sources, events, stats


def actors(backend: Backend, type: str | None = None) -> list[ActorSummary]:
    """Every actor, or those of one kg: class (``State``, ``kg:State``, "intelligence agency")."""
    pattern = "?entity a kg:Actor ."
    if type is not None:
        chosen = Resolver(backend).actor_type(type)
        pattern += " " + values_block("type", [NamedNode(chosen)]) + " ?entity a ?type ."
    triples = construct(backend, patterns.entities_query(pattern))
    triples += construct(backend, patterns.claims_query(patterns.EXTERNAL_ID))
    corpus = from_triples(triples)
    counts = _counts(backend, patterns.CLAIM_COUNTS, "e")
    out = [
        ActorSummary(
            id=a.id,
            iri=iri(a.id),
            label=a.label,
            type=a.type,
            aliases=a.aliases,
            description=a.description,
            wikidata=a.wikidata,
            claims=counts.get(iri(a.id), 0),
        )
        for a in corpus.actors
    ]
    return sorted(out, key=lambda a: (a.label.casefold(), a.id))


def _counts(backend: Backend, sparql: str, var: str) -> dict[str, int]:
    out = {}
    for row in select(backend, sparql).rows:
        if (k := value(row[var])) and (n := value(row["n"])):
            out[k] = int(n)
    return out


def sources(backend: Backend) -> list[SourceView]:
    """The source documents, with how many claims each gives (every ``kg:Claim``)."""
    counts = _counts(backend, patterns.SOURCE_COUNTS, "s")
    return [s.model_copy(update={"claims": counts.get(s.iri, 0)}) for s in source_info(backend)]


def events(
    backend: Backend,
    *,
    since: str | None = None,
    until: str | None = None,
    participant: str | Sequence[str] | None = None,
    exact: bool = False,
) -> list[EventView]:
    """The events as a timeline, oldest first, undated last; filters as in :func:`claims`.

    ``participant``: events the actor took part in — or, unless ``exact``, one of its parts or
    members did."""
    r = Resolver(backend)
    window = r.dates(since, until)
    roots = [m.iri for m in r.actors(participant)]
    wanted = {
        x
        for sc in (scope(backend, roots, events=False) if not exact else [Scope(x) for x in roots])
        for x in sc.iris
    }
    corpus = from_triples(
        construct(backend, patterns.entities_query("?entity a kg:Event ."))
        + construct(backend, patterns.claims_query(patterns.EVENT_FACTS))
    )
    dates = event_dates(corpus.claims)
    labels = Labels(backend)
    labels.add_entities(corpus.events)
    labels.fetch(labels.claim_iris(corpus.claims))
    roles: dict[tuple[str, str], list[EntityRef]] = defaultdict(list)
    for c in sorted(corpus.claims, key=lambda c: c.id or ""):
        if isinstance(c.object, str):
            ref = labels.ref(iri(c.object))
            bucket = roles[(iri(c.subject), iri(c.predicate, predicate=True))]
            if ref not in bucket:
                bucket.append(ref)
    out: list[tuple[tuple[Any, ...], EventView]] = []
    for e in corpus.events:
        e_iri = iri(e.id)
        d = dates.get(e_iri, Dates())
        span = d.span
        if window and (span is None or not span.passes(window)):
            continue
        participants = sorted(roles[(e_iri, KG + "participant")], key=lambda p: p.label.casefold())
        if wanted and not wanted & {p.iri for p in participants}:
            continue
        view = EventView(
            id=e.id,
            iri=e_iri,
            label=e.label,
            aliases=e.aliases,
            description=e.description,
            date=d.date,
            start=d.start,
            end=d.end,
            when=d.when,
            when_by_curators=bool(d.by_curators),
            by_curators=d.by_curators,
            participants=participants,
            locations=sorted(roles[(e_iri, SCHEMA + "location")], key=lambda p: p.label.casefold()),
        )
        out.append(((sort_key(span), e.label.casefold()), view))
    return [v for _, v in sorted(out, key=lambda kv: kv[0])]


def _count(backend: Backend, sparql: str) -> int:
    rows = select(backend, sparql).rows
    n = value(rows[0]["n"]) if rows else None
    return int(n) if n else 0


def _grouped(backend: Backend, sparql: str, name: Callable[[str], str] = short) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for row in select(backend, sparql).rows:
        key, n = value(row["k"]), value(row["n"])
        if key is not None and n is not None:
            counts[name(key)] += int(n)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def stats(backend: Backend) -> Stats:
    """How big the graph is and what it is made of."""
    actor_types: Counter[str] = Counter()
    types: dict[str, set[str]] = defaultdict(set)
    for row in select(backend, patterns.ACTOR_TYPES).rows:
        if (a := value(row["a"])) and (t := value(row["t"])):
            types[a].add(t)
    for ts in types.values():
        actor_types[type_name(ts) or "Actor"] += 1
    return Stats(
        triples=_count(backend, patterns.COUNT_TRIPLES),
        actors=len(types),
        events=_count(backend, patterns.COUNT_EVENTS),
        claims=_count(backend, patterns.COUNT_CLAIMS),
        sources=_count(backend, patterns.COUNT_SOURCES),
        external_ids=_count(backend, patterns.COUNT_EXTERNAL_IDS),
        actors_by_type=dict(sorted(actor_types.items(), key=lambda kv: (-kv[1], kv[0]))),
        claims_by_predicate=_grouped(backend, patterns.claims_grouped_by("rdf:predicate"), compact_iri),
        claims_by_modality=_grouped(
            backend,
            patterns.claims_grouped_by("kg:modality"),
            lambda i: i[len(KG) :] if i.startswith(KG) else compact_iri(i),
        ),
        claims_by_source=_grouped(
            backend,
            patterns.claims_grouped_by("prov:wasDerivedFrom"),
            lambda i: i[len(KGR + SOURCE_PREFIX) :] if i.startswith(KGR + SOURCE_PREFIX) else short(i),
        ),
    )


# ---------------------------------------------------------------- the network: paths and neighbours


@dataclass
class _Network:
    """A collected part of the network, with the full claims and labels of what is shown."""

    backend: Backend
    graph: nx.MultiDiGraph
    labels: Labels
    claims: dict[str, Claim] = field(default_factory=dict)

    def load(self, node_iris: Iterable[str], claim_iris: Iterable[str]) -> None:
        """Labels of ``node_iris`` and the claims ``claim_iris`` in full (with their labels)."""
        wanted = sorted(set(claim_iris) - self.claims.keys())
        if wanted:
            found = fetch_claims(self.backend, values_block("claim", nodes(wanted)))
            self.claims |= {c.id: c for c in found if c.id}
        self.labels.fetch(
            set(node_iris) | self.labels.claim_iris(self.claims[c] for c in wanted if c in self.claims)
        )
        self.labels.fetch_sources(self.claims[c].source for c in wanted if c in self.claims)

    def hop(self, a: str, b: str) -> Hop:
        from kgraph.projection import claims_between

        links: list[tuple[tuple[Any, ...], Link]] = []
        for key, direction in claims_between(self.graph, a, b):
            view = self.labels.view(self.claims[key])
            order = (view.predicate.label, direction, sort_key(when(self.claims[key], {})), view.id)
            links.append((order, Link(direction=direction, claim=view)))  # type: ignore[arg-type]
        ordered = [link for _, link in sorted(links, key=lambda x: x[0])]
        return Hop.model_validate({"from": self.labels.ref(a), "to": self.labels.ref(b), "links": ordered})


MAX_PATHS_CONSIDERED = 10_000
"""Shortest paths enumerated before sorting; beyond this the first ones found are kept."""
MAX_ALL_PATHS_CONSIDERED = 2_000
"""Simple paths (``all_paths``) enumerated, shortest first, before ranking; the rest are counted
as cut without being ranked."""

FIRMNESS = ("asserted", "reported", "analysis", "alleged", "curatorInferred")
"""Modalities from the firmest: a source's own statement, one it reports, the author's reading,
a hedged allegation, the curators' addition. Ranks the paths of ``path(all_paths=True)``."""


def path(
    backend: Backend, a: str, b: str, *, max_hops: int = 4, limit: int = 10, all_paths: bool = False
) -> PathResult:
    """The shortest connections between ``a`` and ``b``, following claims in either direction.

    Every hop lists the claims behind it with their direction; ``limit`` caps how many
    paths come back (``truncated`` tells when more exist, ``found`` how many).

    With ``all_paths``, every simple path (no actor twice) of at most ``max_hops`` hops, ranked:
    fewer hops first; then the firmer its weakest hop (a hop is as firm as its firmest claim,
    in the order of :data:`FIRMNESS`; a chain is as firm as its weakest link); then the more
    claims behind it; then by the labels along it.
    """
    from kgraph import walk

    positive(max_hops, "max_hops")
    positive(limit, "limit")
    r = Resolver(backend)
    start, goal = r.actor(a), r.actor(b)
    if start.iri == goal.iri:
        raise UsageError(f"{a!r} and {b!r} are the same {start.type}: {start.label}")
    result = PathResult.model_validate(
        {"from": _entity_ref(start), "to": _entity_ref(goal), "max_hops": max_hops, "all_paths": all_paths}
    )
    if all_paths:
        edges = walk.within(walk.edges_around(backend), start.iri, goal.iri, max_hops)
    else:
        edges = walk.meet(walk.edges_around(backend), start.iri, goal.iri, max_hops).edges
    if not edges:
        return result
    net = _Network(backend, walk.network(edges), Labels(backend))
    if all_paths:
        cap = MAX_ALL_PATHS_CONSIDERED
        found = walk.simple(net.graph, start.iri, goal.iri, max_hops, cap + 1)
    else:
        cap = MAX_PATHS_CONSIDERED
        found = walk.shortest(net.graph, start.iri, goal.iri, cap + 1)
    if not found or len(found[0]) - 1 > max_hops:
        return result
    net.load({n for ns in found for n in ns}, ())
    if all_paths:
        net.load((), (key for ns in found[:cap] for key in walk.claims_on(net.graph, ns)))
        ranked = sorted(found[:cap], key=lambda ns: _path_rank(net, ns))
    else:
        ranked = sorted(found, key=lambda ns: [net.labels.ref(n).label.casefold() for n in ns])
    shown = ranked[:limit]
    net.load((), (key for ns in shown for key in walk.claims_on(net.graph, ns)))
    result.length = len(found[0]) - 1
    result.found = min(len(found), cap)
    result.truncated = len(found) > limit
    result.paths = [
        GraphPath(
            nodes=[net.labels.ref(n) for n in ns],
            hops=[net.hop(u, v) for u, v in itertools.pairwise(ns)],
        )
        for ns in shown
    ]
    return result


def _path_rank(net: _Network, ns: list[str]) -> tuple[Any, ...]:
    from kgraph.projection import claims_between

    firmness = []
    claims = 0
    for u, v in itertools.pairwise(ns):
        keys = [key for key, _ in claims_between(net.graph, u, v)]
        claims += len(keys)
        firmness.append(min(FIRMNESS.index(net.claims[k].modality) for k in keys))
    labels = [net.labels.ref(n).label.casefold() for n in ns]
    return (len(ns), max(firmness), -claims, labels, ns)


def neighbors(backend: Backend, name: str, *, depth: int = 1, exact: bool = False) -> NeighborsResult:
    """Actors and events within ``depth`` hops, each with the claims that lead to it.

    Unless ``exact``, the walk starts from the actor and its parts and members together
    (:mod:`kgraph.rollup`; they are listed at distance 0 with the claims that make them parts).
    """
    from kgraph import walk
    from kgraph.projection import claims_between, distances, nearer

    positive(depth, "depth")
    center = Resolver(backend).actor(name)
    result = NeighborsResult(center=_entity_ref(center), depth=depth)
    starts = [center.iri]
    sc = None
    if not exact:
        (sc,) = scope(backend, [center.iri], events=False)
        starts += sc.parts()
    around = walk.reach(walk.edges_around(backend), starts, depth)
    if not around.edges:
        return result
    net = _Network(backend, walk.network(around.edges.values()), Labels(backend))
    reach = _distances(net.graph, starts, depth, distances)
    parents = {n: _parents(net.graph, n, reach, nearer, sc) for n in reach if n != center.iri}
    net.load(
        reach, (key for n, ps in parents.items() for p in ps for key, _ in claims_between(net.graph, p, n))
    )
    found = []
    for n, ps in parents.items():
        ordered = sorted(ps, key=lambda p: net.labels.ref(p).label.casefold())
        found.append(
            Neighbor(entity=net.labels.ref(n), distance=reach[n], hops=[net.hop(p, n) for p in ordered])
        )
    result.neighbors = sorted(found, key=lambda x: (x.distance, x.entity.label.casefold(), x.entity.iri))
    return result


def _distances(graph: nx.MultiDiGraph, starts: list[str], depth: int, distances: Any) -> dict[str, int]:
    reach: dict[str, int] = {}
    for s in starts:
        for n, d in distances(graph, s, depth).items():
            reach[n] = min(d, reach.get(n, d))
    return reach


def _parents(
    graph: nx.MultiDiGraph, node: str, reach: dict[str, int], nearer: Any, sc: Scope | None
) -> list[str]:
    if reach[node] == 0 and sc is not None and node in sc.links:
        return [sc.links[node].parent]  # a part: reached from its whole
    return list(nearer(graph, node, reach))


__all__ = [
    "ActorCard",
    "ActorSummary",
    "ClaimView",
    "EntityRef",
    "EventView",
    "ExternalId",
    "GraphPath",
    "Hop",
    "Link",
    "LiteralRef",
    "Neighbor",
    "NeighborsResult",
    "Participation",
    "PathResult",
    "PredicateRef",
    "RelationGroup",
    "SourceRef",
    "SourceView",
    "Stats",
    "Step",
    "actors",
    "claims",
    "events",
    "evidence_text",
    "known_actor_types",
    "neighbors",
    "parse_modality",
    "path",
    "quotes_text",
    "resolve_claims",
    "resolve_predicate",
    "resolve_source",
    "show",
    "sources",
    "stats",
]
