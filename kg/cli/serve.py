"""``kg serve``: a read-only SPARQL endpoint over a graph file or a store."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli._util import (
    cli,
    handle_errors,
    load_kg,
)

if TYPE_CHECKING:
    from kg.serve.server import SparqlServer


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
@click.option(
    "--max-results",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Rows (or triples) a result may have.",
)
@click.option(
    "--max-result-mb",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Megabytes a serialised result may have.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Query processes answering in parallel (each holds the graph file in memory).",
)
@click.option(
    "--max-memory",
    "max_memory_mb",
    type=click.IntRange(min=0),
    default=2048,
    show_default=True,
    help="Megabytes a query worker may use; past it the query is stopped and the worker "
    "replaced (0: no limit).",
)
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
    max_result_mb: int,
    workers: int,
    max_memory_mb: int,
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

    _stop_on_terminate()
    # a store is served as a snapshot, a file as loaded now; SIGHUP reloads either
    served_store = is_store(graph)
    server = make_server(
        Path(graph) if served_store else load_kg(graph).graph,
        host,
        port,
        timeout_s=timeout_s,
        max_results=max_results,
        max_result_bytes=max_result_mb * 2**20,
        workers=workers,
        max_memory_mb=max_memory_mb or None,
        cors_origin=cors_origin,
        allowed_hosts=frozenset(allowed_hosts),
    )
    try:
        server.start_workers()
        click.echo(f"SPARQL endpoint: {server.url}")
        click.echo(f"Query page:      {server.page_url}")
        click.echo(f"Serving (Ctrl-C to stop; `kill -HUP {os.getpid()}` reloads {graph})")
        _reload_on_hangup(server, graph, served_store)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        # a second Ctrl-C or SIGTERM must not cut the clean-up short (it is bounded)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        server.stop()  # ends the workers and deletes the temporary copy
    click.echo("Stopped")


def _reload_on_hangup(server: SparqlServer, graph: str, served_store: bool) -> None:
    """SIGHUP: serve what GRAPH holds now (a new snapshot of a store, the file read again)."""
    from kg.errors import KGError

    def reload() -> None:
        try:
            server.reload(None if served_store else load_kg(graph).graph)
        except (KGError, click.ClickException) as exc:
            message = exc.format_message() if isinstance(exc, click.ClickException) else exc
            click.echo(f"reload failed, still serving the previous data: {message}", err=True)
            return
        click.echo(f"Reloaded {graph}")

    def on_hangup(signum: int, frame: object) -> None:
        # not in the handler itself: loading takes a while and the server must go on
        threading.Thread(target=reload, name="kg-serve-reload", daemon=True).start()

    signal.signal(signal.SIGHUP, on_hangup)


def _stop_on_terminate() -> None:
    """SIGTERM (kill, systemd, docker stop) stops the server as Ctrl-C does: cleaned up."""

    def on_terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_terminate)
