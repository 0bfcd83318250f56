"""The typer app and the options its verbs share.

Command modules import ``app`` from here and register their verbs; ``kgraph.cli.app``
imports them all. Nothing heavy is imported at module level: a look-up must start fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from kgraph.api import KGraph


def fail(message: str) -> None:
    """One line on stderr, prefixed with the program name."""
    typer.echo(f"kgraph: {message}", err=True)


app = typer.Typer(
    name="kgraph",
    help="Structured-claims knowledge graphs: look up who did what to whom, who says so, and where.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# ---------------------------------------------------------------- shared options

GraphOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--graph",
        "-g",
        metavar="PATH",
        help="RDF file to read instead of the bundled graph (repeatable: files are read as one graph). "
        "Default: $KGRAPH_GRAPH or the bundled article graph.",
        show_default=False,
    ),
]
StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="An on-disk Oxigraph store (made by `kgraph load`) instead of files."),
]
EndpointOption = Annotated[
    str | None,
    typer.Option("--endpoint", help="A remote SPARQL 1.1 endpoint URL instead of local files."),
]

ROW_FORMATS = ("table", "json", "jsonl", "csv", "tsv")
FormatOption = Annotated[
    str,
    typer.Option("--format", "-f", help="Output: table, json, jsonl, csv or tsv.", case_sensitive=False),
]


def check_choice(value: str, choices: Sequence[str], option: str) -> str:
    value = value.lower()
    if value not in choices:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}", param_hint=option)
    return value


def open_graph(graph: list[Path] | None, store: Path | None = None, endpoint: str | None = None) -> KGraph:
    from kgraph.api import open as open_kgraph

    return open_kgraph(graph or None, store=store, endpoint=endpoint)
