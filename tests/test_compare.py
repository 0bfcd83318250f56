"""`kgraph compare` and the `sources` column of `kgraph claims`, on an invented graph of four
outlets relaying two origins (tests/fixtures/compare.yaml) and on the bundled graph."""

# ruff: noqa: E501  (exact tables are wider than a source line)

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import kgraph
from kgraph.api import KGraph
from kgraph.build import compile_datasets
from kgraph.compare import agreeing_origins, compare

from .conftest import FIXTURES, TINY_TTL

COMPARE_YAML = FIXTURES / "compare.yaml"


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("compare") / "compare.ttl"
    path.write_text(compile_datasets([COMPARE_YAML]), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def kg(graph_file: Path) -> KGraph:
    return kgraph.open(graph_file)


EXPECTED = [
    (
        "Eastland",
        "cooperates with",
        "Westland",
        "single-source",
        ["Delta Daily"],
        ["The one claim goes back to one origin: Delta Daily."],
        ["e-w-delta"],
    ),
    (
        "Northland",
        "supplies arms to",
        "Eastland",
        "differing",
        ["Omicron Institute"],
        [
            "Reports of Omicron Institute's 2015–2019 figure disagree: "
            "30% (Alpha Wire, Gamma Times) vs 35% (Beta Post)."
        ],
        ["n-e-alpha", "n-e-gamma", "n-e-beta"],
    ),
    (
        "Northland",
        "supplies arms to",
        "Southland",
        "corroborated",
        ["Omicron Institute", "Sigma Agency"],
        ["40% for 2010–2014 is corroborated by 2 independent origins: Omicron Institute, Sigma Agency."],
        ["n-s-omicron", "n-s-sigma"],
    ),
    (
        "Southland",
        "ally of",
        "Eastland",
        "corroborated",
        ["Delta Daily", "Gamma Times"],
        ["Without a figure, the relation is stated by 2 independent origins: Delta Daily, Gamma Times."],
        ["s-e-delta", "s-e-gamma"],
    ),
    (
        "Westland",
        "supplies arms to",
        "Eastland",
        "differing",
        ["Omicron Institute", "Sigma Agency"],
        ["Sources disagree on 2020: 12 million usd (Beta Post) vs 10 million USD (Alpha Wire)."],
        ["w-e-omicron", "w-e-sigma"],
    ),
    (
        "Westland",
        "supplies arms to",
        "Southland",
        "differing",
        ["Omicron Institute"],
        [
            "Figures for overlapping periods differ: 20% (2010–2014), 25% (2012–2016). The periods are "
            "not the same, so this is not a disagreement over one figure."
        ],
        ["w-s-early", "w-s-later"],
    ),
]


def _groups(result: kgraph.CompareResult) -> list[tuple[object, ...]]:
    return [
        (
            g.subject.label,
            g.predicate.label,
            g.object.label,  # type: ignore[union-attr]
            g.status,
            g.origins,
            g.findings,
            [c.key for c in g.claims],
        )
        for g in result.groups
    ]


def test_compare_gives_exactly_the_expected_groups(kg: KGraph) -> None:
    assert _groups(kg.compare()) == EXPECTED


def test_compare_takes_the_filters_of_claims(kg: KGraph) -> None:
    by_predicate = kg.compare(predicate="suppliesArmsTo")
    assert [g[:3] for g in _groups(by_predicate)] == [g[:3] for g in EXPECTED if g[1] == "supplies arms to"]
    assert [g[:4] for g in _groups(kg.compare(about="Northland", until="2014"))] == [
        ("Northland", "supplies arms to", "Southland", "corroborated")
    ]
    [one] = kg.compare(source="Beta Post", about="Westland").groups
    assert (one.status, [c.key for c in one.claims]) == ("single-source", ["w-e-sigma"])
    assert _groups(compare(kg.backend, about="Eastland", exact=True))[0][:4] == EXPECTED[0][:4]


def test_compared_claims_carry_figure_period_chain_and_origin(kg: KGraph) -> None:
    [group] = kg.compare(about="Northland", predicate="suppliesArmsTo", until="2014").groups
    first = group.claims[0]
    assert (first.compared, first.measure, first.period, first.origin_name, first.chain) == (
        "40%",
        "40% of Southland's arms imports",
        "2010–2014",
        "Omicron Institute",
        "Omicron Institute, via Alpha Wire",
    )
    data = json.loads(first.model_dump_json())
    assert (data["chain"], data["origin"], data["sources"], data["period"]) == (
        "Omicron Institute, via Alpha Wire",
        "omicron",
        2,
        "2010–2014",
    )


def test_wikidata_links_are_not_compared(tmp_path: Path) -> None:
    from .conftest import TINY_YAML

    text = TINY_YAML.read_text(encoding="utf-8").replace(
        "    label: Alphaland\n", "    label: Alphaland\n    wikidata: Q1\n", 1
    )
    (tmp_path / "w.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "w.ttl").write_text(compile_datasets([tmp_path / "w.yaml"]), encoding="utf-8")
    g = kgraph.open(tmp_path / "w.ttl")
    assert any(c.predicate.id == "skos:exactMatch" for c in g.claims(about="Alphaland"))
    assert [x.predicate.label for x in g.compare(about="Alphaland").groups] == ["ally of", "supplies arms to"]


# ---------------------------------------------------------------- the sources column of claims


def test_claims_count_the_independent_origins_that_agree(kg: KGraph) -> None:
    counts = {c.key: c.sources for c in kg.claims()}
    assert counts == {
        "e-w-delta": 1,
        "n-e-alpha": 1,  # three relays of one origin are one source
        "n-e-beta": 1,
        "n-e-gamma": 1,
        "n-s-omicron": 2,  # share_of matches without regard to case and spacing
        "n-s-sigma": 2,
        "s-e-delta": 2,  # figureless claims agree on the bare relation
        "s-e-gamma": 2,
        "w-e-omicron": 1,
        "w-e-sigma": 1,
        "w-s-early": 1,
        "w-s-later": 1,
    }


def test_sources_count_claims_the_filters_leave_out(kg: KGraph) -> None:
    found = kg.claims(
        source="alpha-wire", about="Southland", predicate="suppliesArmsTo", attributed_to="Omicron"
    )
    assert [(c.key, c.sources) for c in found] == [("n-s-omicron", 2), ("w-s-early", 1)]
    assert [(c.key, c.sources) for c in kg.claims(source="alpha-wire", about="Northland", until="2014")] == [
        ("n-s-omicron", 2)
    ]
    views = kg.claims(about="Northland")
    assert agreeing_origins(kg.backend, views) == agreeing_origins(kg.backend, views, complete=True)
    assert agreeing_origins(kg.backend, []) == {}


def test_claims_cli_has_a_sources_column(run_cli, graph_file: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claims", "--about", "Southland", "-p", "allyOf", "-g", graph_file)
    assert r.out.splitlines()[0].split() == [
        *("subject", "relation", "object", "figure", "modality", "attributed_to", "sources", "evidence")
    ]
    assert [line.split()[-2] for line in r.out.splitlines()[2:]] == ["2", "2"]
    rows = list(csv.DictReader(io.StringIO(run_cli("claims", "-g", graph_file, "-f", "csv").out)))
    assert {r["key"]: r["sources"] for r in rows}["n-s-sigma"] == "2"
    assert [c["sources"] for c in json.loads(run_cli("claims", "-g", graph_file, "-f", "json").out)][:1] == [
        1
    ]


# ---------------------------------------------------------------- the CLI


NORTHLAND_EASTLAND = """\
Northland — supplies arms to — Eastland: differing (1 independent origin, 3 claims)
figure                          period     source       chain                               modality  evidence
------------------------------  ---------  -----------  ----------------------------------  --------  -------------------------------------------------
30% of Eastland's arms imports  2015–2019  Alpha Wire   Omicron Institute, via Alpha Wire   reported  §third paragraph, https://alpha-wire.example/arms
30% of Eastland's arms imports  2015–2019  Gamma Times  Omicron Institute, via Gamma Times  reported  https://gamma-times.example/arms
35% of Eastland's arms imports  2015–2019  Beta Post    Omicron Institute, via Beta Post    reported  §first paragraph, https://beta-post.example/arms
- Reports of Omicron Institute's 2015–2019 figure disagree: 30% (Alpha Wire, Gamma Times) vs 35% (Beta Post).
"""


def test_compare_table(run_cli, graph_file: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(
        "compare", "--about", "Northland", "-p", "suppliesArmsTo", "--since", "2015", "-g", graph_file
    )
    assert (r.code, r.out, r.err) == (0, NORTHLAND_EASTLAND, "")
    whole = run_cli("compare", "-g", graph_file).out
    headings = [line for line in whole.splitlines() if " — " in line]
    assert headings == [
        "Eastland — cooperates with — Westland: single-source (1 independent origin, 1 claim)",
        "Northland — supplies arms to — Eastland: differing (1 independent origin, 3 claims)",
        "Northland — supplies arms to — Southland: corroborated (2 independent origins, 2 claims)",
        "Southland — ally of — Eastland: corroborated (2 independent origins, 2 claims)",
        "Westland — supplies arms to — Eastland: differing (2 independent origins, 2 claims)",
        "Westland — supplies arms to — Southland: differing (1 independent origin, 2 claims)",
    ]
    assert NORTHLAND_EASTLAND + "\n" in whole


def test_compare_json_csv_and_jsonl(run_cli, graph_file: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("compare", "-g", graph_file, "--format", "json")
    groups = json.loads(r.out)
    assert [(g["subject"]["label"], g["status"], g["origins"], g["findings"]) for g in groups] == [
        (s, status, origins, findings) for s, _, _, status, origins, findings, _ in EXPECTED
    ]
    claim = groups[1]["claims"][2]
    assert (claim["key"], claim["compared"], claim["period"], claim["chain"], claim["origin"]) == (
        "n-e-beta",
        "35%",
        "2015–2019",
        "Omicron Institute, via Beta Post",
        "omicron",
    )
    assert claim["qualifiers"]["share"] == 0.35 and claim["modality"] == "reported"
    lines = run_cli("compare", "-g", graph_file, "-f", "jsonl").out.splitlines()
    assert [json.loads(x)["status"] for x in lines] == [g["status"] for g in groups]
    rows = list(csv.DictReader(io.StringIO(run_cli("compare", "-g", graph_file, "-f", "csv").out)))
    assert len(rows) == 12
    assert (rows[1]["group"], rows[1]["status"], rows[1]["independent_origins"], rows[1]["compared"]) == (
        "2",
        "differing",
        "1",
        "30%",
    )
    tsv = run_cli("compare", "-g", graph_file, "-f", "tsv").out.splitlines()
    assert tsv[0].split("\t")[:3] == ["group", "subject", "subject_id"] and len(tsv) == 13


def test_compare_nothing_and_bad_input(run_cli, graph_file: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("compare", "--about", "Eastland", "--since", "2030", "-g", graph_file)
    assert (r.code, r.out, r.err) == (0, "(no results)\n", "kgraph: no claims to compare\n")
    assert (
        run_cli("compare", "--about", "Eastland", "--since", "2030", "-g", graph_file, "-f", "json").out
        == "[]\n"
    )
    r = run_cli("compare", "--about", "Nowhere", "-g", graph_file)
    assert r.code == 1 and r.err.startswith("kgraph: no actor or event named 'Nowhere'")
    r = run_cli("compare", "--since", "2022-13", "-g", graph_file)
    assert (r.code, r.err) == (
        2,
        "kgraph: --since: '2022-13' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD\n",
    )
    assert run_cli("compare", "-g", graph_file, "-f", "xml").code == 2


def test_compare_quotes_with_source_text(run_cli) -> None:  # type: ignore[no-untyped-def]
    from .conftest import TINY_TEXT

    r = run_cli("compare", "-p", "attacked", "-g", TINY_TTL, "--source-text", TINY_TEXT)
    assert r.code == 0
    assert r.out.splitlines()[1].split()[-1] == "quote"
    assert r.out.splitlines()[3].endswith("In March 2021, Betastan's army attacked the Delta Valley.")


# ---------------------------------------------------------------- the bundled graph


def test_bundled_arms_shares_side_by_side(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("compare", "--about", "Israel", "--predicate", "suppliesArmsTo")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0] == "Israel — supplies arms to — Azerbaijan: differing (3 independent origins, 11 claims)"
    rows = [line for line in lines if "arms imports" in line]
    periods = [row.split("  ")[0] + " " + row.split()[5] for row in rows]
    assert periods == [
        "43% of Azerbaijan's arms imports 2014–2018",
        "43% of Azerbaijan's arms imports 2014–2018",
        "60% of Azerbaijan's arms imports 2015–2019",
        "60% of Azerbaijan's arms imports 2015–2019",
        "64% of Azerbaijan's arms imports 2016–2020",
        "69% of Azerbaijan's arms imports 2016–2020",
        "69% of Azerbaijan's arms imports 2016–2020",
        "69% of Azerbaijan's arms imports 2016–2020",
        "61% of Azerbaijan's arms imports 2017–2021",
    ]
    iwpr = next(row for row in rows if "Institute for War and Peace Reporting" in row)
    assert "60%" in iwpr and "2015–2019" in iwpr
    findings = [line for line in lines if line.startswith("- ")]
    assert findings == [
        "- 43% for 2014–2018 is repeated by 2 sources (APA, EADaily), all from one origin: "
        "Stockholm International Peace Research Institute.",
        "- 60% for 2015–2019 is corroborated by 2 independent origins: Institute for War and Peace "
        "Reporting, Stockholm International Peace Research Institute.",
        "- Reports of Stockholm International Peace Research Institute's 2016–2020 figure disagree: "
        "69% (Az24saat, Courrier d'Erevan, Iqtisadchi.az) vs 64% (Public Radio of Armenia).",
        "- Figures for overlapping periods differ: 43% (2014–2018), 60% (2015–2019), 69% or 64% "
        "(2016–2020), 61% (2017–2021). The periods are not the same, so this is not a disagreement "
        "over one figure.",
    ]


def test_bundled_sources_column() -> None:
    found = kgraph.open().claims(about="Israel", predicate="suppliesArmsTo")
    assert sorted((c.figure[:3], c.sources) for c in found if "%" in c.figure) == [
        ("43%", 1),
        ("43%", 1),
        ("60%", 2),
        ("60%", 2),
        ("61%", 1),
        ("64%", 1),
        ("69%", 1),
        ("69%", 1),
        ("69%", 1),
    ]


def test_compare_is_exported() -> None:
    assert kgraph.compare.compare is compare
    assert kgraph.CompareResult.__module__ == "kgraph.views"
