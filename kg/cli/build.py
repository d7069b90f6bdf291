"""``kg build``: read, extract and resolve inputs into a graph file and its map, or into a store."""

from __future__ import annotations

from typing import Any

import click

from kg.cli._util import (
    cli,
    handle_errors,
    progress_bar,
)
from kg.options import DEFAULT_MAX_DOCUMENT_BYTES, FOCUS, BuildOptions


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="output",
    show_default=True,
    help="Directory for kg.ttl and kg.html.",
)
@click.option(
    "--model", default=None, help="spaCy pipeline name or path (default: en_core_web_sm)."
)
@click.option("--strict", is_flag=True, help="Stop at the first unreadable input.")
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
    "--html/--no-html", default=True, show_default=True, help="Also write the map kg.html."
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
    help="Above this many nodes the map opens in the company view.",
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
    out_dir: str,
    model: str | None,
    strict: bool,
    max_bytes: int,
    max_document_bytes: int,
    html: bool,
    validate: bool,
    max_nodes: int,
    store_dir: str | None,
    workers: int,
    wait: bool,
    focus: str,
) -> None:
    """Build the knowledge graph of INPUTS (files, folders, globs or - for stdin).

    Writes OUT/kg.ttl and OUT/kg.html and prints a summary; with --store, adds the
    documents to an on-disk store instead. Exits 1 when an input was skipped (the rest
    is still built).

    \b
    Example:
        kg build seeds/ --out output/
        kg build seeds/ --store output/store --workers 2
    """
    options = BuildOptions(
        model=model,
        strict=strict,
        max_bytes=max_bytes,
        max_document_bytes=max_document_bytes,
        focus=FOCUS[focus],
        workers=workers,
    )
    if store_dir is not None:
        _refuse(_STORE_REFUSES, "with --store (a store keeps no kg.ttl or map)")
        _ingest(inputs, store_dir, options, wait=wait)
    else:
        _refuse(("wait",), "without --store")
        _build(inputs, out_dir, options, html=html, validate=validate, max_nodes=max_nodes)


_STORE_REFUSES = ("out_dir", "html", "validate", "max_nodes")
"""Options of a graph build that an ingest into a store cannot honour."""


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


def _build(inputs: tuple[str, ...], out_dir: str, options: BuildOptions, **outputs: Any) -> None:
    from kg.pipeline import build_to

    with progress_bar("Extracting") as progress:
        result = build_to(inputs, out_dir, options, progress, **outputs)
    click.echo(result.summary())
    for warning in result.report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.violations:
        click.echo(
            f"SHACL: {result.violations} violations (run `kg validate {result.turtle}`)", err=True
        )
    for problem in result.report.problems:
        click.echo(f"skipped: {problem}", err=True)
    if result.report.problems:
        raise click.ClickException(f"{len(result.report.problems)} input(s) skipped")


def _ingest(inputs: tuple[str, ...], store_dir: str, options: BuildOptions, *, wait: bool) -> None:
    from kg.pipeline import ingest_into

    with progress_bar("Ingesting") as progress:
        report = ingest_into(store_dir, inputs, options, progress, wait=wait)
    click.echo(
        f"{report.documents} documents ({report.replaced} replaced), {report.quads} quads "
        f"in {report.seconds:.1f} s → {store_dir}"
    )
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} input(s) skipped")
