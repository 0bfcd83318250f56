"""`kgraph build` and `kgraph load`: make the Turtle graph from curated YAML, fill a store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kgraph.cli.base import app, fail


@app.command("build")
def build_command(
    source_dir: Annotated[
        Path, typer.Option("--from", metavar="DIR", help="Folder of curated YAML datasets.")
    ] = Path("data/source"),
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="Turtle file to write.")
    ] = Path("data/claims.ttl"),
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 when the output is not current.")
    ] = False,
) -> None:
    """Compile curated YAML datasets into the Turtle graph (deterministic: same input, same bytes)."""
    from kgraph.build import build

    current = build(source_dir, output, check=check)
    if check and not current:
        fail(f"{output} is not current: run `kgraph build`")
        raise typer.Exit(1)
    typer.echo(f"{output}: {'already current' if current else 'written'}", err=True)


@app.command("load")
def load_command(
    store: Annotated[
        Path,
        typer.Argument(
            metavar="STORE_DIR",
            help="A store, an empty folder, or a folder to create; never one of other files (docs/files.md).",
        ),
    ],
    files: Annotated[list[Path], typer.Argument(metavar="FILE", help="RDF files to load.")],
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            metavar="SECONDS",
            help="How long to wait for another process writing the same store (0: do not wait); then exit 4.",
        ),
    ] = 10.0,  # kgraph.store.DEFAULT_WAIT, not imported: a look-up must start fast
    replace_source: Annotated[
        str | None,
        typer.Option(
            "--replace-source",
            metavar="SOURCE",
            help="Take this source's claims and mentions out and load FILE... in their place, in one "
            "transaction (after fixing its claims file).",
        ),
    ] = None,
) -> None:
    """Bulk-load RDF files into an on-disk Oxigraph store, for graphs too big to parse per command."""
    from kgraph.progress import Progress
    from kgraph.store import load_into_store

    # load_into_store takes no progress callback yet: the line only says it is at work.
    with Progress(f"loading into {store}") as working:
        working.start()
        count = load_into_store(store, files, wait=wait, replace_source=replace_source)
    typer.echo(f"{store}: {count} triples", err=True)
