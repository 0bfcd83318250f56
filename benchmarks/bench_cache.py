#!/usr/bin/env python3
"""A look-up on a big ``--graph`` file through the graph cache, beside the same look-up on a store.

Makes (or reuses) a synthetic corpus (benchmarks/generate.py) and loads it into a store with
``kgraph load``; then, in fresh processes and interleaved round by round, times:

- ``kgraph show NAME --store DIR``: the baseline;
- ``kgraph show NAME --graph FILE`` with an empty cache: the first look-up, which builds the entry;
- the same again: served from the cache, the file known by its stat (docs/cache.md);
- the same once more after removing the stat record: served from the cache, the file hashed;
- ``kgraph show NAME --graph FILE --no-cache``: the file parsed in memory, as before the cache.

for a hub (Israel: a big answer, where the query costs more than the parse) and a tail actor
(a small answer: the parse is nearly all a look-up on a file used to cost).

Every look-up's output is checked against the store's. Prints the medians, the peak memory of
each process (from ``wait4``) and each figure's ratio to the store look-up of the same run.

    .venv/bin/python benchmarks/bench_cache.py [--triples 1M] [-n 3] [--names Israel,...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _kgraph() -> list[str]:
    script = Path(sys.executable).with_name("kgraph")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kgraph"]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, bytes]:
    """Seconds, peak resident memory (KiB) and standard output of one fresh process."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            sys.exit(f"failed: {' '.join(cmd)}\n{err}")
        out.seek(0)
        return elapsed, int(usage.ru_maxrss), out.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", default="1M")
    parser.add_argument("-n", type=int, default=3, help="rounds (median)")
    parser.add_argument(
        "--names",
        default="Israel,Aeronautics Defense Systems c17",
        help="actors to show, comma-separated (default: a hub and a tail actor)",
    )
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kgraph-bench")
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
    cache = work / "cache"
    env = {k: v for k, v in os.environ.items() if k not in ("KGRAPH_NO_CACHE", "KGRAPH_CACHE_MIN_BYTES")}
    env["KGRAPH_CACHE_DIR"] = str(cache)
    # The stat of a file changed in the last seconds is not trusted (docs/cache.md).
    time.sleep(max(0.0, 2.5 - (time.time() - corpus.stat().st_ctime)))

    names = [n.strip() for n in args.names.split(",") if n.strip()]
    labels = {
        "store": "`show --store DIR`",
        "first": "`show --graph FILE`, first look-up (builds the entry)",
        "second": "`show --graph FILE`, cached (stat known)",
        "hashed": "`show --graph FILE`, cached (file hashed)",
        "memory": "`show --graph FILE --no-cache` (parsed in memory)",
    }
    options = {
        "store": ["--store", str(store)],
        "first": ["--graph", str(corpus)],
        "second": ["--graph", str(corpus)],
        "hashed": ["--graph", str(corpus)],
        "memory": ["--graph", str(corpus), "--no-cache"],
    }
    times: dict[tuple[str, str], list[float]] = {}
    peaks: dict[tuple[str, str], list[int]] = {}
    for round_ in range(args.n):
        shutil.rmtree(cache, ignore_errors=True)
        for i, name in enumerate(names):
            expected: bytes | None = None
            # The entry is built once a round, by the first name's first look-up.
            for kind in [k for k in labels if k != "first" or i == 0]:
                if kind == "hashed":
                    for record in cache.glob("seen-*.json"):
                        record.unlink()
                seconds, peak, out = run([*_kgraph(), "show", name, *options[kind]], env)
                if expected is None:
                    expected = out
                elif out != expected and (
                    kind != "memory" or sorted(out.splitlines()) != sorted(expected.splitlines())
                ):
                    # The in-memory store may list equal-ranked rows in another order; the cache may not.
                    sys.exit(f"{kind}: `show {name}` prints something else than the store look-up")
                times.setdefault((name, kind), []).append(seconds)
                peaks.setdefault((name, kind), []).append(peak)
                print(
                    f"round {round_ + 1} {name} {kind}: {seconds:.2f} s, {peak // 1024} MB", file=sys.stderr
                )
    size = corpus.stat().st_size / 1e6
    print(f"{args.triples} triples ({size:.0f} MB of N-Triples), median of {args.n} rounds:\n")
    print("| look-up | time | peak memory | × store |")
    print("|---|---|---|---|")
    for name in names:
        base = statistics.median(times[(name, "store")])
        for kind, label in labels.items():
            if (name, kind) not in times:
                continue
            t = statistics.median(times[(name, kind)])
            m = statistics.median(peaks[(name, kind)]) // 1024
            print(f"| {label.replace('show', f'show {name}', 1)} | {t:.2f} s | {m} MB | {t / base:.2f}× |")


if __name__ == "__main__":
    main()
