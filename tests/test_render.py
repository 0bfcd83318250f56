"""The row renderer: CSV and TSV for spreadsheets never carry a live formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kgraph.cli.render import render_rows
from kgraph.spreadsheet import neutralize

ROWS = [
    {"label": '=HYPERLINK("http://evil.example","click")', "when": "--09-19", "n": -3, "note": "plain"},
    {"label": "+1", "when": "@SUM(A1)", "n": 2, "note": "\tTab first\r\nand a break"},
]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("--09-19", "'--09-19"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        ("60% of imports", "60% of imports"),
    ],
)
def test_neutralize(cell: str, expected: str) -> None:
    assert neutralize(cell) == expected


def test_csv_cells_are_neutralized() -> None:
    text = render_rows(ROWS, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0] == {
        "label": '\'=HYPERLINK("http://evil.example","click")',
        "when": "'--09-19",
        "n": "'-3",
        "note": "plain",
    }
    assert rows[1]["label"] == "'+1" and rows[1]["when"] == "'@SUM(A1)"
    assert rows[1]["note"] == "'\tTab first\r\nand a break"  # quoted by the csv module, inert


def test_tsv_cells_are_neutralized_and_flat() -> None:
    lines = render_rows(ROWS, "tsv").splitlines()
    assert lines[0] == "label\twhen\tn\tnote"
    cells = [line.split("\t") for line in lines[1:]]
    assert all(len(c) == 4 for c in cells)
    assert cells[0][1] == "'--09-19" and cells[0][2] == "'-3"
    assert cells[1][3] == "' Tab first  and a break"


def test_json_and_table_keep_values_as_they_are() -> None:
    assert '"when": "--09-19"' in render_rows(ROWS, "json")
    assert '"label": "+1"' in render_rows(ROWS, "jsonl")
    assert "--09-19" in render_rows(ROWS, "table") and "'--09-19" not in render_rows(ROWS, "table")


def test_lookups_in_csv_are_safe_for_spreadsheets(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    graph = tmp_path / "formula.ttl"
    graph.write_text(
        """@prefix kg: <https://w3id.org/kgraph/ns#> . @prefix kgr: <https://w3id.org/kgraph/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kgr:evil a kg:Actor , kg:State ; skos:prefLabel "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"@en .
kgr:good a kg:Actor , kg:State ; skos:prefLabel "Goodland"@en .
kgr:claim-1 a kg:Claim ; rdf:subject kgr:evil ; rdf:predicate kg:attacked ; rdf:object kgr:good ;
    dcterms:description "Evil attacked Goodland."@en ; kg:modality kg:asserted ;
    dcterms:date "--09-19"^^xsd:gMonthDay .
""",
        encoding="utf-8",
    )
    for fmt in ("csv", "tsv"):
        result = run_cli("claims", "--graph", graph, "-f", fmt)
        assert result.code == 0, result.err
        delimiter = "," if fmt == "csv" else "\t"
        rows = list(csv.DictReader(io.StringIO(result.out), delimiter=delimiter))
        assert rows, result.out
        cells = [cell for row in rows for cell in row.values() if cell]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], cells
        assert any(c.startswith("'=HYPERLINK") for c in cells)
        assert "'--09-19" in cells
