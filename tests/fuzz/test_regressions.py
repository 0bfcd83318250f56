"""Replay every input the fuzzer ever failed on (tests/fuzz/regressions/) with the same oracle.

Each runs as a real process, since several of them crashed the interpreter. Cases still "open"
(the bug is not fixed yet) are xfail, not strict: once fixed they pass and report XPASS, and the
file's "open" flag should then be set to false so that the case guards against the bug returning.
"""

from __future__ import annotations

import pytest

from . import harness

CASES = harness.load_regressions()


def _param(path, case, failure, is_open):  # type: ignore[no-untyped-def]
    marks = [pytest.mark.xfail(strict=False, reason=f"open fuzz finding: {failure}")] if is_open else []
    return pytest.param(case, failure, id=path.stem, marks=marks)


@pytest.mark.parametrize(
    ("case", "failure"),
    [_param(*c) for c in CASES]
    or [pytest.param(None, "", marks=pytest.mark.skip(reason="no regression cases kept"))],
)
def test_replay(case: harness.Case, failure: str) -> None:
    outcome = harness.run_subprocess(case)
    verdict = harness.judge(outcome)
    assert verdict is None, f"{case.kind} {verdict} (first seen as {failure}): {outcome.stderr[-500:]}"


def test_regression_files_are_small() -> None:
    for path, *_ in CASES:
        assert path.stat().st_size < 200_000, path.name
