"""`kgraph query`: any SPARQL 1.1 query, or one of the named queries shipped with kgraph."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kgraph.cli.base import (
    EndpointKindOption,
    EndpointOption,
    GraphOption,
    StoreOption,
    TimeoutOption,
    WideOption,
    app,
    open_graph,
    table_width,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from kgraph.api import KGraph
    from kgraph.query import NamedQuery

_NOT_NAMES = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE"}


def _read_query(argument: str) -> tuple[str, str | None, NamedQuery | None]:
    """The query text, the base IRI for its relative IRIs, and the named query it is, if one."""
    import re

    from kgraph.errors import UsageError
    from kgraph.query import named_query, read_query_argument

    if argument == "-" or argument.startswith("@"):
        text = read_query_argument(argument)
        base = Path(argument[1:]).resolve().as_uri() if argument != "-" else Path.cwd().as_uri() + "/"
        return text, base, None
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", argument) and argument.upper() not in _NOT_NAMES:
        named = named_query(argument)
        return named.text, None, named
    if re.fullmatch(r"[^\s{}]+\.(rq|sparql)", argument) and Path(argument).is_file():
        raise UsageError(f"{argument} is a file: write @{argument} to run the query it holds")
    return argument, Path.cwd().as_uri() + "/", None


def _list_queries(fmt: str | None) -> str:
    import json

    from kgraph.cli.render import render_rows
    from kgraph.query import named_queries

    queries = named_queries()
    fmt = (fmt or "table").lower()
    if fmt == "json":
        doc = [
            {
                "name": q.name,
                "description": q.description,
                "parameters": [
                    {"name": p.name, "kind": p.kind, "description": p.description} for p in q.parameters
                ],
                "notes": q.notes,
            }
            for q in queries
        ]
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt not in ("table", "jsonl", "csv", "tsv"):
        from kgraph.errors import FormatError

        raise FormatError(f"--list writes table, json, jsonl, csv or tsv, not {fmt!r}")
    rows = [
        {
            "name": q.name,
            "description": q.description,
            "parameters": ", ".join(f"{p.name} ({p.kind})" for p in q.parameters),
        }
        for q in queries
    ]
    return render_rows(rows, fmt, ["name", "description", "parameters"])


def _print_query(
    text: str,
    named: NamedQuery | None,
    param: list[str],
    output: Path | None,
    fmt: str | None,
    open_kg: Callable[[], KGraph],
) -> None:
    """``--print``: the query as an endpoint gets it, written and not run."""
    from kgraph.errors import UsageError
    from kgraph.fileio import atomic_write
    from kgraph.query import bind_parameters, text_as_sent

    if fmt is not None:
        raise UsageError("--print writes the query itself: --format does not apply")
    # The graph is opened only to read --param values (an actor is looked up by name).
    bindings = bind_parameters(open_kg(), param, named) if param else {}
    sent = text_as_sent(text, bindings)
    if not sent.endswith("\n"):
        sent += "\n"
    if output is not None:
        atomic_write(output, sent)
    else:
        typer.echo(sent, nl=False)


@app.command("query")
def query_command(
    query: Annotated[
        str | None,
        typer.Argument(
            metavar="QUERY",
            help="SPARQL text, @FILE (a .rq file), - (read stdin), or the name of a shipped query "
            "(see --list).",
            show_default=False,
        ),
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list", help="List the named queries and their parameters.")
    ] = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="SELECT: table (default), json, jsonl, csv, tsv. ASK: table, json. "
            "CONSTRUCT/DESCRIBE: turtle (default), ntriples, jsonld, rdfxml.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the result to this file (atomically) instead of stdout; without --format, "
            "its extension sets the format (.txt .json .srj .jsonl .csv .tsv .ttl .nt .jsonld .rdf).",
            show_default=False,
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            metavar="NAME=VALUE",
            help="Fix a variable of the query to a value (repeatable). "
            "Named queries list their parameters in --list.",
            show_default=False,
        ),
    ] = None,
    allow_service: Annotated[
        bool,
        typer.Option(
            "--allow-service", help="Let the query call SERVICE, i.e. send requests to other servers."
        ),
    ] = False,
    print_: Annotated[
        bool,
        typer.Option(
            "--print",
            help="Write the query as it would be sent to an endpoint (its PREFIX lines, --param "
            "values as a VALUES block) and stop: nothing runs.",
        ),
    ] = False,
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
    wide: WideOption = False,
) -> None:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) or a named query.

    Our prefixes (kg:, kgr:, rdf:, skos:, prov:, schema:, oa:, dcterms:...) are pre-bound.
    SERVICE is refused unless --allow-service; updates are always refused.
    """
    from kgraph.errors import UsageError
    from kgraph.fileio import atomic_write
    from kgraph.query import (
        STREAMED_FORMATS,
        bind_parameters,
        check_format,
        check_query,
        default_format,
        format_for_path,
        run_query,
        select_chunks,
        serialize,
        stream_query,
        table_rows,
    )
    from kgraph.store import check_timeout

    if list_:
        if query is not None or param or print_:
            raise UsageError("--list takes no query, no --param and no --print")
        text = _list_queries(fmt or (format_for_path(output) if output is not None else None))
        if output is not None:
            atomic_write(output, text)
        else:
            typer.echo(text, nl=False)
        return
    if query is None:
        raise UsageError(
            "give a query: SPARQL text, @FILE, - for stdin, or a name from `kgraph query --list`"
        )
    limit = check_timeout(timeout)

    text, base_iri, named = _read_query(query)
    checked = check_query(text, allow_service=allow_service)
    if print_:
        opener = partial(open_graph, graph, store, endpoint, endpoint_kind, timeout)
        _print_query(checked.text, named, param or [], output, fmt, opener)
        return
    form = checked.info.form
    chosen = fmt or (format_for_path(output, form) if output is not None else None)
    if form is not None:
        chosen = check_format(form, chosen or default_format(form))
    kg = open_graph(graph, store, endpoint, endpoint_kind, timeout)
    bindings = bind_parameters(kg, param or [], named)
    if form == "SELECT" and chosen in STREAMED_FORMATS:
        # Rows written as they come: a SELECT of millions of rows in flat memory.
        rows = stream_query(
            kg, checked, timeout=limit, allow_service=allow_service, bindings=bindings, base_iri=base_iri
        )
        _write_chunks(select_chunks(rows.variables, rows, chosen), output)
        if output is not None:
            typer.echo(f"{output}: {rows.summary()}", err=True)
        return
    result = run_query(
        kg, checked, timeout=limit, allow_service=allow_service, bindings=bindings, base_iri=base_iri
    )
    chosen = check_format(result.form, chosen or default_format(result.form))
    if chosen == "table" and result.form == "SELECT" and not result.variables:
        rendered = f"(no variables; {result.summary()})\n"
    elif chosen == "table" and result.form == "SELECT":
        from kgraph.cli.render import render_rows

        width = table_width(wide) if output is None else None
        rendered = render_rows(table_rows(result), "table", result.variables, width=width)
    else:
        rendered = serialize(result, chosen)
    if output is not None:
        atomic_write(output, rendered)
        typer.echo(f"{output}: {result.summary()}", err=True)
    else:
        typer.echo(rendered, nl=False)


def _write_chunks(chunks: Iterable[str], output: Path | None) -> None:
    """Text as it is made: to stdout, or to ``output`` atomically (nothing on failure)."""
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    from kgraph.fileio import atomic_writer

    with atomic_writer(output) as fh:
        for chunk in chunks:
            fh.write(chunk.encode("utf-8"))
