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


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_what_the_curators_added_has_columns_and_marks(tmp_path: Path, fmt: str, delimiter: str) -> None:
    from .test_export_graphviz import curators_graph

    rows = _rows(export(curators_graph(tmp_path), None, fmt), delimiter)
    assert COLUMNS.index("by_curators") == COLUMNS.index("modality") + 1
    by = {(r["relation"], r["object_label"]): r for r in rows}
    sales = by[("supplies arms to", "Beeland")]
    assert (sales["by_curators"], sales["curated"]) == ("false", "min_value")
    assert (
        sales["figure"] == "at least 1 billion* USD (approximate), armaments, since the start of The conflict"
    )
    assert sales["min_value"] == "1000000000"  # the raw value stays a number: the mark is in figure only
    airlift = by[("airlifted supplies to", "Bee forces")]
    assert (airlift["by_curators"], airlift["curated"]) == ("true", "")
    year = by[("date", "2023-09-19")]  # a property claim the curators inferred
    assert year["by_curators"] == "true"
    assert (by[("ally of", "Beeland")]["by_curators"], by[("ally of", "Beeland")]["curated"]) == ("false", "")


def test_tiny_marks_only_its_curator_inferred_claim(tiny: kgraph.KGraph) -> None:
    rows = _rows(export(tiny, None, "csv"))
    assert {r["key"] for r in rows if r["by_curators"] == "true"} == {"attack-location"}
    assert all(r["by_curators"] == "false" for r in rows if r["key"] != "attack-location")
    assert not any(r["curated"] or "*" in r["figure"] for r in rows)
