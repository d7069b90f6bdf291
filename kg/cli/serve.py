"""``kg serve``: a read-only SPARQL endpoint over a graph file or a store."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli._util import (
    ENDPOINT_OPTION,
    cli,
    handle_errors,
    load_kg,
)


@cli.command()
@click.argument("graph", type=click.Path(), required=False)
@ENDPOINT_OPTION
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback by default).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds a query may run.",
)
@click.option("--max-results", type=click.IntRange(min=1), default=100_000, show_default=True)
@click.option(
    "--cors",
    "cors_origin",
    default=None,
    help="Value of Access-Control-Allow-Origin (off by default).",
)
@handle_errors
def serve(
    graph: str | None,
    endpoint: str | None,
    host: str,
    port: int,
    timeout_s: float,
    max_results: int,
    cors_origin: str | None,
) -> None:
    """Serve GRAPH (a file or a store folder) read-only over the SPARQL 1.1 Protocol at
    /sparql (query page at /).

    \b
    Example:
        kg serve output/kg.ttl --port 7878
        kg serve --endpoint http://127.0.0.1:8890/sparql   # a copy of the server's data
    """
    from kg.serve.server import make_server
    from kg.store.directory import is_store

    if graph is not None and endpoint is not None:
        raise click.UsageError("give GRAPH or --endpoint URL, not both")
    # a store is served in place (each worker opens it read-only), a file is loaded
    server = make_server(
        Path(graph) if graph is not None and is_store(graph) else load_kg(graph, endpoint).graph,
        host,
        port,
        timeout_s=timeout_s,
        max_results=max_results,
        cors_origin=cors_origin,
    )
    click.echo(f"SPARQL endpoint at {server.url}/sparql (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
