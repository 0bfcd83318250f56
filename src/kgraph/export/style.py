"""How pictures look: one palette for actor types and one line style per modality, shared by
Graphviz, Mermaid and Cytoscape.js so every picture says the same thing the same way."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kgraph.export.base import MERGES
from kgraph.present import CURATORS_LEGEND, CURATORS_MARK, mark
from kgraph.subgraph import DATE_BY_CURATORS

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class NodeStyle:
    family: str
    """The legend's words for this group of types."""
    shape: str
    """A Graphviz shape."""
    fill: str
    style: str = "filled"


# Light fills keep black text readable (contrast ratio above 7:1 for each of them).
_STATE = NodeStyle("state", "box", "#9ecae1", "filled,rounded")
_PLACE = NodeStyle("territory / region", "hexagon", "#c7e9c0")
_CORRIDOR = NodeStyle("corridor", "cds", "#fdd49e")
_FACILITY = NodeStyle("facility", "box3d", "#d9d9d9")
_COMPANY = NodeStyle("company", "component", "#fdae6b")
_GOVERNMENT = NodeStyle("government body", "box", "#dadaeb", "filled,rounded")
# A folder, not a bold border: a thick double border marks the focus of a picture.
_INTELLIGENCE = NodeStyle("intelligence agency", "folder", "#bcbddc")
_ARMED = NodeStyle("armed forces / group", "box", "#fc9272", "filled,rounded")
_RESEARCH = NodeStyle("research / data source", "note", "#ffffcc")
_PERSON = NodeStyle("person", "ellipse", "#fde0ef")
_EVENT = NodeStyle("event", "ellipse", "#fff7bc")
_CLAIM = NodeStyle("claim", "box", "#ffffff")
_OTHER = NodeStyle("other actor", "box", "#f0f0f0", "filled,rounded")

NODE_STYLES: dict[str, NodeStyle] = {
    "State": _STATE,
    "Territory": _PLACE,
    "Region": _PLACE,
    "Corridor": _CORRIDOR,
    "Facility": _FACILITY,
    "Company": _COMPANY,
    "Ministry": _GOVERNMENT,
    "GovernmentAgency": _GOVERNMENT,
    "OfficialBody": _GOVERNMENT,
    "Legislature": _GOVERNMENT,
    "IntelligenceAgency": _INTELLIGENCE,
    "ArmedForces": _ARMED,
    "ArmedGroup": _ARMED,
    "ResearchOrganization": _RESEARCH,
    "DataSource": _RESEARCH,
    "MediaOutlet": _RESEARCH,
    "Person": _PERSON,
    "Event": _EVENT,
    "Claim": _CLAIM,
}
LEGEND_ORDER = [
    _STATE,
    _PLACE,
    _CORRIDOR,
    _FACILITY,
    _COMPANY,
    _GOVERNMENT,
    _INTELLIGENCE,
    _ARMED,
    _RESEARCH,
    _PERSON,
    _EVENT,
    _CLAIM,
    _OTHER,
]


def node_style(node_type: str) -> NodeStyle:
    return NODE_STYLES.get(node_type, _OTHER)


@dataclass(frozen=True)
class EdgeStyle:
    legend: str
    style: str
    color: str


EDGE_STYLES: dict[str, EdgeStyle] = {
    "asserted": EdgeStyle("stated by the article", "solid", "#252525"),
    "reported": EdgeStyle("reported by a cited source", "solid", "#08519c"),
    "alleged": EdgeStyle("alleged / hedged", "dashed", "#a63603"),
    "analysis": EdgeStyle("the author's analysis", "dotted", "#54278f"),
    "curatorInferred": EdgeStyle("inferred by the curators", "solid", "#969696"),
}
MODALITY_ORDER = ["asserted", "reported", "alleged", "analysis", "curatorInferred"]


def edge_style(modality: str) -> EdgeStyle:
    return EDGE_STYLES.get(modality, EDGE_STYLES["asserted"])


def wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of about ``width`` characters (existing newlines are kept)."""
    lines: list[str] = []
    for part in text.splitlines() or [""]:
        lines += textwrap.wrap(part, width, break_long_words=False, break_on_hyphens=False) or [""]
    return "\n".join(lines)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_words(value: str) -> str:
    """``2023-09-19`` -> ``19 Sep 2023``, ``2022-12`` -> ``Dec 2022``, ``--09-19`` -> ``19 Sep``;
    anything else (a year, a range) as it is."""

    def one(m: re.Match[str]) -> str:
        year, month, day = m.group(1), int(m.group(2)), m.group(3)
        words = [str(int(day))] if day else []
        words.append(_MONTHS[month - 1])
        if year:
            words.append(year)
        return " ".join(words)

    return re.sub(r"(?:(?<![\d-])(\d{4})-|--)(0[1-9]|1[0-2])(?:-(\d{2}))?(?!\d)", one, value)


# The mark and its legend line are kgraph.present's, so that a picture, a table and a look-up
# mark the curators' additions the same way; tooltips say it in full.
CURATORS_NOTE = CURATORS_LEGEND.removeprefix(CURATORS_MARK).strip()
"""The legend's words without the mark, for a tooltip: ``claim added by the curators: …``."""


def curators_drew(graph: nx.MultiDiGraph) -> bool:
    """Whether a picture of ``graph`` shows :data:`CURATORS_MARK` somewhere, so needs the legend
    line: an event's date, a curator-inferred claim or a value the curators read (on an edge,
    or on a claim node of the claims view)."""
    if any(d.get("date") and d.get(DATE_BY_CURATORS) for _, d in graph.nodes(data=True)):
        return True
    return any(marked(d) for _, d in graph.nodes(data=True) if d.get("kind") == "claim") or any(
        marked(d) for _, _, d in graph.edges(data=True)
    )


def marked(claim: dict[str, Any]) -> bool:
    """Whether a claim's attributes (:func:`kgraph.projection.claim_edge_attributes`) draw the mark."""
    return bool(claim.get("by_curators") or claim.get("curated"))


def relation_text(claim: dict[str, Any]) -> str:
    """A claim's relation as a picture labels it: marked when the whole claim is the curators'."""
    return mark(str(claim.get("relation") or ""), bool(claim.get("by_curators")))


def curated_fields(claim: dict[str, Any]) -> list[str]:
    """The qualifier fields the curators read (``curated``), whether "; "-joined or a list."""
    value = claim.get("curated") or ""
    return [f for f in (value if isinstance(value, list) else str(value).split("; ")) if f]


def curators_notes(claim: dict[str, Any]) -> list[str]:
    """Tooltip lines saying what of a claim the curators added: the claim, or which values."""
    notes = [f"{CURATORS_MARK} claim {CURATORS_NOTE}"] if claim.get("by_curators") else []
    fields = curated_fields(claim)
    if fields:
        notes.append(f"{CURATORS_MARK} {', '.join(f.replace('_', ' ') for f in fields)} {CURATORS_NOTE}")
    return notes


def node_label(data: dict[str, Any], width: int = 22) -> str:
    """The label, wrapped, then an event's date in words, marked when only curators give it."""
    label = wrap(str(data.get("label") or data.get("curie") or ""), width)
    if data.get("date"):
        label += "\n" + date_words(str(data["date"]))
        if data.get(DATE_BY_CURATORS):
            label += CURATORS_MARK
    return label


@dataclass
class EdgeGroup:
    """One drawn edge: a claim, or several with the same ends and modality (and relation,
    when merging by relation)."""

    source: str
    target: str
    modality: str
    claims: list[dict[str, Any]]

    def label_lines(self, width: int = 32, max_lines: int = 16) -> list[str]:
        """Each relation, then its figures, then who reports it; long labels are cut.

        Figures of different claims never run together: with one relation and several
        figures each is a "• " item; with several relations each relation is a "• " item and
        its figures, when it has more than one, "– " items under it.
        """
        by_relation: dict[str, list[dict[str, Any]]] = {}
        for c in self.claims:
            by_relation.setdefault(relation_text(c), []).append(c)
        several = len(by_relation) > 1
        lines: list[str] = []
        for relation, claims in sorted(by_relation.items()):
            figures = sorted({str(c.get("figure") or "") for c in claims} - {""})
            reporters = sorted(
                {str(c.get("attributed_to_label") or c.get("attributed_to") or "") for c in claims} - {""}
            )
            # (text, first-line prefix, continuation indent)
            items: list[tuple[str, str, str]] = []
            if not several:
                items.append((relation, "", ""))
                if len(figures) == 1:
                    items.append((figures[0], "", ""))
                else:
                    items += [(f, "• ", "   ") for f in figures]
                if reporters:
                    items.append(("per " + ", ".join(reporters), "", ""))
            else:
                if len(figures) == 1:
                    items.append((relation + ": " + figures[0], "• ", "   "))
                else:
                    items.append((relation, "• ", "   "))
                    items += [(f, "   – ", "      ") for f in figures]
                if reporters:
                    items.append(("per " + ", ".join(reporters), "   ", "   "))
            for text, prefix, indent in items:
                wrapped = wrap(text, width).split("\n")
                lines += [(prefix if j == 0 else indent) + w for j, w in enumerate(wrapped)]
        if len(lines) > max_lines:
            hidden = len(lines) - (max_lines - 1)
            lines = [*lines[: max_lines - 1], f"(+{hidden} more lines: see tooltip)"]
        return lines

    def tooltip(self) -> str:
        return "\n\n".join(claim_tooltip(c) for c in self.claims)


def claim_tooltip(c: dict[str, Any]) -> str:
    parts = [str(c.get("text") or c.get("relation") or "")]
    parts.append(f"modality: {c.get('modality_label') or c.get('modality')}")
    parts += curators_notes(c)
    if c.get("attributed_to"):
        parts.append(f"reported by: {c.get('attributed_to_label') or c.get('attributed_to')}")
    if c.get("source"):
        parts.append(
            f"source: {c['source']}" + (f", characters {c['evidence']}" if c.get("evidence") else "")
        )
    parts.append(f"claim: {c.get('claim_key') or ''} {c.get('claim') or ''}".strip())
    return "\n".join(parts)


def edge_groups(graph: nx.MultiDiGraph, merge: str = "pair") -> list[EdgeGroup]:
    """The edges a picture draws, in a stable order.

    ``merge``: ``relation`` folds claims with the same ends, relation and modality into one
    edge listing their figures; ``pair`` folds all claims with the same ends and modality
    (one edge per direction and modality, listing relations); ``none`` draws every claim.
    """
    if merge not in MERGES:
        raise ValueError(f"merge must be one of {MERGES}")
    groups: dict[tuple[str, ...], EdgeGroup] = {}
    for s, o, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        modality = str(data.get("modality") or "asserted")
        if merge == "none":
            gk: tuple[str, ...] = (s, o, str(key))
        elif merge == "pair":
            gk = (s, o, modality)
        else:
            gk = (s, o, str(data.get("relation") or ""), modality)
        if gk in groups:
            groups[gk].claims.append(dict(data))
        else:
            groups[gk] = EdgeGroup(s, o, modality, [dict(data)])
    return sorted(
        groups.values(),
        key=lambda g: (
            g.source,
            g.target,
            MODALITY_ORDER.index(g.modality) if g.modality in MODALITY_ORDER else 9,
            str(g.claims[0].get("relation")),
        ),
    )


def drawable(graph: nx.MultiDiGraph, focus: tuple[str, ...] = ()) -> nx.MultiDiGraph:
    """The network a picture draws: nodes without any drawn claim are left out (unless they
    are a focus, or nothing would be left), since a picture is about connections."""
    if graph.number_of_edges() == 0:
        return graph
    keep = [n for n in graph.nodes if graph.degree(n) > 0 or n in focus]
    return graph.subgraph(keep).copy()
