"""SPARQL for users: run a query safely, ship named queries, write results in W3C formats.

    run_query(kg, text)       SELECT / ASK / CONSTRUCT / DESCRIBE -> QueryResult
    named_queries()           the queries shipped in kgraph/queries/*.rq
    text_as_sent(text, b)     the query as an endpoint gets it: PREFIX lines, VALUES for bindings
    analyze(text)             the query form, and whether it federates (SERVICE) or updates
    serialize(result, fmt)    json / csv / tsv (W3C results), turtle / ntriples / jsonld / rdfxml (graphs)

Safety: a query is read with a SPARQL tokenizer before anything runs. SERVICE (a request to
another server) is refused unless the caller allows it; updates (INSERT, DELETE, LOAD, CLEAR...)
are always refused, since ``kgraph query`` reads a graph and never changes one. Strings, IRIs,
comments, variables and prefixed names are skipped by the tokenizer, so ``"service"`` or
``<http://example.org/SERVICE>`` do not trip it. User values reach a query only as RDF terms
bound to variables, never as query text.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from typing import Literal as Lit

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from kgraph import serialize as rdf
from kgraph.errors import (
    EndpointError,
    FormatError,
    InputFileError,
    NotFoundError,
    QueryNotAllowedError,
    QuerySyntaxError,
    UsageError,
)
from kgraph.namespaces import KGR, PREFIXES, RDF, XSD, compact_iri, expand_curie
from kgraph.store import (
    UNSET,
    Backend,
    OxigraphBackend,
    SelectResult,
    SelectStream,
    Timeout,
    check_bindings,
    check_projected,
    values_clause,
)

if TYPE_CHECKING:
    from kgraph.api import KGraph

Form = Lit["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
AnyTerm = NamedNode | BlankNode | Literal | Triple
Row = dict[str, AnyTerm | None]
RowLike = Mapping[str, AnyTerm | None]

RDF_TYPE = RDF + "type"

QUERY_FORMS: tuple[Form, ...] = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"})

SELECT_FORMATS = ("table", "json", "jsonl", "csv", "tsv")
ASK_FORMATS = ("table", "json")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
ALL_FORMATS = ("table", "json", "jsonl", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml")

EXTENSION_FORMATS: dict[str, str] = {
    ".txt": "table",
    ".json": "json",
    ".srj": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
}
"""``-o FILE``'s extension -> the format written when ``--format`` is not given: the one table of
them (``.json`` holds JSON-LD when the query gives triples). Any other extension is refused."""


# ---------------------------------------------------------------- reading a query


_IRI_CHAR = r"""(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})"""
_PN_CHARS = r"\w\u00B7\u0300-\u036F\u203F-\u2040"
_TOKEN = re.compile(
    rf"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<iri><{_IRI_CHAR}*>)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'
               |"(?:[^"\\\n\r]|\\.)*")
    | (?P<var>[?$][{_PN_CHARS}]+)
    | (?P<bnode>_:[{_PN_CHARS}.\-]*)
    | (?P<pname>(?:[^\W\d_][{_PN_CHARS}.\-]*)?:(?:[{_PN_CHARS}:%\-]|\\.|\.(?=[{_PN_CHARS}:%\\\-]))*)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<number>(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
    | (?P<word>[^\W\d][\w]*)
    | (?P<quote>['"])
    | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _words(text: str) -> Iterator[str]:
    """The bare words of a SPARQL text (keywords, function names), upper-cased.

    Everything that can carry arbitrary text (strings, IRIs, comments, variables, prefixed
    names, blank-node labels, language tags) is skipped. A quote that opens no well-formed
    string is stepped over and scanning goes on, so a malformed query errs towards refusal:
    an engine laxer about strings than the grammar cannot run a SERVICE hidden after it.
    """
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "word":
            yield m.group().upper()


def _unescape_codepoints(text: str) -> str:
    # SPARQL 1.1 (sec. 19.2) applies \u escapes to the whole query before parsing; some engines
    # (a remote endpoint) may, so `\u0053ERVICE` must count as SERVICE.
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()

    return _CODEPOINT.sub(char, text)


@dataclass(frozen=True)
class QueryInfo:
    """What a SPARQL text asks for, read without running it."""

    form: Form | None
    """SELECT, ASK, CONSTRUCT or DESCRIBE; None when the text is an update or not a query."""
    service: bool
    """It calls SERVICE: federation, a request to another server."""
    update: str | None
    """The first update keyword it uses (INSERT, LOAD...), if any."""
    keyword: str | None = None
    """The first keyword after the prologue (BASE, PREFIX); None when there is none."""


def analyze(text: str) -> QueryInfo:
    """The form of a query, and whether it federates or updates; nothing is parsed or run."""
    variants = [text]
    unescaped = _unescape_codepoints(text)
    if unescaped != text:
        variants.append(unescaped)
    form: Form | None = None
    service = False
    update: str | None = None
    keyword: str | None = None
    for i, variant in enumerate(variants):
        first: str | None = None
        for word in _words(variant):
            if first is None and word not in ("BASE", "PREFIX"):
                first = word
            if word == "SERVICE":
                service = True
            elif word in UPDATE_KEYWORDS and update is None:
                update = word
        if i == 0:
            keyword = first
            if first in QUERY_FORMS:
                form = first
    if update is not None:
        form = None
    return QueryInfo(form, service, update, keyword)


def read_query_argument(value: str) -> str:
    """A query as given on the command line: the text itself, ``@FILE``, or ``-`` for standard input."""
    import sys

    from kgraph.fileio import read_text

    if value == "-":
        try:
            # Strictly: a text stdin may hand over bad bytes as surrogates, which fail later.
            stream = getattr(sys.stdin, "buffer", None)
            return stream.read().decode("utf-8") if stream is not None else sys.stdin.read()
        except UnicodeDecodeError as e:
            raise InputFileError(f"stdin: not UTF-8 text (byte {e.start})") from None
    if value.startswith("@"):
        if not value[1:]:
            raise UsageError("@ must be followed by a file name, e.g. @query.rq")
        return read_text(value[1:], what="query file")
    return value


def check_allowed(text: str, *, allow_service: bool = False) -> QueryInfo:
    """Raise QueryNotAllowedError for updates, and for SERVICE unless ``allow_service``;
    QuerySyntaxError for brackets nested past :data:`kgraph.limits.MAX_SPARQL_DEPTH`."""
    from kgraph.limits import check_sparql_depth

    check_sparql_depth(text)  # before any parser: Oxigraph's overflows the stack
    info = analyze(text)
    if info.update is not None:
        raise QueryNotAllowedError(
            f"this is a SPARQL update ({info.update}); kgraph query only reads graphs and never "
            "changes one (edit data/source/*.yaml and run `kgraph build`, or `kgraph load` a store)"
        )
    if info.keyword is None:
        # Only a prologue and comments (a valid, empty *update*): say so rather than "expected [_]".
        raise QuerySyntaxError("no query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue")
    if info.service and not allow_service:
        raise QueryNotAllowedError(
            "the query calls SERVICE, which sends requests to another server; "
            "rerun with --allow-service if you mean it"
        )
    return info


# ---------------------------------------------------------------- results


@dataclass
class QueryResult:
    """What a query gave: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""

    form: Form
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows) if self.form == "SELECT" else len(self.triples)

    def summary(self) -> str:
        """``3 rows``, ``12 triples`` or ``true``: what a message about the result says."""
        if self.form == "ASK":
            return "true" if self.boolean else "false"
        if self.form == "SELECT":
            return f"{len(self.rows)} row{'s' if len(self.rows) != 1 else ''}"
        return f"{len(self.triples)} triple{'s' if len(self.triples) != 1 else ''}"


_POSITION = re.compile(r"^malformed SPARQL: line (\d+)(?:, column (\d+))?: (.*)$", re.DOTALL)


_EXPECTED = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s,]+')


def _shorten(message: str, keep: int = 8) -> str:
    """Oxigraph lists every token it would accept; a reader needs the first few."""
    head, sep, rest = message.partition("expected one of ")
    if not sep:
        return message
    options = [m.group() for m in _EXPECTED.finditer(rest)]
    if len(options) <= keep:
        return message
    return f"{head}expected one of {', '.join(options[:keep])} (or {len(options) - keep} more)"


def _shortened(err: QuerySyntaxError) -> QuerySyntaxError:
    """The same error with the parser's list of expected tokens cut short."""
    m = _POSITION.match(str(err))
    if m is None or err.line is None:
        return err
    return QuerySyntaxError(_shorten(m.group(3)), err.line, err.column)


def _undeclared_prefix(text: str) -> QuerySyntaxError | None:
    """A clearer message than the parser's when a prefixed name uses a prefix nobody declared."""
    declared = set(PREFIXES)
    previous = ""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "quote":
            return None
        if kind in ("ws", "comment"):
            continue
        token = m.group()
        if kind == "pname":
            prefix = token.split(":", 1)[0]
            if previous == "PREFIX":
                declared.add(prefix)
            elif prefix not in declared:
                line = text.count("\n", 0, m.start()) + 1
                column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                return QuerySyntaxError(
                    f"unknown prefix {prefix}: (declare it with PREFIX {prefix}: <...>; "
                    f"pre-bound: {', '.join(PREFIXES)})",
                    line,
                    column,
                )
        previous = token.upper() if kind == "word" else token
    return None


def _backend(kg: KGraph | Backend) -> Backend:
    from kgraph.api import KGraph

    return kg.backend if isinstance(kg, KGraph) else kg


@dataclass(frozen=True)
class CheckedQuery:
    """A query text :func:`check_query` has passed, with what it asks for.

    Handing it to :func:`run_query` saves reading the text a second time.
    """

    text: str
    info: QueryInfo


def check_query(text: str, *, allow_service: bool = False) -> CheckedQuery:
    """:func:`check_allowed`, keeping the text with its verdict for :func:`run_query`."""
    return CheckedQuery(text, check_allowed(text, allow_service=allow_service))


def run_query(
    kg: KGraph | Backend,
    text: str | CheckedQuery,
    *,
    timeout: Timeout = UNSET,
    allow_service: bool = False,
    bindings: Mapping[str, NamedNode | BlankNode | Literal] | None = None,
    base_iri: str | None = None,
) -> QueryResult:
    """Run a user's SPARQL 1.1 query on ``kg`` (a graph from ``kgraph.open`` or a backend).

    Our prefixes (:data:`kgraph.namespaces.PREFIXES`) are pre-bound; ``bindings`` fix
    variables of the top-level SELECT to RDF terms (pyoxigraph's ``NamedNode``, ``Literal``);
    relative IRIs resolve against ``base_iri`` (for a local graph only: a remote endpoint is
    not told local paths). ``text`` may be what :func:`check_query` gave, to skip reading it again.
    Raises QueryNotAllowedError (SERVICE, updates), QuerySyntaxError (with line and column),
    QueryTimeoutError, or UsageError when the engine cannot run a well-formed query.
    """
    info, sparql, backend, base = _prepare(kg, text, allow_service, base_iri)
    with _query_errors(sparql):
        if base is not None:
            raw = backend.query(sparql, bindings, timeout, base_iri=base)
        else:
            raw = backend.query(sparql, bindings, timeout)
    if isinstance(raw, bool):
        return QueryResult("ASK", boolean=raw)
    if isinstance(raw, SelectResult):
        return QueryResult("SELECT", variables=list(raw.variables), rows=[dict(r) for r in raw.rows])
    return QueryResult(
        info.form if info.form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", triples=list(raw)
    )


def stream_query(
    kg: KGraph | Backend,
    text: str | CheckedQuery,
    *,
    timeout: Timeout = UNSET,
    allow_service: bool = False,
    bindings: Mapping[str, NamedNode | BlankNode | Literal] | None = None,
    base_iri: str | None = None,
) -> RowStream:
    """A user's SELECT run like :func:`run_query`, its rows handed over as they come instead of
    held: memory stays flat however many rows there are. UsageError for another query form."""
    info, sparql, backend, base = _prepare(kg, text, allow_service, base_iri)
    if info.form not in (None, "SELECT"):
        raise UsageError(f"a {info.form} query gives no rows to stream")
    with _query_errors(sparql):
        stream = backend.select_stream(sparql, bindings, timeout, base_iri=base)
    return RowStream(sparql, stream)


class RowStream:
    """The rows of a streamed SELECT (:func:`stream_query`), with query errors named as
    :func:`run_query` names them; ``count`` is how many have been read so far."""

    def __init__(self, sparql: str, stream: SelectStream):
        self.sparql = sparql
        self.variables = list(stream.variables)
        self.count = 0
        self._stream = stream

    def __iter__(self) -> Iterator[RowLike]:
        with _query_errors(self.sparql):
            try:
                for row in self._stream:
                    self.count += 1
                    yield row
            finally:
                self._stream.close()

    def summary(self) -> str:
        return f"{self.count} row{'s' if self.count != 1 else ''}"


def _prepare(
    kg: KGraph | Backend, text: str | CheckedQuery, allow_service: bool, base_iri: str | None
) -> tuple[QueryInfo, str, Backend, str | None]:
    """The query checked (or its earlier check reused), its backend, and the base IRI to pass."""
    if isinstance(text, CheckedQuery) and (allow_service or not text.info.service):
        # Checked already; a SERVICE allowed then but not now is checked (and refused) again.
        info, sparql = text.info, text.text
    else:
        sparql = text.text if isinstance(text, CheckedQuery) else text
        info = check_allowed(sparql, allow_service=allow_service)
    backend = _backend(kg)
    # No base when federating: Oxigraph would send it, and a local path, to the other server.
    base = base_iri if base_iri and not info.service and isinstance(backend, OxigraphBackend) else None
    return info, sparql, backend, base


@contextlib.contextmanager
def _query_errors(sparql: str) -> Iterator[None]:
    try:
        yield
    except QuerySyntaxError as e:
        raise (_undeclared_prefix(sparql) or _shortened(e)) from None
    except OSError as e:  # a SERVICE call that failed
        raise EndpointError(f"the query failed: {str(e).splitlines()[0] if str(e) else e}") from None


# ---------------------------------------------------------------- named queries


@dataclass(frozen=True)
class Parameter:
    """A variable of a named query that ``--param NAME=VALUE`` may fix."""

    name: str
    kind: str
    """``actor`` (a name, alias, CURIE or IRI, resolved in the graph), ``iri``, ``source`` or ``term``."""
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A query shipped in ``kgraph/queries``; its header comment says what it does."""

    name: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    notes: str = ""

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        accepted = ", ".join(p.name for p in self.parameters) or "none"
        raise UsageError(f"{self.name} has no parameter {name!r} (it accepts: {accepted})")


PARAMETER_KINDS = ("actor", "iri", "source", "term")
_PARAM_LINE = re.compile(r"^param\s+([A-Za-z_]\w*)\s+\((\w+)\)\s*:\s*(.+)$")


def parse_header(name: str, text: str) -> NamedQuery:
    """A named query from its text: ``# description:``, ``# param NAME (KIND): …`` lines, notes.

    The header is the leading block of ``#`` lines; an indented line continues the one above.
    """
    entries: list[list[str]] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:]
        stripped = body.strip()
        if not stripped:
            entries.append(["", ""])
            continue
        if body.startswith("   ") and entries and entries[-1][0] != "":
            entries[-1][1] += " " + stripped
            continue
        key, sep, value = stripped.partition(":")
        if sep and (key == "description" or _PARAM_LINE.match(stripped)):
            entries.append([key.split()[0], stripped if key.startswith("param") else value.strip()])
        else:
            entries.append(["note", stripped])
    description = ""
    params: list[Parameter] = []
    notes: list[str] = []
    for key, value in entries:
        if key == "description":
            description = value
        elif key == "param":
            m = _PARAM_LINE.match(value)
            assert m is not None
            if m.group(2) not in PARAMETER_KINDS:
                raise ValueError(f"{name}: parameter {m.group(1)} has unknown kind {m.group(2)!r}")
            params.append(Parameter(m.group(1), m.group(2), m.group(3).strip()))
        elif key == "note":
            notes.append(value)
    if not description:
        raise ValueError(f"{name}: the header has no '# description:' line")
    return NamedQuery(name, description, tuple(params), text, " ".join(notes))


def named_queries() -> list[NamedQuery]:
    """Every query shipped in ``kgraph/queries/*.rq``, by name."""
    folder = resources.files("kgraph") / "queries"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            out.append(parse_header(entry.name[:-3], entry.read_text(encoding="utf-8")))
    return out


def named_query(name: str) -> NamedQuery:
    """The named query ``name``; NotFoundError (with the closest names) when there is none."""
    queries = {q.name: q for q in named_queries()}
    wanted = name.strip().lower()
    if wanted in queries:
        return queries[wanted]
    close = difflib.get_close_matches(wanted, list(queries), n=3, cutoff=0.5)
    if not close:
        close = [q for q in queries if wanted and (wanted in q or q in wanted)][:3]
    raise NotFoundError(f"no named query {name!r} (see `kgraph query --list`)", close)


# ---------------------------------------------------------------- parameters


_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUBJECT = "urn:kgraph:parameter"


def parse_term(value: str) -> NamedNode | BlankNode | Literal:
    """A value given on the command line as an RDF term.

    ``<IRI>``, an http(s)/urn IRI or one of our CURIEs is an IRI; Turtle term syntax
    (``"2015"^^xsd:gYear``, ``"Baku"@en``, ``42``, ``0.6``, ``true``) is read by an RDF parser;
    anything else is a plain string literal.
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return _iri(text[1:-1], value)
    if re.fullmatch(r"(https?|urn):\S+", text):
        return _iri(text, value)
    if re.fullmatch(r"[A-Za-z][\w-]*:[\w.-]*", text):
        iri = expand_curie(text)
        if iri is not None:
            return _iri(iri, value)
    if text[:1] in ('"', "'") or re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|true|false", text):
        prologue = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
        document = f"{prologue}<{_SUBJECT}> <{_SUBJECT}> {text} .\n"
        try:
            triples = list(parse(document.encode("utf-8"), format=RdfFormat.TURTLE))
        except (SyntaxError, ValueError):
            raise UsageError(
                f'{value!r} is not an RDF term (write a string as "text", a typed value as "2015"^^xsd:gYear)'
            ) from None
        if len(triples) != 1 or not isinstance(triples[0].object, Literal):
            raise UsageError(f"{value!r} is not a single RDF term")
        return triples[0].object
    return Literal(value)


def _iri(iri: str, given: str) -> NamedNode:
    try:
        return NamedNode(iri)
    except ValueError as e:
        raise UsageError(f"{given!r} is not a valid IRI: {e}") from None


def split_params(pairs: Sequence[str]) -> list[tuple[str, str]]:
    """``["supplier=Israel"]`` -> ``[("supplier", "Israel")]``; a leading ``?`` is allowed."""
    out = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _VARIABLE.fullmatch(name):
            raise UsageError(
                f"--param {pair!r}: write NAME=VALUE, NAME being a variable name such as supplier"
            )
        out.append((name, value))
    names = [n for n, _ in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UsageError(f"--param {twice[0]} is given more than once")
    return out


def bind_parameters(
    kg: KGraph | Backend, pairs: Sequence[str], named: NamedQuery | None = None
) -> dict[str, NamedNode | BlankNode | Literal]:
    """``--param`` values as RDF terms for ``run_query(bindings=...)``.

    For a named query, each name must be one of its parameters and the value is read by the
    parameter's kind (an ``actor`` is looked up by name); for any other query, with
    :func:`parse_term`.
    """
    bindings: dict[str, NamedNode | BlankNode | Literal] = {}
    for name, value in split_params(pairs):
        kind = named.parameter(name).kind if named is not None else "term"
        if kind == "actor":
            from kgraph.names import resolve

            bindings[name] = NamedNode(resolve(_backend(kg), value).iri)
        elif kind == "source":
            term = parse_term(value)
            if isinstance(term, Literal) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
                slug = value if value.startswith("source-") else "source-" + value
                term = NamedNode(KGR + slug)
            if not isinstance(term, NamedNode):
                raise UsageError(f"--param {name}: {value!r} is not a source (a slug, CURIE or IRI)")
            bindings[name] = term
        elif kind == "iri":
            term = parse_term(value)
            if not isinstance(term, NamedNode):
                raise UsageError(
                    f"--param {name}: {value!r} is not an IRI (write a CURIE such as kg:alleged)"
                )
            bindings[name] = term
        else:
            bindings[name] = parse_term(value)
    return bindings


# ---------------------------------------------------------------- the text as sent


@dataclass(frozen=True)
class PrefixUse:
    """The prefixes a SPARQL text declares and the ones its prefixed names use."""

    declared: dict[str, str]
    """Prefix -> namespace IRI, from the text's own ``PREFIX`` lines (the last one wins)."""
    used: tuple[str, ...]
    """The prefixes of the prefixed names outside ``PREFIX`` lines, in order of first use."""


def prefix_use(text: str) -> PrefixUse:
    """Which prefixes ``text`` declares and uses, read with the tokenizer: prefixed-name-like
    text inside strings, IRIs and comments does not count."""
    declared: dict[str, str] = {}
    used: dict[str, None] = {}
    pending: str | None = None  # a prefix just declared, waiting for its IRI
    previous = ""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        token = m.group()
        if pending is not None:
            if kind == "iri":
                declared[pending] = token[1:-1]
            pending = None
        elif kind == "pname":
            prefix = token.split(":", 1)[0]
            if previous == "PREFIX":
                pending = prefix
            else:
                used.setdefault(prefix)
        previous = token.upper() if kind == "word" else token
    return PrefixUse(declared, tuple(used))


def text_as_sent(text: str, bindings: Mapping[str, NamedNode | BlankNode | Literal] | None = None) -> str:
    """The query as it goes to a SPARQL endpoint, runnable unchanged in any engine.

    ``PREFIX`` lines for those of our prefixes (:data:`kgraph.namespaces.PREFIXES`) it uses but
    does not declare come first (a named query declares its own, and is left as written), then
    the text; ``bindings`` (from :func:`bind_parameters`) follow as a trailing ``VALUES`` block of
    N-Triples terms. UsageError when a binding is not an RDF term or is for a variable the
    top-level SELECT does not return (a server would silently ignore it). What an endpoint
    backend sends (:mod:`kgraph.endpoint`) and what ``kgraph query --print`` writes.
    """
    check_bindings(bindings)
    use = prefix_use(text)
    missing = [p for p in PREFIXES if p in use.used and p not in use.declared]
    sent = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + text
    if bindings:
        check_projected(text, bindings)
        # SPARQL's VALUES at the end of a query joins with the whole pattern (sec. 10.2.2).
        sent = sent.rstrip() + "\n" + values_clause(bindings) + "\n"
    return sent


# ---------------------------------------------------------------- formats


def formats_for(form: Form) -> tuple[str, ...]:
    if form == "SELECT":
        return SELECT_FORMATS
    if form == "ASK":
        return ASK_FORMATS
    return GRAPH_FORMATS


def default_format(form: Form) -> str:
    return "turtle" if form in ("CONSTRUCT", "DESCRIBE") else "table"


def format_for_path(path: str | Path, form: Form | None = None) -> str:
    """The output format ``path``'s extension asks for (``.csv`` -> csv); ``.json`` means JSON-LD
    for a ``form`` that gives triples. FormatError (exit 2) for an extension kgraph does not write."""
    suffix = Path(path).suffix.lower()
    fmt = EXTENSION_FORMATS.get(suffix)
    if fmt is None:
        known = " ".join(sorted(EXTENSION_FORMATS))
        raise FormatError(
            f"{path}: no query result format for {suffix or '(no extension)'}; "
            f"name one with --format, or use {known}"
        )
    if fmt == "json" and form in ("CONSTRUCT", "DESCRIBE"):
        return "jsonld"
    return fmt


def check_format(form: Form, fmt: str) -> str:
    """``fmt`` when it fits the query form; FormatError (exit 2) when it does not."""
    fmt = fmt.lower()
    if fmt not in ALL_FORMATS:
        raise FormatError(f"unknown format {fmt!r}; use one of {', '.join(ALL_FORMATS)}")
    allowed = formats_for(form)
    if fmt not in allowed:
        what = {"SELECT": "rows", "ASK": "true or false", "CONSTRUCT": "triples", "DESCRIBE": "triples"}[form]
        raise FormatError(
            f"a {form} query gives {what}: --format {fmt} does not fit; use {', '.join(allowed)}"
        )
    return fmt


# ---------------------------------------------------------------- W3C results formats


def _json_term(term: AnyTerm) -> dict[str, Any]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if getattr(term, "direction", None) is not None:
                out["its:dir"] = str(term.direction).rsplit(".", 1)[-1].lower()
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {  # an RDF 1.2 triple term (SPARQL 1.2 results)
        "type": "triple",
        "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
    }


def to_sparql_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON Format (SELECT and ASK)."""
    if result.form == "ASK":
        doc: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if result.form != "SELECT":
        raise FormatError("SPARQL JSON results are for SELECT and ASK; use turtle, ntriples or jsonld")
    return "".join(_json_chunks(result.variables, result.rows))


def _json_chunks(variables: Sequence[str], rows: Iterable[RowLike]) -> Iterator[str]:
    """SPARQL JSON results of rows as they come, written as ``json.dumps(doc, indent=2)`` would."""
    head = json.dumps({"vars": list(variables)}, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    opening = '{\n  "head": ' + head + ',\n  "results": {\n    "bindings": ['
    first = True
    for row in rows:
        binding = {v: _json_term(t) for v in variables if (t := row.get(v)) is not None}
        text = json.dumps(binding, ensure_ascii=False, indent=2).replace("\n", "\n      ")
        yield (opening + "\n      " if first else ",\n      ") + text
        first = False
    yield (opening + "]" if first else "\n    ]") + "\n  }\n}\n"


def _csv_value(term: AnyTerm | None) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode | Literal):
        return term.value
    return str(term)  # blank nodes as _:label, triple terms in N-Triples syntax


def to_sparql_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends (RFC 4180)."""
    _need_select(result, "CSV")
    return "".join(_csv_chunks(result.variables, result.rows))


def _csv_chunks(variables: Sequence[str], rows: Iterable[RowLike]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(row.get(v)) for v in variables])
        if out.tell() > 1 << 16:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def to_sparql_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: ``?var`` headers, terms in N-Triples syntax, empty when unbound."""
    _need_select(result, "TSV")
    return "".join(_tsv_chunks(result.variables, result.rows))


def _tsv_chunks(variables: Sequence[str], rows: Iterable[RowLike]) -> Iterator[str]:
    yield "\t".join(f"?{v}" for v in variables) + "\n"
    for row in rows:
        yield "\t".join("" if (t := row.get(v)) is None else str(t) for v in variables) + "\n"


def _jsonl_chunks(variables: Sequence[str], rows: Iterable[RowLike]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(_json_row(variables, row), ensure_ascii=False) + "\n"


STREAMED_FORMATS = ("json", "csv", "tsv", "jsonl")
"""SELECT result formats written row by row (:func:`select_chunks`); a table needs every row first."""


def select_chunks(variables: Sequence[str], rows: Iterable[RowLike], fmt: str) -> Iterator[str]:
    """A SELECT's rows in ``fmt`` (one of :data:`STREAMED_FORMATS`), text piece by piece as the rows come."""
    chunks = {"json": _json_chunks, "csv": _csv_chunks, "tsv": _tsv_chunks, "jsonl": _jsonl_chunks}
    if fmt not in chunks:
        raise FormatError(f"{fmt} is not written row by row; use {', '.join(STREAMED_FORMATS)}")
    return chunks[fmt](variables, rows)


def _need_select(result: QueryResult, name: str) -> None:
    if result.form != "SELECT":
        raise FormatError(f"{name} results are for SELECT queries")


_INT_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT_TYPES = {XSD + t for t in ("decimal", "double", "float")}


def _native(term: Literal) -> Any:
    """A literal as the JSON value that keeps it exactly: int, bool, a number, else its text."""
    dt = term.datatype.value
    try:
        if dt in _INT_TYPES:
            return int(term.value)
        if dt == XSD + "boolean" and term.value in ("true", "false", "1", "0"):
            return term.value in ("true", "1")
        if dt in _FLOAT_TYPES:
            number = float(term.value)
            if Decimal(repr(number)) == Decimal(term.value):
                return number
    except (ValueError, InvalidOperation):
        pass
    return term.value


def display_value(term: AnyTerm | None) -> str | None:
    """A term as a reader wants it in a table: CURIE for an IRI, the text of a literal."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return compact_iri(term.value)
    if isinstance(term, Literal):
        return term.value
    if isinstance(term, BlankNode):
        return str(term)
    return (
        "<< "
        + " ".join(display_value(getattr(term, k)) or "" for k in ("subject", "predicate", "object"))
        + " >>"
    )


def table_rows(result: QueryResult) -> list[dict[str, str | None]]:
    """SELECT rows with display values (for ``--format table``)."""
    return [{v: display_value(row.get(v)) for v in result.variables} for row in result.rows]


def json_rows(result: QueryResult) -> list[dict[str, Any]]:
    """SELECT rows as flat JSON objects (``--format jsonl``): full IRIs, numbers as numbers,
    null when unbound."""
    return [_json_row(result.variables, row) for row in result.rows]


def _json_row(variables: Sequence[str], row: RowLike) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for v in variables:
        term = row.get(v)
        if term is None:
            obj[v] = None
        elif isinstance(term, NamedNode):
            obj[v] = term.value
        elif isinstance(term, Literal):
            obj[v] = _native(term)
        else:
            obj[v] = str(term)
    return obj


# ---------------------------------------------------------------- graph formats


def to_turtle(triples: Iterable[Triple]) -> str:
    """Turtle with the prefixes of ours it uses, in a stable order (:mod:`kgraph.serialize`)."""
    return rdf.turtle(triples, all_prefixes=False)


def to_ntriples(triples: Iterable[Triple]) -> str:
    """N-Triples, one line per triple, sorted."""
    return rdf.ntriples(triples)


def to_jsonld(triples: Iterable[Triple]) -> str:
    """JSON-LD: a ``@graph`` of node objects, compacted with a ``@context`` of our prefixes."""
    return rdf.jsonld(triples)


def to_rdfxml(triples: Iterable[Triple]) -> str:
    """RDF/XML with our prefixes as namespaces."""
    return rdf.rdfxml(triples)


def serialize(result: QueryResult, fmt: str) -> str:
    """A result as text in a W3C format: json, csv, tsv (rows, or json for ASK), or
    turtle, ntriples, jsonld, rdfxml (triples)."""
    fmt = check_format(result.form, fmt)
    if fmt == "json":
        return to_sparql_json(result)
    if fmt == "csv":
        return to_sparql_csv(result)
    if fmt == "tsv":
        return to_sparql_tsv(result)
    if fmt == "turtle":
        return to_turtle(result.triples)
    if fmt == "ntriples":
        return to_ntriples(result.triples)
    if fmt == "jsonld":
        return to_jsonld(result.triples)
    if fmt == "rdfxml":
        return to_rdfxml(result.triples)
    if fmt == "jsonl":
        return "".join(_jsonl_chunks(result.variables, result.rows))
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    raise FormatError("tables are drawn by the command line (kgraph.cli.render)")


__all__ = [
    "ALL_FORMATS",
    "EXTENSION_FORMATS",
    "CheckedQuery",
    "NamedQuery",
    "Parameter",
    "PrefixUse",
    "QueryInfo",
    "QueryResult",
    "analyze",
    "bind_parameters",
    "check_allowed",
    "check_format",
    "check_query",
    "default_format",
    "format_for_path",
    "json_rows",
    "named_queries",
    "named_query",
    "parse_term",
    "prefix_use",
    "run_query",
    "serialize",
    "table_rows",
    "text_as_sent",
    "to_jsonld",
    "to_ntriples",
    "to_rdfxml",
    "to_sparql_csv",
    "to_sparql_json",
    "to_sparql_tsv",
    "to_turtle",
]
