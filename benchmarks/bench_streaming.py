#!/usr/bin/env python3
"""Whole-graph exports and large SELECTs at a million triples, each beside its raw baseline.

Makes (or reuses) a synthetic corpus (benchmarks/generate.py), loads it into a store, starts
a real ``oxigraph serve-read-only`` over it on loopback, then times, interleaved and in fresh
processes, each kgraph command against the same work done raw in the same run:

- ``kgraph export --store DIR -o all.nt`` vs pyoxigraph's ``Store.dump`` of the same store;
- ``kgraph export --endpoint URL -o all.nt`` vs the same CONSTRUCT streamed to a file by urllib;
- ``kgraph query 'SELECT ?s ?p ?o …' --store DIR -f csv -o rows.csv`` vs pyoxigraph's own CSV
  serializer of the same query;
- the same SELECT through the endpoint vs urllib streaming the server's CSV.

Prints the medians, the peak memory of each process (from ``wait4``) and the ratios, and
with ``--write`` puts the table into docs/performance.md between its markers.

    .venv/bin/python benchmarks/bench_streaming.py [--triples 1M] [-n 3] [--write]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PERFORMANCE = ROOT / "docs" / "performance.md"


def _markers(size: str) -> tuple[str, str]:
    return f"<!-- bench_streaming {size}: begin -->", f"<!-- bench_streaming {size}: end -->"


SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def _kgraph() -> list[str]:
    script = Path(sys.executable).with_name("kgraph")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kgraph"]


def _oxigraph() -> str:
    here = Path(sys.executable).with_name("oxigraph")
    found = str(here) if here.is_file() else shutil.which("oxigraph")
    if not found:
        sys.exit("the oxigraph server is needed: pip install -e '.[test]'")
    return found


def run(cmd: list[str]) -> tuple[float, int]:
    """Seconds and peak resident memory (KiB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return elapsed, int(usage.ru_maxrss)


RAW_DUMP = """
import sys, pyoxigraph as p
s = p.Store.read_only(sys.argv[1])
with open(sys.argv[2], "wb") as f:
    s.dump(f, format=p.RdfFormat.N_QUADS)
"""
RAW_SELECT = """
import sys, pyoxigraph as p
s = p.Store.read_only(sys.argv[1])
with open(sys.argv[2], "wb") as f:
    s.query(sys.argv[3]).serialize(f, format=p.QueryResultsFormat.CSV)
"""
RAW_HTTP = """
import sys, urllib.parse, urllib.request
req = urllib.request.Request(sys.argv[1], data=urllib.parse.urlencode({"query": sys.argv[3]}).encode(),
                             headers={"Accept": sys.argv[4]})
with urllib.request.urlopen(req) as r, open(sys.argv[2], "wb") as f:
    while block := r.read(1 << 16):
        f.write(block)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            q = urllib.parse.urlencode({"query": "ASK {}"})
            with urllib.request.urlopen(f"{url}?{q}", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", default="1M")
    parser.add_argument("-n", type=int, default=3, help="runs of each command (median)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kgraph-bench")
    parser.add_argument("--write", action="store_true", help="put the table into docs/performance.md")
    args = parser.parse_args()

    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{args.triples}.nt"
    store = work / f"store-{args.triples}"
    if not corpus.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--triples", args.triples, "-o", str(corpus)],
            check=True,
        )
    if not store.exists():
        subprocess.run([*_kgraph(), "load", str(store), str(corpus)], check=True)
    port = _free_port()
    server = subprocess.Popen(
        [_oxigraph(), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    out = work / "out"
    try:
        _wait(url)
        py = sys.executable
        pairs = [
            (
                "whole-graph export, store",
                [*_kgraph(), "export", "--store", str(store), "-o", f"{out}.nt"],
                [py, "-c", RAW_DUMP, str(store), f"{out}.raw.nq"],
                "pyoxigraph `Store.dump`",
            ),
            (
                "whole-graph export, Oxigraph server",
                [*_kgraph(), "export", "--endpoint", url, "-o", f"{out}.nt", "--timeout", "60"],
                [py, "-c", RAW_HTTP, url, f"{out}.raw.nt", CONSTRUCT, "application/n-triples"],
                "the CONSTRUCT streamed to a file",
            ),
            (
                "SELECT of every triple to CSV, store",
                [*_kgraph(), "query", SELECT, "--store", str(store), "-f", "csv", "-o", f"{out}.csv"],
                [py, "-c", RAW_SELECT, str(store), f"{out}.raw.csv", SELECT],
                "pyoxigraph's CSV serializer",
            ),
            (
                "SELECT of every triple to CSV, Oxigraph server",
                [
                    *_kgraph(),
                    "query",
                    SELECT,
                    "--endpoint",
                    url,
                    "-f",
                    "csv",
                    "-o",
                    f"{out}.csv",
                    "--timeout",
                    "60",
                ],
                [py, "-c", RAW_HTTP, url, f"{out}.raw.csv", SELECT, "text/csv"],
                "the server's CSV streamed to a file",
            ),
        ]
        rows = []
        for label, ours, raw, baseline in pairs:
            mine: list[tuple[float, int]] = []
            base: list[tuple[float, int]] = []
            for _ in range(args.n):  # interleaved, so both see the same machine
                mine.append(run(ours))
                base.append(run(raw))
            t_k = statistics.median(t for t, _ in mine)
            t_r = statistics.median(t for t, _ in base)
            m_k = max(m for _, m in mine) / 1024
            m_r = max(m for _, m in base) / 1024
            rows.append(
                f"| {label} | {t_k:.2f} s, {m_k:.0f} MB | {baseline}: {t_r:.2f} s, {m_r:.0f} MB "
                f"| {t_k / t_r:.2f}× | {m_k / m_r:.2f}× |"
            )
            print(rows[-1], flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)
    table = "\n".join(
        [
            f"{args.triples} triples ({corpus.stat().st_size / 1e6:.0f} MB of N-Triples), median of {args.n} "
            f"runs, peak resident memory of each process, on {os.cpu_count()} cores:",
            "",
            "| work | kgraph | baseline, same run | time | memory |",
            "|---|---|---|---|---|",
            *rows,
        ]
    )
    print(table)
    if args.write:
        begin, end = _markers(args.triples)
        text = PERFORMANCE.read_text(encoding="utf-8")
        if begin not in text:
            sys.exit(f"{PERFORMANCE} has no {begin} marker for this size")
        head, _, rest = text.partition(begin)
        _, _, tail = rest.partition(end)
        PERFORMANCE.write_text(f"{head}{begin}\n{table}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
