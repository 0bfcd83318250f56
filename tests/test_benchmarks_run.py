"""benchmarks/run.py on a small corpus: the table's shape, timeouts, and the docs block it writes.

Speed is not checked here (no timed unit tests): only that the script measures what it says.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "run.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_run", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


bench = _load()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench-run")


def _run(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "10k", "--repeat", "1", "--workdir", str(workdir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _table(stdout: str) -> tuple[list[str], list[list[str]]]:
    lines = stdout.strip().splitlines()
    assert lines[1] == "|" + "---|" * len(bench.COLUMNS)
    header = bench._split(lines[0])
    rows = [bench._split(line) for line in lines[2:]]
    assert all(len(r) == len(header) for r in rows), rows
    return header, rows


def test_one_row_per_requested_work_with_a_numeric_ratio(workdir: Path) -> None:
    done = _run(workdir, "--no-write", "--only", "show,export-all")
    assert done.returncode == 0, done.stderr
    header, rows = _table(done.stdout)
    assert header == [
        "work",
        "size",
        "kgraph s",
        "baseline s",
        "ratio",
        "kgraph MB",
        "baseline MB",
        "target",
        "met",
        "note",
        "measured",
    ]
    assert [r[0] for r in rows] == [
        "`show Israel --store` vs its SPARQL on raw pyoxigraph",
        "whole-graph `export -o all.ttl` vs pyoxigraph `Store.dump` to Turtle",
    ]
    cells = [dict(zip(header, r, strict=True)) for r in rows]
    for row in cells:
        assert re.fullmatch(r"10k \(\d{2},\d{3}\)", row["size"]), row
        for column in ("kgraph s", "baseline s", "kgraph MB", "baseline MB"):
            assert float(row[column]) > 0, row
        ratio = float(row["ratio"].rstrip("×"))
        ours, base = float(row["kgraph s"]), float(row["baseline s"])
        # The seconds are printed rounded to 0.01, the ratio computed before rounding.
        assert (ours - 0.005) / (base + 0.005) - 0.005 <= ratio <= (ours + 0.005) / (base - 0.005) + 0.005
        assert row["met"] == ("yes" if ratio <= {"≤ 1.3×": 1.3, "≤ 2×": 2.0}[row["target"]] else "no")
        assert row["measured"].endswith(", ×1")
    # The look-up's baseline is what kgraph sent, recorded in the untimed first run.
    assert re.fullmatch(r"baseline replays the \d+ quer(y|ies) kgraph sent", cells[0]["note"])
    assert (workdir / "corpus-10k.nt").is_file() and (workdir / "store-10k" / "CURRENT").is_file()


def test_a_command_past_the_timeout_is_killed_and_its_row_says_so(workdir: Path) -> None:
    done = _run(workdir, "--no-write", "--only", "claims", "--timeout", "0.05")
    assert done.returncode == 0, done.stderr
    _, rows = _table(done.stdout)
    assert len(rows) == 1
    work, _, ours, _, ratio, *_, target, met, note, _ = rows[0]
    assert work.startswith("`claims --about Israel --store`")
    assert (ours, ratio, target, met) == ("timeout (> 0.05 s)", "—", "≤ 1.3×", "no")
    assert note == "killed at the timeout before its first query"


def test_an_unknown_row_is_refused_with_the_names_of_the_rows(workdir: Path) -> None:
    done = _run(workdir, "--no-write", "--only", "show,nope")
    assert done.returncode == 2
    assert "no row nope (rows: load, show, claims," in done.stderr
    assert done.stdout == ""


def _row(work: str, size: str, seconds: str) -> list[str]:
    return [work, size, seconds, "1.00", "1.00×", "60", "50", "≤ 1.3×", "yes", "", "2026-01-01, ×3"]


def test_writing_replaces_only_the_block_and_keeps_rows_of_other_runs(tmp_path: Path) -> None:
    show, load = bench.SPECS[1].work, bench.SPECS[0].work
    docs = tmp_path / "performance.md"
    before = f"# Performance\n\nother helpers' text\n\n{bench.BEGIN}\nold\n{bench.END}\n\n## After\n\nkept\n"
    docs.write_text(before, encoding="utf-8")
    bench.write_docs(docs, [_row(show, "1M (1,005,000)", "4.00"), _row(show, "10k (11,529)", "0.50")])
    bench.write_docs(docs, [_row(show, "1M (1,005,000)", "3.00"), _row(load, "1M (1,005,000)", "9.00")])
    text = docs.read_text(encoding="utf-8")
    assert text.startswith(f"# Performance\n\nother helpers' text\n\n{bench.BEGIN}\n")
    assert text.endswith(f"\n{bench.END}\n\n## After\n\nkept\n")
    assert "old" not in text
    rows = list(bench._iter_rows(text.partition(bench.BEGIN)[2].partition(bench.END)[0].split("\n\n", 1)[1]))
    # Same work and size: the newer row wins; rows in the order of the benchmark, then by size.
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (load, "1M (1,005,000)", "9.00"),
        (show, "10k (11,529)", "0.50"),
        (show, "1M (1,005,000)", "3.00"),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["performance.md"]


def test_a_file_without_the_markers_is_left_alone(tmp_path: Path) -> None:
    docs = tmp_path / "performance.md"
    docs.write_text("# Performance\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=re.escape("has no <!-- benchmarks/run.py:start -->")):
        bench.write_docs(docs, [_row(bench.SPECS[1].work, "10k (11,529)", "0.50")])
    assert docs.read_text(encoding="utf-8") == "# Performance\n"
