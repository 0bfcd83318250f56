"""`kgraph cache`: what the graph cache of big --graph files holds, and emptying it (docs/cache.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from kgraph.cli.base import app, check_choice

if TYPE_CHECKING:
    from kgraph.cache import CacheListing

ACTIONS = ("list", "clear")


def _size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{n:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def _listing(found: CacheListing) -> str:
    import time

    from kgraph import cache

    state = "on" if found.enabled else f"off: ${cache.NO_CACHE_ENV} is set"
    lines = [
        f"graph cache: {found.folder} ({state}; at most {found.max_entries} entries, "
        f"{_size(found.max_bytes)}; files under {_size(found.min_bytes)} are read in memory)"
    ]
    if not found.entries:
        lines.append("no entries")
        return "\n".join(lines)
    total = sum(e.bytes for e in found.entries)
    n = len(found.entries)
    lines.append(f"{n} entr{'ies' if n != 1 else 'y'}, {_size(total)}, most recently used first:")
    for e in found.entries:
        used = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.used)) if e.used else "never"
        files = ", ".join(e.files) if e.files else f"{e.name} (incomplete or of another kgraph version)"
        lines.append(f"  {_size(e.bytes):>10}  used {used}  {files}")
    return "\n".join(lines)


@app.command("cache")
def cache_command(
    action: Annotated[
        str,
        typer.Argument(
            metavar="ACTION",
            help="list (the default): the cached graphs, with their size and files; clear: remove them all.",
            show_default=False,
        ),
    ] = "list",
) -> None:
    """The graph cache: big --graph files kept as on-disk stores, so that only the first
    look-up parses them (docs/cache.md)."""
    from kgraph import cache

    chosen = check_choice(action, ACTIONS, "ACTION")
    if chosen == "clear":
        cleared = cache.clear()
        n = cleared.entries
        typer.echo(
            f"removed {n} entr{'ies' if n != 1 else 'y'} ({_size(cleared.bytes)}) from {cleared.folder}"
        )
        return
    typer.echo(_listing(cache.entries()))
