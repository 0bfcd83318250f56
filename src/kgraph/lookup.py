"""Look-ups: actor cards, claim lists, actors, sources, events, statistics, paths and neighbours.

Every function takes a :class:`~kgraph.store.Backend` and returns pydantic view models (defined
here; the dataset models in :mod:`kgraph.models` are reused, not changed). All data is fetched
with SPARQL through ``backend.query()``, so the same call works on the bundled graph, on RDF
files, on an on-disk store and on a remote endpoint. Whatever the user typed is resolved first
(:func:`kgraph.names.resolve`) and bound as RDF terms (:func:`kgraph.store.values_block`); it
never becomes query text.

Only :func:`path` and :func:`neighbors` import networkx (through :mod:`kgraph.projection`).
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer
from pyoxigraph import Literal as RdfLiteral
from pyoxigraph import NamedNode, Triple

from kgraph.dates import DATE_PROPERTIES, Dates, Span, claim_span, date_window, sort_key, span
from kgraph.errors import AmbiguousNameError, NotFoundError, SourceTextMismatch, UsageError
from kgraph.mapping import SOURCE_PREFIX, Corpus, claims_query, entities_query, from_triples
from kgraph.models import (
    MODALITIES,
    Claim,
    Entity,
    Evidence,
    LiteralValue,
    Modality,
    Qualifiers,
)
from kgraph.names import NameMatch, normalize, resolve
from kgraph.namespaces import KG, KGR, SCHEMA, WD, compact_iri, expand_curie
from kgraph.present import MODALITY_LABELS, qualifier_summary, relation_label
from kgraph.sources import SourceDocument, match_source_text
from kgraph.store import Backend, SelectResult, Term, values_block

if TYPE_CHECKING:
    import networkx as nx


_DATE_VALUES = f"VALUES ?p {{ {' '.join(DATE_PROPERTIES)} }}"

# A curator's Wikidata link is shown as an external id on the card, not listed as a claim
# (kgraph.mapping.from_triples reads it back the same way).
_EXTERNAL_ID = (
    "?claim a kg:Claim ; rdf:predicate skos:exactMatch ; rdf:object ?wdItem . "
    f'FILTER(STRSTARTS(STR(?wdItem), "{WD}"))'
)
_NOT_EXTERNAL_ID = f" FILTER NOT EXISTS {{ {_EXTERNAL_ID} }}"


# ---------------------------------------------------------------- view models


class _View(BaseModel):
    # Schemas are built on first use: a look-up pays only for the views it returns.
    model_config = ConfigDict(
        extra="forbid", validate_by_name=True, serialize_by_alias=True, defer_build=True
    )


class EntityRef(_View):
    """An actor, event or other resource as it appears in a result: a label and an IRI."""

    id: str = Field(description="the slug for kgraph's own resources (``israel``), else a CURIE or IRI")
    label: str
    iri: str
    type: str | None = Field(default=None, description="kg: class local name: State, Company, Event…")


class LiteralRef(_View):
    """A literal claim object: a date, or a characteristic in the curators' words."""

    value: str
    datatype: str | None = Field(default=None, description="CURIE such as xsd:gYear; None for text")
    language: str | None = None


class PredicateRef(_View):
    """A relation: ``kg:suppliesArmsTo``, read as "supplies arms to"."""

    id: str = Field(description="CURIE, e.g. kg:suppliesArmsTo or dcterms:date")
    label: str
    iri: str


class SourceRef(_View):
    """The source document a claim is drawn from."""

    id: str
    title: str
    iri: str


def _plain_number(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class ClaimView(_View):
    """One claim with everything needed to read it: parties labelled, figure summarised, sourced."""

    id: str = Field(description="the claim's IRI")
    key: str | None = Field(default=None, description="the curators' handle for it in its dataset")
    text: str = Field(description="the claim as a sentence, in the curators' words")
    subject: EntityRef
    predicate: PredicateRef
    object: EntityRef | LiteralRef
    qualifiers: Qualifiers
    figure: str = Field(description="qualifiers in a few words: '60% of arms imports, 2015–2019'")
    modality: Modality
    attributed_to: list[EntityRef] = Field(default_factory=list, description="who the source says makes it")
    source: SourceRef | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    supports: list[str] = Field(default_factory=list, description="keys or IRIs of claims it backs")
    contradicts: list[str] = Field(default_factory=list)
    note: str | None = Field(default=None, description="the curators' reasoning")

    @field_serializer("qualifiers", when_used="json")
    def _qualifiers(self, q: Qualifiers) -> dict[str, Any]:
        return {k: _plain_number(v) for k, v in q.model_dump(exclude_none=True).items()}

    @field_serializer("evidence", when_used="json")
    def _evidence(self, spans: list[Evidence]) -> list[dict[str, Any]]:
        return [e.model_dump(exclude_none=True) for e in spans]

    @property
    def modality_label(self) -> str:
        return MODALITY_LABELS[self.modality]

    def row(self) -> dict[str, str | int | float | bool | None]:
        """The claim as one flat row (what ``kgraph claims --format csv`` prints)."""
        obj = self.object
        q = self.qualifiers
        row: dict[str, str | int | float | bool | None] = {
            "id": self.id,
            "key": self.key,
            "subject": self.subject.label,
            "subject_id": self.subject.id,
            "relation": self.predicate.label,
            "predicate": self.predicate.id,
            "object": obj.label if isinstance(obj, EntityRef) else obj.value,
            "object_id": obj.id if isinstance(obj, EntityRef) else None,
            "figure": self.figure,
        }
        for name in Qualifiers.model_fields:
            value = getattr(q, name)
            row[name] = _plain_number(value)  # type: ignore[assignment]
        row |= {
            "modality": self.modality,
            "attributed_to": "; ".join(a.label for a in self.attributed_to),
            "source": self.source.id if self.source else None,
            "evidence": evidence_text(self.evidence),
            "quote": quotes_text(self.evidence),
            "text": self.text,
            "note": self.note,
        }
        return row


def evidence_text(spans: Sequence[Evidence]) -> str:
    """Where each span is: ``tiny@0-153``; spans of one source share it: ``tiny@0-153,200-210; other@5-9``."""
    by_source: dict[str, list[str]] = {}
    for e in spans:
        by_source.setdefault(e.source or "?", []).append(f"{e.start}-{e.end}")
    return "; ".join(f"{source}@{','.join(ranges)}" for source, ranges in by_source.items())


def quotes_text(spans: Sequence[Evidence]) -> str | None:
    """The quoted spans (filled from ``--source-text``), or None when none were quoted."""
    quoted = [" ".join(e.exact.split()) for e in spans if e.exact is not None]
    return " … ".join(quoted) if quoted else None


class ExternalId(_View):
    """An identifier in another knowledge base; in kgraph always added by the curators."""

    scheme: Literal["wikidata"] = "wikidata"
    id: str
    iri: str
    added_by: Literal["curator"] = "curator"


class RelationGroup(_View):
    """The claims of one predicate on a card, in one direction."""

    direction: Literal["outgoing", "incoming"]
    predicate: PredicateRef
    claims: list[ClaimView]


class Participation(_View):
    """An event an actor took part in (``kg:participant``), with the event's date."""

    event: EntityRef
    when: str | None = Field(default=None, description="the event's date or period, at its own precision")
    claim: ClaimView


class ActorCard(_View):
    """Everything the graph says about one actor or event (``kgraph show``)."""

    id: str
    iri: str
    label: str
    type: str
    kind: Literal["actor", "event"]
    aliases: list[str] = Field(default_factory=list)
    description: str | None = None
    when: str | None = Field(default=None, description="for an event: its date or period")
    external_ids: list[ExternalId] = Field(default_factory=list)
    mentions: list[Evidence] = Field(default_factory=list, description="where the sources name it")
    outgoing: list[RelationGroup] = Field(default_factory=list, description="claims with it as subject")
    incoming: list[RelationGroup] = Field(default_factory=list, description="claims with it as object")
    properties: list[ClaimView] = Field(
        default_factory=list, description="literal-valued claims: dates, traits"
    )
    events: list[Participation] = Field(default_factory=list, description="events it took part in")
    attributed: list[ClaimView] = Field(
        default_factory=list, description="claims the sources attribute to it"
    )

    @field_serializer("mentions", when_used="json")
    def _mentions(self, spans: list[Evidence]) -> list[dict[str, Any]]:
        return [e.model_dump(exclude_none=True) for e in spans]

    def statements(self) -> list[tuple[str, ClaimView]]:
        """Every claim on the card with its section, in card order (``show --format csv`` rows)."""
        out: list[tuple[str, ClaimView]] = []
        for group in self.outgoing:
            out += [("outgoing", c) for c in group.claims]
        for group in self.incoming:
            out += [("incoming", c) for c in group.claims]
        out += [("property", c) for c in self.properties]
        out += [("event", p.claim) for p in self.events]
        out += [("attributed", c) for c in self.attributed]
        return out


class ActorSummary(_View):
    """One line of ``kgraph actors``."""

    id: str
    iri: str
    label: str
    type: str
    aliases: list[str] = Field(default_factory=list)
    description: str | None = None
    wikidata: str | None = Field(default=None, description="added by the curators")
    claims: int = Field(description="claims with it as subject or object")


class SourceView(_View):
    """A source document, identified by the SHA-256 and length of its text."""

    id: str
    iri: str
    title: str
    description: str | None = None
    sha256: str | None = None
    length: int | None = Field(default=None, description="in Unicode code points")
    language: str | None = None
    file_name: str | None = None
    claims: int


class EventView(_View):
    """One event of the timeline (``kgraph events``)."""

    id: str
    iri: str
    label: str
    aliases: list[str] = Field(default_factory=list)
    description: str | None = None
    date: str | None = None
    start: str | None = None
    end: str | None = None
    when: str | None = Field(default=None, description="date or period as written, e.g. 2020-09–2020-11")
    participants: list[EntityRef] = Field(default_factory=list)
    locations: list[EntityRef] = Field(default_factory=list)


class Stats(_View):
    """Counts (``kgraph stats``). Claims exclude the curators' Wikidata links, counted apart."""

    triples: int
    actors: int
    events: int
    claims: int
    sources: int
    external_ids: int
    actors_by_type: dict[str, int]
    claims_by_predicate: dict[str, int]
    claims_by_modality: dict[str, int]
    claims_by_source: dict[str, int]


class Link(_View):
    """A claim joining the two ends of a hop; ``forward`` when it reads from ``from`` to ``to``."""

    direction: Literal["forward", "backward"]
    claim: ClaimView


class Hop(_View):
    """One step of a path: two actors or events and every claim between them."""

    from_: EntityRef = Field(alias="from")
    to: EntityRef
    links: list[Link]


class GraphPath(_View):
    nodes: list[EntityRef]
    hops: list[Hop]


class PathResult(_View):
    """Shortest connections between two actors (``kgraph path``); empty when there is none."""

    from_: EntityRef = Field(alias="from")
    to: EntityRef
    max_hops: int
    length: int | None = Field(default=None, description="hops in the shortest path; None when unconnected")
    paths: list[GraphPath] = Field(default_factory=list)
    found: int = Field(default=0, description="how many shortest paths exist (counted up to 10,000)")
    truncated: bool = Field(default=False, description="more shortest paths exist than were returned")


class Neighbor(_View):
    entity: EntityRef
    distance: int
    hops: list[Hop] = Field(description="how it is reached from the nodes one step nearer the centre")


class NeighborsResult(_View):
    """Actors and events within ``depth`` hops of one (``kgraph neighbors``)."""

    center: EntityRef
    depth: int
    neighbors: list[Neighbor] = Field(default_factory=list)


# ---------------------------------------------------------------- small helpers


def _select(backend: Backend, sparql: str) -> SelectResult:
    result = backend.query(sparql)
    if not isinstance(result, SelectResult):
        raise TypeError("expected SELECT results")
    return result


def _construct(backend: Backend, sparql: str) -> list[Triple]:
    result = backend.query(sparql)
    if not isinstance(result, list):
        raise TypeError("expected CONSTRUCT results")
    return result


def _value(term: Term | None) -> str | None:
    return None if term is None else term.value


def _iri(ref: str, *, predicate: bool = False) -> str:
    """Reverse of mapping's short references: slug -> kgr: IRI, CURIE -> IRI, bare term -> kg:."""
    if ref.startswith(("http://", "https://", "urn:")):
        return ref
    if ":" in ref:
        return expand_curie(ref) or ref
    return (KG if predicate else KGR) + ref


def _short(iri: str) -> str:
    return iri[len(KGR) :] if iri.startswith(KGR) else compact_iri(iri)


def type_name(types: Iterable[str]) -> str | None:
    """The most specific kg: class among ``types``, as a local name."""
    ours = sorted(t[len(KG) :] for t in types if t.startswith(KG))
    specific = [t for t in ours if t != "Actor"]
    return (specific or ours)[0] if ours else None


def predicate_ref(iri: str) -> PredicateRef:
    curie = compact_iri(iri)
    return PredicateRef(id=curie, label=relation_label(curie), iri=iri)


@dataclass
class _Labels:
    """Labels and types of the resources a result mentions, fetched in one query."""

    backend: Backend
    labels: dict[str, str] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sources: dict[str, SourceRef] | None = None

    def fetch(self, iris: Iterable[str]) -> None:
        wanted = sorted({i for i in iris if i not in self.labels})
        if not wanted:
            return
        result = _select(
            self.backend,
            "SELECT ?s ?label ?type WHERE {\n  "
            + values_block("s", [NamedNode(i) for i in wanted])
            + "\n  OPTIONAL { ?s skos:prefLabel ?label }\n  OPTIONAL { ?s a ?type }\n}",
        )
        for row in result.rows:
            s, label, t = _value(row["s"]), row["label"], row["type"]
            if s is None:
                continue
            if isinstance(label, RdfLiteral) and (s not in self.labels or label.value < self.labels[s]):
                self.labels[s] = label.value
            if isinstance(t, NamedNode):
                self.types[s].add(t.value)
        for i in wanted:
            self.labels.setdefault(i, _short(i))

    def add_entities(self, entities: Iterable[Entity]) -> None:
        for e in entities:
            iri = _iri(e.id)
            self.labels[iri] = e.label
            self.types[iri].add(KG + e.type)

    def ref(self, iri: str) -> EntityRef:
        return EntityRef(
            id=_short(iri),
            label=self.labels.get(iri) or _short(iri),
            iri=iri,
            type=type_name(self.types.get(iri, ())),
        )

    def source(self, slug: str | None) -> SourceRef | None:
        if slug is None:
            return None
        if self.sources is None:
            self.sources = {
                s.id: SourceRef(id=s.id, title=s.title, iri=s.iri) for s in _source_rows(self.backend)
            }
        return self.sources.get(slug) or SourceRef(id=slug, title=slug, iri=KGR + SOURCE_PREFIX + slug)

    def claim_iris(self, claims: Iterable[Claim]) -> set[str]:
        out: set[str] = set()
        for c in claims:
            out.add(_iri(c.subject))
            if isinstance(c.object, str):
                out.add(_iri(c.object))
            out.update(_iri(a) for a in c.attributed_to)
        return out

    def view(self, claim: Claim) -> ClaimView:
        obj: EntityRef | LiteralRef
        if isinstance(claim.object, LiteralValue):
            obj = LiteralRef(**claim.object.model_dump())
        else:
            obj = self.ref(_iri(claim.object))
        return ClaimView(
            id=claim.id or "",
            key=claim.key,
            text=claim.text,
            subject=self.ref(_iri(claim.subject)),
            predicate=predicate_ref(_iri(claim.predicate, predicate=True)),
            object=obj,
            qualifiers=claim.qualifiers,
            figure=qualifier_summary(claim.qualifiers),
            modality=claim.modality,
            attributed_to=sorted((self.ref(_iri(a)) for a in claim.attributed_to), key=lambda r: r.label),
            source=self.source(claim.source),
            evidence=[e.model_copy() for e in claim.evidence],
            supports=claim.supports,
            contradicts=claim.contradicts,
            note=claim.note,
        )

    def views(self, claims: Sequence[Claim]) -> list[ClaimView]:
        self.fetch(self.claim_iris(claims))
        return [self.view(c) for c in claims]


def _fetch_claims(backend: Backend, pattern: str) -> list[Claim]:
    return from_triples(_construct(backend, claims_query(pattern))).claims


# ---------------------------------------------------------------- dates


def _event_dates(claims: Iterable[Claim]) -> dict[str, Dates]:
    """Event IRI -> its dates, from date claims on it (dcterms:date, schema:startDate/endDate)."""
    out: dict[str, Dates] = defaultdict(Dates)
    for c in claims:
        kind = DATE_PROPERTIES.get(compact_iri(_iri(c.predicate, predicate=True)))
        if kind and isinstance(c.object, LiteralValue):
            out[_iri(c.subject)].add(kind, c.object.value)
    return out


def _fetch_event_dates(backend: Backend, iris: Iterable[str]) -> dict[str, Dates]:
    nodes = sorted(set(iris))
    if not nodes:
        return {}
    events = values_block("event", [NamedNode(i) for i in nodes])
    pattern = f"{events} ?event a kg:Event . ?claim a kg:Claim ; rdf:subject ?event ; rdf:predicate ?p . "
    pattern += _DATE_VALUES
    return _event_dates(_fetch_claims(backend, pattern))


def _claim_span(claim: Claim, events: Mapping[str, Dates]) -> Span | None:
    q, obj = claim.qualifiers, claim.object
    dating = compact_iri(_iri(claim.predicate, predicate=True)) in DATE_PROPERTIES
    stated = obj.value if dating and isinstance(obj, LiteralValue) else None
    ends = (events.get(_iri(ref)) for ref in (claim.subject, claim.object) if isinstance(ref, str))
    return claim_span(span(q.point_in_time, q.start, q.end), stated, (d.span for d in ends if d))


# ---------------------------------------------------------------- option values


_MODALITY_ALIASES = {normalize(m).replace(" ", ""): m for m in MODALITIES} | {
    "hedged": "alleged",
    "curatorinferred": "curatorInferred",
}


def parse_modality(value: str) -> Modality:
    """``hedged``, ``Curator-Inferred``, ``kg:alleged`` … -> a modality; else UsageError (exit 2)."""
    text = value.strip()
    if text.startswith("kg:"):
        text = text[3:]
    key = normalize(text).replace(" ", "")
    if key not in _MODALITY_ALIASES:
        raise UsageError(
            f"--modality: {value!r} is not one of asserted, reported, alleged (or hedged), analysis, "
            "curatorInferred (or curator-inferred)"
        )
    return _MODALITY_ALIASES[key]  # type: ignore[return-value]


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _compact_key(text: str) -> str:
    return normalize(text).replace(" ", "")


def _choose(what: str, text: str, candidates: Mapping[str, list[str]], known: Sequence[str]) -> str:
    """Pick the one IRI whose spellings match ``text``; NotFoundError lists ``known`` otherwise."""
    raw = text.strip()
    iri = raw.strip("<>") if raw.startswith(("http://", "https://", "urn:", "<")) else expand_curie(raw)
    if iri and iri in candidates:
        return iri
    wanted = _compact_key(raw)
    hits = sorted(
        i for i, forms in candidates.items() if wanted and wanted in {_compact_key(f) for f in forms}
    )
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise AmbiguousNameError(raw, [compact_iri(h) for h in hits])
    # One suggestion per candidate, spelled the first way it is listed.
    score = {
        i: max(difflib.SequenceMatcher(None, wanted, _compact_key(f)).ratio() for f in forms)
        for i, forms in candidates.items()
    }
    close = sorted((i for i in candidates if score[i] >= 0.6), key=lambda i: (-score[i], i))[:3]
    suggestions = [candidates[i][0] for i in close]
    listing = ", ".join(known) if known else "none"
    raise NotFoundError(f"no {what} {text!r} in this graph (known: {listing})", suggestions)


def known_predicates(backend: Backend) -> list[str]:
    """IRIs of the predicates claims use."""
    rows = _select(
        backend,
        "SELECT DISTINCT ?p WHERE { ?claim a kg:Claim ; rdf:predicate ?p . " + _NOT_EXTERNAL_ID + " }",
    ).rows
    return sorted({p.value for r in rows if isinstance(p := r["p"], NamedNode)})


def resolve_predicate(backend: Backend, text: str) -> PredicateRef:
    """``suppliesArmsTo``, ``kg:suppliesArmsTo``, its IRI or "supplies arms to" -> the predicate.

    Only predicates some claim uses are known; anything else is a NotFoundError listing them.
    """
    iris = known_predicates(backend)
    candidates = {}
    for iri in iris:
        curie = compact_iri(iri)
        local = curie[3:] if curie.startswith("kg:") else curie
        candidates[iri] = [local, curie, relation_label(curie), iri]
    return predicate_ref(_choose("predicate", text, candidates, sorted(c[0] for c in candidates.values())))


def _source_rows(backend: Backend) -> list[SourceView]:
    result = _select(
        backend,
        """SELECT ?s ?notation ?title ?desc ?sha ?len ?lang ?file (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
  ?s a kg:SourceDocument .
  OPTIONAL { ?s skos:notation ?notation }
  OPTIONAL { ?s dcterms:title ?title }
  OPTIONAL { ?s dcterms:description ?desc }
  OPTIONAL { ?s schema:sha256 ?sha }
  OPTIONAL { ?s kg:textLength ?len }
  OPTIONAL { ?s dcterms:language ?lang }
  OPTIONAL { ?s dcterms:identifier ?file }
  OPTIONAL { ?claim a kg:Claim ; prov:wasDerivedFrom ?s . """
        + _NOT_EXTERNAL_ID
        + """ }
} GROUP BY ?s ?notation ?title ?desc ?sha ?len ?lang ?file""",
    )
    out: dict[str, SourceView] = {}
    for row in result.rows:
        iri = _value(row["s"])
        if iri is None or iri in out:
            continue
        default_id = iri[len(KGR + SOURCE_PREFIX) :] if iri.startswith(KGR + SOURCE_PREFIX) else _short(iri)
        length = _value(row["len"])
        claims = _value(row["claims"])
        out[iri] = SourceView(
            id=_value(row["notation"]) or default_id,
            iri=iri,
            title=_value(row["title"]) or default_id,
            description=_value(row["desc"]),
            sha256=_value(row["sha"]),
            length=int(length) if length and length.isdigit() else None,
            language=_value(row["lang"]),
            file_name=_value(row["file"]),
            claims=int(claims) if claims else 0,
        )
    return sorted(out.values(), key=lambda s: s.id)


def resolve_source(backend: Backend, text: str) -> SourceView:
    """A source document by slug, file name, title, CURIE or IRI."""
    rows = _source_rows(backend)
    by_iri = {s.iri: s for s in rows}
    candidates = {
        s.iri: [s.id, s.iri, compact_iri(s.iri), s.title, *([s.file_name] if s.file_name else [])]
        for s in rows
    }
    return by_iri[_choose("source", text, candidates, [s.id for s in rows])]


# ---------------------------------------------------------------- source texts


def load_source_texts(backend: Backend, paths: Sequence[str | Path]) -> dict[str, str]:
    """Source slug -> text, for each file whose SHA-256 matches a source document.

    A copy saved with Windows line endings or a byte-order mark is accepted when, without
    them, it is the anchored text. Any other file is a SourceTextMismatch (exit 2).
    """
    if not paths:
        return {}
    rows = {s.iri: s for s in _source_rows(backend) if s.sha256}
    documents = [
        SourceDocument(key=s.iri, name=compact_iri(s.iri), sha256=s.sha256 or "", length=s.length)
        for s in rows.values()
    ]
    out: dict[str, str] = {}
    for path in paths:
        found, hits = match_source_text(path, documents, lenient=True)
        for doc in hits:
            source = rows[doc.key]
            if source.length is not None and len(found.text) != source.length:
                raise SourceTextMismatch(
                    f"{path}: {len(found.text)} code points, but the graph records {source.length} "
                    f"for {source.id}"
                )
            out[source.id] = found.text
    return out


def quote_evidence(spans: Iterable[Evidence], texts: Mapping[str, str]) -> None:
    """Fill ``Evidence.exact`` from the user's texts (never stored in the graph)."""
    for e in spans:
        text = texts.get(e.source or "")
        if text is not None and e.end <= len(text):
            e.exact = text[e.start : e.end]


# ---------------------------------------------------------------- look-ups


def _entity_ref(match: NameMatch) -> EntityRef:
    return EntityRef(id=match.slug, label=match.label, iri=match.iri, type=match.type)


def _claim_sort_key(view: ClaimView, when: Span | None) -> tuple[Any, ...]:
    obj = view.object
    other = obj.label if isinstance(obj, EntityRef) else obj.value
    return (
        view.subject.label.casefold(),
        view.predicate.label,
        other.casefold(),
        sort_key(when),
        view.id,
    )


def show(backend: Backend, name: str, *, source_texts: Sequence[str | Path] = ()) -> ActorCard:
    """The card of the actor or event ``name`` resolves to."""
    texts = load_source_texts(backend, source_texts)
    match = resolve(backend, name)
    focus = values_block("focus", [NamedNode(match.iri)])
    triples = _construct(backend, entities_query(f"{focus} BIND(?focus AS ?entity)"))
    triples += _construct(
        backend,
        claims_query(
            f"{focus} ?claim a kg:Claim . "
            "{ ?claim rdf:subject ?focus } UNION { ?claim rdf:object ?focus } "
            "UNION { ?claim prov:wasAttributedTo ?focus }"
        ),
    )
    corpus = from_triples(triples)
    slug = _short(match.iri)
    entity = next((e for e in corpus.actors + corpus.events if e.id == slug), None)
    if entity is None:
        raise NotFoundError(f"{name!r} is {match.curie}, which is not an actor or event")
    kind: Literal["actor", "event"] = "event" if entity in corpus.events else "actor"

    labels = _Labels(backend)
    views = {c.id: v for c, v in zip(corpus.claims, labels.views(corpus.claims), strict=True)}
    event_iris = {
        _iri(c.subject) for c in corpus.claims if _iri(c.predicate, predicate=True) == KG + "participant"
    } | {match.iri}
    dates = _fetch_event_dates(backend, event_iris) if kind == "event" or len(event_iris) > 1 else {}
    spans = {c.id: _claim_span(c, dates) for c in corpus.claims}

    outgoing: dict[str, list[Claim]] = defaultdict(list)
    incoming: dict[str, list[Claim]] = defaultdict(list)
    properties, participations, attributed = [], [], []
    for c in corpus.claims:
        view = views[c.id]
        is_subject, is_object = (
            view.subject.iri == match.iri,
            isinstance(view.object, EntityRef) and (view.object.iri == match.iri),
        )
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

    def groups(
        by_predicate: dict[str, list[Claim]], direction: Literal["outgoing", "incoming"]
    ) -> list[RelationGroup]:
        refs = sorted((predicate_ref(p) for p in by_predicate), key=lambda p: (p.label, p.iri))
        return [
            RelationGroup(
                direction=direction, predicate=p, claims=other_first(by_predicate[p.iri], direction)
            )
            for p in refs
        ]

    own = dates.get(match.iri)
    card = ActorCard(
        id=slug,
        iri=match.iri,
        label=entity.label,
        type=entity.type,
        kind=kind,
        aliases=entity.aliases,
        description=entity.description,
        when=own.when if own and kind == "event" else None,
        external_ids=[ExternalId(id=entity.wikidata, iri=WD + entity.wikidata)] if entity.wikidata else [],
        mentions=entity.mentions,
        outgoing=groups(outgoing, "outgoing"),
        incoming=groups(incoming, "incoming"),
        properties=[
            views[c.id]
            for c in sorted(
                properties,
                key=lambda c: (views[c.id].predicate.label, sort_key(spans[c.id]), views[c.id].id),
            )
        ],
        events=sorted(
            (
                Participation(
                    event=views[c.id].subject,
                    when=(d.when if (d := dates.get(views[c.id].subject.iri)) else None),
                    claim=views[c.id],
                )
                for c in participations
            ),
            key=lambda p: (sort_key(spans[p.claim.id]), p.event.label),
        ),
        attributed=ordered(attributed),
    )
    if texts:
        quote_evidence(card.mentions, texts)
        for _, view in card.statements():
            quote_evidence(view.evidence, texts)
    return card


def claims(
    backend: Backend,
    *,
    about: str | Sequence[str] | None = None,
    predicate: str | Sequence[str] | None = None,
    source: str | Sequence[str] | None = None,
    attributed_to: str | Sequence[str] | None = None,
    modality: str | Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    source_texts: Sequence[str | Path] = (),
) -> list[ClaimView]:
    """Claims matching every filter given; a filter given several values accepts any of them.

    ``about``: the actor or event is the claim's subject or object. ``since``/``until``: the
    claim's period overlaps the interval, each date covering its whole precision (``2022`` is
    all of 2022); a claim without dates of its own takes the date it states or the dates of the
    events it is about, and an undated claim is left out when either bound is given.
    """
    window = date_window(since, until)
    modalities = [parse_modality(m) for m in _as_list(modality)]
    texts = load_source_texts(backend, source_texts)

    parts = ["?claim a kg:Claim .", _NOT_EXTERNAL_ID]
    if names := _as_list(about):
        nodes = [NamedNode(resolve(backend, n).iri) for n in names]
        parts.append(
            values_block("about", nodes) + " { ?claim rdf:subject ?about } UNION { ?claim rdf:object ?about }"
        )
    if preds := _as_list(predicate):
        nodes = [NamedNode(resolve_predicate(backend, p).iri) for p in preds]
        parts.append(values_block("pred", nodes) + " ?claim rdf:predicate ?pred .")
    if srcs := _as_list(source):
        nodes = [NamedNode(resolve_source(backend, s).iri) for s in srcs]
        parts.append(values_block("src", nodes) + " ?claim prov:wasDerivedFrom ?src .")
    if who := _as_list(attributed_to):
        nodes = [NamedNode(resolve(backend, n).iri) for n in who]
        parts.append(values_block("att", nodes) + " ?claim prov:wasAttributedTo ?att .")
    if modalities:
        parts.append(
            values_block("mod", [NamedNode(KG + m) for m in modalities]) + " ?claim kg:modality ?mod ."
        )
    found = _fetch_claims(backend, "\n  ".join(parts))

    refs = {_iri(r) for c in found for r in (c.subject, c.object) if isinstance(r, str)}
    dates = _fetch_event_dates(backend, refs)
    spans = {c.id: _claim_span(c, dates) for c in found}
    if window:
        found = [c for c in found if (s := spans[c.id]) is not None and s.overlaps(window)]
    views = _Labels(backend).views(found)
    result = [
        v
        for _, v in sorted(
            zip(found, views, strict=True), key=lambda cv: _claim_sort_key(cv[1], spans[cv[0].id])
        )
    ]
    for v in result:
        quote_evidence(v.evidence, texts)
    return result


def _wikidata_triples(backend: Backend) -> list[Triple]:
    return _construct(backend, claims_query(_EXTERNAL_ID))


def known_actor_types(backend: Backend) -> list[str]:
    rows = _select(backend, "SELECT DISTINCT ?t WHERE { ?a a kg:Actor , ?t }").rows
    return sorted({t.value for r in rows if isinstance(t := r["t"], NamedNode) and t.value.startswith(KG)})


def actors(backend: Backend, type: str | None = None) -> list[ActorSummary]:
    """Every actor, or those of one kg: class (``State``, ``kg:State``, "intelligence agency")."""
    pattern = "?entity a kg:Actor ."
    if type is not None:
        iris = known_actor_types(backend)
        candidates = {i: [i[len(KG) :], compact_iri(i), relation_label(i[len(KG) :]), i] for i in iris}
        chosen = _choose("actor type", type, candidates, [i[len(KG) :] for i in iris])
        pattern += " " + values_block("type", [NamedNode(chosen)]) + " ?entity a ?type ."
    corpus = from_triples(_construct(backend, entities_query(pattern)) + _wikidata_triples(backend))
    counts = _claim_counts(backend)
    out = [
        ActorSummary(
            id=a.id,
            iri=_iri(a.id),
            label=a.label,
            type=a.type,
            aliases=a.aliases,
            description=a.description,
            wikidata=a.wikidata,
            claims=counts.get(_iri(a.id), 0),
        )
        for a in corpus.actors
    ]
    return sorted(out, key=lambda a: (a.label.casefold(), a.id))


def _claim_counts(backend: Backend) -> dict[str, int]:
    rows = _select(
        backend,
        "SELECT ?e (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim . "
        "{ ?claim rdf:subject ?e } UNION { ?claim rdf:object ?e } " + _NOT_EXTERNAL_ID + " } GROUP BY ?e",
    ).rows
    return {
        e.value: int(n.value)
        for r in rows
        if isinstance(e := r["e"], NamedNode) and (n := r["n"]) is not None
    }


def sources(backend: Backend) -> list[SourceView]:
    """The source documents, with how many claims each gives."""
    return _source_rows(backend)


def events(
    backend: Backend,
    *,
    since: str | None = None,
    until: str | None = None,
    participant: str | Sequence[str] | None = None,
) -> list[EventView]:
    """The events as a timeline, oldest first, undated last; filters as in :func:`claims`."""
    window = date_window(since, until)
    wanted = {resolve(backend, n).iri for n in _as_list(participant)}
    corpus = from_triples(
        _construct(backend, entities_query("?entity a kg:Event ."))
        + _construct(
            backend,
            claims_query(
                "?claim a kg:Claim ; rdf:subject ?e ; rdf:predicate ?p . ?e a kg:Event . "
                "VALUES ?p { kg:participant schema:location dcterms:date schema:startDate schema:endDate }"
            ),
        )
    )
    dates = _event_dates(corpus.claims)
    labels = _Labels(backend)
    labels.add_entities(corpus.events)
    labels.fetch(labels.claim_iris(corpus.claims))
    roles: dict[tuple[str, str], list[EntityRef]] = defaultdict(list)
    for c in sorted(corpus.claims, key=lambda c: c.id or ""):
        if isinstance(c.object, str):
            ref = labels.ref(_iri(c.object))
            bucket = roles[(_iri(c.subject), _iri(c.predicate, predicate=True))]
            if ref not in bucket:
                bucket.append(ref)
    out: list[tuple[tuple[Any, ...], EventView]] = []
    for e in corpus.events:
        iri = _iri(e.id)
        d = dates.get(iri, Dates())
        when = d.span
        if window and (when is None or not when.overlaps(window)):
            continue
        participants = sorted(roles[(iri, KG + "participant")], key=lambda r: r.label.casefold())
        if wanted and not wanted & {p.iri for p in participants}:
            continue
        view = EventView(
            id=e.id,
            iri=iri,
            label=e.label,
            aliases=e.aliases,
            description=e.description,
            date=d.date,
            start=d.start,
            end=d.end,
            when=d.when,
            participants=participants,
            locations=sorted(roles[(iri, SCHEMA + "location")], key=lambda r: r.label.casefold()),
        )
        out.append(((sort_key(when), e.label.casefold()), view))
    return [v for _, v in sorted(out, key=lambda kv: kv[0])]


def _count(backend: Backend, sparql: str) -> int:
    rows = _select(backend, sparql).rows
    value = _value(rows[0]["n"]) if rows else None
    return int(value) if value else 0


def _grouped(backend: Backend, sparql: str, name: Any = _short) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for row in _select(backend, sparql).rows:
        key, n = _value(row["k"]), _value(row["n"])
        if key is not None and n is not None:
            counts[name(key)] += int(n)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def stats(backend: Backend) -> Stats:
    """How big the graph is and what it is made of."""
    actor_types: Counter[str] = Counter()
    types: dict[str, set[str]] = defaultdict(set)
    for row in _select(backend, "SELECT ?a ?t WHERE { ?a a kg:Actor , ?t }").rows:
        if (a := _value(row["a"])) and (t := _value(row["t"])):
            types[a].add(t)
    for ts in types.values():
        actor_types[type_name(ts) or "Actor"] += 1
    by_source = _grouped(
        backend,
        "SELECT ?k (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim ; prov:wasDerivedFrom ?k . "
        + _NOT_EXTERNAL_ID
        + " } GROUP BY ?k",
        name=lambda iri: (
            iri[len(KGR + SOURCE_PREFIX) :] if iri.startswith(KGR + SOURCE_PREFIX) else _short(iri)
        ),
    )
    return Stats(
        triples=_count(backend, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        actors=len(types),
        events=_count(backend, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kg:Event }"),
        claims=_count(
            backend,
            "SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim . " + _NOT_EXTERNAL_ID + " }",
        ),
        sources=_count(backend, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a kg:SourceDocument }"),
        external_ids=_count(
            backend,
            f"SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE {{ {_EXTERNAL_ID} }}",
        ),
        actors_by_type=dict(sorted(actor_types.items(), key=lambda kv: (-kv[1], kv[0]))),
        claims_by_predicate=_grouped(
            backend,
            "SELECT ?k (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim ; rdf:predicate ?k . "
            + _NOT_EXTERNAL_ID
            + " } GROUP BY ?k",
            name=compact_iri,
        ),
        claims_by_modality=_grouped(
            backend,
            "SELECT ?k (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim ; kg:modality ?k . "
            + _NOT_EXTERNAL_ID
            + " } GROUP BY ?k",
            name=lambda iri: iri[len(KG) :] if iri.startswith(KG) else compact_iri(iri),
        ),
        claims_by_source=by_source,
    )


# ---------------------------------------------------------------- the network: paths and neighbours


@dataclass
class _Network:
    graph: nx.MultiDiGraph
    claims: dict[str, Claim]
    labels: _Labels

    def ref(self, node: str) -> EntityRef:
        return self.labels.ref(node)

    def hop(self, a: str, b: str) -> Hop:
        links: list[tuple[tuple[Any, ...], Link]] = []
        for u, v, direction in ((a, b, "forward"), (b, a, "backward")):
            for key in self.graph.get_edge_data(u, v) or {}:
                view = self.labels.view(self.claims[key])
                order = (
                    view.predicate.label,
                    direction,
                    sort_key(_claim_span(self.claims[key], {})),
                    view.id,
                )
                links.append((order, Link(direction=direction, claim=view)))  # type: ignore[arg-type]
        ordered = [link for _, link in sorted(links, key=lambda x: x[0])]
        return Hop.model_validate({"from": self.ref(a), "to": self.ref(b), "links": ordered})


def _network(backend: Backend) -> _Network:
    from kgraph.projection import project

    corpus: Corpus = from_triples(
        _construct(backend, entities_query("?entity a ?kind . VALUES ?kind { kg:Actor kg:Event }"))
        + _construct(
            backend, claims_query("?claim a kg:Claim ; rdf:object ?o . FILTER(isIRI(?o)) " + _NOT_EXTERNAL_ID)
        )
    )
    labels = _Labels(backend)
    labels.add_entities(corpus.actors + corpus.events)
    labels.fetch(labels.claim_iris(corpus.claims))
    return _Network(project(corpus), {c.id: c for c in corpus.claims if c.id}, labels)


def _positive(value: int, option: str) -> None:
    if value < 1:
        raise UsageError(f"{option} must be at least 1, not {value}")


MAX_PATHS_CONSIDERED = 10_000
"""Shortest paths enumerated before sorting; beyond this the first ones found are kept."""


def path(backend: Backend, a: str, b: str, *, max_hops: int = 4, limit: int = 10) -> PathResult:
    """The shortest connections between ``a`` and ``b``, following claims in either direction.

    Every hop lists the claims behind it with their direction; ``limit`` caps how many
    shortest paths come back (``truncated`` tells when more exist).
    """
    import itertools

    from kgraph.projection import shortest_paths

    _positive(max_hops, "--max-hops")
    _positive(limit, "--limit")
    start, goal = resolve(backend, a), resolve(backend, b)
    if start.iri == goal.iri:
        raise UsageError(f"{a!r} and {b!r} are the same {start.type}: {start.label}")
    net = _network(backend)
    result = PathResult.model_validate(
        {"from": _entity_ref(start), "to": _entity_ref(goal), "max_hops": max_hops}
    )
    found = shortest_paths(net.graph, start.iri, goal.iri, limit=MAX_PATHS_CONSIDERED + 1)
    if not found or len(found[0]) - 1 > max_hops:
        return result
    found.sort(key=lambda nodes: [net.ref(n).label.casefold() for n in nodes])
    result.length = len(found[0]) - 1
    result.found = min(len(found), MAX_PATHS_CONSIDERED)
    result.truncated = len(found) > limit
    result.paths = [
        GraphPath(
            nodes=[net.ref(n) for n in nodes], hops=[net.hop(u, v) for u, v in itertools.pairwise(nodes)]
        )
        for nodes in found[:limit]
    ]
    return result


def neighbors(backend: Backend, name: str, *, depth: int = 1) -> NeighborsResult:
    """Actors and events within ``depth`` hops, each with the claims that lead to it."""
    import networkx as nx

    _positive(depth, "--depth")
    center = resolve(backend, name)
    net = _network(backend)
    result = NeighborsResult(center=_entity_ref(center), depth=depth)
    if center.iri not in net.graph:
        return result
    undirected = net.graph.to_undirected(as_view=True)
    reach = nx.single_source_shortest_path_length(undirected, center.iri, cutoff=depth)
    found = []
    for node, distance in reach.items():
        if node == center.iri:
            continue
        parents = sorted(
            {p for p in undirected.neighbors(node) if reach.get(p) == distance - 1},
            key=lambda p: net.ref(p).label.casefold(),
        )
        ref = net.ref(node)
        found.append(Neighbor(entity=ref, distance=distance, hops=[net.hop(p, node) for p in parents]))
    result.neighbors = sorted(found, key=lambda n: (n.distance, n.entity.label.casefold(), n.entity.iri))
    return result


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
    "actors",
    "claims",
    "events",
    "neighbors",
    "parse_modality",
    "path",
    "resolve_predicate",
    "resolve_source",
    "show",
    "sources",
    "stats",
]
