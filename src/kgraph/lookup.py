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
from typing import TYPE_CHECKING, Any, Literal, TypeVar

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
from kgraph.names import NameMatch, NameResolver, normalize
from kgraph.namespaces import DCT, KG, KGR, SCHEMA, WD, compact_iri, expand_curie
from kgraph.present import MODALITY_LABELS, qualifier_summary, relation_label
from kgraph.sources import SourceDocument, match_source_text
from kgraph.store import Backend, SelectResult, Term, values_block

if TYPE_CHECKING:
    import networkx as nx


_DATE_VALUES = f"VALUES ?p {{ {' '.join(DATE_PROPERTIES)} }}"

# A curator's Wikidata link is a kg:Claim (curatorInferred, skos:exactMatch): counted and
# listed with every other claim, and shown on its subject's card as an external id rather than
# among the relations (kgraph.mapping.from_triples reads it back as the entity's wikidata id).
_EXTERNAL_ID = (
    "?claim a kg:Claim ; rdf:predicate skos:exactMatch ; rdf:object ?wdItem . "
    f'FILTER(STRSTARTS(STR(?wdItem), "{WD}"))'
)


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
    """Counts (``kgraph stats``). Claims are every ``kg:Claim``, the curators' Wikidata links
    included; ``external_ids`` counts those links once more, on their own."""

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

    def fetch_sources(self, refs: Iterable[str | None]) -> None:
        """Titles of the source documents ``refs`` (claims' ``source``) name, in one query."""
        if self.sources is None:
            self.sources = {}
        wanted = sorted({r for r in refs if r is not None and r not in self.sources})
        if not wanted:
            return
        found = {s.iri: s for s in _source_info(self.backend, [_source_iri(r) for r in wanted])}
        for ref in wanted:
            s = found.get(_source_iri(ref))
            self.sources[ref] = (
                SourceRef(id=s.id, title=s.title, iri=s.iri)
                if s
                else SourceRef(id=ref, title=ref, iri=_source_iri(ref))
            )

    def source(self, ref: str | None) -> SourceRef | None:
        if ref is None:
            return None
        self.fetch_sources([ref])
        assert self.sources is not None
        return self.sources[ref]

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
        self.fetch_sources(c.source for c in claims)
        return [self.view(c) for c in claims]


_DCT_IDENTIFIER = NamedNode(DCT + "identifier")


_LINKS = (NamedNode(KG + "supports"), NamedNode(KG + "contradicts"))


def _fetch_claims(backend: Backend, pattern: str) -> list[Claim]:
    """The claims ``pattern`` binds to ``?claim``, read in full.

    ``supports``/``contradicts`` name the linked claims by key, as the curators wrote them,
    whether or not the linked claims are among those fetched (their keys are looked up).
    """
    triples = _construct(backend, claims_query(pattern))
    # A claim list shows the curators' Wikidata links as the claims they are.
    found = from_triples(triples, fold_external_ids=False).claims
    fetched = {c.id for c in found}
    linked = sorted(
        {t.object.value for t in triples if t.predicate in _LINKS and isinstance(t.object, NamedNode)}
        - fetched
    )
    if not linked:
        return found
    rows = _select(
        backend,
        "SELECT ?c ?key WHERE { "
        + values_block("c", [NamedNode(i) for i in linked])
        + " ?c a kg:Claim ; dcterms:identifier ?key }",
    ).rows
    key_of: dict[str, str] = {}
    for row in rows:
        if (iri := _value(row["c"])) and (key := _value(row["key"])):
            key_of[iri] = key_of[_short_ref(iri)] = key
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


def _short_ref(iri: str) -> str:
    """How :func:`kgraph.mapping.from_triples` names a claim it has not read: its local name for
    one of ours, else its IRI."""
    return iri[len(KGR) :] if iri.startswith(KGR) else iri


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
        "SELECT DISTINCT ?p WHERE { ?claim a kg:Claim ; rdf:predicate ?p }",
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


_SOURCE_INFO = """SELECT ?s ?notation ?title ?desc ?sha ?len ?lang ?file WHERE {{
  {restrict}
  ?s a kg:SourceDocument .
  OPTIONAL {{ ?s skos:notation ?notation }}
  OPTIONAL {{ ?s dcterms:title ?title }}
  OPTIONAL {{ ?s dcterms:description ?desc }}
  OPTIONAL {{ ?s schema:sha256 ?sha }}
  OPTIONAL {{ ?s kg:textLength ?len }}
  OPTIONAL {{ ?s dcterms:language ?lang }}
  OPTIONAL {{ ?s dcterms:identifier ?file }}
}}"""


def _source_iri(ref: str) -> str:
    """A claim's ``source`` (a slug, CURIE or IRI, as :mod:`kgraph.mapping` reads it) -> IRI."""
    if ref.startswith(("http://", "https://", "urn:")):
        return ref
    if ":" in ref:
        return expand_curie(ref) or ref
    return KGR + SOURCE_PREFIX + ref


def _source_info(backend: Backend, iris: Sequence[str] | None = None) -> list[SourceView]:
    """The source documents (those of ``iris`` only, when given), without claim counts."""
    restrict = ""
    if iris is not None:
        nodes = [n for i in iris if (n := _named(i)) is not None]
        if not nodes:
            return []
        restrict = values_block("s", nodes)
    result = _select(backend, _SOURCE_INFO.format(restrict=restrict))
    out: dict[str, SourceView] = {}
    for row in result.rows:
        iri = _value(row["s"])
        if iri is None or iri in out:
            continue
        default_id = iri[len(KGR + SOURCE_PREFIX) :] if iri.startswith(KGR + SOURCE_PREFIX) else _short(iri)
        length = _value(row["len"])
        out[iri] = SourceView(
            id=_value(row["notation"]) or default_id,
            iri=iri,
            title=_value(row["title"]) or default_id,
            description=_value(row["desc"]),
            sha256=_value(row["sha"]),
            length=int(length) if length and length.isdigit() else None,
            language=_value(row["lang"]),
            file_name=_value(row["file"]),
            claims=0,
        )
    return sorted(out.values(), key=lambda s: s.id)


def _named(iri: str) -> NamedNode | None:
    try:
        return NamedNode(iri)
    except ValueError:
        return None


def resolve_source(backend: Backend, text: str) -> SourceView:
    """A source document by slug, file name, title, CURIE or IRI."""
    rows = _source_info(backend)
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
    rows = {s.iri: s for s in _source_info(backend) if s.sha256}
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
    match = NameResolver(backend).resolve(name)
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
    entity = next((e for e in corpus.actors + corpus.events if _iri(e.id) == match.iri), None)
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
        id=_short(match.iri),
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
    id: str | Sequence[str] | None = None,
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

    ``id``: the claim itself, by key (``arms-share``), CURIE (``kgr:claim-…``) or IRI (see
    :func:`resolve_claims`). ``about``: the actor or event is the claim's subject or object.
    ``since``/``until``: the claim's period overlaps the interval, each date covering its whole
    precision (``2022`` is all of 2022); a claim without dates of its own takes the date it
    states or the dates of the events it is about, and an undated claim is left out when
    either bound is given. Every ``kg:Claim`` is listed, the curators' Wikidata links included.
    """
    window = date_window(since, until)
    modalities = [parse_modality(m) for m in _as_list(modality)]
    texts = load_source_texts(backend, source_texts)
    names = NameResolver(backend)

    parts = []
    if ids := _as_list(id):
        parts.append(values_block("claim", resolve_claims(backend, ids)))
    parts.append("?claim a kg:Claim .")
    if about_names := _as_list(about):
        nodes = [NamedNode(names.resolve(n).iri) for n in about_names]
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
        nodes = [NamedNode(names.resolve(n).iri) for n in who]
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


_CLAIM_IDS = """SELECT ?claim ?given WHERE {{
  {{ {keys} ?claim dcterms:identifier ?given . ?claim a kg:Claim }}
  UNION {{ {iris} ?claim a kg:Claim . BIND(?claim AS ?given) }}
}}"""


def resolve_claims(backend: Backend, ids: Sequence[str]) -> list[NamedNode]:
    """Claims by key (``israel-arms-share-2015-2019``), CURIE (``kgr:claim-…``) or IRI (with or
    without ``<>``), all looked up in one query; one that names no claim is a NotFoundError.

    A key is the curators' handle (``dcterms:identifier``); one two datasets share names both
    claims. The values are bound as RDF terms, never pasted into the query.
    """
    keys: dict[str, RdfLiteral] = {}
    iris: dict[str, list[NamedNode]] = {}
    for text in ids:
        raw = text.strip()
        if raw.startswith(("http://", "https://", "urn:", "<")):
            candidates = [raw.strip("<>")]
        elif ":" in raw:
            candidates = [expand_curie(raw) or raw]
        else:  # a key, or the local name of one of our claim IRIs ("claim-…")
            keys[text] = RdfLiteral(raw)
            candidates = [KGR + raw]
        iris[text] = [n for c in candidates if (n := _named(c)) is not None]
    rows = _select(
        backend,
        _CLAIM_IDS.format(
            keys=values_block("given", list(keys.values())),
            iris=values_block("claim", sorted({n for ns in iris.values() for n in ns}, key=str)),
        ),
    ).rows
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if isinstance(claim := row["claim"], NamedNode) and (given := _value(row["given"])) is not None:
            found[given].add(claim.value)
    out: set[str] = set()
    for text in ids:
        hits = set(found.get(keys[text].value, ())) if text in keys else set()
        hits |= {h for n in iris[text] for h in found.get(n.value, ())}
        if not hits:
            raise NotFoundError(f"no claim {text.strip()!r} in this graph (give a claim key, CURIE or IRI)")
        out |= hits
    return [NamedNode(i) for i in sorted(out)]


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
        "{ ?claim rdf:subject ?e } UNION { ?claim rdf:object ?e } } GROUP BY ?e",
    ).rows
    return {
        e.value: int(n.value)
        for r in rows
        if isinstance(e := r["e"], NamedNode) and (n := r["n"]) is not None
    }


def sources(backend: Backend) -> list[SourceView]:
    """The source documents, with how many claims each gives (every ``kg:Claim``)."""
    rows = _select(
        backend,
        "SELECT ?s (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?s a kg:SourceDocument . "
        "?claim a kg:Claim ; prov:wasDerivedFrom ?s } GROUP BY ?s",
    ).rows
    counts = {s: int(n) for r in rows if (s := _value(r["s"])) and (n := _value(r["n"]))}
    return [s.model_copy(update={"claims": counts.get(s.iri, 0)}) for s in _source_info(backend)]


def events(
    backend: Backend,
    *,
    since: str | None = None,
    until: str | None = None,
    participant: str | Sequence[str] | None = None,
) -> list[EventView]:
    """The events as a timeline, oldest first, undated last; filters as in :func:`claims`."""
    window = date_window(since, until)
    names = NameResolver(backend)
    wanted = {names.resolve(n).iri for n in _as_list(participant)}
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
        "SELECT ?k (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim ; prov:wasDerivedFrom ?k } "
        "GROUP BY ?k",
        name=lambda iri: (
            iri[len(KGR + SOURCE_PREFIX) :] if iri.startswith(KGR + SOURCE_PREFIX) else _short(iri)
        ),
    )
    return Stats(
        triples=_count(backend, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        actors=len(types),
        events=_count(backend, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kg:Event }"),
        claims=_count(backend, "SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim }"),
        sources=_count(backend, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a kg:SourceDocument }"),
        external_ids=_count(
            backend,
            f"SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE {{ {_EXTERNAL_ID} }}",
        ),
        actors_by_type=dict(sorted(actor_types.items(), key=lambda kv: (-kv[1], kv[0]))),
        claims_by_predicate=_grouped(
            backend,
            "SELECT ?k (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim ; rdf:predicate ?k } "
            "GROUP BY ?k",
            name=compact_iri,
        ),
        claims_by_modality=_grouped(
            backend,
            "SELECT ?k (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim ; kg:modality ?k } "
            "GROUP BY ?k",
            name=lambda iri: iri[len(KG) :] if iri.startswith(KG) else compact_iri(iri),
        ),
        claims_by_source=by_source,
    )


# ---------------------------------------------------------------- the network: paths and neighbours
#
# Neither verb reads the whole network. The claims around the ends are fetched hop by hop
# with SPARQL (the frontier bound by VALUES), only the part collected is projected to networkx
# (kgraph.projection, which also does the walking), and only the claims a result shows are
# read in full.

_EDGES = """SELECT DISTINCT ?claim ?s ?p ?o WHERE {{
  {frontier}
  {{ ?claim rdf:subject ?n }} UNION {{ ?claim rdf:object ?n }}
  ?claim a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER(isIRI(?o))
  FILTER EXISTS {{ ?s a ?ks . FILTER(?ks = kg:Actor || ?ks = kg:Event) }}
  FILTER EXISTS {{ ?o a ?ko . FILTER(?ko = kg:Actor || ?ko = kg:Event) }}
}}"""

FRONTIER_BATCH = 500
"""Frontier nodes bound in one query; a bigger frontier takes several."""


@dataclass(frozen=True)
class _Edge:
    claim: str
    subject: str
    predicate: str
    object: str


def _edges_around(backend: Backend, nodes: Iterable[str]) -> list[_Edge]:
    """The claims joining one of ``nodes`` to an actor or event (in either direction)."""
    ordered = sorted(set(nodes))
    out: list[_Edge] = []
    for i in range(0, len(ordered), FRONTIER_BATCH):
        frontier = values_block("n", [NamedNode(n) for n in ordered[i : i + FRONTIER_BATCH]])
        for row in _select(backend, _EDGES.format(frontier=frontier)).rows:
            claim, s, p, o = (_value(row[k]) for k in ("claim", "s", "p", "o"))
            if claim and s and p and o:
                out.append(_Edge(claim, s, p, o))
    return out


class _Collected:
    """The claims fetched so far, and how far each node found is from the end it was reached from."""

    def __init__(self, start: str):
        self.hops = 0
        self.distance = {start: 0}
        self.frontier = {start}
        self.edges: dict[str, _Edge] = {}

    def expand(self, backend: Backend) -> None:
        """One hop further out: the claims around the frontier, and the new frontier."""
        self.hops += 1
        found = set()
        for edge in _edges_around(backend, self.frontier):
            self.edges[edge.claim] = edge
            found |= {edge.subject, edge.object}
        self.frontier = found - self.distance.keys()
        self.distance |= dict.fromkeys(self.frontier, self.hops)


def _project(edges: Iterable[_Edge]) -> nx.MultiDiGraph:
    """The collected claims as a network (:func:`kgraph.projection.project`): just their shape,
    the skeleton a walk needs; the claims shown are read in full afterwards."""
    from kgraph.projection import project

    edges = list(edges)
    nodes = sorted({n for e in edges for n in (e.subject, e.object)})
    entities = [_bare(Entity, id=n, type="Actor", label=n) for n in nodes]
    skeleton = [
        _bare(
            Claim, id=e.claim, subject=e.subject, predicate=e.predicate, object=e.object, modality="asserted"
        )
        for e in edges
    ]
    return project(Corpus([], entities, [], skeleton))


ModelT = TypeVar("ModelT", bound=BaseModel)


def _bare(model: type[ModelT], **values: Any) -> ModelT:
    """``model`` with ``values``, unchecked (full IRIs where a dataset has slugs), every other
    field at its default (filled here: pydantic's model_construct looks them up slowly)."""
    rest: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in values:
            factory = info.default_factory
            rest[name] = factory() if factory is not None else info.default  # type: ignore[call-arg]
    return model.model_construct(**rest, **values)


@dataclass
class _Network:
    """A collected part of the network, with the full claims and labels of what is shown."""

    backend: Backend
    graph: nx.MultiDiGraph
    labels: _Labels
    claims: dict[str, Claim] = field(default_factory=dict)

    def load(self, nodes: Iterable[str], claim_iris: Iterable[str]) -> None:
        """Labels of ``nodes`` and the claims ``claim_iris`` in full (with their labels)."""
        wanted = sorted(set(claim_iris) - self.claims.keys())
        if wanted:
            found = _fetch_claims(self.backend, values_block("claim", [NamedNode(c) for c in wanted]))
            self.claims |= {c.id: c for c in found if c.id}
        self.labels.fetch(
            set(nodes) | self.labels.claim_iris(self.claims[c] for c in wanted if c in self.claims)
        )
        self.labels.fetch_sources(self.claims[c].source for c in wanted if c in self.claims)

    def ref(self, node: str) -> EntityRef:
        return self.labels.ref(node)

    def hop(self, a: str, b: str) -> Hop:
        from kgraph.projection import claims_between

        links: list[tuple[tuple[Any, ...], Link]] = []
        for key, direction in claims_between(self.graph, a, b):
            view = self.labels.view(self.claims[key])
            order = (view.predicate.label, direction, sort_key(_claim_span(self.claims[key], {})), view.id)
            links.append((order, Link(direction=direction, claim=view)))  # type: ignore[arg-type]
        ordered = [link for _, link in sorted(links, key=lambda x: x[0])]
        return Hop.model_validate({"from": self.ref(a), "to": self.ref(b), "links": ordered})


def _positive(value: int, option: str) -> None:
    if value < 1:
        raise UsageError(f"{option} must be at least 1, not {value}")


MAX_PATHS_CONSIDERED = 10_000
"""Shortest paths enumerated before sorting; beyond this the first ones found are kept."""


def _meet(backend: Backend, a: str, b: str, max_hops: int) -> list[_Edge]:
    """The claims on every shortest path between ``a`` and ``b`` of at most ``max_hops`` hops
    (and others around them), found by expanding from both ends, the smaller frontier first,
    until the two meet; empty when they do not meet within ``max_hops``.

    When the two sides first share a node, after ``i`` hops out from ``a`` and ``j`` from ``b``,
    the ends are exactly ``i + j`` hops apart, and every claim of a shortest path touches a
    node less than ``i`` hops from ``a`` or less than ``j`` from ``b``: it has been fetched.
    """
    ends = (_Collected(a), _Collected(b))
    for _ in range(max_hops):
        side = min(ends, key=lambda c: (len(c.frontier), c.hops))
        side.expand(backend)
        if ends[0].distance.keys() & ends[1].distance.keys():
            return list({**ends[0].edges, **ends[1].edges}.values())
        if not side.frontier:
            break
    return []


def path(backend: Backend, a: str, b: str, *, max_hops: int = 4, limit: int = 10) -> PathResult:
    """The shortest connections between ``a`` and ``b``, following claims in either direction.

    Every hop lists the claims behind it with their direction; ``limit`` caps how many
    shortest paths come back (``truncated`` tells when more exist).
    """
    import itertools

    from kgraph.projection import claims_between, shortest_paths

    _positive(max_hops, "--max-hops")
    _positive(limit, "--limit")
    names = NameResolver(backend)
    start, goal = names.resolve(a), names.resolve(b)
    if start.iri == goal.iri:
        raise UsageError(f"{a!r} and {b!r} are the same {start.type}: {start.label}")
    result = PathResult.model_validate(
        {"from": _entity_ref(start), "to": _entity_ref(goal), "max_hops": max_hops}
    )
    edges = _meet(backend, start.iri, goal.iri, max_hops)
    if not edges:
        return result
    net = _Network(backend, _project(edges), _Labels(backend))
    found = shortest_paths(net.graph, start.iri, goal.iri, limit=MAX_PATHS_CONSIDERED + 1)
    if not found or len(found[0]) - 1 > max_hops:
        return result
    net.load({n for nodes in found for n in nodes}, ())
    found.sort(key=lambda nodes: [net.ref(n).label.casefold() for n in nodes])
    shown = found[:limit]
    net.load(
        (),
        (
            key
            for nodes in shown
            for u, v in itertools.pairwise(nodes)
            for key, _ in claims_between(net.graph, u, v)
        ),
    )
    result.length = len(found[0]) - 1
    result.found = min(len(found), MAX_PATHS_CONSIDERED)
    result.truncated = len(found) > limit
    result.paths = [
        GraphPath(
            nodes=[net.ref(n) for n in nodes], hops=[net.hop(u, v) for u, v in itertools.pairwise(nodes)]
        )
        for nodes in shown
    ]
    return result


def neighbors(backend: Backend, name: str, *, depth: int = 1) -> NeighborsResult:
    """Actors and events within ``depth`` hops, each with the claims that lead to it."""
    from kgraph.projection import claims_between, distances, nearer

    _positive(depth, "--depth")
    center = NameResolver(backend).resolve(name)
    result = NeighborsResult(center=_entity_ref(center), depth=depth)
    around = _Collected(center.iri)
    for _ in range(depth):
        around.expand(backend)
        if not around.frontier:
            break
    if not around.edges:
        return result
    net = _Network(backend, _project(around.edges.values()), _Labels(backend))
    reach = distances(net.graph, center.iri, depth)
    parents = {node: nearer(net.graph, node, reach) for node in reach if node != center.iri}
    net.load(
        reach,
        (key for node, ps in parents.items() for p in ps for key, _ in claims_between(net.graph, p, node)),
    )
    found = []
    for node, ps in parents.items():
        ordered = sorted(ps, key=lambda p: net.ref(p).label.casefold())
        found.append(
            Neighbor(entity=net.ref(node), distance=reach[node], hops=[net.hop(p, node) for p in ordered])
        )
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
    "resolve_claims",
    "resolve_predicate",
    "resolve_source",
    "show",
    "sources",
    "stats",
]
