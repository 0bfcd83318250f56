"""A remote SPARQL server, spoken to with the W3C protocols over HTTP(S).

:class:`HttpClient` is the one place kgraph opens a connection: credentials come from the
environment only, transient failures are retried with back-off, and every failure becomes a
:class:`~kgraph.errors.BackendError` naming the endpoint. :class:`EndpointBackend` runs
queries through it (SPARQL 1.1 Protocol) and reads answers as streams, restoring values
through the server's :mod:`dialect <kgraph.dialects>`.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import random
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)

from kgraph.dialects import Dialect, dialect_named, from_server_header, guess_from_url
from kgraph.errors import (
    EndpointAuthError,
    EndpointError,
    EndpointUnreachable,
    ParameterError,
    QueryTimeoutError,
    UsageError,
)
from kgraph.store import (
    UNSET,
    QueryResult,
    SelectResult,
    SelectStream,
    Term,
    Timeout,
    check_timeout,
    query_form,
)

USER_ENV = "KGRAPH_ENDPOINT_USER"
PASSWORD_ENV = "KGRAPH_ENDPOINT_PASSWORD"
TOKEN_ENV = "KGRAPH_ENDPOINT_TOKEN"
RETRIES_ENV = "KGRAPH_RETRIES"
DEFAULT_RETRIES = 3
_TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
_MAX_BACKOFF = 8.0


def retries_from_env() -> int:
    raw = os.environ.get(RETRIES_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_RETRIES
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"${RETRIES_ENV} must be a whole number of retries, not {raw!r}") from None
    if not 0 <= value <= 20:
        raise UsageError(f"${RETRIES_ENV} must be between 0 and 20, not {value}")
    return value


def check_url(url: str, parameter: str = "endpoint") -> str:
    if not isinstance(url, str):
        raise ParameterError(parameter, f"must be an http(s) URL, not {url!r}")
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ParameterError(parameter, f"{url}: must be an http(s) URL")
    if parsed.username or parsed.password:
        # Credentials in a URL end up in shell history and process lists.
        raise ParameterError(
            parameter, f"put credentials in ${USER_ENV} and ${PASSWORD_ENV} (or ${TOKEN_ENV}), not in the URL"
        )
    return url


def broke_off(url: str, e: BaseException) -> EndpointUnreachable:
    return EndpointUnreachable(f"{shown_url(url)} broke off its answer: {reason_text(e)}", endpoint=url)


def timed_out(url: str, timeout: float | None) -> QueryTimeoutError:
    return QueryTimeoutError(
        f"{shown_url(url)} did not answer within {timeout or 0:g} s (raise --timeout to wait longer)"
    )


def shown_url(url: str) -> str:
    """The URL as errors show it: without its query string, which can be long."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class HttpClient:
    """HTTP requests to one server, with the environment's credentials and retries."""

    def __init__(self, url: str, *, retries: int | None = None):
        self.url = check_url(url)
        self.retries = retries_from_env() if retries is None else retries
        self.token = os.environ.get(TOKEN_ENV) or None
        user = os.environ.get(USER_ENV)
        password = os.environ.get(PASSWORD_ENV)
        handlers: list[urllib.request.BaseHandler] = []
        self.has_credentials = bool(self.token or user)
        self._auth: _Auth | None = None
        if user:
            self._auth = _Auth(url, user, password or "")
            handlers.append(self._auth)
        self._opener = urllib.request.build_opener(*handlers)

    def open(
        self,
        method: str,
        url: str,
        *,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None,
        dialect: Dialect,
        what: str = "the request",
    ) -> http.client.HTTPResponse:
        """Send one request (retrying transient failures); the open response, to be read and closed.

        ``timeout`` bounds the wait for the connection and for each read (None: no limit).
        """
        all_headers = {"User-Agent": "kgraph", **(headers or {})}
        if data is not None and len(data) > _PROBE_ABOVE and self._auth and not self._auth.knows(url):
            # A server that wants credentials may answer 401 before reading a big body and then
            # close the connection under it: learn its scheme with a request without one first.
            self._probe(url, timeout, dialect)
        deadline = None if timeout is None else time.monotonic() + timeout
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=data, headers=all_headers, method=method)
            if self.token:
                # Unredirected: a redirect to another host must not carry the token there.
                request.add_unredirected_header("Authorization", f"Bearer {self.token}")
            try:
                response = self._opener.open(request, timeout=timeout)
                assert isinstance(response, http.client.HTTPResponse)
                return response
            except urllib.error.HTTPError as e:
                body = _read_error_body(e)
                retry_after = e.headers.get("Retry-After") if e.headers else None
                if e.code in _TRANSIENT_STATUS and self._may_retry(attempt, deadline, retry_after):
                    attempt += 1
                    continue
                raise self._status_error(url, e.code, str(e.reason or ""), body, dialect) from None
            except TimeoutError:
                raise timed_out(url, timeout) from None
            except (urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError) as e:
                reason = getattr(e, "reason", e)
                if isinstance(reason, TimeoutError | socket.timeout):
                    raise timed_out(url, timeout) from None
                transient = isinstance(
                    reason, ConnectionRefusedError | ConnectionResetError | http.client.RemoteDisconnected
                )
                if transient and self._may_retry(attempt, deadline, None):
                    attempt += 1
                    continue
                raise EndpointUnreachable(
                    f"{shown_url(url)} could not be reached: {reason_text(reason)}"
                    + (f" (after {attempt + 1} tries)" if attempt else ""),
                    endpoint=url,
                ) from None

    def _probe(self, url: str, timeout: float | None, dialect: Dialect) -> None:
        try:
            self.open("HEAD", url, timeout=timeout, dialect=dialect).close()
        except EndpointAuthError:
            raise
        except EndpointError:
            pass  # any other answer: the scheme is learnt, or none is asked for

    def _may_retry(self, attempt: int, deadline: float | None, retry_after: str | None) -> bool:
        if attempt >= self.retries:
            return False
        delay = min(_MAX_BACKOFF, 0.25 * 2**attempt) * (0.5 + random.random() / 2)
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after.strip()))
        if delay > _MAX_BACKOFF * 4:
            return False
        if deadline is not None and time.monotonic() + delay >= deadline:
            return False
        time.sleep(delay)
        return True

    def _status_error(self, url: str, status: int, reason: str, body: str, dialect: Dialect) -> EndpointError:
        detail = dialect.error_detail(status, body) or reason
        where = shown_url(url)
        if status in (401, 403):
            hint = (
                "the server refused the credentials"
                if self.has_credentials
                else f"the server asks for credentials: set ${USER_ENV} and ${PASSWORD_ENV} (or ${TOKEN_ENV})"
            )
            return EndpointAuthError(f"{where} answered HTTP {status}: {hint}", endpoint=url, status=status)
        return EndpointError(
            f"{where} answered HTTP {status}" + (f": {detail}" if detail else ""), endpoint=url, status=status
        )


_PROBE_ABOVE = 64 * 1024


class _Auth(urllib.request.HTTPDigestAuthHandler):
    """The environment's credentials, sent the way the server asks: Basic or Digest.

    Nothing is sent before the server asks (Virtuoso's Graph Store answers an unasked-for Basic
    header with a bare 401), and once a host has asked, every later request to it is signed up
    front, so a big body is not sent twice.
    """

    def __init__(self, url: str, user: str, password: str):
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        parts = urllib.parse.urlsplit(url)
        manager.add_password(None, f"{parts.scheme}://{parts.netloc}/", user, password)
        super().__init__(manager)
        self._basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._schemes: dict[str, str | dict[str, str]] = {}

    def knows(self, url: str) -> bool:
        return urllib.parse.urlsplit(url).netloc in self._schemes

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        scheme = self._schemes.get(req.host)
        if scheme == "basic":
            req.add_unredirected_header("Authorization", self._basic)
        elif isinstance(scheme, dict):
            value = self.get_authorization(req, scheme)
            if value:
                req.add_unredirected_header("Authorization", "Digest " + value)
        return req

    https_request = http_request

    def http_error_401(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        offered = [v.strip() for v in headers.get_all("WWW-Authenticate") or []]
        if any(v.lower().startswith("digest") for v in offered):
            return super().http_error_401(req, fp, code, msg, headers)
        if (
            any(v.lower().startswith("basic") for v in offered)
            and req.get_header("Authorization") != self._basic
        ):
            self._schemes[req.host] = "basic"
            req.add_unredirected_header("Authorization", self._basic)
            return self.parent.open(req, timeout=req.timeout)
        return None

    def retry_http_digest_auth(self, req, auth):  # type: ignore[no-untyped-def]
        _, challenge = auth.split(" ", 1)
        chal = urllib.request.parse_keqv_list([x for x in urllib.request.parse_http_list(challenge) if x])
        self._schemes[req.host] = chal
        return super().retry_http_digest_auth(req, auth)


def _read_error_body(e: urllib.error.HTTPError) -> str:
    try:
        return e.read(2000).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""
    finally:
        with contextlib.suppress(OSError):
            e.close()


def reason_text(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ConnectionResetError | http.client.RemoteDisconnected):
        return "the connection was closed"
    if isinstance(reason, socket.gaierror):
        return "no such host"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failed ({reason.reason or reason})"
    if isinstance(reason, OSError) and reason.strerror:
        return str(reason.strerror).lower()
    return str(reason) or type(reason).__name__


# ---------------------------------------------------------------- queries


class EndpointBackend:
    """A remote SPARQL 1.1 endpoint (``--endpoint URL``), of a kind (``--endpoint-kind``)."""

    def __init__(
        self, url: str, *, kind: str = "auto", timeout: float | None = 30.0, retries: int | None = None
    ):
        self.url = check_url(url)
        self.client = HttpClient(url, retries=retries)
        fixed = dialect_named(kind)
        self._fixed = fixed is not None
        self.dialect: Dialect = fixed or guess_from_url(url)
        self.timeout = timeout
        self.description = f"endpoint {url}"

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        timeout: Timeout = UNSET,
        *,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Send ``sparql`` as :func:`kgraph.query.text_as_sent` writes it: the PREFIX lines of ours
        it uses, ``bindings`` as a trailing VALUES block. ``base_iri`` is not sent: a remote
        server is not told local paths.
        """
        from kgraph.query import text_as_sent

        seconds = self.timeout if timeout is UNSET else check_timeout(timeout)
        text = text_as_sent(sparql, bindings)
        if query_form(sparql) in ("CONSTRUCT", "DESCRIBE"):
            return list(self.construct_triples(text, seconds))
        answer = self.select_rows(text, seconds)
        if isinstance(answer, bool):
            return answer
        variables, rows = answer
        return SelectResult(variables, list(rows))

    def select_stream(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        timeout: Timeout = UNSET,
        *,
        base_iri: str | None = None,
    ) -> SelectStream:
        """A SELECT's rows as the server sends them; UsageError when ``sparql`` is not a SELECT."""
        from kgraph.query import text_as_sent

        if query_form(sparql) != "SELECT":
            raise UsageError("only a SELECT query gives rows to stream")
        seconds = self.timeout if timeout is UNSET else check_timeout(timeout)
        answer = self.select_rows(text_as_sent(sparql, bindings), seconds)
        if isinstance(answer, bool):
            raise EndpointError(f"{shown_url(self.url)} answered a SELECT with a boolean")
        variables, rows = answer
        return SelectStream(variables, rows, getattr(rows, "close", lambda: None))

    def triples(self) -> Iterator[Triple]:
        """Every triple the endpoint holds, as they arrive."""
        return self.construct_triples("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", self.timeout)

    def _learn(self, response: http.client.HTTPResponse) -> None:
        if not self._fixed:
            named = from_server_header(response.headers.get("Server"))
            if named is not None:
                self.dialect = named
            self._fixed = True

    def _request(self, sparql: str, accept: str, timeout: float | None) -> http.client.HTTPResponse:
        response = self.client.open(
            "POST",
            self.url,
            data=urllib.parse.urlencode({"query": sparql}).encode(),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            timeout=timeout,
            dialect=self.dialect,
        )
        self._learn(response)
        cut = self.dialect.truncation({k: v for k, v in response.headers.items()})
        if cut:
            response.close()
            raise EndpointError(f"{shown_url(self.url)}: {cut}; narrow the query or raise the server's limit")
        return response

    def select_rows(
        self, sparql: str, timeout: float | None
    ) -> tuple[list[str], Iterator[dict[str, NamedNode | BlankNode | Literal | None]]] | bool:
        """A SELECT's variables and its rows as they arrive, or an ASK's answer."""
        response = self._request(sparql, "application/sparql-results+json", timeout)
        try:
            reader: Any = ResponseReader(response, self.url, timeout)  # read by pyoxigraph
            results = parse_query_results(reader, format=QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as e:
            response.close()
            raise EndpointError(
                f"{shown_url(self.url)} did not send SPARQL JSON results: {_first(e)}"
            ) from None
        if isinstance(results, QueryBoolean):
            response.close()
            return bool(results)
        variables = [v.value for v in results.variables]
        restore = self.dialect.restore

        def rows() -> Iterator[dict[str, NamedNode | BlankNode | Literal | None]]:
            try:
                for solution in _guard(results, self.url):
                    row: dict[str, NamedNode | BlankNode | Literal | None] = {}
                    for name in variables:
                        term = solution[name]
                        if isinstance(term, Literal):
                            term = restore(term)
                        row[name] = term
                    yield row
            finally:
                response.close()

        return variables, rows()

    def construct_triples(self, sparql: str, timeout: float | None) -> Iterator[Triple]:
        """A CONSTRUCT's or DESCRIBE's triples as they arrive."""
        response = self._request(sparql, "application/n-triples", timeout)
        ctype = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        fmt = {"text/turtle": RdfFormat.TURTLE, "application/rdf+xml": RdfFormat.RDF_XML}.get(
            ctype, RdfFormat.N_TRIPLES
        )
        return rdf_answer(response, self.url, fmt, self.dialect, timeout)


def _first(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


class ResponseReader:
    """A response as a file for pyoxigraph's streaming parsers, with read errors named, and an
    answer shorter than its Content-Length taken for what it is: broken off, not complete
    (http.client takes a connection closed early for the end of the body)."""

    def __init__(self, response: http.client.HTTPResponse, url: str, timeout: float | None):
        self.response = response
        self.url = url
        self.timeout = timeout
        length = response.headers.get("Content-Length")
        self.expected = int(length) if length and length.strip().isdigit() else None
        self.received = 0

    def read(self, size: int = -1) -> bytes:
        url = self.url
        try:
            block = self.response.read(size)
        except TimeoutError:
            raise QueryTimeoutError(
                f"{shown_url(url)} stopped sending within {self.timeout or 0:g} s"
            ) from None
        except (OSError, http.client.HTTPException) as e:
            raise broke_off(url, e) from None
        self.received += len(block)
        if not block and size != 0 and self.expected is not None and self.received < self.expected:
            raise EndpointUnreachable(
                f"{shown_url(url)} broke off its answer after {self.received:,} of {self.expected:,} bytes",
                endpoint=url,
            )
        return block


def rdf_answer(
    response: http.client.HTTPResponse,
    url: str,
    fmt: RdfFormat,
    dialect: Dialect,
    timeout: float | None,
    *,
    base_iri: str | None = None,
) -> Iterator[Triple]:
    """The triples of an RDF answer as they arrive, values restored by ``dialect``; a malformed
    body is an EndpointError. The response is closed when the iteration ends."""
    restore = dialect.restore
    reader: Any = ResponseReader(response, url, timeout)  # pyoxigraph reads anything with .read()
    try:
        for quad in _guard(parse(reader, format=fmt, base_iri=base_iri), url, "malformed RDF"):
            o = quad.object
            if isinstance(o, Literal):
                restored = restore(o)
                if restored is not o:
                    yield Triple(quad.subject, quad.predicate, restored)
                    continue
            yield quad.triple if hasattr(quad, "triple") else quad
    finally:
        response.close()


def _guard(items: Iterable[Any], url: str, what: str = "a malformed answer") -> Iterator[Any]:
    """Iterate a streaming parse, turning a malformed body into an EndpointError."""
    iterator = iter(items)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except SyntaxError as e:
            raise EndpointError(f"{shown_url(url)} sent {what}: {_first(e)}", endpoint=url) from None
        yield item


def stream_to(response: http.client.HTTPResponse, output: IO[bytes], chunk: int = 1 << 16) -> int:
    """Copy a response body to ``output``; the number of bytes."""
    total = 0
    while True:
        block = response.read(chunk)
        if not block:
            return total
        output.write(block)
        total += len(block)
