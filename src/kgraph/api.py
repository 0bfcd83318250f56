"""The Python API: ``kgraph.open()`` gives a :class:`KGraph`; every CLI verb is one call on it.

    >>> import kgraph
    >>> kg = kgraph.open("tests/fixtures/tiny.ttl")
    >>> [c.figure for c in kg.claims(about="Alphaland", predicate="suppliesArmsTo")]
    ["60% of Betastan's arms imports, drones, 2015–2019"]

Look-ups return the pydantic view models of :mod:`kgraph.lookup`; errors are the
:mod:`kgraph.errors` tree (NotFoundError for unknown names, UsageError for bad input).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kgraph.store import DEFAULT_TIMEOUT, UNSET, Backend, QueryResult, Term, Timeout, open_backend

if TYPE_CHECKING:
    from typing import Unpack

    from kgraph.lookup import ClaimFilters, ClaimPages
    from kgraph.names import NameMatch
    from kgraph.query import QueryResult as UserQueryResult
    from kgraph.subgraph import Selection, Subgraph
    from kgraph.validation import ValidationReport
    from kgraph.views import (
        ActorCard,
        ActorSummary,
        CompareResult,
        CountedClaimView,
        EventView,
        NeighborsResult,
        PathResult,
        SourceView,
        Stats,
    )


class KGraph:
    """A claims graph behind any backend (files, on-disk store, SPARQL endpoint)."""

    def __init__(self, backend: Backend):
        self.backend = backend

    def __repr__(self) -> str:
        return f"<KGraph {self.backend.description}>"

    def sparql(
        self, query: str, bindings: Mapping[str, Term] | None = None, timeout: Timeout = UNSET
    ) -> QueryResult:
        """Run trusted SPARQL of your own with bound variables; a user's query goes through ``query``.

        ``bindings`` maps variable names (without ``?``) to pyoxigraph terms: ``NamedNode``,
        ``Literal`` or ``BlankNode`` (``{"s": NamedNode("https://w3id.org/kgraph/id/israel")}``),
        never query text. Only variables the top-level SELECT returns can be bound: any other
        is a UsageError, on a local graph and on an endpoint alike. Our prefixes are pre-bound.
        Returns a ``SelectResult`` (``.variables``, ``.rows`` of terms), a bool (ASK) or a list of
        triples; raises QuerySyntaxError, UsageError (a query the engine cannot run, a timeout
        that is not a finite number of seconds) or QueryTimeoutError.
        """
        return self.backend.query(query, bindings, timeout)

    # ------------------------------------------------------------ look-ups (kgraph.lookup)

    def resolve(self, name: str) -> NameMatch:
        """The actor or event a name, alias, slug, CURIE or IRI means (:class:`kgraph.resolve.Resolver`)."""
        from kgraph.resolve import Resolver

        return Resolver(self.backend).actor(name)

    def show(
        self,
        name: str,
        *,
        source_texts: Sequence[str | Path] = (),
        exact: bool = False,
        limit: int | Literal["auto"] | None = "auto",
    ) -> ActorCard:
        """Everything about one actor or event; ``source_texts`` (your copies) fill in quotes;
        ``exact`` leaves out what its parts and events say; ``limit``: claims per relation and
        section (None: all; "auto": all on a small card, else the first 10; the totals count all)."""
        from kgraph import lookup

        return lookup.show(self.backend, name, source_texts=source_texts, exact=exact, limit=limit)

    def claims(
        self,
        about: str | Sequence[str] | None = None,
        **filters: Unpack[ClaimFilters],
    ) -> list[CountedClaimView]:
        """Claims matching all the filters given (several values of one filter: any of them);
        ``id`` picks claims by key, CURIE or IRI; ``between`` (two names): claims linking the two;
        ``exact``: no roll-up of parts and events; ``offset``/``limit``: a part of the list, in its
        order (``claim_pages`` reads it a page at a time)."""
        from kgraph import lookup

        return lookup.claims(self.backend, about=about, **filters)

    def claim_pages(
        self,
        about: str | Sequence[str] | None = None,
        **filters: Unpack[ClaimFilters],
    ) -> ClaimPages:
        """``claims``, a page at a time: ``.total`` claims match; iterate for lists of at most
        :data:`kgraph.lookup.CLAIMS_PAGE` claims, each read in full only when its turn comes."""
        from kgraph import lookup

        return lookup.claim_pages(self.backend, about=about, **filters)

    def compare(
        self,
        about: str | Sequence[str] | None = None,
        *,
        predicate: str | Sequence[str] | None = None,
        source: str | Sequence[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        source_texts: Sequence[str | Path] = (),
        exact: bool = False,
    ) -> CompareResult:
        """The claims of ``claims`` with these filters, grouped by subject, relation and object:
        each group corroborated, differing or single-source, with findings (:mod:`kgraph.compare`)."""
        from kgraph.compare import compare

        return compare(
            self.backend,
            about=about,
            predicate=predicate,
            source=source,
            since=since,
            until=until,
            source_texts=source_texts,
            exact=exact,
        )

    def actors(self, type: str | None = None) -> list[ActorSummary]:
        """Every actor, or those of one class (``State``, ``kg:Company``, "armed group")."""
        from kgraph import lookup

        return lookup.actors(self.backend, type)

    def sources(self) -> list[SourceView]:
        """The source documents, with their SHA-256, length and number of claims."""
        from kgraph import lookup

        return lookup.sources(self.backend)

    def events(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        participant: str | Sequence[str] | None = None,
        exact: bool = False,
    ) -> list[EventView]:
        """The events, oldest first (undated last)."""
        from kgraph import lookup

        return lookup.events(self.backend, since=since, until=until, participant=participant, exact=exact)

    def stats(self) -> Stats:
        """Counts of triples, actors, events, claims and sources."""
        from kgraph import lookup

        return lookup.stats(self.backend)

    def path(
        self, a: str, b: str, max_hops: int = 4, *, limit: int = 10, all_paths: bool = False
    ) -> PathResult:
        """The shortest chains of claims between two actors or events, or with ``all_paths`` every
        simple one within ``max_hops``, ranked (imports networkx)."""
        from kgraph import lookup

        return lookup.path(self.backend, a, b, max_hops=max_hops, limit=limit, all_paths=all_paths)

    def neighbors(
        self, name: str, depth: int = 1, *, exact: bool = False, budget: int | None = 500
    ) -> NeighborsResult:
        """Actors and events within ``depth`` hops of one (imports networkx); the walk holds at
        most ``budget`` of them (None: no limit) and ``cut`` says how many it left out."""
        from kgraph import lookup

        return lookup.neighbors(self.backend, name, depth=depth, exact=exact, budget=budget)

    # ------------------------------------------------------------ query, validate, export

    def query(
        self,
        sparql: str,
        *,
        timeout: Timeout = UNSET,
        allow_service: bool = False,
        bindings: Mapping[str, Term] | None = None,
    ) -> UserQueryResult:
        """A user's SPARQL 1.1 query, with the same guards as ``kgraph query``: SERVICE only
        when allowed, no updates, a timeout (see :func:`kgraph.query.run_query`)."""
        from kgraph.query import run_query

        return run_query(self, sparql, timeout=timeout, allow_service=allow_service, bindings=bindings)

    def validate(
        self, source_texts: Sequence[str | Path] = (), *, batch_size: int | None = None
    ) -> ValidationReport:
        """SHACL shapes and evidence checks; a store or endpoint in batches of ``batch_size``
        nodes (see :func:`kgraph.validation.validate`)."""
        from kgraph.validation import validate

        return validate(self, source_texts, batch_size=batch_size)

    def select(self, selection: Selection | None = None) -> Subgraph:
        """A subgraph: focus/depth, path, filters or a CONSTRUCT (see :mod:`kgraph.subgraph`)."""
        from kgraph.subgraph import Selection, select

        return select(self, selection or Selection())

    def export(self, fmt: str = "turtle", selection: Selection | None = None) -> bytes | str:
        """Select and export in one call; ``fmt`` is a name from ``kgraph export --list-formats``."""
        from kgraph.export import export

        return export(self, selection, fmt)


def open(
    graphs: Sequence[str | Path] | str | Path | None = None,
    *,
    store: str | Path | None = None,
    endpoint: str | None = None,
    endpoint_kind: str = "auto",
    timeout: float | None = DEFAULT_TIMEOUT,
    input_format: str | None = None,
) -> KGraph:
    """Open the bundled article graph, RDF files, an on-disk store or a SPARQL endpoint.

    ``endpoint_kind`` is the server's kind (:data:`kgraph.dialects.ENDPOINT_KINDS`; ``auto``
    guesses it); ``timeout`` the seconds every query may run (0 or None: no limit);
    ``input_format`` the syntax of ``"-"`` (standard input) among ``graphs``: turtle, ntriples,
    nquads, trig, jsonld or rdfxml (default: guessed from its first bytes).
    """
    if isinstance(graphs, str | Path):
        graphs = [graphs]
    backend = open_backend(
        list(graphs) if graphs else None,
        store=store,
        endpoint=endpoint,
        endpoint_kind=endpoint_kind,
        timeout=timeout,
        input_format=input_format,
    )
    return KGraph(backend)


__all__ = ["KGraph", "open"]
