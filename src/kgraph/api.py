"""The Python API: ``kgraph.open()`` gives a :class:`KGraph`; every CLI verb is one call on it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from kgraph.store import DEFAULT_TIMEOUT, Backend, QueryResult, Term, open_backend


class KGraph:
    """A claims graph behind any backend (files, on-disk store, SPARQL endpoint)."""

    def __init__(self, backend: Backend):
        self.backend = backend

    def __repr__(self) -> str:
        return f"<KGraph {self.backend.description}>"

    def sparql(self, query: str, bindings: Mapping[str, Term] | None = None,
               timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
        """Run trusted SPARQL (ours) with bound variables; user queries go through ``query``."""
        return self.backend.query(query, bindings, timeout)


def open(  # noqa: A001 - mirrors the built-in on purpose: kgraph.open(...)
    graphs: Sequence[str | Path] | str | Path | None = None,
    *,
    store: str | Path | None = None,
    endpoint: str | None = None,
) -> KGraph:
    """Open the bundled article graph, RDF files, an on-disk store or a SPARQL endpoint."""
    if isinstance(graphs, str | Path):
        graphs = [graphs]
    return KGraph(open_backend(list(graphs) if graphs else None, store=store, endpoint=endpoint))


__all__ = ["KGraph", "open"]
