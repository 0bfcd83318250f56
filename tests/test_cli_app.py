"""The entry point: bare `kgraph`, --version, help text, and errors as exit codes and one line."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from kgraph import __version__
from kgraph.cli.app import app, main

from .conftest import ROOT, TINY_TTL

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
OURS = ("build", "load", "query", "validate")
"""Commands whose own options this suite checks; every command's arguments and shared options too."""
INTERNAL_TYPE = re.compile(r"<(str|int|float|path|list\[[^\]]*\]|[a-z]+ range|[a-z]+,[a-z]+)>|\{[a-z_]+\}")


def _kgraph(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kgraph", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "KGRAPH_DEBUG"},
    )


# ---------------------------------------------------------------- bare kgraph, --version, --help


def test_bare_kgraph_prints_the_help_like_cargo(run_cli) -> None:  # type: ignore[no-untyped-def]
    bare, helped = run_cli(), run_cli("--help")
    assert (bare.code, bare.err) == (0, "")
    assert bare.out == helped.out
    lines = bare.out.splitlines()
    assert lines[0] == "Usage: kgraph [OPTIONS] COMMAND [ARGS]..."
    assert len(lines) > 10 and any(line.strip().startswith("query") for line in lines)


def test_version(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("--version")
    assert (result.code, result.out, result.err) == (0, f"kgraph {__version__}\n", "")
    assert __version__ == "0.1.0"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_python_types(run_cli, command: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(command, "--help")
    assert result.code == 0
    lines = result.out.splitlines()
    usage = lines[0]
    assert not INTERNAL_TYPE.search(usage), usage
    arguments = (
        lines[lines.index("Arguments:") + 1 : lines.index("Options:")] if "Arguments:" in lines else []
    )
    shared = [line for line in lines if re.match(r"\s+(--store|--endpoint|-g, --graph)\b", line)]
    checked = lines if command in OURS else arguments + shared
    assert not [line for line in checked if INTERNAL_TYPE.search(line)], result.out


def test_arguments_read_like_click(run_cli) -> None:  # type: ignore[no-untyped-def]
    out = run_cli("load", "--help").out
    assert out.splitlines()[0] == "Usage: kgraph load [OPTIONS] STORE_DIR FILE..."
    assert re.search(r"^\s+FILE\.\.\.\s+RDF files to load\.", out, re.MULTILINE)


# ---------------------------------------------------------------- output that cannot be written


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [("show", "Alphaland"), ("claims", "-f", "csv"), ("query", "timeline")])
def test_a_full_disk_is_exit_2_in_one_line(args: tuple[str, ...]) -> None:
    with open("/dev/full", "w") as full:
        done = _kgraph(*args, "--graph", str(TINY_TTL), stdout=full.fileno())
    assert done.returncode == 2, done.stderr
    assert done.stderr == "kgraph: cannot write output: No space left on device\n"


@pytest.mark.parametrize(
    "script",
    [
        # The shell closed it before Python started: sys.stdout is None.
        '"$0" -m kgraph "$@" >&-',
        # Closed under a running interpreter: writing fails with EBADF.
        '"$0" -c "import os; os.close(1); from kgraph.cli.app import console_main; console_main()" "$@"',
    ],
    ids=["before-start", "while-running"],
)
def test_a_closed_stdout_is_exit_2_in_one_line(script: str) -> None:
    done = subprocess.run(
        ["sh", "-c", script, sys.executable, "show", "Alphaland", "--graph", str(TINY_TTL)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("kgraph: cannot write output: ") and done.stderr.count("\n") == 1, (
        done.stderr
    )


class _FullStream:
    """A stdout on a full disk."""

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        pass


def test_write_errors_in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdout", _FullStream())
    code = main(["show", "Alphaland", "--graph", str(TINY_TTL)])
    assert code == 2
    assert capsys.readouterr().err == "kgraph: cannot write output: No space left on device\n"


def test_internal_errors_are_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kgraph.lookup

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("first line\nsecond line\nthird line")

    monkeypatch.delenv("KGRAPH_DEBUG", raising=False)
    monkeypatch.setattr(kgraph.lookup, "show", broken)
    assert main(["show", "Alphaland", "--graph", str(TINY_TTL)]) == 3
    err = capsys.readouterr().err
    assert err == (
        "kgraph: internal error: ValueError: first line (a bug: rerun with KGRAPH_DEBUG=1 and report it)\n"
    )
    # An OSError that is not about writing output is still a bug, said in one line.
    monkeypatch.setattr(kgraph.lookup, "show", lambda *a, **k: (_ for _ in ()).throw(OSError("odd\nmore")))
    assert main(["show", "Alphaland", "--graph", str(TINY_TTL)]) == 3
    assert capsys.readouterr().err.count("\n") == 1


# ---------------------------------------------------------------- graphs kgraph did not build

BAD = """@prefix kg: <https://w3id.org/kgraph/ns#> . @prefix kgr: <https://w3id.org/kgraph/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dcterms: <http://purl.org/dc/terms/> .
kgr:a a kg:Actor ; skos:prefLabel "A"@en .
kgr:b a kg:Actor ; skos:prefLabel "B"@en .
kgr:claim-1 a kg:Claim ; rdf:subject kgr:a ; rdf:predicate kg:allyOf ; rdf:object kgr:b ;
    dcterms:description "A and B are allies."@en ; MODALITY .
"""


@pytest.mark.parametrize(
    ("modality", "message"),
    [
        (
            "kg:modality kg:rumoured",
            "kgraph: kgr:claim-1: kg:modality 'rumoured': Input should be 'asserted'",
        ),
        ('kg:modality kg:asserted ; schema:value "lots"', "kgraph: kgr:claim-1: schema:value 'lots': Input"),
    ],
)
def test_malformed_graph_data_is_exit_2_in_one_line(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, modality: str, message: str
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD.replace("MODALITY", modality), encoding="utf-8")
    result = run_cli("claims", "--graph", bad)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(message) and result.err.count("\n") == 1, result.err


FOREIGN = """@prefix kg: <https://w3id.org/kgraph/ns#> . @prefix kgr: <https://w3id.org/kgraph/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix wd: <http://www.wikidata.org/entity/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
wd:Q227 a kg:Actor , kg:State ; skos:prefLabel "Azerbaijan"@en .
<http://example.org/x/bee> a kg:Actor ; skos:prefLabel "Bee"@en .
kgr:gamma a kg:Actor , kg:State ; skos:prefLabel "Gammaland"@en .
kgr:claim-1 a kg:Claim ; rdf:subject <http://example.org/x/bee> ; rdf:predicate kg:suppliesArmsTo ;
    rdf:object wd:Q227 ; dcterms:description "Bee arms Azerbaijan."@en ; kg:modality kg:asserted ;
    prov:wasAttributedTo kgr:gamma .
kgr:claim-2 a kg:Claim ; rdf:subject kgr:gamma ; rdf:predicate kg:allyOf ; rdf:object wd:Q227 ;
    dcterms:description "Gammaland is allied with Azerbaijan."@en ; kg:modality kg:reported ;
    prov:wasAttributedTo <http://example.org/x/bee> .
<http://example.org/x/bee> kg:suppliesArmsTo wd:Q227 .
"""


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    path = tmp_path / "foreign.ttl"
    path.write_text(FOREIGN, encoding="utf-8")
    return path


def test_actors_outside_kgr_can_be_looked_up(run_cli, foreign: Path) -> None:  # type: ignore[no-untyped-def]
    bee = run_cli("show", "Bee", "--graph", foreign)
    assert bee.code == 0, bee.err
    assert "http://example.org/x/bee" in bee.out and "supplies arms to" in bee.out
    gamma = run_cli("show", "Gammaland", "--graph", foreign)
    assert gamma.code == 0 and "reported by Bee" in gamma.out
    about = run_cli("claims", "--about", "Azerbaijan", "--graph", foreign, "-f", "csv")
    assert about.code == 0, about.err
    assert about.out.count("\n") == 3 and "Bee" in about.out and "Gammaland" in about.out
    assert run_cli("claims", "--about", "Bee", "--graph", foreign).code == 0
    actors = run_cli("actors", "--graph", foreign, "-f", "csv")
    assert actors.code == 0 and "http://www.wikidata.org/entity/Q227" in actors.out
    path = run_cli("path", "Bee", "Gammaland", "--graph", foreign)
    assert path.code == 0 and "Azerbaijan" in path.out


def test_an_actor_with_a_prefixed_foreign_iri_can_be_shown(run_cli, foreign: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("show", "Azerbaijan", "--graph", foreign)
    assert result.code == 0, result.err
