"""RDF serializations of a selection: Turtle, N-Triples, TriG, JSON-LD, RDF/XML.

Each writes exactly the triples of the selection's view (``claims`` by default: claim nodes,
qualifiers, evidence and source documents, so the file stands alone), in a stable order, with
the prefixes of :data:`kgraph.namespaces.PREFIXES`. The writing itself is :mod:`kgraph.serialize`,
shared with ``kgraph build`` and ``kgraph query``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyoxigraph import Triple

from kgraph import serialize
from kgraph.export.base import Exporter, ExportOptions

if TYPE_CHECKING:
    from kgraph.subgraph import Subgraph


def _triples(sub: Subgraph, options: ExportOptions) -> list[Triple]:
    return sub.triples(options.view or "claims")


def _header(sub: Subgraph, options: ExportOptions, comment: str = "#") -> str:
    view = options.view or "claims"
    return f"{comment} kgraph export: {sub.description} ({view} view)\n"


def turtle(sub: Subgraph, options: ExportOptions) -> str:
    return serialize.turtle(_triples(sub, options), header=_header(sub, options))


def trig(sub: Subgraph, options: ExportOptions) -> str:
    return serialize.trig(_triples(sub, options), header=_header(sub, options))


def ntriples(sub: Subgraph, options: ExportOptions) -> str:
    return serialize.ntriples(_triples(sub, options))


def rdfxml(sub: Subgraph, options: ExportOptions) -> str:
    return serialize.rdfxml(_triples(sub, options))


def context() -> dict[str, str]:
    """The JSON-LD ``@context``: kgraph's prefixes, so that CURIEs expand as in Turtle."""
    return serialize.context()


def jsonld(sub: Subgraph, options: ExportOptions) -> str:
    """Compacted JSON-LD: one object per subject in ``@graph``, CURIE keys, our ``@context``."""
    return serialize.jsonld(_triples(sub, options))


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
