"""Roll-up, curators' marks and imprecise dates on the bundled graph (issue 7's 'done when')."""

from __future__ import annotations

import json

import pytest

import kgraph
from kgraph.errors import ParameterError
from kgraph.namespaces import KGR
from kgraph.present import CURATORS_LEGEND, ontology_labels, relation_label
from kgraph.rollup import scope


@pytest.fixture(scope="module")
def kg() -> kgraph.KGraph:
    return kgraph.open()


def _keys(views: list[kgraph.ClaimView]) -> set[str]:
    return {v.key or "" for v in views}


def test_iran_lists_its_mps_border_doubts_with_how_they_were_reached(kg: kgraph.KGraph) -> None:
    rows = {v.key: v for v in kg.claims(about="Iran")}
    doubts = rows["mps-question-borders"]
    assert [(s.node.label, s.relation) for s in doubts.via] == [
        ("Iranian parliament", "part of"),
        ("Some members of the Iranian parliament", "part of"),
    ]
    assert doubts.row()["via"] == (
        "via Iranian parliament (part of) → Some members of the Iranian parliament (part of)"
    )
    assert rows["huseynyun-affiliated-with-irgc"].via[0].node.id == "irgc"
    assert "mps-question-borders" not in _keys(kg.claims(about="Iran", exact=True))


@pytest.mark.parametrize(
    ("name", "key", "through"),
    [
        ("Azerbaijan", "israel-airlift-2020", "azerbaijani-forces"),
        ("Azerbaijan", "modi-coproduces-drones-with-aeronautics", "azerbaijan-ministry-of-defense-industry"),
        ("Armenia", "ceasefire-1994-date", "ceasefire-1994"),
        ("Israel", "elta-mapping-for-azerbaijan", "elta-systems"),
        ("Israel", "azerbaijan-grants-base-to-mossad", "mossad"),
    ],
)
def test_claims_about_parts_and_events_roll_up(kg: kgraph.KGraph, name: str, key: str, through: str) -> None:
    found = {v.key: v for v in kg.claims(about=name)}
    assert key in found
    assert [s.node.id for s in found[key].via][-1] == through
    assert key not in _keys(kg.claims(about=name, exact=True))


def test_a_curator_inferred_link_is_shown_as_such(kg: kgraph.KGraph) -> None:
    base = next(v for v in kg.claims(about="Israel") if v.key == "azerbaijan-grants-base-to-mossad")
    assert [(s.relation, s.modality) for s in base.via] == [("part of", "curatorInferred")]
    assert "curatorInferred" in base.row()["via"]  # type: ignore[operator]


def test_show_keeps_rolled_up_claims_in_their_own_section(kg: kgraph.KGraph) -> None:
    card = kg.show("Iran")
    own = {c.key for _, c in card.statements() if _ != "through"}
    through = {c.key for c in card.through}
    assert "mps-question-borders" in through and not own & through
    assert kg.show("Iran", exact=True).through == []


def test_attributed_to_rolls_up_over_parts(kg: kgraph.KGraph) -> None:
    assert "mps-question-borders" in _keys(kg.claims(attributed_to="Iran"))
    assert "mps-question-borders" not in _keys(kg.claims(attributed_to="Iran", exact=True))


def test_scope_reaches_each_part_once_and_names_the_link(kg: kgraph.KGraph) -> None:
    (sc,) = scope(kg.backend, [KGR + "iran"], events=False)
    assert set(sc.parts()) == {KGR + "iranian-parliament", KGR + "iranian-mps", KGR + "irgc"}
    assert sc.links[KGR + "iranian-mps"].parent == KGR + "iranian-parliament"


def test_a_claim_about_an_event_carries_its_date(kg: kgraph.KGraph) -> None:
    (claim,) = kg.claims(id="offensive-led-to-surrender")
    assert claim.event is not None and claim.event.id == "azerbaijani-offensive-2023"
    assert claim.event.when_by_curators  # the year 2023 is the curators'
    row = claim.row()
    assert row["event"] == claim.event.label and str(row["event_when"]).endswith("*")


def test_events_mark_the_dates_only_the_curators_give(run_cli) -> None:  # type: ignore[no-untyped-def]
    table = run_cli("events").out
    lines = {line.split("  ")[0].strip(): line for line in table.splitlines()[2:]}
    assert "2023-09-19*" in lines and "1991–1994*" in lines and "1980s" in lines
    assert table.endswith(CURATORS_LEGEND + "\n")
    data = {e["id"]: e for e in json.loads(run_cli("events", "-f", "json").out)}
    assert data["first-nagorno-karabakh-war"]["by_curators"] == ["end"]
    assert data["ceasefire-1994"]["by_curators"] == []


def test_a_decade_stays_a_decade(kg: kgraph.KGraph) -> None:
    (phase,) = [e for e in kg.events() if e.id == "nagorno-karabakh-conflict-1980s"]
    assert (phase.date, phase.when) == ("198X", "1980s")
    # some year of the 1980s, not known which: not "until 1985", but within the decade
    assert "phase-1980s-date" not in _keys(kg.claims(until="1985"))
    assert "phase-1980s-date" in _keys(kg.claims(since="1980", until="1989"))


def test_relation_labels_are_the_ontologys() -> None:
    labels = ontology_labels()
    assert relation_label("kg:grantsBaseTo") == labels["grantsBaseTo"] == "grants a base to"
    assert relation_label("kg:gaveAdvantageIn") == "gave an advantage in"
    assert relation_label("dcterms:date") == "date"


def test_library_errors_name_the_parameter_and_the_cli_the_flag(kg: kgraph.KGraph, run_cli) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterError) as caught:
        kg.path("Israel", "Iran", max_hops=0)
    assert caught.value.parameter == "max_hops" and str(caught.value).startswith("max_hops: ")
    r = run_cli("path", "Israel", "Iran", "--max-hops", "0")
    assert (r.code, r.err) == (2, "kgraph: --max-hops must be at least 1, not 0\n")


def test_source_record_says_what_the_text_does_not_give(run_cli) -> None:  # type: ignore[no-untyped-def]
    (src,) = [s for s in json.loads(run_cli("sources", "-f", "json").out) if s["sha256"]]
    assert src["title_by_curators"] is True
    assert src["not_stated"] == ["author", "published", "publisher", "retrieved", "url"]
    table = run_cli("sources").out
    assert "not stated" in table and table.endswith(CURATORS_LEGEND + "\n")
