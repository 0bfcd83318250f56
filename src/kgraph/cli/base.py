"""The typer app and the options its verbs share.

Command modules import ``app`` from here and register their verbs; ``kgraph.cli.app``
imports them all. Nothing heavy is imported at module level: a look-up must start fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand
from typer.models import CommandFunctionType

from kgraph.cli.coercion import PlainArgument, PlainGroup, PlainHelp

if TYPE_CHECKING:
    from kgraph.api import KGraph


def fail(message: str) -> None:
    """One line on stderr, prefixed with the program name: in red on a terminal, so that it
    stands out from the output (never with $NO_COLOR, never when stderr is a file or a pipe)."""
    import sys

    from kgraph.progress import colour_wanted

    prefix = "\033[1;31mkgraph:\033[0m" if colour_wanted(sys.stderr) else "kgraph:"
    typer.echo(f"{prefix} {message}", err=True, color=True)


class _Argument(PlainArgument):
    """A positional argument in help as ``NAME``, ``[NAME]`` or ``NAME...``, as click writes them
    (typer 0.29 writes ``{name}`` and adds the Python type: ``<list[Path]>``); its value is
    converted without pydantic where it can be (:mod:`kgraph.cli.coercion`)."""

    def _shown(self) -> str:
        name = self.metavar or (self.name or "").upper()
        return name + ("..." if self.nargs != 1 else "")

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        return [self._shown() if self.required else f"[{self._shown()}]"]

    def get_help_record(self, ctx: Any) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        return None if record is None else (self._shown(), record[1])


class _Command(PlainHelp, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument:
                param.__class__ = _Argument
        if self.name not in _NOT_LOOKUPS and any(getattr(p, "help", None) == GRAPH_HELP for p in self.params):
            # Declared here, once, rather than in every command that reads --graph files.
            self.params.append(_no_cache_option())
        if self.name != "serve" and any(getattr(p, "help", None) == GRAPH_HELP for p in self.params):
            # `serve` hands its --graph files to Oxigraph by path and cannot read stdin.
            self.params.append(_input_format_option())


_NOT_LOOKUPS = frozenset({"serve"})
"""Commands whose --graph files never go through the graph cache (`serve` hands them to Oxigraph)."""


def _turn_cache_off(ctx: typer.Context, value: bool) -> None:
    if value:
        from kgraph.cache import disable_for_command

        disable_for_command()
        # Back on when the command ends: in-process callers (tests) run many commands.
        ctx.call_on_close(lambda: disable_for_command(False))


_NO_CACHE: list[Any] = []


def _no_cache_option() -> Any:
    """The --no-cache option, built by typer once from a declaration like any other."""
    if not _NO_CACHE:
        holder = typer.Typer()

        @holder.command()
        def declared(
            no_cache: Annotated[
                bool,
                typer.Option(
                    "--no-cache",
                    help="Parse big --graph files in memory, not through the graph cache (docs/cache.md).",
                    callback=_turn_cache_off,
                    expose_value=False,
                ),
            ] = False,
        ) -> None: ...

        params = typer.main.get_command(holder).params
        _NO_CACHE.append(next(p for p in params if p.name == "no_cache"))
    return _NO_CACHE[0]


_INPUT_FORMAT: list[Any] = []


def _keep_input_format(ctx: typer.Context, value: str | None) -> None:
    ctx.meta["kgraph.input_format"] = value


def _input_format_option() -> Any:
    """--input-format, the syntax of `--graph -`: read by :func:`open_graph` from the running
    command, so that no verb passes it on (docs/files.md)."""
    if not _INPUT_FORMAT:
        holder = typer.Typer()

        @holder.command()
        def declared(
            input_format: Annotated[
                str | None,
                typer.Option(
                    "--input-format",
                    metavar="FORMAT",
                    help="The syntax of --graph - (standard input): turtle, ntriples, nquads, trig, "
                    "jsonld or rdfxml. Default: guessed from its first bytes.",
                    callback=_keep_input_format,
                    expose_value=False,
                    show_default=False,
                ),
            ] = None,
        ) -> None: ...

        params = typer.main.get_command(holder).params
        _INPUT_FORMAT.append(next(p for p in params if p.name == "input_format"))
    return _INPUT_FORMAT[0]


class _Typer(typer.Typer):
    """Every verb's help in the same style: see :class:`_Argument`."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[CommandFunctionType], CommandFunctionType]:
        if kwargs.get("cls") is None:
            kwargs["cls"] = _Command
        return super().command(*args, **kwargs)


app = _Typer(
    name="kgraph",
    cls=PlainGroup,
    help="Structured-claims knowledge graphs: look up who did what to whom, who says so, and where.",
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


FLAGS = {"source_texts": "--source-text", "attributed_to": "--attributed-to", "id": "--id", "type": "--type"}
"""Library parameter -> the CLI flag that sets it, where the two are not spelled alike."""


def flag_message(error: Exception) -> str:
    """A library error as the CLI user reads it: a parameter's name becomes its flag."""
    from kgraph.errors import ParameterError

    if isinstance(error, ParameterError):
        flag = FLAGS.get(error.parameter, "--" + error.parameter.replace("_", "-"))
        # "--depth must be at least 1", but "--since: 'x' is not a date"
        joiner = " " if error.problem.startswith("must ") else ": "
        return f"{flag}{joiner}{error.problem}"
    return str(error)


def _print_version(value: bool) -> None:
    if value:
        from kgraph import __version__

        typer.echo(f"kgraph {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print kgraph's version and exit.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    """kgraph's own options (``--version``); the work is done by its commands."""


# ---------------------------------------------------------------- shared options

GRAPH_HELP = (
    "RDF file to read instead of the bundled graph (repeatable: files are read as one graph). "
    "Default: $KGRAPH_GRAPH or the bundled article graph."
)
"""The --graph of look-ups: a command declaring it gets --no-cache too (:class:`_Command`)."""
GraphOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--graph",
        "-g",
        metavar="PATH",
        help=GRAPH_HELP,
        show_default=False,
    ),
]
StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        metavar="DIR",
        help="An on-disk Oxigraph store (made by `kgraph load`) instead of files.",
        show_default=False,
    ),
]
EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        metavar="URL",
        help="A remote SPARQL 1.1 endpoint URL instead of local files.",
        show_default=False,
    ),
]

EndpointKindOption = Annotated[
    str,
    typer.Option(
        "--endpoint-kind",
        metavar="KIND",
        help="The --endpoint server's kind, for its quirks: auto (guess), generic, oxigraph, virtuoso, "
        "fuseki, graphdb, qlever or neptune (docs/servers.md).",
    ),
]
TimeoutOption = Annotated[
    float,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="Seconds each query may run, and each wait for a server (0: no limit).",
    ),
]

ROW_FORMATS = ("table", "json", "jsonl", "csv", "tsv")
ExactOption = Annotated[
    bool,
    typer.Option(
        "--exact",
        help="Only the actor itself: leave out what its parts, members and events say "
        "(docs/cli.md, Roll-up).",
    ),
]

FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="Output: table, json, jsonl, csv or tsv.",
        case_sensitive=False,
    ),
]


WideOption = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="Tables on a terminal: every cell in full on one line, however wide (as when piped).",
    ),
]


def table_width(wide: bool | None = None) -> int | None:
    """The width to fit a table to: the terminal's (honouring $COLUMNS) when stdout is one and
    --wide is not given; None, the table as it is, when piped or redirected. ``wide`` None: the
    running command's own --wide, so a shared printer need not be handed it."""
    import shutil
    import sys

    if wide is None:
        from typer._click.globals import get_current_context

        ctx = get_current_context(silent=True)
        wide = bool(ctx is not None and ctx.params.get("wide"))

    try:
        terminal = sys.stdout is not None and sys.stdout.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if wide or not terminal:
        return None
    return max(shutil.get_terminal_size().columns, 20)


def complete_name(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Tab completion of actor and event names: labels and aliases starting with what is typed
    (any case), from --graph/--store when given, else the bundled graph. Read only when a shell
    asks, so ``kgraph --help`` and a look-up never pay for it; a graph that cannot be read
    completes nothing rather than print an error into the shell."""
    try:
        graph = ctx.params.get("graph") or None
        store = ctx.params.get("store") or None
        kg = open_graph(graph, store)
        names: dict[str, str] = {}
        for actor in kg.actors():
            names.setdefault(actor.label, actor.type or "")
            for alias in actor.aliases:
                names.setdefault(alias, f"alias of {actor.label}")
        for event in kg.events():
            names.setdefault(event.label, "event")
    except Exception:  # a shell's tab key must never show a traceback
        return []
    typed = incomplete.strip("'\"").casefold()
    found = sorted((n, h) for n, h in names.items() if n.casefold().startswith(typed))
    if os.environ.get("_KGRAPH_COMPLETE") == "complete_bash":
        # bash puts a completion in the line as it is: a name with spaces must come escaped
        # (backslashes, not quotes, so that it still starts with what was typed).
        import re

        return [(re.sub(r"([ \t'\"()&<>;|$`\\!*?\[\]{}#~])", r"\\\1", n), h) for n, h in found]
    return found


def check_choice(value: str, choices: Sequence[str], option: str) -> str:
    value = value.lower()
    if value not in choices:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}", param_hint=option)
    return value


def open_graph(
    graph: list[Path] | None,
    store: Path | None = None,
    endpoint: str | None = None,
    endpoint_kind: str = "auto",
    timeout: float | None = 30.0,
) -> KGraph:
    from typer._click.globals import get_current_context

    from kgraph.api import open as open_kgraph

    ctx = get_current_context(silent=True)
    return open_kgraph(
        graph or None,
        store=store,
        endpoint=endpoint,
        endpoint_kind=endpoint_kind,
        timeout=timeout,
        input_format=ctx.meta.get("kgraph.input_format") if ctx is not None else None,
    )
