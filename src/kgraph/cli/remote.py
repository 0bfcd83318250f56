"""`kgraph push` and `kgraph pull`: whole graphs to and from a server's Graph Store
(kgraph.gsp does the work)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kgraph.cli.base import EndpointKindOption, EndpointOption, StoreOption, TimeoutOption, app

GraphIriOption = Annotated[
    str | None,
    typer.Option(
        "--graph-iri",
        metavar="IRI",
        help="The server's graph to write or read. Default: its default graph.",
        show_default=False,
    ),
]
GraphStoreOption = Annotated[
    str | None,
    typer.Option(
        "--graph-store",
        metavar="URL",
        help="The server's Graph Store Protocol URL, when it is not where --endpoint-kind puts it.",
        show_default=False,
    ),
]


@app.command("push")
def push_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(metavar="FILE", help="RDF files to push, read as one graph.", show_default=False),
    ] = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    graph_iri: GraphIriOption = None,
    graph_store: GraphStoreOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    batch: Annotated[int, typer.Option("--batch", metavar="N", help="Triples per request.")] = 50_000,
    timeout: TimeoutOption = 120.0,
) -> None:
    """Replace a graph on a SPARQL server with files or a store (Graph Store Protocol; idempotent)."""
    from kgraph.gsp import push
    from kgraph.progress import Progress

    with Progress("pushed", unit="triples") as report:
        result = push(
            files or (),
            store=store,
            endpoint=endpoint,
            graph_iri=graph_iri,
            endpoint_kind=endpoint_kind,
            graph_store=graph_store,
            batch=batch,
            timeout=timeout,
            progress=report if report.enabled else None,
        )
    typer.echo(result.summary(), err=True)


@app.command("pull")
def pull_command(
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="File to write (atomically), in the format of its extension; - for standard output.",
        ),
    ],
    endpoint: EndpointOption = None,
    graph_iri: GraphIriOption = None,
    graph_store: GraphStoreOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="turtle, ntriples, nquads, trig, jsonld or rdfxml. Default: from the -o extension, "
            "else turtle.",
            show_default=False,
        ),
    ] = None,
    timeout: TimeoutOption = 120.0,
) -> None:
    """Write a graph of a SPARQL server to a file (Graph Store Protocol), streamed."""
    from kgraph.gsp import pull
    from kgraph.progress import Progress

    # kgraph.gsp.pull counts nothing as it goes yet: a line that says it is at work, no count.
    # Not over the graph itself when that goes to this same terminal.
    on_screen = output == "-" and sys.stdout.isatty()
    with Progress("pulling", enabled=False if on_screen else None) as report:
        report.start()
        result = pull(
            output,
            endpoint=endpoint,
            graph_iri=graph_iri,
            endpoint_kind=endpoint_kind,
            graph_store=graph_store,
            fmt=fmt,
            timeout=timeout,
        )
    typer.echo(result.summary(), err=True)
