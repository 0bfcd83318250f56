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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict, Unpack

from pyoxigraph import Literal as RdfLiteral
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
from kgraph.namespaces import KG, KGR, SCHEMA, SKOS, WD, compact_iri
from kgraph.resolve import Resolver, as_list, parse_modality, positive
from kgraph.rollup import Scope, scope
from kgraph.sources import load_source_texts, quote_evidence
from kgraph.store import Backend, Term, values_block
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


SHOW_WHOLE = 250
"""A card of at most this many claims (those through its parts and events included) is shown whole."""
SHOW_LIMIT = 10
"""Claims of each relation, and of each other section, that a bigger card shows unless told."""

ShowLimit = int | Literal["auto"] | None
"""``show``'s ``limit``: claims per relation and section, ``None`` for all, ``"auto"`` for all on a
card of at most :data:`SHOW_WHOLE` claims and :data:`SHOW_LIMIT` on a bigger one."""


def _show_limit(limit: ShowLimit) -> ShowLimit:
    if limit is None or limit == "auto":
        return limit
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ParameterError("limit", f"must be a whole number, None or 'auto', not {limit!r}")
    return positive(limit, "limit")


@dataclass
class _Pick:
    """The first claims of one section or relation group, while the others are only counted:
    never more than about twice ``limit`` held."""

    limit: int | None
    total: int = 0
    kept: list[tuple[tuple[Any, ...], str]] = field(default_factory=list)

    def add(self, key: tuple[Any, ...], claim: str) -> None:
        self.total += 1
        self.kept.append((key, claim))
        if self.limit is not None and len(self.kept) >= 2 * self.limit + 16:
            self.trim(self.limit)

    def trim(self, limit: int | None) -> None:
        self.kept.sort(key=lambda kc: kc[0])
        if limit is not None:
            del self.kept[limit:]

    @property
    def ids(self) -> list[str]:
        return [c for _, c in self.kept]


@dataclass(frozen=True)
class _Skeleton:
    """What a card needs of a claim to place, sort and count it (:data:`patterns.CARD_ROWS`)."""

    claim: str
    s: str
    p: str
    o: str | None
    literal: str | None
    s_label: str
    o_label: str
    s_event: bool
    att: bool
    span: Span | None


def _event_dates(backend: Backend, events: Sequence[str], into: dict[str, Dates]) -> None:
    """The dates of ``events`` into ``into``, as :class:`Labels` reads them (rows, not whole
    claims: only the values are needed to sort), in batches (:data:`ABOUT_BATCH`)."""
    from kgraph.dates import DATE_PROPERTIES

    into.update((e, Dates()) for e in events)
    wanted = nodes(events)
    for start in range(0, len(wanted), ABOUT_BATCH):
        block = values_block("e", wanted[start : start + ABOUT_BATCH])
        for row in select(backend, patterns.fill(patterns.EVENT_DATE_ROWS, block)).rows:
            e, p, d = value(row["e"]), value(row["p"]), row["date"]
            kind = DATE_PROPERTIES.get(compact_iri(p)) if p else None
            if e and kind and isinstance(d, RdfLiteral):
                curators = (value(row["modality"]) or "").endswith("curatorInferred")
                into[e].add(kind, d.value, by_curators=curators)


def _skeletons(backend: Backend, values: str, pattern: str, events: dict[str, Dates]) -> Iterator[_Skeleton]:
    """The claims ``pattern`` binds, one light row each, as the store sends them; ``events``
    caches the dates of the events at their ends (a claim's span may rest on them): a claim
    waiting for an event not yet read comes after the others, once its dates are in."""
    from kgraph.dates import DATE_PROPERTIES, claim_span, span

    waiting: list[tuple[dict[str, Term | None], list[str]]] = []

    def skeleton(row: dict[str, Term | None], ends: list[str]) -> _Skeleton | None:
        c, s_, p = value(row["claim"]), value(row["s"]), value(row["p"])
        o = row["o"]
        if not (c and s_ and p and o is not None):
            return None
        o_iri = o.value if isinstance(o, NamedNode) else None
        literal = o.value if isinstance(o, RdfLiteral) else None
        own = span(*(value(row[k]) for k in ("date", "start", "end")))
        stated = literal if literal is not None and compact_iri(p) in DATE_PROPERTIES else None
        return _Skeleton(
            claim=c,
            s=s_,
            p=p,
            o=o_iri,
            literal=literal,
            s_label=value(row["sLabel"]) or short(s_),
            o_label=value(row["oLabel"]) or (short(o_iri) if o_iri else literal or ""),
            s_event=_true(row["sEvent"]),
            att=_true(row["att"]),
            span=claim_span(own, stated, (events[x].span for x in ends)),
        )

    stream = backend.select_stream(patterns.fill(patterns.CARD_ROWS, values, pattern=pattern))
    try:
        for row in stream:
            ends = [value(row[x]) or "" for x, flag in (("s", "sEvent"), ("o", "oEvent")) if _true(row[flag])]
            if any(e not in events for e in ends):
                waiting.append((row, ends))
            elif (k := skeleton(row, ends)) is not None:
                yield k
    finally:
        stream.close()
    _event_dates(backend, sorted({e for _, ends in waiting for e in ends if e not in events}), events)
    for row, ends in waiting:
        if (k := skeleton(row, ends)) is not None:
            yield k


def _true(term: Term | None) -> bool:
    # Virtuoso answers a boolean BIND with 1 or 0, not true or false.
    return term is not None and term.value in ("true", "1")


def _statement_key(k: _Skeleton, p_label: str) -> tuple[Any, ...]:
    """:func:`_claim_sort_key` of a skeleton."""
    return (k.s_label.casefold(), p_label, k.o_label.casefold(), sort_key(k.span), k.claim)


def show(
    backend: Backend,
    name: str,
    *,
    source_texts: Sequence[str | Path] = (),
    exact: bool = False,
    limit: ShowLimit = "auto",
) -> ActorCard:
    """The card of the actor or event ``name`` resolves to.

    Claims about its parts, members and the events it took part in are in ``through``, each
    with how it was reached, unless ``exact``. ``limit``: the claims each relation group and
    each other section shows at most, the first in card order (``None``: all; ``"auto"``: all
    on a card of at most :data:`SHOW_WHOLE` claims, else :data:`SHOW_LIMIT`); the card's totals
    count them all. Claims are placed, sorted and counted from one light row each, and only
    those shown are read in full.
    """
    chosen = _show_limit(limit)
    texts = load_source_texts(backend, source_texts)
    match = Resolver(backend).actor(name)
    root = match.iri
    focus = values_block("focus", [NamedNode(root)])
    entity_triples = construct(backend, patterns.entities_query(f"{focus} BIND(?focus AS ?entity)"))
    labels = Labels(backend)
    labels.fetch([root])
    kind: Literal["actor", "event"] = "event" if KG + "Event" in labels.types.get(root, ()) else "actor"
    cap: int | None = SHOW_WHOLE if chosen == "auto" else chosen
    picks: dict[tuple[str, ...], _Pick] = defaultdict(lambda: _Pick(cap))
    external = _Pick(None)
    p_labels: dict[str, str] = {}

    def p_label(p: str) -> str:
        if p not in p_labels:
            p_labels[p] = predicate_ref(p).label
        return p_labels[p]

    events: dict[str, Dates] = {}
    for k in _skeletons(backend, focus, patterns.claims_about(focus), events):
        subject, obj = k.s == root, k.o == root
        span_key = sort_key(k.span)
        if subject and k.p == SKOS + "exactMatch" and k.o and k.o.startswith(WD):
            external.add((), k.claim)  # the entity's Wikidata id (from_triples folds it)
        elif subject and k.o is None:
            picks[("property",)].add((p_label(k.p), span_key, k.claim), k.claim)
        elif subject:
            picks[("outgoing", k.p)].add((k.o_label.casefold(), span_key, k.claim), k.claim)
        if obj and kind == "actor" and k.p == KG + "participant" and k.s_event:
            picks[("event",)].add((span_key, k.s_label, k.claim), k.claim)
        elif obj:
            picks[("incoming", k.p)].add((k.s_label.casefold(), span_key, k.claim), k.claim)
        if k.att:
            picks[("attributed",)].add(_statement_key(k, p_label(k.p)), k.claim)

    sc: Scope | None = None
    names = Labels(backend)
    if not exact:
        (sc,) = scope(backend, [root])
        if sc.links:
            # Names only, to order by how each claim was reached; the page's own are read later.
            names.labels |= _names(backend, sc.iris)
            vias: dict[str, str] = {}
            for first, about in _about_batches(nodes(sc.links)):
                for k in _skeletons(backend, focus, about, events):
                    if k.s == root or k.o == root or k.att:
                        continue  # on the card already
                    if first(k.s, k.o):
                        picks[("through",)].add(_through_key(k, sc, names, vias, p_label(k.p)), k.claim)

    total = sum(p.total for p in picks.values())

    final = (None if total <= SHOW_WHOLE else SHOW_LIMIT) if chosen == "auto" else chosen
    for pick in picks.values():
        pick.trim(final)
    page = {c for pick in [*picks.values(), external] for c in pick.ids}
    triples = list(entity_triples)
    if page:
        triples += construct(backend, patterns.claims_query(values_block("claim", nodes(page))))
    corpus = from_triples(triples)
    entity = next((e for e in corpus.actors + corpus.events if iri(e.id) == root), None)
    if entity is None:
        raise NotFoundError(f"{name!r} is {match.curie}, which is not an actor or event")
    kind = "event" if entity in corpus.events else "actor"
    views = {c.id: v for c, v in zip(corpus.claims, labels.views(corpus.claims), strict=True)}
    for c in external.ids:  # a Wikidata link the curators did not key as one stays a relation
        if (v := views.get(c)) is not None:
            picks[("outgoing", v.predicate.iri)].add(("", c), c)
    dates = labels.dates

    def shown(key: tuple[str, ...]) -> list[ClaimView]:
        return [views[c] for c in picks[key].ids if c in views] if key in picks else []

    def groups(direction: Literal["outgoing", "incoming"]) -> list[RelationGroup]:
        refs = sorted(
            (predicate_ref(k[1]) for k in picks if k[0] == direction), key=lambda p: (p.label, p.iri)
        )
        return [
            RelationGroup(
                direction=direction,
                predicate=p,
                claims=shown((direction, p.iri)),
                total=picks[(direction, p.iri)].total,
            )
            for p in refs
        ]

    def total_of(key: tuple[str, ...]) -> int:
        return picks[key].total if key in picks else 0

    through = shown(("through",))
    if sc is not None and through:
        chains = {
            st.node.iri for v in through for st in sc.via(_reached_node(sc, _ends(v)) or sc.root, names)
        }
        labels.fetch(chains)
        for v in through:
            _with_via(v, _reached_node(sc, _ends(v)), sc, labels)
    own = dates.get(root)
    card = ActorCard(
        id=short(root),
        iri=root,
        label=entity.label,
        type=entity.type,
        kind=kind,
        aliases=entity.aliases,
        description=entity.description,
        when=own.marked if own and kind == "event" else None,
        external_ids=[ExternalId(id=entity.wikidata, iri=WD + entity.wikidata)] if entity.wikidata else [],
        mentions=entity.mentions,
        outgoing=groups("outgoing"),
        incoming=groups("incoming"),
        properties=shown(("property",)),
        events=[
            Participation(
                event=v.subject,
                when=(d.marked if (d := dates.get(v.subject.iri)) else None),
                claim=v,
            )
            for v in shown(("event",))
        ],
        attributed=shown(("attributed",)),
        through=through,
        limit=final,
        total=total,
        truncated=any(len(p.kept) < p.total for p in picks.values()),
        properties_total=total_of(("property",)),
        events_total=total_of(("event",)),
        attributed_total=total_of(("attributed",)),
        through_total=total_of(("through",)),
    )
    if texts:
        quote_evidence(card.mentions, texts)
        for _, v in card.statements():
            quote_evidence(v.evidence, texts)
    return card


ABOUT_BATCH = 200
"""Nodes bound in one query about many (a roll-up's parts and events): Oxigraph joins a long
VALUES block with a UNION slowly (2,000 parts took 15 s in one query, 0.5 s in ten)."""


def _about_batches(about: Sequence[NamedNode]) -> Iterator[tuple[Callable[[str, str | None], bool], str]]:
    """Claim patterns binding ``?about`` to successive batches of ``about``, each with a test
    that is true for a claim's ends only in the first batch that finds the claim, so that a
    claim about two of the nodes is counted once without remembering every claim seen."""
    position = {n.value: i for i, n in enumerate(about)}
    for start in range(0, len(about), ABOUT_BATCH):
        block = values_block("about", about[start : start + ABOUT_BATCH])

        def first(s: str, o: str | None, start: int = start) -> bool:
            return min(position[x] for x in (s, o) if x is not None and x in position) >= start

        yield first, f"{block} {patterns.ABOUT} ?claim a kg:Claim ."


def _through_key(
    k: _Skeleton, sc: Scope, labels: Labels, vias: dict[str, str], p_label: str
) -> tuple[Any, ...]:
    node = _reached_node(sc, [k.s] + ([k.o] if k.o else []))
    if node is None:
        return ("", *_statement_key(k, p_label))
    if node not in vias:
        vias[node] = via_text(sc.via(node, labels))
    return (vias[node], *_statement_key(k, p_label))


def _ends(v: ClaimView) -> list[str]:
    return [v.subject.iri] + ([v.object.iri] if isinstance(v.object, EntityRef) else [])


def _names(backend: Backend, iris: Iterable[str]) -> dict[str, str]:
    """Each resource's label (the least, as :class:`Labels` picks it), else its short name."""
    wanted = nodes(iris)
    found: dict[str, str] = {}
    for start in range(0, len(wanted), ABOUT_BATCH):
        block = values_block("s", wanted[start : start + ABOUT_BATCH])
        for row in select(backend, patterns.fill(patterns.LABELS, block)).rows:
            s_, label = value(row["s"]), row["label"]
            if s_ and isinstance(label, RdfLiteral) and (s_ not in found or label.value < found[s_]):
                found[s_] = label.value
    return {n.value: found.get(n.value, short(n.value)) for n in wanted}


def _reached_node(sc: Scope, about: Sequence[str]) -> str | None:
    """The node of ``sc`` a claim with these ends is about (the root first), or None."""
    if sc.root in about:
        return sc.root
    hits = [a for a in about if a in sc.links]
    return min(hits, key=lambda a: (_depth(sc, a), a)) if hits else None


# ---------------------------------------------------------------- claims


CLAIMS_PAGE = 500
"""Claims read in full at a time by :func:`claim_pages`; the others wait as one small row each."""


class ClaimFilters(TypedDict, total=False):
    """The filters and paging :func:`claims` and :func:`claim_pages` take besides ``about``
    (and :meth:`kgraph.KGraph.claims` passes on), declared once."""

    id: str | Sequence[str] | None
    between: Sequence[str] | None
    predicate: str | Sequence[str] | None
    source: str | Sequence[str] | None
    attributed_to: str | Sequence[str] | None
    modality: str | Sequence[str] | None
    since: str | None
    until: str | None
    source_texts: Sequence[str | Path]
    exact: bool
    limit: int | None
    offset: int


@dataclass
class ClaimPages:
    """The claims of one :func:`claim_pages` call: ``total`` match, and the pages (lists of at
    most :data:`CLAIMS_PAGE`) from ``offset`` on, up to ``limit`` claims, read as iterated."""

    total: int
    offset: int
    limit: int | None
    pages: Iterator[list[CountedClaimView]]

    def __iter__(self) -> Iterator[list[CountedClaimView]]:
        return self.pages


def claims(
    backend: Backend,
    *,
    about: str | Sequence[str] | None = None,
    **filters: Unpack[ClaimFilters],
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
    (:func:`kgraph.compare.agreeing_origins`). ``offset``/``limit``: skip that many, then at most
    that many (None: all), in the stable order of the list; :func:`claim_pages` gives them a page
    at a time with the count of all.
    """
    pages = claim_pages(backend, about=about, **filters)
    return [v for page in pages for v in page]


def claim_pages(
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
    limit: int | None = None,
    offset: int = 0,
) -> ClaimPages:
    """:func:`claims` a page at a time: the matches are found, filtered and sorted from one light
    row each (:data:`patterns.CARD_ROWS`), and only the claims of the page being read are held in
    full (:data:`CLAIMS_PAGE` at a time)."""
    if limit is not None:
        positive(_whole_number(limit, "limit"), "limit")
    if _whole_number(offset, "offset") < 0:
        raise ParameterError("offset", f"must be at least 0, not {offset}")
    r = Resolver(backend)
    window = r.dates(since, until)
    modalities = r.modalities(modality)
    texts = load_source_texts(backend, source_texts)
    ids = as_list(id)
    if ids or between is not None:
        # A few claims by id, or those linking two actors: small answers, read whole.
        found = _whole_claims(
            backend,
            r,
            ids,
            about,
            between,
            predicate,
            source,
            attributed_to,
            modalities,
            window,
            texts,
            exact,
        )
        total = len(found)
        chosen = found[offset : None if limit is None else offset + limit]
        counts = agreeing_origins_of(backend, chosen, complete=False)
        page = [CountedClaimView.model_validate({**v.__dict__, "sources": counts[v.id]}) for v in chosen]
        return ClaimPages(total, offset, limit, iter([page] if page else []))

    parts = ["?claim a kg:Claim ."]
    about_scopes: list[Scope] = []
    if about_names := as_list(about):
        roots = [m.iri for m in r.actors(about_names)]
        about_scopes = scope(backend, roots) if not exact else [Scope(x) for x in roots]
    filters, who_scopes = _filter_patterns(backend, r, predicate, source, attributed_to, modalities, exact)
    parts += filters

    p_labels: dict[str, str] = {}
    index: list[tuple[tuple[Any, ...], str, tuple[str, ...]]] = []
    events: dict[str, Dates] = {}
    if about_scopes:
        batches: Iterable[tuple[Callable[[str, str | None], bool] | None, str]] = _about_batches(
            nodes(x for sc in about_scopes for x in sc.iris)
        )
    else:
        batches = [(None, "")]
    for first, about_part in batches:
        # The batch's pattern already says ?claim is a kg:Claim; twice costs Oxigraph a join.
        pattern = "\n  ".join([about_part, *parts[1:]] if about_part else parts)
        for k in _skeletons(backend, "", pattern, events):
            if window and (k.span is None or not k.span.passes(window)):
                continue
            if first is not None and not first(k.s, k.o):
                continue
            if k.p not in p_labels:
                p_labels[k.p] = predicate_ref(k.p).label
            spo = (k.s, k.p, k.o or "", k.literal or "")
            index.append((_statement_key(k, p_labels[k.p]), k.claim, spo))
    index.sort(key=lambda kc: kc[0])
    end = len(index) if limit is None else min(offset + limit, len(index))
    # Only about and predicate filters keep every claim of a subject, relation and object
    # together (and, sorted by them, next to each other); after any other filter, the claims
    # agreeing with one may have been left out, and are read to count.
    together = not (as_list(source) or as_list(attributed_to) or modalities or window)

    def companions(start: int, stop: int) -> list[str]:
        """The claims outside index[start:stop] stating what its first or last claim states."""
        out = []
        lo, hi = start - 1, stop
        while lo >= 0 and index[lo][2] == index[start][2]:
            out.append(index[lo][1])
            lo -= 1
        while hi < len(index) and index[hi][2] == index[stop - 1][2]:
            out.append(index[hi][1])
            hi += 1
        return out

    def pages() -> Iterator[list[CountedClaimView]]:
        labels = Labels(backend)
        labels.fetch(sc.root for sc in about_scopes + who_scopes)
        for start in range(offset, end, CLAIMS_PAGE):
            stop = min(start + CLAIMS_PAGE, end)
            wanted = [c for _, c, _ in index[start:stop]]
            extra = companions(start, stop) if together else []
            by_id = {c.id: c for c in fetch_claims(backend, values_block("claim", nodes(wanted + extra)))}
            found = [by_id[c] for c in wanted if c in by_id]
            # The labels of the parts and events on the page's chains only, not of a whole scope.
            labels.fetch(_chain_nodes(found, about_scopes, who_scopes))
            views = labels.views(found)
            for c, v in zip(found, views, strict=True):
                _via_of(c, v, about_scopes, who_scopes, labels)
                quote_evidence(v.evidence, texts)
            if together:
                others = labels.views([by_id[c] for c in extra if c in by_id])
                counts = agreeing_origins_of(backend, [*views, *others], complete=True, labels=labels)
            else:
                counts = agreeing_origins_of(backend, views, complete=False, labels=labels)
            yield [CountedClaimView.model_validate({**v.__dict__, "sources": counts[v.id]}) for v in views]

    return ClaimPages(len(index), offset, limit, pages())


def _chain_nodes(found: Iterable[Claim], about_scopes: list[Scope], who_scopes: list[Scope]) -> set[str]:
    out: set[str] = set()
    for c in found:
        for scopes, attributed in ((about_scopes, False), (who_scopes, True)):
            for sc in scopes:
                node = _reached(c, sc, attributed)
                while node is not None and node in sc.links and node not in out:
                    out.add(node)
                    node = sc.links[node].parent
    return out


def _via_of(
    c: Claim, v: ClaimView, about_scopes: list[Scope], who_scopes: list[Scope], labels: Labels
) -> None:
    for sc in about_scopes:
        if (node := _reached(c, sc)) is not None:
            _with_via(v, node, sc, labels)
            return
    for sc in who_scopes:
        if (node := _reached(c, sc, attributed=True)) is not None:
            _with_via(v, node, sc, labels)
            return


def agreeing_origins_of(
    backend: Backend, views: Sequence[ClaimView], *, complete: bool, labels: Labels | None = None
) -> dict[str, int]:
    """:func:`kgraph.compare.agreeing_origins` of ``views``; when they are not ``complete``, the
    other claims of their subjects, relations and objects are read: those of the same subject
    and relation only (a hub's claims on any relation would be thousands)."""
    from kgraph.compare import agreeing_origins, spo_key

    if complete or not views:
        return agreeing_origins(backend, views, complete=True, labels=labels)
    labels = labels if labels is not None else Labels(backend)
    mine = {v.id for v in views}
    wanted = {spo_key(v) for v in views}
    pattern = (
        values_block("subj", nodes(v.subject.iri for v in views))
        + " "
        + values_block("pred", nodes(v.predicate.iri for v in views))
        + " ?claim rdf:subject ?subj ; rdf:predicate ?pred ; a kg:Claim ."
    )
    others = [c for c in fetch_claims(backend, pattern) if c.id not in mine]
    among = [v for v in labels.views(others) if spo_key(v) in wanted]
    counts = agreeing_origins(backend, [*views, *among], complete=True, labels=labels)
    return {v.id: counts[v.id] for v in views}


def _filter_patterns(
    backend: Backend,
    r: Resolver,
    predicate: str | Sequence[str] | None,
    source: str | Sequence[str] | None,
    attributed_to: str | Sequence[str] | None,
    modalities: Sequence[str],
    exact: bool,
) -> tuple[list[str], list[Scope]]:
    """The claim patterns of the relation, source, reporter and modality filters, and the
    reporters' scopes (their parts and members, unless ``exact``)."""
    parts: list[str] = []
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
    return parts, who_scopes


def _whole_claims(
    backend: Backend,
    r: Resolver,
    ids: list[str],
    about: str | Sequence[str] | None,
    between: Sequence[str] | None,
    predicate: str | Sequence[str] | None,
    source: str | Sequence[str] | None,
    attributed_to: str | Sequence[str] | None,
    modalities: Sequence[str],
    window: Span | None,
    texts: Any,
    exact: bool,
) -> list[ClaimView]:
    """The claims of an ``id`` or ``between`` filter (and any others), sorted, read whole."""
    parts = []
    if ids:
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
    filters, who_scopes = _filter_patterns(backend, r, predicate, source, attributed_to, modalities, exact)
    parts += filters
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
    return result


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


NEIGHBORS_BUDGET = 500
"""Actors and events ``neighbors`` collects at most unless told otherwise: past it the walk stops
expanding and says how many it left out."""


def neighbors(
    backend: Backend, name: str, *, depth: int = 1, exact: bool = False, budget: int | None = NEIGHBORS_BUDGET
) -> NeighborsResult:
    """Actors and events within ``depth`` hops, each with the claims that lead to it.

    Unless ``exact``, the walk starts from the actor and its parts and members together
    (:mod:`kgraph.rollup`; they are listed at distance 0 with the claims that make them parts).
    ``budget``: the most nodes the walk holds (None: no limit); a hop that would take it past
    keeps the nodes most claims join to those already held, and ``cut`` counts the others.
    """
    from kgraph import walk
    from kgraph.projection import claims_between, nearer

    positive(_whole_number(depth, "depth"), "depth")
    if budget is not None:
        positive(_whole_number(budget, "budget"), "budget")
    center = Resolver(backend).actor(name)
    result = NeighborsResult(center=_entity_ref(center), depth=depth, budget=budget)
    starts = [center.iri]
    sc = None
    if not exact:
        (sc,) = scope(backend, [center.iri], events=False)
        starts += sc.parts()
    around = walk.reach(walk.edges_around(backend), starts, depth, budget)
    result.cut = around.cut
    result.truncated = around.cut > 0
    if not around.edges:
        return result
    net = _Network(backend, walk.network(around.edges.values()), Labels(backend))
    # The walk is a breadth-first search from all the starts at once: its distances are the
    # network's (one networkx search per start cost a second for a hub's hundreds of parts).
    reach = {n: d for n, d in around.distance.items() if n in net.graph}
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


def _whole_number(value_: object, parameter: str) -> int:
    if isinstance(value_, bool) or not isinstance(value_, int):
        raise ParameterError(parameter, f"must be a whole number, not {value_!r}")
    return value_


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
