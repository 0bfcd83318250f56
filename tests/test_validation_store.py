"""Validation of a store or an endpoint, in batches: the very report the whole-graph check gives.

Each graph is checked from its file (the whole graph at once, the reference), from an on-disk
store made by `kgraph load`, and from a real `oxigraph serve-read-only` on 127.0.0.1; the reports
are compared field by field. Seeded mutations of the fixtures test that no fault slips past the
SPARQL that picks the suspects.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

import kgraph
from kgraph.errors import ParameterError, SourceTextMismatch
from kgraph.store import load_into_store
from kgraph.validation import ValidationReport, validate
from tests.servers import Server, start_oxigraph

from .conftest import ARTICLE_TEXT, BUNDLED_TTL, TINY_TEXT, TINY_TTL
from .test_validation import FAULTS, FAULTY_TTL, PREFIXES

GRAPHS = {"tiny": TINY_TTL, "faulty": FAULTY_TTL, "bundled": BUNDLED_TTL}
CASES = [("tiny", True), ("faulty", False), ("faulty", True), ("bundled", False)]
"""(graph, with its source text): the bundled graph's text is checked in its own test."""

XSD = "http://www.w3.org/2001/XMLSchema#"
KGR = "https://w3id.org/kgraph/id/"


def texts(name: str, with_text: bool) -> list[Path]:
    return [TINY_TEXT] if with_text and name != "bundled" else []


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("validate-stores")
    out = {}
    for name, path in GRAPHS.items():
        load_into_store(folder / name, [path])
        out[name] = folder / name
    return out


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    started: dict[str, Server] = {}
    try:
        for name in ("tiny", "faulty"):
            started[name] = start_oxigraph([GRAPHS[name]], tmp_path_factory.mktemp(f"oxigraph-{name}"))
        yield started
    finally:
        for server in started.values():
            server.stop()


def same(a: ValidationReport, b: ValidationReport) -> None:
    assert a.model_dump() == b.model_dump()


# ---------------------------------------------------------------- the same report every way


@pytest.mark.parametrize(("name", "with_text"), CASES)
def test_a_store_gives_the_report_of_its_file(stores: dict[str, Path], name: str, with_text: bool) -> None:
    whole = validate(kgraph.open(GRAPHS[name]), texts(name, with_text))
    batched = validate(kgraph.open(store=stores[name]), texts(name, with_text))
    same(whole, batched)
    if name == "faulty":
        assert {(v.focus, v.rule) for v in batched.violations} >= FAULTS


@pytest.mark.parametrize(("name", "with_text"), [c for c in CASES if c[0] != "bundled"])
def test_an_oxigraph_server_gives_the_report_of_its_file(
    servers: dict[str, Server], name: str, with_text: bool
) -> None:
    whole = validate(kgraph.open(GRAPHS[name]), texts(name, with_text))
    same(whole, validate(kgraph.open(endpoint=servers[name].url), texts(name, with_text)))


def test_the_bundled_graph_over_a_server_with_the_article(oxigraph_server: Server, article_text: str) -> None:
    whole = validate(kgraph.open(BUNDLED_TTL), [ARTICLE_TEXT])
    remote = validate(kgraph.open(endpoint=oxigraph_server.url), [ARTICLE_TEXT])
    same(whole, remote)
    assert remote.conforms and len(remote.not_anchored) == 26 and len(remote.source_texts) == 1


def test_the_batch_size_changes_nothing_but_the_number_of_batches() -> None:
    whole = validate(kgraph.open(FAULTY_TTL), [TINY_TEXT])
    batches = {}
    for size in (1, 3, 1000):
        steps: list[tuple[int, int | None]] = []
        report = validate(kgraph.open(FAULTY_TTL), [TINY_TEXT], batch_size=size, progress=steps_into(steps))
        same(whole, report)
        assert [d for d, _ in steps] == list(range(1, len(steps) + 1))
        assert steps[-1][0] == steps[-1][1]  # the last step is the last of the total
        # 14 shapes with targets, counts, dates, evidence, locators and the plan; then the batches.
        batches[size] = len(steps) - 19
    roots = batches[1]  # one node a batch: the suspects, each fault's node among them
    assert roots >= len({v.iri for v in whole.violations})
    assert (batches[3], batches[1000]) == (-(-roots // 3), 1)


def steps_into(steps: list[tuple[int, int | None]]) -> Callable[[int, int | None], None]:
    return lambda done, total: steps.append((done, total))


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"^batch_size: must be a whole number of at least 1, not 0$"):
        validate(kgraph.open(TINY_TTL), batch_size=0)


# ---------------------------------------------------------------- what the batches must see


def graph_file(tmp_path: Path, turtle: str) -> Path:
    path = tmp_path / "g.ttl"
    path.write_text(PREFIXES + turtle, encoding="utf-8")
    return path


def both_ways(path: Path) -> ValidationReport:
    whole = validate(kgraph.open(path))
    batched = validate(kgraph.open(path), batch_size=2)
    same(whole, batched)
    return batched


def test_the_datas_own_subclass_of_actor_is_a_specific_type(tmp_path: Path) -> None:
    path = graph_file(
        tmp_path,
        """
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        kgr:Militia rdfs:subClassOf kg:Actor .
        kgr:m a kgr:Militia ; skos:prefLabel "M"@en .
        kgr:n a kg:Actor ; skos:prefLabel "N"@en .
        """,
    )
    report = both_ways(path)
    assert [(v.focus, v.rule) for v in report.violations] == [("kgr:n", "actor-type")]
    assert report.actors == 2


def test_a_source_in_another_batch_is_still_a_source(tmp_path: Path) -> None:
    # Two claims, each its own batch of one; the second names a node that is not a source.
    claims = "".join(
        f"""
        kgr:c{i} a kg:Claim ; dcterms:identifier "c{i}" ; dcterms:description "C"@en ;
            rdf:subject kgr:a ; rdf:predicate kg:x ; rdf:object kgr:a ;
            kg:modality kg:asserted ; prov:wasDerivedFrom {src} .
        kgr:c{i}-ev a oa:Annotation ; oa:hasBody kgr:c{i} ; oa:hasTarget [ a oa:SpecificResource ;
            oa:hasSource {src} ; oa:hasSelector [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 5 ] ] .
        """
        for i, src in ((1, "kgr:zz-source"), (2, "kgr:a"))
    )
    path = graph_file(
        tmp_path,
        claims
        + """
        kgr:zz-source a kg:SourceDocument ; schema:sha256 "%s" ; kg:textLength 404 .
        kgr:a a kg:Actor, kg:State ; skos:prefLabel "A"@en .
        """
        % ("0" * 64),
    )
    report = validate(kgraph.open(path), batch_size=1)
    same(validate(kgraph.open(path)), report)
    assert {(v.focus, v.rule) for v in report.violations} == {
        ("c2", "claim-source"),
        ("c2", "claim-evidence"),
        ("c2", "evidence-target"),
        ("c2", "offsets-held"),
    }


def test_a_blank_node_outside_any_evidence_is_checked_with_the_whole_graph(tmp_path: Path) -> None:
    path = graph_file(tmp_path, "[] a kg:Actor, kg:State .")
    store = tmp_path / "st"
    load_into_store(store, [path])
    report = validate(kgraph.open(store=store))
    assert [(v.kind, v.rule) for v in report.violations] == [("actor", "actor-label")]
    assert report.violations[0].focus.startswith("_:")


# ---------------------------------------------------------------- no fault slips through


def mutants(path: Path, seed: int, n: int) -> Iterator[list[Triple]]:
    """The graph with one triple taken out, or its object replaced by a likely wrong value."""
    triples = sorted(parse(path=str(path), format=RdfFormat.TURTLE), key=str)
    rng = random.Random(seed)
    wrong = [
        Literal("x"),
        Literal("-1", datatype=NamedNode(XSD + "integer")),
        Literal("2023-02-29", datatype=NamedNode(XSD + "date")),
        Literal("7", datatype=NamedNode(XSD + "decimal")),
        Literal("dup", language="en"),
        NamedNode(KGR + "nowhere"),
    ]
    for _ in range(n):
        i = rng.randrange(len(triples))
        t = triples[i]
        if rng.random() < 0.5:
            yield triples[:i] + triples[i + 1 :]
        else:
            yield [*triples[:i], Triple(t.subject, t.predicate, rng.choice(wrong)), *triples[i + 1 :]]


@pytest.mark.parametrize(("name", "seed"), [("tiny", 1), ("faulty", 2)])
def test_mutated_graphs_give_the_same_report_in_batches(tmp_path: Path, name: str, seed: int) -> None:
    for k, triples in enumerate(mutants(GRAPHS[name], seed, 12)):
        path = tmp_path / f"{name}-{k}.nt"
        path.write_bytes(serialize(triples, format=RdfFormat.N_TRIPLES))
        kg = kgraph.open(path)
        assert outcome(kg, None) == outcome(kg, 4), path.read_text(encoding="utf-8")


def outcome(kg: kgraph.KGraph, batch_size: int | None) -> object:
    try:
        return validate(kg, [TINY_TEXT], batch_size=batch_size).model_dump()
    except SourceTextMismatch as e:  # a mutant whose hash no longer matches the text
        return str(e)
