"""What several sources say about the same subject, relation and object (``kgraph compare``).

Claims are grouped by what they state — subject, relation, object — and each group is told
**differing**, **corroborated** or **single-source** (docs/cli.md, "kgraph compare"):

- a claim's *origin* is :attr:`kgraph.views.ClaimView.origin`, the head of its attribution
  chain; *independent* sources are distinct origins, so three outlets relaying SIPRI count once;
- a claim's *figure* is its share (of a whole, named by ``share_of``) or its amount (value or
  bounds, in a unit); two figures are comparable when they measure the same thing;
- its *period* is its own qualifiers' (point in time, or start and end), at their precision.

Two comparable figures for the same period that differ are a disagreement; for periods that
overlap without being the same, a difference is told apart as a period effect. The same figure
for the same period from two origins corroborates it; so do two figureless claims of the bare
relation.

Grouping is done in Python over :func:`kgraph.lookup.claims`: no SPARQL of its own, except the
one query :func:`agreeing_origins` may send for claims the filters left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgraph.dates import Span, marked_period, period_text, sort_key, span
from kgraph.models import Qualifiers
from kgraph.namespaces import SKOS, WD
from kgraph.present import qualifier_summary
from kgraph.views import (
    ClaimView,
    ComparedClaim,
    CompareGroup,
    CompareResult,
    CompareStatus,
    EntityRef,
)

if TYPE_CHECKING:
    from kgraph.fetch import Labels
    from kgraph.store import Backend

_PERIOD_FIELDS = {"point_in_time": None, "start": None, "end": None}
_AMOUNT_FIELDS = ("value", "min_value", "max_value", "unit", "approximate")


# ---------------------------------------------------------------- one claim's parts


def spo_key(view: ClaimView) -> tuple[str, ...]:
    """What a claim states, as a key: subject, predicate, and the object's IRI or literal."""
    obj = view.object
    other = (
        ("iri", obj.iri)
        if isinstance(obj, EntityRef)
        else ("literal", obj.value, obj.datatype or "", obj.language or "")
    )
    return (view.subject.iri, view.predicate.iri, *other)


def _words(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def measure(q: Qualifiers) -> tuple[str, ...] | None:
    """What a figure measures — comparable figures have the same — or None without a figure."""
    if q.share is not None:
        return ("share", _words(q.share_of))
    if q.value is not None or q.min_value is not None or q.max_value is not None:
        return ("amount", _words(q.unit))
    return None


def amount(q: Qualifiers) -> tuple[Decimal | None, ...] | None:
    """The figure's numbers (equal numbers are the same figure), or None without a figure."""
    if q.share is not None:
        return (q.share,)
    if measure(q) is None:
        return None
    return (q.value, q.min_value, q.max_value)


def figure_words(q: Qualifiers, curated: Sequence[str] = ()) -> str | None:
    """The figure alone, as the claims table words it: ``60%``, ``at least 1 billion USD``."""
    if q.share is not None:
        return qualifier_summary(Qualifiers(share=q.share, approximate=q.approximate), curated)
    if measure(q) is None:
        return None
    return qualifier_summary(Qualifiers(**{f: getattr(q, f) for f in _AMOUNT_FIELDS}), curated)


def period_span(q: Qualifiers) -> Span | None:
    return span(q.point_in_time, q.start, q.end)


def period_words(q: Qualifiers) -> str | None:
    """The claim's own period at its precision: ``2015–2019``, ``2021-03``."""
    return period_text(q.point_in_time, q.start, q.end)


def origin_name(view: ClaimView) -> str:
    """How findings name a claim's origin: the first attributed agent, else the source."""
    if view.attributed_to:
        return view.attributed_to[0].label
    return view.source.name if view.source is not None else view.id


def source_name(view: ClaimView) -> str:
    return view.source.name if view.source is not None else view.id


def _agreement(view: ClaimView) -> tuple[Any, ...]:
    """Claims of one group agree when this is the same: same figure and period, or no figure."""
    q = view.qualifiers
    m = measure(q)
    if m is None:
        return ("bare",)
    s = period_span(q)
    return (m, amount(q), (s.lo, s.hi, s.point) if s else None)


def _is_external_id(view: ClaimView) -> bool:
    obj = view.object
    return view.predicate.iri == SKOS + "exactMatch" and isinstance(obj, EntityRef) and obj.iri.startswith(WD)


# ---------------------------------------------------------------- the claims column


def agreeing_origins(
    backend: Backend,
    views: Sequence[ClaimView],
    *,
    complete: bool = False,
    labels: Labels | None = None,
) -> dict[str, int]:
    """Claim IRI -> how many independent origins agree with it, itself included (the
    ``sources`` column of ``kgraph claims``): distinct origins among the claims of the same
    subject, relation and object with the same figure and period, or, for a claim without a
    figure, among those without one.

    ``complete``: ``views`` already hold every claim of their subjects, relations and objects
    (no filter but ``about`` and ``predicate`` was applied), so nothing more is read; else the
    claims of their subjects are read in one query (with ``labels``, already fetched ones are
    not read again).
    """
    if not views:
        return {}
    among: Sequence[ClaimView] = views
    if not complete:
        among = _same_subjects(backend, views, labels)
    origins: dict[tuple[Any, ...], set[str]] = {}
    for v in list(among) + list(views):
        origins.setdefault((spo_key(v), _agreement(v)), set()).add(v.origin)
    return {v.id: len(origins[(spo_key(v), _agreement(v))]) for v in views}


def _same_subjects(backend: Backend, views: Sequence[ClaimView], labels: Labels | None) -> list[ClaimView]:
    from pyoxigraph import NamedNode

    from kgraph.fetch import Labels, fetch_claims
    from kgraph.store import values_block

    wanted = {spo_key(v) for v in views}
    subjects = sorted({v.subject.iri for v in views})
    found = fetch_claims(
        backend,
        values_block("subj", [NamedNode(s) for s in subjects]) + " ?claim a kg:Claim ; rdf:subject ?subj .",
    )
    labels = labels if labels is not None else Labels(backend)
    return [v for v in labels.views(found) if spo_key(v) in wanted]


# ---------------------------------------------------------------- compare


@dataclass
class _Cluster:
    """The comparable figure claims of one group for one period."""

    span: Span | None
    period: str
    claims: list[ClaimView]

    def values(self) -> list[tuple[str, list[ClaimView]]]:
        """Each distinct figure with its claims: the most reported first, then the larger."""
        by: dict[tuple[Decimal | None, ...], list[ClaimView]] = {}
        for c in self.claims:
            by.setdefault(amount(c.qualifiers) or (), []).append(c)
        ordered = sorted(by.items(), key=lambda kv: (-len(kv[1]), [-(x or 0) for x in kv[0]]))
        return [(figure_words(cs[0].qualifiers) or "", cs) for _, cs in ordered]


def _names(claims: Sequence[ClaimView], name: Any = source_name) -> str:
    return ", ".join(sorted({name(c) for c in claims}, key=str.casefold))


def _origins(claims: Sequence[ClaimView]) -> list[str]:
    """Distinct origins, named, in alphabetical order."""
    first: dict[str, str] = {}
    for c in claims:
        first.setdefault(c.origin, origin_name(c))
    return sorted(first.values(), key=str.casefold)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _cluster_findings(cl: _Cluster) -> tuple[list[str], bool, bool]:
    """Findings for one period, whether its figures disagree, whether any is corroborated."""
    values = cl.values()
    findings: list[str] = []
    corroborated = False
    if len(values) > 1:
        sides = " vs ".join(f"{fig} ({_names(cs)})" for fig, cs in values)
        origins = _origins(cl.claims)
        if len(origins) == 1:
            findings.append(f"Reports of {origins[0]}'s {cl.period} figure disagree: {sides}.")
        else:
            findings.append(f"Sources disagree on {cl.period}: {sides}.")
    for fig, cs in values:
        origins = _origins(cs)
        if len(origins) > 1:
            corroborated = True
            findings.append(
                f"{fig} for {cl.period} is corroborated by {len(origins)} independent origins: "
                f"{', '.join(origins)}."
            )
        elif len(values) == 1 and len({source_name(c) for c in cs}) > 1:
            findings.append(
                f"{fig} for {cl.period} is repeated by {len(cs)} sources ({_names(cs)}), "
                f"all from one origin: {origins[0]}."
            )
    return findings, len(values) > 1, corroborated


def _overlap_findings(clusters: Sequence[_Cluster]) -> list[str]:
    """Figures for overlapping, not identical, periods that differ: one finding per run of them."""
    dated = [c for c in clusters if c.span is not None]
    parent = list(range(len(dated)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(dated)), 2):
        a, b = dated[i], dated[j]
        assert a.span is not None and b.span is not None
        differ = {amount(c.qualifiers) for c in a.claims} != {amount(c.qualifiers) for c in b.claims}
        if a.span.overlaps(b.span) and differ:
            parent[root(j)] = root(i)
    runs: dict[int, list[_Cluster]] = {}
    for i, c in enumerate(dated):
        runs.setdefault(root(i), []).append(c)
    findings = []
    for run in runs.values():
        if len(run) < 2:
            continue
        listed = ", ".join(f"{' or '.join(fig for fig, _ in c.values())} ({c.period})" for c in run)
        findings.append(
            f"Figures for overlapping periods differ: {listed}. The periods are not the same, "
            "so this is not a disagreement over one figure."
        )
    return findings


def _claim_order(view: ClaimView) -> tuple[Any, ...]:
    q = view.qualifiers
    numbers = [x if x is not None else Decimal(-1) for x in (amount(q) or ())]
    return (
        sort_key(period_span(q)),
        measure(q) is None,
        measure(q) or (),
        numbers,
        source_name(view).casefold(),
        view.id,
    )


def _without_period(view: ClaimView) -> str:
    """The claim's figure in words without its period, which the table gives a column of.

    Cut from :attr:`ClaimView.figure` rather than worded anew: only the view knows the label
    of a ``since`` event."""
    q = view.qualifiers
    period = {f: getattr(q, f) for f in _PERIOD_FIELDS}
    when = qualifier_summary(Qualifiers(**period), view.curated)
    figure = view.figure
    if not when:
        return figure
    if figure == when:
        return ""
    if figure.startswith(when + ", "):
        return figure[len(when) + 2 :]
    return figure.replace(", " + when, "", 1)


def _compared(view: ClaimView) -> ComparedClaim:
    q = view.qualifiers
    curated = [c for c in view.curated if c not in _PERIOD_FIELDS]
    marked = {"point_in_time": "date"}
    return ComparedClaim.model_validate(
        {
            **view.__dict__,
            "compared": figure_words(q, curated),
            "measure": _without_period(view),
            "period": period_words(q),
            "period_marked": marked_period(
                q.point_in_time,
                q.start,
                q.end,
                [marked.get(c, c) for c in view.curated if c in _PERIOD_FIELDS],
            ),
            "origin_name": origin_name(view),
        }
    )


def _group(claims: list[ClaimView]) -> CompareGroup:
    claims = sorted(claims, key=_claim_order)
    first = claims[0]
    clusters: list[_Cluster] = []
    by_measure: dict[tuple[str, ...], dict[Any, _Cluster]] = {}
    bare: list[ClaimView] = []
    for c in claims:
        m = measure(c.qualifiers)
        if m is None:
            bare.append(c)
            continue
        s = period_span(c.qualifiers)
        key = (s.lo, s.hi, s.point) if s else None
        periods = by_measure.setdefault(m, {})
        if key not in periods:
            periods[key] = _Cluster(s, period_words(c.qualifiers) or "an undated period", [])
            clusters.append(periods[key])
        periods[key].claims.append(c)

    findings: list[str] = []
    differing = corroborated = False
    for periods in by_measure.values():
        for cl in periods.values():
            found, disagree, agree = _cluster_findings(cl)
            findings += found
            differing |= disagree
            corroborated |= agree
        overlaps = _overlap_findings(list(periods.values()))
        findings += overlaps
        differing |= bool(overlaps)
    origins = _origins(claims)
    if len(bare_origins := _origins(bare)) > 1:
        corroborated = True
        findings.append(
            f"Without a figure, the relation is stated by {len(bare_origins)} independent origins: "
            f"{', '.join(bare_origins)}."
        )
    status: CompareStatus
    if differing:
        status = "differing"
    elif corroborated:
        status = "corroborated"
    elif len(origins) > 1:
        # Several origins state the relation, but none of their figures is for the same period:
        # the relation is corroborated, no figure is.
        status = "corroborated"
        findings.append(
            f"The relation is stated by {len(origins)} independent origins ({', '.join(origins)}), "
            "but no figure of theirs can be compared with another's."
        )
    else:
        status = "single-source"
        only = "The one claim" if len(claims) == 1 else f"All {len(claims)} claims"
        findings.append(f"{only} go{'es' * (len(claims) == 1)} back to one origin: {origins[0]}.")
    return CompareGroup(
        subject=first.subject,
        predicate=first.predicate,
        object=first.object,
        status=status,
        origins=origins,
        findings=findings,
        claims=[_compared(c) for c in claims],
    )


def compare(
    backend: Backend,
    *,
    about: str | Sequence[str] | None = None,
    predicate: str | Sequence[str] | None = None,
    source: str | Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    source_texts: Sequence[str | Path] = (),
    exact: bool = False,
) -> CompareResult:
    """The claims :func:`kgraph.lookup.claims` finds with these filters, grouped by subject,
    relation and object, each group told differing, corroborated or single-source, with its
    findings in plain words. The curators' Wikidata links are left out."""
    from kgraph import lookup

    found = lookup.claims(
        backend,
        about=about,
        predicate=predicate,
        source=source,
        since=since,
        until=until,
        source_texts=source_texts,
        exact=exact,
    )
    groups: dict[tuple[str, ...], list[ClaimView]] = {}
    for v in found:
        if not _is_external_id(v):
            groups.setdefault(spo_key(v), []).append(v)
    out = [_group(cs) for cs in groups.values()]
    out.sort(
        key=lambda g: (
            g.subject.label.casefold(),
            g.predicate.label,
            _object_name(g).casefold(),
            spo_key(g.claims[0]),
        )
    )
    return CompareResult(groups=out)


def _object_name(group: CompareGroup) -> str:
    obj = group.object
    return obj.label if isinstance(obj, EntityRef) else obj.value


__all__ = ["agreeing_origins", "compare", "figure_words", "measure", "origin_name", "period_words", "spo_key"]
