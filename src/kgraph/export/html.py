"""One self-contained, offline HTML page: the selection drawn as SVG by a small script of ours,
with search, cards, filters and a timeline. No request of any kind leaves the page: the data
is inlined as JSON (escaped so that no label can end the script block), every text reaches the
DOM through ``textContent``, and a Content-Security-Policy forbids the network.

Without ``source_texts`` the page carries no text of the sources (only offsets); with them
each claim's quoted passage is shown highlighted inside its sentence."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kgraph.export.base import Exporter, ExportOptions
from kgraph.export.style import (
    CURATORS_NOTE,
    EDGE_STYLES,
    LEGEND_ORDER,
    MODALITY_ORDER,
    edge_style,
    node_style,
)
from kgraph.present import CURATORS_MARK

if TYPE_CHECKING:
    from kgraph.subgraph import Subgraph

_EDGE_KEYS = (
    "relation",
    "predicate",
    "modality",
    "modality_label",
    "figure",
    "attributed_to_label",
    "source",
    "evidence",
    "by_curators",
    "curated",
    "point_in_time",
    "start",
    "end",
    "duration",
    "text",
)
_NODE_KEYS = (
    "label",
    "type",
    "kind",
    "curie",
    "aliases",
    "description",
    "wikidata",
    "date",
    "characteristic",
)


def script_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: ``<``, ``>``, ``&`` and U+2028/9
    are escaped, so ``</script>`` or ``<!--`` in a label cannot end or change the block."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, esc)
    return text


def _sentence(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The sentence around ``text[start:end]``, cut into before / quote / after."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    left = 0 if left < 0 else left + 1
    m = re.search(r"[.!?](\s|$)|\n", text[end:])
    right = end + (m.end() if m else len(text) - end)
    return text[left:start].lstrip(), text[start:end], text[end:right].rstrip()


def _quotes(evidence: str, text: str | None) -> list[list[str]]:
    out: list[list[str]] = []
    if text is None:
        return out
    for span in evidence.split(";"):
        m = re.fullmatch(r"\s*(\d+)-(\d+)\s*", span)
        if m and int(m.group(2)) <= len(text):
            out.append(list(_sentence(text, int(m.group(1)), int(m.group(2)))))
    return out


def _layout(graph: Any, timeout: float = 60.0) -> dict[str, tuple[float, float]]:
    """Positions from Graphviz (neato for small graphs, sfdp past 300 nodes); a circle when
    Graphviz is missing or fails."""
    import math
    import shutil
    import subprocess

    names = sorted(graph.nodes)
    if not names:
        return {}
    index = {n: i for i, n in enumerate(names)}
    program = "neato" if len(names) <= 300 else "sfdp"
    if shutil.which(program):
        lines = [
            "graph G { overlap=false; splines=false; node [shape=box,width=1.6,height=0.4,fixedsize=true];"
        ]
        lines += [f"n{i};" for i in range(len(names))]
        pairs = {tuple(sorted((index[s], index[o]))) for s, o in graph.edges() if s != o}
        lines += [f"n{a} -- n{b};" for a, b in sorted(pairs)]
        lines.append("}")
        try:
            done = subprocess.run(
                [program, "-Tplain"],
                input="\n".join(lines),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=True,
            )
            pos: dict[str, tuple[float, float]] = {}
            for row in done.stdout.splitlines():
                parts = row.split()
                if len(parts) > 3 and parts[0] == "node":
                    pos[names[int(parts[1][1:])]] = (float(parts[2]) * 72, -float(parts[3]) * 72)
            if len(pos) == len(names):
                return pos
        except (subprocess.SubprocessError, OSError, ValueError):
            pass
    r = 40.0 * len(names) / math.pi + 50
    return {
        n: (r * math.cos(2 * math.pi * i / len(names)), r * math.sin(2 * math.pi * i / len(names)))
        for i, n in enumerate(names)
    }


def page_data(
    sub: Subgraph, source_texts: Mapping[str, str] | None = None, timeout: float = 60.0
) -> dict[str, Any]:
    """What the page shows, as plain JSON data."""
    graph = sub.network()
    pos = _layout(graph, timeout)
    nodes = []
    for n, d in sorted(graph.nodes(data=True)):
        style = node_style(str(d.get("type", "")))
        x, y = pos.get(n, (0.0, 0.0))
        nodes.append(
            {
                "id": n,
                **{k: d[k] for k in _NODE_KEYS if d.get(k) not in (None, "")},
                "date_by_curators": bool(d.get("date_by_curators")),
                "focus": bool(d.get("focus")),
                "fill": style.fill,
                "shape": style.shape,
                "family": style.family,
                "x": round(x, 1),
                "y": round(y, 1),
            }
        )
    edges = []
    for i, (s, o, key, d) in enumerate(
        sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
    ):
        es = edge_style(str(d.get("modality", "")))
        edge = {
            "id": str(d.get("claim") or f"{key}-{i}"),
            "s": s,
            "o": o,
            **{k: d[k] for k in _EDGE_KEYS if d.get(k) not in (None, "")},
            "color": es.color,
            "dash": es.style,
        }
        if source_texts is not None:
            edge["quotes"] = _quotes(str(d.get("evidence", "")), source_texts.get(str(d.get("source", ""))))
        edges.append(edge)
    return {
        "title": sub.description,
        "nodes": nodes,
        "edges": edges,
        "legend_nodes": [{"family": s.family, "fill": s.fill, "shape": s.shape} for s in LEGEND_ORDER],
        "legend_edges": [
            {
                "modality": m,
                "legend": EDGE_STYLES[m].legend,
                "color": EDGE_STYLES[m].color,
                "dash": EDGE_STYLES[m].style,
            }
            for m in MODALITY_ORDER
        ],
        "curators_mark": CURATORS_MARK,
        "curators_note": CURATORS_NOTE,
    }


_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "connect-src 'none'; font-src 'none'; form-action 'none'; base-uri 'none'"
)


def html_page(
    sub: Subgraph, options: ExportOptions | None = None, *, source_texts: Mapping[str, str] | None = None
) -> str:
    """The page; ``source_texts`` (source id -> text, :func:`kgraph.sources.load_source_texts`)
    adds the quoted passages."""
    from importlib.resources import files

    assets = files("kgraph.export") / "html_assets"
    css = (assets / "view.css").read_text(encoding="utf-8")
    js = (assets / "view.js").read_text(encoding="utf-8")
    title = (options.title if options and options.title else None) or f"kgraph: {sub.description}"
    data = page_data(sub, source_texts, options.timeout if options else 60.0)
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{safe_title}</title>\n<style>{css}</style>\n</head><body>\n"
        '<header><input id="search" type="search" placeholder="Search a name or alias" autocomplete="off">'
        '<ul id="results"></ul><span id="counts"></span></header>\n'
        '<main><aside id="filters"></aside>'
        '<div id="stage"><svg id="graph" xmlns="http://www.w3.org/2000/svg"><g id="viewport">'
        '<g id="edges"></g><g id="nodes"></g></g></svg></div>'
        '<aside id="card" hidden></aside></main>\n'
        '<section id="timeline"></section><section id="legend"></section>\n'
        f'<script type="application/json" id="kgraph-data">{script_json(data)}</script>\n'
        f"<script>{js}</script>\n</body></html>\n"
    )


def html(sub: Subgraph, options: ExportOptions) -> str:
    return html_page(sub, options, source_texts=options.source_texts if options else None)


EXPORTERS = [
    Exporter(
        "html",
        (".html", ".htm"),
        "text/html",
        "one offline HTML page: graph, search, cards, filters",
        html,
        "html",
        default_view="actors",
    ),
]
