"""Shared fixtures: the tiny invented graph, the article's text (from ../shared), and a CLI runner."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
TINY_TTL = FIXTURES / "tiny.ttl"
TINY_YAML = FIXTURES / "tiny.yaml"
TINY_TEXT = FIXTURES / "tiny-source.txt"
BUNDLED_TTL = ROOT / "data" / "claims.ttl"
SHARED = ROOT.parent / "shared"
ARTICLE_TEXT = SHARED / "sources" / "israel-azerbaijan-nagorno-karabakh.txt"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``kgraph ARGS`` in-process through the real entry point; returns code, stdout, stderr."""
    from kgraph.cli.app import main

    monkeypatch.delenv("KGRAPH_DEBUG", raising=False)
    monkeypatch.delenv("KGRAPH_GRAPH", raising=False)

    def run(*args: str | os.PathLike[str]) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def article_text() -> str:
    """The article, read from ../shared/sources (never committed to this project)."""
    if not ARTICLE_TEXT.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{ARTICLE_TEXT} is missing: CI must have ../shared beside the clone")
        pytest.skip(f"{ARTICLE_TEXT} is not here")
    return ARTICLE_TEXT.read_text(encoding="utf-8")
