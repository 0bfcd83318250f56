"""`kgraph serve`: the graph as a read-only SPARQL 1.1 endpoint (kgraph.serve does the work)."""

from __future__ import annotations

from typing import Annotated

import typer

from kgraph.cli.base import GraphOption, StoreOption, app


@app.command("serve")
def serve_command(
    graph: GraphOption = None,
    store: StoreOption = None,
    port: Annotated[
        int, typer.Option("--port", metavar="N", help="Port to listen on (0: any free port).")
    ] = 7878,
    host: Annotated[
        str,
        typer.Option(
            "--host", metavar="HOST", help="Address to listen on; another than 127.0.0.1 opens it to others."
        ),
    ] = "127.0.0.1",
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            help="Stop each query after this many seconds, rounded up to whole seconds (0: no limit).",
        ),
    ] = 30.0,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (no updates, no SERVICE) until Ctrl-C.

    Prints the endpoint's URL on stdout once it answers. Needs the Oxigraph server:
    pip install 'kgraph[server]'.
    """
    import signal
    import threading

    from kgraph.serve import serve

    stop = threading.Event()

    def stop_serving(signum: int, frame: object) -> None:
        stop.set()

    def announce(url: str) -> None:
        typer.echo(url)
        typer.echo(f"kgraph: serving SPARQL at {url}; press Ctrl-C to stop", err=True)

    previous = {sig: signal.signal(sig, stop_serving) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        serve(graph or None, store, host=host, port=port, timeout=timeout, ready=announce, stop=stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
