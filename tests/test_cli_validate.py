"""`kgraph validate`: exact output, exit codes, and one-line errors for unusable input."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shlex
from pathlib import Path

import pytest

from .conftest import ARTICLE_TEXT, ROOT, TINY_TEXT, TINY_TTL
from .test_validation import FAULTS, FAULTS_WITH_TEXT, FAULTY_TTL, TINY_SHA

COLUMNS = ["focus", "label", "rule", "value", "message", "fix"]
FIELDS = ["focus", "kind", "label", "rule", "message", "fix", "node", "path", "value", "iri"]


def test_tiny_graph_conforms(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "--graph", TINY_TTL, "--source-text", TINY_TEXT)
    assert (r.code, r.out) == (0, "(no results)\n")
    summary = (
        "conforms: 8 claims, 6 actors, 1 event, 1 source checked; evidence verified against 1 source text"
    )
    assert r.err == summary + "\n"


def test_tiny_graph_conforms_as_json(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "-g", TINY_TTL, "--format", "json")
    assert (r.code, r.out) == (0, "[]\n")
    assert r.err == "conforms: 8 claims, 6 actors, 1 event, 1 source checked\n"


def test_faulty_graph_lists_every_fault_and_exits_1(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "-g", FAULTY_TTL, "--format", "json")
    assert r.code == 1
    rows = json.loads(r.out)
    assert sorted((row["focus"], row["rule"]) for row in rows) == sorted(FAULTS)
    assert all(list(row) == FIELDS for row in rows)
    assert r.err == "kgraph: 21 violations (16 claims, 5 actors, 1 event, 2 sources checked)\n"


def test_faulty_graph_with_its_text(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "-g", FAULTY_TTL, "--source-text", TINY_TEXT, "-f", "jsonl")
    assert r.code == 1
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert {(row["focus"], row["rule"]) for row in rows} == FAULTS_WITH_TEXT
    assert len(rows) == len(FAULTS_WITH_TEXT)
    assert r.err == (
        "kgraph: 22 violations (16 claims, 5 actors, 1 event, 2 sources checked; "
        "evidence verified against 1 source text)\n"
    )


def test_table_report_is_readable(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "-g", FAULTY_TTL)
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[0].split() == COLUMNS
    assert set(lines[1]) == {"-", " "}
    assert len(lines) == 2 + len(FAULTS)
    [share] = [line for line in lines if line.startswith("share-too-big ")]
    assert re.split(r"\s{2,}", share) == [
        "share-too-big",
        "Alphaland supplied 150% of Betastan's arms.",
        "share-in-range",
        "1.5",
        "kg:share must be one xsd:decimal between 0 and 1",
        "write the share as a fraction: 0.6 for 60%",
    ]


def test_csv_report_has_fixed_columns(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "-g", FAULTY_TTL, "-f", "csv")
    rows = list(csv.reader(io.StringIO(r.out)))
    assert rows[0] == COLUMNS
    by_focus = {row[0]: row for row in rows[1:]}
    assert by_focus["reversed"][:4] == [
        "reversed",
        "Betastan would host an Alphaland base.",
        "offsets-ordered",
        "283",
    ]


def test_bundled_graph_conforms(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate")
    assert (r.code, r.out) == (0, "(no results)\n")
    assert r.err.startswith("conforms: ")


def test_bundled_graph_evidence_verified_against_the_article(run_cli, article_text: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "--source-text", ARTICLE_TEXT, "-f", "json")
    summary, located = r.err.splitlines()
    assert (r.code, r.out) == (0, "[]\n")
    assert summary.endswith(
        "checked; evidence verified against 1 source text; 26 claims cited by locator, not anchored to a text"
    )
    assert located.startswith("not anchored to a text (cited by locator): aa-2020-")


# ---------------------------------------------------------------- unusable input: exit 2, one line


def test_wrong_source_text(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("Not the story.\n", encoding="utf-8")
    digest = hashlib.sha256(b"Not the story.\n").hexdigest()
    r = run_cli("validate", "-g", TINY_TTL, "--source-text", wrong)
    assert (r.code, r.out) == (2, "")
    assert r.err == (
        f"kgraph: {wrong}: SHA-256 {digest} (15 code points) matches no source document in the graph; "
        f"expected {TINY_SHA} (404 code points, kgr:source-tiny)\n"
    )


def test_malformed_turtle(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n', encoding="utf-8"
    )
    r = run_cli("validate", "-g", bad)
    assert (r.code, r.out) == (2, "")
    assert r.err.count("\n") == 1
    assert r.err.startswith(f"kgraph: {bad}:3:")
    assert "Traceback" not in r.err


def test_missing_graph_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "-g", tmp_path / "nope.ttl")
    assert (r.code, r.out, r.err) == (2, "", f"kgraph: {tmp_path / 'nope.ttl'}: no such graph file\n")


def test_missing_source_text(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "-g", TINY_TTL, "--source-text", tmp_path / "nope.txt")
    assert (r.code, r.out, r.err) == (2, "", f"kgraph: {tmp_path / 'nope.txt'}: no such source text\n")


def test_source_text_not_utf8(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Délta".encode("latin-1"))
    r = run_cli("validate", "-g", TINY_TTL, "--source-text", latin)
    assert (r.code, r.err) == (2, f"kgraph: {latin}: not UTF-8 text (byte 1)\n")


def test_unknown_format(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "-g", TINY_TTL, "--format", "xml")
    assert r.code == 2
    assert r.err.count("\n") == 1
    assert "'xml' is not one of table, json, jsonl, csv, tsv" in r.err


# ---------------------------------------------------------------- docs


def test_examples_in_the_docs_are_real_output(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    docs = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    examples = re.findall(r"^```\n\$ (kgraph validate [^\n]*)\n(.*?)^```$", docs, re.MULTILINE | re.DOTALL)
    assert len(examples) == 3
    monkeypatch.chdir(ROOT)
    for command, shown in examples:
        r = run_cli(*shlex.split(command)[1:])
        assert r.out + r.err == shown, command


# ---------------------------------------------------------------- stores and endpoints


@pytest.fixture(scope="module")
def faulty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kgraph.store import load_into_store

    folder = tmp_path_factory.mktemp("faulty-store") / "db"
    load_into_store(folder, [FAULTY_TTL])
    return folder


def test_a_store_prints_what_its_file_prints(run_cli, faulty_store: Path) -> None:  # type: ignore[no-untyped-def]
    from_file = run_cli("validate", "-g", FAULTY_TTL, "--source-text", TINY_TEXT, "-f", "json")
    from_store = run_cli("validate", "--store", faulty_store, "--source-text", TINY_TEXT, "-f", "json")
    assert (from_store.code, from_store.out, from_store.err) == (1, from_file.out, from_file.err)
    small = run_cli("validate", "--store", faulty_store, "--batch-size", "2", "-f", "json")
    assert (small.code, small.err) == (
        1,
        "kgraph: 21 violations (16 claims, 5 actors, 1 event, 2 sources checked)\n",
    )


def test_an_endpoint_prints_what_the_file_prints(run_cli, oxigraph_server) -> None:  # type: ignore[no-untyped-def]
    from .conftest import BUNDLED_TTL

    from_file = run_cli("validate", "-g", BUNDLED_TTL, "-f", "csv")
    remote = run_cli("validate", "--endpoint", oxigraph_server.url, "-f", "csv")
    assert (remote.code, remote.out, remote.err) == (0, from_file.out, from_file.err)
    assert remote.err.startswith("conforms: ")


def test_a_batch_size_below_one_is_refused(run_cli, faulty_store: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "--store", faulty_store, "--batch-size", "0")
    assert (r.code, r.out, r.err) == (
        2,
        "",
        "kgraph: --batch-size must be a whole number of at least 1, not 0\n",
    )


def test_one_graph_at_a_time(run_cli, faulty_store: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "-g", TINY_TTL, "--store", faulty_store)
    assert (r.code, r.out, r.err) == (2, "", "kgraph: give only one of --graph, --store and --endpoint\n")


def test_a_missing_store(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("validate", "--store", tmp_path / "nope")
    assert r.code == 2
    assert r.err == f"kgraph: {tmp_path / 'nope'}: no such store directory (create one with `kgraph load`)\n"
