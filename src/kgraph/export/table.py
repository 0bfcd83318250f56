"""The statement table: one row per claim, for spreadsheets (CSV, TSV).

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) get a leading ``'``, the OWASP advice against CSV injection: the
article's text is data, never code.

What the curators added is a column for filters (``by_curators``: the whole claim is theirs;
``curated``: the qualifier fields they read into the source's words) and a mark in ``figure``
(:data:`kgraph.present.CURATORS_MARK`) for people reading the sheet.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from kgraph.export.base import Exporter, ExportOptions
from kgraph.models import Claim, LiteralValue
from kgraph.namespaces import compact_iri
from kgraph.present import qualifier_summary, relation_label
from kgraph.projection import node_id
from kgraph.spreadsheet import neutralize

if TYPE_CHECKING:
    from kgraph.subgraph import Subgraph

QUALIFIER_COLUMNS = [
    "point_in_time",
    "start",
    "end",
    "duration",
    "value",
    "min_value",
    "max_value",
    "unit",
    "share",
    "share_of",
    "approximate",
    "item",
]
COLUMNS = [
    "id",
    "key",
    "subject",
    "subject_label",
    "predicate",
    "relation",
    "object",
    "object_label",
    "figure",
    *QUALIFIER_COLUMNS,
    "modality",
    "by_curators",
    "curated",
    "attributed_to",
    "attributed_to_label",
    "source",
    "evidence_start",
    "evidence_end",
    "evidence_locator",
    "text",
]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def claim_row(claim: Claim, labels: dict[str, str]) -> dict[str, str]:
    """A claim as flat text cells (not yet neutralized)."""
    if isinstance(claim.object, LiteralValue):
        obj = obj_label = claim.object.value
    else:
        obj = compact_iri(node_id(claim.object))
        obj_label = labels.get(node_id(claim.object), obj)
    q = claim.qualifiers
    since = {q.since: labels[node_id(q.since)]} if q.since and node_id(q.since) in labels else {}
    row = {
        "id": claim.id or "",
        "key": claim.key or "",
        "subject": compact_iri(node_id(claim.subject)),
        "subject_label": labels.get(node_id(claim.subject), claim.subject),
        "predicate": claim.predicate if ":" in claim.predicate else f"kg:{claim.predicate}",
        "relation": relation_label(claim.predicate),
        "object": obj,
        "object_label": obj_label,
        "figure": qualifier_summary(q, curated=claim.curated, labels=since),
        **{c: _text(getattr(q, c)) for c in QUALIFIER_COLUMNS},
        "modality": claim.modality,
        "by_curators": _text(claim.modality == "curatorInferred"),
        "curated": "; ".join(claim.curated),
        "attributed_to": "; ".join(compact_iri(node_id(a)) for a in claim.attributed_to),
        "attributed_to_label": "; ".join(labels.get(node_id(a), a) for a in claim.attributed_to),
        "source": claim.source or "",
        "evidence_start": "; ".join(str(e.start) for e in claim.evidence if e.anchored),
        "evidence_end": "; ".join(str(e.end) for e in claim.evidence if e.anchored),
        "evidence_locator": "; ".join(e.where() for e in claim.evidence if not e.anchored),
        "text": claim.text,
    }
    return row


def rows(sub: Subgraph) -> list[dict[str, str]]:
    corpus = sub.corpus
    labels = {node_id(e.id): e.label for e in corpus.actors + corpus.events}
    return [
        claim_row(c, labels)
        for c in sorted(corpus.claims, key=lambda c: (c.subject, c.predicate, c.id or ""))
    ]


def _delimited(sub: Subgraph, delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(COLUMNS)
    for row in rows(sub):
        cells = [neutralize(row[c]) for c in COLUMNS]
        if delimiter == "\t":
            # TSV has no quoting convention that every reader honours: flatten the breaks.
            cells = [" ".join(c.split()) if ("\t" in c or "\n" in c or "\r" in c) else c for c in cells]
        writer.writerow(cells)
    return out.getvalue()


def to_csv(sub: Subgraph, options: ExportOptions) -> str:
    return _delimited(sub, ",")


def to_tsv(sub: Subgraph, options: ExportOptions) -> str:
    return _delimited(sub, "\t")


EXPORTERS = [
    Exporter(
        "csv", (".csv",), "text/csv", "statement table, one row per claim (spreadsheets)", to_csv, "table"
    ),
    Exporter(
        "tsv",
        (".tsv", ".tab"),
        "text/tab-separated-values",
        "the statement table, tab-separated",
        to_tsv,
        "table",
    ),
]
