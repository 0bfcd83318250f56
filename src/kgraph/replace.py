"""``kgraph load --replace-source``: a source's claims taken out and its corrected files put in,
in one transaction of the store (docs/files.md, "Replacing a source").

A curator who fixes a source's claims file rebuilds it and loads it again; without this the old
claims would stay beside the new ones, and a claim whose key changed would be told twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import DefaultGraph, NamedNode, Quad

from kgraph.errors import InputFileError
from kgraph.mapping import DIRECT_MODALITIES
from kgraph.namespaces import KG, PROV, SKOS, WD
from kgraph.patterns import _NODE_AND_EVIDENCE

if TYPE_CHECKING:
    from kgraph.store import OxigraphBackend

# The claim nodes of one source and every node that hangs off them (evidence annotations,
# their targets and selectors, qualified attributions), as kgraph.patterns reads a claim back.
_CLAIMS = "{{ SELECT DISTINCT ?claim WHERE {{ ?claim a kg:Claim ; prov:wasDerivedFrom {source} }} }}"

# The source's mentions of actors and events (kgraph.mapping's "identifying" annotations whose
# target is a span of this source): their offsets belong to the file being replaced. The actors
# and events themselves, and the source document, stay: other sources' claims name them.
_MENTIONS = """
  {{ SELECT DISTINCT ?m WHERE {{
    ?t oa:hasSource {source} . ?m oa:hasTarget ?t ; oa:motivatedBy oa:identifying }} }}
  {{ ?m ?p ?o . BIND(?m AS ?s) }}
  UNION {{ ?m oa:hasTarget ?s . ?s ?p ?o . }}
  UNION {{ ?m oa:hasTarget/oa:hasSelector ?s . ?s ?p ?o . }}
"""
# Shaped as kgraph.patterns reads a claim's evidence: the annotations first, then each branch
# starting from ?m, which Oxigraph joins one annotation at a time. (Each branch binds ?m itself:
# a branch that did not would match every triple of the store, and delete them all.)

# The plain ``S P O`` a removed claim put in the direct layer (kgraph.mapping.in_direct_layer),
# unless a claim of another source puts it there too.
_DIRECT = """
  ?claim a kg:Claim ; prov:wasDerivedFrom {source} ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  ?s ?p ?o .
  FILTER({direct_claim})
  FILTER NOT EXISTS {{
    ?other a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
    FILTER NOT EXISTS {{ ?other prov:wasDerivedFrom {source} }}
    FILTER({direct_other})
  }}
"""


def _direct(var: str) -> str:
    modalities = ", ".join(f"kg:{m}" for m in sorted(DIRECT_MODALITIES))
    external_id = f'(?p = skos:exactMatch && STRSTARTS(STR(?o), "{WD}"))'
    return f"EXISTS {{ ?{var} kg:modality ?mod . FILTER(?mod IN ({modalities})) }} || {external_id}"


def _prefixes() -> str:
    return (
        f"PREFIX kg: <{KG}>\nPREFIX prov: <{PROV}>\nPREFIX oa: <http://www.w3.org/ns/oa#>\n"
        f"PREFIX skos: <{SKOS}>\nPREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    )


def removal(source_iri: str) -> str:
    """The SPARQL Update that takes the claims and mentions of ``source_iri`` out of the default
    graph and of every named graph (a claim and its evidence are in the graph of the file that
    held them). The direct triples go first, while the claims that put them there are still
    there to be read."""
    source = f"<{source_iri}>"
    patterns = [
        _DIRECT.format(source=source, direct_claim=_direct("claim"), direct_other=_direct("other")),
        _CLAIMS.format(source=source) + _NODE_AND_EVIDENCE.format(var="claim"),
        _MENTIONS.format(source=source),
    ]
    operations = []
    for where in patterns:
        operations.append(f"DELETE {{ ?s ?p ?o }} WHERE {{ {where} }}")
        operations.append(f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ {where} }} }}")
    return _prefixes() + " ;\n".join(operations)


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
    from kgraph.store import file_quads

    quads: list[Quad] = []
    for p in paths:
        for q in file_quads(p):
            quads.append(q if isinstance(q, Quad) else Quad(q.subject, q.predicate, q.object))
    return quads


def replace_source_claims(backend: OxigraphBackend, source: str, paths: Sequence[str | Path]) -> int:
    """Take the claims and mentions of ``source`` (an IRI, CURIE, slug or title the store knows)
    out of ``backend``'s store and load ``paths`` in their place, in one transaction: a reader
    sees the old claims or the new ones, never neither, and a failure leaves the store as it was.

    The files must hold claims of that same source (``prov:wasDerivedFrom``), so that a wrong
    file or a mistyped source name cannot empty a source: otherwise an InputFileError naming
    ``paths``. A source the store does not know is a NotFoundError listing those it does.
    Returns the number of claims taken out. Files already parsed by the caller are parsed again
    here: loading is a curator's occasional act, so clarity wins over speed.
    """
    from kgraph.resolve import Resolver

    iri = Resolver(backend).source(source).iri
    quads = _quads(paths)
    derived = NamedNode(PROV + "wasDerivedFrom")
    if not any(q.predicate == derived and q.object == NamedNode(iri) for q in quads):
        names = ", ".join(str(p) for p in paths)
        raise InputFileError(
            f"{names}: holds no claim of the source {source!r} ({iri}); a source is replaced "
            "only by files that hold its corrected claims"
        )
    before = _count_claims(backend, iri)
    # One request, one transaction (Oxigraph applies an update request atomically).
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
