#!/usr/bin/env python3
"""Re-run the kgraph examples in the docs and write their real output back.

An example is a fenced block opened with ```` ```console ```` whose first line is
``$ kgraph ARGS…``; the rest of the block is exactly what the command prints on stdout.
Ending the command with ``2>&1`` appends what it prints on stderr (for error examples).
Console blocks that do not start with ``$ kgraph`` are left alone.

    scripts/update_docs_examples.py            # every docs/*.md and README.md
    scripts/update_docs_examples.py docs/cli.md
    scripts/update_docs_examples.py --check    # exit 1 when an example is out of date

Commands run in-process through ``kgraph.cli.app.main``, with the repository root as the
working directory seen through a scratch directory (files an example writes land there,
not in the repository), and without ``KGRAPH_GRAPH`` or ``KGRAPH_DEBUG``. Each example gets
a fresh scratch directory, except on a page that holds the line ``<!-- examples: one session -->``
(a walkthrough): there the examples run in order in one scratch directory, so that a graph
the first writes is there for the next.
tests/test_docs_examples.py uses the same functions, so the docs cannot drift.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "$ kgraph"
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,})\s*(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Example:
    """One console block: where it is, the command, and the output the docs show."""

    path: Path
    line: int  # 1-based line of the command
    command: str  # the text after "$ "
    expected: str
    body: tuple[int, int]  # line indexes (0-based, end exclusive) of the output inside the file

    @property
    def where(self) -> str:
        try:
            return f"{self.path.relative_to(ROOT)}:{self.line}"
        except ValueError:
            return f"{self.path}:{self.line}"


def default_files() -> list[Path]:
    return sorted((ROOT / "docs").glob("*.md")) + [p for p in [ROOT / "README.md"] if p.is_file()]


def find_examples(path: Path) -> list[Example]:
    """The ``$ kgraph`` console blocks of a Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out: list[Example] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group("fence"), m.group("info").strip()
        close = next(
            (j for j in range(i + 1, len(lines)) if re.fullmatch(r" {0,3}" + fence + r"`*\s*", lines[j])),
            len(lines),
        )
        first = lines[i + 1] if i + 1 < close else ""
        if info == "console" and (first == PROMPT or first.startswith(PROMPT + " ")):
            body = lines[i + 2 : close]
            expected = "\n".join(body) + "\n" if body else ""
            out.append(Example(path, i + 2, first[2:], expected, (i + 2, close)))
        i = close + 1
    return out


SESSION = "<!-- examples: one session -->"


def is_session(path: Path) -> bool:
    """Does the page ask for its examples to run in order in one scratch directory?"""
    return SESSION in path.read_text(encoding="utf-8")


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A scratch directory that shows the repository's top level but keeps new files apart."""
    with tempfile.TemporaryDirectory(prefix="kgraph-docs-") as tmp:
        for entry in ROOT.iterdir():
            if entry.name not in (".git", ".venv"):
                (Path(tmp) / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
        yield Path(tmp)


@contextlib.contextmanager
def _scratch_cwd(where: Path | None = None) -> Iterator[None]:
    old = Path.cwd()
    saved = {k: os.environ.pop(k) for k in ("KGRAPH_GRAPH", "KGRAPH_DEBUG") if k in os.environ}
    with contextlib.ExitStack() as stack:
        os.chdir(where if where is not None else stack.enter_context(scratch()))
        try:
            yield
        finally:
            os.chdir(old)
            os.environ.update(saved)


def run_examples(path: Path) -> list[tuple[Example, str]]:
    """Every example of ``path`` with what it prints now: each in a fresh scratch directory, or
    all in one, in order, on a session page."""
    examples = find_examples(path)
    if not is_session(path):
        return [(ex, run_command(ex.command)) for ex in examples]
    with scratch() as where:
        return [(ex, run_command(ex.command, where)) for ex in examples]


def run_command(command: str, where: Path | None = None) -> str:
    """What ``command`` (``kgraph ARGS…``) prints: stdout, then stderr when it ends with 2>&1."""
    from kgraph.cli.app import main

    args = shlex.split(command)
    if not args or args[0] != "kgraph":
        raise ValueError(f"not a kgraph command: {command!r}")
    merge = args[-1] == "2>&1"
    if merge:
        args = args[:-1]
    if any(a in ("|", ">", ">>", "<", "&&", ";") for a in args):
        raise ValueError(f"examples run one kgraph command, without shell pipes or redirection: {command!r}")
    out, err = io.StringIO(), io.StringIO()
    with _scratch_cwd(where), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(args[1:])
    text = out.getvalue() + (err.getvalue() if merge else "")
    return text if not text or text.endswith("\n") else text + "\n"


def update_file(path: Path) -> int:
    """Rewrite the outputs of ``path``'s examples; returns how many changed."""
    results = run_examples(path)
    if not results:
        return 0
    lines = path.read_text(encoding="utf-8").split("\n")
    changed = 0
    for ex, actual in reversed(results):  # from the end, so earlier line numbers stay valid
        if actual != ex.expected:
            changed += 1
            start, end = ex.body
            lines[start:end] = actual.split("\n")[:-1] if actual else []
    if changed:
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    files = [Path(a).resolve() for a in args if a != "--check"] or default_files()
    stale = 0
    for path in files:
        if check:
            bad = [ex for ex, actual in run_examples(path) if actual != ex.expected]
            for ex in bad:
                print(f"{ex.where}: output of `{ex.command}` is out of date", file=sys.stderr)
            stale += len(bad)
        else:
            n = update_file(path)
            if n:
                print(f"{path}: {n} example(s) updated", file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
