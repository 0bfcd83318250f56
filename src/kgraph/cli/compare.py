"""`kgraph compare`: what several sources say about the same subject, relation and object."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kgraph.cli.base import (
    ROW_FORMATS,
    EndpointKindOption,
    EndpointOption,
    ExactOption,
    FormatOption,
    GraphOption,
    StoreOption,
    TimeoutOption,
    WideOption,
    app,
    check_choice,
    fail,
    open_graph,
    table_width,
)
from kgraph.cli.lookup import SinceOption, SourceTextOption, UntilOption, _dump, _many, _paths

if TYPE_CHECKING:
    from kgraph.views import ComparedClaim, CompareGroup, CompareResult

GROUP_TABLE = ["figure", "period", "source", "chain", "modality", "evidence"]
"""The columns of each group's table on screen (``quote`` is added with --source-text)."""
COMPARE_COLUMNS = [
    *("group", "subject", "subject_id", "relation", "predicate", "object", "object_id", "status"),
    *("independent_origins", "figure", "compared", "period", "source", "source_id", "chain", "origin"),
    *("modality", "sources", "evidence", "quote", "id", "key", "text"),
]
"""One row per claim in csv and tsv, the group's columns first."""


def _object(group: CompareGroup) -> tuple[str, str | None]:
    obj = group.object
    return (obj.label, obj.id) if hasattr(obj, "label") else (obj.value, None)  # type: ignore[union-attr]


def heading(group: CompareGroup) -> str:
    """``Israel — supplies arms to — Azerbaijan: differing (3 independent origins, 11 claims)``."""
    n, m = len(group.origins), len(group.claims)
    counts = f"{n} independent origin{'s' * (n != 1)}, {m} claim{'s' * (m != 1)}"
    return f"{group.subject.label} — {group.predicate.label} — {_object(group)[0]}: {group.status} ({counts})"


def _row(claim: ComparedClaim, table: bool) -> dict[str, Any]:
    from kgraph.present import mark
    from kgraph.views import quotes_text

    return {
        "figure": claim.measure,
        "compared": claim.compared,
        "period": claim.period_marked if table else claim.period,
        "source": claim.source.name if claim.source else None,
        "source_id": claim.source.id if claim.source else None,
        "chain": claim.chain,
        "origin": claim.origin_name,
        "modality": mark(claim.modality, claim.by_curators) if table else claim.modality,
        "sources": claim.sources,
        "evidence": "; ".join(e.where() for e in claim.evidence),
        "quote": quotes_text(claim.evidence),
        "id": claim.id,
        "key": claim.key,
        "text": claim.text,
    }


def compare_text(result: CompareResult) -> str:
    """Each group as a heading, a table of its claims, and its findings."""
    from kgraph.cli.render import render_rows
    from kgraph.present import CURATORS_LEGEND, CURATORS_MARK

    blocks = []
    marked = False
    for group in result.groups:
        rows = [_row(c, table=True) for c in group.claims]
        cols = GROUP_TABLE + (["quote"] if any(r["quote"] for r in rows) else [])
        # The legend explains marks in the claims' cells, the only place the mark is put.
        marked |= any(CURATORS_MARK in str(r[c] or "") for r in rows for c in cols)
        findings = "".join(f"- {f}\n" for f in group.findings)
        table = render_rows(rows, "table", cols, width=table_width())
        blocks.append(heading(group) + "\n" + table + findings)
    return "\n".join(blocks) + (CURATORS_LEGEND + "\n" if marked else "")


@app.command("compare")
def compare_command(
    about: Annotated[
        list[str] | None, _many("--about", "-a", "NAME", "Actor or event as subject or object.")
    ] = None,
    predicate: Annotated[
        list[str] | None,
        _many(
            "--predicate",
            "-p",
            "P",
            "Relation: suppliesArmsTo, kg:suppliesArmsTo, an IRI or 'supplies arms to'.",
        ),
    ] = None,
    source: Annotated[
        list[str] | None, _many("--source", "-s", "S", "Source document: id, file name or title.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    exact: ExactOption = False,
    source_text: SourceTextOption = None,
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """Claims that state the same subject, relation and object, side by side: corroborated,
    differing or single-source, counting sources by the origins at the head of their chains."""
    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    result = open_graph(graph, store, endpoint, endpoint_kind, timeout).compare(
        about=about or None,
        predicate=predicate or None,
        source=source or None,
        since=since,
        until=until,
        source_texts=_paths(source_text),
        exact=exact,
    )
    if fmt == "table":
        typer.echo(compare_text(result) if result.groups else "(no results)\n", nl=False)
    elif fmt in ("json", "jsonl"):
        from kgraph.cli.render import render_rows

        typer.echo(render_rows([_dump(g) for g in result.groups], fmt), nl=False)
    else:
        from kgraph.cli.render import render_rows

        flat = []
        for n, group in enumerate(result.groups, 1):
            obj, obj_id = _object(group)
            lead = {
                "group": n,
                "subject": group.subject.label,
                "subject_id": group.subject.id,
                "relation": group.predicate.label,
                "predicate": group.predicate.id,
                "object": obj,
                "object_id": obj_id,
                "status": group.status,
                "independent_origins": len(group.origins),
            }
            flat += [lead | _row(c, table=False) for c in group.claims]
        typer.echo(render_rows(flat, fmt, COMPARE_COLUMNS), nl=False)
    if not result.groups:
        fail("no claims to compare")
