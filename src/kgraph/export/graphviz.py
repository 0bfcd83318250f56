"""Graphviz: DOT text written here (no pygraphviz/pydot), and SVG, PNG, PDF through ``dot``.

Every string goes through :func:`quote`, so labels with quotes, ``<>``, ``&``, backslashes,
newlines or any script come out as written. Nodes are styled by actor type, edges by modality
(see :mod:`kgraph.export.style` and docs/export.md), with a legend as a cluster subgraph.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from typing import TYPE_CHECKING, Any

from kgraph.errors import FormatError
from kgraph.export.base import Exporter, ExportOptions
from kgraph.export.style import (
    CURATORS_NOTE,
    EDGE_STYLES,
    LEGEND_ORDER,
    MODALITY_ORDER,
    curators_drew,
    curators_notes,
    drawable,
    edge_groups,
    edge_style,
    node_label,
    node_style,
    relation_text,
    wrap,
)
from kgraph.present import CURATORS_LEGEND
from kgraph.projection import claim_network
from kgraph.subgraph import DATE_BY_CURATORS, NODE_ATTRIBUTES

if TYPE_CHECKING:
    import networkx as nx

    from kgraph.subgraph import Subgraph

FONT = "Helvetica,Arial,sans-serif"
INSTALL_HINT = "install Graphviz (apt install graphviz / brew install graphviz)"


def quote(text: str, *, left: bool = False, tooltip: bool = False) -> str:
    """A DOT double-quoted string that Graphviz shows exactly as ``text``.

    Backslashes are doubled (Graphviz reads ``\\n``, ``\\l``, ``\\N``… in labels as escapes),
    quotes are escaped, ``&`` becomes ``&amp;`` (Graphviz decodes entities such as ``&lt;`` in
    labels), and line breaks become ``\\n`` (centred) or ``\\l`` (``left``) breaks. Tooltips
    go through Graphviz's escape processing twice, so their backslashes are doubled twice.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    backslash = "\\\\\\\\" if tooltip else "\\\\"
    text = text.replace("\\", backslash).replace('"', '\\"').replace("&", "&amp;")
    if left:
        return '"' + text.replace("\n", "\\l") + '\\l"'
    return '"' + text.replace("\n", "\\n") + '"'


_TOOLTIPS = frozenset({"tooltip", "labeltooltip", "edgetooltip", "headtooltip", "tailtooltip"})


class Left(str):
    """A label whose lines are left-justified (``\\l``): lists of relations read better so."""


def _attrs(attrs: dict[str, Any]) -> str:
    items = []
    for k, v in attrs.items():
        if v is None or v == "":
            continue
        if k in _TOOLTIPS:
            value = quote(str(v), tooltip=True)
        elif isinstance(v, Html):
            value = f"<{v}>"
        elif isinstance(v, Left):
            value = quote(str(v), left=True)
        elif isinstance(v, int | float) and not isinstance(v, bool):
            value = str(v)
        else:
            value = quote(str(v))
        items.append(f"{k}={value}")
    return "[" + ", ".join(items) + "]"


def _node_attrs(nid: str, data: dict[str, Any], focus: bool) -> dict[str, Any]:
    st = node_style(str(data.get("type") or ""))
    claim = data.get("kind") == "claim"
    tip = [str(data.get("label") or nid), f"{data.get('type') or 'Actor'} · {data.get('curie') or nid}"]
    if data.get("aliases"):
        tip.append(f"also: {data['aliases']}")
    if data.get("description"):
        tip.append(str(data["description"]))
    if data.get("wikidata"):
        tip.append(f"Wikidata: {data['wikidata']}")
    if data.get("date") and data.get(DATE_BY_CURATORS):
        tip.append(f"date {CURATORS_NOTE}")
    if claim:
        tip += curators_notes(data)
    else:  # the entity's property claims: characteristic, duration…
        tip += [
            f"{k}: {data[k]}"
            for k in sorted(data)
            if k not in NODE_ATTRIBUTES and k != DATE_BY_CURATORS and data[k] != ""
        ]
    attrs: dict[str, Any] = {
        "label": wrap(_claim_node_label(data), 24) if claim else node_label(data),
        "shape": st.shape,
        "style": st.style,
        "fillcolor": st.fill,
        "tooltip": "\n".join(tip),
    }
    if claim:
        es = edge_style(str(data.get("modality") or ""))
        attrs.update(
            fontsize=9, color=es.color, style="filled," + ("dashed" if es.style == "dashed" else es.style)
        )
    if focus:
        # A double, thick black border: no node type uses one, so the focus stands out.
        attrs.update(peripheries=2, penwidth=2, color="#000000")
    return attrs


def _claim_node_label(data: dict[str, Any]) -> str:
    """A claim node's label (relation, then its figure), with the curators' mark on the relation
    when the whole claim is theirs; the figure already marks the values they read."""
    label, relation = str(data.get("label") or ""), str(data.get("relation") or "")
    if relation and label.startswith(relation):
        return relation_text(data) + label[len(relation) :]
    return label


class Html(str):
    """An HTML-like Graphviz label (``<…>``), written as it is: every user text in it has been
    through :func:`html_text`."""


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def html_text(text: str) -> str:
    """User text for an HTML-like label: escaped, XML-safe, line breaks as left-aligned <BR/>."""
    lines = _XML_INVALID.sub("", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return '<BR ALIGN="LEFT"/>'.join(html.escape(line, quote=True) for line in lines)


def _caption(sub: Subgraph, options: ExportOptions, legend: str, left_out: list[str]) -> str | Html:
    """The picture's caption, below the drawing so the first screen shows the graph: the
    selection in words, what was left out of the picture, the sources in smaller type, and the
    legend beside them. ``--title`` replaces the words (the legend stays)."""
    if options.title is not None and not legend:
        return options.title
    if options.title is not None:
        words = f'<FONT POINT-SIZE="20"><B>{html_text(options.title)}</B></FONT><BR ALIGN="LEFT"/>'
    else:
        words = f'<FONT POINT-SIZE="20"><B>{html_text(sub.description)}</B></FONT><BR ALIGN="LEFT"/>'
        for line in left_out:
            words += f'<FONT POINT-SIZE="12">{html_text(wrap(line, 90))}</FONT><BR ALIGN="LEFT"/>'
        sources = sorted({s.title for s in sub.corpus.sources if s.title})
        if sources:
            listed = ("Source: " if len(sources) == 1 else "Sources: ") + "; ".join(sources[:SOURCES_LISTED])
            if len(sources) > SOURCES_LISTED:
                listed += f"; and {len(sources) - SOURCES_LISTED:,} more (kgraph sources lists them)"
            words += f'<FONT POINT-SIZE="12" COLOR="#525252">{html_text(wrap(listed, 140))}</FONT>'
            words += '<BR ALIGN="LEFT"/>'
    if not legend:
        return Html(words)
    return Html(
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="6"><TR>'
        f'<TD ALIGN="LEFT" VALIGN="TOP" BALIGN="LEFT">{words}</TD>'
        f'<TD ALIGN="LEFT" VALIGN="TOP">{legend}</TD></TR></TABLE>'
    )


EDGE_LABEL_LIMIT = 60
MAX_LINES = 16
FOCUS_LINES = 2
"""Lines of an edge label: in a whole picture, and on a focus's edges."""
"""Past this many drawn edges a picture carries no edge labels (``edge_labels="auto"``): fitted
to a laptop screen they would be a few pixels high. Each edge keeps its claims as a tooltip."""


def edge_labels_drawn(options: ExportOptions, edges: int) -> bool:
    if options.edge_labels == "auto":
        return edges <= EDGE_LABEL_LIMIT
    return options.edge_labels == "all"


SPLINE_EDGE_LIMIT = 400
"""Past this many drawn edges a picture's edges are straight lines (``splines=line``)."""

SOURCES_LISTED = 12
"""Sources named in a picture's caption; past it, the first ones and how many more."""

DOT_NODE_LIMIT = 150
"""Past this many nodes a picture (SVG, PNG, PDF) is laid out by ``sfdp`` unless ``--engine``
says otherwise: dot's layered layout takes minutes and tangles at that size."""
PICTURE_NODE_LIMIT = 5000
"""Past this many nodes kgraph draws no picture unless ``--engine`` is given: even sfdp takes
minutes and the result is a blot. DOT, GraphML and the HTML view have no such limit."""


def picture_engine(options: ExportOptions, nodes: int) -> str:
    """The engine that lays a picture of ``nodes`` nodes out: the user's, else by size."""
    if options.engine is not None:
        return options.engine
    if nodes > PICTURE_NODE_LIMIT:
        raise FormatError(
            f"the picture would have {nodes:,} nodes (more than {PICTURE_NODE_LIMIT:,}): narrow the "
            "selection (--focus, --depth, --type, --predicate), export .dot, .graphml or .html, "
            "or pass --engine to try anyway"
        )
    return "dot" if nodes <= DOT_NODE_LIMIT else "sfdp"


def dot_source(sub: Subgraph, options: ExportOptions) -> str:
    """The selection as a DOT digraph."""
    return _dot(sub, options)[0]


def _dot(sub: Subgraph, options: ExportOptions) -> tuple[str, int]:
    """The DOT text and the number of nodes drawn.

    The caption (title, what was left out, sources, legend) is at the bottom, so the drawing
    opens first; with ``dot`` the focus is on the first rank, so it is in the first screen.
    """
    view = options.view or "actors"
    graph: nx.MultiDiGraph = drawable(sub.network(), sub.focus)
    if view == "claims":
        graph = claim_network(graph)
    focus = set(sub.focus)
    ids = {n: f"n{i}" for i, n in enumerate(sorted(graph.nodes))}
    body = [
        f"  {ids[n]} {_attrs({**_node_attrs(n, dict(graph.nodes[n]), n in focus), 'id': ids[n]})};"
        for n in sorted(graph.nodes)
    ]
    drawn_focus = sorted(ids[n] for n in focus if n in ids)
    if drawn_focus:
        # Ignored by the other engines; with dot it puts the focus in the first column (row).
        body.append("  { rank=min; " + "; ".join(drawn_focus) + "; }")
    types_used = {str(d.get("type") or "") for _, d in graph.nodes(data=True)}
    modalities_used: set[str] = set()
    left_out: list[str] = []
    labelled = True
    edge_count = graph.number_of_edges()
    if view == "claims":
        for s, o, _key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1])):
            tail_claim = graph.nodes[s].get("kind") == "claim"
            claim = graph.nodes[s] if tail_claim else graph.nodes[o]
            es = edge_style(str(claim.get("modality") or ""))
            modalities_used.add(str(claim.get("modality") or ""))
            attrs: dict[str, Any] = {
                "style": es.style,
                "color": es.color,
                "arrowhead": "normal" if tail_claim else "none",
                "tooltip": str(data.get("role") or ""),
            }
            body.append(f"  {ids[s]} -> {ids[o]} {_attrs(attrs)};")
    else:
        groups = edge_groups(graph, options.merge)
        centre = {n for n in focus if n in ids}
        # A focus view labels only the focus's own edges, two lines each (the rest is in the
        # tooltips): the star stays short enough for the focus to open in the first screen.
        star = [g for g in groups if g.source in centre or g.target in centre] if centre else groups
        labelled = edge_labels_drawn(options, len(star))
        edge_count = len(groups)
        if groups and not labelled:
            left_out.append(
                f"Edge labels left out ({len(star)} edges): hover an edge for its claims, "
                "or narrow the selection (--focus, --depth, --type, --predicate)."
            )
        elif centre and len(star) < len(groups):
            left_out.append(
                f"Labels only on the focus's edges; hover the other {len(groups) - len(star)} "
                "for their claims."
            )
        on_star = {id(g) for g in star}
        for i, group in enumerate(groups):
            es = edge_style(group.modality)
            modalities_used.add(group.modality)
            shown = labelled and id(group) in on_star
            label = group.label_lines(max_lines=FOCUS_LINES if centre else MAX_LINES) if shown else []
            listed = len(label) > 3 or any(line.startswith("•") for line in label)
            attrs = {
                "label": Left("\n".join(label)) if listed else "\n".join(label),
                "tooltip": group.tooltip(),
                "labeltooltip": group.tooltip() if shown else None,
                "style": es.style,
                "color": es.color,
                "fontcolor": es.color,
                "id": f"e{i}",
                # dot only: edges away from the focus do not pull the star out of shape.
                "constraint": "false" if centre and id(group) not in on_star else None,
            }
            body.append(f"  {ids[group.source]} -> {ids[group.target]} {_attrs(attrs)};")
    legend = ""
    if options.legend and graph.number_of_nodes():
        marks = {"focus": bool(drawn_focus), "curators": curators_drew(graph)}
        legend = _legend(types_used, modalities_used, **marks)
    graph_attrs: dict[str, Any] = {
        "label": _caption(sub, options, legend, left_out),
        "labelloc": "b",
        "labeljust": "l",
        "fontname": FONT,
        "fontsize": 18,
        "rankdir": options.rankdir.upper(),
        "layout": options.engine,  # None: no layout=, so any engine lays the DOT out its way
        # A focus view is a star: its neighbours stack beside the focus, closer together; with
        # no edge labels the ranks need little room either (fitted to a screen, text grows).
        "nodesep": 0.15 if drawn_focus or not labelled else 0.3,
        "ranksep": 0.7 if labelled else 0.4,
        # For the force-directed engines (dot ignores them): no overlapping nodes, curved edges.
        "overlap": "prism",
        "sep": "+12",
        # Curved edges routed around the nodes, until routing costs more than the layout:
        # sfdp took over 120 s on 1,687 nodes and 3,383 edges with splines, 1.1 s with lines.
        "splines": "true" if edge_count <= SPLINE_EDGE_LIMIT else "line",
        "pad": 0.3,
        "bgcolor": "white",
        "outputorder": "edgesfirst",
        "charset": "UTF-8",
        "tooltip": " ",
    }
    head = [
        "digraph kgraph {",
        f"  graph {_attrs(graph_attrs)};",
        f"  node {_attrs({'fontname': FONT, 'fontsize': 14, 'margin': '0.14,0.07', 'color': '#525252'})};",
        f"  edge {_attrs({'fontname': FONT, 'fontsize': 9, 'arrowsize': 0.7, 'penwidth': 1.2})};",
    ]
    return "\n".join([*head, *body, "}"]) + "\n", graph.number_of_nodes()


def _legend(types_used: set[str], modalities: set[str], *, focus: bool, curators: bool) -> str:
    """One compact table, for the caption: the focus mark, fill colours of the types drawn,
    line styles of the modalities drawn, the curators' mark. Every word in it is ours (no
    user text), so the HTML label is safe."""
    families = {node_style(t).family for t in types_used}
    rows = []
    if focus:
        rows.append(
            '<TR><TD><TABLE BORDER="2" CELLBORDER="2" CELLSPACING="1" CELLPADDING="0" COLOR="#000000">'
            '<TR><TD WIDTH="20" HEIGHT="8"> </TD></TR></TABLE></TD><TD ALIGN="LEFT">focus</TD></TR>'
        )
    for st in LEGEND_ORDER:
        if st.family in families:
            rows.append(
                f'<TR><TD BGCOLOR="{st.fill}" BORDER="1" COLOR="#525252" WIDTH="28"> </TD>'
                f'<TD ALIGN="LEFT">{st.family}</TD></TR>'
            )
    for m in MODALITY_ORDER:
        if m in modalities:
            es = EDGE_STYLES[m]
            sample = {"dashed": "- - - -", "dotted": "· · · · ·"}.get(es.style, "——")
            rows.append(
                f'<TR><TD><FONT COLOR="{es.color}"><B>{sample}</B></FONT></TD>'
                f'<TD ALIGN="LEFT"><FONT COLOR="{es.color}">{es.legend}</FONT></TD></TR>'
            )
    if curators:
        rows.append(f'<TR><TD COLSPAN="2" ALIGN="LEFT">{html.escape(CURATORS_LEGEND)}</TD></TR>')
    return (
        '<FONT POINT-SIZE="10"><TABLE BORDER="1" COLOR="#bdbdbd" BGCOLOR="#fafafa" STYLE="ROUNDED" '
        'CELLBORDER="0" CELLSPACING="3" CELLPADDING="2">'
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="11">Legend</FONT>'
        "</TD></TR>" + "".join(rows) + "</TABLE></FONT>"
    )


def dot_program() -> str:
    path = shutil.which("dot")
    if path is None:
        raise FormatError(f"this format needs the Graphviz `dot` program: {INSTALL_HINT}")
    return path


def render(dot: str, fmt: str, timeout: float = 60.0, engine: str | None = None) -> bytes:
    """Run ``dot -K<engine> -T<fmt>`` on DOT text; its warnings are dropped, a failure is a
    FormatError. The engine is given on the command line, never written into the DOT."""
    args = [dot_program(), f"-K{engine or 'dot'}", f"-T{fmt}"]
    if fmt == "png":
        args.append("-Gdpi=150")  # sharp enough for a slide
    try:
        done = subprocess.run(
            args, input=dot.encode("utf-8"), capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise FormatError(
            f"Graphviz dot took longer than {timeout:g} s; export DOT and lay it out yourself"
        ) from None
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise FormatError(f"Graphviz dot failed: {message[0] if message else f'exit code {done.returncode}'}")
    return done.stdout


def dot(sub: Subgraph, options: ExportOptions) -> str:
    return dot_source(sub, options)


def picture(sub: Subgraph, options: ExportOptions, fmt: str) -> bytes:
    source, nodes = _dot(sub, options)
    return render(source, fmt, options.timeout, picture_engine(options, nodes))


def svg(sub: Subgraph, options: ExportOptions) -> str:
    return picture(sub, options, "svg").decode("utf-8")


def png(sub: Subgraph, options: ExportOptions) -> bytes:
    return picture(sub, options, "png")


def pdf(sub: Subgraph, options: ExportOptions) -> bytes:
    return picture(sub, options, "pdf")


EXPORTERS = [
    Exporter(
        "dot",
        (".dot", ".gv"),
        "text/vnd.graphviz",
        "Graphviz DOT: styled network, open with Graphviz or yEd",
        dot,
        "graphviz",
        default_view="actors",
    ),
    Exporter(
        "svg",
        (".svg",),
        "image/svg+xml",
        "SVG picture (Graphviz dot), with tooltips",
        svg,
        "graphviz",
        default_view="actors",
        program="dot",
    ),
    Exporter(
        "png",
        (".png",),
        "image/png",
        "PNG picture (Graphviz dot), 150 dpi",
        png,
        "graphviz",
        binary=True,
        default_view="actors",
        program="dot",
    ),
    Exporter(
        "pdf",
        (".pdf",),
        "application/pdf",
        "PDF picture (Graphviz dot)",
        pdf,
        "graphviz",
        binary=True,
        default_view="actors",
        program="dot",
    ),
]
