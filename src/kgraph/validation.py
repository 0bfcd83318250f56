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
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, computed_field
from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode, RdfFormat, Triple, serialize

from kgraph.errors import ParameterError
from kgraph.mapping import DATE_DATATYPES
from kgraph.models import date_datatype_iri
from kgraph.namespaces import DCT, EDTF, KG, OA, PROV, RDF, RDFS, SCHEMA, SH, SKOS, XSD, compact_iri
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


def validate(
    kg: KGraph,
    source_texts: Sequence[str | Path] = (),
    *,
    batch_size: int | None = None,
    progress: ProgressCallback | None = None,
) -> ValidationReport:
    """Check ``kg`` against the shapes, then every evidence anchor.

    ``source_texts`` are the user's copies of source documents; each must match one by
    SHA-256 (else :class:`SourceTextMismatch`), and makes the evidence checks exact.

    Files (held in memory) are checked as one graph. A store or an endpoint is checked in
    batches of ``batch_size`` nodes (default :data:`DEFAULT_BATCH`; giving one checks files so
    too): SPARQL finds the nodes that might break a rule, pyshacl judges them, so memory stays
    flat in the size of the graph and the report is the same (docs/validation.md).
    ``progress(done, total)`` is called after each query and batch.
    """
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ParameterError("batch_size", f"must be a whole number of at least 1, not {batch_size!r}")
    if batch_size is None and _held_in_memory(kg.backend):
        return _validate_whole(kg, source_texts)
    try:
        with _quiet_rdflib():
            return _Batches(kg, batch_size or DEFAULT_BATCH, progress).run(source_texts)
    except _WholeGraph:
        return _validate_whole(kg, source_texts)


def _validate_whole(kg: KGraph, source_texts: Sequence[str | Path]) -> ValidationReport:
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
        source_texts=_text_matches(matched),
    )


def _text_matches(matched: dict[Node, SourceText]) -> list[SourceTextMatch]:
    return [
        SourceTextMatch(path=str(t.path), source=_show(src), sha256=t.sha256, length=len(t.text))
        for src, t in sorted(matched.items(), key=lambda kv: str(kv[1].path))
    ]


def _sorted(found: dict[tuple[str, str, str, str | None], Violation]) -> list[Violation]:
    return sorted(found.values(), key=lambda v: (v.focus, v.rule, v.node or "", v.value or ""))


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

    def __init__(
        self,
        graph: Graph,
        matched: dict[Node, SourceText],
        focus: set[Node] | None = None,
        found: dict[tuple[str, str, str, str | None], Violation] | None = None,
    ):
        self.graph = graph
        self.matched = matched
        # A batch reports only on its own nodes: the others are in the graph as context, in part.
        self.focus = focus
        self.found: dict[tuple[str, str, str, str | None], Violation] = {} if found is None else found
        self._instances: dict[str, set[Node]] = {}

    def instances(self, cls: str) -> set[Node]:
        """Nodes typed ``cls`` or any subclass of it, as sh:targetClass sees them."""
        if cls not in self._instances:
            g = self.graph
            classes = set(g.transitive_subjects(_u(RDFS + "subClassOf"), _u(cls)))
            self._instances[cls] = {s for c in classes for s in g.subjects(_u(RDF + "type"), c)}
        return self._instances[cls]

    def violations(self) -> list[Violation]:
        return _sorted(self.found)

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

        if self.focus is not None and node not in self.focus:
            return
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

        # pyshacl raises, instead of reporting, on a blank node met by sh:lessThan (SHACL says an
        # uncomparable pair is a result): such values are reported here, and kept out of its view.
        hidden = self._blank_compared(shapes)
        for s, p, o in hidden:
            self.graph.remove((s, p, o))
        try:
            # inplace: the graph is ours alone, so pyshacl need not copy it.
            _, results, _ = pyshacl.validate(self.graph, shacl_graph=shapes, inference="none", inplace=True)
        finally:
            for triple in hidden:
                self.graph.add(triple)
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
        self._report_blank_compared(hidden, shapes)

    def _report_blank_compared(self, hidden: list[tuple[Node, Node, Node]], shapes: Graph) -> None:
        """Each hidden blank-node value, as the shape on its property words it (its datatype rule,
        not the comparison), in place of the "missing value" pyshacl saw once it was hidden."""
        for s, p, o in hidden:
            own = [
                x
                for x in sorted(shapes.subjects(_u(SH + "path"), p), key=str)
                if (x, _u(SH + "lessThan"), None) not in shapes
            ]
            said = {
                k: str(v)
                for k in ("name", "message", "description")
                if own and (v := shapes.value(own[0], _u(SH + k)))
            }
            rule = said.get("name", "value-kind")
            # In place: a store's batches share one dict of findings.
            for key in [
                k for k, v in self.found.items() if k[1:] == (rule, str(s), None) and v.path == _show(p)
            ]:
                del self.found[key]
            message = said.get("message", "a blank node where a literal value is needed")
            self.add(s, rule, message, said.get("description", "see docs/validation.md"), path=p, value=o)

    def _blank_compared(self, shapes: Graph) -> list[tuple[Node, Node, Node]]:
        """The triples whose blank-node object a shape's sh:lessThan would compare, on either side."""
        from rdflib import BNode

        paths = {
            p
            for sh in shapes.subjects(_u(SH + "lessThan"), None)
            for p in shapes.objects(sh, _u(SH + "path"))
        }
        paths |= set(shapes.objects(None, _u(SH + "lessThan")))
        return [(s, p, o) for p in paths for s, o in self.graph.subject_objects(p) if isinstance(o, BNode)]

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


# ---------------------------------------------------------------- stores and endpoints

DEFAULT_BATCH = 500
"""Nodes checked by pyshacl at once on a store or endpoint: enough to amortise a call, few enough
that a batch's graph stays a few megabytes."""

_INT_TYPES = tuple(sorted(INTEGER_TYPES))
_NUMERIC = (XSD + "integer", XSD + "nonNegativeInteger", XSD + "decimal")
_NUMBER_RE = r"^[+-]?[0-9]+(\.[0-9]+)?$"
_YEAR = "[1-9][0-9]{3}"
_MONTH = "(0[1-9]|1[0-2])"
# Days that exist in every year; --02-29 and the like are left for the exact check to judge.
_MONTH_DAY = "((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
_LEXICAL = {
    XSD + "string": None,
    EDTF: None,
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "nonNegativeInteger": r"^\+?[0-9]+$",
    XSD + "decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD + "date": f"^{_YEAR}-{_MONTH_DAY}$",
    XSD + "gYearMonth": f"^{_YEAR}-{_MONTH}$",
    XSD + "gYear": f"^{_YEAR}$",
    XSD + "gMonthDay": f"^--{_MONTH_DAY}$",
    XSD + "gMonth": f"^--{_MONTH}$",
}
"""Lexical forms that every reader takes for a valid literal of the type (a strict subset of
what is valid); ``None``: any lexical form is. A literal outside them is only a suspect."""
_DATE_LEXICAL = {**{t: _LEXICAL[t] for t in DATE_TYPES if t != EDTF}, EDTF: r"^[0-9]{3}X$"}
_SAFE_PATTERN = re.compile(r"[\^$\[\]{}0-9A-Za-z,*+?()|.\-]*")
"""sh:pattern regexes that mean the same to Python (pyshacl) and to XPath (SPARQL REGEX)."""


class _WholeGraph(Exception):
    """The data has a node the batches cannot reach (a blank node outside any evidence chain):
    check the whole graph at once instead."""


def _iri(iri: str) -> str:
    return str(NamedNode(iri))


def _string(text: str) -> str:
    # JSON's escapes are SPARQL's too (\\, \", \n, \uXXXX).
    return json.dumps(text)


class _Compiler:
    """SHACL shapes as SPARQL that finds the focus nodes which might break them.

    For each shape with targets, :meth:`suspects` is a SELECT of the targets for which a SPARQL
    expression "surely conforms" is not true. The expression is exact for most constraints and
    stricter than SHACL where the two engines could judge a literal differently (its lexical
    form, a regex, a comparison), so a conforming node may be a suspect, but no breaking node
    is missed; pyshacl then judges the suspects. A construct it does not know makes every
    target of that shape a suspect.
    """

    def __init__(self, shapes: Graph, schema: Graph):
        self.shapes = shapes
        self.schema = schema
        self._n = 0

    def _fresh(self) -> str:
        self._n += 1
        return f"?v{self._n}"

    def closure(self, cls: str) -> list[str]:
        """``cls`` and its subclasses, as sh:class and sh:targetClass read them."""
        found = set(self.schema.transitive_subjects(_u(RDFS + "subClassOf"), _u(cls)))
        return sorted({str(c) for c in found} | {cls})

    def _values(self, cls: str) -> str:
        return " ".join(_iri(c) for c in self.closure(cls))

    # ------------------------------------------------------------ paths

    def _path(self, node: Node) -> list[tuple[str, bool]] | None:
        """(predicate, inverse) alternatives of a path; None for a path not written here."""
        from rdflib import BNode, URIRef

        if isinstance(node, URIRef):
            return [(str(node), False)]
        if not isinstance(node, BNode):
            return None
        inverse = self.shapes.value(node, _u(SH + "inversePath"))
        if isinstance(inverse, URIRef):
            return [(str(inverse), True)]
        alternatives = self.shapes.value(node, _u(SH + "alternativePath"))
        if alternatives is not None:
            items = list(self.shapes.items(alternatives))
            if items and all(isinstance(i, URIRef) for i in items):
                return [(str(i), False) for i in items]
        return None

    def _step(self, subject: str, predicate: str, inverse: bool, value: str) -> str:
        """``subject predicate value`` in the data, or in the ontology read with it."""
        s, o = (value, subject) if inverse else (subject, value)
        pattern = f"{{ {s} {_iri(predicate)} {o} }}"
        # (k, w) are the triple's subject and object; the known end is the focus.
        pairs = sorted(
            (_show_nt(a), _show_nt(b))
            for a, b in self.schema.subject_objects(_u(predicate))
            if not _is_bnode(a) and not _is_bnode(b)
        )
        if pairs:
            k, w = self._fresh(), self._fresh()
            rows = " ".join(f"({a} {b})" for a, b in pairs)
            known, other = (w, k) if inverse else (k, w)
            pattern += (
                f" UNION {{ VALUES ({k} {w}) {{ {rows} }} FILTER(sameTerm({known}, {subject})) "
                f"BIND({other} AS {value}) }}"
            )
        return pattern

    def _triples(self, path: list[tuple[str, bool]], subject: str, value: str) -> str:
        return " UNION ".join(self._step(subject, p, inv, value) for p, inv in path)

    # ------------------------------------------------------------ shapes

    def node_ok(self, shape: Node, x: str) -> tuple[str, bool] | None:
        """(expression true only if ``x`` conforms to ``shape``, whether it is exact); None:
        a construct this does not translate."""
        if self.shapes.value(shape, _u(SH + "path")) is not None:
            return self.property_ok(shape, x)
        parts: list[tuple[str, bool]] = []
        for p, o in self.shapes.predicate_objects(shape):
            name = str(p)
            if not name.startswith(SH) or name[len(SH) :] in _IGNORED:
                continue
            part = self.property_ok(o, x) if name == SH + "property" else self.value_ok(name, o, x)
            if part is None:
                return None
            parts.append(part)
        return _all(parts)

    def value_ok(self, constraint: str, arg: Node, v: str) -> tuple[str, bool] | None:
        """A constraint that judges one value node ``v`` on its own."""
        from rdflib import Literal, URIRef

        name = constraint[len(SH) :]
        if name == "class" and isinstance(arg, URIRef):
            t = self._fresh()
            classes = self.closure(str(arg))
            test = f"EXISTS {{ {v} a {t} FILTER({t} IN ({', '.join(_iri(c) for c in classes)})) }}"
            # The ontology's own instances of those classes, named here rather than joined with
            # every type the ontology states (which made the query ten times longer).
            known = sorted(
                _show_nt(s)
                for c in classes
                for s in self.schema.subjects(_u(RDF + "type"), _u(c))
                if not _is_bnode(s)
            )
            if known:
                test = f"({test} || {v} IN ({', '.join(known)}))"
            return test, True
        if name == "datatype" and isinstance(arg, URIRef) and str(arg) in _LEXICAL:
            lexical = _LEXICAL[str(arg)]
            test = f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {_iri(str(arg))})"
            if lexical is None:
                return test + ")", True
            return test + f" && REGEX(STR({v}), {_string(lexical)}))", False
        if name == "nodeKind" and isinstance(arg, URIRef):
            kinds = {
                "IRI": f"isIRI({v})",
                "Literal": f"isLiteral({v})",
                "BlankNode": f"isBlank({v})",
                "BlankNodeOrIRI": f"!isLiteral({v})",
                "IRIOrLiteral": f"!isBlank({v})",
                "BlankNodeOrLiteral": f"!isIRI({v})",
            }
            kind = kinds.get(str(arg)[len(SH) :]) if str(arg).startswith(SH) else None
            return (kind, True) if kind else None
        if name == "in":
            items = list(self.shapes.items(arg))
            if not items or not all(isinstance(i, URIRef) for i in items):
                return None
            return "(" + " || ".join(f"sameTerm({v}, {_iri(str(i))})" for i in items) + ")", True
        if name == "hasValue" and isinstance(arg, URIRef):
            return f"sameTerm({v}, {_iri(str(arg))})", True
        if name == "pattern" and isinstance(arg, Literal) and _SAFE_PATTERN.fullmatch(str(arg)):
            if self.shapes.value(None, _u(SH + "flags")) is not None:
                return None
            return f"(!isBlank({v}) && REGEX(STR({v}), {_string(str(arg))}))", False
        bounds = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
        if name in bounds and isinstance(arg, Literal) and str(arg.datatype) in _NUMERIC[::2]:
            number = str(arg)
            if not re.fullmatch(_NUMBER_RE, number):
                return None
            return f"({_numeric(v)} && {v} {bounds[name]} {number})", False
        if name == "or":
            options = [self.node_ok(s, v) for s in self.shapes.items(arg)]
            if not options or any(o is None for o in options):
                return None
            alternatives = [o for o in options if o is not None]
            return "(" + " || ".join(e for e, _ in alternatives) + ")", all(x for _, x in alternatives)
        if name == "and":
            return _all_or_none([self.node_ok(s, v) for s in self.shapes.items(arg)])
        if name == "not":
            inner = self.node_ok(arg, v)
            # "Surely conforms" only negates into "surely does not" when it is exact.
            return (f"!({inner[0]})", True) if inner is not None and inner[1] else None
        if name == "node":
            return self.node_ok(arg, v)
        return None

    def property_ok(self, shape: Node, x: str) -> tuple[str, bool] | None:
        from rdflib import Literal, URIRef

        path = self._path(self.shapes.value(shape, _u(SH + "path")))  # type: ignore[arg-type]
        if path is None:
            return None
        g = self.shapes
        parts: list[tuple[str, bool]] = []
        qualified = g.value(shape, _u(SH + "qualifiedValueShape"))
        for p, o in g.predicate_objects(shape):
            name = str(p)
            if not name.startswith(SH):
                continue
            local = name[len(SH) :]
            if local in _IGNORED or local in ("path", "qualifiedValueShape"):
                continue
            count = int(o) if isinstance(o, Literal) and str(o.datatype) == XSD + "integer" else None
            a, b = self._fresh(), self._fresh()
            if local == "minCount" and count is not None and count <= 1:
                exists = f"EXISTS {{ {self._triples(path, x, a)} }}"
                part: tuple[str, bool] | None = (exists, True) if count else ("true", True)
            elif local == "maxCount" and count == 0:
                part = f"NOT EXISTS {{ {self._triples(path, x, a)} }}", True
            elif local == "maxCount" and count == 1:
                both = f"{self._triples(path, x, a)} {self._triples(path, x, b)}"
                part = f"NOT EXISTS {{ {both} FILTER(!sameTerm({a}, {b})) }}", True
            elif local == "hasValue" and isinstance(o, URIRef):
                part = f"EXISTS {{ {self._triples(path, x, a)} FILTER(sameTerm({a}, {_iri(str(o))})) }}", True
            elif local == "uniqueLang" and o == Literal(True):
                both = f"{self._triples(path, x, a)} {self._triples(path, x, b)}"
                same = f'!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))'
                part = f"NOT EXISTS {{ {both} FILTER({same}) }}", False
            elif local == "lessThan" and isinstance(o, URIRef):
                both = f"{self._triples(path, x, a)} {self._step(x, str(o), False, b)}"
                less = f"COALESCE({_numeric(a)} && {_numeric(b)} && {a} < {b}, false)"
                part = f"NOT EXISTS {{ {both} FILTER(!({less})) }}", False
            elif local == "qualifiedMinCount" and count is not None and count <= 1 and qualified is not None:
                if g.value(shape, _u(SH + "qualifiedMaxCount")) is not None:
                    return None
                inner = self.node_ok(qualified, a) if count else ("true", True)
                if inner is None:
                    return None
                part = (
                    (f"EXISTS {{ {self._triples(path, x, a)} FILTER({inner[0]}) }}", inner[1])
                    if count
                    else ("true", True)
                )
            elif local == "qualifiedValueShapesDisjoint" and o == Literal(False):
                continue
            else:
                each = self.value_ok(name, o, a)
                if each is None:
                    return None
                # Every value conforms: no value for which the test fails (or cannot be made).
                part = (
                    f"NOT EXISTS {{ {self._triples(path, x, a)} FILTER(!COALESCE({each[0]}, false)) }}",
                    each[1],
                )
            if part is None:
                return None
            parts.append(part)
        return _all(parts)

    # ------------------------------------------------------------ targets

    def targeted(self) -> list[Node]:
        """The shapes with targets, in a fixed order."""
        found = set()
        for kind in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode"):
            found |= set(self.shapes.subjects(_u(SH + kind), None))
        for implicit in (RDFS + "Class", "http://www.w3.org/2002/07/owl#Class"):
            # A shape that is also a class targets its instances: not translated, so none is missed.
            if any(True for s in found if (s, _u(RDF + "type"), _u(implicit)) in self.shapes):
                raise _WholeGraph
        return sorted(found, key=str)

    def _targets(self, shape: Node) -> str:
        from rdflib import Literal, URIRef

        branches = []
        for cls in self.shapes.objects(shape, _u(SH + "targetClass")):
            branches.append(f"{{ ?f a ?class . VALUES ?class {{ {self._values(str(cls))} }} }}")
        for p in self.shapes.objects(shape, _u(SH + "targetSubjectsOf")):
            branches.append(f"{{ ?f {_iri(str(p))} ?any }}")
        for p in self.shapes.objects(shape, _u(SH + "targetObjectsOf")):
            branches.append(f"{{ ?any {_iri(str(p))} ?f }}")
        for n in self.shapes.objects(shape, _u(SH + "targetNode")):
            if not isinstance(n, URIRef | Literal):
                raise _WholeGraph
            branches.append(f"{{ VALUES ?f {{ {_show_nt(n)} }} }}")
        return " UNION ".join(branches)

    def suspects(self, shape: Node) -> str:
        """A SELECT of the targets of ``shape`` that might break it, with what they are evidence of."""
        from kgraph.patterns import EVIDENCE_OWNERS

        if self.shapes.value(shape, _u(SH + "deactivated")) is not None:
            ok: tuple[str, bool] | None = None
        else:
            ok = self.node_ok(shape, "?f")
        test = f"FILTER(!COALESCE({ok[0]}, false))" if ok is not None else ""
        # The owners are looked up only for the few suspects, after the sub-select.
        return (
            "SELECT DISTINCT ?f ?r1 ?r2 ?r3 ?r4 WHERE {\n"
            f"  {{ SELECT DISTINCT ?f WHERE {{ {{ {self._targets(shape)} }} {test} }} }}\n"
            f"{EVIDENCE_OWNERS.format(var='f')}}}"
        )


_IGNORED = frozenset(
    (
        *("name", "message", "description", "severity", "order", "group", "defaultValue"),
        *("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode"),
    )
)
"""Shape properties that say nothing about conformance (or, targets, about which nodes)."""


def _all(parts: list[tuple[str, bool]]) -> tuple[str, bool]:
    if not parts:
        return "true", True
    return "(" + " && ".join(e for e, _ in parts) + ")", all(x for _, x in parts)


def _all_or_none(parts: list[tuple[str, bool] | None]) -> tuple[str, bool] | None:
    if any(p is None for p in parts):
        return None
    return _all([p for p in parts if p is not None])


def _numeric(v: str) -> str:
    types = ", ".join(_iri(t) for t in _NUMERIC)
    return f"(isLiteral({v}) && DATATYPE({v}) IN ({types}) && REGEX(STR({v}), {_string(_NUMBER_RE)}))"


def _is_bnode(term: Node) -> bool:
    from rdflib import BNode

    return isinstance(term, BNode)


def _show_nt(term: Node) -> str:
    """An rdflib term as SPARQL writes it (N-Triples syntax)."""
    from rdflib import Literal

    if isinstance(term, Literal):
        if term.language:
            return str(OxLiteral(str(term), language=term.language))
        datatype = NamedNode(str(term.datatype)) if term.datatype is not None else None
        return str(OxLiteral(str(term), datatype=datatype))
    return _iri(str(term))


ProgressCallback = Callable[[int, int | None], None]
"""``progress(done, total)``: steps (one query or one batch) done of about ``total``."""


def _held_in_memory(backend: object) -> bool:
    from kgraph.store import OxigraphBackend

    # Files were loaded into memory at open: the whole graph is already there to check at once.
    return isinstance(backend, OxigraphBackend) and not backend.description.startswith("store ")


def _ox_int(term: object) -> int | None:
    if not isinstance(term, OxLiteral) or term.datatype.value not in INTEGER_TYPES:
        return None
    try:
        return int(term.value)
    except ValueError:
        return None


def _to_graph(triples: Iterable[Triple]) -> Graph:
    from rdflib import Graph

    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    graph = Graph()
    if data:
        graph.parse(data=data, format="nt")
    return graph


class _Batches:
    """Validation of a store or endpoint: SPARQL finds the suspects, pyshacl judges them in batches."""

    def __init__(self, kg: KGraph, batch_size: int, progress: ProgressCallback | None):
        self.backend = kg.backend
        self.batch_size = batch_size
        self.progress = progress
        self.roots: set[str] = set()
        self.done = 0
        self.total: int | None = None

    def _step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def _rows(self, sparql: str) -> Iterator[dict[str, Any]]:
        stream = self.backend.select_stream(sparql)
        try:
            yield from stream
        finally:
            stream.close()

    def _suspect(self, row: Mapping[str, object], var: str) -> None:
        """Make the node in ``row[var]`` checked: itself when an IRI, else what it is evidence of."""
        node = row[var]
        if isinstance(node, NamedNode):
            self.roots.add(node.value)
            return
        owners = [o.value for k in ("r1", "r2", "r3", "r4") if isinstance(o := row.get(k), NamedNode)]
        if not owners:
            raise _WholeGraph
        self.roots.update(owners)

    def run(self, paths: Sequence[str | Path]) -> ValidationReport:
        from rdflib import BNode, URIRef

        from kgraph.patterns import EVIDENCE_OWNERS, VALIDATION_BATCH, fill
        from kgraph.store import values_block

        shapes = _load_resource("shapes", "kgraph-shapes.ttl")
        schema = _load_resource("ontology", "kgraph.ttl")
        # The data's own subclasses count as the ontology's do (a shape reads both as one graph).
        subclasses = self.backend.query("CONSTRUCT { ?a rdfs:subClassOf ?b } WHERE { ?a rdfs:subClassOf ?b }")
        assert isinstance(subclasses, list)
        schema += _to_graph(subclasses)
        compiler = _Compiler(shapes, schema)
        targeted = compiler.targeted()
        self.total = len(targeted) + 5  # and the batches, once they are known

        counts = {}
        for cls in ("Claim", "Actor", "Event", "SourceDocument"):
            values = " ".join(_iri(c) for c in compiler.closure(KG + cls))
            answer = self.backend.query(
                f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a ?c . VALUES ?c {{ {values} }} }}"
            )
            assert not isinstance(answer, bool | list)
            counts[cls] = int(answer.rows[0]["n"].value)  # type: ignore[union-attr]
        sources = self.backend.query(
            "CONSTRUCT { ?src ?p ?o } WHERE { ?src a kg:SourceDocument ; ?p ?o . "
            "VALUES ?p { rdf:type schema:sha256 kg:textLength } }"
        )
        assert isinstance(sources, list)
        matched = _match_texts(_to_graph(sources), paths)
        if any(isinstance(src, BNode) for src in matched):
            raise _WholeGraph
        self._step()

        for shape in targeted:
            for row in self._rows(compiler.suspects(shape)):
                self._suspect(row, "f")
            self._step()
        self._dates(EVIDENCE_OWNERS)
        self._evidence(compiler, matched, EVIDENCE_OWNERS)
        self.roots.update(str(src) for src in matched)  # source-length against the real text
        not_anchored = self._not_anchored(compiler)

        found: dict[tuple[str, str, str, str | None], Violation] = {}
        ordered = sorted(self.roots)
        chunks = [ordered[i : i + self.batch_size] for i in range(0, len(ordered), self.batch_size)]
        self.total = self.done + 1 + len(chunks)
        self._step()
        oa = {p: _u(OA + p) for p in ("hasBody", "hasTarget", "hasSelector")}
        for chunk in chunks:
            values = values_block("root", [NamedNode(r) for r in chunk])
            triples = self.backend.query(fill(VALIDATION_BATCH, values))
            assert isinstance(triples, list)
            graph = _to_graph(triples)
            focus: set[Node] = {URIRef(r) for r in chunk}
            # Blank evidence nodes belong to the root they are evidence for, and to no other batch.
            for root in list(focus):
                chain: list[Node] = list(graph.objects(root, _u(PROV + "qualifiedAttribution")))
                for ann in graph.subjects(oa["hasBody"], root):
                    chain.append(ann)
                    for target in graph.objects(ann, oa["hasTarget"]):
                        chain.append(target)
                        chain.extend(graph.objects(target, oa["hasSelector"]))
                focus.update(n for n in chain if isinstance(n, BNode))
            graph += schema
            checker = _Checker(graph, matched, focus=focus, found=found)
            checker.check_dates()
            checker.run_shacl(shapes)
            checker.check_evidence()
            self._step()
        return ValidationReport(
            violations=_sorted(found),
            claims=counts["Claim"],
            actors=counts["Actor"],
            events=counts["Event"],
            sources=counts["SourceDocument"],
            not_anchored=not_anchored,
            source_texts=_text_matches(matched),
        )

    def _dates(self, owners: str) -> None:
        from kgraph.store import values_block

        types = ", ".join(_iri(t) for t in sorted(DATE_TYPES))
        # The lexical forms are judged here, not by REGEX: Oxigraph would test every literal of
        # the graph against each pattern, ten times slower than this one pass over the dates.
        sparql = f"SELECT ?s ?o WHERE {{ ?s ?p ?o . FILTER(isLiteral(?o) && DATATYPE(?o) IN ({types})) }}"
        bad_blank: set[OxLiteral] = set()
        for row in self._rows(sparql):
            literal = row["o"]
            try:
                ok = date_datatype_iri(literal.value) == literal.datatype.value
            except ValueError:
                ok = False
            if ok:
                continue
            if isinstance(row["s"], NamedNode):
                self.roots.add(row["s"].value)
            else:
                bad_blank.add(literal)
        if bad_blank:
            # A blank node cannot be named in a second query: found again by its bad value.
            values = values_block("o", sorted(bad_blank, key=str))
            sparql = f"SELECT ?s ?r1 ?r2 ?r3 ?r4 WHERE {{ {values} ?s ?p ?o . FILTER(isBlank(?s))\n"
            for row in self._rows(sparql + owners.format(var="s") + "}"):
                self._suspect(row, "s")
        self._step()

    def _evidence(self, compiler: _Compiler, matched: dict[Node, SourceText], owners: str) -> None:
        from rdflib import URIRef

        ints = ", ".join(_iri(t) for t in _INT_TYPES)
        held = ", ".join(_iri(str(src)) for src in matched)
        sparql = (
            "SELECT ?sel ?start ?end ?doc ?len ?r1 ?r2 ?r3 ?r4 WHERE {\n"
            "  { SELECT ?sel ?start ?end ?doc ?len WHERE {\n"
            f"    ?sel a ?class . VALUES ?class {{ {compiler._values(OA + 'TextPositionSelector')} }}\n"
            "    ?sel oa:start ?start ; oa:end ?end .\n    ?t oa:hasSelector ?sel ; oa:hasSource ?doc .\n"
            "    OPTIONAL { ?doc kg:textLength ?len }\n"
            f"    FILTER(DATATYPE(?start) IN ({ints}) && DATATYPE(?end) IN ({ints}))\n"
            f"    FILTER({f'?doc IN ({held})' if held else 'false'} || (BOUND(?len) && "
            f"DATATYPE(?len) IN ({ints}) && COALESCE(?end > ?len || ?start > ?len, true)))\n"
            f"  }} }}\n{owners.format(var='sel')}}}"
        )
        for row in self._rows(sparql):
            start, end = _ox_int(row["start"]), _ox_int(row["end"])
            doc = row["doc"]
            text = matched.get(URIRef(doc.value)) if isinstance(doc, NamedNode) else None
            length = len(text.text) if text is not None else _ox_int(row["len"])
            if start is None or end is None or length is None:
                continue
            outside = end > length or start > length
            blank = text is not None and 0 <= start < end and not text.text[start:end].strip()
            if outside or blank:
                self._suspect(row, "sel")
        self._step()

    def _not_anchored(self, compiler: _Compiler) -> list[str]:
        # Counted per claim rather than FILTER NOT EXISTS, which Oxigraph runs ten times slower.
        sparql = (
            "SELECT ?claim (SAMPLE(?k) AS ?key) WHERE {\n"
            "  { SELECT ?claim WHERE {\n"
            "    ?sel a ?kind . VALUES ?kind { kg:LocatorSelector oa:TextPositionSelector }\n"
            "    ?t oa:hasSelector ?sel . ?a oa:hasTarget ?t ; oa:hasBody ?claim .\n"
            f"    ?claim a ?class . VALUES ?class {{ {compiler._values(KG + 'Claim')} }}\n"
            "  } GROUP BY ?claim HAVING(SUM(IF(sameTerm(?kind, oa:TextPositionSelector), 1, 0)) = 0) }\n"
            "  OPTIONAL { ?claim dcterms:identifier ?k }\n} GROUP BY ?claim"
        )
        out = []
        for row in self._rows(sparql):
            key, claim = row.get("key"), row["claim"]
            if key is not None:
                out.append(key.value)
            elif isinstance(claim, NamedNode):
                out.append(compact_iri(claim.value))
            else:
                raise _WholeGraph
        self._step()
        return sorted(out)
