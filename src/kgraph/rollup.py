"""Roll-up: what an actor's parts, members and events say counts as said about the actor.

``kgraph claims --about Iran`` lists, besides the claims about Iran itself, those about the
Iranian parliament and the MPs who sit in it (``kg:partOf``, transitively), about anything
``kg:memberOf`` or ``kg:basedIn`` it, and about the events it or those parts took part in
(``kg:participant``). Each such claim says how it was reached (:class:`kgraph.views.Step`).
The links are read from the claim layer, whatever their modality, and the modality of each
link is shown with it: a curator-inferred "Mossad is part of Israel" reads as such.

One query a level, bound to the level's nodes; a level deeper than :data:`MAX_DEPTH` or a
scope larger than :data:`MAX_NODES` stops the expansion (a cycle cannot loop: a node is
reached once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kgraph import patterns
from kgraph.fetch import Labels, nodes, select, value
from kgraph.namespaces import compact_iri
from kgraph.present import relation_label
from kgraph.store import Backend, values_block
from kgraph.views import Step

MAX_DEPTH = 6
"""Levels of parts followed (part of a part of …)."""
MAX_NODES = 2_000
"""Parts and events a scope holds at most."""


@dataclass
class _Link:
    node: str
    parent: str
    relation: str
    claim: str
    modality: str


@dataclass
class Scope:
    """An actor and what rolls up to it: node IRI -> how it is reached (empty for the actor)."""

    root: str
    links: dict[str, _Link] = field(default_factory=dict)
    truncated: bool = False

    @property
    def iris(self) -> list[str]:
        return [self.root, *self.links]

    def parts(self) -> list[str]:
        return [n for n, link in self.links.items() if link.relation != "participant"]

    def via(self, node: str, labels: Labels) -> list[Step]:
        """The chain from the root to ``node``, nearest first."""
        chain: list[_Link] = []
        while node in self.links and len(chain) <= MAX_NODES:
            link = self.links[node]
            chain.append(link)
            node = link.parent
        return [
            Step(node=labels.ref(link.node), relation=link.relation, claim=link.claim, modality=link.modality)  # type: ignore[arg-type]
            for link in reversed(chain)
        ]


def scope(backend: Backend, roots: Iterable[str], *, events: bool = True) -> list[Scope]:
    """One :class:`Scope` per root: its parts, members and residents, transitively, and (with
    ``events``) the events it or they took part in."""
    out = []
    for root in roots:
        sc = Scope(root)
        level = [root]
        for _ in range(MAX_DEPTH):
            rows = select(backend, patterns.fill(patterns.PARTS, values_block("whole", nodes(level)))).rows
            found = []
            for row in sorted(rows, key=lambda r: (value(r["part"]) or "", value(r["claim"]) or "")):
                part, whole, p, claim, modality = (
                    value(row[k]) for k in ("part", "whole", "p", "claim", "modality")
                )
                if not (part and whole and p and claim) or part == root or part in sc.links:
                    continue
                sc.links[part] = _Link(part, whole, relation_label(compact_iri(p)), claim, _local(modality))
                found.append(part)
            level = found
            if not level:
                break
            if len(sc.links) > MAX_NODES:
                sc.truncated = True
                break
        else:
            sc.truncated = bool(level)
        if events:
            actors = nodes(sc.iris)
            rows = select(backend, patterns.fill(patterns.PARTICIPATIONS, values_block("actor", actors))).rows
            for row in sorted(rows, key=lambda r: (value(r["actor"]) != root, value(r["event"]) or "")):
                event, actor, claim, modality = (
                    value(row[k]) for k in ("event", "actor", "claim", "modality")
                )
                if event and actor and claim and event != root and event not in sc.links:
                    sc.links[event] = _Link(event, actor, "participant", claim, _local(modality))
        out.append(sc)
    return out


def _local(modality: str | None) -> str:
    return (modality or "").rsplit("#", 1)[-1] or "asserted"


__all__ = ["MAX_DEPTH", "MAX_NODES", "Scope", "scope"]
