"""RDF serializations of a selection: Turtle, N-Triples, TriG, JSON-LD, RDF/XML.

Each writes exactly the triples of the selection's view (``claims`` by default: claim nodes,
qualifiers, evidence and source documents, so the file stands alone), in a stable order, with
the prefixes of :data:`kgraph.namespaces.PREFIXES`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from kgraph.export.base import Exporter, ExportOptions
from kgraph.namespaces import PREFIXES, RDF, XSD, compact_iri

if TYPE_CHECKING:
    from kgraph.subgraph import Subgraph

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"


def _triples(sub: Subgraph, options: ExportOptions) -> list[Triple]:
    return sub.triples(options.view or "claims")


def _header(sub: Subgraph, options: ExportOptions, comment: str = "#") -> str:
    view = options.view or "claims"
    return f"{comment} kgraph export: {sub.description} ({view} view)\n"


def _pyoxigraph(triples: list[Triple], fmt: RdfFormat) -> str:
    data = (
        serialize(triples, format=fmt, prefixes=PREFIXES)
        if fmt != RdfFormat.N_TRIPLES
        else serialize(triples, format=fmt)
    )
    assert data is not None
    return data.decode("utf-8")


def turtle(sub: Subgraph, options: ExportOptions) -> str:
    body = _pyoxigraph(_triples(sub, options), RdfFormat.TURTLE)
    # pyoxigraph writes only the prefixes it used, in its own order; ours are fixed.
    lines = [line for line in body.splitlines() if not line.startswith("@prefix ")]
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    return _header(sub, options) + prefixes + "\n" + "\n".join(lines).strip() + "\n"


def trig(sub: Subgraph, options: ExportOptions) -> str:
    body = _pyoxigraph(_triples(sub, options), RdfFormat.TRIG)
    lines = [line for line in body.splitlines() if not line.startswith("@prefix ")]
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    return _header(sub, options) + prefixes + "\n" + "\n".join(lines).strip() + "\n"


def ntriples(sub: Subgraph, options: ExportOptions) -> str:
    return _pyoxigraph(_triples(sub, options), RdfFormat.N_TRIPLES)


def rdfxml(sub: Subgraph, options: ExportOptions) -> str:
    return _pyoxigraph(_triples(sub, options), RdfFormat.RDF_XML)


# ---------------------------------------------------------------- JSON-LD


def _compact(iri: str) -> str:
    """A CURIE only when expanding it gives the IRI back; a JSON-LD processor expands it."""
    curie = compact_iri(iri)
    return curie if curie != iri else iri


def _node_ref(term: NamedNode | BlankNode) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else _compact(term.value)


def _value(term: object) -> dict[str, str]:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        # Typed values keep their lexical form: a JSON number would lose "0.60" or "2015".
        return {"@value": term.value, "@type": _compact(term.datatype.value)}
    assert isinstance(term, NamedNode | BlankNode)
    return {"@id": _node_ref(term)}


def context() -> dict[str, str]:
    """The JSON-LD ``@context``: kgraph's prefixes, so that CURIEs expand as in Turtle."""
    return dict(PREFIXES)


def jsonld(sub: Subgraph, options: ExportOptions) -> str:
    """Compacted JSON-LD: one object per subject in ``@graph``, CURIE keys, our ``@context``."""
    nodes: dict[str, dict[str, Any]] = {}
    for t in _triples(sub, options):
        assert isinstance(t.subject, NamedNode | BlankNode)
        ref = _node_ref(t.subject)
        node = nodes.setdefault(ref, {"@id": ref})
        if t.predicate.value == RDF_TYPE and isinstance(t.object, NamedNode):
            node.setdefault("@type", []).append(_compact(t.object.value))
        else:
            node.setdefault(_compact(t.predicate.value), []).append(_value(t.object))
    doc = {"@context": context(), "@graph": list(nodes.values())}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


EXPORTERS = [
    Exporter(
        "turtle",
        (".ttl", ".turtle"),
        "text/turtle",
        "RDF Turtle (any RDF store, rdflib, Jena, GraphDB)",
        turtle,
        "rdf",
    ),
    Exporter(
        "ntriples",
        (".nt",),
        "application/n-triples",
        "RDF N-Triples: one triple a line, for bulk loaders",
        ntriples,
        "rdf",
    ),
    Exporter(
        "jsonld",
        (".jsonld", ".json"),
        "application/ld+json",
        "JSON-LD with kgraph's prefixes as @context",
        jsonld,
        "rdf",
    ),
    Exporter("trig", (".trig",), "application/trig", "RDF TriG (the default graph)", trig, "rdf"),
    Exporter(
        "rdfxml",
        (".rdf", ".owl"),
        "application/rdf+xml",
        "RDF/XML, for older RDF tools (Protégé)",
        rdfxml,
        "rdf",
    ),
]
