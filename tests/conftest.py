"""Shared fixtures: the tiny invented graph, the article's text (from ../shared), and a CLI runner."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
TINY_TTL = FIXTURES / "tiny.ttl"
TINY_YAML = FIXTURES / "tiny.yaml"
TINY_TEXT = FIXTURES / "tiny-source.txt"
BUNDLED_TTL = ROOT / "data" / "claims.ttl"
SHARED = ROOT.parent / "shared"
ARTICLE_TEXT = SHARED / "sources" / "israel-azerbaijan-nagorno-karabakh.txt"


@pytest.fixture(autouse=True, scope="session")
def _graph_cache_of_the_run(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The graph cache (docs/cache.md) of every test, and of the kgraph processes tests start, is
    a folder of this run: the suite never writes into the user's ~/.cache."""
    before = os.environ.get("KGRAPH_CACHE_DIR")
    os.environ["KGRAPH_CACHE_DIR"] = str(tmp_path_factory.mktemp("graph-cache"))
    yield
    if before is None:
        os.environ.pop("KGRAPH_CACHE_DIR", None)
    else:
        os.environ["KGRAPH_CACHE_DIR"] = before


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``kgraph ARGS`` in-process through the real entry point; returns code, stdout, stderr."""
    from kgraph.cli.app import main

    monkeypatch.delenv("KGRAPH_DEBUG", raising=False)
    monkeypatch.delenv("KGRAPH_GRAPH", raising=False)

    def run(*args: str | os.PathLike[str]) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def article_text() -> str:
    """The article, read from ../shared/sources (never committed to this project)."""
    if not ARTICLE_TEXT.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{ARTICLE_TEXT} is missing: CI must have ../shared beside the clone")
        pytest.skip(f"{ARTICLE_TEXT} is not here")
    return ARTICLE_TEXT.read_text(encoding="utf-8")


# ---------------------------------------------------------------- a SPARQL endpoint on loopback


@dataclass
class LoopbackEndpoint:
    """A SPARQL 1.1 protocol endpoint over the tiny graph, on 127.0.0.1, counting what it hears.

    A stand-in for tests that look at the requests themselves; answers are checked against
    real servers (tests/servers.py, tests/test_backends.py).
    """

    url: str
    requests: list[str]


def _endpoint_handler(store: object, requests: list[str]) -> type:
    import json
    import urllib.parse
    from http.server import BaseHTTPRequestHandler

    from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, serialize

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _answer(self, query: str) -> None:
            requests.append(query)
            try:
                # No prefixes bound here: a real server knows none, so the client must send them.
                result = store.query(query)  # type: ignore[attr-defined]
            except SyntaxError as e:
                self._send(400, str(e).encode(), "text/plain")
                return
            if isinstance(result, QueryBoolean):
                body = json.dumps({"head": {}, "boolean": bool(result)}).encode()
                self._send(200, body, "application/sparql-results+json")
            elif isinstance(result, QuerySolutions):
                body = result.serialize(format=QueryResultsFormat.JSON) or b""
                self._send(200, body, "application/sparql-results+json")
            else:
                body = serialize(list(result), format=RdfFormat.N_TRIPLES) or b""
                self._send(200, body, "application/n-triples")

        def do_GET(self) -> None:
            self._answer(urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)["query"][0])

        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers["Content-Length"])).decode()
            if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                data = urllib.parse.parse_qs(data)["query"][0]
            self._answer(data)

    return Handler


@pytest.fixture
def loopback_endpoint():  # type: ignore[no-untyped-def]
    """Serve the tiny graph over the SPARQL protocol for the duration of one test."""
    import threading
    from http.server import ThreadingHTTPServer

    from pyoxigraph import RdfFormat, Store

    store = Store()
    store.load(path=str(TINY_TTL), format=RdfFormat.TURTLE)
    requests: list[str] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _endpoint_handler(store, requests))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield LoopbackEndpoint(f"http://127.0.0.1:{server.server_address[1]}/sparql", requests)
    server.shutdown()
    server.server_close()


# ---------------------------------------------------------------- real backends

BACKENDS = ("files", "store", "oxigraph", "virtuoso")
"""Every kind of backend the read suite runs on (tests/test_backends.py)."""


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled graph loaded by `kgraph load` into an on-disk store."""
    from kgraph.store import load_into_store

    folder = tmp_path_factory.mktemp("store") / "db"
    load_into_store(folder, [BUNDLED_TTL])
    return folder


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real `oxigraph serve-read-only` over the bundled graph on a free loopback port."""
    from tests.servers import oxigraph_binary, start_oxigraph

    if oxigraph_binary() is None:
        pytest.fail("the Oxigraph server is missing: pip install -e '.[test]' installs it")
    server = start_oxigraph([BUNDLED_TTL], tmp_path_factory.mktemp("oxigraph"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real Virtuoso 7 (Debian's virtuoso-opensource) holding the bundled graph.

    Skipped where Virtuoso is not installed, except under KGRAPH_REQUIRE_VIRTUOSO=1 (.ci/run).
    """
    from tests.servers import require_virtuoso, start_virtuoso

    require_virtuoso()
    server = start_virtuoso([BUNDLED_TTL], tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def backend_args(request: pytest.FixtureRequest) -> list[str]:
    """The graph options that point a command at the bundled graph through each backend."""
    kind = request.param
    if kind == "files":
        return ["--graph", str(BUNDLED_TTL)]
    if kind == "store":
        return ["--store", str(request.getfixturevalue("bundled_store"))]
    server = request.getfixturevalue(f"{kind}_server")
    return ["--endpoint", server.url]
