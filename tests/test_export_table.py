"""The statement table: one row per claim, every claim, the columns `kgraph claims -f csv` has,
read back by the csv module, formulas neutralized."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import kgraph
from kgraph.export import export, export_subgraph
from kgraph.export.table import COLUMNS, neutralize
from kgraph.subgraph import Selection, select
from kgraph.views import STATEMENT_COLUMNS, ClaimView

from .conftest import TINY_TTL
from .test_export_graphviz import actor, claim, make_graph


@pytest.fixture(scope="module")
def tiny() -> kgraph.KGraph:
    return kgraph.open(TINY_TTL)


def _rows(data: str | bytes, delimiter: str = ",") -> list[dict[str, str]]:
    assert isinstance(data, str)
    return list(csv.DictReader(io.StringIO(data, newline=""), delimiter=delimiter))


def _file_rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def test_one_row_per_claim(tiny: kgraph.KGraph) -> None:
    sub = select(tiny)
    rows = _rows(export_subgraph(sub, "csv"))
    assert len(rows) == len(sub.claims) == 8
    assert list(rows[0]) == COLUMNS == list(STATEMENT_COLUMNS)
    assert {r["id"] for r in rows} == set(sub.claims)
    arms = next(r for r in rows if r["key"] == "arms-share")
    assert arms == arms | {
        "subject": "Alphaland",
        "subject_id": "alphaland",
        "predicate": "kg:suppliesArmsTo",
        "relation": "supplies arms to",
        "object": "Betastan",
        "object_id": "betastan",
        "figure": "60% of Betastan's arms imports, drones, 2015–2019",
        "start": "2015",
        "end": "2019",
        "share": "0.6",
        "share_of": "Betastan's arms imports",
        "item": "drones",
        "modality": "reported",
        "attributed_to": "Gamma Institute",
        "attributed_to_id": "gamma-institute",
        "sources": "1",
        "source": "tiny",
        "evidence": "tiny@0-153",
        "quote": "",
        "via": "",
    }
    date = next(r for r in rows if r["key"] == "attack-date")
    assert (date["object"], date["object_id"]) == ("2021-03", "")
    mapping = next(r for r in rows if r["key"] == "mapping")
    assert mapping["subject"] == 'Omega Corp & "Sons" <Ltd>'


def test_the_row_of_a_claim_has_every_column_and_only_those(tiny: kgraph.KGraph) -> None:
    views = tiny.claims()
    assert len(views) == 8
    for v in views:
        assert list(v.row()) == list(STATEMENT_COLUMNS)
        assert v.row()["sources"] == v.sources >= 1
        # A card's claim (show) has the same columns, its sources count left empty.
        plain = ClaimView.model_validate({k: x for k, x in v.__dict__.items() if k != "sources"})
        assert list(plain.row()) == list(STATEMENT_COLUMNS) and plain.row()["sources"] is None


def test_tsv_has_the_same_rows(tmp_path: Path) -> None:
    # A claim text with a tab and line breaks: CSV quotes them, TSV turns each into a space.
    weird = claim("a", "allyOf", "b").model_copy(update={"text": "one\ttwo\nthree\r\nfour"})
    kg = make_graph(tmp_path, [weird], [actor("a", "Ayland"), actor("b", "Beeland")])
    csv_rows = _rows(export(kg, None, "csv"))
    tsv_rows = _rows(export(kg, None, "tsv"), "\t")
    assert csv_rows[0]["text"] == "one\ttwo\nthree\r\nfour"
    assert tsv_rows[0]["text"] == "one two three  four"
    assert [{k: v for k, v in r.items() if k != "text"} for r in csv_rows] == [
        {k: v for k, v in r.items() if k != "text"} for r in tsv_rows
    ]


def test_selection_limits_rows(tiny: kgraph.KGraph) -> None:
    rows = _rows(export(tiny, Selection(modalities=("alleged",)), "csv"))
    assert [r["key"] for r in rows] == ["base"]


# ---------------------------------------------------------------- every claim, one table


def test_external_ids_are_rows_too(tmp_path: Path) -> None:
    kg = make_graph(
        tmp_path,
        [claim("a", "suppliesArmsTo", "b")],
        [actor("a", "Ayland").model_copy(update={"wikidata": "Q801"}), actor("b", "Beeland")],
    )
    sub = select(kg)
    assert len(sub.claims) == 2  # the arms claim and the curators' Wikidata link
    rows = _rows(export_subgraph(sub, "csv"))
    assert len(rows) == 2
    link = next(r for r in rows if r["predicate"] == "skos:exactMatch")
    assert link == link | {
        "subject": "Ayland",
        "subject_id": "a",
        "object_id": "wd:Q801",
        "modality": "curatorInferred",
        "by_curators": "true",
    }
    assert _rows(export_subgraph(sub, "tsv"), "\t") == rows


@pytest.mark.parametrize(("suffix", "delimiter", "fmt"), [("csv", ",", "csv"), ("tsv", "\t", "tsv")])
def test_bundled_graph_every_claim_is_a_row_as_claims_prints_it(
    run_cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    suffix: str,
    delimiter: str,
    fmt: str,
) -> None:
    stats = run_cli("stats", "--format", "json")
    assert stats.code == 0, stats.err
    claims = json.loads(stats.out)["claims"]
    external = json.loads(stats.out)["external_ids"]
    assert external > 0
    out = tmp_path / f"all.{suffix}"
    r = run_cli("export", "-o", out)
    assert r.code == 0, r.err
    assert r.err == f"{out}: {fmt}, {_entities(r.err)} actors and events, {claims} claims\n"
    rows = _file_rows(out, delimiter)
    assert len(rows) == claims
    assert len({r["id"] for r in rows}) == claims
    assert sum(r["predicate"] == "skos:exactMatch" for r in rows) == external
    listed = run_cli("claims", "--format", fmt)
    assert listed.code == 0, listed.err
    assert list(csv.DictReader(io.StringIO(listed.out, newline=""), delimiter=delimiter)) == rows
    # The same bytes but for the file's RFC 4180 line ends.
    assert out.read_bytes() == listed.out.encode("utf-8").replace(b"\n", b"\r\n")


def _entities(line: str) -> str:
    return line.split(", ")[1].split(" ")[0]


def test_a_focus_export_has_a_row_for_each_claim_it_reports(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "israel.csv"
    r = run_cli("export", "--focus", "Israel", "-o", out)
    assert r.code == 0, r.err
    reported = int(r.err.rsplit(", ", 1)[1].split(" ")[0])
    rows = _file_rows(out)
    sub = select(kgraph.open(), Selection(focus=("Israel",)))
    assert len(rows) == reported == len(sub.claims) > 50
    assert {row["id"] for row in rows} == set(sub.claims)
    assert any(row["key"] == "israel-wikidata" for row in rows)
    # Each row is the one `kgraph claims` prints for that claim.
    listed = run_cli("claims", "--id", rows[0]["key"], "--format", "csv")
    assert listed.code == 0, listed.err
    first = next(csv.DictReader(io.StringIO(listed.out, newline="")))
    assert {k: v for k, v in first.items() if k != "sources"} == {
        k: v for k, v in rows[0].items() if k != "sources"
    }


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
    assert rows[0]["subject"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["object"] == "'@Beeland"
    assert rows[0]["item"] == '\'=HYPERLINK("http://evil.example","click")'
    assert not any(v.startswith(("=", "+", "@")) for v in rows[0].values())


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_what_the_curators_added_has_columns_and_marks(tmp_path: Path, fmt: str, delimiter: str) -> None:
    from .test_export_graphviz import curators_graph

    rows = _rows(export(curators_graph(tmp_path), None, fmt), delimiter)
    assert COLUMNS.index("by_curators") == COLUMNS.index("modality") + 1
    by = {(r["relation"], r["object"]): r for r in rows}
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
