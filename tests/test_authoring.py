"""The claims-file example of docs/authoring.md stays true: its quotes are in its text, its JSON is
its YAML, its claims are in our own words, and the walkthrough of the guide works."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT

EXAMPLES = ROOT / "examples"
EXAMPLE_YAML = EXAMPLES / "harbour-deal.yaml"
EXAMPLE_JSON = EXAMPLES / "harbour-deal.json"
EXAMPLE_TEXT = EXAMPLES / "harbour-deal.txt"
EXAMPLE_SCHEMA = EXAMPLES / "claims.schema.json"
GUIDE = ROOT / "docs" / "authoring.md"

N_WORDS = 8
"""No run of this many consecutive words of a source may appear in our own words (docs/curation.md)."""


def _example() -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLE_YAML.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _text() -> str:
    return EXAMPLE_TEXT.read_text(encoding="utf-8")


def _quotes(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, quote) for every mention and evidence quote of the file."""
    for group in ("actors", "events"):
        for entity in data.get(group, []):
            for i, mention in enumerate(entity.get("mentions", [])):
                if "quote" in mention:
                    yield f"{group} {entity['id']!r} mentions.{i}", mention["quote"]
    for claim in data.get("claims", []):
        for i, evidence in enumerate(claim.get("evidence", [])):
            if "quote" in evidence:
                yield f"claim {claim['key']!r} evidence.{i}", evidence["quote"]


# ------------------------------------------------------------------ (a) the quotes and the text


def test_the_example_text_is_plain_utf8_and_short() -> None:
    raw = EXAMPLE_TEXT.read_bytes()
    text = raw.decode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark: it would shift every offset"
    assert "\r" not in text, "Unix line ends: a checkout with CRLF would change the SHA-256"
    assert 1500 <= len(text) <= 2500


def test_every_quote_occurs_exactly_once_in_the_text() -> None:
    text = _text()
    quotes = list(_quotes(_example()))
    assert quotes, "the example gives its evidence as quotes"
    bad = [
        f"{where}: {quote!r} occurs {text.count(quote)} times"
        for where, quote in quotes
        if text.count(quote) != 1
    ]
    assert not bad, "each quote must occur exactly once in examples/harbour-deal.txt:\n" + "\n".join(bad)


def test_every_claim_and_every_mention_has_evidence_as_a_quote() -> None:
    data = _example()
    for group in ("actors", "events"):
        for entity in data[group]:
            assert entity["mentions"], f"{entity['id']} has no mention"
            assert all(set(m) == {"quote"} for m in entity["mentions"]), entity["id"]
    for claim in data["claims"]:
        assert claim["evidence"], f"{claim['key']} has no evidence"
        assert all(set(e) == {"quote"} for e in claim["evidence"]), claim["key"]


def test_quotes_are_short() -> None:
    """Quotes stand for offsets; they are not a way to copy the source into the project."""
    long = [(where, q) for where, q in _quotes(_example()) if len(q.split()) >= N_WORDS]
    assert not long, f"quotes of {N_WORDS}+ words: {long}"


# ------------------------------------------------------------------ (b) one format, YAML or JSON


def test_the_json_equals_the_yaml() -> None:
    assert json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")) == _example(), (
        "examples/harbour-deal.json differs from the YAML: regenerate it with\n"
        "python -c \"import json, yaml; d = yaml.safe_load(open('examples/harbour-deal.yaml', "
        "encoding='utf-8')); open('examples/harbour-deal.json', 'w', encoding='utf-8')"
        ".write(json.dumps(d, indent=2, ensure_ascii=False) + '\\n')\""
    )


@pytest.mark.parametrize("path", [EXAMPLE_YAML, EXAMPLE_JSON], ids=["yaml", "json"])
def test_the_example_validates_against_the_models(path: Path) -> None:
    from kgraph.build import load_dataset

    dataset = load_dataset(path)
    assert dataset.source is not None
    assert dataset.source.sha256 is None and dataset.source.length is None, "add fills them from the text"
    assert dataset.source.file_name == EXAMPLE_TEXT.name
    assert 6 <= len(dataset.claims) <= 10
    assert {c.modality for c in dataset.claims} >= {"asserted", "reported", "alleged", "curatorInferred"}
    chains = [c.attributed_to for c in dataset.claims if len(c.attributed_to) > 1]
    assert chains == [["orrin-institute", "ardessan-ledger"]]


def test_the_example_uses_declared_relations_and_classes() -> None:
    import rdflib

    from kgraph.vocab import KG

    ontology = rdflib.Graph()
    for name in ("kgraph.ttl", "relations.ttl"):
        ontology.parse(ROOT / "src" / "kgraph" / "ontology" / name)
    data = _example()
    for claim in data["claims"]:
        predicate = claim["predicate"]
        if ":" not in predicate:
            assert (KG[predicate], rdflib.RDF.type, rdflib.OWL.ObjectProperty) in ontology, predicate
    for entity in data["actors"] + data["events"]:
        assert (KG[entity["type"]], rdflib.RDF.type, rdflib.OWL.Class) in ontology, entity["type"]


def test_the_example_names_the_bundled_schema() -> None:
    """The example's first line is the yaml-language-server modeline naming examples/claims.schema.json."""
    assert (
        EXAMPLE_YAML.read_text(encoding="utf-8").splitlines()[0]
        == "# yaml-language-server: $schema=claims.schema.json"
    )
    schema = json.loads(EXAMPLE_SCHEMA.read_text(encoding="utf-8"))
    assert schema["additionalProperties"] is False, "unknown top-level keys are refused"
    assert {"source", "sources", "curator", "actors", "events", "claims"} <= set(schema["properties"])


# ------------------------------------------------------------------ (c) our own words


def _words(text: str) -> list[str]:
    """Words as ../shared/tools/copied-sentences counts them."""
    return re.findall(r"[a-z0-9%]+", text.lower().replace("\u2019", "'"))


def _shingles(text: str, n: int = N_WORDS) -> set[str]:
    w = _words(text)
    return {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}


def _own_words(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, text) for every field the curators write in their own words."""
    source = data["source"]
    yield "source.description", source.get("description", "")
    for group in ("actors", "events"):
        for entity in data[group]:
            yield f"{entity['id']}.description", entity.get("description", "")
    for claim in data["claims"]:
        for name in ("text", "note"):
            yield f"{claim['key']}.{name}", claim.get(name) or ""
        for name, value in claim.get("qualifiers", {}).items():
            if isinstance(value, str):
                yield f"{claim['key']}.qualifiers.{name}", value


def test_the_shingle_check_catches_a_copy() -> None:
    text = "one two three four five six seven eight nine ten"
    assert _shingles("Two three four five six seven eight nine!") & _shingles(text)
    assert not _shingles("one two three four five six seven") & _shingles(text)


def test_no_claim_repeats_eight_words_of_the_text() -> None:
    source = _shingles(_text())
    copied = [
        (where, sorted(_shingles(t) & source)[0])
        for where, t in _own_words(_example())
        if _shingles(t) & source
    ]
    assert not copied, f"fields that repeat {N_WORDS}+ consecutive words of the example text: {copied}"


def test_curator_inferred_claims_say_why() -> None:
    for claim in _example()["claims"]:
        if claim["modality"] == "curatorInferred":
            assert claim.get("note"), f"{claim['key']}: a curatorInferred claim needs a note"


# ------------------------------------------------------------------ (d) the walkthrough


def test_the_guide_walks_through_this_example() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for command in (
        "$ kgraph add examples/harbour-deal.yaml --source-text examples/harbour-deal.txt"
        " --graph my-graph.ttl",
        "$ kgraph show Ardessa -g my-graph.ttl",
        "$ kgraph claims -g my-graph.ttl",
        "$ kgraph validate -g my-graph.ttl --source-text examples/harbour-deal.txt",
    ):
        assert command in guide, f"docs/authoring.md lost the walkthrough step {command!r}"


def test_walkthrough_add_show_validate(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The new user copies the example, as docs/authoring.md says.
    work = tmp_path / "examples"
    work.mkdir()
    for path in (EXAMPLE_YAML, EXAMPLE_TEXT):
        shutil.copy(path, work / path.name)
    claims, text = work / EXAMPLE_YAML.name, work / EXAMPLE_TEXT.name
    graph = tmp_path / "my-graph.ttl"

    dry = run_cli("add", claims, "--source-text", text, "--graph", graph, "--dry-run")
    assert dry.code == 0, dry.err
    assert not graph.exists(), "--dry-run writes nothing"

    added = run_cli("add", claims, "--source-text", text, "--graph", graph)
    assert added.code == 0, added.err
    assert graph.is_file()
    first = graph.read_bytes()
    assert b"Republic of Calvenia" in first  # an alias, stored
    assert b"a concession worth 840 million" not in first, "quotes become offsets and are never stored"

    ardessa = run_cli("show", "Ardessa", "-g", graph)
    assert ardessa.code == 0, ardessa.err
    assert "kgr:ardessa" in ardessa.out
    assert "supplies arms to" in ardessa.out
    assert (
        "Calvenia · 45% of Calvenia's arms imports, 2024 · reported by Orrin Institute for Maritime Studies, "
        "via The Ardessan Ledger · harbour-deal@828-870"
    ) in ardessa.out
    assert "Tessaline Harbour Group · asserted · harbour-deal@410-449" in ardessa.out

    tessaline = run_cli("show", "Tessaline", "-g", graph)  # an alias finds the actor too
    assert tessaline.code == 0, tessaline.err
    assert (
        "Port Selmira Container Terminal · from 2026-01, lasting P30Y · asserted · harbour-deal@532-562"
        in (tessaline.out)
    )
    assert (
        "Calvenian Ministry of Ports and Shipping · 840 million USD, running and expanding the Port Selmira "
        "Container Terminal, 2025-11-12 · asserted · harbour-deal@322-363"
    ) in tessaline.out
    assert "Ilvo Marten · reported by Ilvo Marten · harbour-deal@1197-1237" in tessaline.out

    listed = run_cli("claims", "-g", graph, "--format", "json")
    assert listed.code == 0, listed.err
    rows = json.loads(listed.out)
    assert len(rows) == 9
    assert {r["key"]: r["modality"] for r in rows}["navy-base-annex"] == "alleged"

    validated = run_cli("validate", "-g", graph, "--source-text", text)
    assert validated.code == 0, validated.out + validated.err
    assert "conforms" in validated.err
    assert "evidence verified against 1 source text" in validated.err

    again = run_cli("add", claims, "--source-text", text, "--graph", graph)
    assert again.code == 0, again.err
    assert graph.read_bytes() == first, "adding the same file twice adds nothing"
    # Only changes are listed: nothing here, and stderr says the graph was left as it was.
    assert (again.out, again.err.splitlines()[-1]) == ("", f"{graph}: nothing to add; left as it was")


def test_walkthrough_the_json_adds_the_same_graph(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from_yaml, from_json = tmp_path / "yaml.ttl", tmp_path / "json.ttl"
    assert run_cli("add", EXAMPLE_YAML, "--source-text", EXAMPLE_TEXT, "--graph", from_yaml).code == 0
    assert run_cli("add", EXAMPLE_JSON, "--source-text", EXAMPLE_TEXT, "--graph", from_json).code == 0
    yaml_claims = run_cli("claims", "-g", from_yaml, "--format", "json")
    json_claims = run_cli("claims", "-g", from_json, "--format", "json")
    assert yaml_claims.code == json_claims.code == 0
    assert json.loads(yaml_claims.out) == json.loads(json_claims.out)


def test_kgraph_schema_prints_the_bundled_schema(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("schema")
    assert result.code == 0, result.err
    assert result.out == EXAMPLE_SCHEMA.read_text(encoding="utf-8"), (
        "examples/claims.schema.json is stale: regenerate it with "
        "`kgraph schema > examples/claims.schema.json`"
    )
