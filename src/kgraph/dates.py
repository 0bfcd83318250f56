"""Dates at their own precision, and the ``--since``/``--until`` filters built on them.

A date covers every day its precision allows: ``198X`` (a decade) is 1980-01-01 … 1989-12-31,
``2022`` the year, ``2022-12`` the month, ``2022-12-05`` one day; a date without a year
(``--09-19``) cannot be placed. A claim's time is its own qualifiers (a point in time, else a
start and/or end, a missing end meaning "still running"), else the date it states, else the
dates of the events it is about.

Two kinds of time pass a filter differently (docs/cli.md, "Dates"):

- a **point** (one date: something happened once, at a day its precision does not give)
  passes only when every day it may mean lies inside the window: "the 1980s" is not "until
  1985", since it may have been 1987; "2021-03" passes ``--since 2021-03`` but not
  ``--since 2021-03-15``;
- a **period** (a start and/or an end: something held for a while) passes when it overlaps the
  window: the 2015–2019 share passes ``--since 2019``.

``kgraph claims``, ``kgraph events`` and ``kgraph export`` all filter through this module.

It is on the start-up path of every look-up, so it imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kgraph.errors import ParameterError
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
    if kind == "decade":
        first = int(value[:3]) * 10
        return (first, 1, 1), (first + 9, 12, 31)
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


def date_words(value: str) -> str:
    """A date as people write it at its precision: ``198X`` -> ``1980s``; others unchanged."""
    if len(value) == 4 and value.endswith("X") and value[:3].isdigit():
        return f"{value[:3]}0s"
    return value


def period_text(date: str | None = None, start: str | None = None, end: str | None = None) -> str | None:
    """A date or period as written, at its own precision: ``2021-03``, ``2015–2019``, ``from 2020``,
    ``1980s``."""
    if date:
        return date_words(date)
    start, end = (date_words(v) if v else None for v in (start, end))
    if start and end:
        return start if start == end else f"{start}–{end}"
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return None


@dataclass(frozen=True)
class Span:
    """The days from ``lo`` to ``hi``, both included; ``point`` when they are the days one
    imprecise date may mean, rather than a period that holds throughout."""

    lo: Day
    hi: Day
    point: bool = False

    def merge(self, other: Span | None) -> Span:
        if other is None:
            return self
        return Span(min(self.lo, other.lo), max(self.hi, other.hi))

    def overlaps(self, other: Span) -> bool:
        return self.hi >= other.lo and self.lo <= other.hi

    def within(self, other: Span) -> bool:
        return other.lo <= self.lo and self.hi <= other.hi

    def passes(self, window: Span) -> bool:
        """Does this time pass a ``--since``/``--until`` window (see the module docstring)?"""
        return self.within(window) if self.point else self.overlaps(window)


def span(date: str | None, start: str | None = None, end: str | None = None) -> Span | None:
    """The days a date, or else a start and/or end, cover; a missing side is open."""
    if date and (b := date_bounds(date)):
        return Span(*b, point=True)
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
    sourced: set[str] = field(default_factory=set)
    """Values some claim of the source states (not the curators alone)."""

    def add(self, kind: str, value: str, *, by_curators: bool = False) -> None:
        """``kind`` is ``date``, ``start`` or ``end`` (a value of :data:`DATE_PROPERTIES`);
        ``by_curators`` when the claim stating it is curator-inferred."""
        {"date": self.dates, "start": self.starts, "end": self.ends}[kind].append(value)
        if not by_curators:
            self.sourced.add(value)

    @property
    def by_curators(self) -> list[str]:
        """Which of ``date``, ``start``, ``end`` shows a value only the curators give."""
        shown = (("date", self.date), ("start", self.start), ("end", self.end))
        return [kind for kind, v in shown if v is not None and v not in self.sourced]

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

    @property
    def marked(self) -> str | None:
        """:attr:`when`, each value only the curators give followed by the curators' mark."""
        return marked_period(self.date, self.start, self.end, self.by_curators)


def marked_period(
    date: str | None, start: str | None, end: str | None, by_curators: Iterable[str] = ()
) -> str | None:
    """:func:`period_text` with the curators' mark after each of ``date``, ``start``, ``end``
    named in ``by_curators``: ``2023-09-19*``, ``from 1991–1994*``."""
    from kgraph.present import mark

    curated = set(by_curators)
    shown = {
        k: mark(date_words(v), k in curated) if v else None
        for k, v in (("date", date), ("start", start), ("end", end))
    }
    if shown["date"]:
        return shown["date"]
    lo, hi = shown["start"], shown["end"]
    if lo and hi:
        return lo if start == end else f"{lo}–{hi}"
    return f"from {lo}" if lo else (f"until {hi}" if hi else None)


def claim_span(
    own: Span | None, stated: str | None = None, events: Iterable[Span | None] = ()
) -> Span | None:
    """When a claim holds: its ``own`` qualifiers' span; else the date it ``stated`` (the object
    of a date property); else all its ``events``' spans together."""
    if own is not None:
        return own
    if stated is not None and (b := date_bounds(stated)):
        return Span(*b, point=True)
    found: Span | None = None
    for s in events:
        if s is not None:
            found = s.merge(found)
    return found


def parse_date_filter(value: str, parameter: str) -> Span:
    """A ``since``/``until`` value -> the days it covers; bad input is a ParameterError (exit 2)."""
    text = value.strip()
    bounds = date_bounds(text) if text[:1].isdigit() else None
    if bounds is None:
        raise ParameterError(parameter, f"{value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    return Span(*bounds)


def date_window(since: str | None, until: str | None) -> Span | None:
    """The interval ``--since``/``--until`` ask for: from the first day of ``since`` to the last
    of ``until``, open where one is not given; None when neither is."""
    lo = parse_date_filter(since, "since") if since is not None else None
    hi = parse_date_filter(until, "until") if until is not None else None
    if lo is None and hi is None:
        return None
    if lo and hi and lo.lo > hi.hi:
        raise ParameterError("since", f"{since} is later than until ({until})")
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
    "date_words",
    "marked_period",
    "parse_date_filter",
    "period_text",
    "sort_key",
    "span",
]
