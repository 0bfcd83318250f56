"""`kgraph serve`: a real server process, asked real questions over HTTP, stopped as a user would."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kgraph.errors import ParameterError, UsageError

from .conftest import ROOT, TINY_TTL

SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
ISRAEL = "https://w3id.org/kgraph/id/israel"
ISRAEL_LABEL = f"SELECT ?label WHERE {{ <{ISRAEL}> <{SKOS_LABEL}> ?label }}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CURL = shutil.which("curl")
HAS_PROC = Path("/proc/self/stat").exists()


def _oxigraph_installed() -> bool:
    from kgraph.serve import oxigraph_binary

    try:
        oxigraph_binary()
    except UsageError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _oxigraph_installed(), reason="needs the oxigraph server (kgraph[server])"
)


def _env(tmp: Path) -> dict[str, str]:
    """The test's environment, with temporary files (the served store) in ``tmp``."""
    env = {k: v for k, v in os.environ.items() if k not in ("KGRAPH_DEBUG", "KGRAPH_GRAPH")}
    env["TMPDIR"] = str(tmp)
    return env


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux: read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    tmp: Path

    @property
    def base(self) -> str:
        return self.url.removesuffix("/query")

    def child(self) -> int:
        children = _children(self.process.pid)
        assert len(children) == 1, children
        return children[0]

    def stop(self, sig: int = signal.SIGINT, wait: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(wait)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode


def _read_line(process: subprocess.Popen[str], seconds: float) -> str:
    assert process.stdout is not None
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(seconds)
    return box[0] if box else ""


def _start(tmp: Path, *args: str) -> Served:
    process = subprocess.Popen(
        [sys.executable, "-m", "kgraph", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=_env(tmp),
    )
    try:
        line = _read_line(process, 60)
        if not line:
            process.kill()
            _, err = process.communicate(timeout=10)
            raise AssertionError(f"kgraph serve printed no URL (exit {process.returncode}): {err}")
    except BaseException:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        raise
    return Served(process, line.strip(), tmp)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server over the bundled graph for the read-only checks."""
    server = _start(tmp_path_factory.mktemp("serve"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start a server of one's own (``start(*args)``); it is stopped after the test."""
    started: list[Served] = []

    def run(*args: str) -> Served:
        server = _start(tmp_path, *args)
        started.append(server)
        return server

    try:
        yield run
    finally:
        for server in started:
            server.stop(signal.SIGKILL if server.process.poll() is None else signal.SIGINT)


def _request(
    url: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        target = parts.path + ("?" + parts.query if parts.query else "")
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _get(url: str, query: str, accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    status, _, body = _request(
        f"{url}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept}
    )
    return status, body


def _count(url: str) -> int:
    status, body = _get(url, COUNT)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- answers


def test_prints_one_url_on_stdout(served: Served) -> None:
    assert served.url.startswith("http://127.0.0.1:") and served.url.endswith("/query")
    assert int(urllib.parse.urlsplit(served.url).port or 0) > 0


@pytest.mark.skipif(CURL is None, reason="needs curl")
def test_curl_gets_w3c_json_results(served: Served) -> None:
    assert CURL is not None
    done = subprocess.run(
        [
            CURL,
            "--silent",
            "--show-error",
            "--fail",
            "-H",
            "Accept: application/sparql-results+json",
            "--data-urlencode",
            f"query={ISRAEL_LABEL}",
            served.url,
        ],
        capture_output=True,
        timeout=30,
        check=True,
    )
    doc = json.loads(done.stdout)
    assert doc["head"]["vars"] == ["label"]
    assert doc["results"]["bindings"] == [{"label": {"type": "literal", "value": "Israel", "xml:lang": "en"}}]


@pytest.mark.parametrize("path", ["/query", "/sparql"])
def test_get_and_post_per_the_protocol(served: Served, path: str) -> None:
    url = served.base + path
    status, body = _get(url, ISRAEL_LABEL)
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["label"]["value"] == "Israel"
    status, headers, body = _request(
        url,
        "POST",
        ISRAEL_LABEL.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert body.decode().splitlines() == ["label", "Israel"]


def test_stats_over_the_endpoint_match_the_local_stats(served: Served) -> None:
    def stats(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "kgraph", "stats", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=_env(served.tmp),
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert stats("--endpoint", served.url) == stats()


def test_big_answers_are_streamed_in_chunks(served: Served) -> None:
    status, headers, body = _request(
        served.base + "/store?default", headers={"Accept": "application/n-triples"}
    )
    assert status == 200
    assert headers.get("transfer-encoding") == "chunked"
    assert len(body.decode().splitlines()) == _count(served.url)


def test_a_malformed_query_is_oxigraphs_400(served: Served) -> None:
    status, body = _get(served.url, "SELECT WHERE {")
    assert status == 400 and body


# ---------------------------------------------------------------- refusals


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared on purpose: the test reads what the server heard

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        type(self).hits.append(self.path)
        body = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, list[str]]]:
    """Another SPARQL server, on loopback, that records every request it gets."""
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("spelling", ["SERVICE", "service", "\\u0053ERVICE", "SERVICE SILENT"])
def test_service_is_refused_and_nothing_is_sent(
    served: Served, elsewhere: tuple[str, list[str]], spelling: str
) -> None:
    remote, hits = elsewhere
    query = f"SELECT * WHERE {{ {spelling} <{remote}> {{ ?s ?p ?o }} }}"
    status, body = _get(served.url, query)
    assert status == 403 and b"SERVICE" in body
    for content_type, data in (
        ("application/sparql-query", query.encode()),
        ("application/x-www-form-urlencoded", urllib.parse.urlencode({"query": query}).encode()),
    ):
        status, _, body = _request(served.url, "POST", data, {"Content-Type": content_type})
        assert status == 403, body
        assert body.decode().count("\n") == 1  # one short line
    assert hits == []


def test_a_query_nested_too_deep_is_refused_before_the_engine(served: Served) -> None:
    status, body = _get(served.url, "SELECT * WHERE " + "{" * 3000 + "}" * 3000)
    assert status == 400 and b"nest" in body.lower(), body
    status, body = _get(served.url, "ASK {}")
    assert status == 200  # the server is still up


def test_oxigraph_alone_would_call_service(tmp_path: Path, elsewhere: tuple[str, list[str]]) -> None:
    """Why the front exists: ``oxigraph serve-read-only`` sends SERVICE to the other server."""
    import pyoxigraph

    from kgraph.serve import oxigraph_binary

    remote, hits = elsewhere
    store = pyoxigraph.Store(str(tmp_path / "store"))
    store.bulk_load(path=str(TINY_TTL), format=pyoxigraph.RdfFormat.TURTLE)
    store.flush()
    del store
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [
            oxigraph_binary(),
            "serve-read-only",
            "--location",
            str(tmp_path / "store"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/query"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = _get(url, "ASK {}")
                break
            except OSError:
                assert time.monotonic() < deadline, "oxigraph did not start"
                time.sleep(0.1)
        status, _ = _get(url, f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}")
        assert status == 200
        assert hits == ["/sparql"]
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize(
    ("method", "path", "content_type", "body"),
    [
        ("POST", "/update", "application/sparql-update", "INSERT DATA { <a:a> <a:b> <a:c> }"),
        ("POST", "/update", "application/x-www-form-urlencoded", "update=CLEAR+ALL"),
        (
            "POST",
            "/query",
            "application/x-www-form-urlencoded",
            "update=INSERT+DATA+%7B%3Ca%3Aa%3E+%3Ca%3Ab%3E+%3Ca%3Ac%3E%7D",
        ),
        ("POST", "/query", "application/sparql-update", "DELETE WHERE { ?s ?p ?o }"),
        ("POST", "/query", "application/sparql-query", "DELETE WHERE { ?s ?p ?o }"),
        ("POST", "/query", "application/sparql-query", "LOAD <http://127.0.0.1:9/x.ttl>"),
        ("GET", "/query?update=CLEAR+ALL", None, None),
        ("GET", "/update?update=CLEAR+ALL", None, None),
        ("POST", "/store?default", "text/turtle", "<a:a> <a:b> <a:c> ."),
        ("PUT", "/store?default", "text/turtle", "<a:a> <a:b> <a:c> ."),
        ("DELETE", "/store?default", None, None),
    ],
)
def test_writes_are_refused(
    served: Served, method: str, path: str, content_type: str | None, body: str | None
) -> None:
    before = _count(served.url)
    headers = {"Content-Type": content_type} if content_type else {}
    status, _, answer = _request(served.base + path, method, body.encode() if body else None, headers)
    assert status == 403, answer
    assert answer.decode().count("\n") == 1
    assert _count(served.url) == before


def test_only_the_endpoint_paths_answer(served: Served) -> None:
    status, _, _ = _request(served.base + "/elsewhere")
    assert status == 404


# ---------------------------------------------------------------- stopping


@pytest.mark.skipif(not HAS_PROC, reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_everything_cleanly(start, tmp_path: Path, sig: int) -> None:  # type: ignore[no-untyped-def]
    server = start("--graph", str(TINY_TTL))
    child = server.child()
    assert _alive(child)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("kgraph-serve-")]
    began = time.monotonic()
    assert server.stop(sig) == 0
    assert time.monotonic() - began < 10
    assert not _alive(child)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("kgraph-serve-")]
    assert server.process.stderr is not None
    err = server.process.stderr.read()
    assert "Ctrl-C" in err and "Traceback" not in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's parent-death signal")
def test_the_child_dies_with_kgraph_even_on_sigkill(start) -> None:  # type: ignore[no-untyped-def]
    server = start("--graph", str(TINY_TTL))
    child = server.child()
    server.process.kill()
    server.process.wait(10)
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


# ---------------------------------------------------------------- what is served


def test_serves_a_store_made_by_kgraph_load(start, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "graph-store"
    loaded = subprocess.run(
        [sys.executable, "-m", "kgraph", "load", str(store), str(TINY_TTL)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    server = start("--store", str(store))
    triples = int(loaded.stderr.split(": ")[1].split()[0])
    assert _count(server.url) == triples
    status, body = _get(server.url, "ASK { ?s ?p 'Alphaland'@en }")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    assert server.stop() == 0
    assert store.is_dir() and any(store.iterdir())  # the user's store is left alone


def test_serves_graph_files_and_kgraph_graph(start, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from kgraph.store import OxigraphBackend

    tiny = len(OxigraphBackend.from_files([TINY_TTL]))
    assert _count(start("--graph", str(TINY_TTL)).url) == tiny
    monkeypatch.setenv("KGRAPH_GRAPH", str(TINY_TTL))
    process = subprocess.Popen(
        [sys.executable, "-m", "kgraph", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ},
    )
    try:
        url = _read_line(process, 60).strip()
        assert _count(url) == tiny
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(20)
    assert process.returncode == 0


def test_timeout_stops_a_long_query(start) -> None:  # type: ignore[no-untyped-def]
    server = start("--timeout", "1")
    everything_cubed = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    began = time.monotonic()
    status, body = _get(server.url, everything_cubed, accept="text/csv")
    assert time.monotonic() - began < 25
    # Oxigraph has sent 200 and the header row before it gives up; the count never comes.
    assert status >= 400 or b"cancelled" in body
    assert not any(line.isdigit() for line in body.decode().splitlines())


# ---------------------------------------------------------------- errors


def _run_serve(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kgraph", "serve", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(tmp),
        timeout=60,
    )


def test_a_taken_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _run_serve(tmp_path, "--port", str(port), "--graph", str(TINY_TTL))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"kgraph: --port: 127.0.0.1:{port} is already in use")
    assert not list(tmp_path.iterdir())  # nothing was built


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--port", "70000"), "kgraph: --port must be a port number"),
        (("--timeout", "-1"), "kgraph: --timeout must be 0"),
        (("--graph", "nowhere.ttl"), "kgraph: nowhere.ttl: no such graph file"),
        (("--store", "nowhere"), "kgraph: nowhere: no such store directory"),
        (("--graph", str(TINY_TTL), "--store", "x"), "kgraph: give only one of --graph and --store"),
        (("--host", "no-such-host.invalid"), "kgraph: --host: cannot listen on"),
        (("--host", ""), "kgraph: --host must be an address"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    done = _run_serve(tmp_path, *args)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(message), done.stderr


def test_without_the_oxigraph_server_it_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kgraph import serve

    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError, match=r"pip install 'kgraph\[server\]'"):
        serve.oxigraph_binary()
    with pytest.raises(UsageError, match=r"pip install 'kgraph\[server\]'"):
        serve.serve([TINY_TTL], port=0)


def test_library_errors_name_the_parameter() -> None:
    from kgraph.serve import serve

    with pytest.raises(ParameterError) as caught:
        serve([TINY_TTL], port=-1)
    assert caught.value.parameter == "port"
