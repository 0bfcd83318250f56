"""`kgraph add`: claims files into a graph of the user's (docs/authoring.md).

Every test starts from a graph of its own in tmp_path, most from the tiny fixture added to an
empty graph (274 triples). A bad file must leave that graph byte for byte as it was.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode, RdfFormat, Store, Triple

from kgraph.add import add
from kgraph.claimsfile import ClaimsFileError
from kgraph.mapping import Corpus, claim_iri, from_triples
from kgraph.models import Claim, Dataset, Entity, LiteralValue, Qualifiers, Source
from kgraph.namespaces import DCT, KG, KGR, RDF

from .conftest import BUNDLED_TTL, ROOT, TINY_TEXT, TINY_YAML
from .test_mapping import dates, decimals, normalized, shares, slugs, spans, words

ADD = Path(__file__).parent / "fixtures" / "add"
TEXT = TINY_TEXT.read_text(encoding="utf-8")
TINY_TRIPLES = 274


# ---------------------------------------------------------------- helpers


def triples_of(path: Path) -> set[Triple]:
    store = Store()
    fmt = RdfFormat.N_TRIPLES if path.suffix == ".nt" else RdfFormat.TURTLE
    store.load(path=str(path), format=fmt)
    return {q.triple for q in store}


def corpus_of(path: Path) -> Corpus:
    return from_triples(triples_of(path))


def claims_by_key(path: Path) -> dict[str, Claim]:
    return {c.key: c for c in corpus_of(path).claims if c.key}


@pytest.fixture(scope="session")
def tiny_graph_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("tiny") / "g.ttl"
    result = add([TINY_YAML], graph=path)
    assert result.triples_added == TINY_TRIPLES and result.written
    return path.read_bytes()


@pytest.fixture
def graph(tmp_path: Path, tiny_graph_bytes: bytes) -> Path:
    """A graph file holding the tiny fixture, as `kgraph add tiny.yaml` writes it."""
    path = tmp_path / "g.ttl"
    path.write_bytes(tiny_graph_bytes)
    return path


@pytest.fixture
def wd_graph(graph: Path) -> Path:
    """The tiny graph with a (made-up) Wikidata id on Alphaland: Q1000001."""
    add([ADD / "wikidata.yaml"], graph=graph, source_texts=[TINY_TEXT])
    return graph


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# A file of one claim about the tiny graph's actors, cited from the tiny text under another
# source id; each bad case below changes one thing of it.
GOOD = """\
source:
  id: other
  title: Another invented story
  file_name: tiny-source.txt
actors:
  - id: zed
    type: State
    label: Zedland
claims:
  - key: z1
    subject: zed
    predicate: allyOf
    object: alphaland
    text: Zedland is an ally of Alphaland.
    modality: asserted
    qualifiers: {item: drones}
    evidence: [{quote: "The author judges"}]
"""
#       line:  1 source, 4 file_name, 10 key, 11 subject, 12 predicate, 13 object,
#             16 qualifiers, 17 evidence


def test_good_file_adds_and_a_second_run_adds_nothing(run_cli, graph: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = write(tmp_path / "good.yaml", GOOD)
    r = run_cli("add", f, "--graph", graph, "--source-text", TINY_TEXT)
    assert r.code == 0, r.err
    assert r.err.splitlines() == [
        f"{f}: 1 claim added, 1 new actor(s) or event(s), 1 new source",
        f"{graph}: added 31 triples to {TINY_TRIPLES}",
    ]
    assert "z1" in r.out and "Zedland is an ally of Alphaland." in r.out
    after = graph.read_bytes()
    r = run_cli("add", f, "--graph", graph, "--source-text", TINY_TEXT)
    assert r.code == 0
    assert r.err.splitlines() == [
        f"{f}: 0 claims added, 1 already there",
        f"{graph}: nothing to add; left as it was",
    ]
    assert r.out == ""
    assert graph.read_bytes() == after


def test_tiny_twice_into_a_new_graph(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    g = tmp_path / "new.ttl"
    r = run_cli("add", TINY_YAML, "--graph", g)
    assert r.code == 0
    assert r.err.splitlines()[-1] == f"{g}: added {TINY_TRIPLES} triples to 0"
    assert len(triples_of(g)) == TINY_TRIPLES
    before = g.read_bytes()
    r = run_cli("add", TINY_YAML, "--graph", g)
    assert (r.code, r.err.splitlines()[-1]) == (0, f"{g}: nothing to add; left as it was")
    assert g.read_bytes() == before


def test_json_format_reports_the_result(run_cli, graph: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = write(tmp_path / "good.yaml", GOOD)
    r = run_cli("add", f, "--graph", graph, "--source-text", TINY_TEXT, "-f", "json")
    assert r.code == 0
    data = json.loads(r.out)
    assert data["changed"] is True and data["written"] is True and data["dry_run"] is False
    assert data["triples_before"] == TINY_TRIPLES and data["triples_added"] == 31
    assert [c["key"] for c in data["files"][0]["claims"]] == ["z1"]
    assert data["files"][0]["claims"][0]["status"] == "added"


# ---------------------------------------------------------------- round trip


def test_tiny_round_trips_through_the_written_graph(graph: Path) -> None:
    from kgraph.claimsfile import read_claims_file

    ds = read_claims_file(TINY_YAML).dataset
    back = claims_by_key(graph)
    assert set(back) == {c.key for c in ds.claims}
    for c in ds.claims:
        b = back[c.key]  # type: ignore[index]
        assert (b.subject, b.predicate, b.object, b.modality) == (
            c.subject,
            c.predicate,
            c.object,
            c.modality,
        )
        assert b.qualifiers == c.qualifiers
        assert b.attributed_to == c.attributed_to
        assert [(e.start, e.end) for e in b.evidence] == [(e.start, e.end) for e in c.evidence]
        assert b.source == "tiny"
        assert b.id == claim_iri(c, "tiny").value
    assert {a.id for a in corpus_of(graph).actors} == {a.id for a in ds.actors}


def test_an_attribution_chain_keeps_its_order(graph: Path, tmp_path: Path) -> None:
    text = GOOD.replace(
        "    modality: asserted\n",
        "    modality: reported\n    attributed_to: [omega-corp, gamma-institute, zed]\n",
    )
    reverse = (
        text.replace("[omega-corp, gamma-institute, zed]", "[zed, gamma-institute, omega-corp]")
        .replace("key: z1", "key: z2")
        .replace("The author judges", "the partnership matters")
    )
    add([write(tmp_path / "a.yaml", text)], graph=graph, source_texts=[TINY_TEXT])
    add([write(tmp_path / "b.yaml", reverse)], graph=graph, source_texts=[TINY_TEXT])
    back = claims_by_key(graph)
    assert back["z1"].attributed_to == ["omega-corp", "gamma-institute", "zed"]
    assert back["z2"].attributed_to == ["zed", "gamma-institute", "omega-corp"]
    assert back["z1"].id != back["z2"].id


SHA = "0" * 64
# Any spelling: kgraph writes the canonical one (test_a_duration_is_written_canonically_...).
qualifiers = st.builds(
    Qualifiers,
    point_in_time=st.none() | dates,
    start=st.none() | dates,
    end=st.none() | dates,
    duration=st.none() | st.sampled_from(["P3D", "PT1H30M", "PT24H", "PT90M"]),
    value=st.none() | decimals,
    min_value=st.none() | decimals,
    max_value=st.none() | decimals,
    unit=st.none() | words,
    share=st.none() | shares,
    share_of=st.none() | words,
    approximate=st.none() | st.booleans(),
    item=st.none() | words,
)


@st.composite
def claims_files(draw: st.DrawFn) -> Dataset:
    """Small valid claims files: their own actors, one held source (not passed), offsets."""
    ids = draw(st.lists(slugs, min_size=2, max_size=4, unique=True))
    actors = [
        Entity(
            id=i,
            type=draw(st.sampled_from(["State", "Company", "ArmedGroup", "Territory"])),
            label=draw(words),
            aliases=sorted(set(draw(st.lists(words, max_size=2)))),
            description=draw(st.none() | words),
            wikidata=draw(st.none() | st.just(f"Q{n + 1}")),
            mentions=[draw(spans)],
        )
        for n, i in enumerate(ids)
    ]
    claims: dict[str, Claim] = {}
    for _ in range(draw(st.integers(1, 4))):
        literal = draw(st.booleans())
        modality = draw(st.sampled_from(["asserted", "reported", "alleged", "analysis", "curatorInferred"]))
        claim = Claim(
            subject=draw(st.sampled_from(ids)),
            predicate="characteristic" if literal else draw(st.sampled_from(["suppliesArmsTo", "allyOf"])),
            object=LiteralValue(value=draw(words), language="en") if literal else draw(st.sampled_from(ids)),
            text=draw(words),
            modality=modality,
            attributed_to=draw(
                st.lists(
                    st.sampled_from(ids), min_size=1 if modality == "reported" else 0, max_size=3, unique=True
                )
            ),
            qualifiers=draw(qualifiers),
            evidence=sorted(
                draw(st.lists(spans, min_size=1, max_size=2, unique_by=lambda e: (e.start, e.end))),
                key=lambda e: e.sort_key(),
            ),
            note=draw(words) if modality == "curatorInferred" else draw(st.none() | words),
        )
        claims.setdefault(claim_iri(claim, "any").value, claim)
    out = list(claims.values())
    for n, c in enumerate(out):
        c.key = f"c{n}"
        c.supports = (
            sorted(set(draw(st.lists(st.sampled_from([f"c{j}" for j in range(n)]), max_size=2)))) if n else []
        )
    source = Source(id=draw(slugs), title=draw(words), sha256=SHA, length=2000)
    return Dataset(source=source, actors=actors, claims=out)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ds=claims_files(), as_json=st.booleans())
def test_generated_claims_files_round_trip(tmp_path: Path, ds: Dataset, as_json: bool) -> None:
    data = ds.model_dump(mode="json", exclude_none=True)
    n = len(list(tmp_path.iterdir()))
    if as_json:
        f = write(tmp_path / f"c{n}.json", json.dumps(data, ensure_ascii=False, indent=1))
    else:
        f = write(
            tmp_path / f"c{n}.yaml", yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)
        )
    g = tmp_path / f"g{n}.ttl"
    result = add([f], graph=g)
    assert result.written and [c.status for c in result.files[0].claims] == ["added"] * len(ds.claims)
    back = corpus_of(g)
    actors, claims = normalized(ds)
    assert [c.model_dump() for c in back.claims] == claims
    assert [a.model_dump() for a in back.actors] == actors
    assert back.sources == [ds.source]
    again = add([f], graph=g)
    assert not again.changed and not again.written


@pytest.mark.parametrize("qualifiers", ["{value: 5}", "{share: 1, min_value: 0.50}", "{duration: PT24H}"])
def test_a_file_with_figures_added_twice_adds_nothing_the_second_time(
    graph: Path, tmp_path: Path, qualifiers: str
) -> None:
    # Oxigraph reads 5.0 back as 5 and PT24H as P1D: the second run must still see the same claim.
    f = write(tmp_path / "figures.yaml", GOOD.replace("{item: drones}", qualifiers))
    assert add([f], graph=graph, source_texts=[TINY_TEXT]).written
    before = graph.read_bytes()
    again = add([f], graph=graph, source_texts=[TINY_TEXT])
    assert not again.changed and [c.status for c in again.files[0].claims] == ["unchanged"]
    assert graph.read_bytes() == before


def test_a_duration_is_written_canonically_and_read_back_alike(graph: Path, tmp_path: Path) -> None:
    # PT24H is written as P1D, the form every store gives back (kgraph.lexical).
    f = write(tmp_path / "d.yaml", GOOD.replace("{item: drones}", "{duration: PT24H}"))
    add([f], graph=graph, source_texts=[TINY_TEXT])
    assert '"P1D"^^xsd:duration' in graph.read_text(encoding="utf-8")
    back = claims_by_key(graph)["z1"]
    assert back.qualifiers.duration == "P1D"
    assert back.id == claim_iri(back, "other").value


# ---------------------------------------------------------------- bad files

ANCHOR = GOOD.replace("qualifiers: {item: drones}", "qualifiers: &q {item: drones}")
ALIAS = (
    ANCHOR
    + "  - key: z2\n    subject: zed\n    predicate: allyOf\n    object: betastan\n"
    + (
        "    text: Zedland is an ally of Betastan.\n    modality: asserted\n    qualifiers: *q\n"
        '    evidence: [{quote: "The author judges"}]\n'
    )
)
BAD_SHA = GOOD.replace("  file_name:", f"  sha256: {'a' * 64}\n  length: 404\n  file_name:").replace(
    '{quote: "The author judges"}', "{start: 284, end: 301}"
)
REAL_SHA = "ea86b119152b5dd6f271a84d33c16abf8b407934390c8177b74b2a1c314945ce"
TINY_SOURCE = TINY_YAML.read_text(encoding="utf-8").split("actors:")[0]
SPO_CONFLICT = TINY_SOURCE + (
    "claims:\n"
    "  - subject: alphaland\n"
    "    predicate: suppliesArmsTo\n"
    "    object: betastan\n"
    "    text: Alphaland supplied half of Betastan's arms.\n"
    "    modality: reported\n"
    "    attributed_to: [gamma-institute]\n"
    "    qualifiers: {start: '2015', end: '2019', share: 0.5,\n"
    '                 share_of: "Betastan\'s arms imports", item: drones}\n'
    "    evidence: [{start: 0, end: 153}]\n"
)
# (name, file name, text, line, "field: message" or a regex of it)
BAD_CASES: list[tuple[str, str, str, int, str]] = [
    (
        "malformed-yaml",
        "bad.yaml",
        GOOD.replace("object: alphaland", "object: [alphaland"),
        14,
        "malformed YAML: expected ',' or ']', but got ':' (column 9)",
    ),
    (
        "malformed-json",
        "bad.json",
        '{"source": {"id": "x",\n  "title": }\n}\n',
        2,
        "malformed JSON: Expecting value (column 12)",
    ),
    (
        "unknown-field",
        "bad.yaml",
        GOOD.replace("    qualifiers:", "    colour: red\n    qualifiers:"),
        16,
        "claims.0.colour: unknown field",
    ),
    (
        "wrong-type",
        "bad.yaml",
        GOOD.replace("qualifiers: {item: drones}", "attributed_to: 5"),
        16,
        "claims.0.attributed_to: Input should be a valid list (given 5)",
    ),
    (
        "unknown-actor",
        "bad.yaml",
        GOOD.replace("object: alphaland", "object: Alphalnd"),
        13,
        "claims.0.object: no actor or event in the file or the graph named 'Alphalnd'; "
        "did you mean 'Alphaland', 'Alpha'?",
    ),
    (
        "unknown-relation",
        "bad.yaml",
        GOOD.replace("predicate: allyOf", "predicate: supliesArmsTo"),
        12,
        "claims.0.predicate: 'supliesArmsTo' is not a relation of the kgraph vocabulary (docs/relations.md) "
        "(did you mean 'suppliesArmsTo'?)",
    ),
    (
        "share-above-one",
        "bad.yaml",
        GOOD.replace("{item: drones}", "{share: 1.5}"),
        16,
        "claims.0.qualifiers.share: Input should be less than or equal to 1 (given 1.5)",
    ),
    (
        "quote-absent",
        "bad.yaml",
        GOOD.replace("The author judges", "Zedland rules"),
        17,
        "claims.0.evidence.0.quote: 'Zedland rules' is not in the text of 'other'",
    ),
    (
        "quote-ambiguous",
        "bad.yaml",
        GOOD.replace("The author judges", "Alphaland's"),
        17,
        "claims.0.evidence.0.quote: \"Alphaland's\" occurs 2 times in the text of 'other' (lines 1, 3): "
        "quote more of it",
    ),
    (
        "offsets-out-of-range",
        "bad.yaml",
        GOOD.replace('{quote: "The author judges"}', "{start: 400, end: 405}"),
        17,
        "claims.0.evidence.0.end: 405 is past the end of the text of 'other' (404 code points)",
    ),
    (
        "sha256-mismatch",
        "bad.yaml",
        BAD_SHA,
        4,
        f"source.sha256: {TINY_TEXT} has SHA-256 {REAL_SHA}, not the {'a' * 64} the file gives: "
        "another version of the text",
    ),
    (
        "conflict-same-key",
        "bad.yaml",
        TINY_YAML.read_text(encoding="utf-8").replace("share: 0.6", "share: 0.7"),
        47,
        r"claims\.0: conflicts with kgr:claim-[0-9a-f]{16} \(key 'arms-share'\) of the same source, "
        r"already in the graph: it differs in qualifiers; remove that claim first or make this one the same",
    ),
    (
        "conflict-same-statement",
        "bad.yaml",
        SPO_CONFLICT,
        11,
        r"claims\.0: conflicts with kgr:claim-[0-9a-f]{16} \(key 'arms-share'\) of the same source, "
        r"already in the graph: it differs in qualifiers, text; "
        r"remove that claim first or make this one the same",
    ),
    (
        "no-such-day",
        "bad.yaml",
        GOOD.replace("{item: drones}", "{point_in_time: 2023-02-30}"),
        16,
        "claims.0.qualifiers.point_in_time: '2023-02-30' is not a date: that day does not exist",
    ),
    ("yaml-anchor", "bad.yaml", ANCHOR, 16, "YAML anchor &q is not allowed: write each item out"),
]


@pytest.mark.parametrize(
    ("name", "file_name", "text", "line", "message"), BAD_CASES, ids=[c[0] for c in BAD_CASES]
)
def test_each_bad_file_gives_its_one_line_error_and_leaves_the_graph(  # type: ignore[no-untyped-def]
    run_cli, graph: Path, tmp_path: Path, name: str, file_name: str, text: str, line: int, message: str
) -> None:
    f = write(tmp_path / file_name, text)
    before = graph.read_bytes()
    r = run_cli("add", f, "--graph", graph, "--source-text", TINY_TEXT)
    assert r.code == 2
    assert r.out == ""
    lines = r.err.splitlines()
    assert len(lines) == 1, r.err
    if name.startswith("conflict"):
        import re

        prefix = f"kgraph: {f}:{line}: "
        assert lines[0].startswith(prefix), lines[0]
        assert re.fullmatch(message, lines[0][len(prefix) :]), lines[0]
    else:
        assert lines[0] == f"kgraph: {f}:{line}: {message}"
    assert graph.read_bytes() == before


def test_a_yaml_alias_is_refused_too(run_cli, graph: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = write(tmp_path / "alias.yaml", ALIAS)
    before = graph.read_bytes()
    r = run_cli("add", f, "--graph", graph, "--source-text", TINY_TEXT)
    assert r.code == 2
    assert r.err.splitlines() == [
        f"kgraph: {f}:16: YAML anchor &q is not allowed: write each item out",
        f"kgraph: {f}:24: YAML alias *q is not allowed: write the item out",
    ]
    assert graph.read_bytes() == before


def test_several_problems_in_one_file_are_all_reported(run_cli, graph: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (
        GOOD.replace("object: alphaland", "object: Alphalnd")
        .replace("predicate: allyOf", "predicate: supliesArmsTo")
        .replace("The author judges", "Zedland rules")
    )
    f = write(tmp_path / "many.yaml", text)
    before = graph.read_bytes()
    r = run_cli("add", f, "--graph", graph, "--source-text", TINY_TEXT)
    assert r.code == 2
    lines = r.err.splitlines()
    assert len(lines) == 3, r.err
    assert lines[0].startswith(f"kgraph: {f}:12: claims.0.predicate: 'supliesArmsTo' is not a relation")
    assert lines[1].startswith(f"kgraph: {f}:13: claims.0.object: no actor or event in the file or the graph")
    assert (
        lines[2]
        == f"kgraph: {f}:17: claims.0.evidence.0.quote: 'Zedland rules' is not in the text of 'other'"
    )
    assert graph.read_bytes() == before


def test_two_files_one_bad_writes_nothing(run_cli, graph: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = write(tmp_path / "good.yaml", GOOD)
    bad = write(
        tmp_path / "bad.yaml",
        GOOD.replace("source:\n  id: other", "source:\n  id: third")
        .replace("zed", "zod")
        .replace("Zedland", "Zodland")
        .replace("{item: drones}", "{share: 2}"),
    )
    before = graph.read_bytes()
    r = run_cli("add", good, bad, "--graph", graph, "--source-text", TINY_TEXT)
    assert r.code == 2
    assert r.err.splitlines() == [
        f"kgraph: {bad}:16: claims.0.qualifiers.share: Input should be less than or equal to 1 (given 2)"
    ]
    assert graph.read_bytes() == before
    fresh = tmp_path / "fresh.ttl"
    r = run_cli("add", good, bad, "--graph", fresh, "--source-text", TINY_TEXT)
    assert r.code == 2 and not fresh.exists()
    # Each is fine on its own: the good one alone lands.
    r = run_cli("add", good, "--graph", graph, "--source-text", TINY_TEXT)
    assert r.code == 0 and graph.read_bytes() != before


def test_problems_of_two_files_come_in_file_order(graph: Path, tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", GOOD.replace("The author judges", "Zedland rules"))
    b = write(tmp_path / "b.yaml", GOOD.replace("predicate: allyOf", "predicate: allyof"))
    with pytest.raises(ClaimsFileError) as e:
        add([b, a], graph=graph, source_texts=[TINY_TEXT])
    assert [(p.path, p.line) for p in e.value.problems] == [(str(b), 12), (str(a), 17)]


# ---------------------------------------------------------------- quotes, source texts


def test_a_quote_is_stored_as_offsets_only(graph: Path) -> None:
    quotes = {
        "by-label": "which put Alphaland's share",
        "by-alias": "spy agency",
        "by-curie": "The author judges",
        "by-wikidata": "Alphaland sold drones",
    }
    add([ADD / "wikidata.yaml"], graph=graph, source_texts=[TINY_TEXT])
    add([ADD / "refs.yaml"], graph=graph, source_texts=[TINY_TEXT])
    written = graph.read_text(encoding="utf-8")
    back = claims_by_key(graph)
    for key, quote in quotes.items():
        assert quote not in written
        (ev,) = back[key].evidence
        start = TEXT.index(quote)
        assert (ev.source, ev.start, ev.end) == ("refs", start, start + len(quote))
        assert TEXT[ev.start : ev.end] == quote  # type: ignore[index]


def test_a_source_named_by_file_name_gets_its_sha256_from_the_text(graph: Path, tmp_path: Path) -> None:
    add([write(tmp_path / "good.yaml", GOOD)], graph=graph, source_texts=[TINY_TEXT])
    (other,) = [s for s in corpus_of(graph).sources if s.id == "other"]
    assert other.sha256 == REAL_SHA and other.length == len(TEXT) == 404
    assert other.file_name == "tiny-source.txt"


def test_a_quote_without_the_text_is_refused(run_cli, graph: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = write(tmp_path / "good.yaml", GOOD)
    before = graph.read_bytes()
    r = run_cli("add", f, "--graph", graph)
    assert r.code == 2
    assert r.err == (
        f"kgraph: {f}:17: claims.0.evidence.0.quote: a quote needs the text of source 'other': "
        "pass it with --source-text\n"
    )
    assert graph.read_bytes() == before


def test_more_claims_with_offsets_into_a_source_already_in_the_graph(graph: Path, tmp_path: Path) -> None:
    # The source's SHA-256 and length are in the graph, not among the new triples: the shapes'
    # check must still see that its text is held.
    text = TINY_SOURCE + (
        "claims:\n"
        "  - key: new-one\n"
        "    subject: alphaland\n"
        "    predicate: rivalOf\n"
        "    object: omega-corp\n"
        "    text: Alphaland is a rival of Omega Corp.\n"
        "    modality: analysis\n"
        "    evidence: [{start: 284, end: 301}]\n"
        "  - key: new-two\n"
        "    subject: alphaland\n"
        "    predicate: rivalOf\n"
        "    object: gamma-institute\n"
        "    text: Alphaland is a rival of the Gamma Institute.\n"
        "    modality: analysis\n"
        '    evidence: [{quote: "The author judges"}]\n'
    )
    result = add([write(tmp_path / "more.yaml", text)], graph=graph, source_texts=[TINY_TEXT])
    assert [c.status for c in result.files[0].claims] == ["added", "added"]
    assert result.files[0].sources_added == []
    back = claims_by_key(graph)
    assert [(e.source, e.start, e.end) for e in back["new-one"].evidence] == [("tiny", 284, 301)]
    assert [(e.source, e.start, e.end) for e in back["new-two"].evidence] == [("tiny", 284, 301)]


# ---------------------------------------------------------------- names and merges


def test_actors_are_named_by_label_alias_curie_and_wikidata_id(wd_graph: Path) -> None:
    result = add([ADD / "refs.yaml"], graph=wd_graph, source_texts=[TINY_TEXT])
    assert [c.status for c in result.files[0].claims] == ["added"] * 4
    assert result.files[0].actors_added == []
    back = claims_by_key(wd_graph)
    assert (back["by-label"].subject, back["by-label"].object) == ("betastan", "gamma-institute")
    assert (back["by-alias"].subject, back["by-alias"].object) == ("alpha-intel", "delta-valley")
    assert (back["by-curie"].subject, back["by-curie"].object) == ("alphaland", "omega-corp")
    assert (back["by-wikidata"].subject, back["by-wikidata"].object) == ("alphaland", "betastan")
    assert back["by-wikidata"].attributed_to == ["alphaland", "gamma-institute"]
    # No actor was made for any of those names.
    assert {a.id for a in corpus_of(wd_graph).actors} == {
        "alphaland",
        "betastan",
        "gamma-institute",
        "delta-valley",
        "alpha-intel",
        "omega-corp",
    }


def test_same_slug_is_one_actor_and_another_label_becomes_an_alias(graph: Path, tmp_path: Path) -> None:
    text = (
        GOOD.replace(
            "  - id: zed\n    type: State\n    label: Zedland\n",
            "  - id: alphaland\n    type: State\n    label: Alfaland\n",
        )
        .replace("subject: zed", "subject: alphaland")
        .replace("object: alphaland", "object: betastan")
    )
    result = add([write(tmp_path / "same.yaml", text)], graph=graph, source_texts=[TINY_TEXT])
    assert result.files[0].actors_added == []
    (alpha,) = [a for a in corpus_of(graph).actors if a.id == "alphaland"]
    assert alpha.label == "Alphaland"
    assert alpha.aliases == ["Alfaland", "Alpha"]
    assert claims_by_key(graph)["z1"].subject == "alphaland"
    labels = [
        t
        for t in triples_of(graph)
        if t.subject == NamedNode(KGR + "alphaland") and t.predicate.value.endswith("prefLabel")
    ]
    assert len(labels) == 1


def test_same_wikidata_id_or_same_as_merges_into_the_graphs_actor(run_cli, wd_graph: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(
        "add",
        ADD / "merge.yaml",
        "--graph",
        wd_graph,
        "--source-text",
        TINY_TEXT,
        "--curator",
        "Test Curator",
    )
    assert r.code == 0, r.err
    assert r.err.splitlines()[0] == (
        f"{ADD / 'merge.yaml'}: 1 claim added, 1 new source, "
        "merged republic-of-alphaland into alphaland (same-wikidata-id), "
        "merged betastan-state into betastan (same-as)"
    )
    triples = triples_of(wd_graph)

    def objects(s: NamedNode, p: str) -> set[str]:
        return {t.object.value for t in triples if t.subject == s and t.predicate == NamedNode(p)}

    merges = {
        t.subject
        for t in triples
        if t.predicate == NamedNode(RDF + "type") and t.object == NamedNode(KG + "Merge")
    }
    assert len(merges) == 2
    seen = {}
    for m in merges:
        (absorbed,) = objects(m, KG + "absorbed")
        (kept,) = objects(m, KG + "mergedInto")
        (reason,) = objects(m, KG + "mergeReason")
        assert objects(m, DCT + "creator") == {"Test Curator"}
        seen[absorbed] = (kept, reason)
    assert seen == {
        KGR + "republic-of-alphaland": (KGR + "alphaland", "same-wikidata-id"),
        KGR + "betastan-state": (KGR + "betastan", "same-as"),
    }
    assert objects(NamedNode(KGR + "republic-of-alphaland"), DCT + "isReplacedBy") == {KGR + "alphaland"}
    assert objects(NamedNode(KGR + "betastan-state"), DCT + "isReplacedBy") == {KGR + "betastan"}
    back = claims_by_key(wd_graph)["sold"]
    assert (back.subject, back.object) == ("alphaland", "betastan")
    actors = {a.id: a for a in corpus_of(wd_graph).actors}
    assert "republic-of-alphaland" not in actors and "betastan-state" not in actors
    assert "Republic of Alphaland" in actors["alphaland"].aliases
    assert "State of Betastan" in actors["betastan"].aliases
    assert actors["alphaland"].wikidata == "Q1000001"


# ---------------------------------------------------------------- dry run, targets


def test_dry_run_writes_nothing(run_cli, graph: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = write(tmp_path / "good.yaml", GOOD)
    before = graph.read_bytes()
    r = run_cli("add", f, "--graph", graph, "--source-text", TINY_TEXT, "--dry-run")
    assert r.code == 0
    assert r.err.splitlines() == [
        f"{f}: 1 claim added, 1 new actor(s) or event(s), 1 new source",
        f"{graph}: would add 31 triples to {TINY_TRIPLES} (dry run: nothing written)",
    ]
    assert "added" in r.out and "z1" in r.out
    assert graph.read_bytes() == before
    fresh = tmp_path / "fresh.ttl"
    r = run_cli("add", TINY_YAML, "--graph", fresh, "--dry-run")
    assert r.code == 0
    assert (
        r.err.splitlines()[-1] == f"{fresh}: would add {TINY_TRIPLES} triples to 0 (dry run: nothing written)"
    )
    assert not fresh.exists()
    result = add([TINY_YAML], graph=fresh, dry_run=True)
    assert result.dry_run and not result.written and result.triples_added == TINY_TRIPLES
    assert not fresh.exists()


def test_the_bundled_graph_is_refused(run_cli) -> None:  # type: ignore[no-untyped-def]
    before = BUNDLED_TTL.read_bytes()
    r = run_cli("add", TINY_YAML, "--graph", BUNDLED_TTL)
    assert r.code == 2
    assert r.err == (
        f"kgraph: --graph: {BUNDLED_TTL}: is kgraph's bundled graph, which add never writes; "
        "add to a copy of it\n"
    )
    assert BUNDLED_TTL.read_bytes() == before


def test_other_targets_are_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("add", TINY_YAML, "--graph", tmp_path / "g.json")
    assert (r.code, r.err) == (
        2,
        f"kgraph: --graph: {tmp_path / 'g.json'}: add writes Turtle (.ttl) or N-Triples (.nt), not .json\n",
    )
    r = run_cli("add", TINY_YAML, "--graph", tmp_path)
    assert (r.code, r.err) == (2, f"kgraph: --graph: {tmp_path}: is a directory, not a graph file\n")
    d = tmp_path / "dir.ttl"
    d.mkdir()
    r = run_cli("add", TINY_YAML, "--graph", d)
    assert (r.code, r.err) == (2, f"kgraph: --graph: {d}: is a directory, not a graph file\n")
    assert list(tmp_path.iterdir()) == [d] and list(d.iterdir()) == []


def test_an_ntriples_graph(tmp_path: Path) -> None:
    g = tmp_path / "g.nt"
    add([TINY_YAML], graph=g)
    assert len(triples_of(g)) == TINY_TRIPLES
    assert not add([TINY_YAML], graph=g).changed


def test_a_store(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    st_dir = tmp_path / "store"
    r = run_cli("add", TINY_YAML, "--store", st_dir)
    assert r.code == 0
    assert r.err.splitlines()[-1] == f"{st_dir}: added {TINY_TRIPLES} triples to 0"
    r = run_cli("show", "Alphaland", "--store", st_dir)
    assert r.code == 0, r.err
    assert r.out.splitlines()[:2] == ["Alphaland", "  id         kgr:alphaland"]
    assert (
        "    Betastan · 60% of Betastan's arms imports, drones, 2015–2019 · reported by Gamma Institute · "
        "tiny@0-153"
    ) in r.out.splitlines()
    r = run_cli("show", "Alphaland", "--store", st_dir, "-f", "json")
    assert r.code == 0
    assert "Alphaland supplied 60% of Betastan's arms imports" in r.out
    r = run_cli("add", TINY_YAML, "--store", st_dir)
    assert (r.code, r.err.splitlines()[-1]) == (0, f"{st_dir}: nothing to add; left as it was")


# ---------------------------------------------------------------- processes


def _kgraph(*args: str | Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("KGRAPH_GRAPH", "KGRAPH_DEBUG")}
    return subprocess.Popen(
        [sys.executable, "-m", "kgraph", *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _locator_file(path: Path, source: str, n: int, prefix: str) -> Path:
    data = {
        "source": {"id": source, "title": f"An invented dataset {source}"},
        "actors": [
            {"id": f"{prefix}{i}", "type": "State", "label": f"{prefix} actor {i}"} for i in range(10)
        ],
        "claims": [
            {
                "key": f"k{i}",
                "subject": f"{prefix}{i % 10}",
                "predicate": "allyOf",
                "object": "alphaland",
                "text": f"Claim number {i}.",
                "modality": "asserted",
                "qualifiers": {"value": i},
                "evidence": [{"url": "https://example.org/big", "page": str(i)}],
            }
            for i in range(n)
        ],
    }
    return write(path, json.dumps(data))


def test_two_adds_at_once_both_land(graph: Path, tmp_path: Path) -> None:
    a = _locator_file(tmp_path / "a.json", "set-a", 20, "a")
    b = _locator_file(tmp_path / "b.json", "set-b", 20, "b")
    procs = [_kgraph("add", a, "--graph", graph), _kgraph("add", b, "--graph", graph)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    sources = {c.source for c in corpus_of(graph).claims}
    assert sources == {"tiny", "set-a", "set-b"}
    assert len(corpus_of(graph).claims) == 8 + 20 + 20


def test_kill_9_leaves_the_old_graph_or_the_new(graph: Path, tmp_path: Path) -> None:
    big = _locator_file(tmp_path / "big.json", "big", 40, "x")
    old_bytes = graph.read_bytes()
    old = triples_of(graph)
    done = tmp_path / "done.ttl"
    done.write_bytes(old_bytes)
    t0 = time.monotonic()
    p = _kgraph("add", big, "--graph", done)
    assert p.wait(timeout=120) == 0
    full = time.monotonic() - t0
    new = triples_of(done)
    assert new > old
    rng = random.Random(9)
    outcomes = []
    for _ in range(15):
        graph.write_bytes(old_bytes)
        p = _kgraph("add", big, "--graph", graph)
        time.sleep(rng.uniform(0.05, full * 1.05))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        now = triples_of(graph)  # parses
        assert now in (old, new)
        outcomes.append(now == new)
        leftovers = [
            f.name for f in tmp_path.iterdir() if f.name.startswith(".g.ttl.") and f.name.endswith(".tmp")
        ]
        for name in leftovers:  # a temporary file of a killed write: never the graph itself
            (tmp_path / name).unlink()
    assert not all(outcomes)  # some kills landed before the write


# ---------------------------------------------------------------- schema


def test_kgraph_schema_prints_json_with_the_file_sections(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("schema")
    assert r.code == 0 and r.err == ""
    schema = json.loads(r.out)
    assert {"source", "sources", "actors", "events", "claims"} <= set(schema["properties"])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False


def _check(instance: object, schema: dict, defs: dict, path: str = "") -> None:  # type: ignore[type-arg]
    """A small structural check of ``instance`` against a pydantic JSON Schema (no jsonschema here)."""
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                _check(instance, option, defs, path)
                return
            except AssertionError as e:
                errors.append(str(e))
        raise AssertionError(f"{path}: matches no option: {errors}")
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(instance, dict), path
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            assert name in instance, f"{path}.{name}: required"
        for name, value in instance.items():
            if schema.get("additionalProperties") is False:
                assert name in props, f"{path}.{name}: not in the schema"
            if name in props:
                _check(value, props[name], defs, f"{path}.{name}")
    elif kind == "array":
        assert isinstance(instance, list), path
        for i, item in enumerate(instance):
            _check(item, schema.get("items", {}), defs, f"{path}.{i}")
    elif kind == "string":
        assert isinstance(instance, str), path
        if "pattern" in schema:
            import re

            assert re.search(schema["pattern"], instance), f"{path}: {instance!r} !~ {schema['pattern']}"
    elif kind == "integer":
        assert isinstance(instance, int) and not isinstance(instance, bool), path
    elif kind == "number":
        assert isinstance(instance, int | float) and not isinstance(instance, bool), path
    elif kind == "boolean":
        assert isinstance(instance, bool), path
    elif kind == "null":
        assert instance is None, path
    if "enum" in schema:
        assert instance in schema["enum"], path
    if "const" in schema:
        assert instance == schema["const"], path


def test_claims_files_match_the_schema(run_cli) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads(run_cli("schema").out)
    defs = schema.get("$defs", {})
    for path in (TINY_YAML, ADD / "refs.yaml", ADD / "merge.yaml", ADD / "wikidata.yaml"):
        _check(yaml.safe_load(path.read_text(encoding="utf-8")), schema, defs, path.name)
    with pytest.raises(AssertionError, match="colour: not in the schema"):
        _check({"source": {"id": "x", "title": "t"}, "colour": 1}, schema, defs)
    with pytest.raises(AssertionError):
        _check({"source": {"id": "Not A Slug", "title": "t"}}, schema, defs)
