"""ORDER BY made a total order before Oxigraph sorts (docs/security.md, "Sorting").

Oxigraph (0.5.13, the latest release) compares two literals it cannot compare by value, say
a number and a string, by their lexical forms instead. Mixed with comparisons by value that is
not a total order (5 < 10 by value, "10" < "5" by text, "5" < "7x" by text…), and Rust's sort
aborts the whole process when it notices: a one-line query such as
``SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o`` kills kgraph, or an Oxigraph server, with SIGABRT
instead of answering. An abort cannot be caught in Python.

So every ORDER BY condition sent to Oxigraph is preceded by keys that put each value in a class
within which Oxigraph's comparison is a total order: unbound, blank nodes, IRIs, numbers,
plain strings, language-tagged strings, booleans, each temporal datatype with and without a time
zone, durations by shape, any other datatype by its IRI, and values Oxigraph cannot read. Inside a
class the order is Oxigraph's own, so what SPARQL defines (numbers by value, strings by code
point, IRIs by text, unbound first) is unchanged; only the order between kinds SPARQL leaves
undefined is now fixed. A condition keeps its direction: DESC reverses the whole order.
"""

from __future__ import annotations

import re

_X = "http://www.w3.org/2001/XMLSchema#"
_RDF_LANG = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>"

_TEMPORAL = (
    "dateTime",
    "dateTimeStamp",
    "date",
    "time",
    "gYear",
    "gYearMonth",
    "gMonth",
    "gMonthDay",
    "gDay",
)
_DURATIONS = ("duration", "dayTimeDuration", "yearMonthDuration")


def _in(expr: str, names: tuple[str, ...]) -> str:
    return f"DATATYPE({expr}) IN ({', '.join(f'<{_X}{n}>' for n in names)})"


def _class_key(e: str) -> str:
    """An integer per class of values: 0 unbound, 1 blank node, 2 IRI, 3 number, 4 xsd:string,
    5 language-tagged string, 6 boolean, 10+2k / 11+2k temporal datatype k without / with a
    time zone, 40 year-month durations, 41 day-time durations, 42 durations with both parts,
    50 any other datatype, 60 a literal Oxigraph cannot read (ill-typed)."""
    temporal = " ".join(
        f'IF(DATATYPE({e}) = <{_X}{name}>, IF(TZ({e}) = "", {10 + 2 * k}, {11 + 2 * k}),'
        for k, name in enumerate(_TEMPORAL)
    )
    durations = (
        f'IF({_in(e, _DURATIONS)}, IF(REGEX(STR({e}), "^-?P[0-9.YM]*$"), 40, '
        f'IF(REGEX(STR({e}), "^-?P([0-9.]+D)?(T.*)?$"), 41, 42)),'
    )
    chain = (
        f"IF(isBLANK({e}), 1, IF(isIRI({e}), 2, IF(isNUMERIC({e}), 3, "
        f"IF(DATATYPE({e}) = <{_X}string>, 4, IF(DATATYPE({e}) = {_RDF_LANG}, 5, "
        f"IF(DATATYPE({e}) = <{_X}boolean>, 6, {temporal} {durations} "
        f"IF({_in(e, ('integer', 'decimal', 'float', 'double'))}, 60, 50)"
        + ")" * (len(_TEMPORAL) + 1)
        + "))))))"
    )
    # An error in the chain (an ill-typed value: TZ of a broken date) lands in its own class; an
    # unbound condition makes isLITERAL fail too, and goes first, as SPARQL wants.
    return f"COALESCE({chain}, IF(isLITERAL({e}), 60, 0), 0)"


def _tie_key(e: str) -> str:
    """Inside the classes where Oxigraph's own comparison is not total (durations with both parts,
    other datatypes, unreadable values): the datatype and lexical form, compared as strings."""
    return f'COALESCE(IF({_class_key(e)} IN (42, 50, 60), CONCAT(STR(DATATYPE({e})), " ", STR({e})), ""), "")'


_NAME_CHAR = re.compile(r"[\w:\-.]")
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_VAR = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+")
_CALL = re.compile(r"(?:[A-Za-z_][\w\-.]*)?:[\w\-.%]*|[A-Za-z_]\w*")
_ORDER = re.compile(r"ORDER\s+BY", re.IGNORECASE)
_DIRECTION = re.compile(r"(ASC|DESC)\s*\(", re.IGNORECASE)


def _skip_literal(text: str, i: int) -> int:
    """The index past the string literal that starts at ``i``."""
    c = text[i]
    quote = c * 3 if text.startswith(c * 3, i) else c
    j = i + len(quote)
    while j < len(text) and not text.startswith(quote, j):
        j += 2 if text[j] == "\\" else 1
    return j + len(quote)


def _skip_space(text: str, i: int) -> int:
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text[i] == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        else:
            break
    return i


def _balanced(text: str, i: int) -> int | None:
    """The index past the parenthesised group starting at ``text[i] == "("``, or None."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = _skip_literal(text, i)
            continue
        if c == "<" and (m := _IRI.match(text, i)):
            i = m.end()
            continue
        if c == "#":
            i = _skip_space(text, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _condition(text: str, i: int) -> tuple[int, str, str] | None:
    """One order condition at ``i``: (end, direction, expression), or None when none starts there."""
    if m := _VAR.match(text, i):
        return m.end(), "ASC", m.group(0)
    if m := _DIRECTION.match(text, i):
        end = _balanced(text, m.end() - 1)
        return None if end is None else (end, m.group(1).upper(), text[m.end() - 1 : end])
    if text.startswith("(", i):
        end = _balanced(text, i)
        return None if end is None else (end, "ASC", text[i:end])
    m = _IRI.match(text, i) if text.startswith("<", i) else _CALL.match(text, i)
    if m and m.group(0).upper() not in ("LIMIT", "OFFSET", "VALUES"):
        j = _skip_space(text, m.end())
        if text.startswith("(", j) and (end := _balanced(text, j)) is not None:
            return end, "ASC", text[i:end]
    return None


_STR_CALL = re.compile(r"STR\s*\(", re.IGNORECASE)
_COALESCE_CALL = re.compile(r"COALESCE\s*\(", re.IGNORECASE)


def _arguments(text: str, opening: int) -> list[str]:
    """The comma-separated arguments of the call whose ``(`` is at ``opening`` (balanced)."""
    out: list[str] = []
    i = start = opening + 1
    while i < len(text) - 1:
        c = text[i]
        if c in "\"'":
            i = _skip_literal(text, i)
        elif c == "(":
            i = _balanced(text, i) or len(text)
        elif c == ",":
            out.append(text[start:i])
            i = start = i + 1
        else:
            i += 1
    out.append(text[start : len(text) - 1])
    return out


def _plain_literal(text: str) -> bool:
    """True when ``text`` is one string literal, with no language tag or datatype."""
    return bool(text) and text[0] in "\"'" and _skip_literal(text, 0) == len(text)


def _always_plain(expression: str) -> bool:
    """True when ``expression`` can only be a plain string or unbound (``STR(…)``, or a
    ``COALESCE`` of those and plain string literals, as the shipped queries sort): Oxigraph's
    own order of such values is total already, and the keys would only cost time (they made
    actors-by-degree half as slow again at a million triples)."""
    e = expression.strip()
    while e.startswith("(") and _balanced(e, 0) == len(e):
        e = e[1:-1].strip()
    if (m := _STR_CALL.match(e)) and _balanced(e, m.end() - 1) == len(e):
        return True
    if (m := _COALESCE_CALL.match(e)) and _balanced(e, m.end() - 1) == len(e):
        arguments = [a.strip() for a in _arguments(e, m.end() - 1)]
        return all(_plain_literal(a) or _always_plain(a) for a in arguments)
    return False


def _rewrite_conditions(text: str, i: int) -> tuple[str, int]:
    """The order conditions from ``i`` on, each preceded by its class and tie keys unless it is
    always a plain string."""
    out: list[str] = []
    while True:
        j = _skip_space(text, i)
        found = _condition(text, j)
        if found is None:
            return " ".join(out), i
        end, direction, expression = found
        if _always_plain(expression):
            out.append(text[j:end])
        else:
            e = f"({expression})"
            out.append(f"{direction}({_class_key(e)}) {direction}({_tie_key(e)}) {text[j:end]}")
        i = end


def total_order(sparql: str) -> str:
    """``sparql`` with every ORDER BY made total (see the module's doc); unchanged when it has none."""
    if not _ORDER.search(sparql):
        return sparql
    out: list[str] = []
    i = start = 0
    n = len(sparql)
    while i < n:
        c = sparql[i]
        if c in "\"'":
            i = _skip_literal(sparql, i)
        elif c == "<" and (m := _IRI.match(sparql, i)):
            i = m.end()
        elif c == "#":
            i = _skip_space(sparql, i)
        elif c in "?$" and (m := _VAR.match(sparql, i)):
            i = m.end()  # ?order is a variable, not the keyword
        elif (m := _ORDER.match(sparql, i)) and (i == 0 or not _NAME_CHAR.match(sparql[i - 1])):
            out.append(sparql[start : m.end()] + " ")
            rewritten, i = _rewrite_conditions(sparql, m.end())
            out.append(rewritten)
            start = i
        else:
            i += 1
    out.append(sparql[start:])
    return "".join(out)
