"""Matching a user's copy of a source text (``--source-text``) to its source document.

The texts are never in the graph: a ``kg:SourceDocument`` records only the SHA-256 of its UTF-8
bytes (``schema:sha256``) and its length in code points (``kg:textLength``). A copy is the
document whose hash it has; one that matches none is a :class:`~kgraph.errors.SourceTextMismatch`.
``kgraph validate`` and the look-ups' quotes both match through :func:`match_source_text`; each
finds the graph's source documents its own way (rdflib, SPARQL) and passes them in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from kgraph.errors import SourceTextMismatch
from kgraph.fileio import decode_utf8, read_bytes

if TYPE_CHECKING:
    from kgraph.models import Evidence
    from kgraph.store import Backend

K = TypeVar("K")

_BOM = b"\xef\xbb\xbf"
_LISTED = 5
"""Source documents a mismatch message lists before it says how many more there are."""


@dataclass(frozen=True)
class SourceDocument(Generic[K]):
    """What the graph records about one source document."""

    key: K
    """How the caller finds the document again (its IRI, an rdflib node); listings sort by it."""
    name: str
    """How messages show it: ``kgr:source-tiny``."""
    sha256: str
    length: int | str | None = None
    """``kg:textLength`` as recorded (not necessarily a number), None when missing."""


@dataclass(frozen=True)
class SourceText:
    """A user's copy of a source text: where it was read, the text and the SHA-256 that matched."""

    path: Path
    text: str
    sha256: str


def match_source_text(
    path: str | Path, documents: Sequence[SourceDocument[K]], *, lenient: bool = False
) -> tuple[SourceText, list[SourceDocument[K]]]:
    """The text at ``path`` and the documents whose SHA-256 it has (at least one).

    The bytes are hashed as they are on disk. ``lenient`` also accepts a copy that is the text
    but for a byte-order mark or Windows line endings (then the text returned is without them):
    quoting a span needs only the same characters, while checking a graph needs the exact file.
    """
    data = read_bytes(path, what="source text")
    variants = [data]
    if lenient:
        variants.append(data.removeprefix(_BOM).replace(b"\r\n", b"\n"))
    for variant in variants:
        digest = hashlib.sha256(variant).hexdigest()
        hits = [d for d in documents if d.sha256.lower() == digest]
        if hits:
            return SourceText(Path(path), decode_utf8(variant, path), digest), hits
    text = decode_utf8(data, path)
    expected = [
        f"{d.sha256.lower()} ({'?' if d.length is None else d.length} code points, {d.name})"
        for d in sorted(documents, key=lambda d: str(d.key))
    ]
    if len(expected) > _LISTED:
        expected[_LISTED:] = [f"and {len(expected) - _LISTED} more"]
    raise SourceTextMismatch(
        f"{path}: SHA-256 {hashlib.sha256(data).hexdigest()} ({len(text)} code points) matches no source "
        f"document in the graph; expected {'; '.join(expected) or 'one, but the graph records none'}"
    )


__all__ = ["SourceDocument", "SourceText", "match_source_text"]


def load_source_texts(backend: Backend, paths: Sequence[str | Path]) -> dict[str, str]:
    """Source slug -> text, for each of the user's files whose SHA-256 matches a source document
    of the graph behind ``backend``.

    A copy saved with Windows line endings or a byte-order mark is accepted when, without
    them, it is the anchored text. Any other file is a SourceTextMismatch (exit 2).
    """
    if not paths:
        return {}
    from kgraph.fetch import source_info
    from kgraph.namespaces import compact_iri

    rows = {s.iri: s for s in source_info(backend) if s.sha256}
    documents = [
        SourceDocument(key=s.iri, name=compact_iri(s.iri), sha256=s.sha256 or "", length=s.length)
        for s in rows.values()
    ]
    out: dict[str, str] = {}
    for path in paths:
        found, hits = match_source_text(path, documents, lenient=True)
        for doc in hits:
            source = rows[doc.key]
            if source.length is not None and len(found.text) != source.length:
                raise SourceTextMismatch(
                    f"{path}: {len(found.text)} code points, but the graph records {source.length} "
                    f"for {source.id}"
                )
            out[source.id] = found.text
    return out


def quote_evidence(spans: Iterable[Evidence], texts: Mapping[str, str]) -> None:
    """Fill ``Evidence.exact`` from the user's texts (never stored in the graph)."""
    for e in spans:
        text = texts.get(e.source or "")
        if text is not None and e.anchored and e.end is not None and e.end <= len(text):
            e.exact = text[e.start : e.end]
