"""Entry point: registers every verb on the app, runs it, and is the one place where
errors become exit codes and one-line messages (docs/cli.md#exit-codes)."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from typing import Any

from kgraph.cli import build as _build  # noqa: F401  (registers verbs)
from kgraph.cli import cache as _cache  # noqa: F401
from kgraph.cli import compare as _compare  # noqa: F401
from kgraph.cli import export as _export  # noqa: F401
from kgraph.cli import grow as _grow  # noqa: F401
from kgraph.cli import lookup as _lookup  # noqa: F401
from kgraph.cli import query as _query  # noqa: F401
from kgraph.cli import remote as _remote  # noqa: F401
from kgraph.cli import serve as _serve  # noqa: F401
from kgraph.cli import validate as _validate  # noqa: F401
from kgraph.cli.base import app, fail, flag_message
from kgraph.errors import EXIT_USAGE, KGraphError

EXIT_INTERNAL = 3

_OUTPUT_ERRNOS = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EPIPE", "EBADF")
    if hasattr(errno, name)
)
"""An OSError with one of these, escaping a command, is output that could not be written
(``> /dev/full``, a full disk, a closed stdout): the user's problem, not a bug."""


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def _silence_stdout() -> None:
    """Send what is left in stdout's buffer nowhere, so the interpreter's last flush is quiet."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return
    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps interpreter shutdown quiet


class _ClosedStream(io.TextIOBase):
    """Stands in for a standard output the shell closed (``kgraph show X >&-``): Python makes it
    None, and click would drop what a command prints without a word."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def main(argv: list[str] | None = None) -> int:
    """Run kgraph with ``argv`` (default: the process's arguments); returns the exit code.

    0 success, 1 not found / not conforming, 2 bad input, 3 internal error (a bug).
    ``kgraph`` alone prints the help, like ``kgraph --help``. ``KGRAPH_DEBUG=1`` lets
    tracebacks through.
    """
    import typer

    debug = bool(os.environ.get("KGRAPH_DEBUG"))
    args = list(sys.argv[1:] if argv is None else argv) or ["--help"]
    command = _command_for(args)
    for i, arg in enumerate(args, 1):
        # Bytes that are not UTF-8 reach Python as lone surrogates, which fail deep inside.
        if any("\udc80" <= c <= "\udcff" for c in arg):
            fail(f"argument {i} is not valid UTF-8 text")
            return EXIT_USAGE
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    try:
        result = command.main(args=args, prog_name="kgraph", standalone_mode=False)
        # A full disk or a closed pipe shows when buffered output is flushed: here, not at exit.
        sys.stdout.flush()
        return result if isinstance(result, int) else 0
    except typer.Exit as e:
        return int(e.exit_code)
    except typer.Abort:
        fail("aborted")
        return 130
    except KGraphError as e:
        if debug:
            raise
        if getattr(e, "problems", None):
            # A claims file's problems, all of them, one line each (kgraph.claimsfile).
            for line in flag_message(e).splitlines():
                fail(line)
        else:
            fail(flag_message(e).replace("\n", " "))
        return e.exit_code
    except KeyboardInterrupt:
        fail("interrupted")
        return 130
    except BrokenPipeError:
        # `kgraph claims | head` closed the pipe: not an error worth a message.
        _silence_stdout()
        return 0
    except OSError as e:
        if debug or e.errno not in _OUTPUT_ERRNOS:
            return _internal_error(e, debug)
        _silence_stdout()
        fail(f"cannot write output: {e.strerror or _first_line(str(e)) or type(e).__name__}")
        return EXIT_USAGE
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
        return _internal_error(e, debug)


def _command_for(args: list[str]) -> Any:
    """The click command tree that runs ``args``: the group with only the verb named first when
    there is one, since typer inspects every verb's signature to build it (``kgraph --help``, an
    unknown verb and shell completion get the whole tree, to list or suggest verbs)."""
    import copy

    import typer.main

    from kgraph.cli.coercion import make_plain

    lean = app
    if args and not os.environ.get("_KGRAPH_COMPLETE"):
        for info in app.registered_commands:
            if info.callback is not None and args[0] == (
                info.name or typer.main.get_command_name(info.callback.__name__)
            ):
                lean = copy.copy(app)
                lean.registered_commands = [info]
                break
    command = typer.main.get_command(lean)
    # Every option, the group's own (--version) and those a verb adds to itself included.
    make_plain(command.params)
    for verb in getattr(command, "commands", {}).values():
        make_plain(verb.params)
    return command


def _internal_error(e: BaseException, debug: bool) -> int:
    if debug:
        raise e
    detail = _first_line(str(e))
    fail(
        f"internal error: {type(e).__name__}{': ' + detail if detail else ''} "
        "(a bug: rerun with KGRAPH_DEBUG=1 and report it)"
    )
    return EXIT_INTERNAL


def console_main() -> None:
    """The ``kgraph`` console script (and ``python -m kgraph``)."""
    # Looking for pydantic plugins reads the metadata of every installed distribution at the
    # first model a command validates; kgraph's own process has no use for them (typer turns
    # them off the same way while it builds its adapters). Set to anything, the user's choice wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    raise SystemExit(main())
