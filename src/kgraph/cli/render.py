"""One renderer for every command that prints rows: table, json, jsonl, csv, tsv.

Rows are mappings of column -> plain value (str, int, float, bool, None, or lists/dicts of
those for JSON). Data goes to stdout; messages go to stderr elsewhere. CSV and TSV cells that a
spreadsheet would run as a formula are neutralized (:mod:`kgraph.spreadsheet`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kgraph.spreadsheet import neutralize

Row = Mapping[str, Any]


def _cell(value: Any) -> str:
    """A value as flat text for table, CSV and TSV cells."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_cell(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    return str(value)


def _table(rows: Sequence[Row], columns: Sequence[str], width: int | None = None) -> str:
    if not rows:
        return "(no results)\n"
    cells = [[_cell(row.get(c)).replace("\n", " ").replace("\t", " ") for c in columns] for row in rows]
    if width is not None:  # a terminal's width (kgraph.cli.base.table_width)
        from kgraph.present import table_lines

        return "\n".join(table_lines(list(columns), cells, width)) + "\n"
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def _delimited(rows: Sequence[Row], columns: Sequence[str], delimiter: str) -> str:
    """CSV or TSV for spreadsheets: a cell that would run as a formula gets a leading ``'``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        values = [neutralize(_cell(row.get(c))) for c in columns]
        if delimiter == "\t":
            values = [v.replace("\t", " ").replace("\r", " ").replace("\n", " ") for v in values]
        writer.writerow(values)
    return out.getvalue()


def render_rows(
    rows: Iterable[Row], fmt: str, columns: Sequence[str] | None = None, *, width: int | None = None
) -> str:
    """Rows as text in ``fmt``. ``columns`` fixes the order (default: keys of the first row).
    ``width``: a table is fitted to that many characters (wrapping cells); None prints it whole."""
    rows = list(rows)
    cols = list(columns) if columns is not None else (list(rows[0].keys()) if rows else [])
    if fmt == "json":
        return json.dumps([dict(r) for r in rows], ensure_ascii=False, indent=2, default=str) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(dict(r), ensure_ascii=False, default=str) + "\n" for r in rows)
    if fmt == "csv":
        return _delimited(rows, cols, ",")
    if fmt == "tsv":
        return _delimited(rows, cols, "\t")
    return _table(rows, cols, width)


def render_object(obj: Any) -> str:
    """One JSON object (``show --format json``)."""
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n"
