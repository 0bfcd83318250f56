"""The statement table: one row per claim, read back by the csv module, formulas neutralized."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import kgraph
from kgraph.export import export, export_subgraph
from kgraph.export.table import COLUMNS, neutralize
from kgraph.subgraph import Selection, select

from .conftest import TINY_TTL
from .test_export_graphviz import actor, claim, make_graph


@pytest.fixture(scope="module")
def tiny() -> kgraph.KGraph:
    return kgraph.open(TINY_TTL)


def _rows(data: str | bytes, delimiter: str = ",") -> list[dict[str, str]]:
    assert isinstance(data, str)
    return list(csv.DictReader(io.StringIO(data, newline=""), delimiter=delimiter))


def test_one_row_per_claim(tiny: kgraph.KGraph) -> None:
    sub = select(tiny)
    rows = _rows(export_subgraph(sub, "csv"))
    assert len(rows) == len(sub.claims)
    assert list(rows[0]) == COLUMNS
    assert {r["id"] for r in rows} == set(sub.claims)
    arms = next(r for r in rows if r["key"] == "arms-share")
    assert arms == arms | {
        "subject": "kgr:alphaland",
        "subject_label": "Alphaland",
        "predicate": "kg:suppliesArmsTo",
        "relation": "supplies arms to",
        "object": "kgr:betastan",
        "object_label": "Betastan",
        "figure": "60% of Betastan's arms imports, drones, 2015–2019",
        "start": "2015",
        "end": "2019",
        "share": "0.6",
        "share_of": "Betastan's arms imports",
        "item": "drones",
        "modality": "reported",
        "attributed_to": "kgr:gamma-institute",
        "attributed_to_label": "Gamma Institute",
        "source": "tiny",
        "evidence_start": "0",
        "evidence_end": "153",
    }
    date = next(r for r in rows if r["key"] == "attack-date")
    assert date["object"] == date["object_label"] == "2021-03"
    mapping = next(r for r in rows if r["key"] == "mapping")
    assert mapping["subject_label"] == 'Omega Corp & "Sons" <Ltd>'


def test_tsv_has_the_same_rows(tiny: kgraph.KGraph) -> None:
    csv_rows = _rows(export(tiny, None, "csv"))
    tsv_rows = _rows(export(tiny, None, "tsv"), "\t")
    assert csv_rows == tsv_rows
    assert all("\t" not in line for line in str(export(tiny, None, "tsv")).splitlines()[0:0])


def test_selection_limits_rows(tiny: kgraph.KGraph) -> None:
    rows = _rows(export(tiny, Selection(modalities=("alleged",)), "csv"))
    assert [r["key"] for r in rows] == ["base"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1", "'+33 1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralize(cell: str, expected: str) -> None:
    assert neutralize(cell) == expected


def test_formula_looking_labels_are_neutralized(tmp_path: Path) -> None:
    kg = make_graph(
        tmp_path,
        [claim("a", "suppliesArmsTo", "b", item='=HYPERLINK("http://evil.example","click")')],
        [actor("a", "=cmd|' /C calc'!A0"), actor("b", "@Beeland")],
    )
    rows = _rows(export(kg, None, "csv"))
    assert len(rows) == 1
    assert rows[0]["subject_label"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["object_label"] == "'@Beeland"
    assert rows[0]["item"] == '\'=HYPERLINK("http://evil.example","click")'
    assert not any(v.startswith(("=", "+", "@")) for v in rows[0].values())
