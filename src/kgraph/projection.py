"""RDF claims -> networkx: the one place the graph becomes a network.

Nodes are actors and events; each edge is one claim between two of them (a MultiDiGraph,
keyed by claim IRI), so every hop of a path can be shown with the claim behind it. All
attributes are plain strings, numbers or booleans, so GraphML/GEXF writers take them as
they are. :func:`claim_network` turns claims into nodes of their own (the claims view of
the network formats); :func:`shortest_paths`, :func:`neighborhood`, :func:`distances`,
:func:`nearer` and :func:`claims_between` walk the network, always ignoring the direction of
the claims. networkx is imported inside the functions, never when this module is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from kgraph.dates import DATE_PROPERTIES
from kgraph.mapping import Corpus
from kgraph.models import Claim, LiteralValue
from kgraph.namespaces import KGR, compact_iri
from kgraph.present import MODALITY_LABELS, qualifier_summary, relation_label

if TYPE_CHECKING:
    import networkx as nx


def node_id(ref: str) -> str:
    """A node's id is its full IRI: unique across sources and readable by RDF tools."""
    return ref if ref.startswith(("http://", "https://", "urn:")) else KGR + ref


def claim_edge_attributes(
    claim: Claim, labels: dict[str, str] | None = None
) -> dict[str, str | float | bool]:
    """A claim as flat edge attributes (no lists, no RDF objects).

    ``labels`` (node id -> label) adds ``attributed_to_label``: who reports it, readably, and
    names the event of a ``since`` qualifier in ``figure``. What the curators added is said
    twice: as fields (``by_curators``, a whole curator-inferred claim; ``curated``, the
    qualifier fields they read into the source's words, ``"; "``-joined) for tools that filter,
    and as :data:`kgraph.present.CURATORS_MARK` in ``figure`` for people who read it.
    """
    q = claim.qualifiers
    since = {q.since: labels[node_id(q.since)]} if labels and q.since and node_id(q.since) in labels else {}
    attrs: dict[str, str | float | bool] = {
        "claim": claim.id or "",
        "claim_key": claim.key or "",
        "predicate": compact_iri(claim.predicate) if ":" in claim.predicate else f"kg:{claim.predicate}",
        "relation": relation_label(claim.predicate),
        "text": claim.text,
        "modality": claim.modality,
        "modality_label": MODALITY_LABELS[claim.modality],
        "attributed_to": "; ".join(claim.attributed_to),
        "source": claim.source or "",
        "evidence": "; ".join(e.where() for e in claim.evidence),
        "figure": qualifier_summary(q, curated=claim.curated, labels=since),
        "by_curators": claim.modality == "curatorInferred",
        "curated": "; ".join(claim.curated),
    }
    if labels is not None:
        attrs["attributed_to_label"] = "; ".join(labels.get(node_id(a), a) for a in claim.attributed_to)
    for field, value in q.model_dump(exclude_none=True).items():
        attrs[field] = float(value) if field in ("share", "value", "min_value", "max_value") else value
    return attrs


def _dates(corpus: Corpus) -> dict[str, str]:
    """Node id -> its date or period in words, from the claims that date it (events)."""
    found: dict[str, dict[str, str]] = {}
    for claim in corpus.claims:
        kind = DATE_PROPERTIES.get(claim.predicate)
        if kind and isinstance(claim.object, LiteralValue):
            dates = found.setdefault(node_id(claim.subject), {})
            # Of two dates for one event ("--09-19" and "2023-09-19"), the one with a year says more.
            value = claim.object.value
            if kind not in dates or (not value.startswith("--"), len(value)) > (
                not dates[kind].startswith("--"),
                len(dates[kind]),
            ):
                dates[kind] = value
    out = {}
    for node, d in found.items():
        if "start" in d and "end" in d:
            out[node] = f"{d['start']} – {d['end']}"
        else:
            out[node] = d.get("date") or (f"from {d['start']}" if "start" in d else f"until {d['end']}")
    return out


def project(corpus: Corpus) -> nx.MultiDiGraph:
    """Actors and events as nodes, claims between them as keyed edges."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    dates = _dates(corpus)
    for entity, kind in [(a, "actor") for a in corpus.actors] + [(e, "event") for e in corpus.events]:
        nid = node_id(entity.id)
        graph.add_node(
            nid,
            label=entity.label,
            type=entity.type,
            kind=kind,
            curie=compact_iri(nid),
            aliases="; ".join(entity.aliases),
            description=entity.description or "",
            wikidata=entity.wikidata or "",
            date=dates.get(nid, ""),
        )
    labels = {n: str(d["label"]) for n, d in graph.nodes(data=True)}
    for claim in corpus.claims:
        if not isinstance(claim.object, str):
            continue
        s, o = node_id(claim.subject), node_id(claim.object)
        if s in graph and o in graph:
            graph.add_edge(s, o, key=claim.id or claim.key, **claim_edge_attributes(claim, labels))
    return graph


def claim_network(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Claims as nodes of their own: subject -> claim -> object, claim attributes on the claim node.

    For tools that filter and colour nodes more easily than edges (Gephi, Cytoscape).
    """
    import networkx as nx

    out = nx.MultiDiGraph()
    out.add_nodes_from(graph.nodes(data=True))
    for s, o, key, data in graph.edges(keys=True, data=True):
        figure = str(data.get("figure") or "")
        out.add_node(
            str(key),
            **data,
            label=str(data["relation"]) + (f" ({figure})" if figure else ""),
            type="Claim",
            kind="claim",
            curie=compact_iri(str(key)),
        )
        out.add_edge(s, str(key), key="subject", relation="subject", role="subject")
        out.add_edge(str(key), o, key="object", relation="object", role="object")
    return out


def shortest_paths(graph: nx.MultiDiGraph, a: str, b: str, *, limit: int = 50) -> list[list[str]]:
    """Every shortest path between ``a`` and ``b``, ignoring edge direction (at most ``limit``).

    Direction is ignored because "how are A and B connected" is answered as much by "B
    supplies A" as by "A supplies B". An empty list when there is no connection.
    """
    import itertools

    import networkx as nx

    if a not in graph or b not in graph:
        return []
    try:
        found = nx.all_shortest_paths(graph.to_undirected(as_view=True), a, b)
        return [list(p) for p in itertools.islice(found, limit)]
    except nx.NetworkXNoPath:
        return []


def distances(graph: nx.MultiDiGraph, node: str, depth: int) -> dict[str, int]:
    """Node -> hops from ``node`` (itself at 0), for the nodes within ``depth`` hops, in
    either direction; empty when ``node`` is not in the network."""
    import networkx as nx

    if node not in graph:
        return {}
    return dict(nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), node, cutoff=depth))


def nearer(graph: nx.MultiDiGraph, node: str, reach: Mapping[str, int]) -> list[str]:
    """The nodes joined to ``node`` (in either direction) one hop nearer the centre of ``reach``
    (a :func:`distances` result): the ones it is reached from."""
    distance = reach[node]
    around = set(graph.successors(node)) | set(graph.predecessors(node))
    return sorted(n for n in around if reach.get(n) == distance - 1)


def claims_between(graph: nx.MultiDiGraph, a: str, b: str) -> list[tuple[str, str]]:
    """(claim, direction) for every claim joining ``a`` and ``b``: ``forward`` when it reads
    from ``a`` to ``b``, ``backward`` when from ``b`` to ``a``."""
    return [
        (str(key), direction)
        for u, v, direction in ((a, b, "forward"), (b, a, "backward"))
        for key in graph.get_edge_data(u, v) or {}
    ]


def neighborhood(graph: nx.MultiDiGraph, nodes: Iterable[str], depth: int = 1) -> set[str]:
    """The nodes within ``depth`` hops of ``nodes``, in both directions (the nodes included)."""
    seen = {n for n in nodes if n in graph}
    frontier = set(seen)
    for _ in range(depth):
        nxt = set()
        for n in frontier:
            nxt |= set(graph.successors(n)) | set(graph.predecessors(n))
        frontier = nxt - seen
        seen |= frontier
        if not frontier:
            break
    return seen
