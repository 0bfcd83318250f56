"""kgraph in a terminal: tables fitted to its width, progress and colour only there, Tab completion.

A terminal is simulated with a pseudo-terminal (``pty.openpty``); piped runs are plain pipes.
"""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kgraph.present import fit_widths, table_lines
from kgraph.progress import CountingWriter, Progress, colour_wanted

from .conftest import ROOT, TINY_TTL

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "KGRAPH_GRAPH", "TERM")}
    env.update({"COLUMNS": "80", "LINES": "40", "TERM": "xterm", "PYTHONIOENCODING": "utf-8"})
    env.update(extra)
    return env


def _read_all(fd: int) -> bytes:
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its end of the terminal
            break
        if not chunk:
            break
        out += chunk
    return out


def _run(*args: str, stdout_tty: bool = False, stderr_tty: bool = False, **env: str) -> tuple[int, str, str]:
    """kgraph ``args`` with stdout and/or stderr on a pseudo-terminal; (exit code, stdout, stderr).
    What went through the terminal has its ``\\r\\n`` turned back into ``\\n``."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kgraph", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave if stdout_tty else subprocess.PIPE,
        stderr=slave if stderr_tty else subprocess.PIPE,
        env=_env(**env),
        cwd=ROOT,
    )
    os.close(slave)
    # Only one of the two goes to the terminal in these tests, so reading it first cannot block.
    on_tty = _read_all(master)
    piped_out = proc.stdout.read() if proc.stdout else b""
    piped_err = proc.stderr.read() if proc.stderr else b""
    code = proc.wait(timeout=120)
    os.close(master)
    tty_text = on_tty.decode("utf-8").replace("\r\n", "\n")
    out = tty_text if stdout_tty else piped_out.decode("utf-8")
    err = tty_text if stderr_tty else piped_err.decode("utf-8")
    return code, out, err


# ---------------------------------------------------------------- tables


def test_claims_on_an_80_column_terminal_fit_in_80_columns() -> None:
    code, out, _ = _run("claims", "--about", "Israel", stdout_tty=True)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) > 10
    assert max(len(line) for line in lines) <= 80
    # Too many columns for 80: one field a line, evidence offsets whole.
    assert "evidence       israel-azerbaijan-nagorno-karabakh@2322-2439" in lines


def test_wide_on_a_terminal_prints_the_table_as_piped() -> None:
    code, wide, _ = _run("claims", "--about", "Israel", "--wide", stdout_tty=True)
    assert code == 0
    piped = _run("claims", "--about", "Israel")[1]
    assert wide == piped
    assert max(len(line) for line in wide.splitlines()) > 80


def test_piped_table_is_the_table_as_it_always_was() -> None:
    from kgraph.cli.render import render_rows

    code, out, _ = _run("actors", "--graph", str(TINY_TTL))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "label", "type", "aliases", "wikidata", "claims"]
    assert set(lines[1]) == {"-", " "}
    # The layout before terminals were fitted: every column as wide as its widest cell.
    rows = [{"a": "x" * 50, "b": "y y"}, {"a": "z", "b": "w"}]
    assert render_rows(rows, "table", ["a", "b"]) == (
        "a" + " " * 49 + "  b\n" + "-" * 50 + "  ---\n" + "x" * 50 + "  y y\nz" + " " * 49 + "  w\n"
    )
    assert render_rows(rows, "table", ["a", "b"], width=None) == render_rows(rows, "table", ["a", "b"])


def test_a_table_that_fits_is_left_as_it_is() -> None:
    from kgraph.cli.render import render_rows

    rows = [{"id": "kgr:a", "text": "two  spaces"}]
    assert render_rows(rows, "table", width=80) == render_rows(rows, "table")


def test_the_widest_column_gives_way_first_and_no_word_is_cut() -> None:
    columns = ["id", "note", "when"]
    cells = [["kgr:claim-0001", "a long note " * 8, "2020-01-01"], ["kgr:claim-0002", "short", "2021"]]
    assert fit_widths(columns, cells, 60) == [14, 32, 10]
    assert table_lines(columns, cells, 60) == [
        "id              note                              when",
        "--------------  --------------------------------  ----------",
        "kgr:claim-0001  a long note a long note a long    2020-01-01",
        "                note a long note a long note a",
        "                long note a long note a long",
        "                note",
        "",  # rows that wrap are kept apart by a blank line
        "kgr:claim-0002  short                             2021",
    ]


def test_columns_too_many_for_the_width_become_one_field_a_line() -> None:
    columns = ["id", "evidence", "empty"]
    cells = [["kgr:claim-0001", "a-source-document-with-a-long-name@100-200", ""], ["x" * 40, "y", ""]]
    assert fit_widths(columns, cells, 60) is None
    assert table_lines(columns, cells, 60) == [
        "id        kgr:claim-0001",
        "evidence  a-source-document-with-a-long-name@100-200",
        "",
        "id        " + "x" * 40,
        "evidence  y",
    ]


# ---------------------------------------------------------------- progress and colour


def test_progress_draws_one_line_and_wipes_it() -> None:
    stream = io.StringIO()
    with Progress("pushed", unit="triples", enabled=True, stream=stream, interval=0) as report:
        report(1500, 3000)
        report.advance(500)
    assert stream.getvalue() == (
        "\rkgraph: pushed 1,500 of ~3,000 triples\x1b[K\rkgraph: pushed 2,000 of ~3,000 triples\x1b[K\r\x1b[K"
    )


def test_progress_redraws_at_most_once_an_interval() -> None:
    stream = io.StringIO()
    with Progress("exported", unit="bytes", enabled=True, stream=stream, interval=3600) as report:
        writer = CountingWriter(io.BytesIO(), report)
        writer.write(b"x" * 2500)
        writer.write(b"y")
    assert stream.getvalue() == "\rkgraph: exported 2.5 KB\x1b[K\r\x1b[K"
    assert report.done == 2501


def test_progress_when_off_writes_nothing() -> None:
    stream = io.StringIO()
    with Progress("validating", enabled=False, stream=stream) as working:
        working.start()
        working(5, 10)
    assert stream.getvalue() == ""


def test_validate_shows_progress_on_a_terminal_stderr_only() -> None:
    code, out, err = _run("validate", "--graph", str(TINY_TTL), stderr_tty=True)
    assert "\rkgraph: validating...\x1b[K\r\x1b[K" in err
    piped = _run("validate", "--graph", str(TINY_TTL))
    assert piped[0] == code
    assert piped[1] == out
    assert "validating" not in piped[2]
    assert "\x1b" not in piped[2]


def test_error_prefix_is_red_on_a_terminal_unless_no_color() -> None:
    code, _, err = _run("show", "No Such Actor Anywhere", stderr_tty=True)
    assert code != 0
    assert err.startswith("\x1b[1;31mkgraph:\x1b[0m ")
    code, _, err = _run("show", "No Such Actor Anywhere", stderr_tty=True, NO_COLOR="1")
    assert err.startswith("kgraph: ")
    assert "\x1b" not in err
    code, _, err = _run("show", "No Such Actor Anywhere")
    assert err.startswith("kgraph: ")
    assert "\x1b" not in err


def test_colour_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert colour_wanted(Tty())
    assert not colour_wanted(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(Tty())
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: set *and non-empty*
    assert colour_wanted(Tty())


# ---------------------------------------------------------------- completion


def _complete(words: str, *, cword: int | None = None) -> list[str]:
    parts = words.split(" ")
    env = _env(
        _KGRAPH_COMPLETE="complete_bash",
        COMP_WORDS=words,
        COMP_CWORD=str(len(parts) - 1 if cword is None else cword),
    )
    done = subprocess.run(
        [sys.executable, "-m", "kgraph"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return [line for line in done.stdout.splitlines() if line]


def test_completion_of_a_name_from_the_bundled_graph() -> None:
    found = _complete("kgraph show Isr")
    assert "Israel" in found
    assert all(name.lower().startswith("isr") for name in found)
    assert "Israel" in _complete("kgraph path Isr")
    assert "Israel" in _complete("kgraph path Azerbaijan Isr")
    assert "Israel" in _complete("kgraph neighbors Isr")


def test_completion_of_an_option_from_the_graph_given() -> None:
    found = _complete(f"kgraph claims --graph {TINY_TTL} --about Beta")
    # bash puts completions in the line as they are: spaces come escaped.
    assert found == ["Beta\\ City", "Betastan", "Betastani"]


def test_completion_of_a_graph_that_cannot_be_read_is_empty(tmp_path: Path) -> None:
    assert _complete(f"kgraph show --graph {tmp_path / 'missing.ttl'} Isr") == []


def test_completion_options_are_offered() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kgraph", "--help"], env=_env(), capture_output=True, text=True, timeout=60
    )
    assert "--install-completion" in done.stdout
    assert "--show-completion" in done.stdout


def test_a_streamed_export_counts_bytes_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kgraph.export
    import kgraph.progress
    from kgraph.cli.app import main

    monkeypatch.setattr(kgraph.export, "STREAM_THRESHOLD", 0)  # tiny.ttl streamed like a big graph
    monkeypatch.setattr(kgraph.progress, "stderr_is_terminal", lambda: True)
    out = tmp_path / "whole.nt"
    assert main(["export", "--graph", str(TINY_TTL), "--format", "ntriples", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    size = out.stat().st_size
    assert size > 1000
    assert err.startswith("\rkgraph: exported ")
    assert err.endswith(f"\r\x1b[K{out}: ntriples, 274 triples (the whole graph, streamed)\n")
