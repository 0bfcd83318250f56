"""`kgraph validate`: SHACL shapes plus evidence checks, one row per violation (docs/validation.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kgraph.cli.base import (
    ROW_FORMATS,
    EndpointKindOption,
    EndpointOption,
    FormatOption,
    GraphOption,
    StoreOption,
    TimeoutOption,
    WideOption,
    app,
    check_choice,
    open_graph,
    table_width,
)
from kgraph.cli.render import render_rows
from kgraph.errors import NotConformingError

COLUMNS = ("focus", "label", "rule", "value", "message", "fix")
"""Table, CSV and TSV columns; JSON rows carry every field of a violation."""

TIMEOUT = 300.0
"""Seconds each query may run: a whole-store check asks a few big questions, not many small ones."""


@app.command("validate")
def validate_command(
    graph: GraphOption = None,
    source_text: Annotated[
        list[Path] | None,
        typer.Option(
            "--source-text",
            metavar="PATH",
            help="Your copy of a source document's text (repeatable). Matched to its source by SHA-256; "
            "evidence offsets are then checked against the real text.",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = TIMEOUT,
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size",
            metavar="N",
            help="Nodes checked together on a store or endpoint (default 500); given with --graph, "
            "files are checked in batches too.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """Check the graph against kgraph's SHACL shapes and every evidence anchor.

    Exit 0 when it conforms, 1 when it has violations, 2 when the input cannot be used.
    """
    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    from kgraph.progress import Progress
    from kgraph.validation import validate

    with Progress("validating", unit="steps") as working:
        working.start()
        kg = open_graph(graph, store, endpoint, endpoint_kind, timeout)
        report = validate(kg, source_text or (), batch_size=batch_size, progress=working)
    width = table_width(wide) if fmt == "table" else None
    typer.echo(render_rows(report.rows(), fmt, COLUMNS, width=width), nl=False)
    # Not an error: these sources' texts are not held, so there is no text to check the evidence against.
    located = "not anchored to a text (cited by locator): " + ", ".join(report.not_anchored)
    if not report.conforms:
        if report.not_anchored:
            typer.echo(located, err=True)
        raise NotConformingError(report.summary())
    typer.echo(report.summary(), err=True)
    if report.not_anchored:
        typer.echo(located, err=True)
