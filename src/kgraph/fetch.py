"""Reading the graph for the look-ups: claims in full, labels, event dates, source records.

Everything is fetched with the queries of :mod:`kgraph.patterns` through ``backend.query()``,
so it works alike on the bundled graph, files, an on-disk store and a remote endpoint; the
results come back as the dataset models of :mod:`kgraph.models` and the views of
:mod:`kgraph.views`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pyoxigraph import Literal as RdfLiteral
from pyoxigraph import NamedNode, Triple

from kgraph import patterns
from kgraph.dates import DATE_PROPERTIES, Dates, Span, claim_span, span
from kgraph.mapping import SOURCE_KIND_BY_IRI, SOURCE_PREFIX, SOURCE_RECORD, from_triples
from kgraph.models import Claim, Entity, LiteralValue
from kgraph.namespaces import DCT, KG, KGR, RDF, SCHEMA, SKOS, compact_iri, expand_curie
from kgraph.present import qualifier_summary, relation_label
from kgraph.store import Backend, SelectResult, Term, values_block
from kgraph.views import ClaimView, EntityRef, LiteralRef, PredicateRef, SourceRef, SourceView

PARTICIPANT = KG + "participant"


def select(backend: Backend, sparql: str, timeout: float | None = None) -> SelectResult:
    result = backend.query(sparql, None, timeout) if timeout is not None else backend.query(sparql)
    if not isinstance(result, SelectResult):
        raise TypeError("expected SELECT results")
    return result


def construct(backend: Backend, sparql: str, timeout: float | None = None) -> list[Triple]:
    result = backend.query(sparql, None, timeout) if timeout is not None else backend.query(sparql)
    if not isinstance(result, list):
        raise TypeError("expected CONSTRUCT results")
    return result


def value(term: Term | None) -> str | None:
    return None if term is None else term.value


def nodes(iris: Iterable[str]) -> list[NamedNode]:
    """Sorted terms for ``iris`` (a VALUES block's content), invalid IRIs left out."""
    out = []
    for i in sorted(set(iris)):
        try:
            out.append(NamedNode(i))
        except ValueError:
            continue
    return out


def iri(ref: str, *, predicate: bool = False) -> str:
    """Reverse of mapping's short references: slug -> kgr: IRI, CURIE -> IRI, bare term -> kg:."""
    if ref.startswith(("http://", "https://", "urn:")):
        return ref
    if ":" in ref:
        return expand_curie(ref) or ref
    return (KG if predicate else KGR) + ref


def short(iri_: str) -> str:
    return iri_[len(KGR) :] if iri_.startswith(KGR) else compact_iri(iri_)


def type_name(types: Iterable[str]) -> str | None:
    """The most specific kg: class among ``types``, as a local name."""
    ours = sorted(t[len(KG) :] for t in types if t.startswith(KG))
    specific = [t for t in ours if t != "Actor"]
    return (specific or ours)[0] if ours else None


def predicate_ref(iri_: str) -> PredicateRef:
    curie = compact_iri(iri_)
    return PredicateRef(id=curie, label=relation_label(curie), iri=iri_)


# ---------------------------------------------------------------- claims


def fetch_claims(backend: Backend, pattern: str) -> list[Claim]:
    """The claims ``pattern`` binds to ``?claim``, read in full.

    ``supports``/``contradicts`` name the linked claims by key, as the curators wrote them,
    whether or not the linked claims are among those fetched (their keys are looked up).
    """
    triples = construct(backend, patterns.claims_query(pattern))
    # A claim list shows the curators' Wikidata links as the claims they are.
    found = from_triples(triples, fold_external_ids=False).claims
    fetched = {c.id for c in found}
    links = (NamedNode(KG + "supports"), NamedNode(KG + "contradicts"))
    linked = sorted(
        {t.object.value for t in triples if t.predicate in links and isinstance(t.object, NamedNode)}
        - fetched
    )
    if not linked:
        return found
    rows = select(backend, patterns.fill(patterns.CLAIM_KEYS, values_block("c", nodes(linked)))).rows
    key_of: dict[str, str] = {}
    for row in rows:
        if (c := value(row["c"])) and (key := value(row["key"])):
            key_of[c] = key_of[_short_ref(c)] = key
    if not key_of:
        return found
    return [
        c.model_copy(
            update={
                "supports": sorted(key_of.get(x, x) for x in c.supports),
                "contradicts": sorted(key_of.get(x, x) for x in c.contradicts),
            }
        )
        for c in found
    ]


def _short_ref(iri_: str) -> str:
    """How :func:`kgraph.mapping.from_triples` names a claim it has not read: its local name for
    one of ours, else its IRI."""
    return iri_[len(KGR) :] if iri_.startswith(KGR) else iri_


# ---------------------------------------------------------------- dates


def event_dates(claims: Iterable[Claim]) -> dict[str, Dates]:
    """Event IRI -> its dates, from date claims on it (dcterms:date, schema:startDate/endDate)."""
    out: dict[str, Dates] = defaultdict(Dates)
    for c in claims:
        kind = DATE_PROPERTIES.get(compact_iri(iri(c.predicate, predicate=True)))
        if kind and isinstance(c.object, LiteralValue):
            out[iri(c.subject)].add(kind, c.object.value, by_curators=c.modality == "curatorInferred")
    return out


def fetch_event_dates(backend: Backend, iris: Iterable[str]) -> dict[str, Dates]:
    found = nodes(iris)
    if not found:
        return {}
    return event_dates(fetch_claims(backend, patterns.event_date_claims(values_block("event", found))))


def when(claim: Claim, events: Mapping[str, Dates]) -> Span | None:
    """When ``claim`` holds (:func:`kgraph.dates.claim_span`)."""
    q, obj = claim.qualifiers, claim.object
    dating = compact_iri(iri(claim.predicate, predicate=True)) in DATE_PROPERTIES
    stated = obj.value if dating and isinstance(obj, LiteralValue) else None
    ends = (events.get(iri(ref)) for ref in (claim.subject, claim.object) if isinstance(ref, str))
    return claim_span(span(q.point_in_time, q.start, q.end), stated, (d.span for d in ends if d))


# ---------------------------------------------------------------- sources


def source_iri(ref: str) -> str:
    """A claim's ``source`` (a slug, CURIE or IRI, as :mod:`kgraph.mapping` reads it) -> IRI."""
    if ref.startswith(("http://", "https://", "urn:")):
        return ref
    if ":" in ref:
        return expand_curie(ref) or ref
    return KGR + SOURCE_PREFIX + ref


_SOURCE_FIELDS = {
    SKOS + "notation": "id",
    DCT + "title": "title",
    DCT + "description": "description",
    SCHEMA + "sha256": "sha256",
    KG + "textLength": "length",
    DCT + "language": "language",
    DCT + "identifier": "file_name",
    KG + "curatorTitle": "title_by_curators",
} | {prop: name for name, (prop, _) in SOURCE_RECORD.items()}
_RECORD_BY_IRI = {prop: name for name, (prop, _) in SOURCE_RECORD.items()}


def source_info(backend: Backend, iris: Sequence[str] | None = None) -> list[SourceView]:
    """The source documents (those of ``iris`` only, when given), without claim counts."""
    restrict = ""
    if iris is not None:
        found = nodes(iris)
        if not found:
            return []
        restrict = values_block("s", found)
    props: dict[str, dict[str, str]] = defaultdict(dict)
    not_stated: dict[str, set[str]] = defaultdict(set)
    for row in select(backend, patterns.fill(patterns.SOURCE_INFO, restrict)).rows:
        s, p, o = value(row["s"]), value(row["p"]), row["o"]
        if s is None or p is None or o is None:
            continue
        props.setdefault(s, {})
        if p == RDF + "type" and o.value in SOURCE_KIND_BY_IRI:
            props[s]["kind"] = SOURCE_KIND_BY_IRI[o.value]
        elif p == KG + "notStated" and o.value in _RECORD_BY_IRI:
            not_stated[s].add(_RECORD_BY_IRI[o.value])
        elif (name := _SOURCE_FIELDS.get(p)) and name not in props[s]:
            props[s][name] = o.value
    out = []
    for s, data in props.items():
        default_id = s[len(KGR + SOURCE_PREFIX) :] if s.startswith(KGR + SOURCE_PREFIX) else short(s)
        length = data.pop("length", None)
        out.append(
            SourceView.model_validate(
                data
                | {
                    "id": data.get("id") or default_id,
                    "iri": s,
                    "title": data.get("title") or default_id,
                    "length": int(length) if length and length.isdigit() else None,
                    "title_by_curators": data.get("title_by_curators") == "true",
                    "not_stated": sorted(not_stated[s]),
                    "claims": 0,
                }
            )
        )
    return sorted(out, key=lambda v: v.id)


# ---------------------------------------------------------------- labels and views


@dataclass
class Labels:
    """Labels, types and event dates of the resources a result mentions, fetched in few queries."""

    backend: Backend
    labels: dict[str, str] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sources: dict[str, SourceRef] = field(default_factory=dict)
    dates: dict[str, Dates] = field(default_factory=dict)

    def fetch(self, iris: Iterable[str]) -> None:
        wanted = nodes(i for i in iris if i not in self.labels)
        if not wanted:
            return
        result = select(self.backend, patterns.fill(patterns.LABELS, values_block("s", wanted)))
        for row in result.rows:
            s, label, t = value(row["s"]), row["label"], row["type"]
            if s is None:
                continue
            if isinstance(label, RdfLiteral) and (s not in self.labels or label.value < self.labels[s]):
                self.labels[s] = label.value
            if isinstance(t, NamedNode):
                self.types[s].add(t.value)
        for n in wanted:
            self.labels.setdefault(n.value, short(n.value))
        events = [n.value for n in wanted if KG + "Event" in self.types.get(n.value, ())]
        self.dates |= {e: Dates() for e in events} | fetch_event_dates(self.backend, events)

    def add_entities(self, entities: Iterable[Entity]) -> None:
        for e in entities:
            i = iri(e.id)
            self.labels[i] = e.label
            self.types[i].add(KG + e.type)

    def ref(self, iri_: str) -> EntityRef:
        d = self.dates.get(iri_)
        return EntityRef(
            id=short(iri_),
            label=self.labels.get(iri_) or short(iri_),
            iri=iri_,
            type=type_name(self.types.get(iri_, ())),
            when=d.when if d else None,
            when_by_curators=bool(d and d.by_curators),
        )

    def fetch_sources(self, refs: Iterable[str | None]) -> None:
        """Titles of the source documents ``refs`` (claims' ``source``) name, in one query."""
        wanted = sorted({r for r in refs if r is not None and r not in self.sources})
        if not wanted:
            return
        found = {s.iri: s for s in source_info(self.backend, [source_iri(r) for r in wanted])}
        for ref in wanted:
            s = found.get(source_iri(ref))
            self.sources[ref] = (
                SourceRef(
                    id=s.id,
                    title=s.title,
                    iri=s.iri,
                    kind=s.kind,
                    publisher=s.publisher,
                    published=s.published,
                    url=s.url,
                    held=s.sha256 is not None,
                )
                if s
                else SourceRef(id=ref, title=ref, iri=source_iri(ref))
            )

    def claim_iris(self, claims: Iterable[Claim]) -> set[str]:
        out: set[str] = set()
        for c in claims:
            out.add(iri(c.subject))
            if isinstance(c.object, str):
                out.add(iri(c.object))
            if c.qualifiers.since:
                out.add(iri(c.qualifiers.since))
            out.update(iri(a) for a in c.attributed_to)
        return out

    def view(self, claim: Claim) -> ClaimView:
        obj: EntityRef | LiteralRef
        if isinstance(claim.object, LiteralValue):
            obj = LiteralRef(**claim.object.model_dump())
        else:
            obj = self.ref(iri(claim.object))
        subject = self.ref(iri(claim.subject))
        event = next((r for r in (subject, obj) if isinstance(r, EntityRef) and r.type == "Event"), None)
        since = claim.qualifiers.since
        self.fetch_sources([claim.source])
        return ClaimView(
            id=claim.id or "",
            key=claim.key,
            text=claim.text,
            subject=subject,
            predicate=predicate_ref(iri(claim.predicate, predicate=True)),
            object=obj,
            qualifiers=claim.qualifiers,
            figure=qualifier_summary(
                claim.qualifiers, claim.curated, {since: self.ref(iri(since)).label} if since else None
            ),
            modality=claim.modality,
            attributed_to=[self.ref(iri(a)) for a in claim.attributed_to],  # a chain: keep its order
            source=self.sources.get(claim.source) if claim.source else None,
            evidence=[e.model_copy() for e in claim.evidence],
            supports=claim.supports,
            contradicts=claim.contradicts,
            note=claim.note,
            by_curators=claim.modality == "curatorInferred",
            curated=claim.curated,
            event=event,
        )

    def views(self, claims: Sequence[Claim]) -> list[ClaimView]:
        self.fetch(self.claim_iris(claims))
        self.fetch_sources(c.source for c in claims)
        return [self.view(c) for c in claims]


__all__ = [
    "Labels",
    "construct",
    "event_dates",
    "fetch_claims",
    "fetch_event_dates",
    "iri",
    "predicate_ref",
    "select",
    "short",
    "source_info",
    "source_iri",
    "type_name",
    "value",
    "when",
]
