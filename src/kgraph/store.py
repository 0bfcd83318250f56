"""Open a graph: the bundled data, RDF files, an on-disk Oxigraph store, or a SPARQL endpoint.

Every look-up, query and export goes through a :class:`Backend`, so the same code runs on
the bundled article graph, on millions of triples in an on-disk store (``--store DIR``,
filled by ``kgraph load``), and on a remote SPARQL 1.1 endpoint (``--endpoint URL``).
Terms are pyoxigraph's throughout.
"""

from __future__ import annotations

import enum
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal as TypingLiteral
from typing import Protocol, TypeVar

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    Variable,
    parse,
)

from kgraph.errors import (
    BackendError,
    InputFileError,
    ParameterError,
    QuerySyntaxError,
    QueryTimeoutError,
    RdfSyntaxError,
    UsageError,
)
from kgraph.fileio import read_bytes
from kgraph.namespaces import PREFIXES
from kgraph.ordering import total_order

Term = NamedNode | BlankNode | Literal
Row = dict[str, Term | None]
T = TypeVar("T")

GRAPH_ENV = "KGRAPH_GRAPH"
DEFAULT_TIMEOUT = 30.0


class _Unset(enum.Enum):
    UNSET = "the backend's timeout"


UNSET = _Unset.UNSET
"""A ``timeout`` not given: the backend's own (``--timeout`` at open, else DEFAULT_TIMEOUT)."""
Timeout = float | None | TypingLiteral[_Unset.UNSET]


def bundled_graph_path() -> Path:
    """The article graph shipped with kgraph: inside the installed package, or the repo's data/."""
    packaged = Path(__file__).parent / "data" / "claims.ttl"
    if packaged.is_file():
        return packaged
    repo = Path(__file__).resolve().parents[2] / "data" / "claims.ttl"
    if repo.is_file():
        return repo
    raise InputFileError("the bundled graph is missing from this installation; pass --graph PATH")


_EXTENSIONS = {"json": RdfFormat.JSON_LD, "owl": RdfFormat.RDF_XML, "turtle": RdfFormat.TURTLE}
"""Extensions kgraph's own exporters write (kgraph.export) that pyoxigraph does not know."""


def rdf_format_for(path: str | Path) -> RdfFormat:
    name = str(path).lower()
    if re.match(r"[a-z][a-z0-9+.-]*:/", name):
        # Path() folds "http://x" into "http:/x": say what it is, never fetch it.
        url = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*):/(?!/)", r"\1://", str(path))
        raise InputFileError(
            f"{url}: is a URL, not a file; kgraph reads only local files "
            "(use --endpoint URL for a SPARQL endpoint)"
        )
    if Path(path).is_dir():
        raise InputFileError(f"{path}: is a directory, not an RDF file (use --store DIR for a store)")
    ext = name.rsplit(".", 1)[-1] if "." in Path(name).name else ""
    fmt = _EXTENSIONS.get(ext) or (RdfFormat.from_extension(ext) if ext else None)
    if fmt is None:
        raise InputFileError(
            f"{path}: unknown RDF file type {('.' + ext) if ext else '(no extension)'}; "
            "use .ttl, .nt, .nq, .trig, .rdf or .jsonld"
        )
    return fmt


_PARSER_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*: ")


def _syntax_error(path: str, err: SyntaxError) -> RdfSyntaxError:
    """One line naming the file and, when the parser knows it, the line and column.

    pyoxigraph puts the position in the exception's ``lineno``/``offset`` and repeats it in
    the message (``Parser error at line 1 between columns 1 and 8: …``), which is dropped.
    """
    message = _remote_context(err.msg or str(err) or type(err).__name__).splitlines()[0]
    message = _PARSER_PREFIX.sub("", message)
    message = re.sub(r"^error at \d+:\d+: ", "", message)
    line = err.lineno if isinstance(err.lineno, int) and err.lineno > 0 else None
    column = err.offset if line is not None and isinstance(err.offset, int) and err.offset > 0 else None
    return RdfSyntaxError(path, message, line, column)


def _remote_context(message: str) -> str:
    if "LoadDocumentCallback" in message or "remote context" in message.lower():
        return (
            "the JSON-LD names a remote @context; kgraph never fetches one (it goes to the network "
            "only when asked): put the context in the file"
        )
    return message


def _checked_bytes(path: str | Path, fmt: RdfFormat) -> bytes:
    """The file's bytes, past a leading UTF-8 byte order mark, checked against kgraph.limits."""
    from kgraph.limits import check_rdf

    data = read_bytes(path, what="graph file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    check_rdf(data, fmt.name, str(path))
    return data


_BOM = b"\xef\xbb\xbf"
INPUT_FORMATS: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
"""The syntaxes ``--input-format`` names for ``--graph -``: the names of ``export``/``pull``'s
``--format`` for them (kgraph.gsp.OUTPUT_FORMATS)."""


def check_input_format(input_format: str | None, graphs: Sequence[str | Path] | None) -> RdfFormat | None:
    """The syntax ``input_format`` names, or None; a ParameterError for an unknown name, or for a
    name given without standard input (``-``) among ``graphs``: a file's extension tells its
    syntax, and a format that silently did nothing would hide a typo in the command."""
    if input_format is None:
        return None
    fmt = INPUT_FORMATS.get(input_format.lower())
    if fmt is None:
        raise ParameterError("input_format", f"{input_format!r} is not one of {', '.join(INPUT_FORMATS)}")
    if not any(str(g) == "-" for g in graphs or ()):
        raise ParameterError(
            "input_format",
            "applies only to standard input (-) among the graphs; a file's extension tells its syntax",
        )
    return fmt


def _stdin_graph(input_format: str | None = None) -> tuple[RdfFormat, bytes]:
    """``--graph -``: standard input, in the syntax ``input_format`` names (INPUT_FORMATS), else
    told by its first character: JSON-LD for ``{``/``[``, RDF/XML for ``<?xml``/``<rdf:``,
    else TriG, which reads Turtle and N-Triples too."""
    import sys

    from kgraph.limits import check_rdf

    chosen = check_input_format(input_format, ["-"])
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputFileError("-: standard input is closed")
    data = stream.read()
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    head = data.lstrip()[:6]
    if chosen is not None:
        fmt = chosen
    elif head[:1] in (b"{", b"["):
        fmt = RdfFormat.JSON_LD
    elif head.startswith((b"<?xml", b"<rdf:", b"<!--")):
        fmt = RdfFormat.RDF_XML
    else:
        fmt = RdfFormat.TRIG
    check_rdf(data, fmt.name, "-")
    return fmt, data


def parse_file(path: str | Path, *, base_iri: str | None = None) -> list[Triple]:
    """All triples of an RDF file (named graphs are merged into one graph).

    Relative IRIs resolve against ``base_iri``, by default the file's own URI.
    """
    fmt = rdf_format_for(path)
    data = _checked_bytes(path, fmt)
    try:
        return [
            q.triple if isinstance(q, Quad) else q
            for q in parse(data, format=fmt, base_iri=base_iri or Path(path).resolve().as_uri())
        ]
    except SyntaxError as e:
        raise _syntax_error(str(path), e) from None
    except ValueError as e:
        raise RdfSyntaxError(str(path), _remote_context(str(e))) from None


def check_timeout(timeout: float | None, option: str = "--timeout") -> float | None:
    """A query timeout in seconds as every command and backend takes it; None means no limit.

    0 and None mean no limit; anything else must be a finite number of seconds, at most
    ``threading.TIMEOUT_MAX`` (about 292 years). UsageError (exit 2) for nan, inf, a negative
    number or one too large to wait for.
    """
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise UsageError(f"{option} must be a number of seconds, not {timeout!r}")
    if math.isnan(timeout) or timeout < 0:
        raise UsageError(f"{option} must be 0 (no limit) or a positive number of seconds, not {timeout:g}")
    if timeout > threading.TIMEOUT_MAX:
        raise UsageError(f"{option} must be at most {threading.TIMEOUT_MAX:.0f} seconds (0: no limit)")
    return float(timeout) if timeout > 0 else None


class _QueryThread:
    """A daemon thread that runs one query after another for :func:`_run_with_timeout`: a look-up
    makes a dozen queries, and a thread each cost more than some of them (docs/performance.md)."""

    def __init__(self) -> None:
        self._job: Callable[[], None] | None = None
        self._retired = False
        self._ready = threading.Semaphore(0)
        self._thread = threading.Thread(target=self._loop, daemon=True, name="kgraph-query")
        self._thread.start()

    def start(self, job: Callable[[], None]) -> None:
        self._thread.name = "kgraph-query"
        self._job = job
        self._ready.release()

    def idle(self) -> None:
        """Back in the pool: named so, as a thread still at work on a query is "kgraph-query"."""
        self._thread.name = "kgraph-query-idle"

    def retire(self) -> None:
        """Left with an abandoned query: end once it does, instead of waiting for more work."""
        self._retired = True
        self._ready.release()

    def _loop(self) -> None:
        while True:
            self._ready.acquire()
            job, self._job = self._job, None
            if job is not None:
                job()
            del job  # the answer is the caller's now: hold no reference to it while idle
            if self._retired:
                return


_IDLE_WORKERS: list[_QueryThread] = []
"""Workers whose last query ended (list.pop and append are atomic: callers on several threads
never share one)."""
# A forked child has none of its parent's threads: it starts its own.
os.register_at_fork(after_in_child=_IDLE_WORKERS.clear)


def _run_with_timeout(fn: Callable[[], T], timeout: float | None, cancel: threading.Event | None = None) -> T:
    """Run ``fn`` in a worker thread (an idle one when there is); give up waiting after
    ``timeout`` seconds.

    Oxigraph cannot be interrupted mid-query, so the worker is a daemon thread that the
    process abandons; the CLI exits right after the error. ``cancel`` is set on timeout so
    that a worker which checks it between results stops instead of filling memory with
    rows nobody will read (a library caller's process lives on).
    """
    timeout = check_timeout(timeout)
    if timeout is None:
        return fn()
    box: dict[str, object] = {}
    finished = threading.Event()

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # handed over to the caller's thread
            # Without its traceback: the frames hold Oxigraph iterators, which must be freed
            # in this thread (dropped in another, pyo3 prints a RuntimeError).
            box["error"] = e.with_traceback(None)
        finally:
            finished.set()

    worker = _IDLE_WORKERS.pop() if _IDLE_WORKERS else _QueryThread()
    worker.start(work)
    if not finished.wait(timeout):
        # The worker stays with the abandoned query and ends with it; the next one gets another.
        worker.retire()
        if cancel is not None:
            cancel.set()
        raise QueryTimeoutError(f"query stopped after {timeout:g} s (raise --timeout to wait longer)")
    worker.idle()
    _IDLE_WORKERS.append(worker)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


class SelectResult:
    """Rows of a SELECT query with their variable names, in order."""

    def __init__(self, variables: list[str], rows: list[Row]):
        self.variables = variables
        self.rows = rows

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


QueryResult = SelectResult | bool | list[Triple]


class SelectStream:
    """Rows of a SELECT as they come, for answers too big to hold: iterate once, or close."""

    def __init__(self, variables: list[str], rows: Iterator[Row], close: Callable[[], None] = lambda: None):
        self.variables = variables
        self._rows = rows
        self._close = close

    def __iter__(self) -> Iterator[Row]:
        return self._rows

    def close(self) -> None:
        self._close()


_BATCH = 512
_DONE = object()


def _stream_rows(
    start: Callable[[], tuple[list[str], Iterator[Row]]], timeout: float | None, what: str
) -> SelectStream:
    """Run ``start`` (which opens the query) and drain its rows in a worker thread, handing them
    over in batches through a bounded queue: memory stays at a few batches, and ``timeout``
    bounds each wait for the next batch, even when Oxigraph is busy inside one row.
    """
    import queue

    handoff: queue.Queue[object] = queue.Queue(maxsize=8)
    cancel = threading.Event()

    def put(item: object) -> bool:
        while not cancel.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            variables, rows = start()
            if not put(("vars", variables)):
                return
            batch: list[Row] = []
            for row in rows:
                if cancel.is_set():
                    return
                batch.append(row)
                if len(batch) >= _BATCH:
                    if not put(("rows", batch)):
                        return
                    batch = []
            if batch and not put(("rows", batch)):
                return
            put(_DONE)
        except BaseException as e:  # handed over to the caller's thread, without its frames
            put(("error", e.with_traceback(None)))

    threading.Thread(target=work, daemon=True, name="kgraph-stream").start()

    def take() -> object:
        # The limit is on each wait, as for a server's answer read in pieces: a query that
        # keeps sending rows runs to its end; one that sends nothing for `timeout` s is stopped.
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                cancel.set()
                raise QueryTimeoutError(
                    f"{what} stopped after {timeout:g} s (raise --timeout to wait longer)"
                )
            try:
                return handoff.get(timeout=0.1 if wait is None else min(wait, 0.1))
            except queue.Empty:
                continue

    first = take()
    if isinstance(first, tuple) and first[0] == "error":
        raise first[1]
    assert isinstance(first, tuple) and first[0] == "vars"
    variables: list[str] = first[1]

    def rows() -> Iterator[Row]:
        try:
            while True:
                item = take()
                if item is _DONE:
                    return
                assert isinstance(item, tuple)
                if item[0] == "error":
                    error = item[1]
                    # Parsed, but Oxigraph failed while evaluating (a SERVICE call is an OSError).
                    raise cannot_run(error) if type(error) is RuntimeError else error
                yield from item[1]
        finally:
            cancel.set()

    return SelectStream(variables, rows(), cancel.set)


class Backend(Protocol):
    """What kgraph needs of a graph store.

    ``timeout`` is the limit each query gets unless it passes one of its own (seconds; None:
    no limit); it is set when the backend is opened (``--timeout``).
    """

    description: str
    timeout: float | None

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        timeout: Timeout = UNSET,
        *,
        base_iri: str | None = None,
    ) -> QueryResult: ...

    def select_stream(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        timeout: Timeout = UNSET,
        *,
        base_iri: str | None = None,
    ) -> SelectStream: ...

    def triples(self) -> Iterable[Triple]: ...


def check_bindings(bindings: Mapping[str, Term] | None) -> None:
    for name, term in (bindings or {}).items():
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"bad variable name {name!r}")
        if not isinstance(term, NamedNode | Literal | BlankNode):
            raise UsageError(
                f"binding {name!r} is not an RDF term (bind pyoxigraph terms: NamedNode, Literal, BlankNode)"
            )


def cannot_run(err: RuntimeError) -> UsageError:
    """Oxigraph parsed a query but refuses to run it (a bound variable it does not project, an
    unknown function...): one line, exit 2."""
    message = str(err).splitlines()[0] if str(err).strip() else type(err).__name__
    if "SELECT projection" in message:
        message += " (a binding, such as --param, fixes only variables the top-level SELECT returns)"
    return UsageError(f"the query cannot run: {message}")


def check_projected(sparql: str, bindings: Mapping[str, Term] | None) -> None:
    """UsageError when a bound variable is not one the query's top-level SELECT returns.

    Oxigraph refuses such a binding; a remote endpoint given a trailing VALUES block would
    silently ignore it. The query is prepared, never run, against an empty local store, so
    that both backends refuse the same bindings with the same message. A query Oxigraph
    cannot parse (an endpoint's own extensions) is left for the endpoint to judge. Only SELECT
    and DESCRIBE project variables: Oxigraph binds any variable of an ASK or a CONSTRUCT, and
    would run an ASK (its SERVICE calls too) to prepare it, so those are not prepared.
    """
    if not bindings or query_form(sparql) not in ("SELECT", "DESCRIBE"):
        return
    substitutions: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
        Variable(k): v for k, v in bindings.items()
    }
    try:
        Store().query(sparql, prefixes=PREFIXES, substitutions=substitutions)
    except RuntimeError as e:
        raise cannot_run(e) from None
    except (SyntaxError, ValueError, OSError):
        return


def _substitutions(
    bindings: Mapping[str, Term] | None,
) -> dict[Variable, NamedNode | BlankNode | Literal | Triple]:
    check_bindings(bindings)
    return {Variable(k): v for k, v in (bindings or {}).items()}


class OxigraphBackend:
    """An Oxigraph store: in memory (files loaded at open) or on disk (``--store DIR``)."""

    def __init__(self, store: Store, description: str, timeout: float | None = DEFAULT_TIMEOUT):
        self.store = store
        self.description = description
        self.timeout = timeout

    @classmethod
    def from_files(
        cls, paths: Sequence[str | Path], *, cached: bool = False, input_format: str | None = None
    ) -> OxigraphBackend:
        """The files read as one graph. ``cached``: big files come from the graph cache (an
        on-disk store, read-only, built on first use: docs/cache.md) instead of being parsed
        into memory; callers that write into the backend leave it False."""
        if cached:
            from kgraph.cache import cached_store

            on_disk = cached_store(paths)
            if on_disk is not None:
                return cls(on_disk, ", ".join(str(p) for p in paths))
        store = Store()
        for path in paths:
            if str(path) == "-":
                fmt, data = _stdin_graph(input_format)
            else:
                fmt = rdf_format_for(path)
                data = _checked_bytes(path, fmt)
            # Oxigraph parses straight into the store: three times faster than building quads
            # in Python, which is most of a look-up's time. Named graphs of TriG/N-Quads files
            # are kept and queried as one union graph.
            target = None if fmt.supports_datasets else DefaultGraph()
            try:
                store.load(data, format=fmt, base_iri=Path(path).resolve().as_uri(), to_graph=target)
            except SyntaxError as e:
                raise _syntax_error(str(path), e) from None
            except ValueError as e:
                raise RdfSyntaxError(str(path), _remote_context(str(e))) from None
        return cls(store, ", ".join(str(p) for p in paths))

    @classmethod
    def open_directory(
        cls, directory: str | Path, *, read_only: bool = True, wait: float = 0.0
    ) -> OxigraphBackend:
        """The Oxigraph store in ``directory``; with ``read_only=False`` one to write, created
        when the folder is missing or empty (docs/files.md).

        InputFileError (exit 2) for a folder that is not a store (a folder of other files is
        never written into) or one Oxigraph cannot read; BackendError (exit 4) when another
        process holds the store for writing for longer than ``wait`` seconds. A reader opens
        the store read-only and is not held up by a writer: it sees what the writer flushed.
        """
        path = Path(directory)
        check_store_folder(path, read_only=read_only)
        if not read_only and is_store_directory(path):
            # A read-only open writes nothing: a damaged store is refused before RocksDB's
            # read-write open puts its LOG file into it.
            _open_store(path, directory, read_only=True, wait=0.0)
        store = _open_store(path, directory, read_only=read_only, wait=wait)
        return cls(store, f"store {directory}")

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        timeout: Timeout = UNSET,
        *,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run ``sparql`` with our prefixes pre-bound; ``bindings`` fix variables of the top-level
        SELECT to RDF terms; relative IRIs resolve against ``base_iri`` (a BASE in the query wins).

        QuerySyntaxError for malformed SPARQL, UsageError when Oxigraph cannot run it (such as a
        binding of a variable the SELECT does not return), QueryTimeoutError after ``timeout``.
        """
        timeout = self.timeout if timeout is UNSET else check_timeout(timeout)
        substitutions = _substitutions(bindings)

        cancel = threading.Event()

        def run() -> QueryResult:
            result = self.store.query(
                total_order(sparql),
                base_iri=base_iri,
                prefixes=PREFIXES,
                substitutions=substitutions or None,
                use_default_graph_as_union=True,
            )
            if isinstance(result, QueryBoolean):
                return bool(result)
            if isinstance(result, QuerySolutions):
                variables = [v.value for v in result.variables]
                rows: list[Row] = []
                for sol in result:
                    if cancel.is_set():  # timed out: the caller has gone, stop here
                        break
                    rows.append({name: sol[name] for name in variables})
                return SelectResult(variables, rows)
            assert isinstance(result, QueryTriples)
            triples: list[Triple] = []
            for t in result:
                if cancel.is_set():
                    break
                triples.append(t)
            return triples

        try:
            return _run_with_timeout(run, timeout, cancel)
        except SyntaxError as e:
            raise sparql_syntax_error(e) from None
        except (RecursionError, NotImplementedError):
            raise
        except RuntimeError as e:  # parsed, but Oxigraph cannot evaluate it
            raise cannot_run(e) from None

    def select_stream(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        timeout: Timeout = UNSET,
        *,
        base_iri: str | None = None,
    ) -> SelectStream:
        """A SELECT's rows as they come (:class:`SelectStream`), with the errors of :meth:`query`;
        UsageError when ``sparql`` is not a SELECT."""
        seconds = self.timeout if timeout is UNSET else check_timeout(timeout)
        substitutions = _substitutions(bindings)

        def start() -> tuple[list[str], Iterator[Row]]:
            result = self.store.query(
                total_order(sparql),
                base_iri=base_iri,
                prefixes=PREFIXES,
                substitutions=substitutions or None,
                use_default_graph_as_union=True,
            )
            if not isinstance(result, QuerySolutions):
                raise UsageError("only a SELECT query gives rows to stream")
            variables = [v.value for v in result.variables]
            return variables, ({name: sol[name] for name in variables} for sol in result)

        try:
            return _stream_rows(start, seconds, "query")
        except SyntaxError as e:
            raise sparql_syntax_error(e) from None
        except (RecursionError, NotImplementedError):
            raise
        except RuntimeError as e:
            raise cannot_run(e) from None

    def triples(self) -> Iterable[Triple]:
        for q in self.store.quads_for_pattern(None, None, None, None):
            yield q.triple

    def __len__(self) -> int:
        return len(self.store)


def sparql_syntax_error(err: SyntaxError) -> QuerySyntaxError:
    message = str(err).splitlines()[0]
    m = re.match(r"error at (\d+):(\d+): (.*)", message)
    if m:
        return QuerySyntaxError(m.group(3), int(m.group(1)), int(m.group(2)))
    return QuerySyntaxError(message)


# ---------------------------------------------------------------- query text


def values_clause(bindings: Mapping[str, Term]) -> str:
    """Bindings as a VALUES block of N-Triples terms: escaped, never pasted as query text."""
    names = " ".join(f"?{k}" for k in bindings)
    terms = " ".join(str(v) for v in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(sparql: str) -> str:
    stripped = re.sub(r"#[^\n]*", "", re.sub(r"<[^>\s]*>", "<>", sparql))
    m = _FORM.search(stripped)
    return m.group(1).upper() if m else "SELECT"


# ---------------------------------------------------------------- opening


def open_backend(
    graphs: Sequence[str | Path] | None = None,
    *,
    store: str | Path | None = None,
    endpoint: str | None = None,
    endpoint_kind: str = "auto",
    timeout: float | None = DEFAULT_TIMEOUT,
    input_format: str | None = None,
) -> Backend:
    """The graph the user named, or the bundled one.

    At most one of ``graphs`` (files read as one graph), ``store`` and ``endpoint``; with none,
    ``$KGRAPH_GRAPH`` (``os.pathsep``-separated files) or the bundled article graph.
    ``endpoint_kind`` names the server's dialect (:mod:`kgraph.dialects`; ``auto`` guesses);
    ``timeout`` is every query's limit in seconds (0 or None: none); ``input_format`` the
    syntax of ``-`` (standard input) among ``graphs`` (:data:`INPUT_FORMATS`; default: guessed).
    """
    chosen = sum(bool(x) for x in (graphs, store, endpoint))
    if chosen > 1:
        raise UsageError("give only one of --graph, --store and --endpoint")
    seconds = check_timeout(timeout)
    check_input_format(input_format, graphs)
    backend: Backend
    if endpoint:
        from kgraph.endpoint import EndpointBackend

        return EndpointBackend(endpoint, kind=endpoint_kind, timeout=seconds)
    if endpoint_kind != "auto":
        from kgraph.dialects import dialect_named

        dialect_named(endpoint_kind)  # a typo is an error even where it does not apply
    if store:
        backend = OxigraphBackend.open_directory(store)
    else:
        if not graphs:
            env = os.environ.get(GRAPH_ENV)
            graphs = [p for p in env.split(os.pathsep) if p] if env else [bundled_graph_path()]
        backend = OxigraphBackend.from_files(graphs, cached=True, input_format=input_format)
    backend.timeout = seconds
    return backend


STORE_FILES = ("CURRENT", "IDENTITY")
DEFAULT_WAIT = 10.0
"""Seconds ``kgraph load`` waits for another writer of the store by default (``--wait``)."""


def is_store_directory(directory: str | Path) -> bool:
    """Whether ``directory`` holds an Oxigraph (RocksDB) store: an IDENTITY file, and a CURRENT
    file naming a MANIFEST-NNNNNN file that is there, as every store has from its first open.

    Read from the files, not by opening the store: RocksDB writes a LOG into any folder it is
    asked to open for writing, even one it then refuses.
    """
    return _why_not_store(Path(directory)) is None


def _why_not_store(path: Path) -> str | None:
    if not (path / "IDENTITY").is_file():
        return "no IDENTITY file"
    try:
        with open(path / "CURRENT", "rb") as current:
            head = current.read(64)
    except FileNotFoundError:
        return "no CURRENT file"
    except OSError as e:
        return f"its CURRENT file cannot be read: {e.strerror or e}"
    m = re.fullmatch(rb"(MANIFEST-\d+)\n?", head)
    if m is None:
        return "its CURRENT file does not name a MANIFEST file"
    if not (path / m.group(1).decode("ascii")).is_file():
        return f"its CURRENT file names {m.group(1).decode('ascii')}, which is not there"
    return None


def check_store_folder(directory: str | Path, *, read_only: bool) -> None:
    """An InputFileError unless ``directory`` may be opened as a store: to read, a store; to
    write, a store, an empty folder, or a folder not there yet in one that is. A folder of
    other files is never written into: RocksDB would put its files among them."""
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise InputFileError(f"{directory}: is a file, not a store directory")
    if not path.is_dir():
        if read_only:
            raise InputFileError(f"{directory}: no such store directory (create one with `kgraph load`)")
        if not path.parent.is_dir():
            raise InputFileError(f"{directory}: folder {path.parent} does not exist")
        return
    why = _why_not_store(path)
    if why is None:
        return
    try:
        entries = sorted(p.name for p in path.iterdir())
    except OSError as e:
        raise InputFileError(f"{directory}: cannot read the folder: {e.strerror or e}") from None
    if not entries:
        if read_only:
            raise InputFileError(
                f"{directory}: an empty directory, not a store (fill one with `kgraph load`)"
            )
        return
    if read_only:
        raise InputFileError(f"{directory}: not an Oxigraph store ({why})")
    shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
    raise InputFileError(
        f"{directory}: holds files that are not an Oxigraph store's ({shown}); kgraph writes a "
        "store only into a new or empty folder, or into a store"
    )


def _open_store(
    path: Path, directory: str | Path, *, read_only: bool, wait: float, waited: float | None = None
) -> Store:
    """pyoxigraph's Store in ``path``, RocksDB's errors said in our terms; a lock held by
    another process waited for, for at most ``wait`` seconds (of the ``waited`` the caller was
    given, for the message: the rest went on kgraph's own lock)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return Store.read_only(str(path)) if read_only else Store(str(path))
        except OSError as e:
            raw = str(e)
            if "lock hold by current process" in raw:
                raise BackendError(
                    f"the store {directory} is already open for writing in this process"
                ) from None
            if "While lock file" not in raw:
                raise InputFileError(f"{directory}: cannot open the store: {_rocksdb_message(e)}") from None
            if time.monotonic() >= deadline:
                total = wait if waited is None else waited
                said = f"waited {total:g} s" if total > 0 else "did not wait"
                raise BackendError(
                    f"the store {directory} is in use by another process (one that holds its LOCK "
                    f"file); {said}"
                ) from None
            time.sleep(min(0.2, max(deadline - time.monotonic(), 0.0)))
        except RuntimeError as e:  # RocksDB's "Corruption: …", "Invalid argument: …"
            raise InputFileError(f"{directory}: {_rocksdb_message(e)}") from None


def _rocksdb_message(err: BaseException) -> str:
    """A RocksDB error as a clause of ours: what is wrong with the store, naming a file of it
    where RocksDB does, without RocksDB's status codes and internal field names."""
    raw = " ".join(str(err).split()) or type(err).__name__
    damaged = re.search(r"The file \S*?([^/\s]+) may be corrupted", raw)
    if damaged:
        return f"a damaged store: its file {damaged.group(1)} is corrupt"
    if raw.startswith("Corruption:"):
        detail = raw.removeprefix("Corruption:").strip().rstrip(".")
        return f"a damaged store ({detail[:1].lower() + detail[1:]})" if detail else "a damaged store"
    if "Permission denied" in raw:
        return "permission denied"
    if "No such file or directory" in raw:
        missing = re.search(r"([^/\s:]+): No such file or directory", raw)
        return "a file of the store is missing" + (f" ({missing.group(1)})" if missing else "")
    if "No space left" in raw:
        return "no space left on the device"
    message = re.sub(r"^(IO error|Invalid argument|Not implemented|Not supported):\s*", "", raw)
    return f"Oxigraph cannot open it ({message.rstrip('.')})"


def check_wait(wait: float) -> float:
    """A lock wait in seconds: 0 (do not wait) or a finite positive number."""
    if isinstance(wait, bool) or not isinstance(wait, int | float):
        raise ParameterError("wait", f"must be a number of seconds, not {wait!r}")
    if math.isnan(wait) or wait < 0 or wait > threading.TIMEOUT_MAX:
        raise ParameterError("wait", f"must be 0 (do not wait) or a positive number of seconds, not {wait:g}")
    return float(wait)


def _has_bom(path: str | Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(3) == _BOM


def file_quads(path: str | Path) -> Iterator[Quad | Triple]:
    """The quads of an RDF file, read in pieces, past a leading UTF-8 byte order mark (which
    Oxigraph would read as a character of the document)."""
    fmt = rdf_format_for(path)
    base = Path(path).resolve().as_uri()
    if not _has_bom(path):
        yield from parse(path=str(path), format=fmt, base_iri=base)
        return
    with open(path, "rb") as fh:
        fh.seek(len(_BOM))
        yield from parse(input=fh, format=fmt, base_iri=base)


def _check_load_file(path: str | Path) -> None:
    """An error of ours unless ``path`` is an RDF file that parses to its end."""
    from kgraph.limits import check_rdf

    fmt = rdf_format_for(path)
    if not Path(path).is_file():
        raise InputFileError(f"{path}: no such graph file")
    check_rdf(str(path), fmt.name, str(path))
    try:
        for _ in file_quads(path):
            pass
    except SyntaxError as e:
        raise _syntax_error(str(path), e) from None
    except ValueError as e:
        raise RdfSyntaxError(str(path), _remote_context(str(e))) from None
    except OSError as e:
        raise InputFileError(f"{path}: {e.strerror or e}") from None


def _bulk_load(store: Store, path: str | Path) -> None:
    fmt = rdf_format_for(path)
    base = Path(path).resolve().as_uri()
    if not _has_bom(path):
        store.bulk_load(path=str(path), format=fmt, base_iri=base)
        return
    with open(path, "rb") as fh:
        fh.seek(len(_BOM))
        store.bulk_load(input=fh, format=fmt, base_iri=base)


def load_into_store(
    directory: str | Path,
    paths: Sequence[str | Path],
    *,
    wait: float = DEFAULT_WAIT,
    replace_source: str | None = None,
) -> int:
    """Bulk-load RDF files into an on-disk store (created if missing); returns its triple count.

    Every file is parsed once before anything is written, because a bulk load is not
    transactional: a syntax error half-way must not leave half a file in the store.
    The store is written under kgraph's lock (``fileio.locked``), waited for at most ``wait``
    seconds, then a BackendError; a folder that holds anything but a store is refused with an
    InputFileError, before anything is written anywhere (docs/files.md).
    ``replace_source`` (a source's IRI, CURIE, slug or title) first takes that source's claims
    and mentions out, in the same transaction as the new files go in; it needs a store that
    holds the source.
    """
    seconds = check_wait(wait)
    folder = Path(directory)
    check_store_folder(folder, read_only=False)
    if replace_source is not None and not is_store_directory(folder):
        raise InputFileError(
            f"{directory}: no store to replace the source {replace_source!r} in (load it first)"
        )
    for p in paths:
        _check_load_file(p)
    from kgraph.fileio import locked

    deadline = time.monotonic() + seconds
    try:
        with locked(folder, wait=seconds, what=f"the store {directory}"):
            if is_store_directory(folder):  # as open_directory does: refuse damage before writing
                _open_store(folder, directory, read_only=True, wait=0.0)
            left = max(deadline - time.monotonic(), 0.0)
            store = _open_store(folder, directory, read_only=False, wait=left, waited=seconds)
            backend = OxigraphBackend(store, f"store {directory}")
            del store
            try:
                if replace_source is not None:
                    from kgraph.replace import replace_source_claims

                    replace_source_claims(backend, replace_source, paths)
                else:
                    for p in paths:
                        _bulk_load(backend.store, p)
                backend.store.flush()
                return len(backend.store)
            finally:
                del backend  # closes the store, so that the next writer finds it free
    except BaseException as e:
        # The frames of a traceback keep the store open (and locked) for as long as the
        # exception lives: a caller that keeps it, as a test does, could not load again.
        import traceback

        traceback.clear_frames(e.__traceback__)
        raise


def values_block(variable: str, terms: Iterable[Term]) -> str:
    """``VALUES ?variable { … }`` with each term written as escaped N-Triples syntax.

    For values that must reach inside a sub-query (where neither Oxigraph's substitutions nor
    a trailing VALUES clause can bind): the terms are RDF terms, serialized by pyoxigraph, so a
    user's text never becomes query syntax.
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", variable):
        raise UsageError(f"bad variable name {variable!r}")
    items = []
    for term in terms:
        if not isinstance(term, NamedNode | Literal):
            raise UsageError(f"cannot bind {term!r} in a VALUES block")
        items.append(str(term))
    return f"VALUES ?{variable} {{ {' '.join(items)} }}"
