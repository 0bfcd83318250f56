"""pydantic models at kgraph's edges: the curated YAML a dataset is written in, and what
look-ups return. ``kgraph.mapping`` turns them into triples and back.

Identifiers in a dataset are short: an actor or event is named by its slug (``israel``),
a term by a CURIE (``kg:suppliesArmsTo``, ``dcterms:date``); a bare predicate name means
a ``kg:`` term. Read back from a graph, they come back the same way, except that a resource
outside ``kgr:`` (``wd:Q227``, ``<http://example.org/x>``) is named by its full IRI.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from kgraph.lexical import canonical_duration, is_duration

SourceKind = Literal["article", "report", "dataset", "press-release"]
SOURCE_KINDS: tuple[str, ...] = ("article", "report", "dataset", "press-release")

Modality = Literal["asserted", "reported", "alleged", "analysis", "curatorInferred"]
MODALITIES: tuple[str, ...] = ("asserted", "reported", "alleged", "analysis", "curatorInferred")

SLUG = r"^[a-z0-9][a-z0-9-]*$"
Slug = Annotated[str, Field(pattern=SLUG)]

# The lexical forms of the XSD date types; the datatype carries the precision.
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), datatype)
    for pattern, datatype in (
        (r"^-?\d{4}$", "gYear"),
        (r"^-?\d{4}-(0[1-9]|1[0-2])$", "gYearMonth"),
        (r"^-?\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", "date"),
        (r"^--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", "gMonthDay"),
        (r"^--(0[1-9]|1[0-2])$", "gMonth"),
        (r"^\d{3}X$", "decade"),
    )
)
"""A decade ("the 1980s") has no XSD type: it is written as EDTF level 1 (``198X``, one digit
unspecified) with the Library of Congress datatype ``edtf:EDTF``; see :func:`date_datatype_iri`."""

_XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_EDTF = "http://id.loc.gov/datatypes/edtf/EDTF"


def date_datatype_iri(value: str) -> str:
    """The datatype IRI of a partial date: xsd:gYear for ``1991``, edtf:EDTF for ``198X``."""
    kind = date_datatype(value)
    return _EDTF if kind == "decade" else _XSD_NS + kind


def date_datatype(value: str) -> str:
    """The XSD datatype local name for a partial date, e.g. ``2022-12`` -> ``gYearMonth``.

    Raises ValueError for anything that is not a valid (partial) date.
    """
    for pattern, datatype in _DATE_PATTERNS:
        if pattern.match(value):
            import datetime

            try:
                if datatype == "date":
                    datetime.date.fromisoformat(value.lstrip("-"))  # rejects 2023-02-30
                elif datatype == "gMonthDay":
                    # 2000 is a leap year, so --02-29 passes and --02-30 or --04-31 do not.
                    datetime.date(2000, int(value[2:4]), int(value[5:7]))
            except ValueError:
                raise ValueError(f"{value!r} is not a date: that day does not exist") from None
            return datatype
    raise ValueError(
        f"{value!r} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD, --MM-DD, --MM or a decade such as 198X"
    )


def _check_date(value: str | None) -> str | None:
    if value is not None:
        date_datatype(value)
    return value


class _Model(BaseModel):
    # Schemas are built on first use: a look-up never builds Dataset's or Source's.
    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)


LOCATOR_FIELDS: tuple[str, ...] = ("url", "page", "table", "section")
"""Where in a source whose text is not held the evidence is (a web page, a PDF page, a table)."""


class Evidence(_Model):
    """Where a source supports a claim or names an entity.

    Either a span of a text kgraph can check (``start``/``end``: Unicode code points from the
    start of the text, end exclusive, as the W3C Web Annotation TextPositionSelector counts), or,
    for a source whose text is not held (a paywalled page, a dataset), a locator: ``url`` and, as
    far as known, ``page``, ``table``, ``section``. In a claims file a short ``quote`` may stand
    for the offsets: ``kgraph add`` finds it in the source text and stores the offsets only.
    """

    source: str | None = Field(default=None, description="source document slug; in a dataset, its own source")
    start: int | None = Field(default=None, ge=0, description="first code point of the span")
    end: int | None = Field(default=None, ge=0, description="code point after the span's last")
    quote: str | None = Field(
        default=None,
        min_length=1,
        description="claims files only: a short quote that `kgraph add` finds in the source text and "
        "replaces by its offsets; never stored",
    )
    url: str | None = Field(default=None, description="locator: the page the evidence is on (schema:url)")
    page: str | None = Field(default=None, description="locator: page or pages, e.g. 12 or 12-14")
    table: str | None = Field(default=None, description="locator: a table, e.g. Table 3")
    section: str | None = Field(default=None, description="locator: a section, heading or paragraph")
    exact: str | None = Field(
        default=None,
        description="the quoted text; filled only at run time from the user's own copy, never stored",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        offsets = self.start is not None or self.end is not None
        # The common case, read back from a graph: a span, checked without the lists below.
        span = self.start is not None and self.end is not None and self.end > self.start
        if span and self.quote is None and not self.is_locator:
            return self
        kinds = [
            k
            for k, on in (
                ("offsets", offsets),
                ("quote", self.quote is not None),
                ("locator", self.is_locator),
            )
            if on
        ]
        if not kinds:
            raise ValueError(
                "evidence needs offsets (start, end), a quote, or a locator (url, page, table, section)"
            )
        if len(kinds) > 1:
            raise ValueError(f"evidence gives {' and '.join(kinds)}: give one of offsets, quote or locator")
        if offsets:
            if self.start is None or self.end is None:
                raise ValueError("evidence offsets need both start and end")
            if self.end <= self.start:
                raise ValueError(f"evidence end {self.end} must be greater than start {self.start}")
        return self

    @property
    def is_locator(self) -> bool:
        # Spelled out rather than looped over LOCATOR_FIELDS: it runs for every span read back.
        return (
            self.url is not None
            or self.page is not None
            or self.table is not None
            or self.section is not None
        )

    @property
    def anchored(self) -> bool:
        """Anchored to a text by offsets (checkable against the source's SHA-256)."""
        return self.start is not None and self.end is not None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.source or "", self.start or 0, self.end or 0, self.where())

    def where(self) -> str:
        """``1766-1882`` for a span; ``p. 12, Table 3, §Exports, https://…`` for a locator."""
        if self.anchored:
            return f"{self.start}-{self.end}"
        if self.quote is not None:
            return f"“{self.quote}”"
        parts = [
            *([f"p. {self.page}"] if self.page else []),
            *([self.table] if self.table else []),
            *([f"§{self.section}"] if self.section else []),
            *([self.url] if self.url else []),
        ]
        return ", ".join(parts)


class Qualifiers(_Model):
    """When, how much and of what: Wikidata-style qualifiers on a claim."""

    point_in_time: str | None = Field(
        default=None, description="dcterms:date; YYYY, YYYY-MM, YYYY-MM-DD, --MM-DD, a decade 198X"
    )
    start: str | None = Field(default=None, description="schema:startDate")
    end: str | None = Field(default=None, description="schema:endDate")
    duration: str | None = Field(default=None, description="schema:duration, xsd:duration such as PT24H")
    value: Decimal | None = Field(default=None, description="schema:value")
    min_value: Decimal | None = Field(default=None, description="schema:minValue")
    max_value: Decimal | None = Field(default=None, description="schema:maxValue")
    unit: str | None = Field(default=None, description="schema:unitText, e.g. USD, cargo aircraft")
    share: Decimal | None = Field(default=None, ge=0, le=1, description="kg:share, a fraction in [0, 1]")
    share_of: str | None = Field(default=None, description="kg:shareOf: the whole the share is a part of")
    approximate: bool | None = Field(default=None, description="kg:approximate")
    item: str | None = Field(default=None, description="kg:item: what is supplied, sold or shared")
    since: str | None = Field(
        default=None,
        description="kg:since: an event (slug) from whose start the claim holds, when the source "
        "dates it only by that event ('since the start of the conflict')",
    )

    _v_point = field_validator("point_in_time", "start", "end")(classmethod(lambda cls, v: _check_date(v)))

    @field_validator("duration")
    @classmethod
    def _duration(cls, v: str | None) -> str | None:
        # Written in its canonical form (PT24H → P1D), the one every store gives back
        # (kgraph.lexical), so that the graph file, a store and a server agree.
        if v is None:
            return v
        if not is_duration(v):
            raise ValueError(f"{v!r} is not an xsd:duration such as PT24H or P3D")
        return canonical_duration(v)

    def is_empty(self) -> bool:
        return all(v is None for v in self.model_dump().values())


class LiteralValue(_Model):
    """A literal claim object, e.g. a date or a characteristic in our own words."""

    value: str
    datatype: str | None = Field(default=None, description="CURIE such as xsd:date; None for a plain string")
    language: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if self.datatype and self.language:
            raise ValueError("a literal has a datatype or a language, not both")
        return self


READ_BACK = "kgraph.read_back"
"""Validation context key set by :func:`kgraph.mapping.from_triples`: a model read back from a
graph may name a resource outside ``kgr:`` by its full IRI where a dataset would use a slug."""

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")


def _slug_or_read_back_iri(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
    """A slug, as the curated YAML must give it; read back from a graph, also a full IRI."""
    context = info.context
    if (
        isinstance(context, dict)
        and context.get(READ_BACK)
        and isinstance(value, str)
        and _ABSOLUTE_IRI.match(value)
        and not re.match(SLUG, value)
    ):
        return value
    return handler(value)


SOURCE_RECORD_FIELDS: tuple[str, ...] = ("publisher", "author", "published", "url", "retrieved")
"""The bibliographic fields of a source record, each either given or declared not stated."""


class Source(_Model):
    """A source document, identified by the SHA-256 of its text."""

    id: Slug = Field(description="slug; read back from a graph, the full IRI of a document outside kgr:")
    title: str = Field(description="a descriptive title in our words")
    kind: SourceKind | None = Field(default=None, description="article, report, dataset or press-release")
    sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the UTF-8 text, when the text is held; a source without one is cited "
        "by locators only",
    )
    length: int | None = Field(
        default=None, ge=0, description="length of the text in Unicode code points, with sha256"
    )
    language: str = Field(default="en", description="BCP 47 language of the text, e.g. en, ru, az")
    file_name: str | None = None
    description: str | None = None
    title_by_curators: bool = Field(
        default=False, description="the title is the curators' description; the text gives none"
    )
    publisher: str | None = Field(default=None, description="dcterms:publisher, as the source names it")
    author: str | None = Field(default=None, description="dcterms:creator")
    published: str | None = Field(default=None, description="dcterms:issued; YYYY, YYYY-MM or YYYY-MM-DD")
    url: str | None = Field(default=None, description="schema:url where the text was read")
    retrieved: str | None = Field(default=None, description="kg:retrieved: when the curators read it")
    not_stated: list[str] = Field(
        default_factory=list,
        description="record fields (publisher, author, published…) the curators looked for and the "
        "source does not give (kg:notStated)",
    )

    _v_published = field_validator("published", "retrieved")(classmethod(lambda cls, v: _check_date(v)))

    @property
    def held(self) -> bool:
        """Is the text held (identified by its SHA-256), so that offsets can point into it?"""
        return self.sha256 is not None

    @model_validator(mode="after")
    def _not_stated(self) -> Self:
        if self.length is not None and self.sha256 is None:
            raise ValueError("length: a text length needs the text's sha256")
        for name in self.not_stated:
            if name not in SOURCE_RECORD_FIELDS:
                raise ValueError(f"not_stated: {name!r} is not one of {', '.join(SOURCE_RECORD_FIELDS)}")
            if getattr(self, name) is not None:
                raise ValueError(f"not_stated: {name} has a value")
        return self

    _v_id = field_validator("id", mode="wrap")(_slug_or_read_back_iri)


class Entity(_Model):
    """An actor or an event: a typed, labelled node of the graph."""

    id: Slug = Field(
        description="slug (kgr:SLUG); read back from a graph, the full IRI of a resource outside kgr:"
    )
    type: str = Field(description="a kg: class local name (State, Company, Event...)")
    label: str
    aliases: list[str] = Field(default_factory=list)
    description: str | None = Field(default=None, description="in our own words")
    wikidata: str | None = Field(
        default=None, pattern=r"^Q\d+$", description="added by the curator, never by the article"
    )
    mentions: list[Evidence] = Field(default_factory=list, description="where the source names it")
    source: str | None = Field(
        default=None, description="the source of the mentions; the dataset's by default"
    )
    same_as: str | None = Field(
        default=None,
        description="claims files: an actor already in the target graph (slug, label, alias, CURIE or "
        "Wikidata id) that this one is; `kgraph add` merges them and records the merge",
    )
    merge_note: str | None = Field(default=None, description="why the curators merge it (with same_as)")

    _v_id = field_validator("id", mode="wrap")(_slug_or_read_back_iri)


class Claim(_Model):
    """One sourced statement: subject, predicate, object, qualifiers, attribution, modality, evidence."""

    key: Slug | None = Field(default=None, description="a handle for links between claims in one dataset")
    id: str | None = Field(default=None, description="the claim's IRI; derived from its content when built")
    subject: str
    predicate: str
    object: str | LiteralValue
    text: str = Field(description="the claim as a readable sentence, in our own words")
    modality: Modality
    attributed_to: list[str] = Field(
        default_factory=list,
        description="the attribution chain, in order: who first made the claim, then each who passed it "
        "on before the source (SIPRI, then an outlet that relayed it); the source itself is the last link",
    )
    source: str | None = Field(default=None, description="source document slug; the dataset's by default")
    qualifiers: Qualifiers = Field(default_factory=Qualifiers)
    evidence: list[Evidence] = Field(default_factory=list)
    supports: list[str] = Field(default_factory=list, description="keys or ids of claims this one backs")
    contradicts: list[str] = Field(default_factory=list)
    note: str | None = Field(default=None, description="the curator's reasoning (skos:editorialNote)")
    curated: list[str] = Field(
        default_factory=list,
        description="qualifier fields (min_value, point_in_time…) whose values are the curators' reading "
        "of the source's words rather than words of the source (kg:curatedQualifier)",
    )

    @model_validator(mode="after")
    def _curated_fields(self) -> Self:
        for name in self.curated:
            if name not in Qualifiers.model_fields:
                raise ValueError(
                    f"curated: {name!r} is not a qualifier ({', '.join(Qualifiers.model_fields)})"
                )
            if getattr(self.qualifiers, name) is None:
                raise ValueError(f"curated: the claim has no {name} qualifier to mark")
        return self


class Dataset(_Model):
    """One claims file: its source documents and what they say.

    ``source`` is the file's own source, the default of every claim, actor and event; ``sources``
    lists more (or, without ``source``, all of them), each claim then naming its own.
    """

    source: Source | None = Field(
        default=None, description="the source every item cites unless it names another"
    )
    sources: list[Source] = Field(
        default_factory=list, description="further sources, named by claims' source"
    )
    curator: str | None = Field(default=None, description="who curated the file; recorded on merges")
    actors: list[Entity] = Field(default_factory=list)
    events: list[Entity] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_sources(self) -> Self:
        if self.source is None and not self.sources:
            raise ValueError("a claims file needs a source (or a list of sources)")
        ids = [s.id for s in self.all_sources()]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"sources: {dup!r} is given twice")
        return self

    def all_sources(self) -> list[Source]:
        return ([self.source] if self.source else []) + self.sources

    @property
    def default_source(self) -> str | None:
        """The slug items cite when they name no source: ``source``, or the only one of ``sources``."""
        if self.source is not None:
            return self.source.id
        return self.sources[0].id if len(self.sources) == 1 else None

    @property
    def name(self) -> str:
        return self.default_source or self.sources[0].id
