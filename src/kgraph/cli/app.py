"""Entry point: registers every verb on the app, runs it, and is the one place where
errors become exit codes and one-line messages (docs/cli.md#exit-codes)."""

from __future__ import annotations

import contextlib
import os
import sys

from kgraph.cli import build as _build  # noqa: F401  (registers verbs)
from kgraph.cli import export as _export  # noqa: F401
from kgraph.cli import lookup as _lookup  # noqa: F401
from kgraph.cli import query as _query  # noqa: F401
from kgraph.cli import validate as _validate  # noqa: F401
from kgraph.cli.base import app, fail
from kgraph.errors import EXIT_USAGE, KGraphError

EXIT_INTERNAL = 3


def main(argv: list[str] | None = None) -> int:
    """Run kgraph with ``argv`` (default: the process's arguments); returns the exit code.

    0 success, 1 not found / not conforming, 2 bad input, 3 internal error (a bug).
    ``KGRAPH_DEBUG=1`` lets tracebacks through.
    """
    import typer

    debug = bool(os.environ.get("KGRAPH_DEBUG"))
    command = typer.main.get_command(app)
    try:
        result = command.main(
            args=list(sys.argv[1:] if argv is None else argv), prog_name="kgraph", standalone_mode=False
        )
        return result if isinstance(result, int) else 0
    except typer.Exit as e:
        return int(e.exit_code)
    except typer.Abort:
        fail("aborted")
        return 130
    except KGraphError as e:
        if debug:
            raise
        fail(str(e).replace("\n", " "))
        return e.exit_code
    except KeyboardInterrupt:
        fail("interrupted")
        return 130
    except BrokenPipeError:
        # `kgraph claims | head` closed the pipe: not an error worth a message.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps interpreter shutdown quiet
        return 0
    except Exception as e:
        if debug:
            raise
        # typer's (click's) usage errors: duck-typed, since typer vendors click from 0.29 on.
        if hasattr(e, "format_message") and isinstance(getattr(e, "exit_code", None), int):
            command_name = getattr(getattr(getattr(e, "ctx", None), "command", None), "name", None)
            hint = (
                f" (see `kgraph {command_name} --help`)" if command_name and command_name != "kgraph" else ""
            )
            fail(str(e.format_message()).replace("\n", " ") + hint)
            return EXIT_USAGE
        fail(f"internal error: {type(e).__name__}: {e} (a bug: rerun with KGRAPH_DEBUG=1 and report it)")
        return EXIT_INTERNAL


def console_main() -> None:
    """The ``kgraph`` console script."""
    raise SystemExit(main())
