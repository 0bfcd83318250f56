"""The statement table in a file: one row per claim, for spreadsheets (CSV, TSV).

The table itself, its columns and the row of a claim, is :data:`kgraph.views.STATEMENT_COLUMNS`
and :meth:`kgraph.views.ClaimView.row`, which ``kgraph claims -f csv`` prints too: an export's
rows are the claims of the exported selection as ``kgraph claims`` reads them, every
``kg:Claim`` included (the curators' Wikidata links too), in the same order. ``sources`` counts
the independent origins agreeing with a claim among the claims exported, so the file can be
checked on its own; for the whole graph that is the count ``kgraph claims`` gives.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) get a leading ``'``, the OWASP advice against CSV injection: the
article's text is data, never code.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from kgraph.export.base import Exporter, ExportOptions
from kgraph.spreadsheet import neutralize
from kgraph.views import STATEMENT_COLUMNS

if TYPE_CHECKING:
    from kgraph.subgraph import Subgraph
    from kgraph.views import CountedClaimView

COLUMNS: list[str] = list(STATEMENT_COLUMNS)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def statements(sub: Subgraph) -> list[CountedClaimView]:
    """The selection's claims as ``kgraph claims`` gives them, read from the selection alone."""
    from pyoxigraph import DefaultGraph, Quad, Store

    from kgraph.lookup import claims
    from kgraph.store import OxigraphBackend

    store = Store()
    store.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in sub.triples("claims"))
    return claims(OxigraphBackend(store, sub.description, timeout=None))


def rows(sub: Subgraph) -> list[dict[str, str]]:
    """The statement table of a selection as text cells (not yet neutralized)."""
    return [{c: _text(row.get(c)) for c in COLUMNS} for row in (v.row() for v in statements(sub))]


def _delimited(sub: Subgraph, delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(COLUMNS)
    for row in rows(sub):
        cells = [neutralize(row[c]) for c in COLUMNS]
        if delimiter == "\t":
            # TSV has no quoting convention that every reader honours: each break becomes a
            # space, as in `kgraph claims -f tsv`.
            cells = [c.replace("\t", " ").replace("\r", " ").replace("\n", " ") for c in cells]
        writer.writerow(cells)
    return out.getvalue()


def to_csv(sub: Subgraph, options: ExportOptions) -> str:
    return _delimited(sub, ",")


def to_tsv(sub: Subgraph, options: ExportOptions) -> str:
    return _delimited(sub, "\t")


EXPORTERS = [
    Exporter(
        "csv", (".csv",), "text/csv", "statement table, one row per claim (spreadsheets)", to_csv, "table"
    ),
    Exporter(
        "tsv",
        (".tsv", ".tab"),
        "text/tab-separated-values",
        "the statement table, tab-separated",
        to_tsv,
        "table",
    ),
]
