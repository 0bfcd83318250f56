#!/usr/bin/env python3
"""Screenshots of the HTML view in headless Chromium (Debian's), network disabled:
docs/img/israel-html.png (--focus Israel --depth 1) and docs/img/network-html.png (the whole
network). Called by scripts/make_images.sh; needs `chromium` and `pip install playwright`."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _only(url: str):  # type: ignore[no-untyped-def]
    """A route handler that lets the page itself load and fails every other request."""

    def handle(route):  # type: ignore[no-untyped-def]
        if route.request.url == url:
            route.continue_()
        else:
            route.abort()

    return handle


def main() -> int:
    from playwright.sync_api import sync_playwright

    from kgraph.cli.app import main as kgraph

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        print("screenshot_html: chromium is not installed", file=sys.stderr)
        return 1
    graph = str(ROOT / "data" / "claims.ttl")
    shots = {
        "israel-html.png": ["--focus", "Israel", "--depth", "1"],
        "network-html.png": [],
    }
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        for name, selection in shots.items():
            page_file = Path(tmp) / name.replace(".png", ".html")
            if kgraph(["export", "--graph", graph, *selection, "-o", str(page_file)]) != 0:
                return 1
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            url = page_file.as_uri()
            page.route("**/*", _only(url))
            page.goto(url)
            page.wait_for_function("window.kgraphReady === true")
            if selection:
                page.locator('g.node[data-node-id$="/israel"]').dispatch_event("click")
            page.screenshot(path=str(ROOT / "docs" / "img" / name))
            page.close()
            print(f"docs/img/{name}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
