"""Cells for spreadsheets: text that Excel, LibreOffice or Google Sheets would run as a formula
gets a leading ``'`` (the OWASP advice against CSV injection). A claim's label, figure or date
(``--09-19``) is data, never code.

Used by every CSV/TSV kgraph writes for people (look-ups' ``--format csv|tsv``, ``kgraph export
--format csv|tsv``). Not by ``kgraph query``'s SPARQL CSV/TSV results: those are a W3C exchange
format whose values must stay exactly what the graph holds.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a cell a spreadsheet reads as a formula (or smuggles one behind) starts with."""


def neutralize(cell: str) -> str:
    """``cell`` with a ``'`` in front when a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell
