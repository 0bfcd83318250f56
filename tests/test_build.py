"""Building the graph from curated YAML: deterministic, current, and strict about bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

from kgraph.build import build, compile_datasets, dataset_paths

from .conftest import BUNDLED_TTL, ROOT, TINY_TTL, TINY_YAML

SOURCE_DIR = ROOT / "data" / "source"


def test_checked_in_graph_is_current() -> None:
    assert BUNDLED_TTL.read_text(encoding="utf-8") == compile_datasets(dataset_paths(SOURCE_DIR)), (
        "data/claims.ttl is stale: run `kgraph build`"
    )
    assert TINY_TTL.read_text(encoding="utf-8") == compile_datasets([TINY_YAML])


def test_output_is_byte_identical_across_builds(tmp_path: Path) -> None:
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    build(SOURCE_DIR, first)
    build(SOURCE_DIR, second)
    assert first.read_bytes() == second.read_bytes()


def test_build_command_writes_and_checks(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(TINY_YAML, src / "tiny.yaml")
    out = tmp_path / "out.ttl"
    result = run_cli("build", "--from", src, "-o", out, "--check")
    assert (result.code, result.out) == (1, "")
    assert result.err == f"kgraph: {out} is not current: run `kgraph build`\n"
    assert not out.exists()
    result = run_cli("build", "--from", src, "-o", out)
    assert (result.code, result.err) == (0, f"{out}: written\n")
    assert out.read_text(encoding="utf-8") == TINY_TTL.read_text(encoding="utf-8")
    assert run_cli("build", "--from", src, "-o", out, "--check").code == 0


def test_bad_dataset_is_one_line_and_leaves_output_alone(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    out = tmp_path / "out.ttl"
    out.write_text("previous\n")
    cases = {
        "syntax.yaml": ("source: [unclosed\n", "malformed YAML"),
        "schema.yaml": (
            TINY_YAML.read_text().replace("modality: reported", "modality: rumoured"),
            "claims.0.modality",
        ),
        "share.yaml": (TINY_YAML.read_text().replace("share: 0.6", "share: 1.6"), "share"),
        "date.yaml": (
            TINY_YAML.read_text().replace('point_in_time: "2021-03"', 'point_in_time: "2021-13"'),
            "is not a date",
        ),
        "ref.yaml": (TINY_YAML.read_text().replace("object: delta-valley", "object: atlantis"), "atlantis"),
    }
    for name, (text, fragment) in cases.items():
        for old in src.iterdir():
            old.unlink()
        (src / name).write_text(text)
        result = run_cli("build", "--from", src, "-o", out)
        assert result.code == 2, name
        assert result.err.count("\n") == 1 and fragment in result.err, (name, result.err)
        assert out.read_text() == "previous\n"


def _claim_index(key: str) -> int:
    import yaml

    claims = yaml.safe_load(TINY_YAML.read_text(encoding="utf-8"))["claims"]
    return next(i for i, c in enumerate(claims) if c.get("key") == key)


def test_compile_errors_name_the_file_the_claim_and_the_field(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    out = tmp_path / "out.ttl"
    attack = _claim_index("attack")
    text = TINY_YAML.read_text(encoding="utf-8")
    cases = [
        (
            text.replace("object: delta-valley", "object: atlantis", 1),
            f"claims.{attack}.object (key 'attack'): no actor or event has the id 'atlantis'",
        ),
        (
            text.replace("predicate: attacked", "predicate: attackedd", 1),
            f"claims.{attack}.predicate (key 'attack'): kg:attackedd is not a kgraph term",
        ),
    ]
    for yaml_text, message in cases:
        (src / "tiny.yaml").write_text(yaml_text, encoding="utf-8")
        result = run_cli("build", "--from", src, "-o", out)
        assert result.code == 2 and result.out == ""
        assert result.err.startswith(f"kgraph: {src / 'tiny.yaml'}: {message}"), result.err
        assert result.err.count("\n") == 1


def test_an_empty_or_missing_source_folder_is_named(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("build", "--from", tmp_path, "-o", tmp_path / "out.ttl")
    assert (result.code, result.err) == (2, f"kgraph: {tmp_path}: no *.yaml datasets to build from\n")
    result = run_cli("build", "--from", tmp_path / "nope", "-o", tmp_path / "out.ttl")
    assert (result.code, result.err) == (2, f"kgraph: {tmp_path / 'nope'}: no such folder of datasets\n")


def test_current_means_byte_for_byte(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(TINY_YAML, src / "tiny.yaml")
    out = tmp_path / "out.ttl"
    expected = TINY_TTL.read_bytes()
    # A copy with Windows line ends reads as the same text, but is not the same file.
    out.write_bytes(expected.replace(b"\n", b"\r\n"))
    assert run_cli("build", "--from", src, "-o", out, "--check").code == 1
    assert build(src, out) is False and out.read_bytes() == expected
    assert build(src, out) is True
    # An existing file that is not UTF-8 is simply not current: no crash.
    out.write_bytes(b"\xff\xfe not utf-8")
    result = run_cli("build", "--from", src, "-o", out, "--check")
    assert (result.code, result.err) == (1, f"kgraph: {out} is not current: run `kgraph build`\n")
    assert run_cli("build", "--from", src, "-o", out).code == 0
    assert out.read_bytes() == expected
