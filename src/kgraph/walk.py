"""The one walker: breadth-first over claims, for ``kgraph path`` (the shortest paths, or with
``--all`` every simple path within ``--max-hops``), ``kgraph neighbors`` and
``kgraph export --focus/--path``.

The walk never reads the whole network. The claims around a frontier are fetched hop by hop
(an :data:`EdgeSource`: by default one query of :data:`kgraph.patterns.EDGES` per batch of
frontier nodes; the export passes its own, which also applies its claim filters), and only
what was collected is projected to networkx for the shortest paths
(:func:`kgraph.projection.shortest_paths`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from kgraph import patterns
from kgraph.fetch import nodes, select, value
from kgraph.mapping import Corpus
from kgraph.models import Claim, Entity
from kgraph.store import Backend, values_block

if TYPE_CHECKING:
    import networkx as nx

FRONTIER_BATCH = 500
"""Frontier nodes bound in one query; a bigger frontier takes several."""


@dataclass(frozen=True)
class Edge:
    """A claim joining two actors or events: the skeleton a walk needs."""

    claim: str
    subject: str
    predicate: str
    object: str


EdgeSource = Callable[[set[str]], Iterable[Edge]]
"""The claims joining one of the given nodes to another actor or event, either direction."""


def edges_around(backend: Backend) -> EdgeSource:
    """The default edge source: every claim between actors and events, read from ``backend``."""

    def around(frontier: set[str]) -> list[Edge]:
        ordered = sorted(frontier)
        out: list[Edge] = []
        for i in range(0, len(ordered), FRONTIER_BATCH):
            block = values_block("n", nodes(ordered[i : i + FRONTIER_BATCH]))
            for row in select(backend, patterns.fill(patterns.EDGES, block)).rows:
                c, s, p, o = (value(row[k]) for k in ("claim", "s", "p", "o"))
                if c and s and p and o:
                    out.append(Edge(c, s, p, o))
        return out

    return around


class Side:
    """What one end of a walk has collected: the claims, and each node's distance from the end."""

    def __init__(self, start: str | Iterable[str]):
        starts = {start} if isinstance(start, str) else set(start)
        self.hops = 0
        self.distance = dict.fromkeys(starts, 0)
        self.frontier = set(starts)
        self.edges: dict[str, Edge] = {}
        self.cut = 0
        """Nodes reached but left out to keep within a budget (:meth:`expand`)."""

    def expand(self, source: EdgeSource, budget: int | None = None) -> None:
        """One hop further out: the claims around the frontier, and the new frontier.

        With a ``budget``, the side holds at most that many nodes: when the new frontier would
        take it past, only the nodes most claims join to those already held are kept (then by
        IRI, so the cut is the same on every run), the claims to the others are dropped, and
        :attr:`cut` counts the nodes left out."""
        self.hops += 1
        found: dict[str, int] = {}
        edges: list[Edge] = []
        for edge in source(self.frontier):
            edges.append(edge)
            for end in (edge.subject, edge.object):
                if end not in self.distance:
                    found[end] = found.get(end, 0) + 1
        room = None if budget is None else max(budget - len(self.distance), 0)
        if room is not None and len(found) > room:
            kept = sorted(found, key=lambda n: (-found[n], n))[:room]
            self.cut += len(found) - room
            found = {n: found[n] for n in kept}
        held = self.distance.keys() | found.keys()
        for edge in edges:
            if edge.subject in held and edge.object in held:
                self.edges[edge.claim] = edge
        self.frontier = set(found)
        self.distance |= dict.fromkeys(self.frontier, self.hops)


def reach(source: EdgeSource, start: str | Iterable[str], depth: int, budget: int | None = None) -> Side:
    """Everything within ``depth`` hops of ``start`` (one node or several); with a ``budget``,
    at most that many nodes (:meth:`Side.expand`: ``cut`` says how many were left out)."""
    side = Side(start)
    for _ in range(depth):
        side.expand(source, budget)
        if not side.frontier:
            break
    return side


@dataclass(frozen=True)
class Meeting:
    """What :func:`meet` found: the claims collected (empty when the ends did not meet), and
    whether the search stopped at ``max_hops`` rather than running out of claims."""

    edges: list[Edge]
    out_of_hops: bool = False


def meet(source: EdgeSource, a: str, b: str, max_hops: int) -> Meeting:
    """The claims on every shortest path between ``a`` and ``b`` of at most ``max_hops`` hops
    (and others around them), found by expanding from both ends, the smaller frontier first,
    until the two meet.

    When the two sides first share a node, after ``i`` hops out from ``a`` and ``j`` from ``b``,
    the ends are exactly ``i + j`` hops apart, and every claim of a shortest path touches a
    node less than ``i`` hops from ``a`` or less than ``j`` from ``b``: it has been fetched.
    """
    ends = (Side(a), Side(b))
    if a == b:
        return Meeting([])
    for _ in range(max_hops):
        side = min(ends, key=lambda c: (len(c.frontier), c.hops))
        side.expand(source)
        if ends[0].distance.keys() & ends[1].distance.keys():
            return Meeting(list({**ends[0].edges, **ends[1].edges}.values()))
        if not side.frontier:
            return Meeting([])
    return Meeting([], out_of_hops=True)


def within(source: EdgeSource, a: str, b: str, max_hops: int) -> list[Edge]:
    """The claims on every simple path of at most ``max_hops`` hops between ``a`` and ``b``
    (and others around them): everything within ``ceil(max_hops / 2)`` hops of ``a`` and
    ``floor(max_hops / 2)`` of ``b``.

    On such a path, the hop from position ``i`` to ``i + 1`` has its first end at most ``i`` hops
    from ``a`` and its second at most ``max_hops - i - 1`` from ``b``: when ``i`` is below
    ``ceil(max_hops / 2)`` the walk from ``a`` fetched it, else the walk from ``b`` did.
    """
    if a == b:
        return []
    near_a = reach(source, a, (max_hops + 1) // 2)
    near_b = reach(source, b, max_hops // 2)
    return list({**near_a.edges, **near_b.edges}.values())


def network(edges: Iterable[Edge]) -> nx.MultiDiGraph:
    """The collected claims as a network (:func:`kgraph.projection.project`): just their shape;
    the claims a result shows are read in full afterwards."""
    from kgraph.projection import project

    edges = list(edges)
    ends = sorted({n for e in edges for n in (e.subject, e.object)})
    entities = [_bare(Entity, id=n, type="Actor", label=n) for n in ends]
    skeleton = [
        _bare(
            Claim, id=e.claim, subject=e.subject, predicate=e.predicate, object=e.object, modality="asserted"
        )
        for e in edges
    ]
    return project(Corpus([], entities, [], skeleton))


def shortest(graph: nx.MultiDiGraph, a: str, b: str, limit: int) -> list[list[str]]:
    """Up to ``limit`` shortest paths between ``a`` and ``b`` in a collected network."""
    from kgraph.projection import node_id, shortest_paths

    return shortest_paths(graph, node_id(a), node_id(b), limit=limit)


def simple(graph: nx.MultiDiGraph, a: str, b: str, max_hops: int, limit: int) -> list[list[str]]:
    """Up to ``limit`` simple paths (no node twice) of at most ``max_hops`` hops between ``a``
    and ``b`` in a collected network, either direction, shortest first: the first ``limit`` are
    the shortest ones, whatever the network holds beyond them."""
    import networkx as nx

    from kgraph.projection import node_id

    a, b = node_id(a), node_id(b)
    if a not in graph or b not in graph:
        return []
    # Yen's algorithm wants a simple graph; a path is a sequence of nodes, so the several claims
    # between two nodes are one edge here.
    plain = nx.Graph(graph.to_undirected(as_view=True))
    out: list[list[str]] = []
    try:
        for found in nx.shortest_simple_paths(plain, a, b):
            if len(found) - 1 > max_hops or len(out) >= limit:
                break
            out.append(list(found))
    except nx.NetworkXNoPath:
        return []
    return out


def claims_on(graph: nx.MultiDiGraph, path: list[str]) -> set[str]:
    """The claims joining each pair of neighbours on ``path``, in either direction."""
    from kgraph.projection import claims_between

    return {str(key) for u, v in itertools.pairwise(path) for key, _ in claims_between(graph, u, v)}


ModelT = TypeVar("ModelT", bound=BaseModel)


def _bare(model: type[ModelT], **values: Any) -> ModelT:
    """``model`` with ``values``, unchecked (full IRIs where a dataset has slugs), every other
    field at its default (filled here: pydantic's model_construct looks them up slowly)."""
    rest: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in values:
            factory = info.default_factory
            rest[name] = factory() if factory is not None else info.default  # type: ignore[call-arg]
    return model.model_construct(**rest, **values)


__all__ = [
    "Edge",
    "EdgeSource",
    "Meeting",
    "Side",
    "claims_on",
    "edges_around",
    "meet",
    "network",
    "reach",
    "shortest",
    "simple",
    "within",
]
