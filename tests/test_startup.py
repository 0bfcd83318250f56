"""Look-ups start fast: they never import rdflib, pyshacl or (except path/neighbors) networkx.

Checked in a fresh interpreter, since this test process has imported everything already.
Timing is for benchmarks/bench_startup.py; tests only check what gets imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT, TINY_TTL

HEAVY = ("rdflib", "networkx", "pyshacl")

_PROBE = """
import contextlib, io, json, sys
from kgraph.cli.app import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": len(out.getvalue()),
                  "heavy": sorted(m for m in %r if m in sys.modules)}))
"""


def _imports(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE % (HEAVY,), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("show", "Betastan", "--graph", str(TINY_TTL)),
        ("show", "Betastan", "--graph", str(TINY_TTL), "--format", "json"),
        (
            "claims",
            "--about",
            "Alpha",
            "--predicate",
            "suppliesArmsTo",
            "--since",
            "2016",
            "--graph",
            str(TINY_TTL),
        ),
        ("claims", "--id", "arms-share", "--id", "mapping", "--graph", str(TINY_TTL)),
        ("show", "kgr:betastan", "--graph", str(TINY_TTL)),
        ("actors", "--type", "State", "--graph", str(TINY_TTL)),
        ("sources", "--graph", str(TINY_TTL)),
        ("events", "--graph", str(TINY_TTL)),
        ("stats", "--graph", str(TINY_TTL)),
        ("show", "Nobody", "--graph", str(TINY_TTL)),
    ],
    ids=lambda a: " ".join(a[:2]) if isinstance(a, tuple) else str(a),
)
def test_lookups_stay_light(args: tuple[str, ...]) -> None:
    result = _imports(*args)
    assert result["heavy"] == [], f"kgraph {' '.join(args)} imported {result['heavy']}"
    assert result["code"] in (0, 1) and (result["out"] or result["code"])


def test_show_on_the_bundled_graph_stays_light() -> None:
    import kgraph

    first = kgraph.open().actors()[0].id  # whatever the bundled graph holds today
    for args in (("show", first), ("stats",)):
        result = _imports(*args)
        assert result == {"code": 0, "out": result["out"], "heavy": []}, args


@pytest.mark.parametrize("verb", ["path", "neighbors"])
def test_network_verbs_import_networkx_only(verb: str) -> None:
    args = ("path", "Alpha", "AIS") if verb == "path" else ("neighbors", "Alpha")
    result = _imports(*args, "--graph", str(TINY_TTL))
    assert result["heavy"] == ["networkx"]


def test_import_kgraph_is_cheap() -> None:
    probe = ("pydantic", "pyoxigraph", "typer", *HEAVY)
    code = f"import sys, kgraph; print(sorted(m for m in {probe!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
