"""Fuzz kgraph's readers and commands with a fixed seed; print a summary (see docs/fuzz.md).

    .venv/bin/python benchmarks/fuzz.py --cases 20000

Every case runs in-process in a forked child (batches of --batch cases), so a segfault or a hang
costs one child; every --subprocess-every-th case also runs as a real process. Failing inputs are
written to tests/fuzz/regressions/ (unless --no-save) and replayed by tests/fuzz/test_regressions.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz import harness


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--batch", type=int, default=200, help="cases per forked child")
    ap.add_argument("--subprocess-every", type=int, default=100, help="0: no subprocess sample")
    ap.add_argument("--kind", action="append", help="only these kinds (repeatable)")
    ap.add_argument("--no-save", action="store_true", help="do not write regression files")
    args = ap.parse_args(argv)

    gen = harness.Generator(args.seed)
    kinds = args.kind or list(gen.kinds)
    cases = [gen.make(kinds[i % len(kinds)]) for i in range(args.cases)]
    per_kind: Counter[str] = Counter()
    fails: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, tuple[harness.Case, harness.Outcome]] = {}
    saved: list[Path] = []
    sub_runs = 0
    start = time.monotonic()

    def record(case: harness.Case, outcome: harness.Outcome) -> None:
        failure = harness.judge(outcome)
        if failure is None:
            return
        fails[case.kind][failure] += 1
        examples.setdefault(f"{case.kind} {failure}", (case, outcome))
        if not args.no_save:
            saved.append(harness.save_regression(case, failure))

    for b in range(0, len(cases), args.batch):
        batch = cases[b : b + args.batch]
        for case, outcome in zip(batch, harness.run_forked_batch(batch), strict=True):
            per_kind[case.kind] += 1
            record(case, outcome)
        print(
            f"  {min(b + args.batch, len(cases))}/{len(cases)} cases, {time.monotonic() - start:.0f} s",
            file=sys.stderr,
        )
    if args.subprocess_every:
        for case in cases[:: args.subprocess_every]:
            sub_runs += 1
            record(case, harness.run_subprocess(case))
    elapsed = time.monotonic() - start

    total: Counter[str] = Counter()
    for c in fails.values():
        total.update(c)
    print(
        f"seed {args.seed}: {len(cases)} cases in-process (forked) "
        f"+ {sub_runs} as subprocesses, {elapsed:.1f} s"
    )
    signals = sum(v for k, v in total.items() if k.startswith("signal"))
    print(f"tracebacks {total['traceback']}, signals {signals}, exit-3s {total['exit-3']}, ", end="")
    print(f"hangs {total['hang']}, bad error messages {total['bad-error-message']}")
    print(f"{'kind':<22} {'cases':>6}  failures")
    for kind in sorted(per_kind):
        detail = ", ".join(f"{k} {v}" for k, v in sorted(fails[kind].items())) or "-"
        print(f"{kind:<22} {per_kind[kind]:>6}  {detail}")
    if examples:
        print("\nfailure classes, one example each:")
        for key, (case, outcome) in sorted(examples.items()):
            first = (outcome.stderr.strip().splitlines() or [""])[-1][:160]
            print(f"  {key}: argv {[a[:60] for a in case.argv]!r}\n      stderr: {first!r}")
    if saved:
        print(f"\n{len(set(saved))} regression files in {harness.REGRESSIONS}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
