"""Reading claims files (kgraph.claimsfile): YAML or JSON into a Dataset, every problem at once,
each as ``FILE:LINE: field.path: message``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from kgraph.claimsfile import MAX_PROBLEMS, ClaimsFileError, Problem, read_claims_file, schema
from kgraph.models import Dataset

from .conftest import TINY_YAML

ADD = Path(__file__).parent / "fixtures" / "add"


def problems(path: Path) -> list[str]:
    with pytest.raises(ClaimsFileError) as e:
        read_claims_file(path)
    assert str(e.value) == "\n".join(str(p) for p in e.value.problems)
    return [str(p) for p in e.value.problems]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_tiny_reads_as_the_dataset_and_knows_its_lines() -> None:
    cf = read_claims_file(TINY_YAML)
    assert cf.path == str(TINY_YAML)
    assert cf.dataset == Dataset.model_validate(yaml.safe_load(TINY_YAML.read_text(encoding="utf-8")))
    assert cf.line(("source",)) == line_of(TINY_YAML, "source:")
    assert cf.line(("claims", 0)) == line_of(TINY_YAML, "key: arms-share")
    assert cf.line(("claims", 1, "predicate")) == line_of(TINY_YAML, "predicate: attacked")
    assert cf.line(("actors", 3, "label")) == line_of(TINY_YAML, "label: Délta Valley")
    # A field the file does not give is placed at the nearest item that holds it.
    assert cf.line(("claims", 1, "note")) == cf.line(("claims", 1)) == line_of(TINY_YAML, "key: attack")
    assert cf.problem(("claims", 1, "object"), "x") == Problem(
        str(TINY_YAML), line_of(TINY_YAML, "object: delta-valley"), ("claims", 1, "object"), "x"
    )


def test_the_same_file_as_json_is_the_same_dataset(tmp_path: Path) -> None:
    data = yaml.safe_load(TINY_YAML.read_text(encoding="utf-8"))
    path = write(tmp_path, "tiny.json", json.dumps(data, indent=2, ensure_ascii=False))
    cf = read_claims_file(path)
    assert cf.dataset == read_claims_file(TINY_YAML).dataset
    # json.loads keeps no lines: they come from composing the JSON as YAML.
    assert cf.line(("claims", 2, "object", "datatype")) == line_of(path, '"datatype": "xsd:gYearMonth"')


def test_the_fixture_files_of_add_read(tmp_path: Path) -> None:
    for path in sorted(ADD.glob("*.yaml")):
        cf = read_claims_file(path)
        assert cf.dataset.default_source is not None


def test_malformed_yaml_names_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "source:\n  id: x\n  title: [unclosed\nclaims: []\n")
    assert problems(path) == [f"{path}:4: malformed YAML: expected ',' or ']', but got ':' (column 7)"]
    path = write(tmp_path, "tab.yaml", "source:\n\tid: x\n")
    assert problems(path) == [
        f"{path}:2: malformed YAML: found character '\\t' that cannot start any token (column 1)"
    ]


def test_malformed_json_names_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{\n  "source": {"id": "x",\n    "title": }\n}\n')
    assert problems(path) == [f"{path}:3: malformed JSON: Expecting value (column 14)"]
    path = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    assert problems(path) == [f"{path}: malformed JSON: nested too deeply"]


@pytest.mark.parametrize("text", ["- a\n- b\n", "", "just a string\n", "42\n"])
def test_a_file_that_is_not_a_mapping(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "x.yaml", text)
    assert problems(path) == [
        f"{path}:1: a claims file is a mapping with source(s), actors, events and claims"
    ]


SOURCE = "source:\n  id: x\n  title: A title\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SOURCE + "colour: red\n", "4: colour: unknown field"),
        (
            SOURCE + "actors:\n  - id: a\n    type: State\n    label: A\n    colour: red\n",
            "8: actors.0.colour: unknown field",
        ),
        (SOURCE.replace("  title: A title\n", ""), "1: source.title: required field missing"),
        (SOURCE + "curator: [a, b]\n", "4: curator: Input should be a valid string"),
        (
            SOURCE + "actors:\n  - id: Not A Slug\n    type: State\n    label: A\n",
            "5: actors.0.id: String should match pattern '^[a-z0-9][a-z0-9-]*$' (given 'Not A Slug')",
        ),
        (
            SOURCE + "claims:\n  - subject: a\n    predicate: allyOf\n    object: 5\n    text: t\n"
            "    modality: asserted\n",
            "7: claims.0.object: Input should be a valid string (given 5)",
        ),
        (
            SOURCE + "claims:\n  - subject: a\n    predicate: allyOf\n    object: b\n    text: t\n"
            "    modality: rumoured\n",
            "9: claims.0.modality: Input should be 'asserted', 'reported', 'alleged', 'analysis' or "
            "'curatorInferred' (given 'rumoured')",
        ),
        (
            SOURCE + "claims:\n  - subject: a\n    predicate: allyOf\n    object: b\n    text: t\n"
            "    modality: asserted\n    qualifiers: {share: 1.5}\n",
            "10: claims.0.qualifiers.share: Input should be less than or equal to 1 (given 1.5)",
        ),
        (
            SOURCE + "claims:\n  - subject: a\n    predicate: allyOf\n    object: b\n    text: t\n"
            "    modality: asserted\n    evidence: [{start: 5, end: 2}]\n",
            "10: claims.0.evidence.0: evidence end 2 must be greater than start 5",
        ),
        (
            SOURCE + "claims:\n  - subject: a\n    predicate: allyOf\n    object: b\n    text: t\n"
            "    modality: asserted\n    qualifiers:\n      point_in_time: 2023-02-30\n",
            "11: claims.0.qualifiers.point_in_time: '2023-02-30' is not a date: that day does not exist",
        ),
        ("claims: []\n", "1: a claims file needs a source (or a list of sources)"),
        (SOURCE + "sources: [{id: x, title: Again}]\n", "1: sources: 'x' is given twice"),
    ],
    ids=[
        "unknown-field",
        "unknown-nested-field",
        "missing-field",
        "wrong-type",
        "bad-slug",
        "object-wrong-type",
        "bad-modality",
        "share-above-one",
        "backwards-offsets",
        "no-such-day",
        "no-source",
        "source-twice",
    ],
)
def test_each_wrong_field_is_one_line_naming_file_line_and_field(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, "c.yaml", text)
    found = problems(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:{expected}"), found[0]


def test_an_unquoted_yaml_date_is_the_string_the_models_check(tmp_path: Path) -> None:
    text = (
        SOURCE + "  published: 2023-09-19\nclaims:\n  - subject: a\n    predicate: allyOf\n    object: b\n"
        "    text: t\n    modality: asserted\n"
        "    qualifiers: {point_in_time: 2023-02-28, start: 2023-02-01}\n"
    )
    ds = read_claims_file(write(tmp_path, "d.yaml", text)).dataset
    assert ds.source is not None and ds.source.published == "2023-09-19"
    assert (ds.claims[0].qualifiers.point_in_time, ds.claims[0].qualifiers.start) == (
        "2023-02-28",
        "2023-02-01",
    )


def test_a_wrong_field_of_a_json_file_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "c.json", '{"source": {"id": "Not A Slug",\n "title": "t"},\n "curator": 5}\n')
    assert problems(path) == [
        f"{path}:1: source.id: String should match pattern '^[a-z0-9][a-z0-9-]*$' (given 'Not A Slug')",
        f"{path}:3: curator: Input should be a valid string (given 5)",
    ]


def test_every_problem_of_a_file_is_reported_in_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "many.yaml",
        "source:\n  id: x\n"  # 1-2: no title
        "actors:\n  - id: a\n    type: State\n    label: A\n    colour: red\n"  # 7
        "claims:\n  - subject: a\n    predicate: allyOf\n    object: a\n    text: t\n"
        "    modality: rumoured\n"  # 13
        "    qualifiers: {share: 2}\n",  # 14
    )
    assert problems(path) == [
        f"{path}:1: source.title: required field missing",
        f"{path}:7: actors.0.colour: unknown field",
        f"{path}:13: claims.0.modality: Input should be 'asserted', 'reported', 'alleged', 'analysis' or "
        "'curatorInferred' (given 'rumoured')",
        f"{path}:14: claims.0.qualifiers.share: Input should be less than or equal to 1 (given 2)",
    ]


def test_beyond_fifty_problems_the_rest_are_counted(tmp_path: Path) -> None:
    actors = "".join(f"  - id: a{i}\n    type: State\n    label: A\n    colour: red\n" for i in range(60))
    path = write(tmp_path, "lots.yaml", SOURCE + "actors:\n" + actors)
    with pytest.raises(ClaimsFileError) as e:
        read_claims_file(path)
    assert len(e.value.problems) == 60
    shown = str(e.value).splitlines()
    assert len(shown) == MAX_PROBLEMS + 1
    assert shown[0] == f"{path}:8: actors.0.colour: unknown field"
    assert shown[-1] == "... and 10 more problems"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "source: &s {id: x, title: t}\nsources: [*s]\n",
            [
                "1: YAML anchor &s is not allowed: write each item out",
                "2: YAML alias *s is not allowed: write the item out",
            ],
        ),
        (
            "source: {id: x, title: t}\nactors:\n  - &a {id: a, type: State, label: A}\n",
            ["3: YAML anchor &a is not allowed: write each item out"],
        ),
        (
            "source:\n  id: x\n  title: &t A title\nsources:\n  - id: y\n    title: *t\n",
            [
                "3: YAML anchor &t is not allowed: write each item out",
                "6: YAML alias *t is not allowed: write the item out",
            ],
        ),
        (
            "base: &b {title: t}\nsource:\n  <<: *b\n  id: x\n",
            [
                "1: YAML anchor &b is not allowed: write each item out",
                "3: YAML alias *b is not allowed: write the item out",
            ],
        ),
    ],
    ids=["alias-of-a-source", "anchor-unused", "scalar-anchor", "merge-key"],
)
def test_yaml_anchors_and_aliases_are_refused(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = write(tmp_path, "a.yaml", text)
    assert problems(path) == [f"{path}:{e}" for e in expected]


def test_a_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 9):
        prev, this = chr(ord("a") + n - 1), chr(ord("a") + n)
        lines.append(f"{this}: &{this} [{', '.join(['*' + prev] * 9)}]")
    path = write(tmp_path, "laughs.yaml", "\n".join(lines) + "\n")
    t0 = time.monotonic()
    with pytest.raises(ClaimsFileError) as e:
        read_claims_file(path)
    assert time.monotonic() - t0 < 5
    found = str(e.value).splitlines()
    assert found[0] == f"{path}:1: YAML anchor &a is not allowed: write each item out"
    assert found[-1].startswith("... and ") and found[-1].endswith(" more problems")
    assert all(p.startswith(f"{path}:") and "not allowed" in p for p in found[:-1])


def test_a_problem_without_a_line_or_a_field() -> None:
    assert str(Problem("f.yaml", None, (), "bad")) == "f.yaml: bad"
    assert str(Problem("f.yaml", 3, ("claims", 0, "text"), "bad")) == "f.yaml:3: claims.0.text: bad"


def test_schema_lists_the_sections_of_a_claims_file() -> None:
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["title"] == "kgraph claims file"
    assert {"source", "sources", "actors", "events", "claims", "curator"} == set(s["properties"])
    defs = s["$defs"]
    assert {"Claim", "Entity", "Evidence", "Qualifiers", "Source", "LiteralValue"} <= set(defs)
    assert defs["Claim"]["additionalProperties"] is False
    assert set(defs["Claim"]["required"]) == {"subject", "predicate", "object", "text", "modality"}
    assert "quote" in defs["Evidence"]["properties"]
    assert defs["Qualifiers"]["properties"]["share"]["anyOf"][0].get("maximum") == 1 or "1" in json.dumps(
        defs["Qualifiers"]["properties"]["share"]
    )
    json.dumps(s)  # serialisable as is
