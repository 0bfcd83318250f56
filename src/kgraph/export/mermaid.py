"""A Mermaid flowchart of the selection (GitHub, GitLab and many wikis draw it in Markdown).

Labels are quoted and every character Mermaid could read as syntax is written as one of its
entity codes (``#quot;``, ``#lt;``, ``#35;``…); line breaks become ``<br>``. What the curators
added carries :data:`kgraph.present.CURATORS_MARK`, explained by a legend node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgraph.export.base import Exporter, ExportOptions
from kgraph.export.style import (
    NodeStyle,
    curators_drew,
    drawable,
    edge_groups,
    edge_style,
    node_label,
    node_style,
)
from kgraph.present import CURATORS_LEGEND

if TYPE_CHECKING:
    from kgraph.subgraph import Subgraph

_CODES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
    "\\": "#92;",
    "|": "#124;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
}


def text(value: str) -> str:
    """A quoted Mermaid label showing ``value`` as written."""
    out = "".join(_CODES.get(ch, ch) for ch in value.replace("\r\n", "\n").replace("\r", "\n"))
    return '"' + out.replace("\n", "<br>") + '"'


def _class_name(family: str) -> str:
    return "".join(w.capitalize() for w in family.replace("/", " ").split())


def mermaid(sub: Subgraph, options: ExportOptions) -> str:
    graph = drawable(sub.network(), sub.focus)
    direction = options.rankdir.upper()
    lines = [f"flowchart {'TD' if direction == 'TB' else direction}"]
    ids = {n: f"n{i}" for i, n in enumerate(sorted(graph.nodes))}
    classes: dict[str, tuple[NodeStyle, list[str]]] = {}
    for n in sorted(graph.nodes):
        data = dict(graph.nodes[n])
        lines.append(f"  {ids[n]}[{text(node_label(data))}]")
        st = node_style(str(data.get("type") or ""))
        classes.setdefault(_class_name(st.family), (st, []))[1].append(ids[n])
    link_styles: list[str] = []
    for i, group in enumerate(edge_groups(graph, options.merge)):
        arrow = "-.->" if edge_style(group.modality).style in ("dashed", "dotted") else "-->"
        lines.append(
            f"  {ids[group.source]} {arrow}|{text(chr(10).join(group.label_lines(width=40)))}| "
            f"{ids[group.target]}"
        )
        es = edge_style(group.modality)
        if group.modality != "asserted":
            dash = {"dashed": ",stroke-dasharray:6 4", "dotted": ",stroke-dasharray:2 3"}.get(es.style, "")
            link_styles.append(f"  linkStyle {i} stroke:{es.color}{dash}")
    lines += link_styles
    for family_class, (st, members) in sorted(classes.items()):
        lines.append(f"  classDef {family_class} fill:{st.fill},stroke:#525252,color:#000")
        lines.append(f"  class {','.join(members)} {family_class}")
    for n in sub.focus:
        if n in ids:
            lines.append(f"  style {ids[n]} stroke-width:3px,stroke:#000")
    if options.legend and curators_drew(graph):
        # Mermaid has no legend of its own: an unlinked node, in the Graphviz legend's colours.
        lines.append(f"  legend[{text(CURATORS_LEGEND)}]")
        lines.append("  style legend fill:#fafafa,stroke:#bdbdbd,color:#000")
    return "\n".join(lines) + "\n"


EXPORTERS = [
    Exporter(
        "mermaid",
        (".mmd", ".mermaid"),
        "text/vnd.mermaid",
        "Mermaid flowchart (Markdown on GitHub, wikis)",
        mermaid,
        "diagram",
        default_view="actors",
    ),
]
