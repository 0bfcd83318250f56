"""Network formats for Gephi, Cytoscape and yEd: GraphML and GEXF (networkx's writers) and
Cytoscape.js JSON. Nodes carry label and type; edges carry relation, claim id, modality and
qualifiers as plain attributes, and what the curators added as fields (``by_curators``,
``curated``, ``date_by_curators``). With ``--view claims``, claims become nodes of their own."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kgraph.export.base import Exporter, ExportOptions
from kgraph.export.style import curated_fields
from kgraph.projection import claim_network
from kgraph.subgraph import DATE_BY_CURATORS

if TYPE_CHECKING:
    import networkx as nx

    from kgraph.subgraph import Subgraph


def network(sub: Subgraph, options: ExportOptions) -> nx.MultiDiGraph:
    """The selection's network in the asked view, with a graph-level description."""
    graph = sub.network()
    # On every entity, not only dated events: GraphML and GEXF then always declare the column as
    # a boolean, and a filter on it in Gephi or Cytoscape meets no missing values.
    for _, data in graph.nodes(data=True):
        data.setdefault(DATE_BY_CURATORS, False)
    if (options.view or "actors") == "claims":
        graph = claim_network(graph)
    graph.graph["name"] = f"kgraph: {sub.description}"
    return graph


def graphml(sub: Subgraph, options: ExportOptions) -> str:
    import networkx as nx

    # Tools show attr.name as the column name; key ids stay d0, d1… because a claim node
    # and an edge may share an attribute name, and ids must be unique.
    lines = nx.generate_graphml(network(sub, options), edge_id_from_attribute="claim")
    return "\n".join(lines) + "\n"


# networkx's GEXF writer gives these keys a meaning of their own: "start"/"end" would turn
# the file into a dynamic graph whose timeline Gephi cannot read from "2015" or "2021-03".
_GEXF_RENAMES = {
    "start": "period_start",
    "end": "period_end",
    "weight": "kg_weight",
    "spells": "kg_spells",
    "viz": "kg_viz",
    "pid": "kg_pid",
}


def _gexf_safe(data: dict[str, Any], *, edge: bool) -> None:
    renames = dict(_GEXF_RENAMES, type="kg_type") if edge else _GEXF_RENAMES
    for old, new in renames.items():
        if old in data:
            data[new] = data.pop(old)


def gexf(sub: Subgraph, options: ExportOptions) -> str:
    import networkx as nx

    graph = network(sub, options)
    for _, data in graph.nodes(data=True):
        _gexf_safe(data, edge=False)
    for _, _, data in graph.edges(data=True):
        _gexf_safe(data, edge=True)
        # GEXF shows an edge's "label"; networkx takes the edge id from "id".
        data["label"] = str(data.get("relation") or "")
        if data.get("claim"):
            data["id"] = str(data["claim"])
    return "\n".join(nx.generate_gexf(graph, version="1.2draft")) + "\n"


def _cy_safe(data: dict[str, Any], *, claim: bool) -> dict[str, Any]:
    """Cytoscape reserves id, source and target: a claim's source document becomes source_document.

    JSON has lists, so a claim's ``curated`` fields are one (GraphML and GEXF have none)."""
    out = {k: v for k, v in data.items() if k not in ("id", "source", "target")}
    if "source" in data:
        out["source_document"] = data["source"]
    if claim:
        out["curated"] = curated_fields(data)
    return out


def cytoscape_json(sub: Subgraph, options: ExportOptions) -> str:
    """Cytoscape.js elements JSON (Cytoscape desktop: File > Import > Network from File, .cyjs)."""
    graph = network(sub, options)
    nodes: list[dict[str, Any]] = []
    for n, data in sorted(graph.nodes(data=True)):
        claim = data.get("kind") == "claim"
        nodes.append({"data": {**_cy_safe(data, claim=claim), "id": n, "name": data.get("label", n)}})
    edges: list[dict[str, Any]] = []
    for i, (s, o, key, data) in enumerate(
        sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
    ):
        edge_id = str(data.get("claim") or f"{key}-{i}")
        if data.get("role"):
            edge_id = f"{s}|{data['role']}|{o}"
        edges.append(
            {
                "data": {
                    **_cy_safe(data, claim=not data.get("role")),
                    "id": edge_id,
                    "source": s,
                    "target": o,
                    "name": data.get("relation", ""),
                }
            }
        )
    doc = {
        "format_version": "1.0",
        "generated_by": "kgraph",
        "data": {"name": graph.graph.get("name", "kgraph")},
        "elements": {"nodes": nodes, "edges": edges},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


EXPORTERS = [
    Exporter(
        "graphml",
        (".graphml",),
        "application/graphml+xml",
        "GraphML for Gephi, Cytoscape, yEd",
        graphml,
        "network",
        default_view="actors",
    ),
    Exporter(
        "gexf",
        (".gexf",),
        "application/gexf+xml",
        "GEXF 1.2 for Gephi",
        gexf,
        "network",
        default_view="actors",
    ),
    Exporter(
        "cyjs",
        (".cyjs",),
        "application/json",
        "Cytoscape.js JSON (Cytoscape desktop, web pages)",
        cytoscape_json,
        "network",
        default_view="actors",
    ),
]
