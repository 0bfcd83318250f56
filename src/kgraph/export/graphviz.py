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


def _title(sub: Subgraph, options: ExportOptions) -> str | Html:
    """The picture's title: the selection in words, the sources it comes from below it in
    smaller type; ``--title`` replaces both."""
    if options.title is not None:
        return options.title
    title = f'<FONT POINT-SIZE="20"><B>{html_text(sub.description)}</B></FONT><BR ALIGN="LEFT"/>'
    sources = sorted({s.title for s in sub.corpus.sources if s.title})
    if sources:
        words = ("Source: " if len(sources) == 1 else "Sources: ") + "; ".join(sources)
        title += f'<FONT POINT-SIZE="12" COLOR="#525252">{html_text(wrap(words, 110))}</FONT>'
        title += '<BR ALIGN="LEFT"/>'
    return Html(title)


def dot_source(sub: Subgraph, options: ExportOptions) -> str:
    """The selection as a DOT digraph."""
    view = options.view or "actors"
    graph: nx.MultiDiGraph = drawable(sub.network(), sub.focus)
    if view == "claims":
        graph = claim_network(graph)
    focus = set(sub.focus)
    lines = ["digraph kgraph {"]
    graph_attrs: dict[str, Any] = {
        "label": _title(sub, options),
        "labelloc": "t",
        "labeljust": "l",
        "fontname": FONT,
        "fontsize": 18,
        "rankdir": options.rankdir.upper(),
        "layout": options.engine,  # None: no layout=, so any engine lays the DOT out its way
        "nodesep": 0.3,
        "ranksep": 0.7,
        "pad": 0.3,
        "bgcolor": "white",
        "outputorder": "edgesfirst",
        "charset": "UTF-8",
        "tooltip": " ",
    }
    if options.engine not in (None, "dot"):
        graph_attrs.update(overlap="prism", splines="true", sep="+12")
    lines.append(f"  graph {_attrs(graph_attrs)};")
    lines.append(
        f"  node {_attrs({'fontname': FONT, 'fontsize': 14, 'margin': '0.14,0.07', 'color': '#525252'})};"
    )
    lines.append(f"  edge {_attrs({'fontname': FONT, 'fontsize': 9, 'arrowsize': 0.7, 'penwidth': 1.2})};")
    ids = {n: f"n{i}" for i, n in enumerate(sorted(graph.nodes))}
    for n in sorted(graph.nodes):
        data = dict(graph.nodes[n])
        lines.append(f"  {ids[n]} {_attrs({**_node_attrs(n, data, n in focus), 'id': ids[n]})};")
    types_used = {str(d.get("type") or "") for _, d in graph.nodes(data=True)}
    modalities_used: set[str] = set()
    if view == "claims":
        for s, o, _key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1])):
            tail_claim = graph.nodes[s].get("kind") == "claim"
            claim = graph.nodes[s] if tail_claim else graph.nodes[o]
            es = edge_style(str(claim.get("modality") or ""))
            modalities_used.add(str(claim.get("modality") or ""))
            attrs = {
                "style": es.style,
                "color": es.color,
                "arrowhead": "normal" if tail_claim else "none",
                "tooltip": str(data.get("role") or ""),
            }
            lines.append(f"  {ids[s]} -> {ids[o]} {_attrs(attrs)};")
    else:
        for i, group in enumerate(edge_groups(graph, options.merge)):
            es = edge_style(group.modality)
            modalities_used.add(group.modality)
            label = group.label_lines()
            listed = len(label) > 3 or any(line.startswith("•") for line in label)
            attrs = {
                "label": Left("\n".join(label)) if listed else "\n".join(label),
                "tooltip": group.tooltip(),
                "labeltooltip": group.tooltip(),
                "style": es.style,
                "color": es.color,
                "fontcolor": es.color,
                "id": f"e{i}",
            }
            lines.append(f"  {ids[group.source]} -> {ids[group.target]} {_attrs(attrs)};")
    if options.legend and graph.number_of_nodes():
        marks = {"focus": any(n in focus for n in graph.nodes), "curators": curators_drew(graph)}
        lines += _legend(types_used, modalities_used, **marks)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(types_used: set[str], modalities: set[str], *, focus: bool, curators: bool) -> list[str]:
    """A cluster holding one compact table: the focus mark, fill colours of the types drawn,
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
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2">' + "".join(rows) + "</TABLE>"
    return [
        "  subgraph cluster_legend {",
        f"    graph {_attrs({'label': 'Legend', 'fontsize': 11, 'style': 'rounded,filled', 'fillcolor': '#fafafa', 'color': '#bdbdbd', 'tooltip': 'Legend'})};",  # noqa: E501
        f'    legend [shape=plaintext, fontsize=10, tooltip="Legend", label=<{table}>];',
        "  }",
    ]


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


def svg(sub: Subgraph, options: ExportOptions) -> str:
    return render(dot_source(sub, options), "svg", options.timeout, options.engine).decode("utf-8")


def png(sub: Subgraph, options: ExportOptions) -> bytes:
    return render(dot_source(sub, options), "png", options.timeout, options.engine)


def pdf(sub: Subgraph, options: ExportOptions) -> bytes:
    return render(dot_source(sub, options), "pdf", options.timeout, options.engine)


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
