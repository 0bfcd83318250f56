"""RDF serializations, written in one place: Turtle, TriG, N-Triples, RDF/XML and JSON-LD.

``kgraph build`` (the bundled graph), ``kgraph query`` (CONSTRUCT and DESCRIBE results) and
``kgraph export`` (a selection) all write RDF through this module, so the three agree. The
output is deterministic: triples are sorted (subject, ``rdf:type`` first, predicate, object)
and duplicates dropped, and prefixes are those of :data:`kgraph.namespaces.PREFIXES` in that
order. Turtle, TriG, N-Triples and RDF/XML come from pyoxigraph's serializers; JSON-LD is
compacted here against a ``@context`` of our prefixes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from kgraph.errors import FormatError
from kgraph.namespaces import PREFIXES, RDF, XSD, compact_iri

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"

AnyTerm = NamedNode | BlankNode | Literal | Triple


def triple_key(t: Triple) -> tuple[str, int, str, str]:
    """The order every RDF file kgraph writes follows: subject, types first, predicate, object."""
    return (
        t.subject.value if isinstance(t.subject, NamedNode) else str(t.subject),
        0 if t.predicate.value == RDF_TYPE else 1,
        compact_iri(t.predicate.value),
        str(t.object),
    )


def canonical(triples: Iterable[Triple]) -> list[Triple]:
    """``triples`` without duplicates, in :func:`triple_key` order."""
    return sorted(set(triples), key=triple_key)


_UNWRITTEN_DATATYPES = frozenset(
    [RDF + "langString", RDF + "dirLangString"]
    + [XSD + t for t in ("string", "integer", "decimal", "boolean")]
)
"""Datatypes Turtle leaves out (``"x"@en``, ``"x"``) or usually does (``12``, ``0.6``, ``true``)."""


def _iris(term: AnyTerm) -> Iterable[str]:
    if isinstance(term, NamedNode):
        yield term.value
    elif isinstance(term, Literal):
        if term.datatype.value not in _UNWRITTEN_DATATYPES:
            yield term.datatype.value
    elif isinstance(term, Triple):
        for part in (term.subject, term.predicate, term.object):
            yield from _iris(part)


def used_prefixes(triples: Iterable[Triple]) -> dict[str, str]:
    """The prefixes of :data:`PREFIXES` whose namespace starts some IRI of ``triples``."""
    namespaces = set(PREFIXES.values())
    found: set[str] = set()
    for t in triples:
        terms = (t.subject, t.object) if t.predicate.value == RDF_TYPE else (t.subject, t.predicate, t.object)
        for term in terms:  # rdf:type as a predicate is written `a`
            for iri in _iris(term):
                found.update(ns for ns in namespaces if iri.startswith(ns))
    return {p: ns for p, ns in PREFIXES.items() if ns in found}


def _pyoxigraph(triples: list[Triple], fmt: RdfFormat, prefixes: dict[str, str] | None = None) -> str:
    data = serialize(triples, format=fmt, prefixes=prefixes) if prefixes else serialize(triples, format=fmt)
    assert data is not None
    return data.decode("utf-8")


def _with_prologue(triples: Iterable[Triple], fmt: RdfFormat, header: str, all_prefixes: bool) -> str:
    ordered = canonical(triples)
    prefixes = dict(PREFIXES) if all_prefixes else used_prefixes(ordered)
    body = _pyoxigraph(ordered, fmt, prefixes).splitlines() if ordered else []
    # pyoxigraph writes the prefixes in an order of its own: ours is fixed.
    lines = [line for line in body if not line.startswith("@prefix ")]
    text = "\n".join(lines).strip()
    prologue = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())
    if not text:
        return header + prologue
    return header + prologue + ("\n" if prologue else "") + text + "\n"


def turtle(triples: Iterable[Triple], *, header: str = "", all_prefixes: bool = True) -> str:
    """Turtle: ``header`` (comment lines), our prefixes, then the sorted triples.

    With ``all_prefixes=False`` only the prefixes some IRI uses are declared.
    """
    return _with_prologue(triples, RdfFormat.TURTLE, header, all_prefixes)


def trig(triples: Iterable[Triple], *, header: str = "", all_prefixes: bool = True) -> str:
    """TriG of the default graph, written like :func:`turtle`."""
    return _with_prologue(triples, RdfFormat.TRIG, header, all_prefixes)


def ntriples(triples: Iterable[Triple]) -> str:
    """N-Triples, one sorted line per distinct triple."""
    return "".join(sorted({f"{t.subject} {t.predicate} {t.object} .\n" for t in triples}))


_XML_LOCAL = re.compile(r"[^\W\d][\w.\-]*$")


def rdfxml(triples: Iterable[Triple]) -> str:
    """RDF/XML with our prefixes as XML namespaces; FormatError for what RDF/XML cannot hold."""
    ordered = canonical(triples)
    for t in ordered:
        # RDF/XML writes a predicate as an XML element name: its IRI must end in one.
        m = _XML_LOCAL.search(t.predicate.value)
        if m is None or m.start() == 0:
            raise FormatError(
                f"RDF/XML cannot write the predicate <{t.predicate.value}>: its IRI does not end in an "
                "XML name; use turtle or ntriples"
            )
    try:
        return _pyoxigraph(ordered, RdfFormat.RDF_XML, dict(PREFIXES))
    except (OSError, ValueError) as e:
        message = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise FormatError(f"RDF/XML cannot hold this graph ({message}); use turtle or ntriples") from None


# ---------------------------------------------------------------- JSON-LD


def _jsonld_value(term: AnyTerm) -> dict[str, Any]:
    if isinstance(term, NamedNode):
        return {"@id": compact_iri(term.value)}
    if isinstance(term, BlankNode):
        return {"@id": str(term)}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"@value": term.value}
        if term.language:
            out["@language"] = term.language
            if getattr(term, "direction", None) is not None:
                out["@direction"] = str(term.direction).rsplit(".", 1)[-1].lower()
        elif term.datatype.value != XSD_STRING:
            # Typed values keep their lexical form: a JSON number would lose "0.60" or "2015".
            out["@type"] = compact_iri(term.datatype.value)
        return out
    raise FormatError("JSON-LD cannot hold RDF 1.2 triple terms; use turtle or ntriples")


def context() -> dict[str, str]:
    """The JSON-LD ``@context``: our prefixes, so that CURIEs expand as in Turtle."""
    return dict(PREFIXES)


def jsonld(triples: Iterable[Triple]) -> str:
    """Compacted JSON-LD: one node object per subject in ``@graph``, CURIE keys and ids,
    IRI types in ``@type``, every value a list, all in a stable order."""
    grouped: dict[str, dict[str, list[AnyTerm]]] = {}
    for t in canonical(triples):
        node_id = _jsonld_value(t.subject)["@id"]
        grouped.setdefault(node_id, {}).setdefault(t.predicate.value, []).append(t.object)
    graph = []
    for node_id, props in grouped.items():
        node: dict[str, Any] = {"@id": node_id}
        types = props.get(RDF_TYPE, [])
        if types and all(isinstance(t, NamedNode) for t in types):
            node["@type"] = [compact_iri(t.value) for t in types if isinstance(t, NamedNode)]
        for p in sorted(props, key=compact_iri):
            if p == RDF_TYPE and "@type" in node:
                continue
            node[compact_iri(p)] = [_jsonld_value(o) for o in props[p]]
        graph.append(node)
    return json.dumps({"@context": context(), "@graph": graph}, ensure_ascii=False, indent=2) + "\n"


__all__ = [
    "canonical",
    "context",
    "jsonld",
    "ntriples",
    "rdfxml",
    "trig",
    "triple_key",
    "turtle",
    "used_prefixes",
]
