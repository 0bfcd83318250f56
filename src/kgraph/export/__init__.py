"""Export a selection of the graph: a registry of formats and one library call.

    >>> import kgraph
    >>> from kgraph.export import export
    >>> from kgraph.subgraph import Selection
    >>> svg = export(kgraph.open(), Selection(focus=("Israel",)), "svg")

Selection (:func:`kgraph.subgraph.select`) -> projection (:mod:`kgraph.projection`) -> a
format's function: each step is a pure function of the one before, and nothing is written
here; the CLI writes the result atomically. Formats, by family (one module each):

- ``rdf``: turtle, ntriples, jsonld, trig, rdfxml
- ``graphviz``: dot, svg, png, pdf (the last three need Graphviz's ``dot``)
- ``network``: graphml, gexf (Gephi, Cytoscape, yEd), cyjs (Cytoscape.js JSON)
- ``table``: csv, tsv (one row per claim, safe against spreadsheet formulas)
- ``mermaid``: a Mermaid flowchart; ``cypher``: Cypher statements for Neo4j
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kgraph.errors import FormatError
from kgraph.export import cypher, graphviz, html, mermaid, network, rdf, table
from kgraph.export.base import Exporter, ExportOptions
from kgraph.store import UNSET

if TYPE_CHECKING:
    from pyoxigraph import Triple

    from kgraph.api import KGraph
    from kgraph.store import Backend, Timeout
    from kgraph.subgraph import Selection, Subgraph

REGISTRY: Mapping[str, Exporter] = {
    e.name: e for module in (rdf, graphviz, network, table, mermaid, cypher, html) for e in module.EXPORTERS
}
"""Format name -> exporter, in the order ``kgraph export --list-formats`` shows them."""

_ALIASES = {
    "ttl": "turtle",
    "nt": "ntriples",
    "json-ld": "jsonld",
    "xml": "rdfxml",
    "rdf": "rdfxml",
    "gv": "dot",
    "graphviz": "dot",
    "cytoscape": "cyjs",
    "mmd": "mermaid",
    "neo4j": "cypher",
}


def get_exporter(name: str) -> Exporter:
    """The exporter called ``name`` (or a common alias such as ``ttl``); FormatError if none."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in REGISTRY:
        raise FormatError(f"unknown export format {name!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[key]


def exporter_for_path(path: str | Path) -> Exporter:
    """The exporter a file name asks for, by its extension."""
    name = Path(path).name.lower()
    best: Exporter | None = None
    best_len = 0
    for e in REGISTRY.values():
        for ext in e.extensions:
            if name.endswith(ext) and len(ext) > best_len:
                best, best_len = e, len(ext)
    if best is None:
        suffix = Path(path).suffix or "(no extension)"
        raise FormatError(
            f"{path}: no export format for {suffix}; name one with --format ({', '.join(REGISTRY)})"
        )
    return best


def format_rows() -> list[dict[str, Any]]:
    """The registry as rows for ``kgraph export --list-formats``."""
    return [
        {
            "format": e.name,
            "extensions": " ".join(e.extensions),
            "media_type": e.media_type,
            "binary": e.binary,
            "available": e.available(),
            "description": e.description,
        }
        for e in REGISTRY.values()
    ]


def require(exporter: Exporter) -> None:
    """FormatError, with the install hint, when the program a format needs is missing."""
    if not exporter.available():
        raise FormatError(
            f"{exporter.name} needs the Graphviz `{exporter.program}` program: {graphviz.INSTALL_HINT}"
        )


def export_subgraph(sub: Subgraph, fmt: str | Exporter, options: ExportOptions | None = None) -> bytes | str:
    """A selection already made, in format ``fmt``: str for text formats, bytes for binary ones."""
    exporter = fmt if isinstance(fmt, Exporter) else get_exporter(fmt)
    require(exporter)
    return exporter.function(sub, options or ExportOptions())


STREAM_THRESHOLD = 100_000
"""Past this many triples a whole-graph RDF export is streamed (docs/performance.md)."""

_STREAMED = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "trig": "TRIG", "rdfxml": "RDF_XML"}


class WholeGraphStream:
    """A whole-graph RDF export written as the backend's triples arrive, in flat memory.

    Smaller graphs are sorted (a stable file, the same from every backend); a big one comes in
    the backend's own order: sorting it would hold it all in memory.
    """

    def __init__(self, backend: Backend, exporter: Exporter, size: int):
        self.backend = backend
        self.exporter = exporter
        self.size = size

    def write_to(self, output: BinaryIO) -> int:
        """Write the export to ``output``; the number of triples written."""
        from pyoxigraph import RdfFormat, serialize

        from kgraph.namespaces import PREFIXES

        fmt = getattr(RdfFormat, _STREAMED[self.exporter.name])
        count = 0

        def counted() -> Iterator[Triple]:
            nonlocal count
            for t in self.backend.triples():
                count += 1
                yield t

        if fmt in (RdfFormat.TURTLE, RdfFormat.TRIG):
            output.write(f"# kgraph export: {self.backend.description} (whole graph, streamed)\n".encode())
        try:
            if fmt is RdfFormat.N_TRIPLES:
                serialize(counted(), output, format=fmt)
            else:
                serialize(counted(), output, format=fmt, prefixes=dict(PREFIXES))
        except ValueError as e:  # RDF/XML cannot write a predicate that ends in no XML name
            raise FormatError(
                f"{self.exporter.name} cannot hold this graph: {str(e).splitlines()[0]}"
            ) from None
        return count


def whole_graph_stream(
    kg: KGraph | Backend,
    selection: Selection | None,
    exporter: Exporter,
    options: ExportOptions | None = None,
) -> WholeGraphStream | None:
    """A stream for an export of the whole graph in an RDF format past :data:`STREAM_THRESHOLD`
    triples; None for any other export (to be made by :func:`export_subgraph`)."""
    from kgraph.subgraph import _backend

    view = (options or ExportOptions()).view or "claims"
    if (
        exporter.name not in _STREAMED
        or view != "claims"
        or (selection is not None and not selection.is_empty())
    ):
        return None
    backend = _backend(kg)
    size = _size(backend)
    return WholeGraphStream(backend, exporter, size) if size > STREAM_THRESHOLD else None


def _size(backend: Backend) -> int:
    if isinstance(backend, Sized):
        return len(backend)
    result = backend.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    rows = getattr(result, "rows", None) or [{}]
    term = rows[0].get("n")
    try:
        return int(term.value) if term is not None else 0
    except ValueError:
        return 0


def summary(sub: Subgraph, exporter: Exporter, options: ExportOptions | None = None) -> str:
    """What an export holds, in one line (the CLI prints it after writing a file).

    Network formats and pictures draw claims between two nodes; a property claim (an event's
    date, a characteristic, a Wikidata id) is a node attribute in GraphML, GEXF, Cytoscape.js
    and Cypher, and is not drawn in a picture: the line says so, so that "61 claims" never
    silently becomes 45 edges.
    """
    head = f"{exporter.name}, {len(sub.entities)} actors and events, {len(sub.claims)} claims"
    if exporter.family in ("rdf", "table"):
        return head
    properties = sub.property_claims()
    if not properties:
        return head
    links = len(sub.claims) - properties
    nodes = exporter.view(options or ExportOptions()) == "claims"
    them = f"{properties} property claim" + ("s" if properties != 1 else "")
    if exporter.family in ("network", "database"):
        shape = "claim nodes" if nodes else "edges"
        return f"{head} ({links} {shape}; {them} as node attributes)"
    shape = "as claim nodes" if nodes else "as edges"
    return f"{head} ({links} drawn {shape}; {them} not drawn, except event dates)"


def export(
    kg: KGraph | Backend,
    selection: Selection | None = None,
    fmt: str = "turtle",
    options: ExportOptions | None = None,
    *,
    timeout: Timeout = UNSET,
) -> bytes | str:
    """Select (everything when ``selection`` is None) and export in one call."""
    from kgraph.subgraph import select

    exporter = get_exporter(fmt)
    require(exporter)  # before any query: fail fast
    return export_subgraph(select(kg, selection, timeout=timeout), exporter, options)


__all__ = [
    "REGISTRY",
    "STREAM_THRESHOLD",
    "ExportOptions",
    "Exporter",
    "WholeGraphStream",
    "export",
    "export_subgraph",
    "exporter_for_path",
    "format_rows",
    "get_exporter",
    "require",
    "summary",
    "whole_graph_stream",
]
