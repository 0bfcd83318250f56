"""Dates at their own precision, and the ``--since``/``--until`` filters built on them.

A date covers every day its precision allows: ``2022`` is 2022-01-01 … 2022-12-31, ``2022-12``
the month, ``2022-12-05`` one day; a date without a year (``--09-19``) cannot be placed. A
claim's period is its own qualifiers (a point in time, else a start and/or end, a missing end
meaning "still running"), else the date it states, else the dates of the events it is about;
it passes a filter when that period overlaps the filter's interval. ``kgraph claims``,
``kgraph events`` and ``kgraph export`` all filter through this module.

It is on the start-up path of every look-up, so it imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kgraph.errors import UsageError
from kgraph.models import date_datatype

Day = tuple[int, int, int]
EARLIEST: Day = (-(10**9), 1, 1)
LATEST: Day = (10**9, 12, 31)

DATE_PROPERTIES = {"dcterms:date": "date", "schema:startDate": "start", "schema:endDate": "end"}
"""The properties that date something (as CURIEs) -> the part of a period each gives."""


def date_bounds(value: str) -> tuple[Day, Day] | None:
    """The first and last day a (partial) date covers: ``2022-12`` -> 2022-12-01 … 2022-12-31.

    None for dates without a year (``--09-19``) and for anything that is not a date.
    """
    try:
        kind = date_datatype(value)
    except ValueError:
        return None
    if kind in ("gMonthDay", "gMonth"):
        return None
    negative = value.startswith("-")
    parts = [int(p) for p in value.lstrip("-").split("-")]
    year = -parts[0] if negative else parts[0]
    if kind == "gYear":
        return (year, 1, 1), (year, 12, 31)
    if kind == "gYearMonth":
        # Day 31 of every month: only the order of days matters, never the calendar.
        return (year, parts[1], 1), (year, parts[1], 31)
    day = (year, parts[1], parts[2])
    return day, day


def period_text(date: str | None = None, start: str | None = None, end: str | None = None) -> str | None:
    """A date or period as written, at its own precision: ``2021-03``, ``2015–2019``, ``from 2020``."""
    if date:
        return date
    if start and end:
        return start if start == end else f"{start}–{end}"
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return None


@dataclass(frozen=True)
class Span:
    """The days from ``lo`` to ``hi``, both included."""

    lo: Day
    hi: Day

    def merge(self, other: Span | None) -> Span:
        return self if other is None else Span(min(self.lo, other.lo), max(self.hi, other.hi))

    def overlaps(self, other: Span) -> bool:
        return self.hi >= other.lo and self.lo <= other.hi


def span(date: str | None, start: str | None = None, end: str | None = None) -> Span | None:
    """The days a date, or else a start and/or end, cover; a missing side is open."""
    if date and (b := date_bounds(date)):
        return Span(*b)
    lo = date_bounds(start) if start else None
    hi = date_bounds(end) if end else None
    if lo is None and hi is None:
        return None
    return Span(lo[0] if lo else EARLIEST, hi[1] if hi else LATEST)


def sort_key(s: Span | None) -> tuple[int, Day, Day]:
    """Oldest first, a longer period before a shorter one that starts with it, undated last."""
    return (0, s.lo, s.hi) if s else (1, LATEST, LATEST)


@dataclass
class Dates:
    """The dates stated about one thing (an event), several of one kind allowed."""

    dates: list[str] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)

    def add(self, kind: str, value: str) -> None:
        """``kind`` is ``date``, ``start`` or ``end`` (a value of :data:`DATE_PROPERTIES`)."""
        {"date": self.dates, "start": self.starts, "end": self.ends}[kind].append(value)

    @staticmethod
    def _pick(values: list[str], *, latest: bool = False) -> str | None:
        # A value that is no date (a curator's "1980s") is shown as written, but a real date wins.
        dated = [(b[1] if latest else b[0], v) for v in values if (b := date_bounds(v))]
        if dated:
            return (max(dated) if latest else min(dated))[1]
        return values[0] if values else None

    @property
    def date(self) -> str | None:
        return self._pick(self.dates)

    @property
    def start(self) -> str | None:
        return self._pick(self.starts)

    @property
    def end(self) -> str | None:
        return self._pick(self.ends, latest=True)

    @property
    def span(self) -> Span | None:
        return span(self.date, self.start, self.end)

    @property
    def when(self) -> str | None:
        return period_text(self.date, self.start, self.end)


def claim_span(
    own: Span | None, stated: str | None = None, events: Iterable[Span | None] = ()
) -> Span | None:
    """When a claim holds: its ``own`` qualifiers' span; else the date it ``stated`` (the object
    of a date property); else all its ``events``' spans together."""
    if own is not None:
        return own
    if stated is not None and (b := date_bounds(stated)):
        return Span(*b)
    found: Span | None = None
    for s in events:
        if s is not None:
            found = s.merge(found)
    return found


def parse_date_filter(value: str, option: str) -> Span:
    """A --since/--until value -> the days it covers; bad input is a UsageError (exit 2)."""
    text = value.strip()
    bounds = date_bounds(text) if text[:1].isdigit() else None
    if bounds is None:
        raise UsageError(f"{option}: {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    return Span(*bounds)


def date_window(since: str | None, until: str | None) -> Span | None:
    """The interval ``--since``/``--until`` ask for: from the first day of ``since`` to the last
    of ``until``, open where one is not given; None when neither is."""
    lo = parse_date_filter(since, "--since") if since is not None else None
    hi = parse_date_filter(until, "--until") if until is not None else None
    if lo is None and hi is None:
        return None
    if lo and hi and lo.lo > hi.hi:
        raise UsageError(f"--since {since} is after --until {until}")
    return Span(lo.lo if lo else EARLIEST, hi.hi if hi else LATEST)


__all__ = [
    "DATE_PROPERTIES",
    "EARLIEST",
    "LATEST",
    "Dates",
    "Day",
    "Span",
    "claim_span",
    "date_bounds",
    "date_window",
    "parse_date_filter",
    "period_text",
    "sort_key",
    "span",
]
