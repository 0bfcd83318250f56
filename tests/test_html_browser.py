"""The HTML view in a real headless Chromium (Debian's), with the network disabled.

Skipped where Chromium or Playwright is missing, except under KGRAPH_REQUIRE_CHROMIUM=1."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BUNDLED_TTL
from tests.test_export_html import hostile_graph

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        exe = None
    if exe is None:
        if os.environ.get("KGRAPH_REQUIRE_CHROMIUM") == "1":
            pytest.fail("KGRAPH_REQUIRE_CHROMIUM=1 but chromium or playwright is missing")
        pytest.skip("chromium or playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Page:
    def __init__(self, browser: Any, path: Path):
        self.url = path.as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1366, "height": 768})
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.kgraphReady === true", timeout=30_000)

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def outside(self) -> list[str]:
        return [u for u in self.requests if u != self.url]


def open_page(browser: Any, path: Path) -> Page:
    return Page(browser, path)


@pytest.fixture(scope="module")
def israel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kgraph.cli.app import main

    out = tmp_path_factory.mktemp("html") / "israel.html"
    assert (
        main(["export", "--graph", str(BUNDLED_TTL), "--focus", "Israel", "--depth", "1", "-o", str(out)])
        == 0
    )
    return out


def _counts() -> tuple[int, int]:
    import kgraph
    from kgraph.subgraph import Selection, select

    g = select(kgraph.open(BUNDLED_TTL), Selection(focus=("Israel",), depth=1)).network()
    return g.number_of_nodes(), g.number_of_edges()


def test_israel_view(browser: Any, israel: Path) -> None:
    view = open_page(browser, israel)
    page = view.page
    nodes, edges = _counts()
    assert page.locator("g.node[data-node-id]").count() == nodes
    assert page.locator("line.edge[data-edge-id]").count() == edges

    page.fill("#search", "Baku")
    hits = page.locator("#results li")
    assert hits.count() >= 1
    assert "Azerbaijan" in hits.first.text_content()
    assert hits.first.get_attribute("data-node-id").endswith("/azerbaijan")

    page.locator('g.node[data-node-id$="/israel"]').dispatch_event("click")
    card = page.locator("#card")
    assert card.is_visible()
    text = card.text_content() or ""
    assert "Israel" in text and "60%" in text
    assert "Institute for War and Peace Reporting" in text

    alleged = page.locator('line.edge[data-modality="alleged"]')
    assert alleged.count() > 0
    assert all(alleged.nth(i).is_visible() for i in range(alleged.count()))
    page.locator('#filters input[data-modality="alleged"]').uncheck()
    assert all(not alleged.nth(i).is_visible() for i in range(alleged.count()))
    assert page.locator('line.edge[data-modality="asserted"]').first.is_visible()

    page.locator("line.edge[data-edge-id]").first.dispatch_event("click")
    assert page.locator("#card .claim").count() >= 1

    # The timeline: one mark per dated event on an axis, as long as its date is precise, and
    # the same events listed below it; a click on a mark opens the event's card.
    marks = page.locator("#axis rect.mark")
    rows = page.locator("#timeline div.tl")
    assert marks.count() == rows.count() > 0
    precisions = {marks.nth(i).get_attribute("data-precision") for i in range(marks.count())}
    assert "day" in precisions
    day = next(i for i in range(marks.count()) if marks.nth(i).get_attribute("data-precision") == "day")
    width = float(marks.nth(day).get_attribute("width") or 0)
    assert width >= 3
    marks.nth(day).dispatch_event("click")
    assert (page.locator("#card").text_content() or "").strip() != ""

    assert view.errors == []
    assert view.outside() == [], view.outside()


def test_hostile_labels_run_no_script(browser: Any, tmp_path: Path) -> None:
    from kgraph.cli.app import main

    out = tmp_path / "hostile.html"
    assert main(["export", "--graph", str(hostile_graph(tmp_path)), "-o", str(out)]) == 0
    view = open_page(browser, out)
    page = view.page
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.fill("#search", "script")
    assert page.locator("#results li").count() >= 1
    page.locator("#results li").first.dispatch_event("click")
    page.locator("g.node[data-node-id]").first.dispatch_event("click")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#card img, #results img, svg img").count() == 0
    assert view.errors == []
    assert view.outside() == []


def test_the_timeline_draws_every_dated_event_at_its_precision(browser: Any, tmp_path: Path) -> None:
    from kgraph.cli.app import main

    out = tmp_path / "all.html"
    assert main(["export", "--graph", str(BUNDLED_TTL), "-o", str(out)]) == 0
    view = open_page(browser, out)
    marks = view.page.locator("#axis rect.mark")
    rows = view.page.locator('#timeline div.tl[data-on-axis="yes"]')
    assert marks.count() == rows.count() >= 10
    kinds = [marks.nth(i).get_attribute("data-precision") for i in range(marks.count())]
    assert {"day", "month", "year", "decade", "range", "from"} <= set(kinds), kinds
    width = {k: float(marks.nth(i).get_attribute("width") or 0) for i, k in enumerate(kinds)}
    assert width["decade"] > width["year"] > width["day"] > 0
    assert view.errors == [] and view.outside() == []
