"""Growing a graph: `kgraph add`, `diff`, `schema` and `unmerge` (docs/authoring.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kgraph.cli.base import FormatOption, StoreOption, WideOption, app, check_choice, table_width
from kgraph.cli.lookup import SourceTextOption, _paths
from kgraph.cli.render import render_object, render_rows

if TYPE_CHECKING:
    from kgraph.add import AddResult

TargetGraphOption = Annotated[
    Path | None,
    typer.Option(
        "--graph",
        "-g",
        metavar="PATH",
        help="Your graph file to add to (Turtle .ttl or N-Triples .nt; created when missing). "
        "Never the bundled graph.",
        show_default=False,
    ),
]


def _summary(result: AddResult) -> list[str]:
    lines = []
    for f in result.files:
        parts = [f"{f.added} claim{'s' if f.added != 1 else ''} added"]
        if f.unchanged:
            parts.append(f"{f.unchanged} already there")
        if f.actors_added:
            parts.append(f"{len(f.actors_added)} new actor(s) or event(s)")
        if f.sources_added:
            parts.append(f"{len(f.sources_added)} new source{'s' if len(f.sources_added) != 1 else ''}")
        for m in f.merges:
            parts.append(
                f"merged {m.absorbed.rsplit('/', 1)[-1]} into {m.merged_into.rsplit('/', 1)[-1]} ({m.reason})"
            )
        lines.append(f"{f.path}: " + ", ".join(parts))
    return lines


@app.command("add")
def add_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE", help="Claims files (YAML or JSON; docs/authoring.md).", show_default=False
        ),
    ],
    graph: TargetGraphOption = None,
    store: StoreOption = None,
    source_text: SourceTextOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check everything and say what would change; write nothing.")
    ] = False,
    curator: Annotated[
        str | None,
        typer.Option(
            "--curator",
            metavar="NAME",
            help="Who makes this addition (recorded on merges).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """Add claims files to your graph: every file checked in full first, nothing written unless all are valid.

    Exit 0 when added (or nothing to add), 2 when any file has a problem: each is listed, one per line.
    """
    from kgraph.cli.base import ROW_FORMATS

    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    from kgraph.add import add

    result = add(
        files, graph=graph, store=store, source_texts=_paths(source_text), dry_run=dry_run, curator=curator
    )
    if fmt == "json":
        from dataclasses import asdict

        typer.echo(render_object(asdict(result) | {"changed": result.changed}), nl=False)
    else:
        rows = [
            {"file": f.path, "status": c.status, "key": c.key or "", "text": c.text}
            for f in result.files
            for c in f.claims
            if dry_run or c.status == "added"
        ]
        if rows or fmt != "table":
            typer.echo(render_rows(rows, fmt, ["file", "status", "key", "text"]), nl=False)
    for line in _summary(result):
        typer.echo(line, err=True)
    verb = "would add" if dry_run else "added"
    if not result.changed:
        typer.echo(f"{result.target}: nothing to add; left as it was", err=True)
    else:
        typer.echo(
            f"{result.target}: {verb} {result.triples_added} triples to {result.triples_before}"
            + (" (dry run: nothing written)" if dry_run else ""),
            err=True,
        )


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the claims-file format, for editors to check files as you type."""
    from kgraph.claimsfile import schema

    typer.echo(render_object(schema()), nl=False)


@app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The graph file before.", show_default=False)],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The graph file after.", show_default=False)],
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """Claims added, removed and changed from OLD to NEW (and actors, events, sources added or removed).

    Exit 0 when the two say the same, 1 when they differ (as diff does), 2 on bad input.
    """
    from kgraph.cli.base import ROW_FORMATS
    from kgraph.diff import diff

    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    result = diff(old, new)
    if fmt == "json":
        typer.echo(render_object(result.model_dump(mode="json") | {"same": result.same}), nl=False)
    elif result.claims:
        typer.echo(
            render_rows(
                [c.row() for c in result.claims],
                fmt,
                ["status", "key", "source", "changed", "text", "claim"],
                width=table_width(wide) if fmt == "table" else None,
            ),
            nl=False,
        )
    typer.echo(result.summary(), err=True)
    if not result.same:
        raise typer.Exit(1)


@app.command("unmerge")
def unmerge_command(
    actor: Annotated[
        str,
        typer.Argument(metavar="ACTOR", help="The absorbed actor (slug, CURIE or IRI).", show_default=False),
    ],
    graph: TargetGraphOption = None,
    store: StoreOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
) -> None:
    """Undo a merge `kgraph add` recorded: the absorbed actor gets its node, claims and mentions back."""
    from kgraph.merge import unmerge

    r = unmerge(actor, graph=graph, store=store, dry_run=dry_run)
    typer.echo(
        f"{r.target}: {'would give' if dry_run else 'gave'} {r.absorbed} back its node from {r.merged_into}: "
        f"{r.claims_moved} claim(s) and {r.mentions_moved} mention(s) moved back, "
        f"{r.aliases_removed} alias(es) taken off {r.merged_into}",
        err=True,
    )
