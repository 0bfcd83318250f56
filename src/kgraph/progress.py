"""Progress on stderr for work that can take seconds (load, export, validate, push, pull).

One line, redrawn at most every :data:`INTERVAL` seconds and wiped when the work ends, so
that what stays on the screen is the command's own summary. Shown only when stderr is a
terminal: a log file or a pipe gets nothing (docs/cli.md, In a terminal).

    with Progress("pushed", unit="triples") as report:
        push(..., progress=report)        # report(done, total) as the work goes

No heavy imports here: the CLI imports this on every command that reports progress.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TextIO

INTERVAL = 0.1
"""Seconds between redraws: often enough to look alive, rarely enough to cost nothing."""


def stderr_is_terminal() -> bool:
    """Whether stderr is a terminal, where a redrawn line makes sense."""
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stderr
        return False


def colour_wanted(stream: TextIO | None) -> bool:
    """Colour only on a terminal and never when ``NO_COLOR`` is set to anything non-empty
    (https://no-color.org); ``TERM=dumb`` gets none either."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


def _amount(n: int, unit: str) -> str:
    if unit != "bytes":
        return f"{n:,} {unit}"
    size = float(n)
    for name in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or name == "GB":
            return f"{n:,} bytes" if name == "bytes" else f"{size:.1f} {name}"
        size /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


class Progress:
    """A counter of items or bytes drawn as one line on stderr.

    Call it as ``report(done, total)`` (the shape of :data:`kgraph.gsp.Progress`), or use
    :meth:`advance` to count up. ``enabled`` defaults to :func:`stderr_is_terminal`; when
    off, every call is a no-op, so callers need not test it themselves.
    """

    def __init__(
        self,
        label: str,
        *,
        unit: str = "items",
        total: int | None = None,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        interval: float = INTERVAL,
    ) -> None:
        self.label = label
        self.unit = unit
        self.total = total
        self.done = 0
        self.enabled = stderr_is_terminal() if enabled is None else enabled
        self._stream = stream
        self._interval = interval
        self._last = float("-inf")
        self._drawn = False

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    def __call__(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        self._draw()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def start(self) -> None:
        """Draw the line now (work with no count, such as validation, shows it once)."""
        self._draw(force=True)

    def line(self) -> str:
        if self.total:
            # The unit once, after the total: "pushed 150,000 of ~1,204,311 triples".
            done = _amount(self.done, self.unit) if self.unit == "bytes" else f"{self.done:,}"
            return f"kgraph: {self.label} {done} of ~{_amount(self.total, self.unit)}"
        if self.done:
            return f"kgraph: {self.label} {_amount(self.done, self.unit)}"
        return f"kgraph: {self.label}..."  # ASCII: a Latin-1 terminal must not fail on it

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self._interval:
            return
        self._last = now
        # \r and "erase to end of line": the line is redrawn in place, never scrolls.
        self.stream.write("\r" + self.line() + "\033[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Wipe the line, leaving the cursor where the line began."""
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class CountingWriter:
    """A binary stream that counts the bytes written through it into a :class:`Progress`."""

    def __init__(self, raw: object, progress: Progress) -> None:
        self._raw = raw
        self._progress = progress

    def write(self, data: bytes) -> int:
        written: int = self._raw.write(data)  # type: ignore[attr-defined]
        self._progress.advance(len(data))
        return written

    def __getattr__(self, name: str) -> object:
        return getattr(self._raw, name)
