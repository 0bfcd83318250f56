"""Models <-> triples: the only module that knows the shape of a claim in RDF.

A claim becomes, in the claim layer (see docs/data-model.md)::

    kgr:claim-<hash> a kg:Claim, rdf:Statement ;
        rdf:subject S ; rdf:predicate P ; rdf:object O ;
        dcterms:description "…"@en ; kg:modality kg:reported ;
        prov:wasDerivedFrom kgr:source-<slug> ; prov:wasAttributedTo A ;
        <qualifiers> ; kg:supports C2 .
    kgr:claim-<hash>-ev1 a oa:Annotation ; oa:hasBody kgr:claim-<hash> ;
        oa:motivatedBy oa:describing ; oa:hasTarget kgr:claim-<hash>-ev1-target .
    kgr:claim-<hash>-ev1-target a oa:SpecificResource ; oa:hasSource kgr:source-<slug> ;
        oa:hasSelector kgr:claim-<hash>-ev1-selector .
    kgr:claim-<hash>-ev1-selector a oa:TextPositionSelector ; oa:start 10 ; oa:end 42 .

and, in the direct layer, ``S P O`` itself when the source asserts it (see
:data:`DIRECT_MODALITIES`).
Terms are pyoxigraph's: cheap to import, and what the stores speak.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kgraph.errors import DataModelError
from kgraph.lexical import canonical_decimal, canonical_duration, canonical_literal
from kgraph.models import (
    READ_BACK,
    SLUG,
    Claim,
    Dataset,
    Entity,
    Evidence,
    LiteralValue,
    Qualifiers,
    Source,
    date_datatype_iri,
)
from kgraph.namespaces import (
    DCT,
    EDTF,
    KG,
    KGR,
    OA,
    PREFIXES,
    PROV,
    RDF,
    SCHEMA,
    SKOS,
    WD,
    XSD,
    compact_iri,
    expand_curie,
)
from kgraph.serialize import canonical

Term = NamedNode | BlankNode | Literal


RDF_TYPE = NamedNode(RDF + "type")
DATE_DATATYPES = frozenset([*(XSD + t for t in ("date", "gYear", "gYearMonth", "gMonthDay", "gMonth")), EDTF])
"""The datatypes of a (partial) date: the XSD types, and EDTF for a decade."""
SOURCE_PREFIX = "source-"
CLAIM_PREFIX = "claim-"
MENTION_PREFIX = "mention-"
DIRECT_MODALITIES = frozenset({"asserted"})
"""Only what the source itself asserts also appears as a plain ``S P O`` triple (like Wikidata's
truthy layer); reported, alleged, analysis and curator-inferred claims live in the claim layer
alone, so a plain query never reads a report as a fact. A curator's external-id link
(``skos:exactMatch wd:…``) is the one exception: an identity link, kept as a direct triple."""


def is_external_id(predicate: str, obj: object) -> bool:
    """A curator's link to a Wikidata item (``skos:exactMatch wd:Q…``)."""
    return predicate == SKOS + "exactMatch" and str(obj).startswith(WD)


def in_direct_layer(modality: str, predicate: str, obj: object) -> bool:
    """Does a claim of this modality, predicate and object (IRIs) also get its plain triple?"""
    return modality in DIRECT_MODALITIES or is_external_id(predicate, obj)


def _n(iri: str) -> NamedNode:
    try:
        return NamedNode(iri)
    except ValueError as e:  # pyoxigraph's IRI check: a stray space, a bad %-escape…
        raise DataModelError(f"{iri!r} is not a valid IRI ({e})") from None


def _xsd(local: str) -> NamedNode:
    return NamedNode(XSD + local)


def _text(value: str) -> Literal:
    return Literal(value, language="en")


def _date(value: str) -> Literal:
    return Literal(value, datatype=_n(date_datatype_iri(value)))


def _decimal(value: Decimal) -> Literal:
    # Canonical (100.0 → 100), as every store gives it back: see kgraph.lexical.
    return Literal(canonical_decimal(value), datatype=_xsd("decimal"))


def _nonneg(value: int) -> Literal:
    # xsd:integer rather than Web Annotation's xsd:nonNegativeInteger: Oxigraph stores derived
    # integer types as xsd:integer, and the file must say exactly what every store gives back.
    # SHACL checks that the value is not negative.
    return Literal(str(value), datatype=_xsd("integer"))


# Qualifier field -> (property IRI, literal maker, reader)
_QUALIFIERS: dict[str, tuple[str, str]] = {
    "point_in_time": (DCT + "date", "date"),
    "start": (SCHEMA + "startDate", "date"),
    "end": (SCHEMA + "endDate", "date"),
    "duration": (SCHEMA + "duration", "duration"),
    "value": (SCHEMA + "value", "decimal"),
    "min_value": (SCHEMA + "minValue", "decimal"),
    "max_value": (SCHEMA + "maxValue", "decimal"),
    "unit": (SCHEMA + "unitText", "string"),
    "share": (KG + "share", "decimal"),
    "share_of": (KG + "shareOf", "text"),
    "approximate": (KG + "approximate", "boolean"),
    "item": (KG + "item", "text"),
    "since": (KG + "since", "entity"),
}
_QUALIFIER_BY_IRI = {iri: (field, kind) for field, (iri, kind) in _QUALIFIERS.items()}


def _qualifier_term(kind: str, value: object) -> Term:
    if kind == "entity":
        return _field("since", resolve_term, str(value))
    return _qualifier_literal(kind, value)


def _qualifier_literal(kind: str, value: object) -> Literal:
    if kind == "date":
        return _date(str(value))
    if kind == "duration":
        return Literal(canonical_duration(str(value)), datatype=_xsd("duration"))
    if kind == "decimal":
        assert isinstance(value, Decimal)
        return _decimal(value)
    if kind == "boolean":
        return Literal("true" if value else "false", datatype=_xsd("boolean"))
    if kind == "text":
        return _text(str(value))
    return Literal(str(value))


# ---------------------------------------------------------------- identifiers


_FULL_IRI = ("http://", "https://", "urn:")


def entity_iri(ref: str) -> NamedNode:
    """An actor's or event's IRI: ``kgr:SLUG`` for a slug; a full IRI (an entity read back
    from a graph, outside ``kgr:``) is kept as it is."""
    return _n(ref) if ref.startswith(_FULL_IRI) else _n(KGR + ref)


def source_iri(slug: str) -> NamedNode:
    return _n(KGR + SOURCE_PREFIX + slug)


def resolve_term(ref: str, *, kind: str = "entity") -> NamedNode:
    """A dataset reference -> IRI: a slug (entity), a CURIE of ours, or a full IRI.

    Predicates given as a bare name are kg: terms.
    """
    if ref.startswith(_FULL_IRI):
        return _n(ref)
    if ":" in ref:
        iri = expand_curie(ref)
        if iri is None:
            raise DataModelError(f"unknown prefix in {ref!r}; known: {', '.join(PREFIXES)}")
        if iri.startswith(KG):
            _check_kg_term(iri[len(KG) :])
        return _n(iri)
    if kind == "predicate":
        _check_kg_term(ref)
        return _n(KG + ref)
    return entity_iri(ref)


def _check_kg_term(local: str) -> None:
    from kgraph.vocab import KG as KGNS  # rdflib is imported only when a dataset is built

    try:
        getattr(KGNS, local)
    except AttributeError:
        raise DataModelError(f"kg:{local} is not a kgraph term (see docs/data-model.md)") from None


def object_term(obj: str | LiteralValue) -> Term:
    if isinstance(obj, LiteralValue):
        if obj.language:
            return Literal(obj.value, language=obj.language)
        if obj.datatype:
            dt = resolve_term(obj.datatype, kind="datatype")
            if dt.value in DATE_DATATYPES:
                try:
                    if date_datatype_iri(obj.value) != dt.value:
                        raise ValueError
                except ValueError:
                    raise DataModelError(f"{obj.value!r} is not a valid {compact_iri(dt.value)}") from None
            # As a store gives it back (kgraph.lexical): 1.0E0 → 1, and xsd:int → xsd:integer.
            lexical, datatype = canonical_literal(obj.value, dt.value)
            return Literal(lexical, datatype=NamedNode(datatype))
        return Literal(obj.value)
    return resolve_term(obj)


class FieldError(DataModelError):
    """A DataModelError about one field of a dataset model (``predicate``, ``attributed_to.1``);
    :func:`dataset_triples` says which file and which claim, actor or event it belongs to."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


T = TypeVar("T")


def _field(field: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)``, its DataModelError made a FieldError about ``field``."""
    try:
        return fn(*args, **kwargs)
    except FieldError:
        raise
    except DataModelError as e:
        raise FieldError(field, str(e)) from None


def claim_iri(claim: Claim, source: str) -> NamedNode:
    """Derived from what the claim says, so the same claim added twice is one node."""
    subject = _field("subject", resolve_term, claim.subject).value
    predicate = _field("predicate", resolve_term, claim.predicate, kind="predicate").value
    obj = str(_field("object", object_term, claim.object))
    qualifiers = {
        k: str(v) if isinstance(v, Decimal) else v
        for k, v in claim.qualifiers.model_dump(exclude_none=True).items()
    }
    if "since" in qualifiers:
        qualifiers["since"] = _field("qualifiers.since", resolve_term, qualifiers["since"]).value
    for k in ("value", "min_value", "max_value", "share"):
        if k in qualifiers:
            qualifiers[k] = _decimal(Decimal(qualifiers[k])).value
    key = json.dumps(
        [
            subject,
            predicate,
            obj,
            source_iri(source).value,
            # In order: a chain told the other way round is another claim. One link sorts the same.
            [_field(f"attributed_to.{i}", resolve_term, a).value for i, a in enumerate(claim.attributed_to)],
            claim.modality,
            qualifiers,
        ],
        sort_keys=True,
        ensure_ascii=False,
    )
    return _n(KGR + CLAIM_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16])


def mention_iri(entity: str, source: str, span: Evidence) -> NamedNode:
    key = (
        f"{entity}|{source}|{span.start}|{span.end}" if span.anchored else f"{entity}|{source}|{span.where()}"
    )
    return _n(KGR + MENTION_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:16])


# ---------------------------------------------------------------- models -> triples


LOCATOR: dict[str, tuple[str, str]] = {
    "url": (SCHEMA + "url", "iri"),
    "page": (SCHEMA + "pagination", "string"),
    "table": (KG + "table", "string"),
    "section": (KG + "section", "string"),
}
"""Locator field -> (property of a kg:LocatorSelector, kind of value); see docs/data-model.md."""
_LOCATOR_BY_IRI = {iri: field for field, (iri, _) in LOCATOR.items()}


def _selector(selector: NamedNode, span: Evidence) -> list[Triple]:
    if span.quote is not None:
        raise FieldError(
            "evidence", f"quote {span.quote!r} is not turned into offsets: add the file with `kgraph add`"
        )
    if span.anchored:
        assert span.start is not None and span.end is not None
        return [
            Triple(selector, RDF_TYPE, _n(OA + "TextPositionSelector")),
            Triple(selector, _n(OA + "start"), _nonneg(span.start)),
            Triple(selector, _n(OA + "end"), _nonneg(span.end)),
        ]
    out = [Triple(selector, RDF_TYPE, _n(KG + "LocatorSelector"))]
    for field, (iri, kind) in LOCATOR.items():
        value = getattr(span, field)
        if value is not None:
            out.append(
                Triple(
                    selector,
                    _n(iri),
                    _field(f"evidence.{field}", _iri, value) if kind == "iri" else Literal(value),
                )
            )
    return out


def _iri(value: str) -> NamedNode:
    try:
        return _n(value)
    except ValueError:
        raise DataModelError(f"{value!r} is not an IRI") from None


def _annotation(
    node: NamedNode, body: NamedNode, source: NamedNode, span: Evidence, motivation: str
) -> list[Triple]:
    target = _n(node.value + "-target")
    selector = _n(node.value + "-selector")
    return [
        Triple(node, RDF_TYPE, _n(OA + "Annotation")),
        Triple(node, _n(OA + "hasBody"), body),
        Triple(node, _n(OA + "motivatedBy"), _n(OA + motivation)),
        Triple(node, _n(OA + "hasTarget"), target),
        Triple(target, RDF_TYPE, _n(OA + "SpecificResource")),
        Triple(target, _n(OA + "hasSource"), source),
        Triple(target, _n(OA + "hasSelector"), selector),
        *_selector(selector, span),
    ]


def source_triples(source: Source) -> list[Triple]:
    s = source_iri(source.id)
    out = [
        Triple(s, RDF_TYPE, _n(KG + "SourceDocument")),
        Triple(s, _n(DCT + "title"), _text(source.title)),
        Triple(s, _n(DCT + "language"), Literal(source.language)),
        Triple(s, _n(SKOS + "notation"), Literal(source.id)),
    ]
    if source.sha256 is not None:
        out.append(Triple(s, _n(SCHEMA + "sha256"), Literal(source.sha256)))
        if source.length is not None:
            out.append(Triple(s, _n(KG + "textLength"), _nonneg(source.length)))
    if source.kind is not None:
        out.append(Triple(s, RDF_TYPE, _n(SOURCE_KINDS[source.kind])))
    if source.file_name:
        out.append(Triple(s, _n(DCT + "identifier"), Literal(source.file_name)))
    if source.description:
        out.append(Triple(s, _n(DCT + "description"), _text(source.description)))
    if source.title_by_curators:
        out.append(Triple(s, _n(KG + "curatorTitle"), Literal("true", datatype=_xsd("boolean"))))
    for field, (iri, kind) in SOURCE_RECORD.items():
        value = getattr(source, field)
        if value is not None:
            out.append(Triple(s, _n(iri), _n(value) if kind == "iri" else _qualifier_literal(kind, value)))
    out += [Triple(s, _n(KG + "notStated"), _n(SOURCE_RECORD[f][0])) for f in sorted(source.not_stated)]
    return out


SOURCE_KINDS: dict[str, str] = {
    "article": SCHEMA + "Article",
    "report": SCHEMA + "Report",
    "dataset": SCHEMA + "Dataset",
    "press-release": KG + "PressRelease",
}
"""A source's kind -> the class it gets besides kg:SourceDocument (schema.org's where it has one)."""
SOURCE_KIND_BY_IRI = {iri: kind for kind, iri in SOURCE_KINDS.items()}

SOURCE_RECORD: dict[str, tuple[str, str]] = {
    "publisher": (DCT + "publisher", "string"),
    "author": (DCT + "creator", "string"),
    "published": (DCT + "issued", "date"),
    "url": (SCHEMA + "url", "iri"),
    "retrieved": (KG + "retrieved", "date"),
}
"""Source record field -> (property, kind of value); see docs/data-model.md."""
_SOURCE_RECORD_BY_IRI = {iri: field for field, (iri, _) in SOURCE_RECORD.items()}


def entity_triples(entity: Entity, default_source: str | None, *, is_event: bool) -> list[Triple]:
    s = entity_iri(entity.id)
    if entity.same_as is not None:
        raise FieldError("same_as", "a merge is made by `kgraph add`, against the graph it adds to")
    kind = "Event" if is_event else "Actor"
    if is_event and entity.type != "Event":
        raise FieldError("type", f"an event must have type Event, not {entity.type!r}")
    type_iri = _field("type", resolve_term, f"kg:{entity.type}")
    out = [Triple(s, RDF_TYPE, type_iri), Triple(s, _n(SKOS + "prefLabel"), _text(entity.label))]
    if type_iri.value != KG + kind:
        out.append(Triple(s, RDF_TYPE, _n(KG + kind)))
    out += [Triple(s, _n(SKOS + "altLabel"), _text(a)) for a in entity.aliases]
    if entity.description:
        out.append(Triple(s, _n(DCT + "description"), _text(entity.description)))
    src = entity.source or default_source
    if src is None and (entity.mentions or entity.wikidata):
        raise FieldError("source", "the file has several sources: name the one its mentions are in")
    assert src is not None or not entity.mentions
    for span in entity.mentions:
        assert src is not None
        out += _annotation(mention_iri(entity.id, src, span), s, source_iri(src), span, "identifying")
    if entity.wikidata and src is not None:
        out += claim_triples(wikidata_claim(entity, src), src, {})
    return out


def wikidata_claim(entity: Entity, source: str) -> Claim:
    """A Wikidata id is the curator's addition: it becomes a curator-inferred claim."""
    if not entity.mentions:
        raise FieldError("wikidata", f"{entity.id!r} has a Wikidata id but no mention to anchor it to")
    return Claim(
        key=f"{entity.id}-wikidata",
        subject=entity.id,
        predicate="skos:exactMatch",
        object=WD + str(entity.wikidata),
        text=f"The kgraph curators identify {entity.label} with Wikidata item {entity.wikidata}.",
        modality="curatorInferred",
        source=source,
        evidence=[entity.mentions[0]],
        note="External identifier added by the curators; the article gives none.",
    )


def claim_source(claim: Claim, default_source: str | None) -> str:
    """The slug of the source ``claim`` cites: its own, else its file's default."""
    src = claim.source or default_source
    if src is None:
        raise FieldError("source", "the file has several sources: name the one this claim comes from")
    return src


def claim_triples(claim: Claim, default_source: str | None, keys: dict[str, NamedNode]) -> list[Triple]:
    src_slug = claim_source(claim, default_source)
    c = claim_iri(claim, src_slug)
    s, p, o = (
        _field("subject", resolve_term, claim.subject),
        _field("predicate", resolve_term, claim.predicate, kind="predicate"),
        _field("object", object_term, claim.object),
    )
    src = source_iri(src_slug)
    if not claim.evidence:
        raise FieldError("evidence", "a claim needs at least one evidence span")
    out = [
        Triple(c, RDF_TYPE, _n(KG + "Claim")),
        Triple(c, RDF_TYPE, _n(RDF + "Statement")),
        Triple(c, _n(RDF + "subject"), s),
        Triple(c, _n(RDF + "predicate"), p),
        Triple(c, _n(RDF + "object"), o),
        Triple(c, _n(DCT + "description"), _text(claim.text)),
        Triple(c, _n(KG + "modality"), _n(KG + claim.modality)),
        Triple(c, _n(PROV + "wasDerivedFrom"), src),
    ]
    if claim.key:
        out.append(Triple(c, _n(DCT + "identifier"), Literal(claim.key)))
    chain = [_field(f"attributed_to.{i}", resolve_term, a) for i, a in enumerate(claim.attributed_to)]
    if len(set(chain)) != len(chain):
        raise FieldError("attributed_to", "names the same agent twice in one chain")
    out += [Triple(c, _n(PROV + "wasAttributedTo"), a) for a in chain]
    # The order of a chain (who said it first, who passed it on) as PROV qualified attributions.
    for i, agent in enumerate(chain, 1):
        step = _n(f"{c.value}-att{i}")
        out += [
            Triple(c, _n(PROV + "qualifiedAttribution"), step),
            Triple(step, RDF_TYPE, _n(PROV + "Attribution")),
            Triple(step, _n(PROV + "agent"), agent),
            Triple(step, _n(SCHEMA + "position"), _nonneg(i)),
        ]
    for field, (iri, kind) in _QUALIFIERS.items():
        value = getattr(claim.qualifiers, field)
        if value is not None:
            out.append(Triple(c, _n(iri), _qualifier_term(kind, value)))
    out += [Triple(c, _n(KG + "curatedQualifier"), _n(_QUALIFIERS[f][0])) for f in sorted(claim.curated)]
    for prop, refs in (("supports", claim.supports), ("contradicts", claim.contradicts)):
        for i, ref in enumerate(refs):
            target = keys.get(ref) or (_n(ref) if ref.startswith(("http", "urn:")) else None)
            if target is None:
                raise FieldError(f"{prop}.{i}", f"no claim of this dataset has the key {ref!r}")
            out.append(Triple(c, _n(KG + prop), target))
    if claim.note:
        out.append(Triple(c, _n(SKOS + "editorialNote"), _text(claim.note)))
    for i, span in enumerate(sorted(claim.evidence, key=Evidence.sort_key), 1):
        out += _annotation(
            _n(f"{c.value}-ev{i}"),
            c,
            src if span.source is None else source_iri(span.source),
            span,
            "describing",
        )
    if in_direct_layer(claim.modality, p.value, o.value if isinstance(o, NamedNode) else ""):
        out.append(Triple(s, p, o))
    return out


def _located(where: str, name: str, err: DataModelError) -> DataModelError:
    """``err`` as one line starting with the file and naming the model and its field."""
    if isinstance(err, FieldError):
        where, problem = f"{where}.{err.field}", err.problem
    else:
        problem = str(err)
    return DataModelError(f"{where}{f' ({name})' if name else ''}: {problem}")


def dataset_triples(
    datasets: Dataset | Sequence[Dataset],
    names: Sequence[str | Path] | None = None,
    *,
    known_entities: Collection[str] = (),
    known_sources: Collection[str] = (),
) -> list[Triple]:
    """Every triple of one or more datasets, checked for dangling references and clashes.

    ``names`` (the YAML files the datasets come from) start every error message, which then
    names the claim, actor or event and its field: ``data/source/x.yaml: claims.3.predicate
    (key 'arms'): kg:suppliesArmsToo is not a kgraph term``. Without them, the source's slug does.

    ``known_entities`` and ``known_sources`` are slugs the datasets may cite without declaring
    them: those of the graph ``kgraph add`` adds to.
    """
    if isinstance(datasets, Dataset):
        datasets = [datasets]
    labels = [str(n) for n in names] if names is not None else [f"dataset {ds.name}" for ds in datasets]
    if len(labels) != len(datasets):
        raise ValueError("give one name per dataset")
    out: list[Triple] = []
    entities: dict[str, tuple[str, str, str]] = {}
    claim_nodes: dict[str, tuple[list[Triple], str]] = {}
    sources: dict[str, str] = {}
    for ds, label in zip(datasets, labels, strict=True):
        for src in ds.all_sources():
            if src.id in sources and sources[src.id] != label:
                raise DataModelError(f"{label}: source {src.id!r} is already the source of {sources[src.id]}")
            sources[src.id] = label
            out += source_triples(src)
        for kind, items in (("actors", ds.actors), ("events", ds.events)):
            for i, entity in enumerate(items):
                where = f"{label}: {kind}.{i}"
                seen = entities.get(entity.id)
                if seen and seen[:2] != (entity.type, entity.label):
                    raise DataModelError(
                        f"{where} ({entity.id!r}): type and label ({entity.type}, {entity.label!r}) differ "
                        f"from those given in {seen[2]} ({seen[0]}, {seen[1]!r})"
                    )
                entities[entity.id] = (entity.type, entity.label, label)
                try:
                    out += entity_triples(entity, ds.default_source, is_event=kind == "events")
                except DataModelError as e:
                    raise _located(where, repr(entity.id), e) from None
    for ds, label in zip(datasets, labels, strict=True):
        keys: dict[str, NamedNode] = {}
        first: dict[str, int] = {}
        for i, claim in enumerate(ds.claims):
            if not claim.key:
                continue
            if claim.key in first:
                raise DataModelError(
                    f"{label}: claims.{i}.key: {claim.key!r} is already the key of claims.{first[claim.key]}"
                )
            first[claim.key] = i
            try:
                keys[claim.key] = claim_iri(claim, claim_source(claim, ds.default_source))
            except DataModelError as e:
                raise _located(f"{label}: claims.{i}", f"key {claim.key!r}", e) from None
        for i, claim in enumerate(ds.claims):
            where, name = f"{label}: claims.{i}", f"key {claim.key!r}" if claim.key else ""
            try:
                refs = [("subject", claim.subject)]
                refs += [(f"attributed_to.{j}", a) for j, a in enumerate(claim.attributed_to)]
                if isinstance(claim.object, str):
                    refs.append(("object", claim.object))
                if claim_source(claim, ds.default_source) not in sources.keys() | set(known_sources):
                    raise FieldError(
                        "source", f"no source has the id {claim_source(claim, ds.default_source)!r}"
                    )
                for field, ref in refs:
                    if ":" not in ref and ref not in entities and ref not in known_entities:
                        raise FieldError(field, f"no actor or event has the id {ref!r}")
                triples = claim_triples(claim, ds.default_source, keys)
                node = str(triples[0].subject)
                if node in claim_nodes and set(claim_nodes[node][0]) != set(triples):
                    other = claim_nodes[node][1]
                    raise DataModelError(
                        f"says the same as {other} but differs in detail (text, note, evidence)"
                    )
            except DataModelError as e:
                raise _located(where, name, e) from None
            claim_nodes[node] = (triples, f"{where}{f' ({name})' if name else ''}")
            out += triples
    return canonical(out)


# ---------------------------------------------------------------- triples -> models


def _ref(term: Term) -> str:
    """A resource as a dataset names it: the slug of one of ours (``kgr:israel`` -> ``israel``,
    ``kgr:source-x`` -> ``x``), else its full IRI (``wd:Q227``, ``<http://example.org/x>``)."""
    if isinstance(term, NamedNode):
        if term.value.startswith(KGR):
            local = term.value[len(KGR) :]
            local = local[len(SOURCE_PREFIX) :] if local.startswith(SOURCE_PREFIX) else local
            if _SLUG.fullmatch(local):
                return local
        return term.value
    return str(term)


_SLUG = re.compile(SLUG)
"""Compiled once: :func:`_ref` runs for every resource a look-up reads back."""


def _term_ref(term: Term) -> str:
    """A vocabulary term (a predicate, a modality) as a dataset names it: the bare name of a
    ``kg:`` term, else a CURIE of ours, else the full IRI."""
    if isinstance(term, NamedNode):
        curie = compact_iri(term.value)
        return curie[3:] if curie.startswith("kg:") else curie
    return str(term)


def _literal_value(term: Term) -> str | LiteralValue:
    if isinstance(term, Literal):
        dt = term.datatype.value
        if term.language:
            return LiteralValue(value=term.value, language=term.language)
        if dt == XSD + "string":
            return LiteralValue(value=term.value)
        return LiteralValue(value=term.value, datatype=compact_iri(dt))
    return _ref(term)


class Corpus:
    """Everything a graph says, as models: read back by :func:`from_triples`."""

    def __init__(
        self, sources: list[Source], entities: list[Entity], events: list[Entity], claims: list[Claim]
    ):
        self.sources = sources
        self.actors = entities
        self.events = events
        self.claims = claims


_PROPERTIES: dict[type[BaseModel], dict[str, str]] = {
    Claim: {
        "modality": KG + "modality",
        "key": DCT + "identifier",
        "subject": RDF + "subject",
        "predicate": RDF + "predicate",
        "object": RDF + "object",
        "text": DCT + "description",
        "source": PROV + "wasDerivedFrom",
        "attributed_to": PROV + "wasAttributedTo",
    },
    Qualifiers: {field: iri for field, (iri, _) in _QUALIFIERS.items()},
    Evidence: {"start": OA + "start", "end": OA + "end"},
    Entity: {"label": SKOS + "prefLabel", "description": DCT + "description"},
    Source: {
        "id": SKOS + "notation",
        "title": DCT + "title",
        "sha256": SCHEMA + "sha256",
        "length": KG + "textLength",
    },
}
"""Model field -> the RDF property it is read from, to name in a message about bad data."""


_READ_BACK = {READ_BACK: True}
ModelT = TypeVar("ModelT", bound=BaseModel)


def _read(node: str, model: type[ModelT], data: dict[str, Any]) -> ModelT:
    """``model`` validated from ``data``, read from the graph node ``node``; data that breaks
    the model (kg:rumoured as a modality, "lots" as a schema:value) is a DataModelError naming
    the node and the property."""
    try:
        return model.model_validate(data, context=_READ_BACK)
    except ValidationError as e:
        first = e.errors()[0]
        fields = [str(x) for x in first["loc"] if not isinstance(x, int)]
        prop = _PROPERTIES.get(model, {}).get(fields[-1]) if len(fields) == 1 else None
        where = compact_iri(prop) if prop else ".".join(fields)
        given = first.get("input")
        message = first["msg"].removeprefix("Value error, ")
        shown = f" {given!r}" if isinstance(given, str | int | float) and not isinstance(given, bool) else ""
        if shown.strip() in message:
            shown = ""
        raise DataModelError(
            f"{compact_iri(node)}: {where + shown + ': ' if where else ''}{message}"
        ) from None
    except ValueError as e:
        detail = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise DataModelError(f"{compact_iri(node)}: {detail}") from None


def _node_key(term: Term | None) -> str:
    return term.value if isinstance(term, NamedNode) else str(term)


def _integer(node: str, prop: str, term: Literal) -> int:
    try:
        return int(term.value)
    except ValueError:
        raise DataModelError(
            f"{compact_iri(node)}: {compact_iri(prop)} {term.value!r} is not an integer"
        ) from None


def _spans(
    graph: dict[str, dict[str, list[Term]]], body_index: dict[str, list[str]], node: str
) -> list[Evidence]:
    spans = []
    for ann in body_index.get(node, []):
        for target in graph[ann].get(OA + "hasTarget", []):
            t = graph.get(_node_key(target), {})
            src = t.get(OA + "hasSource", [None])[0]
            for sel in t.get(OA + "hasSelector", []):
                sel_key = _node_key(sel)
                props = graph.get(sel_key, {})
                source = _ref(src) if src is not None else None
                start, end = props.get(OA + "start", [None])[0], props.get(OA + "end", [None])[0]
                if isinstance(start, Literal) and isinstance(end, Literal):
                    first, last = _integer(sel_key, OA + "start", start), _integer(sel_key, OA + "end", end)
                    spans.append(_read(sel_key, Evidence, {"source": source, "start": first, "end": last}))
                    continue
                where = {
                    field: v.value
                    for iri, field in _LOCATOR_BY_IRI.items()
                    if (v := _one(props, iri)) is not None
                }
                if where:
                    spans.append(_read(sel_key, Evidence, {"source": source, **where}))
    return sorted(spans, key=Evidence.sort_key)


def _chain(graph: dict[str, dict[str, list[Term]]], props: dict[str, list[Term]]) -> list[str]:
    """A claim's attribution chain in its order (PROV qualified attributions ranked by
    schema:position); agents named without a rank follow, sorted."""
    ranked: list[tuple[int, str]] = []
    for step in props.get(PROV + "qualifiedAttribution", []):
        sp = graph.get(_node_key(step), {})
        agent, pos = _one(sp, PROV + "agent"), _one(sp, SCHEMA + "position")
        if agent is not None and isinstance(pos, Literal):
            ranked.append((_integer(_node_key(step), SCHEMA + "position", pos), _ref(agent)))
    chain = [a for _, a in sorted(ranked)]
    rest = sorted({_ref(a) for a in props.get(PROV + "wasAttributedTo", [])} - set(chain))
    return chain + rest


def _check_claim_terms(node: str, props: dict[str, list[Term]]) -> None:
    """DataModelError for a claim read from someone's graph with two of what it has one of, or
    a literal where a resource belongs: read on, such a claim would be listed under two
    modalities, or crash a later query that turns the literal into an IRI."""
    for prop in (RDF + "subject", RDF + "predicate", RDF + "object", KG + "modality"):
        values = props.get(prop, [])
        if len(values) > 1:
            shown = ", ".join(
                sorted(compact_iri(v.value) if isinstance(v, NamedNode) else str(v) for v in values)
            )
            raise DataModelError(
                f"{compact_iri(node)}: a claim has one {compact_iri(prop)}, not {len(values)} ({shown})"
            )
    for prop in (
        RDF + "subject",
        RDF + "predicate",
        KG + "modality",
        PROV + "wasDerivedFrom",
        PROV + "wasAttributedTo",
    ):
        for v in props.get(prop, []):
            if isinstance(v, Literal):
                raise DataModelError(
                    f"{compact_iri(node)}: {compact_iri(prop)} must name a resource, not the literal {v}"
                )


def _one(props: dict[str, list[Term]], iri: str) -> Term | None:
    values = props.get(iri)
    return values[0] if values else None


def from_triples(triples: Iterable[Triple], *, fold_external_ids: bool = True) -> Corpus:
    """Read sources, actors, events and claims back from triples in the shape above.

    With ``fold_external_ids`` (the default, the inverse of :func:`dataset_triples`) a curator's
    Wikidata link comes back as its entity's ``wikidata`` id; without it, as the claim it is.

    Resources of ours come back as slugs, any other by its full IRI. Data that breaks the
    data model (an unknown modality, a figure that is not a number, an offset that is not an
    integer) is a DataModelError naming the node.
    """
    graph: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        graph[_node_key(t.subject)][t.predicate.value].append(t.object)  # type: ignore[arg-type]
    body_index: dict[str, list[str]] = defaultdict(list)
    for node, props in graph.items():
        for body in props.get(OA + "hasBody", []):
            body_index[_node_key(body)].append(node)

    def types(props: dict[str, list[Term]]) -> set[str]:
        return {t.value for t in props.get(RDF + "type", []) if isinstance(t, NamedNode)}

    def text(props: dict[str, list[Term]], iri: str) -> str | None:
        v = _one(props, iri)
        return v.value if isinstance(v, Literal) else None

    sources = []
    for node, props in graph.items():
        if KG + "SourceDocument" in types(props):
            length = _one(props, KG + "textLength")
            kinds = sorted(SOURCE_KIND_BY_IRI[t] for t in types(props) if t in SOURCE_KIND_BY_IRI)
            data: dict[str, Any] = {
                "id": text(props, SKOS + "notation") or _ref(NamedNode(node)),
                "title": text(props, DCT + "title") or "",
                "kind": kinds[0] if kinds else None,
                "sha256": text(props, SCHEMA + "sha256"),
                "length": _integer(node, KG + "textLength", length) if isinstance(length, Literal) else None,
                "language": text(props, DCT + "language") or "en",
                "file_name": text(props, DCT + "identifier"),
                "description": text(props, DCT + "description"),
                "title_by_curators": text(props, KG + "curatorTitle") == "true",
                "not_stated": sorted(
                    _SOURCE_RECORD_BY_IRI[x.value]
                    for x in props.get(KG + "notStated", [])
                    if isinstance(x, NamedNode) and x.value in _SOURCE_RECORD_BY_IRI
                ),
            }
            for field, (iri, _kind) in SOURCE_RECORD.items():
                v = _one(props, iri)
                if v is not None:
                    data[field] = v.value
            sources.append(_read(node, Source, data))

    claims: list[Claim] = []
    wikidata: dict[str, str] = {}
    for node, props in graph.items():
        if KG + "Claim" not in types(props):
            continue
        s, p, o = (_one(props, RDF + x) for x in ("subject", "predicate", "object"))
        modality = _one(props, KG + "modality")
        src = _one(props, PROV + "wasDerivedFrom")
        if s is None or p is None or o is None or modality is None:
            raise DataModelError(
                f"{compact_iri(node)}: a claim needs rdf:subject, rdf:predicate, rdf:object and kg:modality"
            )
        _check_claim_terms(node, props)
        key = text(props, DCT + "identifier")
        if (
            fold_external_ids
            and key is not None
            and key.endswith("-wikidata")
            and isinstance(p, NamedNode)
            and p.value == SKOS + "exactMatch"
            and isinstance(o, NamedNode)
            and o.value.startswith(WD)
        ):
            wikidata[_ref(s)] = o.value[len(WD) :]
            continue
        quals: dict[str, object] = {}
        for iri, (field, kind) in _QUALIFIER_BY_IRI.items():
            v = _one(props, iri)
            if isinstance(v, Literal):
                quals[field] = v.value == "true" if kind == "boolean" else v.value
            elif kind == "entity" and isinstance(v, NamedNode):
                quals[field] = _ref(v)
        links = {
            prop: sorted(_ref(x) for x in props.get(KG + prop, [])) for prop in ("supports", "contradicts")
        }
        data = {
            "key": key,
            "id": node,
            "subject": _ref(s),
            "predicate": _term_ref(p),
            "object": _literal_value(o) if isinstance(o, Literal) else _ref(o),
            "text": text(props, DCT + "description") or "",
            "modality": _term_ref(modality),
            "attributed_to": _chain(graph, props),
            "source": _ref(src) if src is not None else None,
            "qualifiers": _read(node, Qualifiers, quals),
            "evidence": _spans(graph, body_index, node),
            "supports": links["supports"],
            "contradicts": links["contradicts"],
            "note": text(props, SKOS + "editorialNote"),
            "curated": sorted(
                _QUALIFIER_BY_IRI[x.value][0]
                for x in props.get(KG + "curatedQualifier", [])
                if isinstance(x, NamedNode) and x.value in _QUALIFIER_BY_IRI
            ),
        }
        claims.append(_read(node, Claim, data))

    actors: list[Entity] = []
    events: list[Entity] = []
    for node, props in graph.items():
        ts = types(props)
        is_event, is_actor = KG + "Event" in ts, KG + "Actor" in ts
        if not (is_event or is_actor):
            continue
        fallback = KG + ("Event" if is_event else "Actor")
        specific = sorted(t for t in ts if t.startswith(KG) and t not in (KG + "Actor",)) or [fallback]
        ref = _ref(NamedNode(node))
        data = {
            "id": ref,
            "type": specific[0][len(KG) :],
            "label": text(props, SKOS + "prefLabel") or "",
            "aliases": sorted(a.value for a in props.get(SKOS + "altLabel", []) if isinstance(a, Literal)),
            "description": text(props, DCT + "description"),
            "wikidata": wikidata.get(ref),
            "mentions": _spans(graph, body_index, node),
        }
        entity = _read(node, Entity, data)
        (events if is_event else actors).append(entity)
    key_of = {c.id: c.key for c in claims}
    for c in claims:
        c.supports = sorted(key_of.get(KGR + x) or x for x in c.supports)
        c.contradicts = sorted(key_of.get(KGR + x) or x for x in c.contradicts)
    return Corpus(
        sorted(sources, key=lambda x: x.id),
        sorted(actors, key=lambda x: x.id),
        sorted(events, key=lambda x: x.id),
        sorted(claims, key=lambda x: x.id or ""),
    )
