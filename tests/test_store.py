"""Backends: files, an on-disk store, a SPARQL endpoint on loopback; parse errors with positions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Store

from kgraph.endpoint import EndpointBackend
from kgraph.errors import (
    EndpointError,
    InputFileError,
    QuerySyntaxError,
    QueryTimeoutError,
    RdfSyntaxError,
    UsageError,
)
from kgraph.namespaces import KGR, sparql_prologue
from kgraph.store import (
    OxigraphBackend,
    SelectResult,
    check_projected,
    check_timeout,
    load_into_store,
    open_backend,
    parse_file,
    values_block,
)

from .conftest import TINY_TTL

LABELS = "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?label"


def _labels(result: object) -> list[str]:
    assert isinstance(result, SelectResult)
    return [row["label"].value for row in result.rows]  # type: ignore[union-attr]


def test_files_are_read_as_one_graph(tmp_path: Path) -> None:
    extra = tmp_path / "extra.nt"
    extra.write_text(f'<{KGR}zeta> <http://www.w3.org/2004/02/skos/core#prefLabel> "Zeta"@en .\n')
    backend = open_backend([TINY_TTL, extra])
    assert _labels(backend.query(LABELS))[-1] == "Zeta"
    assert len(_labels(backend.query(LABELS))) == len(_labels(open_backend([TINY_TTL]).query(LABELS))) + 1


def test_env_variable_names_the_default_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGRAPH_GRAPH", str(TINY_TTL))
    assert "Alphaland" in _labels(open_backend().query(LABELS))


def test_bindings_are_values_not_syntax() -> None:
    backend = open_backend([TINY_TTL])
    hostile = Literal('Alphaland" } UNION { ?s ?p ?label } #')
    result = backend.query("SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }", {"label": hostile})
    assert isinstance(result, SelectResult) and result.rows == []
    found = backend.query(
        "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }", {"label": Literal("Alphaland", language="en")}
    )
    assert [r["s"] for r in found.rows] == [NamedNode(KGR + "alphaland")]  # type: ignore[union-attr]
    assert values_block("x", [hostile]) == 'VALUES ?x { "Alphaland\\" } UNION { ?s ?p ?label } #" }'


@pytest.mark.parametrize(
    ("content", "name", "where"),
    [
        ("<http://a> <http://b> .\n", "bad.ttl", ":1:"),
        ('@prefix x: <http://x/> .\nx:a x:b x:c ;\n  x:d .\nx:e x:f "open\n', "bad.ttl", ":3:"),
        ("<http://a> <http://b> <http://c>\n", "bad.nt", ":"),
    ],
)
def test_malformed_rdf_names_file_and_line(tmp_path: Path, content: str, name: str, where: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(RdfSyntaxError) as info:
        parse_file(path)
    message = str(info.value)
    assert message.startswith(str(path) + where) and "\n" not in message


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        # pyoxigraph 0.5 says "at line 1 between columns 1 and 4": the position comes from the error.
        ("foo bar baz .\n", "a.ttl", ":1:1: foo is not a valid subject or graph name"),
        ("<http://a> <http://b> .\n", "b.nt", ":1:23: The object of a triple must be"),
        ("@prefix x: <http://x/> .\nx:a x:b x:c ;\n  x:d .\n", "c.ttl", ":3:7: "),
        ('{"@id": 3}', "d.jsonld", ": @id value must be a string"),
    ],
)
def test_rdf_syntax_errors_say_where_once(tmp_path: Path, content: str, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(RdfSyntaxError) as info:
        parse_file(path)
    message = str(info.value)
    assert message.startswith(str(path) + expected), message
    # The position is said once, as path:line:column, not again as "(line N)" or "Parser error at".
    assert "(line " not in message and "Parser error" not in message and "column" not in message
    with pytest.raises(RdfSyntaxError) as loaded:
        open_backend([path])
    assert str(loaded.value) == message


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such graph file"):
        parse_file(tmp_path / "missing.ttl")
    odd = tmp_path / "graph.docx"
    odd.write_text("x")
    with pytest.raises(InputFileError, match=r"unknown RDF file type \.docx"):
        parse_file(odd)
    with pytest.raises(InputFileError, match="no such store directory"):
        open_backend(store=tmp_path / "nostore")


def test_sparql_errors_carry_line_and_column() -> None:
    backend = open_backend([TINY_TTL])
    with pytest.raises(QuerySyntaxError, match=r"line 2, column \d+"):
        backend.query("SELECT ?s\nWHERE { ?s ?p }")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (0, None),
        (0.0, None),
        (2, 2.0),
        (0.5, 0.5),
        (threading.TIMEOUT_MAX, threading.TIMEOUT_MAX),
    ],
)
def test_check_timeout_accepts(value: float | None, expected: float | None) -> None:
    assert check_timeout(value) == expected


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), float("-inf"), -1, -0.5, 1e300, threading.TIMEOUT_MAX * 2]
)
def test_check_timeout_refuses(value: float) -> None:
    with pytest.raises(UsageError, match="--timeout must be") as caught:
        check_timeout(value)
    assert "\n" not in str(caught.value)
    # Every backend checks it the same way, before anything runs.
    with pytest.raises(UsageError, match="--timeout must be"):
        open_backend([TINY_TTL]).query("ASK {}", timeout=value)
    with pytest.raises(UsageError, match="--timeout must be"):
        EndpointBackend("http://127.0.0.1:9/sparql").query("ASK {}", timeout=value)


def test_engine_refusals_are_usage_errors() -> None:
    backend = open_backend([TINY_TTL])
    with pytest.raises(UsageError, match=r"^the query cannot run: .*\?s") as caught:
        backend.query("SELECT ?label WHERE { ?s skos:prefLabel ?label }", {"s": NamedNode(KGR + "betastan")})
    assert "\n" not in str(caught.value)
    with pytest.raises(UsageError, match=r"the query cannot run: .*fixes only variables"):
        check_projected("SELECT ?label WHERE { ?s skos:prefLabel ?label }", {"s": NamedNode(KGR + "x")})
    check_projected("SELECT ?s WHERE { ?s skos:prefLabel ?label }", {"s": NamedNode(KGR + "x")})
    check_projected("ASK { ?s ?p ?o }", {"s": NamedNode(KGR + "x")})
    with pytest.raises(UsageError, match="fixes only variables"):
        check_projected("DESCRIBE ?s WHERE { ?s ?p ?o }", {"o": NamedNode(KGR + "x")})


def test_an_ask_is_never_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    # Oxigraph runs an ASK to prepare it, SERVICE calls and all: no local store may see one.
    import kgraph.store

    prepared: list[str] = []
    monkeypatch.setattr(kgraph.store, "Store", lambda: prepared.append("store") or Store())
    check_projected("ASK { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", {"s": NamedNode(KGR + "x")})
    check_projected("CONSTRUCT WHERE { ?s ?p ?o }", {"s": NamedNode(KGR + "x")})
    assert prepared == []
    check_projected("SELECT ?s WHERE { ?s ?p ?o }", {"s": NamedNode(KGR + "x")})
    assert prepared == ["store"]
    check_projected("not SPARQL at all", {"s": NamedNode(KGR + "x")})  # left for the endpoint to judge


def test_base_iri_resolves_relative_iris() -> None:
    backend = open_backend([TINY_TTL])
    assert isinstance(backend, OxigraphBackend)
    found = backend.query("SELECT ?x WHERE { BIND(<rel> AS ?x) }", base_iri="http://example.org/q/")
    assert [r["x"] for r in found] == [NamedNode("http://example.org/q/rel")]  # type: ignore[union-attr]


def test_timeout_stops_waiting(tmp_path: Path) -> None:
    path = tmp_path / "big.nt"
    path.write_text("".join(f'<http://e/{i}> <http://p/v> "{i}" .\n' for i in range(3000)))
    backend = open_backend([path])
    # Rows, not an aggregate: the worker checks for cancellation between rows and stops.
    slow = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }"
    with pytest.raises(QueryTimeoutError, match=r"stopped after 0\.05 s"):
        backend.query(slow, timeout=0.05)


def test_on_disk_store_holds_what_was_loaded(tmp_path: Path) -> None:
    count = load_into_store(tmp_path / "db", [TINY_TTL])
    assert count == len(parse_file(TINY_TTL))
    backend = open_backend(store=tmp_path / "db")
    assert "Betastan" in _labels(backend.query(LABELS))


def test_failed_load_leaves_store_untouched(tmp_path: Path) -> None:
    load_into_store(tmp_path / "db", [TINY_TTL])
    bad = tmp_path / "bad.ttl"
    # Valid triples first, an error at the end: nothing of it may reach the store.
    bad.write_text(
        "".join(f"<http://a/{i}> <http://b> <http://c> .\n" for i in range(500)) + "<http://a> <http://b> .\n"
    )
    with pytest.raises(RdfSyntaxError):
        load_into_store(tmp_path / "db", [TINY_TTL, bad])
    assert len(OxigraphBackend.open_directory(tmp_path / "db").store) == len(parse_file(TINY_TTL))


# ---------------------------------------------------------------- a SPARQL endpoint on loopback


@pytest.fixture
def endpoint(loopback_endpoint) -> str:  # type: ignore[no-untyped-def]
    return str(loopback_endpoint.url)


def test_endpoint_answers_like_local_files(endpoint: str) -> None:
    remote, local = open_backend(endpoint=endpoint), open_backend([TINY_TTL])
    assert _labels(remote.query(LABELS)) == _labels(local.query(LABELS))
    assert remote.query("ASK { ?s a kg:Claim }") is True
    bound = remote.query(LABELS.replace(" ORDER BY ?label", ""), {"s": NamedNode(KGR + "betastan")})
    assert _labels(bound) == ["Betastan"]
    construct = remote.query("CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l }")
    assert isinstance(construct, list) and len(construct) == len(_labels(local.query(LABELS)))
    assert sparql_prologue().startswith("PREFIX kg:")


def test_endpoint_refuses_a_binding_the_select_does_not_return(endpoint: str) -> None:
    # A trailing VALUES block would bind nothing and the endpoint would answer every row.
    query = LABELS.replace(" ORDER BY ?label", "").replace("?s ?label WHERE", "?label WHERE")
    with pytest.raises(UsageError, match="fixes only variables the top-level SELECT returns") as remote:
        open_backend(endpoint=endpoint).query(query, {"s": NamedNode(KGR + "betastan")})
    with pytest.raises(UsageError) as local:
        open_backend([TINY_TTL]).query(query, {"s": NamedNode(KGR + "betastan")})
    assert str(remote.value) == str(local.value)


def test_endpoint_errors_are_one_line(endpoint: str) -> None:
    with pytest.raises(EndpointError, match="answered HTTP 400"):
        EndpointBackend(endpoint).query("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(EndpointError, match="could not be reached"):
        EndpointBackend("http://127.0.0.1:9/sparql", retries=0).query("ASK {}", timeout=2)
    with pytest.raises(Exception, match="must be an http"):
        EndpointBackend("ftp://example.org/sparql")


def test_atomic_write_failures_are_usage_errors(tmp_path: Path) -> None:
    from kgraph.errors import OutputFileError
    from kgraph.fileio import atomic_write

    target = tmp_path / "out.ttl"
    target.write_text("old")
    with pytest.raises(OutputFileError, match="does not exist"):
        atomic_write(tmp_path / "missing" / "x.ttl", "new")
    with pytest.raises(OutputFileError, match="is a directory"):
        atomic_write(tmp_path, "new")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]  # no temporary file left behind
