"""`kgraph push` and `kgraph pull` against real servers: a writable Oxigraph server and Virtuoso 7.

Every push is checked by its effect on the server (what a query or a pull finds there), every
pull by the triples of the file it wrote.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, RdfFormat, Store, Triple, parse

from tests.conftest import BUNDLED_TTL, TINY_TTL
from tests.servers import Server, free_port, oxigraph_binary, start_oxigraph

GRAPH = "https://example.org/graph/claims"


def _triples(path: Path, fmt: RdfFormat | None = None) -> set[Triple]:
    return {q.triple for q in parse(path=str(path), format=fmt)}


BUNDLED_COUNT = len(_triples(BUNDLED_TTL))


def _count(server: Server, graph: str | None = None) -> int:
    """The triples the server holds in its default graph, or in ``graph``."""
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    query = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"})
    request = urllib.request.Request(
        f"{server.url}?{query}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return int(json.load(r)["results"]["bindings"][0]["n"]["value"])


def _put(server: Server, data: str, graph: str | None = None) -> None:
    """Fill a graph of the server directly, without kgraph."""
    target = f"graph={urllib.parse.quote(graph, safe='')}" if graph else "default"
    request = urllib.request.Request(
        f"{server.extra['store']}?{target}",
        data=data.encode(),
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


JUNK = '<https://example.org/junk> <https://example.org/p> "left over" .\n'


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A writable `oxigraph serve`, empty, for this module."""
    if oxigraph_binary() is None:
        pytest.fail("the Oxigraph server is missing: pip install -e '.[test]' installs it")
    server = start_oxigraph([], tmp_path_factory.mktemp("oxigraph-rw"), read_only=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KGRAPH_ENDPOINT_USER", "KGRAPH_ENDPOINT_PASSWORD", "KGRAPH_ENDPOINT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KGRAPH_RETRIES", "0")


# ---------------------------------------------------------------- push


def test_push_files_then_pull_gives_the_same_triples(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    store = oxigraph.extra["store"]
    r = run_cli("push", BUNDLED_TTL, "--endpoint", oxigraph.url)
    assert (r.code, r.out) == (0, ""), r.err
    assert r.err == f"{store}: {BUNDLED_COUNT:,} triples in 1 batch into the default graph\n"
    assert _count(oxigraph) == BUNDLED_COUNT

    out = tmp_path / "pulled.ttl"
    r = run_cli("pull", "--endpoint", oxigraph.url, "-o", out)
    assert (r.code, r.out) == (0, ""), r.err
    assert r.err == f"{store}: {BUNDLED_COUNT:,} triples from the default graph into {out}\n"
    assert _triples(out) == _triples(BUNDLED_TTL)
    assert out.read_text().startswith("@prefix ")  # kgraph's prefixes
    assert "kg:Claim" in out.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["pulled.ttl"]  # no temporary file left


def test_push_twice_is_idempotent(run_cli, oxigraph: Server) -> None:
    _put(oxigraph, JUNK)
    for _ in range(2):
        r = run_cli("push", BUNDLED_TTL, "--endpoint", oxigraph.url)
        assert r.code == 0, r.err
        assert _count(oxigraph) == BUNDLED_COUNT  # the junk replaced, nothing doubled
    r = run_cli("stats", "--endpoint", oxigraph.url, "-f", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["triples"] == BUNDLED_COUNT


def test_push_a_store(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    from kgraph.store import load_into_store

    folder = tmp_path / "db"
    load_into_store(folder, [TINY_TTL])
    r = run_cli("push", "--store", folder, "--endpoint", oxigraph.url, "--graph-iri", GRAPH + "/tiny")
    tiny = len(_triples(TINY_TTL))
    assert (r.code, r.out) == (0, ""), r.err
    assert r.err == f"{oxigraph.extra['store']}: {tiny:,} triples in 1 batch into <{GRAPH}/tiny>\n"
    out = tmp_path / "tiny.nt"
    r = run_cli("pull", "--endpoint", oxigraph.url, "--graph-iri", GRAPH + "/tiny", "-o", out)
    assert r.code == 0, r.err
    assert _triples(out) == _triples(TINY_TTL)


def test_push_into_a_named_graph(run_cli, oxigraph: Server) -> None:
    _put(oxigraph, JUNK)
    r = run_cli("push", BUNDLED_TTL, "--endpoint", oxigraph.url, "--graph-iri", GRAPH)
    assert r.code == 0, r.err
    assert r.err == f"{oxigraph.extra['store']}: {BUNDLED_COUNT:,} triples in 1 batch into <{GRAPH}>\n"
    assert _count(oxigraph) == 1  # the default graph is left alone
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?c a kg:Claim }} }}"
    r = run_cli("query", query, "--endpoint", oxigraph.url, "-f", "csv")
    assert (r.code, r.out) == (0, "n\r\n195\r\n")
    assert _count(oxigraph, GRAPH) == BUNDLED_COUNT


def test_small_batches_replace_then_append(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    graph = GRAPH + "/batches"
    _put(oxigraph, JUNK, graph)
    r = run_cli("push", BUNDLED_TTL, "--endpoint", oxigraph.url, "--graph-iri", graph, "--batch", "1000")
    assert (r.code, r.out) == (0, ""), r.err
    assert r.err == f"{oxigraph.extra['store']}: {BUNDLED_COUNT:,} triples in 6 batches into <{graph}>\n"
    # The first batch replaced the graph (the junk is gone), the other five added to it.
    out = tmp_path / "batches.nt"
    assert run_cli("pull", "--endpoint", oxigraph.url, "--graph-iri", graph, "-o", out).code == 0
    assert _triples(out) == _triples(BUNDLED_TTL)


def test_progress_is_reported_per_batch(oxigraph: Server) -> None:
    from kgraph.gsp import push

    seen: list[tuple[int, int]] = []
    result = push(
        [BUNDLED_TTL],
        endpoint=oxigraph.url,
        graph_iri=GRAPH + "/progress",
        batch=2500,
        progress=lambda sent, expected: seen.append((sent, expected)),
    )
    assert BUNDLED_COUNT > 5000  # three batches of 2,500
    n = BUNDLED_COUNT
    assert seen == [(2500, n), (5000, n), (n, n)]
    assert (result.triples, result.batches, result.graph_iri) == (n, 3, GRAPH + "/progress")


def test_blank_nodes_travel_together(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    # Each request's blank nodes are new nodes on the server: the triples of one blank node
    # must reach it in one request, however small the batches.
    source = tmp_path / "bnodes.ttl"
    source.write_text(
        "@prefix ex: <https://example.org/> .\n"
        + "".join(f'ex:s{i} ex:p "{i}" .\n' for i in range(5))
        + '_:a ex:name "a" ; ex:knows _:b .\n_:b ex:name "b" .\n'
        + "".join(f'ex:t{i} ex:p "{i}" .\n' for i in range(5))
    )
    graph = GRAPH + "/bnodes"
    r = run_cli("push", source, "--endpoint", oxigraph.url, "--graph-iri", graph, "--batch", "2")
    assert r.code == 0, r.err
    assert r.err.endswith(f"13 triples in 6 batches into <{graph}>\n")
    out = tmp_path / "bnodes.nt"
    assert run_cli("pull", "--endpoint", oxigraph.url, "--graph-iri", graph, "-o", out).code == 0
    pulled = _triples(out)
    assert len(pulled) == 13
    blank = {t.subject for t in pulled if isinstance(t.subject, BlankNode)}
    assert len(blank) == 2
    knows = [t for t in pulled if t.predicate.value == "https://example.org/knows"]
    assert len(knows) == 1 and knows[0].subject in blank and knows[0].object in blank


def test_pushing_nothing_empties_the_graph(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    graph = GRAPH + "/empty"
    _put(oxigraph, JUNK, graph)
    empty = tmp_path / "empty.nt"
    empty.write_text("")
    r = run_cli("push", empty, "--endpoint", oxigraph.url, "--graph-iri", graph)
    assert (r.code, r.err) == (0, f"{oxigraph.extra['store']}: 0 triples in 1 batch into <{graph}>\n")
    assert _count(oxigraph, graph) == 0


def test_a_malformed_file_sends_nothing(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    graph = GRAPH + "/untouched"
    _put(oxigraph, JUNK, graph)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n")
    r = run_cli("push", BUNDLED_TTL, bad, "--endpoint", oxigraph.url, "--graph-iri", graph)
    assert r.code == 2
    assert r.err.startswith(f"kgraph: {bad}:3:")
    assert _count(oxigraph, graph) == 1  # the first file was not sent either


def test_push_of_named_graph_files_merges_them(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    source = tmp_path / "two.trig"
    source.write_text(
        "@prefix ex: <https://example.org/> .\nex:g1 { ex:a ex:p ex:b . }\nex:g2 { ex:c ex:p ex:d . }\n"
    )
    graph = GRAPH + "/merged"
    r = run_cli("push", source, "--endpoint", oxigraph.url, "--graph-iri", graph)
    assert r.code == 0, r.err
    assert _count(oxigraph, graph) == 2


# ---------------------------------------------------------------- pull


def test_pull_formats(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    graph = GRAPH + "/formats"
    assert run_cli("push", TINY_TTL, "--endpoint", oxigraph.url, "--graph-iri", graph).code == 0
    expected = _triples(TINY_TTL)
    for name in ("tiny.ttl", "tiny.nt", "tiny.jsonld", "tiny.rdf"):
        out = tmp_path / name
        r = run_cli("pull", "--endpoint", oxigraph.url, "--graph-iri", graph, "-o", out)
        assert r.code == 0, r.err
        assert _triples(out) == expected, name
    assert (tmp_path / "tiny.nt").read_text().startswith("<")
    # N-Quads keep the graph the triples came from.
    out = tmp_path / "tiny.nq"
    assert run_cli("pull", "--endpoint", oxigraph.url, "--graph-iri", graph, "-o", out).code == 0
    quads = list(parse(path=str(out)))
    assert {q.graph_name.value for q in quads} == {graph}  # type: ignore[union-attr]
    assert {q.triple for q in quads} == expected
    # --format wins over the extension.
    out = tmp_path / "as-ntriples.ttl"
    r = run_cli("pull", "--endpoint", oxigraph.url, "--graph-iri", graph, "-o", out, "--format", "nt")
    assert r.code == 0, r.err
    assert _triples(out, RdfFormat.N_TRIPLES) == expected


def test_pull_to_stdout(run_cli, oxigraph: Server) -> None:
    graph = GRAPH + "/stdout"
    assert run_cli("push", TINY_TTL, "--endpoint", oxigraph.url, "--graph-iri", graph).code == 0
    r = run_cli("pull", "--endpoint", oxigraph.url, "--graph-iri", graph, "-o", "-", "-f", "ntriples")
    assert r.code == 0, r.err
    n = len(_triples(TINY_TTL))
    assert r.err == f"{oxigraph.extra['store']}: {n:,} triples from <{graph}> into standard output\n"
    assert {q.triple for q in parse(r.out, format=RdfFormat.N_TRIPLES)} == _triples(TINY_TTL)
    r = run_cli("pull", "--endpoint", oxigraph.url, "--graph-iri", graph, "-o", "-")
    assert r.code == 0 and r.out.startswith("@prefix ")  # Turtle by default


def test_pull_replaces_a_file_atomically(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    graph = GRAPH + "/replace"
    assert run_cli("push", TINY_TTL, "--endpoint", oxigraph.url, "--graph-iri", graph).code == 0
    out = tmp_path / "out.ttl"
    out.write_text("old\n")
    out.chmod(0o600)
    assert run_cli("pull", "--endpoint", oxigraph.url, "--graph-iri", graph, "-o", out).code == 0
    assert _triples(out) == _triples(TINY_TTL)
    assert out.stat().st_mode & 0o777 == 0o600
    # A pull that fails leaves the old file as it was, and nothing beside it.
    missing = GRAPH + "/never-pushed"
    r = run_cli("pull", "--endpoint", oxigraph.url, "--graph-iri", missing, "-o", out)
    assert (r.code, r.out) == (4, "")
    assert r.err == (
        f"kgraph: {oxigraph.extra['store']} answered HTTP 404: The graph <{missing}> does not exists; "
        "if that is not the server's Graph Store, name it with --graph-store URL\n"
    )
    assert _triples(out) == _triples(TINY_TTL)
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_graph_store_option(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    graph = GRAPH + "/explicit"
    store = oxigraph.extra["store"]
    r = run_cli("push", TINY_TTL, "--graph-store", store, "--graph-iri", graph)
    assert r.code == 0, r.err
    out = tmp_path / "explicit.ttl"
    r = run_cli("pull", "--graph-store", store, "--graph-iri", graph, "-o", out)
    assert r.code == 0, r.err
    assert _triples(out) == _triples(TINY_TTL)
    # A wrong Graph Store: the message says how to name the right one.
    r = run_cli("push", TINY_TTL, "--graph-store", oxigraph.extra["base"] + "/nowhere")
    assert r.code == 4
    assert r.err.endswith("; if that is not the server's Graph Store, name it with --graph-store URL\n")


# ---------------------------------------------------------------- errors


def test_unreachable_server(run_cli, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    r = run_cli("push", TINY_TTL, "--endpoint", url)
    assert (r.code, r.out, r.err) == (4, "", f"kgraph: {url} could not be reached: connection refused\n")
    out = tmp_path / "out.ttl"
    r = run_cli("pull", "--endpoint", url, "-o", out)
    assert (r.code, r.err) == (4, f"kgraph: {url} could not be reached: connection refused\n")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def asks_for_credentials() -> Iterator[str]:
    """A stand-in Graph Store on loopback that answers every request with a Basic challenge."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _refuse(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="graphs"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_PUT = do_POST = _refuse

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store"
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_asking_for_credentials(run_cli, asks_for_credentials: str, tmp_path: Path) -> None:
    hint = (
        "answered HTTP 401: the server asks for credentials: set $KGRAPH_ENDPOINT_USER and "
        "$KGRAPH_ENDPOINT_PASSWORD (or $KGRAPH_ENDPOINT_TOKEN)"
    )
    r = run_cli("push", TINY_TTL, "--graph-store", asks_for_credentials)
    assert (r.code, r.out, r.err) == (4, "", f"kgraph: {asks_for_credentials} {hint}\n")
    r = run_cli("pull", "--graph-store", asks_for_credentials, "-o", tmp_path / "x.ttl")
    assert (r.code, r.err) == (4, f"kgraph: {asks_for_credentials} {hint}\n")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def bad_graph_store(request: pytest.FixtureRequest) -> Iterator[str]:
    """A stand-in Graph Store on loopback whose GET answer goes wrong as ``request.param`` says."""
    mode = request.param
    lines = b'<https://example.org/s> <https://example.org/p> "1" .\n' * 10

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = b"<html>hello</html>" if mode == "html" else lines[:-30] if mode == "malformed" else lines
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if mode == "html" else "application/n-triples")
            self.send_header("Content-Length", str(len(body) * (10 if mode == "cut" else 1)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("bad_graph_store", "problem"),
    [
        ("cut", "broke off its answer after 540 of 5,400 bytes"),
        ("malformed", "sent malformed RDF: "),
        ("html", "sent text/html, not RDF"),
    ],
    indirect=["bad_graph_store"],
)
def test_a_broken_answer_writes_nothing(run_cli, bad_graph_store: str, problem: str, tmp_path: Path) -> None:
    out = tmp_path / "out.nt"
    r = run_cli("pull", "--graph-store", bad_graph_store, "-o", out)
    assert (r.code, r.out) == (4, "")
    assert r.err.startswith(f"kgraph: {bad_graph_store} {problem}")
    assert r.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (TINY_TTL, "--endpoint", "URL", "--batch", "0"),
            "--batch must be a whole number of triples, at least 1, not 0",
        ),
        (
            (TINY_TTL, "--endpoint", "URL", "--graph-iri", "not an iri"),
            "--graph-iri: 'not an iri' is not an absolute IRI (such as https://example.org/g)",
        ),
        (
            (TINY_TTL, "--endpoint", "URL", "--endpoint-kind", "qlever"),
            "kgraph knows no Graph Store for URL (QLever, --endpoint-kind qlever): name its URL with "
            "--graph-store URL",
        ),
        (
            (TINY_TTL, "--endpoint", "URL", "--endpoint-kind", "stardog"),
            "--endpoint-kind: 'stardog' is not one of auto, generic, oxigraph, virtuoso, fuseki, graphdb, "
            "qlever, neptune",
        ),
        ((TINY_TTL,), "give the server: --endpoint URL (its query endpoint) or --graph-store URL"),
        (("--endpoint", "URL"), "give the graph to push: FILE… or --store DIR"),
        ((TINY_TTL, "--store", "db", "--endpoint", "URL"), "give FILE… or --store DIR, not both"),
        ((Path("no-such.ttl"), "--endpoint", "URL"), "no-such.ttl: no such graph file"),
        (
            (Path("notes.csv"), "--endpoint", "URL"),
            "notes.csv: unknown RDF file type .csv; use .ttl, .nt, .nq, .trig, .rdf or .jsonld",
        ),
        (
            (TINY_TTL, "--endpoint", "http://ana:secret@127.0.0.1:1/query"),
            "--endpoint: put credentials in $KGRAPH_ENDPOINT_USER and $KGRAPH_ENDPOINT_PASSWORD "
            "(or $KGRAPH_ENDPOINT_TOKEN), not in the URL",
        ),
        (
            (TINY_TTL, "--graph-store", "ftp://127.0.0.1/store"),
            "--graph-store: ftp://127.0.0.1/store: must be an http(s) URL",
        ),
    ],
)
def test_bad_push_options(
    run_cli,
    oxigraph: Server,
    args: tuple[str | Path, ...],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("notes.csv").write_text("hello\n")
    graph = GRAPH + "/bad-options"
    _put(oxigraph, JUNK, graph)
    argv = [oxigraph.url if a == "URL" else a for a in args]
    r = run_cli("push", *argv)
    assert (r.code, r.out) == (2, "")
    assert r.err == "kgraph: " + message.replace("URL (QLever", f"{oxigraph.url} (QLever") + "\n"
    assert _count(oxigraph, graph) == 1


def test_bad_pull_options(run_cli, oxigraph: Server, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    r = run_cli("pull", "--endpoint", oxigraph.url, "-o", folder)
    assert (r.code, r.out, r.err) == (2, "", f"kgraph: {folder}: is a directory\n")
    assert list(folder.iterdir()) == []
    r = run_cli("pull", "--endpoint", oxigraph.url, "-o", tmp_path / "nowhere" / "x.ttl")
    assert (r.code, r.err) == (
        2,
        f"kgraph: {tmp_path / 'nowhere' / 'x.ttl'}: directory {tmp_path / 'nowhere'} does not exist\n",
    )
    r = run_cli("pull", "--endpoint", oxigraph.url, "-o", tmp_path / "x.csv")
    assert (r.code, r.err) == (
        2,
        f"kgraph: {tmp_path / 'x.csv'}: no RDF format for .csv; use .ttl, .nt, .nq, .trig, .jsonld or "
        ".rdf, or name one with --format\n",
    )
    r = run_cli("pull", "--endpoint", oxigraph.url, "-o", tmp_path / "x.ttl", "--format", "csv")
    assert (r.code, r.err) == (
        2,
        "kgraph: unknown RDF format 'csv'; known: turtle, ntriples, nquads, trig, jsonld, rdfxml\n",
    )
    r = run_cli("pull", "--endpoint", oxigraph.url)
    assert r.code == 2 and "Missing option '--output'" in r.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]


# ---------------------------------------------------------------- Virtuoso


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Virtuoso 7 holding the bundled graph in tests.servers.VIRTUOSO_GRAPH, for this module."""
    from tests.servers import require_virtuoso, start_virtuoso

    require_virtuoso()
    server = start_virtuoso([BUNDLED_TTL], tmp_path_factory.mktemp("virtuoso-gsp"))
    try:
        yield server
    finally:
        server.stop()


def test_pull_from_virtuoso_restores_values(run_cli, virtuoso: Server, tmp_path: Path) -> None:
    from tests.servers import VIRTUOSO_GRAPH

    out = tmp_path / "virtuoso.nt"
    r = run_cli("pull", "--endpoint", virtuoso.url, "--graph-iri", VIRTUOSO_GRAPH, "-o", out)
    assert (r.code, r.out) == (0, ""), r.err
    crud = virtuoso.extra["base"] + "/sparql-graph-crud"
    assert r.err == f"{crud}: {BUNDLED_COUNT:,} triples from <{VIRTUOSO_GRAPH}> into {out}\n"
    # Virtuoso sends "86400.0"^^xsd:duration; the dialect gives back P1D, as the file has it.
    assert _triples(out) == _triples(BUNDLED_TTL)


def test_push_to_virtuoso_and_back(
    run_cli, virtuoso: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = "urn:kgraph:pushed"
    auth = virtuoso.extra["base"] + "/sparql-graph-crud-auth"
    # A small file: Virtuoso answers a request without credentials before reading a large body,
    # and closes the connection, which the client may see as a broken pipe instead of the 401.
    r = run_cli("push", TINY_TTL, "--endpoint", virtuoso.url, "--graph-store", auth, "--graph-iri", graph)
    assert (r.code, r.err) == (
        4,
        f"kgraph: {auth} answered HTTP 401: the server asks for credentials: set $KGRAPH_ENDPOINT_USER "
        "and $KGRAPH_ENDPOINT_PASSWORD (or $KGRAPH_ENDPOINT_TOKEN)\n",
    )
    monkeypatch.setenv("KGRAPH_ENDPOINT_USER", "dba")
    monkeypatch.setenv("KGRAPH_ENDPOINT_PASSWORD", "dba")
    # The dialect knows Virtuoso's Graph Store for writes (-auth, HTTP Digest); no --graph-store.
    args = ("push", BUNDLED_TTL, "--endpoint", virtuoso.url, "--graph-iri", graph)
    r = run_cli(*args, "--batch", "2000")
    assert (r.code, r.err) == (0, f"{auth}: {BUNDLED_COUNT:,} triples in 3 batches into <{graph}>\n")
    r = run_cli(*args)  # again: the same graph
    assert (r.code, r.err) == (0, f"{auth}: {BUNDLED_COUNT:,} triples in 1 batch into <{graph}>\n")
    out = tmp_path / "back.ttl"
    r = run_cli("pull", "--endpoint", virtuoso.url, "--graph-iri", graph, "-o", out)
    assert r.code == 0, r.err
    assert _triples(out) == _triples(BUNDLED_TTL)
    # No --graph-iri: Virtuoso's Graph Store has no default graph; the query URL's is meant.
    from tests.servers import VIRTUOSO_GRAPH

    r = run_cli("push", BUNDLED_TTL, "--endpoint", virtuoso.url)
    assert (r.code, r.err) == (0, f"{auth}: {BUNDLED_COUNT:,} triples in 1 batch into <{VIRTUOSO_GRAPH}>\n")
    bare = virtuoso.extra["base"] + "/sparql"
    r = run_cli("push", BUNDLED_TTL, "--endpoint", bare, "--endpoint-kind", "virtuoso")
    assert r.code == 2 and "--graph-iri: Virtuoso's Graph Store has no default graph" in r.err, r.err


def test_store_of_pulled_graph_matches(oxigraph: Server, tmp_path: Path) -> None:
    """The library calls, and the comparison the brief asks for: both files loaded into stores."""
    from kgraph.gsp import pull, push

    pushed = push([BUNDLED_TTL], endpoint=oxigraph.url, graph_iri=GRAPH + "/lib")
    assert (pushed.triples, pushed.batches) == (BUNDLED_COUNT, 1)
    out = tmp_path / "lib.ttl"
    pulled = pull(out, endpoint=oxigraph.url, graph_iri=GRAPH + "/lib")
    assert (pulled.triples, pulled.format, pulled.output) == (BUNDLED_COUNT, "turtle", str(out))
    a, b = Store(), Store()
    a.load(path=str(BUNDLED_TTL), format=RdfFormat.TURTLE)
    b.load(path=str(out), format=RdfFormat.TURTLE)
    assert {q.triple for q in a} == {q.triple for q in b}
