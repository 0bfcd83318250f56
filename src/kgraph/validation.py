"""Validate a claims graph: SHACL shapes, then evidence checks SHACL cannot express.

    >>> import kgraph
    >>> from kgraph.validation import validate
    >>> report = validate(kgraph.open("claims.ttl"), source_texts=["article.txt"])
    >>> report.conforms, [(v.focus, v.rule) for v in report.violations]

The shapes are ``kgraph/shapes/kgraph-shapes.ttl``; each names its rule (``sh:name``), says
what is wrong (``sh:message``) and how to fix it (``sh:description``). Checks done here:

- ``date-valid``: every xsd:date, xsd:gYearMonth, xsd:gYear, xsd:gMonthDay or xsd:gMonth
  literal is well formed (rdflib, under pyshacl, only knows whether an xsd:date is);
- ``evidence-in-text``: every evidence span ends inside its source text: the real text when
  one is given, else the length the graph records;
- ``evidence-blank``: with the real text, no span covers only whitespace;
- ``source-length``: with the real text, the recorded length is the text's.

A source text is matched to its source document by SHA-256 (:mod:`kgraph.sources`); a text
that matches none raises :class:`~kgraph.errors.SourceTextMismatch`. Problems found on an
evidence annotation, target or selector are reported on the claim, actor or event the
evidence is for.

rdflib and pyshacl are imported only when :func:`validate` runs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, computed_field
from pyoxigraph import RdfFormat, serialize

from kgraph.mapping import DATE_DATATYPES
from kgraph.models import date_datatype_iri
from kgraph.namespaces import DCT, KG, OA, RDF, RDFS, SCHEMA, SH, SKOS, XSD, compact_iri
from kgraph.sources import SourceDocument, SourceText, match_source_text

if TYPE_CHECKING:
    from rdflib import Graph, URIRef
    from rdflib.term import Node

    from kgraph.api import KGraph


DATE_TYPES = DATE_DATATYPES
INTEGER_TYPES = frozenset(XSD + t for t in ("integer", "nonNegativeInteger"))
LABEL_WIDTH = 50

FIX_DATE = "write YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD with the matching xsd datatype"
FIX_SPAN = "recount the offsets: Unicode code points from 0, end exclusive"
FIX_LENGTH = "set kg:textLength to the length of the text in code points"


class Violation(BaseModel):
    """One problem, on the claim, actor, event or source it belongs to."""

    focus: str = Field(description="the claim's key (dcterms:identifier), else the compact IRI")
    kind: str = Field(description="claim, actor, event, source or node")
    label: str | None = Field(default=None, description="the claim's description or the label, shortened")
    rule: str = Field(description="rule id, e.g. claim-evidence; see docs/validation.md")
    message: str = Field(description="what is wrong")
    fix: str = Field(description="how to fix it")
    node: str | None = Field(default=None, description="where it was found, when not on the focus itself")
    path: str | None = Field(default=None, description="the property concerned")
    value: str | None = Field(default=None, description="the offending value, Turtle-style")
    iri: str = Field(description="the focus's full IRI (or blank node id)")


class SourceTextMatch(BaseModel):
    """A text given with ``--source-text`` and the source document it was matched to."""

    path: str
    source: str
    sha256: str
    length: int


class ValidationReport(BaseModel):
    """What :func:`validate` found, and how much it looked at."""

    violations: list[Violation]
    claims: int
    actors: int
    events: int
    sources: int
    source_texts: list[SourceTextMatch] = Field(default_factory=list)
    not_anchored: list[str] = Field(
        default_factory=list,
        description="claims whose evidence is only locators (their sources' texts are not held): "
        "not an error, but nothing kgraph can check against a text",
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def conforms(self) -> bool:
        return not self.violations

    def rows(self) -> list[dict[str, Any]]:
        return [v.model_dump() for v in self.violations]

    def summary(self) -> str:
        """One line: ``conforms: ...`` or ``N violations (...)``."""
        counts = [
            (self.claims, "claim"),
            (self.actors, "actor"),
            (self.events, "event"),
            (self.sources, "source"),
        ]
        checked = ", ".join(_count(n, noun) for n, noun in counts) + " checked"
        if self.source_texts:
            checked += f"; evidence verified against {_count(len(self.source_texts), 'source text')}"
        if self.not_anchored:
            checked += f"; {_count(len(self.not_anchored), 'claim')} cited by locator, not anchored to a text"
        if self.conforms:
            return f"conforms: {checked}"
        return f"{_count(len(self.violations), 'violation')} ({checked})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def validate(kg: KGraph, source_texts: Sequence[str | Path] = ()) -> ValidationReport:
    """Check ``kg`` against the shapes, then every evidence anchor.

    ``source_texts`` are the user's copies of source documents; each must match one by
    SHA-256 (else :class:`SourceTextMismatch`), and makes the evidence checks exact.
    """
    with _quiet_rdflib():
        graph = _rdflib_graph(kg)
        matched = _match_texts(graph, source_texts)
        _add_ontology(graph)
        checker = _Checker(graph, matched)
        # Before SHACL, so that a bad date is reported with this check's more precise message.
        checker.check_dates()
        checker.run_shacl(_load_resource("shapes", "kgraph-shapes.ttl"))
        checker.check_evidence()
    return ValidationReport(
        violations=checker.violations(),
        claims=len(checker.instances(KG + "Claim")),
        actors=len(checker.instances(KG + "Actor")),
        events=len(checker.instances(KG + "Event")),
        sources=len(checker.instances(KG + "SourceDocument")),
        not_anchored=checker.not_anchored(),
        source_texts=[
            SourceTextMatch(path=str(t.path), source=_show(src), sha256=t.sha256, length=len(t.text))
            for src, t in sorted(matched.items(), key=lambda kv: str(kv[1].path))
        ],
    )


# ---------------------------------------------------------------- inputs


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    # An ill-typed literal makes rdflib log a warning with a traceback; the report already says
    # what is wrong with it, so the log would only be noise (or look like a crash).
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _rdflib_graph(kg: KGraph) -> Graph:
    from rdflib import Graph

    # One N-Triples round trip is far faster than building rdflib terms one by one.
    data = serialize(kg.backend.triples(), format=RdfFormat.N_TRIPLES)
    graph = Graph()
    if data:
        graph.parse(data=data, format="nt")
    return graph


def _load_resource(folder: str, name: str) -> Graph:
    from rdflib import Graph

    text = resources.files("kgraph").joinpath(folder, name).read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def _add_ontology(graph: Graph) -> None:
    # The ontology's rdfs:subClassOf lets the shapes see a kg:State as a kg:Actor.
    graph += _load_resource("ontology", "kgraph.ttl")


def _match_texts(graph: Graph, paths: Sequence[str | Path]) -> dict[Node, SourceText]:
    from rdflib import Literal, URIRef

    documents = []
    for src in graph.subjects(URIRef(RDF + "type"), URIRef(KG + "SourceDocument")):
        sha = graph.value(src, URIRef(SCHEMA + "sha256"))
        length = graph.value(src, URIRef(KG + "textLength"))
        if isinstance(sha, Literal):
            recorded = str(length) if length is not None else None
            documents.append(SourceDocument(key=src, name=_show(src), sha256=str(sha), length=recorded))
    matched: dict[Node, SourceText] = {}
    for path in paths:
        # Exactly as on disk: the evidence checks count in the file's own characters.
        text, hits = match_source_text(path, documents)
        for doc in hits:
            matched[doc.key] = text
    return matched


# ---------------------------------------------------------------- checks


def _show(term: Node) -> str:
    """A term as a reader would write it in Turtle: CURIE, ``"lexical"^^xsd:type``, ``_:id``."""
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        lexical = str(term)
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype is None or str(term.datatype) == XSD + "string":
            return f'"{lexical}"'
        if str(term.datatype) in (XSD + "integer", XSD + "decimal"):
            return lexical
        return f'"{lexical}"^^{compact_iri(str(term.datatype))}'
    if isinstance(term, BNode):
        return f"_:{term}"
    return compact_iri(str(term))


def _int(term: Node | None) -> int | None:
    from rdflib import Literal

    if not isinstance(term, Literal) or str(term.datatype) not in INTEGER_TYPES:
        return None
    try:
        return int(str(term))
    except ValueError:
        return None


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 1].rstrip() + "…"


def _u(iri: str) -> URIRef:
    from rdflib import URIRef

    return URIRef(iri)


class _Checker:
    """Collects violations on one graph (data plus ontology)."""

    def __init__(self, graph: Graph, matched: dict[Node, SourceText]):
        self.graph = graph
        self.matched = matched
        self.found: dict[tuple[str, str, str, str | None], Violation] = {}
        self._instances: dict[str, set[Node]] = {}

    def instances(self, cls: str) -> set[Node]:
        """Nodes typed ``cls`` or any subclass of it, as sh:targetClass sees them."""
        if cls not in self._instances:
            g = self.graph
            classes = set(g.transitive_subjects(_u(RDFS + "subClassOf"), _u(cls)))
            self._instances[cls] = {s for c in classes for s in g.subjects(_u(RDF + "type"), c)}
        return self._instances[cls]

    def violations(self) -> list[Violation]:
        return sorted(self.found.values(), key=lambda v: (v.focus, v.rule, v.node or "", v.value or ""))

    def add(
        self,
        node: Node,
        rule: str,
        message: str,
        fix: str,
        path: Node | None = None,
        value: Node | str | None = None,
    ) -> None:
        from rdflib import BNode
        from rdflib.term import Node as RdfNode

        focus = self._owner(node)
        kind, key, label = self._describe(focus)
        shown = _show(value) if isinstance(value, RdfNode) else value  # rdflib terms are str too
        violation = Violation(
            focus=key,
            kind=kind,
            label=label,
            rule=rule,
            message=message,
            fix=fix,
            node=None if node == focus or isinstance(node, BNode) else _show(node),
            path=None if path is None or isinstance(path, BNode) else _show(path),
            value=shown,
            iri=_show(focus) if isinstance(focus, BNode) else str(focus),
        )
        # First report wins: the same fault seen by a check here and by a shape is one row.
        self.found.setdefault((violation.iri, rule, str(node), shown), violation)

    def _owner(self, node: Node) -> Node:
        """Selector -> target -> annotation -> what the annotation is about (its oa:hasBody)."""
        g = self.graph
        for prop in ("hasSelector", "hasTarget"):
            parents = sorted(g.subjects(_u(OA + prop), node), key=str)
            if parents:
                node = parents[0]
        bodies = sorted(g.objects(node, _u(OA + "hasBody")), key=str)
        return bodies[0] if bodies else node

    def _describe(self, node: Node) -> tuple[str, str, str | None]:
        """Kind, display key and shortened label of a focus node."""
        from rdflib import Literal

        def text(prop: str) -> str | None:
            values = [v for v in self.graph.objects(node, _u(prop)) if isinstance(v, Literal)]
            values.sort(key=lambda v: (v.language not in (None, "en"), str(v)))
            return str(values[0]) if values else None

        def label(prop: str) -> str | None:
            value = text(prop)
            return _shorten(value) if value is not None else None

        if node in self.instances(KG + "Claim"):
            return "claim", text(DCT + "identifier") or _show(node), label(DCT + "description")
        if node in self.instances(KG + "Event"):
            return "event", _show(node), label(SKOS + "prefLabel")
        if node in self.instances(KG + "Actor"):
            return "actor", _show(node), label(SKOS + "prefLabel")
        if node in self.instances(KG + "SourceDocument"):
            return "source", _show(node), label(DCT + "title")
        return "node", _show(node), None

    # ------------------------------------------------------------ SHACL

    def run_shacl(self, shapes: Graph) -> None:
        import pyshacl
        from rdflib import Literal

        # inplace: the graph is ours alone, so pyshacl need not copy it.
        _, results, _ = pyshacl.validate(self.graph, shacl_graph=shapes, inference="none", inplace=True)
        for result in results.subjects(_u(RDF + "type"), _u(SH + "ValidationResult")):
            focus = results.value(result, _u(SH + "focusNode"))
            shape = results.value(result, _u(SH + "sourceShape"))
            if focus is None or shape is None:
                continue
            name = shapes.value(shape, _u(SH + "name"))
            message = shapes.value(shape, _u(SH + "message")) or results.value(
                result, _u(SH + "resultMessage")
            )
            fix = shapes.value(shape, _u(SH + "description"))
            component = results.value(result, _u(SH + "sourceConstraintComponent"))
            value = results.value(result, _u(SH + "value"))
            self.add(
                focus,
                str(name) if isinstance(name, Literal) else _show(component or shape),
                str(message) if message is not None else "violates a SHACL constraint",
                str(fix) if fix is not None else "see docs/validation.md",
                path=results.value(result, _u(SH + "resultPath")),
                # A node-level rule (sh:or) gives the focus itself as the value: nothing to add.
                value=None if value == focus else value,
            )

    # ------------------------------------------------------------ beyond SHACL

    def check_dates(self) -> None:
        from rdflib import Literal

        for s, p, o in self.graph:
            if isinstance(o, Literal) and str(o.datatype) in DATE_TYPES:
                expected = compact_iri(str(o.datatype))
                try:
                    ok = date_datatype_iri(str(o)) == str(o.datatype)
                except ValueError:
                    ok = False
                if not ok:
                    self.add(s, "date-valid", f"not a valid {expected}", FIX_DATE, p, o)

    def check_evidence(self) -> None:
        g = self.graph
        for source, text in self.matched.items():
            recorded = _int(g.value(source, _u(KG + "textLength")))
            if recorded is not None and recorded != len(text.text):
                message = (
                    f"kg:textLength is {recorded} but {text.path.name}, which has this SHA-256, is "
                    f"{len(text.text)} code points long"
                )
                self.add(source, "source-length", message, FIX_LENGTH, _u(KG + "textLength"), str(recorded))
        for selector in sorted(self.instances(OA + "TextPositionSelector"), key=str):
            start, end = _int(g.value(selector, _u(OA + "start"))), _int(g.value(selector, _u(OA + "end")))
            if start is None or end is None:
                continue  # offsets-valid reports it
            for target in sorted(g.subjects(_u(OA + "hasSelector"), selector), key=str):
                doc = g.value(target, _u(OA + "hasSource"))
                if doc is not None:  # else evidence-target reports it
                    self._check_span(selector, doc, start, end)

    def not_anchored(self) -> list[str]:
        """Claims with located evidence and no offsets, by key (else compact IRI), sorted."""
        g, out = self.graph, []
        for claim in self.instances(KG + "Claim"):
            kinds = {
                kind
                for ann in g.subjects(_u(OA + "hasBody"), claim)
                for target in g.objects(ann, _u(OA + "hasTarget"))
                for sel in g.objects(target, _u(OA + "hasSelector"))
                for kind in g.objects(sel, _u(RDF + "type"))
            }
            if _u(KG + "LocatorSelector") in kinds and _u(OA + "TextPositionSelector") not in kinds:
                key = g.value(claim, _u(DCT + "identifier"))
                out.append(str(key) if key is not None else _show(claim))
        return sorted(out)

    def _check_span(self, selector: Node, source: Node, start: int, end: int) -> None:
        text = self.matched.get(source)
        length = len(text.text) if text is not None else _int(self.graph.value(source, _u(KG + "textLength")))
        if length is None:
            return  # source-length reports it
        span = f"{start}–{end}"
        if end > length or start > length:
            where = f"{_show(source)}, which is {length} code points long"
            if text is not None:
                where += f" ({text.path.name})"
            self.add(
                selector,
                "evidence-in-text",
                f"evidence span {span} runs past the end of {where}",
                FIX_SPAN,
                value=span,
            )
        elif text is not None and 0 <= start < end and not text.text[start:end].strip():
            message = f"evidence span {span} of {text.path.name} holds only whitespace"
            self.add(selector, "evidence-blank", message, FIX_SPAN, value=span)
