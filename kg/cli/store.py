"""Stores beyond ingest: ``kg remove`` (documents out of a store) and ``kg push`` (to a SPARQL server)."""

from __future__ import annotations

import click

from kg.cli._util import (
    cli,
    handle_errors,
    server_auth_options,
)
from kg.words import plural


@cli.command()
@click.argument("targets", nargs=-1, required=True, metavar="[STORE] DOCUMENTS...")
@click.option("--wait", is_flag=True, help="Wait for another process writing the store.")
@click.option(
    "--endpoint",
    default=None,
    help="Remove from the SPARQL server a build wrote with --endpoint (then no STORE).",
)
@click.option("--update-url", default=None, help="SPARQL Update URL (default: the endpoint).")
@server_auth_options
@handle_errors
def remove(
    targets: tuple[str, ...],
    wait: bool,
    endpoint: str | None,
    update_url: str | None,
    user: str | None,
    password: str | None,
) -> None:
    """Remove DOCUMENTS (ids, IRIs or source paths) and every fact only they supported,
    from the store STORE or, with --endpoint, from a SPARQL server.

    \b
    Example:
        kg remove output/store seeds/000_9e21863d4afa9de5.txt
        kg remove --endpoint http://127.0.0.1:8890/sparql \\
            --update-url http://127.0.0.1:8890/sparql-auth --user dba --password dba seeds/000_9e21863d4afa9de5.txt
    """
    if endpoint is not None:
        from kg.store.remote import Endpoint, remove_from_endpoint

        server = Endpoint(endpoint, update=update_url, user=user, password=password)
        documents, reports = targets, remove_from_endpoint(server, targets)
    else:
        from kg.pipeline import remove_documents

        if len(targets) < 2:
            raise click.UsageError("give the store and at least one document (or --endpoint URL)")
        if update_url is not None or user is not None:
            raise click.UsageError("--update-url, --user and --password go with --endpoint")
        documents, reports = targets[1:], remove_documents(targets[0], targets[1:], wait=wait)
    for ref, report in zip(documents, reports, strict=True):
        click.echo(
            f"{ref}: {plural(len(report.graphs), 'document graph')}, "
            f"{plural(report.quads, 'quad')} removed"
        )
    if not all(r.graphs for r in reports):
        raise click.ClickException("some documents were not in the store")


@cli.command()
@click.argument("source", type=click.Path(exists=True))
@click.option("--endpoint", required=True, help="The server's SPARQL query URL.")
@click.option(
    "--graph-store", "graph_store_url", default=None, help="Graph Store HTTP Protocol URL."
)
@click.option("--update-url", default=None, help="SPARQL Update URL (default: the endpoint).")
@server_auth_options
@click.option("--graph", "graph_name", default=None, help="Graph name for a single graph file.")
@click.option("--batch-triples", type=click.IntRange(min=1), default=50_000, show_default=True)
@click.option(
    "--resume/--no-resume",
    default=True,
    show_default=True,
    help="Skip graphs an earlier push already sent unchanged.",
)
@click.option(
    "--ontology/--no-ontology",
    default=True,
    show_default=True,
    help="Also send the ontology and concept schemes (the named queries need them).",
)
@click.option(
    "--prune/--no-prune",
    default=True,
    show_default=True,
    help="Delete from the server the graphs of documents removed from the store since.",
)
@handle_errors
def push(
    source: str,
    endpoint: str,
    graph_store_url: str | None,
    update_url: str | None,
    user: str | None,
    password: str | None,
    graph_name: str | None,
    batch_triples: int,
    resume: bool,
    ontology: bool,
    prune: bool,
) -> None:
    """Send a store (named graphs kept) or a graph file to a SPARQL 1.1 server, then verify.

    \b
    Example:
        kg push output/store --endpoint http://127.0.0.1:8890/sparql --graph-store http://127.0.0.1:8890/sparql-graph-crud-auth --user dba --password dba
    """
    from kg.store.push import push_path

    report = push_path(
        source,
        endpoint,
        graph_name=graph_name,
        graph_store_url=graph_store_url,
        update_url=update_url,
        user=user,
        password=password,
        batch_triples=batch_triples,
        resume=resume,
        include_ontology=ontology,
        prune=prune,
    )
    click.echo(
        f"{plural(report.sent, 'graph')} sent, {report.skipped} unchanged, "
        f"{plural(report.requests, 'request')} "
        f"in {report.seconds:.1f} s via {report.method}"
    )
    if not report.verified:
        names = ", ".join(g.graph for g in report.mismatches[:5])
        raise click.ClickException(
            f"triple counts differ on the server for: {names}; another client may have "
            "changed them: run again with --no-resume to send every graph"
        )
