#!/usr/bin/env python3
"""How fast kgraph starts, measured against the cost of merely importing rdflib.

Runs, in fresh processes, ``kgraph show Azerbaijan`` on the bundled graph (another actor when
the bundled graph has no Azerbaijan), ``kgraph --help`` and ``python -c "import rdflib"``,
interleaved, after warm-up runs, and prints the medians and the ratios show/import-rdflib and
help/import-rdflib. A ratio below 1 means a whole look-up costs less than rdflib's import.

    .venv/bin/python benchmarks/bench_startup.py [-n 21] [--warmup 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PREFERRED = "Azerbaijan"


def _kgraph() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m kgraph``."""
    script = Path(sys.executable).with_name("kgraph")
    if script.is_file():
        return [str(script)]
    found = shutil.which("kgraph")
    return [found] if found else [sys.executable, "-m", "kgraph"]


def _name_to_show() -> str:
    """Azerbaijan when the bundled graph has it, else its first actor."""
    from kgraph.api import open as open_graph
    from kgraph.errors import NotFoundError

    kg = open_graph()
    try:
        kg.resolve(PREFERRED)
        return PREFERRED
    except NotFoundError:
        return kg.actors()[0].label


# As users run it: with bytecode caches. Some shells export PYTHONDONTWRITEBYTECODE, which
# would make every run recompile kgraph's (editable) sources and measure the compiler instead.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
    return time.perf_counter() - start


def _time(commands: dict[str, list[str]], runs: int, warmup: int) -> dict[str, list[float]]:
    """Each command ``runs`` times, interleaved (one of each per round, in a rotating order), so
    that a busy machine slows all of them alike and the ratios hold where the figures do not."""
    for _ in range(warmup):
        for cmd in commands.values():
            _once(cmd)
    times: dict[str, list[float]] = {label: [] for label in commands}
    labels = list(commands)
    for i in range(runs):
        for label in labels[i % len(labels) :] + labels[: i % len(labels)]:
            times[label].append(_once(commands[label]))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--runs", type=int, default=21, help="timed runs per command (default 21)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    args = parser.parse_args(argv)

    name = _name_to_show()
    commands = {
        f"kgraph show {name}": [*_kgraph(), "show", name],
        "kgraph --help": [*_kgraph(), "--help"],
        "python -c 'import rdflib'": [sys.executable, "-c", "import rdflib"],
    }
    medians = {}
    for label, times in _time(commands, args.runs, args.warmup).items():
        medians[label] = statistics.median(times)
        print(
            f"{label:<32} median {medians[label] * 1000:7.1f} ms   "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, n={len(times)})"
        )
    show, helped, rdflib = medians.values()
    print(f"{'show / import rdflib':<32} {show / rdflib:.2f}")
    print(f"{'help / import rdflib':<32} {helped / rdflib:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
