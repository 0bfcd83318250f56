"""Docs cannot drift: every ``$ kgraph`` console block in docs/*.md and README.md shows the
command's real output (regenerate with ``scripts/update_docs_examples.py``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT


def _load_script() -> ModuleType:
    path = ROOT / "scripts" / "update_docs_examples.py"
    spec = importlib.util.spec_from_file_location("update_docs_examples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


docs = _load_script()
EXAMPLES = [
    ex for path in docs.default_files() if not docs.is_session(path) for ex in docs.find_examples(path)
]
SESSIONS = [path for path in docs.default_files() if docs.is_session(path)]


@pytest.mark.parametrize("example", EXAMPLES, ids=[ex.where for ex in EXAMPLES])
def test_example_output_is_real(example) -> None:  # type: ignore[no-untyped-def]
    actual = docs.run_command(example.command)
    assert actual == example.expected, (
        f"{example.where}: `{example.command}` prints something else; run scripts/update_docs_examples.py"
    )


@pytest.mark.parametrize("page", SESSIONS, ids=[p.name for p in SESSIONS])
def test_a_walkthrough_page_runs_in_order(page: Path) -> None:
    results = docs.run_examples(page)
    assert results, f"{page.name} asks for one session but has no examples"
    for example, actual in results:
        assert actual == example.expected, (
            f"{example.where}: `{example.command}` prints something else; run scripts/update_docs_examples.py"
        )


def test_every_lookup_command_has_an_example_in_cli_md() -> None:
    commands = {ex.command.split()[1] for ex in docs.find_examples(ROOT / "docs" / "cli.md")}
    expected = {"show", "claims", "actors", "sources", "events", "stats", "path", "neighbors"}
    assert expected <= commands, f"docs/cli.md has no example for {sorted(expected - commands)}"


def test_finder_and_rewriter(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# t\n\n```console\n$ kgraph sources --graph tests/fixtures/tiny.ttl --format csv\nstale\n```\n\n"
        "````console\n$ kgraph show Nobody --graph tests/fixtures/tiny.ttl 2>&1\n````\n\n"
        "```console\n$ pip install kgraph\n```\n\n```sh\n$ kgraph stats\n```\n",
        encoding="utf-8",
    )
    found = docs.find_examples(page)
    assert [(ex.line, ex.command) for ex in found] == [
        (4, "kgraph sources --graph tests/fixtures/tiny.ttl --format csv"),
        (9, "kgraph show Nobody --graph tests/fixtures/tiny.ttl 2>&1"),
    ]
    assert docs.update_file(page) == 2
    text = page.read_text(encoding="utf-8")
    assert "stale" not in text
    assert "tiny,An invented test story about Alphaland and Betastan,false,8,404,en,tiny-source.txt," in text
    assert "kgraph: no actor or event named 'Nobody'\n````" in text
    assert docs.update_file(page) == 0
    assert all(docs.run_command(ex.command) == ex.expected for ex in docs.find_examples(page))


def test_shell_syntax_is_refused() -> None:
    with pytest.raises(ValueError, match="without shell pipes"):
        docs.run_command("kgraph claims | head")
