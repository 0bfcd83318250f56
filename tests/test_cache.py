"""The graph cache of big --graph files (kgraph.cache, docs/cache.md).

The tiny fixture stands in for a big file by lowering the size threshold
(``KGRAPH_CACHE_MIN_BYTES``); every test has a cache folder of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kgraph import cache

from .conftest import TINY_TTL

CAUGHT = "kgraph: "


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KGRAPH_CACHE_DIR", str(folder))
    monkeypatch.setenv("KGRAPH_CACHE_MIN_BYTES", "0")
    monkeypatch.delenv("KGRAPH_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def graph(tmp_path: Path) -> Path:
    """A copy of the tiny graph, to edit."""
    path = tmp_path / "graph.ttl"
    shutil.copyfile(TINY_TTL, path)
    return path


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if cache.ENTRY.fullmatch(p.name)) if folder.exists() else []


def no_building(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, neither a cache build nor an in-memory parse can happen unnoticed."""

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("built or parsed again")

    monkeypatch.setattr(cache, "_build", refused)
    monkeypatch.setattr("kgraph.store.Store", refused)


def test_the_second_look_up_is_served_from_the_cache(run_cli, cache_dir, graph, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cache, "SETTLED", 0.0)  # the copy is fresh: trust its stat at once
    first = run_cli("show", "Alphaland", "--graph", graph)
    assert (first.code, first.err) == (0, "")
    assert first.out.startswith("Alphaland\n  id         kgr:alphaland\n")
    [entry] = entries(cache_dir)
    meta = json.loads((entry / "entry.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in meta["files"]] == [str(graph.resolve())]
    assert len(list(cache_dir.glob("seen-*.json"))) == 1

    no_building(monkeypatch)
    monkeypatch.setattr(cache, "_hash_file", lambda *a: pytest.fail("hashed a file whose stat is known"))
    second = run_cli("show", "Alphaland", "--graph", graph)
    assert (second.code, second.out, second.err) == (0, first.out, "")
    assert entries(cache_dir) == [entry]


def test_the_cached_graph_answers_as_the_file_does(run_cli, cache_dir, graph) -> None:  # type: ignore[no-untyped-def]
    in_memory = run_cli("stats", "--graph", graph, "--no-cache")
    assert entries(cache_dir) == []
    built = run_cli("stats", "--graph", graph)
    served = run_cli("stats", "--graph", graph)
    assert len(entries(cache_dir)) == 1
    assert in_memory.code == built.code == served.code == 0
    assert in_memory.out == built.out == served.out
    assert "274" in served.out


def test_a_file_edited_to_the_same_size_and_mtime_is_read_again(
    run_cli, cache_dir, graph, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cache, "SETTLED", 0.0)
    assert run_cli("show", "Alpha", "--graph", graph).out.splitlines()[0] == "Alphaland"
    before = graph.stat()
    text = graph.read_bytes()
    assert text.count(b'"Alphaland"@en') == 1
    graph.write_bytes(text.replace(b'"Alphaland"@en', b'"Omegaland"@en'))
    os.utime(graph, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = graph.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )

    renamed = run_cli("show", "Omegaland", "--graph", graph)
    assert (renamed.code, renamed.err) == (0, "")
    assert renamed.out.startswith("Omegaland\n")
    by_alias = run_cli("show", "Alpha", "--graph", graph)
    assert by_alias.out.splitlines()[0] == "Omegaland"
    assert len(entries(cache_dir)) == 2


def test_a_file_changed_moments_ago_is_hashed_not_trusted_by_its_stat(run_cli, cache_dir, graph) -> None:  # type: ignore[no-untyped-def]
    # Within SETTLED seconds of a change, another edit could keep every stat field the same.
    assert run_cli("stats", "--graph", graph).code == 0
    assert len(entries(cache_dir)) == 1
    assert list(cache_dir.glob("seen-*.json")) == []


def test_a_killed_build_is_never_served_and_is_removed(run_cli, cache_dir, graph) -> None:  # type: ignore[no-untyped-def]
    expected = run_cli("show", "Alphaland", "--graph", graph)
    [entry] = entries(cache_dir)
    shutil.rmtree(entry)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = os.getppid()
    leftovers = []
    for pid in (dead.pid, alive):
        # A half build of this very entry: a store that holds nothing.
        leftover = cache_dir / f".{entry.name}.{pid}.abcd1234.tmp"
        (leftover / "store").mkdir(parents=True)
        from pyoxigraph import Store

        del_me = Store(str(leftover / "store"))
        del del_me
        (leftover / "entry.json").write_text(json.dumps({"layout": cache.LAYOUT}), encoding="utf-8")
        leftovers.append(leftover)

    again = run_cli("show", "Alphaland", "--graph", graph)
    assert (again.code, again.out, again.err) == (0, expected.out, "")
    assert entries(cache_dir) == [entry]
    assert not leftovers[0].exists()  # its builder is gone
    assert leftovers[1].exists()  # its builder may still be at work


def test_no_cache_writes_nothing_and_is_off_for_that_command_only(
    run_cli, cache_dir, graph, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    flagged = run_cli("claims", "--about", "Alphaland", "--graph", graph, "--no-cache")
    assert (flagged.code, flagged.err) == (0, "")
    assert not cache_dir.exists()
    monkeypatch.setenv("KGRAPH_NO_CACHE", "1")
    assert run_cli("claims", "--about", "Alphaland", "--graph", graph).code == 0
    assert not cache_dir.exists()
    monkeypatch.delenv("KGRAPH_NO_CACHE")
    cached = run_cli("claims", "--about", "Alphaland", "--graph", graph)
    assert (cached.code, cached.out) == (0, flagged.out)
    assert len(entries(cache_dir)) == 1


def test_every_look_up_with_graph_takes_no_cache(run_cli) -> None:  # type: ignore[no-untyped-def]
    for command in ("show", "claims", "actors", "sources", "events", "stats", "path", "neighbors"):
        assert "--no-cache" in run_cli(command, "--help").out, command
    for command in ("query", "export", "compare", "validate"):
        assert "--no-cache" in run_cli(command, "--help").out, command
    assert "--no-cache" not in run_cli("serve", "--help").out


def test_a_cache_folder_that_cannot_be_written_still_answers(run_cli, tmp_path, graph, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("KGRAPH_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setenv("KGRAPH_CACHE_MIN_BYTES", "0")
    result = run_cli("show", "Alphaland", "--graph", graph)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("Alphaland\n")
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_cache_folder_still_answers(run_cli, cache_dir, graph) -> None:  # type: ignore[no-untyped-def]
    cache_dir.mkdir()
    cache_dir.chmod(0o555)
    try:
        result = run_cli("show", "Alphaland", "--graph", graph)
    finally:
        cache_dir.chmod(0o755)
    assert (result.code, result.err) == (0, "")
    assert list(cache_dir.iterdir()) == []


def test_small_files_and_standard_input_are_read_in_memory(run_cli, cache_dir, graph, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("KGRAPH_CACHE_MIN_BYTES")
    assert graph.stat().st_size < cache.MIN_BYTES
    assert run_cli("stats", "--graph", graph).code == 0
    assert run_cli("stats").code == 0  # the bundled graph
    assert not cache_dir.exists()
    monkeypatch.setenv("KGRAPH_CACHE_MIN_BYTES", "0")
    with graph.open("rb") as fh:
        monkeypatch.setattr("sys.stdin", type("In", (), {"buffer": fh})())
        assert run_cli("stats", "--graph", "-").code == 0
    assert not cache_dir.exists()


def test_a_threshold_that_is_not_a_number_is_refused(run_cli, cache_dir, graph, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KGRAPH_CACHE_MIN_BYTES", "8MB")
    result = run_cli("stats", "--graph", graph)
    assert (result.code, result.out) == (2, "")
    assert result.err == "kgraph: KGRAPH_CACHE_MIN_BYTES must be a number of bytes, not '8MB'\n"


def test_several_files_make_one_entry_keyed_by_all_in_order(run_cli, cache_dir, graph, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.nt"
    other.write_text('<http://example.org/x> <http://example.org/p> "1" .\n', encoding="utf-8")
    assert run_cli("stats", "--graph", graph, "--graph", other).code == 0
    [entry] = entries(cache_dir)
    meta = json.loads((entry / "entry.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in meta["files"]] == [str(graph.resolve()), str(other.resolve())]
    assert run_cli("stats", "--graph", graph).code == 0
    assert len(entries(cache_dir)) == 2


def test_a_bad_file_gives_the_usual_error_and_leaves_nothing(run_cli, cache_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    cached = run_cli("stats", "--graph", bad)
    plain = run_cli("stats", "--graph", bad, "--no-cache")
    assert (cached.code, cached.out, cached.err) == (plain.code, plain.out, plain.err)
    assert cached.code == 2 and cached.err.startswith(f"{CAUGHT}{bad}:")
    assert [p.name for p in cache_dir.iterdir()] == []


def test_the_cache_keeps_the_most_recently_used_and_nothing_of_others(
    run_cli, cache_dir, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    cache_dir.mkdir()
    foreign = [cache_dir / "notes.txt", cache_dir / f"graph-1-{'0' * 64}.bak", cache_dir / "graph-x"]
    foreign[0].write_text("mine\n", encoding="utf-8")
    foreign[1].mkdir()
    foreign[2].mkdir()
    files = []
    for i in range(3):
        path = tmp_path / f"g{i}.nt"
        path.write_text(f'<http://example.org/x{i}> <http://example.org/p> "{i}" .\n', encoding="utf-8")
        files.append(path)
    for i, path in enumerate(files):
        before = set(entries(cache_dir))
        assert run_cli("stats", "--graph", path).code == 0
        [new] = set(entries(cache_dir)) - before
        # An unambiguous order of use, whatever the grain of the clock.
        os.utime(new / "entry.json", (1_000_000 + i, 1_000_000 + i))
    kept = [
        json.loads((e / "entry.json").read_text(encoding="utf-8"))["files"][0]["path"]
        for e in entries(cache_dir)
    ]
    assert sorted(kept) == [str(files[1].resolve()), str(files[2].resolve())]
    assert all(p.exists() for p in foreign)


def test_a_build_that_finds_its_entry_made_by_another_process_uses_it(cache_dir, graph) -> None:
    store = cache.cached_store([graph])
    assert store is not None and len(store) == 274
    [entry] = entries(cache_dir)
    files = cache._files([graph])
    assert files is not None
    again = cache._build(cache_dir, entry.name, files)  # as a second process would, racing
    assert again is not None and len(again) == 274
    assert [p.name for p in cache_dir.iterdir() if not p.name.startswith("seen-")] == [entry.name]


def test_kgraph_cache_lists_and_clears(run_cli, cache_dir, graph) -> None:  # type: ignore[no-untyped-def]
    empty = run_cli("cache")
    assert (empty.code, empty.err) == (0, "")
    assert empty.out == (
        f"graph cache: {cache_dir} (on; at most 8 entries, 4.0 GB; files under 0 bytes are read in memory)\n"
        "no entries\n"
    )
    assert run_cli("stats", "--graph", graph).code == 0
    listed = run_cli("cache", "list")
    lines = listed.out.splitlines()
    assert listed.code == 0 and len(lines) == 3
    assert lines[1].startswith("1 entry, ") and lines[1].endswith(", most recently used first:")
    assert lines[2].endswith(f"  {graph.resolve()}") and " used 20" in lines[2]
    (cache_dir / "notes.txt").write_text("mine\n", encoding="utf-8")
    cleared = run_cli("cache", "clear")
    assert cleared.code == 0
    assert cleared.out.startswith("removed 1 entry (") and cleared.out.endswith(f") from {cache_dir}\n")
    assert sorted(p.name for p in cache_dir.iterdir()) == ["notes.txt"]
    bad = run_cli("cache", "empty")
    assert (bad.code, bad.out) == (2, "")
    assert bad.err.startswith("kgraph: Invalid value for ACTION: 'empty' is not one of list, clear")
