"""``kg build``: read, extract and resolve inputs into a graph file and its map, or into a store."""

from __future__ import annotations

from typing import Any

import click

from kg.cli._util import (
    cli,
    handle_errors,
    progress_bar,
    server_auth_options,
    stage_display,
    stage_times,
)
from kg.options import DEFAULT_MAX_DOCUMENT_BYTES, FOCUS, MAP_MAX_DOCUMENTS, BuildOptions
from kg.pipeline import default_out_dir
from kg.words import plural


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory for kg.ttl and kg.html (default: output/NAME, NAME from the first input).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an OUT/kg.ttl that was built from other inputs.",
)
@click.option(
    "--model", default=None, help="spaCy pipeline name or path (default: en_core_web_sm)."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Stop at the first unreadable input, and fail (exit 1) on SHACL violations.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also print the seconds of every stage.")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=20_000_000,
    show_default=True,
    help="Refuse input files larger than this.",
)
@click.option(
    "--max-document-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_DOCUMENT_BYTES,
    show_default=True,
    help="Skip an article whose text is larger than this (time grows faster than its size).",
)
@click.option(
    "--html/--no-html",
    default=None,
    help=f"Also write the map kg.html (default: for builds of up to {MAP_MAX_DOCUMENTS:,} documents).",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check the graph against the SHACL shapes.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Above this many nodes the map opens on the graph's communities.",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Add to an on-disk store instead (one named graph per document; re-ingest replaces).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Extraction processes (the same graph as one).",
)
@click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="Write into this SPARQL 1.1 server instead (its query URL; one named graph per document).",
)
@click.option(
    "--graph-store",
    "graph_store_url",
    default=None,
    metavar="URL",
    help="With --endpoint: the server's Graph Store Protocol URL (else SPARQL Update is used).",
)
@click.option(
    "--update-url", default=None, metavar="URL", help="With --endpoint: SPARQL Update URL."
)
@server_auth_options
@click.option(
    "--scheduler",
    envvar="KG_DASK_SCHEDULER",
    default=None,
    metavar="tcp://HOST:8786",
    help="Extract on this Dask cluster instead of local processes (env KG_DASK_SCHEDULER; "
    "needs `pip install 'kg[dask]'`).",
)
@click.option(
    "--wait", is_flag=True, help="With --store: wait for another build on the store to finish."
)
@click.option(
    "--focus",
    type=click.Choice(["auto", "on", "off"]),
    default="auto",
    show_default=True,
    help="Run the statistical pipeline only on sentences with deal cues (auto: long documents).",
)
@handle_errors
def build(
    inputs: tuple[str, ...],
    out_dir: str | None,
    force: bool,
    model: str | None,
    strict: bool,
    verbose: bool,
    max_bytes: int,
    max_document_bytes: int,
    html: bool | None,
    validate: bool,
    max_nodes: int,
    store_dir: str | None,
    workers: int,
    endpoint: str | None,
    graph_store_url: str | None,
    update_url: str | None,
    user: str | None,
    password: str | None,
    scheduler: str | None,
    wait: bool,
    focus: str,
) -> None:
    """Build the knowledge graph of INPUTS (files, folders, globs or - for stdin).

    Writes OUT/kg.ttl and OUT/kg.html and prints a summary; with --store, adds the
    documents to an on-disk store instead. Without --out, OUT is output/NAME, named after
    the first input (kg build mydocs/ writes output/mydocs/). A kg.ttl built from other
    inputs is never replaced without --force. Exits 1 when an input was skipped (the
    rest is still built), and with --strict on SHACL violations. Prints the total time;
    -v also the time of each stage.

    \b
    Example:
        kg build seeds/ --out output/
        kg build seeds/ --store output/store --workers 2
        kg build corpus/ --store output/store --scheduler tcp://127.0.0.1:8786
        kg build corpus/ --endpoint http://127.0.0.1:8890/sparql --user dba --password dba
    """
    options = BuildOptions(
        model=model,
        strict=strict,
        max_bytes=max_bytes,
        max_document_bytes=max_document_bytes,
        focus=FOCUS[focus],
        workers=workers,
        scheduler=scheduler or None,
    )
    if endpoint is not None:
        from kg.store.remote import Endpoint

        _refuse((*_STORE_REFUSES, "store_dir", "wait"), "with --endpoint (the server is the store)")
        server = Endpoint(
            endpoint, update=update_url, graph_store=graph_store_url, user=user, password=password
        )
        _ingest_endpoint(inputs, server, options)
        return
    _refuse(_ENDPOINT_ONLY, "without --endpoint")
    if store_dir is not None:
        _refuse(_STORE_REFUSES, "with --store (a store keeps no kg.ttl or map)")
        _ingest(inputs, store_dir, options, wait=wait, validate=validate, verbose=verbose)
    else:
        _refuse(("wait",), "without --store")
        out = out_dir if out_dir is not None else str(default_out_dir(inputs))
        _build(
            inputs,
            out,
            options,
            verbose,
            html=html,
            validate=validate,
            max_nodes=max_nodes,
            force=force,
        )


_STORE_REFUSES = ("out_dir", "force", "html", "max_nodes")
"""Options of a graph build that an ingest into a store cannot honour."""
_ENDPOINT_ONLY = ("graph_store_url", "update_url", "user")
"""Options that only mean something with --endpoint."""


def _refuse(names: tuple[str, ...], why: str) -> None:
    """A usage error for any of the options *names* given on the command line."""
    context = click.get_current_context()
    given = [
        p
        for p in context.command.params
        if p.name in names
        and context.get_parameter_source(p.name) is not click.core.ParameterSource.DEFAULT
    ]
    if given:
        flags = ", ".join(
            p.opts[0] if not p.secondary_opts else "/".join(p.opts + p.secondary_opts)
            for p in given
        )
        raise click.UsageError(f"{flags} cannot be used {why}")


def _build(
    inputs: tuple[str, ...], out_dir: str, options: BuildOptions, verbose: bool, **outputs: Any
) -> None:
    from kg.pipeline import build_to

    with stage_display() as display:
        result = build_to(
            inputs, out_dir, options, display.progress, on_stage=display.stage, **outputs
        )
    click.echo(result.summary())
    if result.html_skipped:
        click.echo(result.html_skipped, err=True)
    if verbose:
        click.echo(stage_times(result.stages))
        if result.map_seconds is not None:
            click.echo(f"map drawn in {result.map_seconds:.1f} CPU s")
    for warning in result.report.warnings:
        click.echo(f"warning: {warning}", err=True)
    _report_violations(result.violations, f"kg validate {result.turtle}")
    for problem in result.report.problems:
        click.echo(f"skipped: {problem}", err=True)
    if result.report.problems:
        raise click.ClickException(f"{plural(len(result.report.problems), 'input')} skipped")
    if options.strict and result.violations:
        raise click.ClickException(f"{plural(result.violations, 'SHACL violation')} and --strict")


def _report_violations(violations: int | None, command: str) -> None:
    if violations:
        click.echo(f"SHACL: {plural(violations, 'violation')} (run `{command}`)", err=True)


def _ingest(
    inputs: tuple[str, ...],
    store_dir: str,
    options: BuildOptions,
    *,
    wait: bool,
    validate: bool,
    verbose: bool,
) -> None:
    from kg.pipeline import ingest_into

    with stage_display() as display:
        report = ingest_into(
            store_dir,
            inputs,
            options,
            display.progress,
            wait=wait,
            validate=validate,
            on_stage=display.stage,
        )
    click.echo(
        f"{plural(report.documents, 'document')} ({report.replaced} replaced), "
        f"{plural(report.quads, 'quad')} in {report.seconds:.1f} s → {store_dir}"
    )
    if verbose:
        click.echo(stage_times(report.stages))
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    _report_violations(report.violations, f"kg validate {store_dir}")
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    if report.problems:
        raise click.ClickException(f"{plural(len(report.problems), 'input')} skipped")
    if options.strict and report.violations:
        raise click.ClickException(f"{plural(report.violations, 'SHACL violation')} and --strict")


def _ingest_endpoint(inputs: tuple[str, ...], server: Any, options: BuildOptions) -> None:
    from kg.pipeline import ingest_endpoint

    with progress_bar("Writing") as progress:
        report = ingest_endpoint(server, inputs, options, progress)
    click.echo(
        f"{plural(report.documents, 'document')} ({report.replaced} already there), "
        f"{plural(report.quads, 'quad')} in {report.seconds:.1f} s → {server.query}"
    )
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    if report.problems:
        raise click.ClickException(f"{plural(len(report.problems), 'input')} skipped")
