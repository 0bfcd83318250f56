"""RDF claims -> networkx: the one place the graph becomes a network.

Nodes are actors and events; each edge is one claim between two of them (a MultiDiGraph,
keyed by claim IRI), so every hop of a path can be shown with the claim behind it. All
attributes are plain strings, numbers or booleans, so GraphML/GEXF writers take them as
they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgraph.mapping import Corpus
from kgraph.models import Claim
from kgraph.namespaces import KGR, compact_iri
from kgraph.present import MODALITY_LABELS, qualifier_summary, relation_label

if TYPE_CHECKING:
    import networkx as nx


def node_id(ref: str) -> str:
    """A node's id is its full IRI: unique across sources and readable by RDF tools."""
    return ref if ref.startswith(("http://", "https://", "urn:")) else KGR + ref


def claim_edge_attributes(claim: Claim) -> dict[str, str | float | bool]:
    """A claim as flat edge attributes (no lists, no RDF objects)."""
    q = claim.qualifiers
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
        "evidence": "; ".join(f"{e.start}-{e.end}" for e in claim.evidence),
        "figure": qualifier_summary(q),
    }
    for field, value in q.model_dump(exclude_none=True).items():
        attrs[field] = float(value) if field in ("share", "value", "min_value", "max_value") else value
    return attrs


def project(corpus: Corpus) -> nx.MultiDiGraph:
    """Actors and events as nodes, claims between them as keyed edges."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for entity, kind in [(a, "actor") for a in corpus.actors] + [(e, "event") for e in corpus.events]:
        graph.add_node(
            node_id(entity.id),
            label=entity.label,
            type=entity.type,
            kind=kind,
            curie=compact_iri(node_id(entity.id)),
            aliases="; ".join(entity.aliases),
            description=entity.description or "",
            wikidata=entity.wikidata or "",
        )
    for claim in corpus.claims:
        if not isinstance(claim.object, str):
            continue
        s, o = node_id(claim.subject), node_id(claim.object)
        if s in graph and o in graph:
            graph.add_edge(s, o, key=claim.id or claim.key, **claim_edge_attributes(claim))
    return graph
