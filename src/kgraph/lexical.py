"""Canonical lexical forms of the typed values kgraph writes (XSD 1.1, section 3.3).

Stores keep a typed literal's value, not its spelling: Oxigraph reads ``"PT24H"^^xsd:duration``
back as ``P1D``, ``100.0`` as ``100``, ``"1.0E0"^^xsd:double`` as ``1`` and even ``"5"^^xsd:int``
as ``"5"^^xsd:integer``; Virtuoso keeps a duration as a number of seconds. So kgraph writes every
typed value in the form an Oxigraph store gives back (:func:`canonical_literal`), and the graph
file, a store, a server and every export of them hold the same characters: a graph kgraph wrote
comes back from any round trip triple for triple (docs/data-model.md, Lexical forms). A server
that loses even the value's kind (Virtuoso's seconds) is restored to the same form by its
dialect (:mod:`kgraph.dialects`).
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

_DURATION = re.compile(
    r"^(-)?P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def is_duration(text: str) -> bool:
    return _DURATION.match(text) is not None


def canonical_decimal(value: Decimal) -> str:
    """``100.0`` → ``100``, ``0.60`` → ``0.6``, ``-0`` → ``0``: no exponent, no needless zeros."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _duration_text(negative: bool, months: int, seconds: Decimal) -> str:
    years, months = divmod(months, 12)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    date = (
        (f"{years}Y" if years else "") + (f"{months}M" if months else "") + (f"{int(days)}D" if days else "")
    )
    time = (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
    if secs:
        time += canonical_decimal(secs) + "S"
    if not date and not time:
        return "PT0S"
    return ("-" if negative else "") + "P" + date + (f"T{time}" if time else "")


def canonical_duration(text: str) -> str:
    """``PT24H`` → ``P1D``, ``PT36H`` → ``P1DT12H``, ``P14M`` → ``P1Y2M``; ValueError if not a duration."""
    m = _DURATION.match(text)
    if m is None:
        raise ValueError(f"{text!r} is not an xsd:duration such as P1D or PT1H30M")
    sign, y, mo, d, h, mi, s = m.groups()
    months = int(y or 0) * 12 + int(mo or 0)
    seconds = int(d or 0) * 86400 + int(h or 0) * 3600 + int(mi or 0) * 60 + Decimal(s or 0)
    return _duration_text(bool(sign), months, seconds)


def duration_from_seconds(lexical: str) -> str | None:
    """A day-time duration given as a number of seconds (``86400.0``) → ``P1D``; None if not a number."""
    try:
        seconds = Decimal(lexical)
    except InvalidOperation:
        return None
    if not seconds.is_finite():
        return None
    return _duration_text(seconds < 0, 0, abs(seconds))


_XSD = "http://www.w3.org/2001/XMLSchema#"


@functools.lru_cache(maxsize=4096)  # a graph repeats its years and amounts: ask the store once each
def store_form(value: str, datatype: str) -> tuple[str, str]:
    """``"value"^^<datatype>`` as an Oxigraph store gives it back: (lexical form, datatype IRI).

    The store is the reference rather than rules of our own: what it rewrites (and how) is
    exactly what a file must already say for a load and an export to change nothing. A value
    not valid for its datatype comes back as it went in.
    """
    from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store

    store = Store()
    node = NamedNode("urn:kgraph:lexical")
    store.add(Quad(node, node, Literal(value, datatype=NamedNode(datatype)), DefaultGraph()))
    (quad,) = store
    back = quad.object
    assert isinstance(back, Literal)
    return back.value, back.datatype.value


def canonical_literal(value: str, datatype: str) -> tuple[str, str]:
    """``value`` of the XSD ``datatype`` (full IRI) in its canonical form, with the datatype a
    store keeps (xsd:int becomes xsd:integer); unchanged for other datatypes and for values not
    valid for theirs (SHACL says so)."""
    if not datatype.startswith(_XSD):
        return value, datatype
    return store_form(value, datatype)


def canonical_lexical(value: str, datatype: str) -> str:
    """The lexical form of :func:`canonical_literal` (``PT24H`` → ``P1D``, ``100.0`` → ``100``)."""
    return canonical_literal(value, datatype)[0]
