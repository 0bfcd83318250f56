"""Whole graphs to and from a SPARQL server: the SPARQL 1.1 Graph Store HTTP Protocol (GSP).

:func:`push` sends RDF files or an on-disk store to one graph of a server, :func:`pull` writes
one graph of a server to a file. Both find the Graph Store beside the query endpoint through the
server's :mod:`dialect <kgraph.dialects>` (or take its URL), and talk to it through
:class:`kgraph.endpoint.HttpClient`, so credentials, retries and errors are those of every other
request kgraph makes (docs/servers.md).

A push is idempotent: the first request is a ``PUT``, which replaces the target graph, and the
rest are ``POST``, which add to it, in batches of N-Triples. Pushing the same input twice leaves
the same graph; pushing nothing leaves the target graph empty. Neither direction holds the whole
graph in memory, except the triples that mention blank nodes: a server gives the blank nodes of
each request fresh identities, so those triples travel together in the last request.
"""

from __future__ import annotations

import http.client
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    parse,
    serialize,
)

from kgraph.dialects import Dialect, dialect_named, from_server_header, guess_from_url
from kgraph.endpoint import (
    EndpointBackend,
    HttpClient,
    broke_off,
    check_url,
    rdf_answer,
    shown_url,
    timed_out,
)
from kgraph.errors import (
    EndpointError,
    EndpointUnreachable,
    FormatError,
    InputFileError,
    OutputFileError,
    ParameterError,
    RdfSyntaxError,
    UsageError,
)
from kgraph.fileio import atomic_writer
from kgraph.namespaces import PREFIXES
from kgraph.store import OxigraphBackend, check_timeout, rdf_format_for

DEFAULT_BATCH = 50_000
"""Triples per request of a push."""
DEFAULT_TIMEOUT = 120.0
"""Seconds to wait for the server's answer to each request (a batch takes a while to store)."""

_NTRIPLES = "application/n-triples"
_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_MEDIA_TYPES = {
    "application/n-triples": RdfFormat.N_TRIPLES,
    "text/plain": RdfFormat.N_TRIPLES,  # N-Triples as RDF 1.0 servers label it
    "text/turtle": RdfFormat.TURTLE,
    "application/x-turtle": RdfFormat.TURTLE,
    "application/n-quads": RdfFormat.N_QUADS,
    "application/trig": RdfFormat.TRIG,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/ld+json": RdfFormat.JSON_LD,
}

OUTPUT_FORMATS: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
"""The formats :func:`pull` writes, by the names ``--format`` takes."""
_FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "json-ld": "jsonld", "rdf": "rdfxml"}
_EXTENSIONS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
}
_WITH_PREFIXES = frozenset({RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML})


def graph_name(graph_iri: str | None) -> str:
    """The target graph as messages name it."""
    return f"<{graph_iri}>" if graph_iri else "the default graph"


# ---------------------------------------------------------------- the target


@dataclass(frozen=True)
class Target:
    """One graph of a server's Graph Store, and how to reach it."""

    client: HttpClient
    dialect: Dialect
    store_url: str
    """The Graph Store endpoint, without the parameters naming the graph."""
    url: str
    """The graph's URL: ``store_url`` with ``?graph=IRI`` or ``?default``."""
    graph_iri: str | None
    learnt: bool
    """Whether the dialect is settled (named, or read from a ``Server`` header)."""


def check_graph_iri(graph_iri: str | None) -> str | None:
    """``graph_iri`` if it is an absolute IRI (None: the default graph); ParameterError if not."""
    if graph_iri is None:
        return None
    iri = graph_iri.strip()
    if iri.startswith("<") and iri.endswith(">"):
        iri = iri[1:-1]
    scheme = urllib.parse.urlsplit(iri).scheme
    if not iri or not scheme or iri.startswith("_:"):
        raise ParameterError(
            "graph_iri", f"{graph_iri!r} is not an absolute IRI (such as https://example.org/g)"
        )
    try:
        NamedNode(iri)
    except ValueError:
        raise ParameterError("graph_iri", f"{graph_iri!r} is not a valid IRI") from None
    return iri


def _with_params(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` appended; an empty value is written as a bare name (``?default``)."""
    query = "&".join(
        urllib.parse.quote(k, safe="-_.") + ("=" + urllib.parse.quote(v, safe="") if v else "")
        for k, v in params.items()
    )
    if not query:
        return url
    return url + ("&" if urllib.parse.urlsplit(url).query else "?") + query


def check_options(
    endpoint: str | None, graph_store: str | None, endpoint_kind: str, graph_iri: str | None
) -> str | None:
    """Validate what names the target before anything is read or sent; the graph IRI."""
    if not endpoint and not graph_store:
        raise UsageError("give the server: --endpoint URL (its query endpoint) or --graph-store URL")
    if endpoint:
        check_url(endpoint)
    if graph_store:
        check_url(graph_store, "graph_store")
    dialect_named(endpoint_kind)
    return check_graph_iri(graph_iri)


def graph_store_target(
    endpoint: str | None,
    *,
    graph_iri: str | None = None,
    endpoint_kind: str = "auto",
    graph_store: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    write: bool = False,
) -> Target:
    """The graph to push to or pull from.

    The Graph Store URL is ``graph_store`` when given, else the one the dialect places beside the
    query URL ``endpoint``. With ``endpoint_kind="auto"`` and no ``graph_store``, the endpoint is
    asked one ``ASK {}`` first, so that its ``Server`` header settles the dialect. UsageError when
    the dialect knows no Graph Store for the endpoint (QLever has none).
    """
    iri = check_options(endpoint, graph_store, endpoint_kind, graph_iri)
    fixed = dialect_named(endpoint_kind)
    learnt = fixed is not None
    dialect = fixed or guess_from_url(graph_store or endpoint or "")
    if graph_store:
        store_url = graph_store
    else:
        assert endpoint is not None
        if not learnt:
            probe = EndpointBackend(endpoint, kind="auto", timeout=timeout)
            probe.query("ASK {}")
            dialect = probe.dialect
            learnt = True
        found = dialect.graph_store_url(endpoint, write=write)
        if found is None:
            raise UsageError(
                f"kgraph knows no Graph Store for {shown_url(endpoint)} ({dialect.title}, --endpoint-kind "
                f"{dialect.name}): name its URL with --graph-store URL"
            )
        store_url = found
    params = dialect.graph_store_params(endpoint or store_url, iri)
    iri = params.get("graph") or iri  # the graph the dialect chose where the server has no default
    return Target(HttpClient(store_url), dialect, store_url, _with_params(store_url, params), iri, learnt)


def _learn(target: Target, response: http.client.HTTPResponse) -> Target:
    if target.learnt:
        return target
    named = from_server_header(response.headers.get("Server"))
    return Target(
        target.client,
        named or target.dialect,
        target.store_url,
        target.url,
        target.graph_iri,
        True,
    )


# ---------------------------------------------------------------- push


@dataclass(frozen=True)
class PushResult:
    """What :func:`push` sent."""

    url: str
    """The Graph Store endpoint."""
    graph_iri: str | None
    triples: int
    """Triples sent (a triple given twice is sent twice, and stored once)."""
    batches: int
    """Requests sent: one PUT, then POSTs."""
    seconds: float

    def summary(self) -> str:
        batches = f"{self.batches:,} batch" + ("" if self.batches == 1 else "es")
        return f"{self.url}: {self.triples:,} triples in {batches} into {graph_name(self.graph_iri)}"


Progress = Callable[[int, int], None]
"""Called after each batch with the triples sent so far and the number expected."""


def _check_files(files: Sequence[str | Path]) -> int:
    """Parse every file to its end (nothing is sent if one is malformed); their triple count."""
    from kgraph.store import _syntax_error

    total = 0
    for p in files:
        fmt = rdf_format_for(p)
        path = Path(p)
        if path.is_dir():
            raise InputFileError(f"{p}: is a directory, not a graph file")
        if not path.is_file():
            raise InputFileError(f"{p}: no such graph file")
        try:
            for _ in parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()):
                total += 1
        except SyntaxError as e:
            raise _syntax_error(str(p), e) from None
        except ValueError as e:
            raise RdfSyntaxError(str(p), str(e)) from None
        except OSError as e:
            raise InputFileError(f"{p}: {e.strerror or e}") from None
    return total


def _file_triples(files: Sequence[str | Path]) -> Iterator[Triple]:
    from kgraph.store import _syntax_error

    for p in files:
        path = Path(p)
        try:
            for quad in parse(path=str(path), format=rdf_format_for(p), base_iri=path.resolve().as_uri()):
                yield quad.triple  # named graphs of a TriG or N-Quads file are merged into the target
        except SyntaxError as e:  # the file changed since it was checked
            raise _syntax_error(str(p), e) from None
        except OSError as e:
            raise InputFileError(f"{p}: {e.strerror or e}") from None


def _store_triples(backend: OxigraphBackend) -> Iterator[Triple]:
    for quad in backend.store.quads_for_pattern(None, None, None, None):
        yield quad.triple


def _has_blank_node(t: Triple) -> bool:
    for term in (t.subject, t.object):
        if isinstance(term, BlankNode) or (isinstance(term, Triple) and _has_blank_node(term)):
            return True
    return False


def push(
    files: Sequence[str | Path] = (),
    *,
    store: str | Path | None = None,
    endpoint: str | None = None,
    graph_iri: str | None = None,
    endpoint_kind: str = "auto",
    graph_store: str | None = None,
    batch: int = DEFAULT_BATCH,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> PushResult:
    """Replace one graph of a server with the triples of ``files`` or of the on-disk ``store``.

    ``graph_iri`` names the target graph (None: the default graph). The triples go in batches of
    ``batch`` as N-Triples: the first with ``PUT`` (which replaces the graph), the others with
    ``POST``; no input at all is one ``PUT`` of nothing, which empties the graph. Files are parsed
    to their end before the first request, so a malformed file sends nothing. Triples that mention
    a blank node are held back and sent together last, so that each blank node stays one node.
    A push that fails half-way leaves the first batches on the server: run it again.
    """
    if files and store:
        raise UsageError("give FILE… or --store DIR, not both")
    if not files and not store:
        raise UsageError("give the graph to push: FILE… or --store DIR")
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise ParameterError("batch", f"must be a whole number of triples, at least 1, not {batch!r}")
    seconds = check_timeout(timeout)
    check_options(endpoint, graph_store, endpoint_kind, graph_iri)

    triples: Iterable[Triple]
    if files:
        expected = _check_files(files)
        triples = _file_triples(files)
    else:
        assert store is not None
        backend = OxigraphBackend.open_directory(store)
        expected = len(backend.store)
        triples = _store_triples(backend)

    started = time.monotonic()
    target = graph_store_target(
        endpoint,
        graph_iri=graph_iri,
        endpoint_kind=endpoint_kind,
        graph_store=graph_store,
        timeout=seconds,
        write=True,
    )
    sent = 0
    batches = 0
    pending: list[Triple] = []
    held: list[Triple] = []

    def send(chunk: list[Triple]) -> None:
        nonlocal target, sent, batches
        body = serialize(chunk, format=RdfFormat.N_TRIPLES) or b""
        target = _send(target, "PUT" if batches == 0 else "POST", body, seconds)
        sent += len(chunk)
        batches += 1
        if progress is not None:
            progress(sent, max(expected, sent))

    for t in triples:
        if _has_blank_node(t):
            held.append(t)
            continue
        pending.append(t)
        if len(pending) >= batch:
            send(pending)
            pending = []
    if held:
        if pending and len(pending) + len(held) > batch:
            send(pending)
            pending = []
        send(pending + held)
    elif pending or batches == 0:
        send(pending)
    return PushResult(target.store_url, target.graph_iri, sent, batches, time.monotonic() - started)


def _send(target: Target, method: str, body: bytes, timeout: float | None) -> Target:
    try:
        response = target.client.open(
            method,
            target.url,
            data=body,
            headers={"Content-Type": _NTRIPLES},
            timeout=timeout,
            dialect=target.dialect,
            what=f"the {method} of a batch",
        )
    except EndpointError as e:
        raise _graph_store_hint(e, target) from None
    try:
        response.read()
    except TimeoutError:
        raise timed_out(target.url, timeout) from None
    except (OSError, http.client.HTTPException) as e:
        raise broke_off(target.store_url, e) from None
    finally:
        response.close()
    return _learn(target, response)


def _graph_store_hint(e: EndpointError, target: Target) -> EndpointError:
    """A 404 or 405 from a URL that may not be the Graph Store: say how to name the right one."""
    if e.status not in (404, 405) or isinstance(e, EndpointUnreachable):
        return e
    return type(e)(
        f"{e}; if that is not the server's Graph Store, name it with --graph-store URL",
        endpoint=e.endpoint,
        status=e.status,
    )


# ---------------------------------------------------------------- pull


@dataclass(frozen=True)
class PullResult:
    """What :func:`pull` wrote."""

    url: str
    graph_iri: str | None
    triples: int
    output: str
    """The file written, or ``-`` for a stream."""
    format: str
    seconds: float

    def summary(self) -> str:
        into = "standard output" if self.output == "-" else self.output
        return f"{self.url}: {self.triples:,} triples from {graph_name(self.graph_iri)} into {into}"


def output_format(output: str | Path | None, fmt: str | None) -> str:
    """The name of the format to write: ``fmt``, else the one ``output``'s extension asks for,
    else Turtle (for a stream)."""
    if fmt:
        key = fmt.strip().lower()
        key = _FORMAT_ALIASES.get(key, key)
        if key not in OUTPUT_FORMATS:
            raise FormatError(f"unknown RDF format {fmt!r}; known: {', '.join(OUTPUT_FORMATS)}")
        return key
    if output is None or str(output) == "-":
        return "turtle"
    suffix = Path(output).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise FormatError(
            f"{output}: no RDF format for {suffix or '(no extension)'}; "
            f"use .ttl, .nt, .nq, .trig, .jsonld or .rdf, or name one with --format"
        )
    return _EXTENSIONS[suffix]


def _check_output(path: Path) -> Path:
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputFileError(f"{path}: is a directory")
    if not directory.is_dir():
        raise OutputFileError(f"{path}: directory {directory} does not exist")
    return directory


def _received(
    response: http.client.HTTPResponse, target: Target, timeout: float | None, graph: NamedNode | DefaultGraph
) -> tuple[Iterator[Triple], Iterator[Quad], Callable[[], int]]:
    """The graph in the response, as triples and as quads in ``graph``, values restored."""
    ctype = (response.headers.get("Content-Type") or _NTRIPLES).split(";")[0].strip().lower()
    fmt = _MEDIA_TYPES.get(ctype)
    if fmt is None:
        raise EndpointError(
            f"{shown_url(target.url)} sent {ctype}, not RDF",
            endpoint=target.store_url,
            status=response.status,
        )
    count = [0]

    def triples() -> Iterator[Triple]:
        for t in rdf_answer(
            response, target.store_url, fmt, target.dialect, timeout, base_iri=target.store_url
        ):
            count[0] += 1
            yield t

    def quads() -> Iterator[Quad]:
        for t in triples():
            yield Quad(t.subject, t.predicate, t.object, graph)

    return triples(), quads(), lambda: count[0]


def pull(
    output: str | Path | IO[bytes],
    *,
    endpoint: str | None = None,
    graph_iri: str | None = None,
    endpoint_kind: str = "auto",
    graph_store: str | None = None,
    fmt: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> PullResult:
    """Write one graph of a server (``GET`` from its Graph Store) to ``output``, streamed.

    ``output`` is a file path (written atomically: a temporary file beside it, renamed over it
    when the whole graph is in, removed on failure), ``-`` for standard output, or a binary
    stream. The format is ``fmt`` (turtle, ntriples, nquads, trig, jsonld, rdfxml), else the
    path's extension, else Turtle; Turtle, TriG and RDF/XML use kgraph's prefixes. Literals are
    restored through the server's dialect (Virtuoso's ``"86400.0"^^xsd:duration`` → ``P1D``).
    """
    stream: IO[bytes] | None = None
    path: Path | None = None
    if isinstance(output, str | Path):
        if str(output) == "-":
            stream = sys.stdout.buffer
        else:
            path = Path(output)
    else:
        stream = output
    directory = _check_output(path) if path is not None else None
    name = output_format(path, fmt)
    rdf_format = OUTPUT_FORMATS[name]
    seconds = check_timeout(timeout)
    check_options(endpoint, graph_store, endpoint_kind, graph_iri)

    started = time.monotonic()
    target = graph_store_target(
        endpoint, graph_iri=graph_iri, endpoint_kind=endpoint_kind, graph_store=graph_store, timeout=seconds
    )
    try:
        response = target.client.open(
            "GET",
            target.url,
            headers={"Accept": _ACCEPT},
            timeout=seconds,
            dialect=target.dialect,
            what="the graph",
        )
    except EndpointError as e:
        raise _graph_store_hint(e, target) from None
    try:
        target = _learn(target, response)
        graph: NamedNode | DefaultGraph = NamedNode(target.graph_iri) if target.graph_iri else DefaultGraph()
        triples, quads, count = _received(response, target, seconds, graph)
        items: Iterator[Triple] | Iterator[Quad] = quads if rdf_format.supports_datasets else triples
        prefixes = PREFIXES if rdf_format in _WITH_PREFIXES else None
        if stream is not None:
            serialize(items, stream, rdf_format, prefixes=prefixes)
            stream.flush()
            shown = "-"
        else:
            assert path is not None and directory is not None
            with atomic_writer(path) as fh:
                serialize(items, fh, rdf_format, prefixes=prefixes)
            shown = str(path)
    finally:
        response.close()
    return PullResult(target.store_url, target.graph_iri, count(), shown, name, time.monotonic() - started)
