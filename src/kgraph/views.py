"""The look-ups' results: pydantic view models, one per thing a look-up returns.

Read-only pictures of the graph for people and programs: a :class:`ClaimView` carries
everything needed to read one claim on its own (its parties labelled, its figure in words,
how firmly and by whom it is said, where it is written, and whether the curators added it).
The dataset models of :mod:`kgraph.models` are reused inside them, not changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_serializer,
    model_serializer,
)

from kgraph.models import Evidence, Modality, Qualifiers
from kgraph.present import MODALITY_LABELS, mark


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
    when: str | None = Field(default=None, description="for an event: its date or period, at its precision")
    when_by_curators: bool = Field(
        default=False, description="for an event: some of its date rests only on the curators' claims"
    )

    @model_serializer(mode="wrap")
    def _event_fields_on_events(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if self.type != "Event" and isinstance(data, dict):
            data.pop("when", None)
            data.pop("when_by_curators", None)
        return data


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
    kind: str | None = Field(default=None, description="article, report, dataset or press-release")
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    held: bool = Field(default=True, description="its text is held (SHA-256), so evidence is offsets")

    @property
    def name(self) -> str:
        """How a chain names the source: its publisher, else its title."""
        return self.publisher or self.title


def _plain_number(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


STATEMENT_COLUMNS: tuple[str, ...] = (
    *("id", "key", "subject", "subject_id", "relation", "predicate", "object", "object_id", "figure"),
    *("event", "event_when"),
    *("point_in_time", "start", "end", "duration", "value", "min_value", "max_value", "unit"),
    *("share", "share_of", "approximate", "item", "since", "modality", "by_curators", "curated", "via"),
    *("attributed_to", "attributed_to_id", "sources", "source", "evidence", "quote", "text", "note"),
)
"""The statement table, one row per claim (:meth:`ClaimView.row`): the columns of
``kgraph claims -f csv/tsv`` and of ``kgraph export -o x.csv/.tsv`` (docs/export.md). ``sources``
is filled by :class:`CountedClaimView` only."""


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
    by_curators: bool = Field(
        default=False, description="the whole claim is the curators' (modality curatorInferred)"
    )
    curated: list[str] = Field(
        default_factory=list, description="qualifiers whose values are the curators' reading (marked *)"
    )
    event: EntityRef | None = Field(
        default=None, description="the event the claim is about (subject or object), with its date"
    )
    via: list[Step] = Field(
        default_factory=list,
        description="how a rolled-up claim was reached from the actor asked about: the parts and "
        "events in between, nearest first; empty for a claim about the actor itself",
    )

    @field_serializer("qualifiers", when_used="json")
    def _qualifiers(self, q: Qualifiers) -> dict[str, Any]:
        return {k: _plain_number(v) for k, v in q.model_dump(exclude_none=True).items()}

    @field_serializer("evidence", when_used="json")
    def _evidence(self, spans: list[Evidence]) -> list[dict[str, Any]]:
        return [e.model_dump(exclude_none=True) for e in spans]

    @property
    def modality_label(self) -> str:
        return MODALITY_LABELS[self.modality]

    @property
    def chain(self) -> str:
        """The attribution chain, origin first, ending with the source:
        ``SIPRI, via Azeriha, via Courrier d'Erevan``."""
        links = [a.label for a in self.attributed_to]
        if self.source is not None and self.source.name not in links:
            links.append(self.source.name)
        return ", via ".join(links)

    @property
    def origin(self) -> str:
        """Who is at the head of the chain: the first attributed agent, else the source's
        publisher, else the source (what 'independent sources' counts distinct ones of)."""
        if self.attributed_to:
            return self.attributed_to[0].id
        if self.source is not None:
            return self.source.publisher or self.source.iri
        return self.id

    def row(self) -> dict[str, str | int | float | bool | None]:
        """The claim as one flat row of the statement table (:data:`STATEMENT_COLUMNS`)."""
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
            "event": self.event.label if self.event else None,
            "event_when": mark(self.event.when or "", self.event.when_by_curators) or None
            if self.event
            else None,
        }
        for name in Qualifiers.model_fields:
            value = getattr(q, name)
            row[name] = _plain_number(value)  # type: ignore[assignment]
        row |= {
            "modality": self.modality,
            "by_curators": self.by_curators,
            "curated": "; ".join(self.curated) or None,
            "via": via_text(self.via) or None,
            "attributed_to": "; ".join(a.label for a in self.attributed_to),
            "attributed_to_id": "; ".join(a.id for a in self.attributed_to),
            "sources": None,
            "source": self.source.id if self.source else None,
            "evidence": evidence_text(self.evidence),
            "quote": quotes_text(self.evidence),
            "text": self.text,
            "note": self.note,
        }
        return row


class Step(_View):
    """One link of a roll-up chain: ``node`` is reached through the claim ``relation``
    (``part of``, ``participant``) from the node before it."""

    node: EntityRef
    relation: str = Field(description="part of, member of, based in, or participant (an event taken part in)")
    claim: str = Field(description="the IRI of the claim that makes the link")
    modality: Modality


def via_text(steps: Sequence[Step]) -> str:
    """``via Iranian parliament (part of) → Some members of the Iranian parliament (part of)``,
    read from the thing the claim is about up to the actor asked about, reversed: the actor
    reached first is named first."""
    if not steps:
        return ""
    names = [
        f"{s.node.label} ({s.relation}{'' if s.modality == 'asserted' else ', ' + s.modality})" for s in steps
    ]
    return "via " + " → ".join(names)


def evidence_text(spans: Sequence[Evidence]) -> str:
    """Where each span is: ``tiny@0-153``; spans of one source share it: ``tiny@0-153,200-210; other@5-9``."""
    by_source: dict[str, list[str]] = {}
    for e in spans:
        by_source.setdefault(e.source or "?", []).append(e.where())
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
    total: int = Field(default=0, description="claims of this relation and direction, shown or not")


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
    through: list[ClaimView] = Field(
        default_factory=list,
        description="claims about its parts, members and the events it took part in, each with ``via``",
    )
    through_limit: int | None = Field(default=None, description="how many of them were left out, if any")
    limit: int | None = Field(
        default=None, description="claims shown at most per relation and per section (None: all of them)"
    )
    total: int = Field(default=0, description="claims on the card, shown or not")
    truncated: bool = Field(default=False, description="some claims are left out (``limit``)")
    properties_total: int = 0
    events_total: int = 0
    attributed_total: int = 0
    through_total: int = 0

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
        out += [("through", c) for c in self.through]
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
    kind: str | None = Field(default=None, description="article, report, dataset or press-release")
    description: str | None = None
    sha256: str | None = None
    length: int | None = Field(default=None, description="in Unicode code points")
    language: str | None = None
    file_name: str | None = None
    title_by_curators: bool = Field(default=False, description="the curators wrote the title (marked *)")
    publisher: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    retrieved: str | None = None
    not_stated: list[str] = Field(
        default_factory=list, description="record fields the source does not give (printed 'not stated')"
    )
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
    when_by_curators: bool = Field(
        default=False, description="some value of ``when`` is stated only by curator-inferred claims"
    )
    by_curators: list[str] = Field(
        default_factory=list, description="which of date, start, end only the curators give"
    )
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
    """Connections between two actors (``kgraph path``): the shortest, or with ``all_paths`` every
    simple path within ``max_hops``; empty when there is none."""

    from_: EntityRef = Field(alias="from")
    to: EntityRef
    max_hops: int
    length: int | None = Field(default=None, description="hops in the shortest path; None when unconnected")
    paths: list[GraphPath] = Field(default_factory=list)
    all_paths: bool = Field(
        default=False, description="every simple path within max_hops, ranked, not only the shortest"
    )
    found: int = Field(
        default=0,
        description="how many paths exist: shortest ones counted up to 10,000; with all_paths, "
        "simple ones up to 2,000",
    )
    truncated: bool = Field(default=False, description="more paths exist than were returned")


class Neighbor(_View):
    entity: EntityRef
    distance: int
    hops: list[Hop] = Field(description="how it is reached from the nodes one step nearer the centre")


class NeighborsResult(_View):
    """Actors and events within ``depth`` hops of one (``kgraph neighbors``)."""

    center: EntityRef
    depth: int
    neighbors: list[Neighbor] = Field(default_factory=list)
    budget: int | None = Field(default=None, description="most actors and events the walk holds (None: all)")
    cut: int = Field(default=0, description="actors and events reached but left out to keep to the budget")
    truncated: bool = Field(default=False, description="the walk stopped at its budget (``cut`` > 0)")


# ---------------------------------------------------------------- small helpers


# No model_rebuild() here: the views are built on first use (defer_build), when ``Step`` and
# every other name they mention is defined; a rebuild at import would build them all, always.


# ---------------------------------------------------------------- compare (kgraph.compare)


class CountedClaimView(ClaimView):
    """A claim of ``kgraph claims``: a :class:`ClaimView` with how many independent sources
    agree with it (:func:`kgraph.compare.agreeing_origins`)."""

    sources: int = Field(
        description="distinct origins (heads of attribution chains) among the claims of the same "
        "subject, relation and object that agree with this one — same figure and period, or both "
        "without a figure — this claim included; counted over the whole graph, not only the claims listed"
    )

    def row(self) -> dict[str, str | int | float | bool | None]:
        return super().row() | {"sources": self.sources}


CompareStatus = Literal["corroborated", "differing", "single-source"]


class ComparedClaim(CountedClaimView):
    """A claim of a :class:`CompareGroup`: its figure and period apart, and who is behind it."""

    compared: str | None = Field(description="the figure compared, '60%' or '1 billion USD'; None: no figure")
    measure: str = Field(description="the figure in words without the period: '60% of arms imports'")
    period: str | None = Field(description="the claim's own period at its precision: '2015–2019'")
    period_marked: str | None = Field(description="the period with the curators' marks (tables)")
    origin_name: str = Field(description="who is at the head of its attribution chain, by name")

    @model_serializer(mode="wrap")
    def _with_chain(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            data["chain"] = self.chain
            data["origin"] = self.origin
        return data


class CompareGroup(_View):
    """The claims that state one subject–relation–object, and what their sources say together."""

    subject: EntityRef
    predicate: PredicateRef
    object: EntityRef | LiteralRef
    status: CompareStatus = Field(
        description="differing: comparable figures for the same or overlapping periods differ; "
        "corroborated: several independent origins agree; single-source: one origin only"
    )
    origins: list[str] = Field(description="the independent origins behind its claims, by name")
    findings: list[str] = Field(description="what the sources say together, in plain words")
    claims: list[ComparedClaim]


class CompareResult(_View):
    """``kgraph compare``: groups of claims stating the same thing, in subject–relation–object order."""

    groups: list[CompareGroup] = Field(default_factory=list)
