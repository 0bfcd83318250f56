"""`kgraph diff`: what changed between two graphs, claim by claim.

Claims are paired by IRI, and, where an IRI is in one graph only, by the matcher of `kgraph add`
(:func:`kgraph.add.same_statement`: the same source and key, or the same subject, relation and
object with overlapping evidence), so that a claim whose figure was corrected shows as one
change, not as one removal and one addition.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from kgraph.mapping import Corpus, from_triples
from kgraph.models import Claim


class ClaimDiff(BaseModel):
    """One claim that is not the same in both graphs."""

    status: str = Field(description="added, removed or changed")
    key: str | None = None
    old: str | None = Field(default=None, description="the claim's IRI in the old graph")
    new: str | None = Field(default=None, description="the claim's IRI in the new graph")
    text: str
    source: str | None = None
    fields: list[str] = Field(default_factory=list, description="what changed (for changed claims)")

    def row(self) -> dict[str, str]:
        return {
            "status": self.status,
            "key": self.key or "",
            "source": self.source or "",
            "changed": ", ".join(self.fields),
            "text": self.text,
            "claim": self.new or self.old or "",
        }


class NamesDiff(BaseModel):
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)


class GraphDiff(BaseModel):
    """Everything :func:`diff` found; empty lists when the graphs say the same."""

    old: str
    new: str
    claims: list[ClaimDiff]
    actors: NamesDiff
    events: NamesDiff
    sources: NamesDiff

    @property
    def same(self) -> bool:
        return not (
            self.claims or any(d.added or d.removed for d in (self.actors, self.events, self.sources))
        )

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.claims)

    def summary(self) -> str:
        parts = [
            f"{self.count(s)} claim{'' if self.count(s) == 1 else 's'} {s}"
            for s in ("added", "removed", "changed")
        ]
        for name, d in (("actor", self.actors), ("event", self.events), ("source", self.sources)):
            if d.added or d.removed:
                parts.append(f"{name}s +{len(d.added)} -{len(d.removed)}")
        return f"{self.old} -> {self.new}: " + ", ".join(parts)


_COMPARED = (
    *("subject", "predicate", "object", "modality", "attributed_to", "qualifiers"),
    *("text", "note", "evidence", "curated", "supports", "contradicts"),
)


def _fields(a: Claim, b: Claim) -> list[str]:
    return [name for name in _COMPARED if getattr(a, name) != getattr(b, name)]


def _read(paths: Sequence[str | Path]) -> Corpus:
    from kgraph.store import OxigraphBackend

    return from_triples(OxigraphBackend.from_files(paths).triples(), fold_external_ids=False)


def diff(old: str | Path | Sequence[str | Path], new: str | Path | Sequence[str | Path]) -> GraphDiff:
    """What changed from the graph file(s) ``old`` to ``new``."""
    from kgraph.add import same_statement

    olds = [old] if isinstance(old, str | Path) else list(old)
    news = [new] if isinstance(new, str | Path) else list(new)
    a, b = _read(olds), _read(news)
    before = {c.id: c for c in a.claims}
    after = {c.id: c for c in b.claims}
    out: list[ClaimDiff] = []
    for iri in sorted(before.keys() & after.keys(), key=str):
        if changed := _fields(before[iri], after[iri]):
            c = after[iri]
            out.append(
                ClaimDiff(
                    status="changed",
                    key=c.key,
                    old=iri,
                    new=iri,
                    text=c.text,
                    source=c.source,
                    fields=changed,
                )
            )
    gone = [before[i] for i in sorted(before.keys() - after.keys(), key=str)]
    came = [after[i] for i in sorted(after.keys() - before.keys(), key=str)]
    paired: set[str | None] = set()
    for c in came:
        match = next((g for g in gone if g.id not in paired and same_statement(g, c)), None)
        if match is not None:
            paired.add(match.id)
            out.append(
                ClaimDiff(
                    status="changed",
                    key=c.key,
                    old=match.id,
                    new=c.id,
                    text=c.text,
                    source=c.source,
                    fields=_fields(match, c),
                )
            )
        else:
            out.append(ClaimDiff(status="added", key=c.key, new=c.id, text=c.text, source=c.source))
    out += [
        ClaimDiff(status="removed", key=g.key, old=g.id, text=g.text, source=g.source)
        for g in gone
        if g.id not in paired
    ]
    order = {"removed": 0, "changed": 1, "added": 2}
    out.sort(key=lambda d: (order[d.status], d.source or "", d.key or "", d.new or d.old or ""))

    def names(x: list[str], y: list[str]) -> NamesDiff:
        return NamesDiff(added=sorted(set(y) - set(x)), removed=sorted(set(x) - set(y)))

    return GraphDiff(
        old=", ".join(str(p) for p in olds),
        new=", ".join(str(p) for p in news),
        claims=out,
        actors=names([e.id for e in a.actors], [e.id for e in b.actors]),
        events=names([e.id for e in a.events], [e.id for e in b.events]),
        sources=names([s.id for s in a.sources], [s.id for s in b.sources]),
    )
