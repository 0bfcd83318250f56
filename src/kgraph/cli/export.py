"""`kgraph export`: a selection of the graph in any registered format (see docs/export.md).

Only options are parsed here: selection, projection and formats live in the library
(:mod:`kgraph.subgraph`, :mod:`kgraph.projection`, :mod:`kgraph.export`); errors travel up to
``kgraph.cli.app.main``, which turns them into one-line messages and exit codes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kgraph.cli.base import (
    ROW_FORMATS,
    EndpointKindOption,
    EndpointOption,
    ExactOption,
    GraphOption,
    StoreOption,
    TimeoutOption,
    WideOption,
    app,
    check_choice,
    open_graph,
    table_width,
)
from kgraph.cli.lookup import SourceTextOption, _paths

if TYPE_CHECKING:
    from kgraph.api import KGraph
    from kgraph.export import WholeGraphStream


@app.command("export")
def export_command(
    focus: Annotated[
        list[str] | None,
        typer.Option(
            "--focus",
            metavar="NAME",
            help="An actor or event to centre on (repeatable); see --depth.",
            show_default=False,
        ),
    ] = None,
    depth: Annotated[
        int, typer.Option("--depth", metavar="N", help="Hops around --focus, in both directions.", min=0)
    ] = 1,
    path: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--path",
            metavar="A B",
            help="The claims along the shortest paths between two actors: --path A B.",
            show_default=False,
        ),
    ] = None,
    max_hops: Annotated[
        int, typer.Option("--max-hops", metavar="N", help="Longest path --path looks for.")
    ] = 4,
    exact: ExactOption = False,
    predicate: Annotated[
        list[str] | None,
        typer.Option(
            "--predicate",
            metavar="PREDICATE",
            help="Only claims with this predicate (repeatable): 'supplies arms to', suppliesArmsTo, "
            "kg:allyOf, dcterms:date…",
            show_default=False,
        ),
    ] = None,
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="Only actors of this type (repeatable): State, Company, Actor (all actors, no events)…",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            metavar="SOURCE",
            help="Only claims from this source document, or attributed to this actor (repeatable).",
            show_default=False,
        ),
    ] = None,
    modality: Annotated[
        list[str] | None,
        typer.Option(
            "--modality",
            metavar="MODALITY",
            help="Only claims of this modality (repeatable): asserted, reported, alleged (hedged), "
            "analysis or curatorInferred.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="DATE", help="Only claims whose period reaches this date (YYYY[-MM[-DD]])."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", metavar="DATE", help="Only claims whose period starts by this date (YYYY[-MM[-DD]])."
        ),
    ] = None,
    construct: Annotated[
        str | None,
        typer.Option(
            "--construct",
            metavar="QUERY",
            help="Select with a SPARQL CONSTRUCT: the query, @file.rq, or - for stdin.",
            show_default=False,
        ),
    ] = None,
    allow_service: Annotated[
        bool, typer.Option("--allow-service", help="Let --construct use SERVICE (federated queries).")
    ] = False,
    view: Annotated[
        str | None,
        typer.Option(
            "--view",
            metavar="VIEW",
            help="actors (the network) or claims (claim nodes, evidence, sources). "
            "Default: claims for RDF formats, actors for networks and pictures.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Output format (see --list-formats). Default: from the -o extension, else turtle.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="File to write (atomically); - for standard output.",
            show_default=False,
        ),
    ] = None,
    rankdir: Annotated[
        str, typer.Option("--rankdir", metavar="DIR", help="Picture direction: LR, TB, RL or BT.")
    ] = "LR",
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            "--layout",
            metavar="ENGINE",
            help="Graphviz layout engine: dot, neato, fdp, sfdp, circo, twopi (--layout is an old "
            "name). Default: no layout= in DOT files; pictures are laid out with dot up to 150 "
            "nodes, sfdp beyond, and refused past 5,000.",
            show_default=False,
        ),
    ] = None,
    merge: Annotated[
        str,
        typer.Option(
            "--merge",
            metavar="MODE",
            help="Pictures: one edge per pair and modality (pair), per relation (relation), "
            "or per claim (none).",
        ),
    ] = "pair",
    legend: Annotated[bool, typer.Option("--legend/--no-legend", help="Draw a legend in pictures.")] = True,
    edge_labels: Annotated[
        str,
        typer.Option(
            "--edge-labels",
            metavar="WHEN",
            help="Pictures: label edges up to 60 drawn edges (auto), always (all) or never (none); "
            "an unlabelled edge keeps its claims as a tooltip.",
        ),
    ] = "auto",
    title: Annotated[
        str | None, typer.Option("--title", metavar="TEXT", help="Picture title (default: the selection).")
    ] = None,
    list_formats: Annotated[
        bool, typer.Option("--list-formats", help="List the export formats (as --format table, json, csv…).")
    ] = False,
    wide: WideOption = False,
    source_text: SourceTextOption = None,
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
) -> None:
    """Export a selection of the graph: RDF, Graphviz pictures, GraphML/GEXF, CSV, Mermaid, Cypher."""
    from kgraph.errors import UsageError
    from kgraph.export import (
        ExportOptions,
        export_subgraph,
        exporter_for_path,
        format_rows,
        get_exporter,
        require,
        whole_graph_stream,
    )

    if list_formats:
        from kgraph.cli.render import render_rows

        chosen = check_choice(fmt or "table", ROW_FORMATS, "--format")
        width = table_width(wide) if chosen == "table" else None
        typer.echo(render_rows(format_rows(), chosen, width=width), nl=False)
        return

    to_stdout = output is None or output == "-"
    if fmt:
        exporter = get_exporter(fmt)
    elif not to_stdout:
        assert output is not None
        exporter = exporter_for_path(output)
    else:
        exporter = get_exporter("turtle")
    if exporter.binary and output is None and sys.stdout.isatty():
        raise UsageError(
            f"{exporter.name} is binary: write it to a file with -o FILE (or force stdout with -o -)"
        )
    if view is not None:
        view = check_choice(view, ("actors", "claims"), "--view")
    options = ExportOptions(
        view=view,  # type: ignore[arg-type]
        rankdir=rankdir,
        engine=engine.lower() if engine else None,
        merge=merge.lower(),
        legend=legend,
        edge_labels=edge_labels.lower(),
        title=title,
    )
    require(exporter)  # before any query: a missing `dot` should not cost a graph load
    if source_text and exporter.name != "html":
        raise UsageError(
            "--source-text quotes passages in the html view only; no other format carries source text"
        )

    from kgraph.query import read_query_argument
    from kgraph.store import check_timeout
    from kgraph.subgraph import Selection, select

    seconds = check_timeout(timeout)

    selection = Selection(
        focus=tuple(focus or ()),
        depth=depth,
        path=tuple(path) if path else None,  # type: ignore[arg-type]
        predicates=tuple(predicate or ()),
        types=tuple(types or ()),
        sources=tuple(source or ()),
        modalities=tuple(modality or ()),
        since=since,
        until=until,
        construct=read_query_argument(construct) if construct is not None else None,
        allow_service=allow_service,
        max_hops=max_hops,
        exact=exact,
    )
    kg = open_graph(graph, store, endpoint, endpoint_kind, timeout)
    stream = whole_graph_stream(kg, selection, exporter, options)
    if stream is not None:
        _write_stream(stream, None if to_stdout else Path(str(output)))
        return
    from kgraph.progress import Progress

    # Selection and layout count nothing as they go: the line only says kgraph is at work.
    with Progress("exporting", enabled=False if to_stdout and sys.stdout.isatty() else None) as working:
        working.start()
        sub = select(kg, selection, timeout=seconds)
        if not sub.claims and not sub.entities and construct is None:
            _check_holds_claims(kg, graph)
        if source_text:
            import dataclasses

            from kgraph.sources import load_source_texts

            texts = load_source_texts(kg.backend, _paths(source_text))
            options = dataclasses.replace(options, source_texts=texts)
        data = export_subgraph(sub, exporter, options)

    if to_stdout:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
        return
    from kgraph.export import summary
    from kgraph.fileio import atomic_write

    assert output is not None
    atomic_write(Path(output), data)  # an OutputFileError (exit 2) when it cannot
    typer.echo(f"{output}: {summary(sub, exporter, options)}", err=True)


def _check_holds_claims(kg: KGraph, graph: list[Path] | None) -> None:
    """An empty export of a graph with no claims at all is a graph not in kgraph's shape (plain
    FOAF, say), not an empty selection: say so rather than write an empty file with exit 0."""
    from kgraph.errors import UsageError

    if kg.backend.query("ASK { ?claim a kg:Claim }") is False:
        named = ", ".join(map(str, graph)) if graph else "the graph"
        raise UsageError(
            f"{named} holds no kgraph claims (no kg:Claim nodes; docs/data-model.md): nothing to export"
        )


def _write_stream(stream: WholeGraphStream, output: Path | None) -> None:
    """A whole graph too big to sort, written as it arrives: to stdout, or atomically to a file."""
    from kgraph.fileio import atomic_writer
    from kgraph.progress import CountingWriter, Progress

    if output is None:
        sys.stdout.flush()
        if sys.stdout.isatty():
            stream.write_to(sys.stdout.buffer)
        else:
            with Progress("exported", unit="bytes") as report:
                stream.write_to(CountingWriter(sys.stdout.buffer, report))  # type: ignore[arg-type]
        sys.stdout.buffer.flush()
        return
    with atomic_writer(output) as fh, Progress("exported", unit="bytes") as report:
        count = stream.write_to(CountingWriter(fh, report))  # type: ignore[arg-type]
    typer.echo(f"{output}: {stream.exporter.name}, {count} triples (the whole graph, streamed)", err=True)
