"""benchmarks/generate.py: the synthetic corpus is deterministic, valid and shaped like the bundled graph."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

from kgraph.namespaces import KG, KGR, RDF, SCHEMA, SKOS, XSD, sparql_prologue

from .conftest import BUNDLED_TTL, ROOT

SCRIPT = ROOT / "benchmarks" / "generate.py"
BUNDLED_TRIPLES = sum(1 for _ in ox.parse(path=str(BUNDLED_TTL), format=ox.RdfFormat.TURTLE))
_SUFFIX = re.compile(r"-c(\d+)(?![0-9a-z])")


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_generate", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


gen = _load()


def _generate(out: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, int]:
    """Run the command; (triples, copies) as it reports them on stderr."""
    capsys.readouterr()
    assert gen.main(["-o", str(out), *args]) == 0
    err = capsys.readouterr().err
    m = re.match(r"(\d+) triples, (\d+) copies, [\d.]+ s -> ", err)
    assert m, err
    return int(m.group(1)), int(m.group(2))


def _parse(path: Path) -> list[ox.Triple]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "corpus.nt"
    assert gen.main(["--triples", "10k", "--seed", "7", "-o", str(out)]) == 0
    return out


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b, c = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    n_a = _generate(a, capsys, "--triples", "10k", "--seed", "7")
    assert _generate(b, capsys, "--triples", "10000", "--seed", "7") == n_a
    _generate(c, capsys, "--triples", "10k", "--seed", "8")
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    triples, copies = n_a
    assert triples >= 10_000 and copies >= 2
    assert triples == a.read_bytes().count(b"\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.nt", "b.nt", "c.nt"]  # no temporary left


def test_stops_at_the_first_copy_boundary_at_or_past_the_size(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.nt"
    assert _generate(out, capsys, "--triples", str(BUNDLED_TRIPLES)) == (BUNDLED_TRIPLES, 1)
    triples, copies = _generate(out, capsys, "--triples", str(BUNDLED_TRIPLES + 1))
    assert copies == 2 and BUNDLED_TRIPLES < triples < 2 * BUNDLED_TRIPLES


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    small, large = tmp_path / "small.nt", tmp_path / "large.nt"
    _generate(small, capsys, "--triples", "10k")
    _generate(large, capsys, "--triples", "20k")
    assert large.read_bytes().startswith(small.read_bytes())


def test_sizes_and_bad_arguments(tmp_path: Path) -> None:
    assert [gen.parse_size(s) for s in ("10k", "100K", "1M", "3m", "2.5M", "1_000_000", "42")] == [
        10_000,
        100_000,
        1_000_000,
        3_000_000,
        2_500_000,
        1_000_000,
        42,
    ]
    with pytest.raises(SystemExit) as e:
        gen.main(["--triples", "lots", "-o", str(tmp_path / "x.nt")])
    assert e.value.code == 2
    with pytest.raises(SystemExit, match="hub 'Atlantis' names nothing"):
        gen.main(["--hubs", "Israel,Atlantis", "-o", str(tmp_path / "x.nt")])
    assert not list(tmp_path.iterdir())


def test_copy_zero_is_the_bundled_graph(corpus: Path) -> None:
    bundled = set(ox.parse(path=str(BUNDLED_TTL), format=ox.RdfFormat.TURTLE))
    triples = _parse(corpus)
    assert set(triples[:BUNDLED_TRIPLES]) == bundled
    assert len(set(triples)) == len(triples)  # no triple written twice


def test_shape_of_the_copies(corpus: Path) -> None:
    triples = _parse(corpus)
    store = ox.Store()
    store.bulk_extend(triples)
    iris = {
        t.value
        for tr in triples
        for t in (tr.subject, tr.predicate, tr.object)
        if isinstance(t, ox.NamedNode)
    }
    # Hubs are shared: no renamed copy of them; vocabulary is never renamed.
    for hub in ("israel", "azerbaijan", "iran", "armenia", "russia", "turkey"):
        assert KGR + hub in iris and KGR + hub + "-c1" not in iris
    assert not any(_SUFFIX.search(i) for i in iris if not i.startswith(KGR))
    # Evidence IRIs keep the claim's IRI as their stem, the suffix before "-ev1".
    assert any(re.fullmatch(re.escape(KGR) + r"claim-[0-9a-f]{16}-c1-ev1-target", i) for i in iris)
    # Source digests are still SHA-256 hex digits, one per copy.
    digests = [t.object.value for t in triples if t.predicate.value == SCHEMA + "sha256"]
    assert len(digests) == len(set(digests)) >= 2
    assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests)
    # Dates keep valid lexical forms; a source's publication date stays in the year it had.
    years: dict[str, set[int]] = {}
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal) and o.datatype.value == XSD + "date":
            year = dt.date.fromisoformat(o.value).year
            years.setdefault(_SUFFIX.sub("", str(t.subject)) + str(t.predicate), set()).add(year)
        if isinstance(o, ox.Literal) and o.datatype.value == XSD + "gYear":
            assert re.fullmatch(r"-?\d{4,}", o.value)
    assert years and all(len(y) == 1 for y in years.values())
    q = sparql_prologue()
    # Every claim a kg:supports names is in the corpus; every direct triple a claim reifies has an
    # asserted claim (or is a Wikidata link) behind it, as in the bundled graph.
    assert not list(store.query(q + "SELECT * { ?a kg:supports ?b FILTER NOT EXISTS { ?b a kg:Claim } }"))
    direct = """SELECT * {
      ?c a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?s ?p ?o .
      FILTER (?p != skos:exactMatch)
      FILTER NOT EXISTS { ?d a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                          kg:modality kg:asserted } }"""
    assert not list(store.query(q + direct))
    # Some claims were left out of the second copy, most were kept.
    claims = [
        t.subject.value
        for t in triples
        if t.predicate.value == RDF + "type" and t.object.value == KG + "Claim"
    ]
    per_copy = Counter(m.group(1) if (m := _SUFFIX.search(c)) else "0" for c in claims)
    assert 0.75 * per_copy["0"] < per_copy["1"] < per_copy["0"]


def test_non_hub_labels_are_unique_per_copy(corpus: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    triples = _parse(corpus)
    actors = {
        t.subject for t in triples if t.predicate.value == RDF + "type" and t.object.value == KG + "Actor"
    }
    labels = Counter(
        t.object.value for t in triples if t.predicate.value == SKOS + "prefLabel" and t.subject in actors
    )
    assert labels and max(labels.values()) == 1
    assert {"Aeronautics Defense Systems", "Aeronautics Defense Systems c1", "Israel"} <= set(labels)
    r = run_cli("show", "Aeronautics Defense Systems c1", "--graph", corpus, "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["iri"] == KGR + "aeronautics-defense-systems-c1"


def test_kgraph_reads_the_corpus(corpus: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    bundled = run_cli("stats", "--format", "json")
    r = run_cli("stats", "--graph", corpus, "--format", "json")
    assert (bundled.code, r.code) == (0, 0), r.err
    big, small = json.loads(r.out), json.loads(bundled.out)
    assert big["triples"] >= 10_000
    assert big["claims"] > small["claims"] and big["sources"] > small["sources"]


def test_a_hub_gathers_claims_from_every_copy(corpus: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", "Israel", "--graph", corpus, "--format", "json")
    assert r.code == 0, r.err
    card = json.loads(r.out)
    assert card["iri"] == KGR + "israel"
    ids: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(i := node.get("id"), str) and i.startswith(KGR + "claim-"):
                ids.add(i)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card)
    copies = {m.group(1) if (m := _SUFFIX.search(i)) else "0" for i in ids}
    assert len(copies) >= 2
