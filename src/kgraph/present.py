"""Readable words for graph terms: relation labels, qualifier summaries, modality names.

Shared by look-ups, tables and pictures so that every output says a figure the same way.
No heavy imports here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from decimal import Decimal

from kgraph.models import Qualifiers

CURATORS_MARK = "*"
"""After every value the curators added (a year, a bound, a party): ``2023-09-19*``."""
CURATORS_LEGEND = "* added by the curators: not stated in the source"
"""The line that explains :data:`CURATORS_MARK` wherever it is printed."""


def mark(text: str, by_curators: bool) -> str:
    """``text`` with the curators' mark when ``by_curators``."""
    return text + CURATORS_MARK if by_curators and text else text


MODALITY_LABELS = {
    "asserted": "asserted",
    "reported": "reported",
    "alleged": "alleged (hedged)",
    "analysis": "analysis",
    "curatorInferred": "curator-inferred",
}

_KNOWN_PREDICATES = {
    "dcterms:date": "date",
    "schema:startDate": "start date",
    "schema:endDate": "end date",
    "schema:location": "location",
    "schema:duration": "duration",
    "skos:exactMatch": "same as",
    "participant": "participant",
}


def relation_label(predicate: str) -> str:
    """``kg:suppliesArmsTo`` (or ``suppliesArmsTo``) -> its ``rdfs:label`` in the ontology,
    "supplies arms to"; standard terms by their usual names; anything else by its local name,
    its camelCase spread into words."""
    if predicate in _KNOWN_PREDICATES:
        return _KNOWN_PREDICATES[predicate]
    local = predicate.split(":", 1)[1] if predicate.startswith("kg:") else predicate
    if label := ontology_labels().get(local):
        return label
    if ":" in local or "/" in local:
        local = re.split(r"[:/#]", local)[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower()


@functools.cache
def ontology_labels() -> dict[str, str]:
    """kg: local name -> its English ``rdfs:label``, read once from the shipped ontology."""
    from importlib import resources

    from pyoxigraph import Literal, RdfFormat, parse

    from kgraph.namespaces import KG, RDFS

    out: dict[str, str] = {}
    folder = resources.files("kgraph") / "ontology"
    for name in ("kgraph.ttl", "relations.ttl"):
        data = (folder / name).read_bytes()
        for t in parse(data, format=RdfFormat.TURTLE):
            s, o = t.subject, t.object
            is_label = t.predicate.value == RDFS + "label" and isinstance(o, Literal)
            if is_label and o.language == "en" and s.value.startswith(KG):
                out[s.value[len(KG) :]] = o.value
    return out


def _number(value: Decimal) -> str:
    if value == value.to_integral_value():
        n = int(value)
        for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
            if n >= size and n % (size // 10) == 0:
                return f"{Decimal(n) / size:g} {word}"
        return f"{n:,}"
    return f"{value.normalize():f}"


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_text(value: str) -> str:
    """ISO dates stay as they are (sortable, unambiguous); a month-day with no year
    (``--09-19``, xsd:gMonthDay) reads ``19 Sep (no year given)``, a decade (``198X``) ``1980s``."""
    if len(value) == 4 and value.endswith("X"):
        return f"{value[:3]}0s"
    if value.startswith("--") and len(value) == 7:
        return f"{int(value[5:7])} {_MONTHS[int(value[2:4]) - 1]} (no year given)"
    return value


def _date_range(q: Qualifiers, cur: Collection[str] = ()) -> str:
    start, end = (
        mark(date_text(v), f in cur) if v else None for f, v in (("start", q.start), ("end", q.end))
    )
    if start and end:
        return f"{start}–{end}"
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return mark(date_text(q.point_in_time), "point_in_time" in cur) if q.point_in_time else ""


def qualifier_summary(
    q: Qualifiers, curated: Collection[str] = (), labels: Mapping[str, str] | None = None
) -> str:
    """The figure and period in a few words: ``60% of arms imports, 2015–2019``.

    Values of the ``curated`` fields (the curators' reading, :attr:`kgraph.models.Claim.curated`)
    carry :data:`CURATORS_MARK`; ``labels`` names the event of a ``since`` qualifier."""
    cur = set(curated)

    def num(field: str, value: Decimal) -> str:
        return mark(_number(value), field in cur)

    parts: list[str] = []
    approx = "≈ " if q.approximate else ""
    if q.share is not None:
        parts.append(
            f"{approx}{mark(_percent(q.share), 'share' in cur)}" + (f" of {q.share_of}" if q.share_of else "")
        )
        approx = ""
    unit = f" {q.unit}" if q.unit else ""
    if q.value is not None:
        parts.append(f"{approx}{num('value', q.value)}{unit}")
    elif q.min_value is not None and q.max_value is not None:
        parts.append(f"{approx}{num('min_value', q.min_value)}–{num('max_value', q.max_value)}{unit}")
    elif q.min_value is not None:
        # "billions of dollars": a lower bound the source gives only roughly.
        rough = " (approximate)" if q.approximate else ""
        parts.append(f"at least {num('min_value', q.min_value)}{unit}{rough}")
    elif q.max_value is not None:
        parts.append(f"{'nearly' if q.approximate else 'at most'} {num('max_value', q.max_value)}{unit}")
    if q.item:
        parts.append(q.item)
    when = _date_range(q, cur)
    if when:
        parts.append(when)
    if q.since:
        name = (labels or {}).get(q.since, q.since)
        parts.append(f"since the start of {mark(name, 'since' in cur)}")
    if q.duration:
        parts.append(f"lasting {mark(duration_words(q.duration), 'duration' in cur)}")
    return ", ".join(parts)


def duration_words(duration: str) -> str:
    """``PT24H`` -> ``24 hours``; other xsd:durations are returned as written."""
    m = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?", duration)
    if not m:
        return duration
    names = ("day", "hour", "minute")
    out = [f"{n} {name}{'s' if n != '1' else ''}" for n, name in zip(m.groups(), names, strict=True) if n]
    return " ".join(out) or duration


# ---------------------------------------------------------------- tables on a terminal

TABLE_GAP = "  "
"""Between two columns, on screen and in files alike."""


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width``, broken at spaces; a word longer than the column
    (only when even its longest words cannot all fit, :func:`fit_widths`) is cut in pieces."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line or not lines:
        lines.append(line)
    return lines


def _level(natural: list[int], floors: list[int], room: int) -> list[int]:
    """The widest columns cut down to one level, none below its floor, so that all fit in
    ``room``; what is left over goes back to the cut columns, widest first."""
    if sum(floors) >= room:
        return list(floors)
    low, high = 0, max(natural)
    while low < high:  # the highest level that fits
        mid = (low + high + 1) // 2
        if sum(max(f, min(n, mid)) for n, f in zip(natural, floors, strict=True)) <= room:
            low = mid
        else:
            high = mid - 1
    widths = [max(f, min(n, low)) for n, f in zip(natural, floors, strict=True)]
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: -natural[i]):
        if spare <= 0:
            break
        if widths[i] < natural[i]:
            widths[i] += 1
            spare -= 1
    return widths


def fit_widths(columns: list[str], cells: list[list[str]], width: int) -> list[int] | None:
    """Column widths for a table that must fit ``width`` characters, or None when it cannot.

    A table that fits is left as it is. Otherwise the widest columns give way first, down to a
    common level, and their cells wrap at spaces; no column is cut below its longest word (a
    claim id, an evidence offset, a date stays whole). When even that is too wide, None: the
    rows are better read one field a line (:func:`table_lines`) than cut into slivers.
    """
    natural = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    room = width - len(TABLE_GAP) * (len(columns) - 1)
    if sum(natural) <= room:
        return natural
    words = [
        min(n, max(_longest_word(c), *(_longest_word(r[i]) for r in cells)))
        for i, (c, n) in enumerate(zip(columns, natural, strict=True))
    ]
    return _level(natural, words, room) if sum(words) <= room else None


def record_lines(columns: list[str], cells: list[list[str]], width: int) -> list[str]:
    """Each row as a block of ``column  value`` lines, values wrapped to ``width``, empty cells
    left out, a blank line between rows: a table with too many columns for the terminal."""
    key = max(len(c) for c in columns)
    room = max(width - key - len(TABLE_GAP), 12)
    lines: list[str] = []
    for n, row in enumerate(cells):
        if n:
            lines.append("")
        for column, value in zip(columns, row, strict=True):
            if not value.strip():
                continue
            for k, part in enumerate([value] if len(value) <= room else _wrap(value, room)):
                lines.append(f"{(column if k == 0 else '').ljust(key)}{TABLE_GAP}{part}".rstrip())
    return lines


def table_lines(columns: list[str], cells: list[list[str]], width: int) -> list[str]:
    """The table laid out to fit ``width`` (:func:`fit_widths`): header, rule, rows. When a row
    takes more than one line, a blank line separates the rows so each reads as one block; when
    the columns cannot fit at all, one field a line (:func:`record_lines`)."""
    fitted = fit_widths(columns, cells, width)
    if fitted is None:
        return record_lines(columns, cells, width)
    widths = fitted

    def block(values: list[str]) -> list[str]:
        # A cell that fits is left exactly as it is; only the others are re-spaced by wrapping.
        wrapped = [[v] if len(v) <= w else _wrap(v, w) for v, w in zip(values, widths, strict=True)]
        height = max(len(w) for w in wrapped)
        return [
            TABLE_GAP.join(
                (w[k] if k < len(w) else "").ljust(cw) for w, cw in zip(wrapped, widths, strict=True)
            ).rstrip()
            for k in range(height)
        ]

    rows = [block(r) for r in cells]
    lines = [*block(columns), TABLE_GAP.join("-" * w for w in widths)]
    spaced = any(len(r) > 1 for r in rows)
    for n, r in enumerate(rows):
        if spaced and n:
            lines.append("")
        lines += r
    return lines
