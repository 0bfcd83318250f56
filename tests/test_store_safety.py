"""Stores and what `kgraph load` writes (docs/files.md): a store folder is a store or empty, a
damaged one is one line of ours, a second writer waits (--wait) and then fails with exit 4 in
our words, --replace-source swaps one source's claims in one transaction; --input-format for
`--graph -`; a byte order mark does not stop a load."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse, serialize

from kgraph.build import build
from kgraph.errors import EXIT_BACKEND, EXIT_NOT_FOUND, BackendError, NotFoundError
from kgraph.fileio import locked
from kgraph.store import is_store_directory, load_into_store

from .conftest import FIXTURES, TINY_TTL, Result

RunCli = Callable[..., Result]
TINY_TRIPLES = 274
KGR = "https://w3id.org/kgraph/id/"


def _listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def _quads(store: Path) -> set[Quad]:
    return set(Store.read_only(str(store)))


def _refused(result: Result, message: str, code: int = 2) -> None:
    assert result.code == code, (result.out, result.err)
    assert result.out == ""
    assert result.err == f"kgraph: {message}\n"


# ---------------------------------------------------------------- what a store folder must be


def test_a_folder_of_other_files_is_refused_and_left_as_it_was(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    for name in ("a.pdf", "b.txt", "c.ttl", "notes.md"):
        (folder / name).write_text(name)
    result = run_cli("load", folder, TINY_TTL)
    _refused(
        result,
        f"{folder}: holds files that are not an Oxigraph store's (a.pdf, b.txt, c.ttl and 1 more); "
        "kgraph writes a store only into a new or empty folder, or into a store",
    )
    assert _listing(folder) == ["a.pdf", "b.txt", "c.ttl", "notes.md"]
    assert _listing(tmp_path) == ["papers"]  # not even a lock file beside it


@pytest.mark.parametrize("made", ["missing", "empty"])
def test_a_missing_or_empty_folder_becomes_a_store(run_cli: RunCli, tmp_path: Path, made: str) -> None:
    store = tmp_path / "db"
    if made == "empty":
        store.mkdir()
    result = run_cli("load", store, TINY_TTL)
    assert (result.code, result.out, result.err) == (0, "", f"{store}: {TINY_TRIPLES} triples\n")
    assert is_store_directory(store)
    assert len(_quads(store)) == TINY_TRIPLES


def test_loading_into_a_store_adds_to_it(run_cli: RunCli, tmp_path: Path) -> None:
    store = tmp_path / "db"
    extra = tmp_path / "extra.nt"
    extra.write_text("<http://e/a> <http://e/p> <http://e/b> .\n")
    assert run_cli("load", store, TINY_TTL).code == 0
    again = run_cli("load", store, TINY_TTL, extra)
    assert (again.code, again.err) == (0, f"{store}: {TINY_TRIPLES + 1} triples\n")


def test_a_missing_parent_and_a_file_are_refused(run_cli: RunCli, tmp_path: Path) -> None:
    _refused(
        run_cli("load", tmp_path / "no" / "db", TINY_TTL),
        f"{tmp_path / 'no' / 'db'}: folder {tmp_path / 'no'} does not exist",
    )
    (tmp_path / "file").write_text("x")
    _refused(
        run_cli("load", tmp_path / "file", TINY_TTL), f"{tmp_path / 'file'}: is a file, not a store directory"
    )
    assert _listing(tmp_path) == ["file"]


def _garbage(folder: Path, *, manifest: bool) -> None:
    folder.mkdir()
    for name in ("CURRENT", "IDENTITY", "LOCK"):
        (folder / name).write_bytes(b"garbage\x00\xff\n")
    if manifest:  # CURRENT names a MANIFEST that is there, but it is garbage too
        (folder / "CURRENT").write_bytes(b"MANIFEST-000001\n")
        (folder / "MANIFEST-000001").write_bytes(b"garbage\n")


def test_garbage_store_files_as_store_are_one_line_of_ours(run_cli: RunCli, tmp_path: Path) -> None:
    plain, damaged = tmp_path / "plain", tmp_path / "damaged"
    _garbage(plain, manifest=False)
    _garbage(damaged, manifest=True)
    _refused(
        run_cli("show", "Betastan", "--store", plain),
        f"{plain}: not an Oxigraph store (its CURRENT file does not name a MANIFEST file)",
    )
    _refused(
        run_cli("show", "Betastan", "--store", damaged),
        f"{damaged}: a damaged store: its file MANIFEST-000001 is corrupt",
    )
    assert _listing(plain) == ["CURRENT", "IDENTITY", "LOCK"]
    assert _listing(damaged) == ["CURRENT", "IDENTITY", "LOCK", "MANIFEST-000001"]


def test_loading_into_garbage_store_files_writes_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    plain, damaged = tmp_path / "plain", tmp_path / "damaged"
    _garbage(plain, manifest=False)
    _garbage(damaged, manifest=True)
    _refused(
        run_cli("load", plain, TINY_TTL),
        f"{plain}: holds files that are not an Oxigraph store's (CURRENT, IDENTITY, LOCK); "
        "kgraph writes a store only into a new or empty folder, or into a store",
    )
    # RocksDB would write its LOG into the folder before refusing it: kgraph asks read-only first.
    _refused(
        run_cli("load", damaged, TINY_TTL), f"{damaged}: a damaged store: its file MANIFEST-000001 is corrupt"
    )
    assert _listing(plain) == ["CURRENT", "IDENTITY", "LOCK"]
    assert _listing(damaged) == ["CURRENT", "IDENTITY", "LOCK", "MANIFEST-000001"]


def test_a_bad_file_is_refused_before_the_store_is_touched(run_cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/a> <http://e/p> .\n")
    result = run_cli("load", tmp_path / "db", TINY_TTL, bad)
    assert result.code == 2
    assert result.err.startswith(f"kgraph: {bad}:1:")
    assert _listing(tmp_path) == ["bad.ttl"]


def test_a_byte_order_mark_does_not_stop_a_load(run_cli: RunCli, tmp_path: Path) -> None:
    marked = tmp_path / "marked.ttl"
    marked.write_bytes(b"\xef\xbb\xbf" + TINY_TTL.read_bytes())
    result = run_cli("load", tmp_path / "db", marked)
    assert (result.code, result.err) == (0, f"{tmp_path / 'db'}: {TINY_TRIPLES} triples\n")
    assert _quads(tmp_path / "db") == {Quad(t.subject, t.predicate, t.object) for t in _tiny()}


def _tiny() -> list[object]:
    return list(parse(path=str(TINY_TTL), format=RdfFormat.TURTLE, base_iri=TINY_TTL.resolve().as_uri()))


@pytest.mark.parametrize("wait", ["-1", "nan", "inf"])
def test_a_wait_that_is_not_a_number_of_seconds_is_refused(
    run_cli: RunCli, tmp_path: Path, wait: str
) -> None:
    _refused(
        run_cli("load", tmp_path / "db", TINY_TTL, "--wait", wait),
        f"--wait must be 0 (do not wait) or a positive number of seconds, not {wait}",
    )
    assert _listing(tmp_path) == []


# ---------------------------------------------------------------- two writers


def test_a_second_writer_fails_at_once_with_wait_0(run_cli: RunCli, tmp_path: Path) -> None:
    store = tmp_path / "db"
    assert run_cli("load", store, TINY_TTL).code == 0
    before = _quads(store)
    with locked(store):  # as another `kgraph load` holds it
        result = run_cli("load", store, TINY_TTL, "--wait", "0")
        short = run_cli("load", store, TINY_TTL, "--wait", "0.2")
    assert EXIT_BACKEND == 4 and BackendError.exit_code == EXIT_BACKEND
    _refused(
        result, f"the store {store} is in use by another kgraph process (pid {os.getpid()}); did not wait", 4
    )
    _refused(
        short, f"the store {store} is in use by another kgraph process (pid {os.getpid()}); waited 0.2 s", 4
    )
    assert _quads(store) == before


def test_a_store_held_by_another_program_is_said_in_our_words(run_cli: RunCli, tmp_path: Path) -> None:
    store = tmp_path / "db"
    assert run_cli("load", store, TINY_TTL).code == 0
    # Another program (an Oxigraph server, say) holds RocksDB's own lock, not kgraph's.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import pyoxigraph, sys, time; s = pyoxigraph.Store({str(store)!r}); "
            "print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"open\n"
        result = run_cli("load", store, TINY_TTL, "--wait", "0.3")
        reader = run_cli("stats", "--store", store, "-f", "json")
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    _refused(
        result,
        f"the store {store} is in use by another process (one that holds its LOCK file); waited 0.3 s",
        4,
    )
    assert "Resource temporarily unavailable" not in result.err and "IO error" not in result.err
    # A reader is not held up by a writer.
    assert reader.code == 0, reader.err
    assert f'"triples": {TINY_TRIPLES}' in reader.out


def test_a_second_writer_waits_for_the_first(tmp_path: Path) -> None:
    store = tmp_path / "db"
    extra = tmp_path / "extra.nt"
    extra.write_text("<http://e/a> <http://e/p> <http://e/b> .\n")
    load_into_store(store, [TINY_TTL])
    with locked(store):
        second = subprocess.Popen(
            [sys.executable, "-m", "kgraph", "load", str(store), str(extra), "--wait", "120"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(1.0)  # long enough for it to reach the lock; it must still be waiting
        assert second.poll() is None
    out, err = second.communicate(timeout=120)
    assert (second.returncode, out, err.decode()) == (0, b"", f"{store}: {TINY_TRIPLES + 1} triples\n")


def test_a_failed_load_leaves_the_store_free_for_the_next(tmp_path: Path) -> None:
    store = tmp_path / "db"
    load_into_store(store, [TINY_TTL])
    with pytest.raises(NotFoundError) as kept:  # kept, with its traceback, as a caller may
        load_into_store(store, [TINY_TTL], replace_source="tiny-but-no")
    assert kept.value is not None
    assert load_into_store(store, [TINY_TTL]) == TINY_TRIPLES


# ---------------------------------------------------------------- --replace-source


def _without_claim(yaml_text: str, key: str) -> str:
    """The dataset with one claim block taken out."""
    block = re.compile(rf"^  - key: {re.escape(key)}\n(?:    .*\n)+", re.M)
    assert block.search(yaml_text), key
    return block.sub("", yaml_text, count=1)


def _built(folder: Path, name: str, yaml_text: str) -> Path:
    datasets = folder / f"{name}-datasets"
    datasets.mkdir()
    (datasets / f"{name}.yaml").write_text(yaml_text, encoding="utf-8")
    out = folder / f"{name}.ttl"
    build(datasets, out)
    return out


TINY_YAML_TEXT = (FIXTURES / "tiny.yaml").read_text(encoding="utf-8")


def _other_source(with_attack: bool) -> str:
    """A second source telling the same story, with or without the asserted attack claim."""
    text = TINY_YAML_TEXT.replace("\n  id: tiny\n", "\n  id: other\n").replace(
        "title: An invented test story about Alphaland and Betastan", "title: Another invented story"
    )
    return text if with_attack else _without_claim(text, "attack")


def _claims(store: Path, source: str) -> set[str]:
    rows = Store.read_only(str(store)).query(
        "SELECT ?c WHERE { ?c a <https://w3id.org/kgraph/ns#Claim> ; "
        f"<http://www.w3.org/ns/prov#wasDerivedFrom> <{KGR}source-{source}> }}"
    )
    return {row[0].value for row in rows}  # type: ignore[union-attr]


@pytest.fixture
def two_sources(tmp_path: Path) -> tuple[Path, Path]:
    """A store of two sources (tiny, other) and tiny's file without its `base` claim."""
    store = tmp_path / "db"
    load_into_store(
        store, [_built(tmp_path, "tiny", TINY_YAML_TEXT), _built(tmp_path, "other", _other_source(False))]
    )
    return store, _built(tmp_path, "corrected", _without_claim(TINY_YAML_TEXT, "base"))


def test_replacing_a_source_drops_the_claim_taken_out_and_nothing_else(
    run_cli: RunCli, two_sources: tuple[Path, Path]
) -> None:
    store, corrected = two_sources
    tiny_before, other_before, quads_before = _claims(store, "tiny"), _claims(store, "other"), _quads(store)
    assert (len(tiny_before), len(other_before)) == (8, 7)

    result = run_cli("load", store, corrected, "--replace-source", "tiny")
    assert result.code == 0, result.err
    tiny_after = _claims(store, "tiny")
    assert len(tiny_after) == 7 and tiny_after < tiny_before
    assert _claims(store, "other") == other_before
    (gone,) = tiny_before - tiny_after
    # Exactly the claim node and its evidence (annotation, target, selector) went; nothing came.
    removed = quads_before - _quads(store)
    assert {q.subject.value for q in removed} == {
        gone,
        f"{gone}-ev1",
        f"{gone}-ev1-target",
        f"{gone}-ev1-selector",
    }
    assert _quads(store) <= quads_before
    assert result.err == f"{store}: {len(quads_before) - len(removed)} triples\n"


@pytest.mark.parametrize("other_says_it", [False, True])
def test_the_direct_triple_of_a_removed_claim_goes_unless_another_source_asserts_it(
    run_cli: RunCli, tmp_path: Path, other_says_it: bool
) -> None:
    store = tmp_path / "db"
    load_into_store(
        store,
        [_built(tmp_path, "tiny", TINY_YAML_TEXT), _built(tmp_path, "other", _other_source(other_says_it))],
    )
    corrected = _built(tmp_path, "corrected", _without_claim(TINY_YAML_TEXT, "attack"))
    direct = Quad(
        NamedNode(KGR + "betastan"),
        NamedNode("https://w3id.org/kgraph/ns#attacked"),
        NamedNode(KGR + "delta-valley"),
    )
    assert direct in _quads(store)
    assert run_cli("load", store, corrected, "--replace-source", "kgr:source-tiny").code == 0
    assert (direct in _quads(store)) is other_says_it


def test_replacing_with_a_file_of_another_source_is_refused_and_changes_nothing(
    run_cli: RunCli, tmp_path: Path, two_sources: tuple[Path, Path]
) -> None:
    store, _ = two_sources
    before = _quads(store)
    other = tmp_path / "other.ttl"
    result = run_cli("load", store, other, "--replace-source", "tiny")
    _refused(
        result,
        f"{other}: holds no claim of the source 'tiny' ({KGR}source-tiny); a source is replaced only "
        "by files that hold its corrected claims",
    )
    assert _quads(store) == before


def test_replacing_an_unknown_source_lists_the_known_ones(
    run_cli: RunCli, two_sources: tuple[Path, Path]
) -> None:
    store, corrected = two_sources
    before = _quads(store)
    result = run_cli("load", store, corrected, "--replace-source", "nope")
    assert EXIT_NOT_FOUND == 1
    _refused(result, "no source 'nope' in this graph (known: other, tiny)", code=EXIT_NOT_FOUND)
    assert _quads(store) == before


def test_replacing_needs_a_store(run_cli: RunCli, tmp_path: Path) -> None:
    _refused(
        run_cli("load", tmp_path / "db", TINY_TTL, "--replace-source", "tiny"),
        f"{tmp_path / 'db'}: no store to replace the source 'tiny' in (load it first)",
    )
    assert _listing(tmp_path) == []


# ---------------------------------------------------------------- --input-format for --graph -


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def _nquads() -> bytes:
    graph = NamedNode("http://example.org/g")
    return serialize(
        [Quad(t.subject, t.predicate, t.object, graph) for t in _tiny()], format=RdfFormat.N_QUADS
    )  # type: ignore[attr-defined]


def test_input_format_reads_what_cannot_be_guessed(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, _nquads())
    guessed = run_cli("stats", "-g", "-", "-f", "json")
    assert guessed.code == 2 and guessed.err.startswith("kgraph: -:1:")
    _stdin(monkeypatch, _nquads())
    told = run_cli("stats", "-g", "-", "--input-format", "nquads", "-f", "json")
    assert told.code == 0, told.err
    assert f'"triples": {TINY_TRIPLES}' in told.out


def test_input_format_is_the_syntax_used(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, TINY_TTL.read_bytes())
    result = run_cli("show", "Betastan", "-g", "-", "--input-format", "ntriples")
    assert result.code == 2 and result.err.startswith("kgraph: -:")
    _stdin(monkeypatch, TINY_TTL.read_bytes())
    ok = run_cli("show", "Betastan", "-g", "-", "--input-format", "turtle")
    assert ok.code == 0 and ok.out.startswith("Betastan\n")


def test_input_format_is_refused_where_it_would_do_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    _refused(
        run_cli("show", "Betastan", "-g", TINY_TTL, "--input-format", "turtle"),
        "--input-format: applies only to standard input (-) among the graphs; "
        "a file's extension tells its syntax",
    )
    _refused(
        run_cli("claims", "-g", "-", "--input-format", "n3"),
        "--input-format: 'n3' is not one of turtle, ntriples, nquads, trig, jsonld, rdfxml",
    )


def test_every_command_reading_graphs_takes_input_format() -> None:
    import typer

    from kgraph.cli.app import app

    command = typer.main.get_command(app)
    with_graph = {
        name
        for name, verb in command.commands.items()  # type: ignore[attr-defined]
        if any("--graph" in p.opts and "-g" in p.opts for p in verb.params)
    }
    with_format = {
        name
        for name, verb in command.commands.items()  # type: ignore[attr-defined]
        if any("--input-format" in p.opts for p in verb.params)
    }
    # `serve` hands files to Oxigraph by path; `add` and `unmerge` write their --graph.
    assert with_format == with_graph - {"serve", "add", "unmerge"}
    assert {"show", "claims", "export", "query", "validate", "stats"} <= with_format


def _mentions(store: Path, source: str) -> set[tuple[str, int, int]]:
    rows = Store.read_only(str(store)).query(
        "PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?body ?start ?end WHERE { "
        "?m oa:motivatedBy oa:identifying ; oa:hasBody ?body ; oa:hasTarget ?t . "
        f"?t oa:hasSource <{KGR}source-{source}> ; oa:hasSelector ?sel . "
        "?sel oa:start ?start ; oa:end ?end }"
    )
    return {(r[0].value.removeprefix(KGR), int(r[1].value), int(r[2].value)) for r in rows}  # type: ignore[union-attr]


def test_replacing_a_source_replaces_its_mentions(run_cli: RunCli, two_sources: tuple[Path, Path]) -> None:
    store, _ = two_sources
    folder = store.parent
    other_before = _mentions(store, "other")
    assert ("delta-valley", 198, 210) in _mentions(store, "tiny")
    moved = TINY_YAML_TEXT.replace("mentions: [{start: 198, end: 210}]", "mentions: [{start: 199, end: 210}]")
    assert moved != TINY_YAML_TEXT
    result = run_cli("load", store, _built(folder, "moved", moved), "--replace-source", "tiny")
    assert result.code == 0, result.err
    tiny_after = _mentions(store, "tiny")
    assert ("delta-valley", 199, 210) in tiny_after and ("delta-valley", 198, 210) not in tiny_after
    assert len(tiny_after) == len(other_before) == 7
    assert _mentions(store, "other") == other_before
