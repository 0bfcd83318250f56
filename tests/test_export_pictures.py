"""Pictures as a reader first sees them: the SVG that Graphviz lays out from our DOT, measured
from its own coordinates. A browser opens an SVG at its natural size (1 pt = 4/3 px), so the
first screen of a 1366×768 laptop is the top-left 1366×768 px; "fitted" is the whole picture
scaled into that screen, as an image viewer shows it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import kgraph
from kgraph.errors import FormatError
from kgraph.export import ExportOptions
from kgraph.export.graphviz import (
    DOT_NODE_LIMIT,
    EDGE_LABEL_LIMIT,
    PICTURE_NODE_LIMIT,
    dot_source,
    picture_engine,
    svg,
)
from kgraph.subgraph import Selection, select

from .test_export_graphviz import SVG, XLINK, caption_words, need_dot

SCREEN = (1366.0, 768.0)
PX = 4 / 3


class Picture:
    """An SVG from Graphviz, with every node's box and every text's position in screen px."""

    def __init__(self, data: bytes | str) -> None:
        self.root = ET.fromstring(data.encode() if isinstance(data, str) else data)
        self.width = float(self.root.get("width", "0pt")[:-2]) * PX
        self.height = float(self.root.get("height", "0pt")[:-2]) * PX
        graph = next(g for g in self.root.iter(f"{SVG}g") if g.get("class") == "graph")
        self.graph = graph
        transform = graph.get("transform", "")
        scale = re.search(r"scale\(([\d.]+)", transform)
        shift = re.search(r"translate\(([-\d.]+) ([-\d.]+)\)", transform)
        assert shift is not None, transform
        self._scale = float(scale.group(1)) if scale else 1.0
        self._dx, self._dy = float(shift.group(1)), float(shift.group(2))

    def px(self, x: float, y: float) -> tuple[float, float]:
        return ((x + self._dx) * self._scale * PX, (y + self._dy) * self._scale * PX)

    def groups(self, cls: str) -> list[ET.Element]:
        return [g for g in self.graph.iter(f"{SVG}g") if g.get("class") == cls]

    def box(self, group: ET.Element) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in px of a node's shapes."""
        points: list[tuple[float, float]] = []
        for el in group.iter():
            if el.get("points"):
                for pair in str(el.get("points")).split():
                    x, y = pair.split(",")
                    points.append((float(x), float(y)))
            elif el.tag == f"{SVG}path" and el.get("d"):
                numbers = [float(n) for n in re.findall(r"-?[\d.]+", str(el.get("d")))]
                points += list(zip(numbers[0::2], numbers[1::2], strict=False))
            elif el.tag == f"{SVG}ellipse":
                cx, cy = float(el.get("cx", 0)), float(el.get("cy", 0))
                rx, ry = float(el.get("rx", 0)), float(el.get("ry", 0))
                points += [(cx - rx, cy - ry), (cx + rx, cy + ry)]
        xs, ys = zip(*(self.px(x, y) for x, y in points), strict=True)
        return min(xs), min(ys), max(xs), max(ys)

    def node(self, label: str) -> ET.Element:
        return next(
            g for g in self.groups("node") if " ".join(t.text or "" for t in g.iter(f"{SVG}text")) == label
        )

    def fitted_scale(self) -> float:
        return min(SCREEN[0] / self.width, SCREEN[1] / self.height, 1.0)


@pytest.fixture(scope="module")
def bundled() -> kgraph.KGraph:
    return kgraph.open()


def test_the_focus_and_its_edges_open_in_the_first_screen(bundled: kgraph.KGraph) -> None:
    need_dot()
    pic = Picture(svg(select(bundled, Selection(focus=("Israel",), depth=1)), ExportOptions()))
    israel = pic.node("Israel")
    left, top, right, bottom = pic.box(israel)
    assert right <= SCREEN[0] and bottom <= SCREEN[1], (left, top, right, bottom)
    # Every edge that touches the focus starts (or ends) inside that first screen too.
    focus_id = israel.get("id")
    touching = [e for e in pic.groups("edge") if focus_id in re.split(r"->", e.findtext(f"{SVG}title") or "")]
    assert len(touching) >= 20
    # The caption (title, sources) and the legend come below the drawing, not first.
    caption = [t for t in pic.graph.findall(f".//{SVG}text") if (t.text or "").startswith("Israel and its")]
    assert caption, caption_words(svg(select(bundled, Selection(focus=("Israel",))), ExportOptions()))
    lowest_node = max(pic.box(n)[3] for n in pic.groups("node"))
    assert pic.px(0, float(caption[0].get("y", 0)))[1] > lowest_node
    words = caption_words(ET.tostring(pic.root))
    assert "Legend" in words and "focus" in words


def test_a_focus_view_labels_the_focus_edges_and_says_so(bundled: kgraph.KGraph) -> None:
    sub = select(bundled, Selection(focus=("Israel",), depth=1))
    source = dot_source(sub, ExportOptions())
    lines = [x for x in source.splitlines() if " -> " in x]
    # Israel and its parts (Mossad, its companies…: kgraph.rollup) are the focus.
    focus = sorted(m.group(1) for m in re.finditer(r"^  (n\d+) .*peripheries=2", source, re.M))
    assert len(focus) == 6
    for line in lines:
        tail, head = re.findall(r"(n\d+)", line.split("[", 1)[0])
        labelled = 'label="' in line.split("tooltip", 1)[0] and 'label=""' not in line
        assert labelled == bool({tail, head} & set(focus)), line
        # A label is at most two lines: the rest is in the tooltip.
        if labelled:
            label = re.search(r'label="((?:[^"\\]|\\.)*)"', line)
            assert label is not None and label.group(1).count("\\n") + label.group(1).count("\\l") <= 2
    assert "{ rank=min; " + "; ".join(focus) + "; }" in source
    assert "Labels only on the focus" in source
    assert "layout=" not in source


def test_the_whole_network_is_readable_fitted_to_a_laptop(bundled: kgraph.KGraph) -> None:
    need_dot()
    sub = select(bundled, Selection(types=("Actor",)))
    pic = Picture(svg(sub, ExportOptions()))
    edges = pic.groups("edge")
    assert len(edges) > EDGE_LABEL_LIMIT
    # No edge label (they would be a few pixels high); every edge keeps its claims as a tooltip.
    assert all(not list(e.iter(f"{SVG}text")) for e in edges)
    tips = [a.get(f"{XLINK}title") or "" for e in edges for a in e.iter(f"{SVG}a")]
    assert tips and all("modality:" in t for t in tips)
    # Fitted to 1366×768, the actors' names are at least 9 px high.
    sizes = {float(t.get("font-size", 0)) for n in pic.groups("node") for t in n.iter(f"{SVG}text")}
    assert min(sizes) * PX * pic.fitted_scale() >= 9, (min(sizes), pic.fitted_scale())
    # The picture says what it left out.
    assert "Edge labels left out" in caption_words(ET.tostring(pic.root))


def test_edge_labels_on_request(bundled: kgraph.KGraph) -> None:
    sub = select(bundled, Selection(types=("Actor",)))
    every = dot_source(sub, ExportOptions(edge_labels="all"))
    assert "Edge labels left out" not in every
    assert sum('label="supplies arms to' in x for x in every.splitlines() if " -> " in x) >= 1
    tiny_net = select(kgraph.open(), Selection(focus=("Mossad",)))
    none = dot_source(tiny_net, ExportOptions(edge_labels="none"))
    assert all('label=""' in x or " label=" not in x for x in none.splitlines() if " -> " in x)
    assert "Edge labels left out" in none
    with pytest.raises(kgraph.UsageError, match="--edge-labels must be one of auto, all, none, not 'some'"):
        ExportOptions(edge_labels="some")


def test_the_engine_is_picked_by_size_unless_asked() -> None:
    assert picture_engine(ExportOptions(), DOT_NODE_LIMIT) == "dot"
    assert picture_engine(ExportOptions(), DOT_NODE_LIMIT + 1) == "sfdp"
    assert picture_engine(ExportOptions(engine="neato"), 10 * PICTURE_NODE_LIMIT) == "neato"
    with pytest.raises(FormatError, match=r"the picture would have 5,001 nodes \(more than 5,000\)"):
        picture_engine(ExportOptions(), PICTURE_NODE_LIMIT + 1)
