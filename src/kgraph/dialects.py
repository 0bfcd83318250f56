"""What SPARQL servers do differently, one object per server kind.

kgraph speaks only the W3C protocols (SPARQL 1.1 Protocol for queries, Graph Store HTTP
Protocol for push and pull), but servers differ in what they give back: Virtuoso stores
typed literals as native values and returns ``"86400.0"^^xsd:duration`` for ``PT24H``,
``"1"^^xsd:boolean`` for ``true``, ``"100"^^xsd:decimal`` for ``100.0``; servers put their
Graph Store at different paths; their error bodies differ. Every such difference lives
here, in the dialect of that server kind, and nowhere else (docs/servers.md).

A dialect is chosen by ``--endpoint-kind``; ``auto`` guesses from the URL and then from the
``Server`` header of the first answer.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode

from kgraph.errors import ParameterError
from kgraph.lexical import canonical_decimal, duration_from_seconds

_XSD = "http://www.w3.org/2001/XMLSchema#"
_DURATION = _XSD + "duration"
_DAY_TIME_DURATION = _XSD + "dayTimeDuration"
_BOOLEAN = _XSD + "boolean"
_DECIMAL = _XSD + "decimal"


class Dialect:
    """A server kind: how to reach its Graph Store, read its errors and restore its values.

    The base class is the generic SPARQL 1.1 server: it changes nothing.
    """

    name = "generic"
    title = "a SPARQL 1.1 server"
    server_header: tuple[str, ...] = ()
    """Substrings of the HTTP ``Server`` header that identify this kind (lower case)."""

    def restore(self, term: Literal) -> Literal:
        """The literal as the graph holds it, from what the server returned."""
        return term

    def error_detail(self, status: int, body: str) -> str:
        """One line of what went wrong, from an error response's body."""
        text = re.sub(r"<[^>]+>", " ", body) if "<html" in body[:200].lower() else body
        for line in text.splitlines():
            line = " ".join(line.split())
            if line:
                return line[:300]
        return ""

    def truncation(self, headers: Mapping[str, str]) -> str | None:
        """Why the server cut an answer short, when its headers say it did; else None."""
        return None

    def graph_store_url(self, query_url: str, *, write: bool = False) -> str | None:
        """The Graph Store Protocol endpoint beside this query endpoint, or None if unknown;
        ``write`` asks for the one that takes writes, where a server has two."""
        parts = urllib.parse.urlsplit(query_url)
        path = parts.path
        for tail in ("/query", "/sparql"):
            if path.endswith(tail):
                path = path[: -len(tail)] + "/data"
                return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        return None

    def graph_store_params(self, query_url: str, graph: str | None) -> dict[str, str]:
        """The query parameters naming the target graph (``?graph=IRI`` or ``?default``)."""
        return {"graph": graph} if graph else {"default": ""}


class OxigraphDialect(Dialect):
    name = "oxigraph"
    title = "Oxigraph server"
    server_header = ("oxigraph",)

    def graph_store_url(self, query_url: str, *, write: bool = False) -> str | None:
        parts = urllib.parse.urlsplit(query_url)
        path = parts.path
        for tail in ("/query", "/sparql"):
            if path.endswith(tail):
                path = path[: -len(tail)]
                break
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path.rstrip("/") + "/store", "", ""))


class VirtuosoDialect(Dialect):
    """OpenLink Virtuoso 7: native typed values, a Graph Store at /sparql-graph-crud."""

    name = "virtuoso"
    title = "OpenLink Virtuoso"
    server_header = ("virtuoso",)

    def restore(self, term: Literal) -> Literal:
        datatype = term.datatype.value
        value = term.value
        if datatype == _BOOLEAN and value in ("1", "0"):
            return Literal("true" if value == "1" else "false", datatype=term.datatype)
        if datatype == _DECIMAL:
            try:
                canonical = canonical_decimal(Decimal(value))
            except InvalidOperation:
                return term
            return term if canonical == value else Literal(canonical, datatype=term.datatype)
        if datatype in (_DURATION, _DAY_TIME_DURATION) and not value.lstrip("-").startswith("P"):
            # Virtuoso keeps a day-time duration as its number of seconds (PT24H → 86400.0).
            restored = duration_from_seconds(value)
            if restored is not None:
                return Literal(restored, datatype=term.datatype)
        return term

    def error_detail(self, status: int, body: str) -> str:
        # "Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error …", then the query;
        # its Graph Store answers errors as an HTML page around the same line.
        text = re.sub(r"<[^>]+>", "\n", body) if "<html" in body[:300].lower() else body
        lines = [clean for line in text.splitlines() if (clean := " ".join(line.split()))]
        for line in lines:
            if re.match(r"^Virtuoso \w+ Error ", line):
                return re.sub(r"^Virtuoso \w+ Error ", "", line)[:300]
        return lines[0][:300] if lines else ""

    def truncation(self, headers: Mapping[str, str]) -> str | None:
        # An "anytime query" that ran out of time returns what it had, with this state.
        state = headers.get("X-SQL-State", "")
        if state.startswith("S1TAT"):
            return "the server stopped the query at its time limit and sent partial results"
        max_rows = headers.get("X-SPARQL-MaxRows")
        if max_rows:
            # Sent when a SELECT reaches the cap: cut, or exactly that long; no telling which.
            cap = f"the server's cap of {max_rows} rows (its ResultSetMaxRows)"
            return f"the answer reached {cap} and may be cut"
        return None

    def graph_store_url(self, query_url: str, *, write: bool = False) -> str | None:
        # Writes go to the endpoint that asks for credentials (HTTP Digest); reads need none.
        parts = urllib.parse.urlsplit(query_url)
        path = "/sparql-graph-crud-auth" if write else "/sparql-graph-crud"
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))

    def graph_store_params(self, query_url: str, graph: str | None) -> dict[str, str]:
        # Virtuoso's Graph Store has no default graph: the graph the query URL reads by default
        # (?default-graph-uri=) is the one meant, else the user must name one.
        if graph:
            return {"graph": graph}
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(query_url).query)
        default = query.get("default-graph-uri")
        if default:
            return {"graph": default[0]}
        raise ParameterError(
            "graph_iri",
            "Virtuoso's Graph Store has no default graph: name one (or put default-graph-uri= in the URL)",
        )


class FusekiDialect(Dialect):
    name = "fuseki"
    title = "Apache Jena Fuseki"
    server_header = ("fuseki", "jena")


class GraphDBDialect(Dialect):
    name = "graphdb"
    title = "Ontotext GraphDB"
    server_header = ("graphdb",)

    def graph_store_url(self, query_url: str, *, write: bool = False) -> str | None:
        parts = urllib.parse.urlsplit(query_url)
        m = re.match(r"(.*/repositories/[^/]+)", parts.path)
        if not m:
            return None
        path = str(m.group(1)) + "/rdf-graphs/service"
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class QLeverDialect(Dialect):
    name = "qlever"
    title = "QLever"
    server_header = ("qlever",)

    def graph_store_url(self, query_url: str, *, write: bool = False) -> str | None:
        return None  # QLever builds its index offline; it has no Graph Store Protocol.


class NeptuneDialect(Dialect):
    name = "neptune"
    title = "Amazon Neptune"

    def graph_store_url(self, query_url: str, *, write: bool = False) -> str | None:
        parts = urllib.parse.urlsplit(query_url)
        path = parts.path.rstrip("/") + "/gsp/"
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        Dialect(),
        OxigraphDialect(),
        VirtuosoDialect(),
        FusekiDialect(),
        GraphDBDialect(),
        QLeverDialect(),
        NeptuneDialect(),
    )
}
ENDPOINT_KINDS = ("auto", *DIALECTS)


def dialect_named(kind: str) -> Dialect | None:
    """The dialect of ``kind`` (``auto`` → None: to be guessed); ParameterError when unknown."""
    key = kind.strip().lower()
    if key == "auto":
        return None
    if key not in DIALECTS:
        raise ParameterError("endpoint_kind", f"{kind!r} is not one of {', '.join(ENDPOINT_KINDS)}")
    return DIALECTS[key]


def guess_from_url(url: str) -> Dialect:
    """A first guess before the server has said anything; refined by :func:`from_server_header`."""
    parts = urllib.parse.urlsplit(url)
    host, path = parts.hostname or "", parts.path
    if "neptune.amazonaws.com" in host:
        return DIALECTS["neptune"]
    if "/repositories/" in path:
        return DIALECTS["graphdb"]
    if parts.port == 8890 or ("default-graph-uri=" in parts.query and path.endswith("/sparql")):
        return DIALECTS["virtuoso"]
    if parts.port == 7878:
        return DIALECTS["oxigraph"]
    return DIALECTS["generic"]


def from_server_header(header: str | None) -> Dialect | None:
    """The dialect a ``Server`` header names, or None when it names none we know."""
    if not header:
        return None
    lowered = header.lower()
    for dialect in DIALECTS.values():
        if any(mark in lowered for mark in dialect.server_header):
            return dialect
    return None


def restore_term(dialect: Dialect, term: object) -> object:
    """Apply ``dialect.restore`` to a literal; other terms pass unchanged."""
    if isinstance(term, Literal) and isinstance(term.datatype, NamedNode):
        return dialect.restore(term)
    return term
