"""``kg serve``: a read-only SPARQL endpoint over a graph file or a store."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli._util import (
    cli,
    handle_errors,
    load_kg,
)


@cli.command()
@click.argument("graph", type=click.Path())
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
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests whose Host header is NAME (e.g. a reverse proxy's name); "
    "others than the bound address are refused. Repeatable.",
)
@handle_errors
def serve(
    graph: str,
    host: str,
    port: int,
    timeout_s: float,
    max_results: int,
    cors_origin: str | None,
    allowed_hosts: tuple[str, ...],
) -> None:
    """Serve GRAPH (a file or a store folder) read-only over the SPARQL 1.1 Protocol at
    /sparql (query page at /).

    \b
    Example:
        kg serve output/kg.ttl --port 7878
    """
    from kg.serve.server import make_server
    from kg.store.directory import is_store

    # a store is served in place (each worker opens it read-only), a file is loaded
    server = make_server(
        Path(graph) if is_store(graph) else load_kg(graph).graph,
        host,
        port,
        timeout_s=timeout_s,
        max_results=max_results,
        cors_origin=cors_origin,
        allowed_hosts=frozenset(allowed_hosts),
    )
    click.echo(f"SPARQL endpoint at {server.url}/sparql (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
