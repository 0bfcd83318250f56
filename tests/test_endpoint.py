"""Talking to SPARQL servers: errors, retries, credentials, timeouts and dialects.

A scripted HTTP server on 127.0.0.1 plays the failures a real one has (refusals, 5xx, 401,
slowness, cut-short answers); real Oxigraph and Virtuoso servers answer the rest.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pyoxigraph import Literal, NamedNode

from kgraph.dialects import DIALECTS, dialect_named, from_server_header, guess_from_url
from kgraph.endpoint import EndpointBackend, HttpClient
from kgraph.errors import (
    BackendError,
    EndpointAuthError,
    EndpointError,
    EndpointUnreachable,
    ParameterError,
    QueryTimeoutError,
    UsageError,
)
from kgraph.lexical import canonical_decimal, canonical_duration, canonical_lexical, duration_from_seconds
from tests.servers import free_port

XSD = "http://www.w3.org/2001/XMLSchema#"
ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()
ONE_ROW = json.dumps(
    {
        "head": {"vars": ["d", "b", "n"]},
        "results": {
            "bindings": [
                {
                    "d": {"type": "typed-literal", "datatype": XSD + "duration", "value": "86400.0"},
                    "b": {"type": "typed-literal", "datatype": XSD + "boolean", "value": "1"},
                    "n": {"type": "typed-literal", "datatype": XSD + "decimal", "value": "0.60"},
                }
            ]
        },
    }
).encode()


@dataclass
class Reply:
    status: int = 200
    body: bytes = ASK_TRUE
    ctype: str = "application/sparql-results+json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    length: int | None = None  # a Content-Length other than the body's: an answer broken off


@dataclass
class Scripted:
    """A server answering each request with the next reply of ``script`` (the last one repeats)."""

    url: str
    script: list[Reply]
    seen: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
def scripted() -> Iterator[Callable[..., Scripted]]:
    servers: list[ThreadingHTTPServer] = []

    def start(*script: Reply) -> Scripted:
        state = Scripted("", list(script))

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                state.seen.append(dict(self.headers.items()))
                reply = state.script.pop(0) if len(state.script) > 1 else state.script[0]
                if reply.delay:
                    time.sleep(reply.delay)
                extra = dict(reply.headers)
                self.server_version, self.sys_version = extra.pop("Server", "BaseHTTP/0.6"), ""
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.ctype)
                    self.send_header("Content-Length", str(reply.length or len(reply.body)))
                    for k, v in extra.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except OSError:  # the client gave up waiting (a timeout test)
                    pass

            do_GET = do_POST  # a redirected POST comes back as a GET

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.handle_error = lambda request, address: None  # type: ignore[method-assign]
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        state.url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        return state

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- errors and retries


def test_errors_from_a_backend_are_their_own_branch_with_exit_code_4() -> None:
    for cls in (QueryTimeoutError, EndpointError, EndpointUnreachable, EndpointAuthError):
        assert issubclass(cls, BackendError) and not issubclass(cls, UsageError)
        assert cls("x").exit_code == 4


def test_transient_failures_are_retried(scripted) -> None:  # type: ignore[no-untyped-def]
    server = scripted(Reply(503, b"busy", "text/plain"), Reply(502, b"", "text/plain"), Reply())
    assert EndpointBackend(server.url, retries=3).query("ASK {}") is True
    assert len(server.seen) == 3


def test_retries_give_up_and_say_what_happened(scripted) -> None:  # type: ignore[no-untyped-def]
    server = scripted(Reply(503, b"Service Unavailable: try later", "text/plain"))
    with pytest.raises(EndpointError, match=r"^http://127\.0\.0\.1:\d+/sparql answered HTTP 503: Service"):
        EndpointBackend(server.url, retries=2).query("ASK {}")
    assert len(server.seen) == 3


def test_a_client_error_is_not_retried(scripted) -> None:  # type: ignore[no-untyped-def]
    server = scripted(Reply(400, b"Parser error: unexpected end\nSELECT ...", "text/plain"))
    with pytest.raises(EndpointError, match=r"answered HTTP 400: Parser error: unexpected end$"):
        EndpointBackend(server.url, retries=3).query("ASK {}")
    assert len(server.seen) == 1


def test_a_refused_connection_is_retried_then_named() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    started = time.monotonic()
    with pytest.raises(
        EndpointUnreachable, match=r"could not be reached: connection refused \(after 3 tries\)"
    ):
        EndpointBackend(url, retries=2).query("ASK {}")
    assert time.monotonic() - started < 5


def test_credentials_come_from_the_environment_only(scripted, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    challenge = Reply(401, b"who?", "text/plain", {"WWW-Authenticate": 'Basic realm="claims"'})
    server = scripted(challenge, Reply(), Reply())
    monkeypatch.setenv("KGRAPH_ENDPOINT_USER", "ana")
    monkeypatch.setenv("KGRAPH_ENDPOINT_PASSWORD", "s3cret")
    backend = EndpointBackend(server.url)
    assert backend.query("ASK {}") is True
    expected = "Basic " + base64.b64encode(b"ana:s3cret").decode()
    # Sent when the server asks, then up front to the same server.
    assert [h.get("Authorization") for h in server.seen] == [None, expected]
    assert backend.query("ASK {}") is True
    assert server.seen[2]["Authorization"] == expected
    with pytest.raises(ParameterError, match="not in the URL"):
        EndpointBackend(server.url.replace("http://", "http://ana:s3cret@"))


def test_digest_when_the_server_asks_for_it(scripted, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    digest = 'Digest realm="virtuoso", nonce="abc123", qop="auth", algorithm="MD5", opaque="xyz"'
    server = scripted(Reply(401, b"", "text/plain", {"WWW-Authenticate": digest}), Reply(), Reply())
    monkeypatch.setenv("KGRAPH_ENDPOINT_USER", "dba")
    monkeypatch.setenv("KGRAPH_ENDPOINT_PASSWORD", "dba")
    backend = EndpointBackend(server.url)
    assert backend.query("ASK {}") is True
    assert backend.query("ASK {}") is True
    signed = [h.get("Authorization", "") for h in server.seen]
    assert signed[0] == "" and signed[1].startswith('Digest username="dba", realm="virtuoso"')
    assert signed[2].startswith("Digest ") and "nc=0000000" in signed[2]  # up front, counted


def test_a_token_is_sent_as_bearer(scripted, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    server = scripted(Reply())
    monkeypatch.setenv("KGRAPH_ENDPOINT_TOKEN", "tok-123")
    EndpointBackend(server.url).query("ASK {}")
    assert server.seen[0]["Authorization"] == "Bearer tok-123"


def test_a_token_does_not_follow_a_redirect(scripted, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    elsewhere = scripted(Reply())
    first = scripted(Reply(status=302, headers={"Location": elsewhere.url}))
    monkeypatch.setenv("KGRAPH_ENDPOINT_TOKEN", "tok-123")
    EndpointBackend(first.url).query("ASK {}")
    assert first.seen[0]["Authorization"] == "Bearer tok-123"
    assert elsewhere.seen and "Authorization" not in elsewhere.seen[0]


def test_refused_credentials(scripted, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    server = scripted(Reply(401, b"no", "text/plain", {"WWW-Authenticate": 'Basic realm="x"'}))
    with pytest.raises(
        EndpointAuthError, match=r"HTTP 401: the server asks for credentials: set \$KGRAPH_ENDPOINT_USER"
    ):
        EndpointBackend(server.url).query("ASK {}")
    monkeypatch.setenv("KGRAPH_ENDPOINT_TOKEN", "wrong")
    with pytest.raises(EndpointAuthError, match="HTTP 401: the server refused the credentials"):
        EndpointBackend(server.url).query("ASK {}")


def test_a_slow_server_is_left_at_the_timeout(scripted) -> None:  # type: ignore[no-untyped-def]
    server = scripted(Reply(delay=3))
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"did not answer within 0\.5 s"):
        EndpointBackend(server.url, timeout=0.5).query("ASK {}")
    assert time.monotonic() - started < 2.5


def test_retries_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGRAPH_RETRIES", "many")
    with pytest.raises(UsageError, match=r"\$KGRAPH_RETRIES must be a whole number"):
        HttpClient("http://127.0.0.1:9/sparql")
    monkeypatch.setenv("KGRAPH_RETRIES", "0")
    assert HttpClient("http://127.0.0.1:9/sparql").retries == 0


def test_an_answer_the_server_cut_short_is_an_error(scripted) -> None:  # type: ignore[no-untyped-def]
    server = scripted(Reply(headers={"Server": "Virtuoso/07.20.3229 (Linux)", "X-SPARQL-MaxRows": "10000"}))
    with pytest.raises(
        EndpointError, match=r"reached the server's cap of 10000 rows \(its ResultSetMaxRows\) and may be cut"
    ):
        EndpointBackend(server.url).query("ASK {}")


def test_an_answer_broken_off_is_not_taken_for_a_short_one(scripted) -> None:  # type: ignore[no-untyped-def]
    cut = ONE_ROW[: ONE_ROW.index(b'"bindings"')]
    server = scripted(Reply(body=cut, length=len(ONE_ROW)))
    with pytest.raises(
        EndpointError, match=rf"broke off its answer after {len(cut)} of {len(ONE_ROW)} bytes"
    ):
        EndpointBackend(server.url).query("SELECT ?d WHERE {}")


def test_a_body_that_is_not_sparql_json(scripted) -> None:  # type: ignore[no-untyped-def]
    server = scripted(Reply(body=b"<html>hello</html>", ctype="text/html"))
    with pytest.raises(EndpointError, match="did not send SPARQL JSON results"):
        EndpointBackend(server.url).query("SELECT * WHERE { ?s ?p ?o }")


# ---------------------------------------------------------------- the CLI's side


def test_cli_exit_codes_for_backend_trouble(run_cli, scripted, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KGRAPH_RETRIES", "0")
    down = f"http://127.0.0.1:{free_port()}/sparql"
    result = run_cli("stats", "--endpoint", down)
    assert (result.code, result.out, result.err) == (
        4,
        "",
        f"kgraph: {down} could not be reached: connection refused\n",
    )
    slow = scripted(Reply(delay=3))
    for command in (
        ("show", "Israel"),
        ("claims",),
        ("export", "--focus", "Israel", "-f", "turtle"),
        ("query", "timeline"),
    ):
        started = time.monotonic()
        result = run_cli(*command, "--endpoint", slow.url, "--timeout", "0.5")
        assert result.code == 4, (command, result.err)
        assert (
            result.err == f"kgraph: {slow.url} did not answer within 0.5 s (raise --timeout to wait longer)\n"
        )
        assert time.monotonic() - started < 2.5
    assert run_cli("stats", "--endpoint-kind", "sesame").err.startswith(
        "kgraph: --endpoint-kind: 'sesame' is not one of auto, generic"
    )


# ---------------------------------------------------------------- dialects


def test_dialects_are_named_and_guessed() -> None:
    assert dialect_named("auto") is None
    assert dialect_named("Virtuoso") is DIALECTS["virtuoso"]
    with pytest.raises(ParameterError, match="endpoint_kind: 'x' is not one of auto, generic, oxigraph"):
        dialect_named("x")
    assert guess_from_url("http://h:8890/sparql").name == "virtuoso"
    assert guess_from_url("http://h/repositories/claims").name == "graphdb"
    assert (
        guess_from_url("https://db.cluster-x.eu-west-1.neptune.amazonaws.com:8182/sparql").name == "neptune"
    )
    assert guess_from_url("http://h/ds/query").name == "generic"
    assert from_server_header("Virtuoso/07.20.3229 (Linux) x86_64") is DIALECTS["virtuoso"]
    assert from_server_header("Apache Jena Fuseki (5.1.0)") is DIALECTS["fuseki"]
    assert from_server_header("nginx") is None


def test_graph_store_urls() -> None:
    assert DIALECTS["oxigraph"].graph_store_url("http://h:7878/query") == "http://h:7878/store"
    assert DIALECTS["virtuoso"].graph_store_url("http://h:8890/sparql?default-graph-uri=g") == (
        "http://h:8890/sparql-graph-crud"
    )
    assert DIALECTS["fuseki"].graph_store_url("http://h:3030/ds/query") == "http://h:3030/ds/data"
    assert DIALECTS["graphdb"].graph_store_url("http://h/repositories/r") == (
        "http://h/repositories/r/rdf-graphs/service"
    )
    assert DIALECTS["qlever"].graph_store_url("http://h:7001/") is None


def test_virtuoso_values_are_restored_to_their_canonical_form(scripted) -> None:  # type: ignore[no-untyped-def]
    server = scripted(Reply(body=ONE_ROW, headers={"Server": "Virtuoso/07.20.3229 (Linux)"}))
    result = EndpointBackend(server.url).query("SELECT ?d ?b ?n WHERE {}")
    row = result.rows[0]  # type: ignore[union-attr]
    assert row["d"] == Literal("P1D", datatype=NamedNode(XSD + "duration"))
    assert row["b"] == Literal("true", datatype=NamedNode(XSD + "boolean"))
    assert row["n"] == Literal("0.6", datatype=NamedNode(XSD + "decimal"))
    # A generic server's values are left as they come.
    plain = scripted(Reply(body=ONE_ROW))
    assert EndpointBackend(plain.url).query("SELECT ?d WHERE {}").rows[0]["d"].value == "86400.0"  # type: ignore[union-attr]
    # The kind can be forced when the server does not say what it is.
    forced = EndpointBackend(plain.url, kind="virtuoso").query("SELECT ?d WHERE {}")
    assert forced.rows[0]["d"].value == "P1D"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("PT24H", "P1D"),
        ("PT36H", "P1DT12H"),
        ("P14M", "P1Y2M"),
        ("PT0S", "PT0S"),
        ("P0D", "PT0S"),
        ("PT90M", "PT1H30M"),
        ("PT1.50S", "PT1.5S"),
        ("-PT24H", "-P1D"),
        ("P1Y2M3DT4H5M6.7S", "P1Y2M3DT4H5M6.7S"),
    ],
)
def test_canonical_durations_are_what_oxigraph_gives_back(written: str, canonical: str) -> None:
    from pyoxigraph import Quad, Store

    assert canonical_duration(written) == canonical
    store = Store()
    store.add(
        Quad(NamedNode("a:s"), NamedNode("a:p"), Literal(written, datatype=NamedNode(XSD + "duration")))
    )
    assert next(iter(store)).object.value == canonical


def test_canonical_numbers() -> None:
    from decimal import Decimal

    assert [canonical_decimal(Decimal(x)) for x in ("100.0", "0.60", "-0.0", "12", "1000000000.0")] == [
        "100",
        "0.6",
        "0",
        "12",
        "1000000000",
    ]
    assert canonical_lexical("+05", XSD + "integer") == "5"
    assert canonical_lexical("1", XSD + "boolean") == "true"
    assert canonical_lexical("no", XSD + "boolean") == "no"  # invalid: left for SHACL to report
    assert duration_from_seconds("86400.0") == "P1D"
    assert duration_from_seconds("5400") == "PT1H30M"
    assert duration_from_seconds("soon") is None
