"""Look-ups that return a lot say so and page (issue 12): ``show --limit/--all``, ``claims
--limit/--offset`` written as read, ``neighbors --budget``.

The graph is the tiny fixture with a hub added: Hubland supplies arms to 240 clients (one claim
each, dated 2001…) and attacked 12 targets; Clients 001–003 are its allies; the Hub Ministry is
part of it and attacked 5 places of its own (what rolls up to Hubland).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import kgraph
from kgraph import lookup
from kgraph.api import KGraph
from kgraph.errors import ParameterError
from tests.conftest import TINY_TTL

CLIENTS = 240
TARGETS = 12
ALLIES = 3
MINISTRY_TARGETS = 5
OWN = CLIENTS + TARGETS + ALLIES + 1  # and the ministry's partOf claim, with Hubland as its object
CARD = OWN + MINISTRY_TARGETS


def _actor(slug: str, label: str) -> str:
    return f'kgr:{slug} a kg:Actor , kg:State ;\n\tskos:prefLabel "{label}"@en .\n'


def _claim(n: int, s: str, p: str, o: str, date: str | None = None) -> str:
    dated = f'\tdcterms:date "{date}"^^xsd:gYear ;\n' if date else ""
    return (
        f"kgr:claim-hub{n:04d} a rdf:Statement , kg:Claim ;\n{dated}"
        f'\tdcterms:description "Claim {n}."@en ;\n\tdcterms:identifier "hub-{n}" ;\n'
        "\tkg:modality kg:asserted ;\n\tprov:wasDerivedFrom kgr:source-tiny ;\n"
        f"\trdf:object kgr:{o} ;\n\trdf:predicate kg:{p} ;\n\trdf:subject kgr:{s} .\n"
    )


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parts = [
        TINY_TTL.read_text(encoding="utf-8"),
        _actor("hubland", "Hubland"),
        _actor("ministry", "Hub Ministry"),
    ]
    n = 0
    for i in range(1, CLIENTS + 1):
        n += 1
        parts += [
            _actor(f"client-{i:03d}", f"Client {i:03d}"),
            _claim(n, "hubland", "suppliesArmsTo", f"client-{i:03d}", str(2000 + i)),
        ]
    for i in range(1, TARGETS + 1):
        n += 1
        parts += [
            _actor(f"target-{i:02d}", f"Target {i:02d}"),
            _claim(n, "hubland", "attacked", f"target-{i:02d}"),
        ]
    for i in range(1, ALLIES + 1):
        n += 1
        parts.append(_claim(n, f"client-{i:03d}", "allyOf", "hubland"))
    n += 1
    parts.append(_claim(n, "ministry", "partOf", "hubland"))
    for i in range(1, MINISTRY_TARGETS + 1):
        n += 1
        parts += [_actor(f"place-{i}", f"Place {i}"), _claim(n, "ministry", "attacked", f"place-{i}")]
    path = tmp_path_factory.mktemp("hub") / "hub.ttl"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def kg(hub: Path) -> KGraph:
    return kgraph.open(hub)


# ---------------------------------------------------------------- show


def test_a_big_card_shows_counts_and_the_first_claims_of_each_relation(run_cli, hub: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", "Hubland", "--graph", hub)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    start = lines.index("  supplies arms to → (240)")
    assert lines[start + 1 : start + 3] == [
        "    Client 001 · 2001 · asserted",
        "    Client 002 · 2002 · asserted",
    ]
    assert lines[start + 10] == "    Client 010 · 2010 · asserted"
    assert lines[start + 11] == "    … 230 more not shown"
    assert "Relations: Hubland → … (252)" in lines
    assert "  attacked → (12)" in lines
    assert "  ← ally of (3)" in lines
    assert "Through its parts, members and events (--exact leaves them out) (5)" in lines
    shown = 10 + 10 + ALLIES + 1 + MINISTRY_TARGETS
    assert lines[-1] == (
        f"Showing {shown} of {CARD} claims: the first 10 of each relation and section; "
        "--limit N shows more of each, --all every one."
    )


def test_show_limit_and_all(run_cli, hub: Path) -> None:  # type: ignore[no-untyped-def]
    two = run_cli("show", "Hubland", "--graph", hub, "--limit", "2").out.splitlines()
    at = two.index("  supplies arms to → (240)")
    assert two[at + 3] == "    … 238 more not shown"
    assert two[-1].startswith(f"Showing {2 + 2 + 2 + 1 + 2} of {CARD} claims: the first 2 of each")
    whole = run_cli("show", "Hubland", "--graph", hub, "--all").out.splitlines()
    assert "  supplies arms to →" in whole  # no counts on a whole card
    assert sum(1 for line in whole if line.startswith("    Client ")) == CLIENTS + ALLIES
    assert not any("more not shown" in line or line.startswith("Showing") for line in whole)


def test_show_json_counts_what_it_leaves_out(run_cli, hub: Path) -> None:  # type: ignore[no-untyped-def]
    card = json.loads(run_cli("show", "Hubland", "--graph", hub, "-f", "json", "--limit", "4").out)
    assert (card["total"], card["truncated"], card["limit"], card["through_total"]) == (CARD, True, 4, 5)
    arms = next(g for g in card["outgoing"] if g["predicate"]["id"] == "kg:suppliesArmsTo")
    assert arms["total"] == CLIENTS
    assert [c["object"]["label"] for c in arms["claims"]] == [
        "Client 001",
        "Client 002",
        "Client 003",
        "Client 004",
    ]
    assert len(card["through"]) == 4
    r = run_cli("show", "Hubland", "--graph", hub, "-f", "csv", "--limit", "1")
    assert len(list(csv.DictReader(io.StringIO(r.out)))) == 5  # one per group and section
    assert r.err.startswith(f"kgraph: Showing 5 of {CARD} claims")


def test_a_small_card_is_whole_and_says_nothing(kg: KGraph) -> None:
    card = kg.show("Alphaland")
    assert (card.truncated, card.limit) == (False, None)
    assert card.total == len(card.statements())


def test_show_refuses_bad_limits(run_cli, hub: Path, kg: KGraph) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", "Hubland", "--graph", hub, "--limit", "0")
    assert (r.code, r.out, r.err) == (2, "", "kgraph: --limit must be at least 1, not 0\n")
    r = run_cli("show", "Hubland", "--graph", hub, "--limit", "3", "--all")
    assert (r.code, r.err) == (2, "kgraph: give --limit or --all, not both\n")
    with pytest.raises(ParameterError, match=r"^limit: must be a whole number"):
        kg.show("Hubland", limit="10")  # type: ignore[arg-type]


def test_the_help_says_the_defaults_the_library_uses(run_cli) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(run_cli("show", "--help").out.split())
    assert f"up to {lookup.SHOW_WHOLE} claims, else {lookup.SHOW_LIMIT}" in text


# ---------------------------------------------------------------- claims


def _ids(text: str) -> list[str]:
    return [row["id"] for row in csv.DictReader(io.StringIO(text))]


def test_claims_offset_and_limit_take_a_slice_of_the_same_order(run_cli, hub: Path) -> None:  # type: ignore[no-untyped-def]
    every = run_cli("claims", "--about", "Hubland", "--exact", "--graph", hub, "-f", "csv")
    assert every.err == ""
    ids = _ids(every.out)
    assert len(ids) == OWN
    part = run_cli(
        "claims",
        "--about",
        "Hubland",
        "--exact",
        "--graph",
        hub,
        "-f",
        "csv",
        "--offset",
        "3",
        "--limit",
        "5",
    )
    assert _ids(part.out) == ids[3:8]
    assert part.err == f"kgraph: showing claims 4–8 of {OWN}; --limit N and --offset N page through them\n"
    past = run_cli("claims", "--about", "Hubland", "--exact", "--graph", hub, "-f", "csv", "--offset", "999")
    assert (past.code, _ids(past.out)) == (0, [])


def test_claims_pages_read_in_pieces_give_the_same_rows(
    run_cli, hub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    args = ("claims", "--about", "Hubland", "--graph", hub)
    whole = {f: run_cli(*args, "-f", f).out for f in ("csv", "json", "jsonl")}
    monkeypatch.setattr(lookup, "CLAIMS_PAGE", 7)
    for f, text in whole.items():
        assert run_cli(*args, "-f", f).out == text
    rows = json.loads(whole["json"])
    assert len(rows) == CARD and {r["sources"] for r in rows} == {1}


def test_a_claims_table_shows_one_page(run_cli, hub: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from kgraph.cli import lookup as cli_lookup

    monkeypatch.setattr(cli_lookup, "TABLE_CLAIMS", 100)
    r = run_cli("claims", "--about", "Hubland", "--graph", hub, "--wide")
    assert r.code == 0
    assert len(r.out.splitlines()) == 2 + 100
    assert r.err == (
        f"kgraph: showing claims 1–100 of {CARD}; --limit N and --offset N page through them, "
        "-f csv or -f jsonl gives all of them\n"
    )


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--limit", "0", "--limit must be at least 1, not 0"),
        ("--offset", "-1", "--offset must be at least 0, not -1"),
    ],
)
def test_claims_refuses_bad_paging(run_cli, hub: Path, flag: str, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claims", "--about", "Hubland", "--graph", hub, flag, value)
    assert (r.code, r.out, r.err) == (2, "", f"kgraph: {message}\n")


def test_claim_pages_in_python(kg: KGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookup, "CLAIMS_PAGE", 50)
    pages = kg.claim_pages(about="Hubland", exact=True, offset=10, limit=120)
    assert pages.total == OWN
    sizes = [len(p) for p in pages]
    assert sizes == [50, 50, 20]
    assert [c.id for c in kg.claims(about="Hubland", exact=True)][10:130] == [
        c.id for c in kg.claims(about="Hubland", exact=True, offset=10, limit=120)
    ]
    with pytest.raises(ParameterError, match=r"^limit: must be at least 1"):
        kg.claims(limit=0)


# ---------------------------------------------------------------- neighbors


def test_neighbors_stop_at_the_budget_and_say_what_they_cut(run_cli, hub: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("neighbors", "Hubland", "--graph", hub, "--budget", "20", "-f", "json")
    assert r.code == 0
    # The walk starts from Hubland and its ministry; of the 257 actors one hop out, the 18 the
    # most claims join are kept: the three allies (two claims each), then by IRI.
    cut = CLIENTS + TARGETS + MINISTRY_TARGETS - 18
    assert r.err == (
        f"kgraph: kept 20 actors and events (--budget) and left out {cut} more it reached, "
        "and what lies beyond them; raise --budget to see them\n"
    )
    result = json.loads(r.out)
    assert (result["budget"], result["cut"], result["truncated"]) == (20, cut, True)
    names = [n["entity"]["label"] for n in result["neighbors"]]
    assert len(names) == 19 and names[:1] == ["Hub Ministry"]
    assert {"Client 001", "Client 002", "Client 003"} <= set(names)
    whole = run_cli("neighbors", "Hubland", "--graph", hub, "--budget", "1000", "-f", "json")
    assert (
        whole.err == ""
        and len(json.loads(whole.out)["neighbors"]) == 1 + CLIENTS + TARGETS + MINISTRY_TARGETS
    )


def test_neighbors_refuse_a_bad_budget(run_cli, hub: Path, kg: KGraph) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("neighbors", "Hubland", "--graph", hub, "--budget", "0")
    assert (r.code, r.out, r.err) == (2, "", "kgraph: --budget must be at least 1, not 0\n")
    assert len(kg.neighbors("Hubland", budget=None).neighbors) == 1 + CLIENTS + TARGETS + MINISTRY_TARGETS
