"""Bounds on hostile input, checked before a parser sees it (docs/security.md).

pyoxigraph's SPARQL, JSON-LD and RDF/XML parsers recurse once per level of nesting in
native code: a query with a few thousand nested braces, or a JSON-LD file nested a few
thousand deep, overflows the C stack and kills the process with a signal, which no
``except`` can catch. These scans are linear, keep no stack, and refuse such input with
one line (exit 2) instead. RDF/XML is also read once by expat, so that entity declarations
(the "billion laughs"), runaway depth and a truncated file are refused before Oxigraph
parses it: Oxigraph keeps the triples it read before a truncation and reports nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kgraph.errors import QuerySyntaxError, RdfSyntaxError

MAX_SPARQL_DEPTH = 200
"""Nesting of ``{ ( [`` in a query: hand-written queries stay under 20."""
MAX_JSON_DEPTH = 500
"""Nesting of ``{ [`` in a JSON-LD file: kgraph's own files use fewer than 10 levels."""
MAX_XML_DEPTH = 500
"""Nesting of elements in an RDF/XML file: kgraph writes 4."""

_CHUNK = 1 << 20

# A SPARQL IRI: no spaces, quotes or braces inside. A "<" that does not open one is the
# less-than operator and is left alone.
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_OPEN = {"{": "}", "(": ")", "[": "]"}


def check_sparql_depth(text: str, limit: int = MAX_SPARQL_DEPTH) -> None:
    """QuerySyntaxError when brackets nest deeper than ``limit`` outside strings, IRIs and comments."""
    depth = 0
    i = 0
    n = len(text)
    line = 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "\"'":
            long = text.startswith(c * 3, i)
            quote = c * 3 if long else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if text[j] == "\\":
                    j += 1
                elif text[j] == "\n":
                    if not long:
                        break
                    line += 1
                j += 1
            i = j + len(quote)
            continue
        elif c == "<":
            m = _IRI.match(text, i)
            if m:
                i = m.end()
                continue
        elif c in _OPEN:
            depth += 1
            if depth > limit:
                raise QuerySyntaxError(
                    f"brackets nest more than {limit} deep; kgraph refuses such queries (docs/security.md)",
                    line,
                )
        elif c in "})]":
            depth = max(depth - 1, 0)
        i += 1


def check_json_depth(chunks: Iterable[bytes], path: str, limit: int = MAX_JSON_DEPTH) -> None:
    """RdfSyntaxError when ``{`` and ``[`` nest deeper than ``limit`` outside JSON strings."""
    depth = 0
    in_string = False
    escaped = False
    for chunk in chunks:
        if not in_string and b'"' not in chunk and chunk.count(b"{") + chunk.count(b"[") == 0:
            depth = max(depth - chunk.count(b"}") - chunk.count(b"]"), 0)
            continue
        for byte in chunk:
            if in_string:
                if escaped:
                    escaped = False
                elif byte == 0x5C:  # backslash
                    escaped = True
                elif byte == 0x22:
                    in_string = False
            elif byte == 0x22:
                in_string = True
            elif byte in (0x7B, 0x5B):
                depth += 1
                if depth > limit:
                    raise RdfSyntaxError(
                        path,
                        f"JSON nests more than {limit} deep; kgraph refuses such files (docs/security.md)",
                    )
            elif byte in (0x7D, 0x5D):
                depth = max(depth - 1, 0)


class _Refused(Exception):
    pass


def check_rdfxml(chunks: Iterable[bytes], path: str, limit: int = MAX_XML_DEPTH) -> None:
    """RdfSyntaxError for RDF/XML that declares entities, nests deeper than ``limit``, or is not
    well-formed XML to its end (a truncated file)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    depth = 0

    def start(name: str, attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > limit:
            raise _Refused(
                f"elements nest more than {limit} deep; kgraph refuses such files (docs/security.md)"
            )

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def entity(*args: object) -> None:
        raise _Refused(
            "declares XML entities (<!ENTITY>); kgraph refuses them, since expanding them can "
            "take any amount of memory (docs/security.md)"
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    at_end = False
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        at_end = True
        parser.Parse(b"", True)
    except _Refused as e:
        raise RdfSyntaxError(path, str(e), parser.CurrentLineNumber) from None
    except expat.ExpatError as e:
        problem = expat.errors.messages[e.code] if e.code else str(e)
        if at_end:
            # Oxigraph would keep what came before the cut and say nothing.
            problem = f"the file ends before the XML does (truncated?): {problem}"
        raise RdfSyntaxError(path, f"not well-formed XML: {problem}", e.lineno, e.offset + 1) from None


def _file_chunks(path: str) -> Iterable[bytes]:
    from kgraph.errors import InputFileError

    try:
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                yield chunk
    except OSError as e:
        raise InputFileError(f"{path}: cannot read: {e.strerror or e}") from None


def check_rdf(data: bytes | str, fmt_name: str, path: str) -> None:
    """The checks above that apply to an RDF format (pyoxigraph's ``RdfFormat.name``); ``data``
    is the file's bytes, or its path when it is to be read in pieces."""
    chunks: Iterable[bytes] = _file_chunks(data) if isinstance(data, str) else (data,)
    if fmt_name == "JSON-LD":
        check_json_depth(chunks, path)
    elif fmt_name == "RDF/XML":
        check_rdfxml(chunks, path)
