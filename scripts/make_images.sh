#!/bin/sh
# Regenerate the pictures in docs/img from the bundled article graph (data/claims.ttl),
# with the CLI exactly as a user would run it. Needs Graphviz's `dot`.
# Usage: scripts/make_images.sh   (KGRAPH=/path/to/kgraph to use another executable)
set -eu
cd "$(dirname "$0")/.."
KGRAPH=${KGRAPH:-.venv/bin/kgraph}
[ -x "$KGRAPH" ] || KGRAPH=kgraph

# The whole article's actor network: every actor (--type Actor leaves the events out).
"$KGRAPH" export --type Actor -o docs/img/network.svg
# Israel and everything one claim away from it, with the claims among them.
"$KGRAPH" export --focus Israel --depth 1 -o docs/img/israel.svg
# Screenshots of the HTML view (Israel, the whole network) in headless Chromium.
PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
"$PYTHON" scripts/screenshot_html.py
