"""Look-ups start fast: they never import rdflib, pyshacl or (except path/neighbors) networkx,
nor typer's pydantic adapters; the click tree built for one verb behaves like typer's whole one.

Checked in a fresh interpreter, since this test process has imported everything already.
Timing is for benchmarks/bench_startup.py; tests only check what gets imported and what is printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, TINY_TTL

HEAVY = ("rdflib", "networkx", "pyshacl", "typer._adapters")
"""``typer._adapters``: typer 0.29 building a pydantic TypeAdapter per parameter (kgraph.cli.coercion)."""

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


def test_bad_values_still_get_typers_messages() -> None:
    """A value not in its plain form goes to typer's coercion, which imports its adapters."""
    done = subprocess.run(
        [sys.executable, "-m", "kgraph", "neighbors", "Alpha", "--depth", "x", "--graph", str(TINY_TTL)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "kgraph: Invalid value for '--depth': Input should be a valid integer, unable to parse string "
        "as an integer (see `kgraph neighbors --help`)\n"
    )


def test_import_kgraph_is_cheap() -> None:
    probe = ("pydantic", "pyoxigraph", "typer", *HEAVY)
    code = f"import sys, kgraph; print(sorted(m for m in {probe!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# ---------------------------------------------------------------- one verb's tree, plain coercion


def _run(args: list[str], *, whole_tree: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    import contextlib
    import io

    import typer.main

    import kgraph.cli.app as cli_app

    with monkeypatch.context() as patch:
        if whole_tree:
            patch.setattr(cli_app, "_command_for", lambda _args: typer.main.get_command(cli_app.app))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_app.main(args)
    return code, out.getvalue(), err.getvalue()


def _verbs() -> list[str]:
    from kgraph.cli.app import app

    return sorted(c.name for c in app.registered_commands if c.name)


@pytest.mark.parametrize(
    "args",
    [
        *([verb, "--help"] for verb in _verbs()),
        ["--help"],
        ["--version"],
        ["show"],
        ["shwo", "Alpha"],
        ["show", "Alpha", "--graph", str(TINY_TTL), "--timeout", "abc"],
        ["show", "Alpha", "--graph", str(TINY_TTL), "--timeout", "1e3"],
        ["show", "Alpha", "--graph", ""],
        ["show", "Alpha", "--graph", str(ROOT / "no-such.ttl")],
        ["neighbors", "Alpha", "--graph", str(TINY_TTL), "--depth", "x"],
        ["neighbors", "Alpha", "--graph", str(TINY_TTL), "--depth", "1_0"],
        ["neighbors", "Alpha", "--graph", str(TINY_TTL), "--depth", " 2"],
        ["path", "Alpha", "AIS", "--graph", str(TINY_TTL), "--max-hops", "2.0"],
        ["claims", "--about", "Alpha", "--graph", str(TINY_TTL), "--format", "csv"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_one_verbs_tree_prints_what_the_whole_tree_prints(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lean = _run(args, whole_tree=False, monkeypatch=monkeypatch)
    assert lean == _run(args, whole_tree=True, monkeypatch=monkeypatch)
    assert lean[1] or lean[2]


_VALUES: list[object] = [
    *("0", "7", "-3", "007", "+5", " 5", "1_000", "1.5", "-0.25", "1e3", ".5", "5.", "", "x", "inf"),
    *(0, 30, 30.0, True, None, "tiny.ttl", Path("tiny.ttl"), "-", ("1", "2"), ["a.ttl", "b.ttl"]),
]


@pytest.mark.parametrize("annotation", [str, int, float, bool, Path, list[str], list[Path]], ids=str)
def test_plain_coercion_agrees_with_typers(annotation: object) -> None:
    """For every value, kgraph's coercion gives typer's answer or typer's error."""
    from typer import BadParameter
    from typer._click import Context
    from typer._coercion import build_runtime_param, resolve_type_descriptor
    from typer.core import TyperCommand, TyperOption
    from typer.models import OptionInfo

    from kgraph.cli.coercion import PlainRuntimeParam, plain_runtime_param

    descriptor = resolve_type_descriptor(annotation, OptionInfo())  # type: ignore[arg-type]
    typers = build_runtime_param(descriptor)
    ours = plain_runtime_param(descriptor, lambda: typers)
    assert isinstance(ours, PlainRuntimeParam)
    many = isinstance(annotation, type) is False
    param = TyperOption(param_decls=["--x"], multiple=many, type_descriptor=descriptor)
    ctx = Context(TyperCommand("probe"))

    def outcome(runtime: object, value: object) -> object:
        try:
            return ("ok", runtime.coerce(value, param=param, ctx=ctx))  # type: ignore[attr-defined]
        except BadParameter as e:
            return ("error", e.format_message())

    for value in _VALUES:
        expected, got = outcome(typers, value), outcome(ours, value)
        assert got == expected and type(got[1]) is type(expected[1]), (annotation, value)
