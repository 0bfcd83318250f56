"""A read-only SPARQL 1.1 endpoint over a graph: the Oxigraph server behind a small front.

:func:`serve` runs ``oxigraph serve-read-only`` (the ``oxigraph`` package, ``pip install
'kgraph[server]'``) on a private port of 127.0.0.1 and answers on the public address itself,
with a front that speaks the SPARQL 1.1 Protocol:

- ``GET``/``POST /query`` (``/sparql`` too) forward a query to Oxigraph and stream its answer
  back, in whatever format the client's ``Accept`` asks for;
- a query that calls SERVICE is refused (HTTP 403): ``oxigraph serve-read-only`` would send it
  to the other server, so anyone who can reach the endpoint could make it fetch any URL;
- updates (``/update``, an ``update=`` form, INSERT, LOAD… in a query) and Graph Store Protocol
  writes are refused (HTTP 403); ``GET /store`` reads are forwarded.

Queries are read by kgraph's own tokenizer (:func:`kgraph.query.analyze`), which ``kgraph query``
uses to refuse SERVICE without ``--allow-service``. The text forwarded is the text checked:
the front decodes the request and encodes it again for Oxigraph.

Files (``graphs``, or ``$KGRAPH_GRAPH``, or the bundled graph) are bulk-loaded into a temporary
store first, removed when the server stops; a ``store`` made by ``kgraph load`` is served as
it is. The Oxigraph process never outlives the caller: it is stopped in a ``finally`` and, on
Linux, told to die with its parent.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import http.client
import math
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from kgraph.errors import InputFileError, ParameterError, UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30.0
INSTALL_HINT = "pip install 'kgraph[server]'"

MAX_QUERY_BYTES = 8 * 1024 * 1024
"""A query (or form) body larger than this is refused with HTTP 413."""
CHUNK = 64 * 1024
READY_SECONDS = 60.0
"""How long Oxigraph may take to open a store and answer its first query."""
CLIENT_TIMEOUT = 300.0
"""Seconds a client may leave a connection idle (or not read what it asked for)."""

QUERY_PATHS = frozenset({"/query", "/sparql"})
FORWARDED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "Vary", "Last-Modified")


def oxigraph_binary() -> str:
    """The ``oxigraph`` server program: next to this Python (a venv's bin/), else on PATH."""
    name = "oxigraph.exe" if os.name == "nt" else "oxigraph"
    here = Path(sys.executable).parent / name
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("oxigraph")
    if found is None:
        raise UsageError(f"kgraph serve needs the Oxigraph server, which is not installed: {INSTALL_HINT}")
    return found


def _check_port(port: int) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ParameterError("port", f"must be a port number from 0 (any free port) to 65535, not {port!r}")
    return port


def _oxigraph_timeout(timeout: float | None) -> list[str]:
    from kgraph.store import check_timeout

    seconds = check_timeout(timeout)
    # Oxigraph takes whole seconds: a fraction is rounded up, never down to "no limit".
    return [] if seconds is None else ["--timeout-s", str(max(1, math.ceil(seconds)))]


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


# ---------------------------------------------------------------- the store


def _check_store(directory: Path) -> None:
    """InputFileError unless ``directory`` is an Oxigraph store this Oxigraph can open."""
    from kgraph.store import OxigraphBackend

    if not directory.is_dir():
        raise InputFileError(f"{directory}: no such store directory (create one with `kgraph load`)")
    if not any(directory.iterdir()):
        raise InputFileError(f"{directory}: an empty directory, not a store (fill one with `kgraph load`)")
    backend = OxigraphBackend.open_directory(directory)  # pyoxigraph, the same version as the server
    del backend


def _graph_files(graphs: Sequence[str | Path] | None) -> list[Path]:
    """The files to serve: ``graphs``, else ``$KGRAPH_GRAPH``, else the bundled graph (as open_backend)."""
    from kgraph.store import GRAPH_ENV, bundled_graph_path

    if graphs:
        return [Path(g) for g in graphs]
    env = os.environ.get(GRAPH_ENV)
    return [Path(p) for p in env.split(os.pathsep) if p] if env else [bundled_graph_path()]


# ---------------------------------------------------------------- the Oxigraph process


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to kill the child when kgraph dies (even of SIGKILL)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


class _Child:
    """``oxigraph serve-read-only`` on a private port of 127.0.0.1; its last words kept for errors."""

    def __init__(self, binary: str, location: Path, timeout: float | None):
        self.port = _free_port()
        command = [
            binary,
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--union-default-graph",
            *_oxigraph_timeout(timeout),
        ]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Its own process group: Ctrl-C reaches kgraph, which stops the child itself.
            start_new_session=True,
            preexec_fn=_die_with_parent(),
        )
        self.last_lines: collections.deque[str] = collections.deque(maxlen=20)
        assert self.process.stderr is not None
        self._reader = threading.Thread(
            target=self._drain, args=(self.process.stderr,), daemon=True, name="kgraph-oxigraph-log"
        )
        self._reader.start()

    def _drain(self, stream: IO[bytes]) -> None:
        # Oxigraph logs every request on stderr; keep only the end, for an error message.
        for line in stream:
            self.last_lines.append(line.decode("utf-8", "replace").rstrip())

    def error(self) -> str:
        self._reader.join(2)
        lines = [line for line in self.last_lines if line.strip()]
        detail = lines[-1] if lines else f"exit status {self.process.returncode}"
        return detail.removeprefix("Error: ").removeprefix("error: ")

    def wait_ready(self, stop: threading.Event) -> bool:
        """True once Oxigraph answers a query; False if it exited (or ``stop`` was set) first."""
        deadline = time.monotonic() + READY_SECONDS
        path = "/query?" + urllib.parse.urlencode({"query": "ASK {}"})
        while time.monotonic() < deadline and not stop.is_set():
            if self.process.poll() is not None:
                return False
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                if connection.getresponse().status == 200:
                    return True
            except OSError:
                pass
            finally:
                connection.close()
            stop.wait(0.1)
        if stop.is_set():
            return False
        raise UsageError(f"the Oxigraph server did not answer within {READY_SECONDS:g} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process.stderr is not None:
            self._reader.join(2)
            self.process.stderr.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- the front


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise _Refused(400, f"give one '{name}' parameter, not {len(values)}")
    return values[0]


def _parse_params(text: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise _Refused(400, "the request's parameters are not UTF-8") from None
    except ValueError as e:
        raise _Refused(400, f"malformed parameters: {e}") from None


def _check_query_text(query: str) -> None:
    """Refuse (as an HTTP status and message) an update or a query calling SERVICE."""
    from kgraph.errors import KGraphError
    from kgraph.limits import check_sparql_depth
    from kgraph.query import analyze

    try:
        # The engine is native code: a query nested thousands deep would crash it, not fail.
        check_sparql_depth(query)
    except KGraphError as e:
        raise _Refused(400, str(e)) from None
    info = analyze(query)
    if info.update is not None:
        raise _Refused(403, f"this endpoint is read-only: SPARQL updates ({info.update}) are refused")
    if info.service:
        raise _Refused(403, "SERVICE is refused: this endpoint does not send requests to other servers")


class _Front(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_port = False  # a port another server holds must fail to bind, not be shared

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily):
        self.address_family = family
        self.child_port = 0
        self.upstream_timeout: float | None = None
        super().__init__(address, _Handler, bind_and_activate=True)

    def server_bind(self) -> None:
        # HTTPServer's own asks DNS for the host's name (socket.getfqdn), which can take seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up is no news; anything else would be a bug, but the server lives on.
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Front
    protocol_version = "HTTP/1.1"
    server_version = "kgraph"
    sys_version = ""
    timeout = CLIENT_TIMEOUT

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: nothing on stderr per request

    # -- answers

    def _text(self, status: int, message: str) -> None:
        body = (message.rstrip("\n") + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _split(self) -> tuple[str, str]:
        parts = urllib.parse.urlsplit(self.path)
        return parts.path, parts.query

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() not in ("", "identity"):
            self.close_connection = True
            raise _Refused(411, "send the request body with a Content-Length")
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            self.close_connection = True
            raise _Refused(411, "send the request body with a Content-Length")
        try:
            length = int(length_text)
        except ValueError:
            self.close_connection = True
            raise _Refused(400, "malformed Content-Length") from None
        if length < 0 or length > MAX_QUERY_BYTES:
            self.close_connection = True
            raise _Refused(413, f"the request body is larger than {MAX_QUERY_BYTES // (1024 * 1024)} MiB")
        return self.rfile.read(length)

    # -- methods

    def do_GET(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def _refuse_write(self) -> None:
        self._answer(self._write)

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    def _answer(self, handler: Callable[[], None]) -> None:
        try:
            handler()
        except _Refused as refused:
            self._text(refused.status, refused.message)

    def _write(self) -> None:
        if self.headers.get("Content-Length") or self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # the body is not read: do not parse it as the next request
        raise _Refused(403, "this endpoint is read-only: it does not change the graph")

    def _get(self) -> None:
        path, query = self._split()
        if path in QUERY_PATHS:
            params = _parse_params(query)
            if "update" in params:
                raise _Refused(403, "this endpoint is read-only: SPARQL updates are refused")
            text = _single(params, "query")
            if text is None:
                if path == "/query" and not params:
                    return self._forward("/", "", None, None)  # Oxigraph's query page
                raise _Refused(400, "no query: give it as ?query=…")
            _check_query_text(text)
            return self._forward("/query", urllib.parse.urlencode(params, doseq=True), None, None)
        if path == "/update":
            raise _Refused(403, "this endpoint is read-only: SPARQL updates are refused")
        if path in ("/", "/store"):
            return self._forward(path, query, None, None)
        raise _Refused(404, f"no such path: {path} (the SPARQL endpoint is /query)")

    def _post(self) -> None:
        path, query = self._split()
        if path == "/update" or path == "/store" or path.startswith("/store/"):
            return self._write()
        if path not in QUERY_PATHS:
            self.close_connection = True
            raise _Refused(404, f"no such path: {path} (the SPARQL endpoint is /query)")
        url_params = _parse_params(query)
        if "update" in url_params:
            self.close_connection = True
            raise _Refused(403, "this endpoint is read-only: SPARQL updates are refused")
        if "query" in url_params:
            self.close_connection = True
            raise _Refused(400, "a POSTed query goes in the body, not in the URL")
        content_type = self.headers.get_content_type()
        body = self._read_body()
        if content_type == "application/sparql-update":
            raise _Refused(403, "this endpoint is read-only: SPARQL updates are refused")
        if content_type == "application/x-www-form-urlencoded":
            try:
                form = _parse_params(body.decode("ascii"))
            except UnicodeDecodeError:
                raise _Refused(400, "a form body must be URL-encoded ASCII") from None
            if "update" in form:
                raise _Refused(403, "this endpoint is read-only: SPARQL updates are refused")
            text = _single(form, "query")
            if text is None:
                raise _Refused(400, "no query: the form has no 'query' field")
            _check_query_text(text)
            data = urllib.parse.urlencode(form, doseq=True).encode("ascii")
            return self._forward("/query", query, data, content_type)
        if content_type == "application/sparql-query":
            charset = (self.headers.get_content_charset() or "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise _Refused(415, "send the query as UTF-8")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise _Refused(400, "the query is not UTF-8") from None
            _check_query_text(text)
            return self._forward("/query", query, text.encode("utf-8"), "application/sparql-query")
        raise _Refused(
            415,
            "POST a query as application/sparql-query or application/x-www-form-urlencoded "
            f"(not {content_type})",
        )

    # -- forwarding

    def _forward(self, path: str, query: str, body: bytes | None, content_type: str | None) -> None:
        target = path + ("?" + query if query else "")
        headers = {"Accept": self.headers.get("Accept", "*/*"), "User-Agent": "kgraph-serve"}
        host = self.headers.get("Host")
        if host:  # Oxigraph resolves a query's relative IRIs against the URL the client used
            headers["Host"] = host
        if content_type is not None:
            headers["Content-Type"] = content_type
        upstream = http.client.HTTPConnection(
            "127.0.0.1", self.server.child_port, timeout=self.server.upstream_timeout
        )
        try:
            try:
                method = "POST" if body is not None else "GET"
                upstream.request(method, target, body=body, headers=headers)
                response = upstream.getresponse()
            except (OSError, http.client.HTTPException) as e:
                raise _Refused(502, f"the Oxigraph server did not answer: {e}") from None
            self._relay(response)
        finally:
            upstream.close()

    def _relay(self, response: http.client.HTTPResponse) -> None:
        self.send_response(response.status, response.reason)
        for name in FORWARDED_HEADERS:
            value = response.getheader(name)
            if value is not None:
                self.send_header(name, value)
        length = response.getheader("Content-Length")
        chunked = length is None
        if chunked:  # Oxigraph streams results: pass them on as they come
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            while True:
                try:
                    piece = response.read1(CHUNK)
                except (OSError, http.client.HTTPException):
                    # Oxigraph broke off (a timeout mid-stream): end the answer so the client sees it
                    self.close_connection = True
                    return
                if not piece:
                    break
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _bind_front(host: str, port: int) -> _Front:
    """The public server, bound now so that a taken port fails before any work is done."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise ParameterError("host", f"cannot listen on {host!r}: {e.strerror or e}") from None
    family, _, _, _, address = infos[0]
    try:
        return _Front((str(address[0]), port), socket.AddressFamily(family))
    except OSError as e:
        where = f"{_url_host(host)}:{port}"
        if e.errno == errno.EADDRINUSE:
            raise ParameterError(
                "port",
                f"{where} is already in use (choose another with --port, or --port 0 for any free one)",
            ) from None
        if e.errno in (errno.EACCES, errno.EPERM):
            raise ParameterError("port", f"no permission to listen on {where}") from None
        if e.errno == errno.EADDRNOTAVAIL:
            raise ParameterError("host", f"{host} is not an address of this machine") from None
        raise ParameterError("host", f"cannot listen on {where}: {e.strerror or e}") from None


# ---------------------------------------------------------------- serve


def serve(
    graphs: Sequence[str | Path] | None = None,
    store: str | Path | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float | None = DEFAULT_TIMEOUT,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve a graph as a read-only SPARQL 1.1 endpoint until ``stop`` is set (or KeyboardInterrupt).

    ``graphs`` are RDF files, loaded into a temporary store removed on return; ``store`` is a
    directory made by ``kgraph load``; with neither, ``$KGRAPH_GRAPH`` or the bundled graph.
    ``port`` 0 picks a free port. ``timeout`` limits each query, in seconds (0 or None: no
    limit; Oxigraph counts whole seconds). ``ready`` is called with the endpoint's URL
    (``http://127.0.0.1:7878/query``) once it answers.

    Raises UsageError (exit 2): no Oxigraph server installed, both ``graphs`` and ``store``,
    an unreadable file or store; ParameterError for a bad or taken ``port`` or ``host``.
    """
    if graphs and store:
        raise UsageError("give only one of --graph and --store")
    _check_port(port)
    if not isinstance(host, str) or not host.strip():
        raise ParameterError("host", "must be an address or host name, such as 127.0.0.1")
    from kgraph.store import check_timeout

    seconds = check_timeout(timeout)
    binary = oxigraph_binary()
    files = [] if store else _graph_files(graphs)
    for f in files:
        if not f.is_file():
            raise InputFileError(f"{f}: no such graph file")
    if store:
        _check_store(Path(store))
    if stop is None:
        stop = threading.Event()
    front = _bind_front(host, port)
    temporary: Path | None = None
    child: _Child | None = None
    thread: threading.Thread | None = None
    try:
        if store:
            location = Path(store)
        else:
            from kgraph.store import load_into_store

            temporary = Path(tempfile.mkdtemp(prefix="kgraph-serve-"))
            location = temporary / "store"
            load_into_store(location, files)
        if stop.is_set():
            return
        for _attempt in range(3):
            child = _Child(binary, location, timeout)
            if child.wait_ready(stop):
                break
            if stop.is_set():
                return
            message = child.error()
            child.stop()
            child = None
            if "in use" not in message.lower():
                raise UsageError(f"the Oxigraph server stopped: {message}")
        if child is None:
            raise UsageError("the Oxigraph server could not find a free port")
        front.child_port = child.port
        # Oxigraph gives up on a query after `timeout`; the front waits a little longer for it.
        front.upstream_timeout = None if seconds is None else math.ceil(seconds) + 60.0
        thread = threading.Thread(target=front.serve_forever, daemon=True, name="kgraph-serve")
        thread.start()
        bound_port = int(front.server_address[1])
        if ready is not None:
            ready(f"http://{_url_host(host)}:{bound_port}/query")
        while not stop.wait(0.25):
            if child.process.poll() is not None:
                raise UsageError(f"the Oxigraph server stopped: {child.error()}")
    finally:
        if thread is not None:
            front.shutdown()
        front.server_close()
        if child is not None:
            child.stop()
        if temporary is not None:
            with contextlib.suppress(OSError):
                shutil.rmtree(temporary)
