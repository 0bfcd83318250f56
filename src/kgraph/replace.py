"""``kgraph load --replace-source``: a source's claims taken out and its corrected files put in,
in one transaction of the store (docs/files.md, "Replacing a source").

A curator who fixes a source's claims file rebuilds it and loads it again; without this the old
claims would stay beside the new ones, and a claim whose key changed would be told twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import DefaultGraph, NamedNode, Quad, parse

from kgraph.errors import InputFileError
from kgraph.namespaces import KG

if TYPE_CHECKING:
    from kgraph.store import OxigraphBackend

_DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"

# The claim nodes of one source and every node that hangs off them (evidence annotations,
# their targets and selectors, qualified attributions): the nodes kgraph.mapping writes for a
# claim, and that patterns._NODE_AND_EVIDENCE reads back. Actors, events and the source
# document itself stay: other sources' claims may name them.
_NODES = """
  {{ SELECT DISTINCT ?claim WHERE {{ ?claim a kg:Claim ; prov:wasDerivedFrom {source} }} }}
  {{ ?claim ?p ?o . BIND(?claim AS ?s) }}
  UNION {{ ?s oa:hasBody ?claim ; ?p ?o . }}
  UNION {{ ?ann oa:hasBody ?claim ; oa:hasTarget ?s . ?s ?p ?o . }}
  UNION {{ ?ann oa:hasBody ?claim ; oa:hasTarget/oa:hasSelector ?s . ?s ?p ?o . }}
  UNION {{ ?claim prov:qualifiedAttribution ?s . ?s ?p ?o . }}
"""


def _prefixes() -> str:
    return f"PREFIX kg: <{KG}>\nPREFIX prov: <http://www.w3.org/ns/prov#>\nPREFIX oa: <http://www.w3.org/ns/oa#>\n"


def removal(source_iri: str) -> str:
    """The SPARQL Update that takes the claims of ``source_iri`` out of the default graph and of
    every named graph (a claim and its evidence are in the graph of the file that held them)."""
    nodes = _NODES.format(source=f"<{source_iri}>")
    return (
        _prefixes()
        + f"DELETE {{ ?s ?p ?o }} WHERE {{ {nodes} }} ;\n"
        + f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ {nodes} }} }}"
    )


def _insertion(quads: Sequence[Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        graph = "" if isinstance(q.graph_name, DefaultGraph) else str(q.graph_name)
        by_graph.setdefault(graph, []).append(f"{q.subject} {q.predicate} {q.object} .")
    blocks = []
    for graph, lines in by_graph.items():
        body = "\n".join(lines)
        blocks.append(f"GRAPH {graph} {{\n{body}\n}}" if graph else body)
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def _quads(paths: Sequence[str | Path]) -> list[Quad]:
    from kgraph.store import rdf_format_for

    quads: list[Quad] = []
    for p in paths:
        for q in parse(path=str(p), format=rdf_format_for(p), base_iri=Path(p).resolve().as_uri()):
            quads.append(q if isinstance(q, Quad) else Quad(q.subject, q.predicate, q.object))
    return quads


def replace_source_claims(backend: OxigraphBackend, source: str, paths: Sequence[str | Path]) -> int:
    """Take the claims of ``source`` (an IRI, CURIE, slug or title the store knows) out of
    ``backend``'s store and load ``paths`` in their place, in one transaction: a reader sees the
    old claims or the new ones, never neither, and a failure leaves the store as it was.

    The files must hold claims of that same source (``prov:wasDerivedFrom``), so that a wrong
    file or a mistyped source name cannot empty a source: otherwise an InputFileError naming
    ``paths``. Returns the number of claims taken out. Files already parsed by the caller are
    parsed again here: loading is a curator's occasional act, so clarity wins over speed.
    """
    from kgraph.resolve import Resolver

    iri = Resolver(backend).source(source).iri
    quads = _quads(paths)
    derived = NamedNode(_DERIVED_FROM)
    if not any(q.predicate == derived and q.object == NamedNode(iri) for q in quads):
        names = ", ".join(str(p) for p in paths)
        raise InputFileError(
            f"{names}: holds no claim of the source {source!r} ({iri}); "
            "--replace-source takes a source out only to load its corrected claims"
        )
    before = _count_claims(backend, iri)
    backend.store.update(removal(iri) + " ;\n" + _insertion(quads))
    return before


def _count_claims(backend: OxigraphBackend, iri: str) -> int:
    rows = backend.store.query(
        _prefixes()
        + f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a kg:Claim ; prov:wasDerivedFrom <{iri}> }}"
    )
    for row in rows:  # type: ignore[union-attr]
        return int(row[0].value)
    return 0


__all__ = ["removal", "replace_source_claims"]
