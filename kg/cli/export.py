"""Writing a graph out: ``kg render`` (the HTML map) and ``kg export`` (other formats)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli._util import (
    ENDPOINT_OPTION,
    cli,
    handle_errors,
    load_kg,
)
from kg.words import plural


@cli.command()
@click.argument("graph", type=click.Path(), required=False)
@click.option(
    "-o", "--out", "out_path", type=click.Path(dir_okay=False), default="kg.html", show_default=True
)
@ENDPOINT_OPTION
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Above this many nodes the map opens on the graph's communities.",
)
@click.option(
    "--title",
    help="The map's name, in its header and window title [default: Deal relationship map].",
)
@handle_errors
def render(
    graph: str | None, out_path: str, endpoint: str | None, max_nodes: int, title: str | None
) -> None:
    """Write the interactive relationship map of GRAPH as one self-contained HTML file.

    \b
    Example:
        kg render output/kg.ttl -o output/kg.html --title "Cloud deals 2026"
        kg render --endpoint http://127.0.0.1:8890/sparql -o kg.html
    """
    if graph is not None and endpoint is not None:
        raise click.UsageError("give GRAPH or --endpoint URL, not both")
    named = {"title": title} if title else {}
    stats = load_kg(graph, endpoint).render_html(out_path, max_nodes=max_nodes, **named)
    click.echo(
        f"{plural(stats.nodes, 'node')}, {plural(stats.edges, 'edge')} "
        f"({stats.initial_view} view) → {out_path}"
    )


def _export_formats() -> list[str]:
    from kg.export import FORMAT_ALIASES, FORMATS

    return [*FORMATS, *FORMAT_ALIASES]


@cli.command()
@click.argument("graph", type=click.Path())
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(_export_formats(), case_sensitive=False),
    help="ttl, json-ld, rdfxml/xml, ntriples and nq name the same formats too.",
)
@click.option(
    "-o",
    "--out",
    "out_path",
    type=click.Path(),
    default="-",
    show_default=True,
    help="Output file, - for standard output (a directory for csv).",
)
@click.option(
    "--network",
    type=click.Choice(["full", "companies"]),
    default="full",
    show_default=True,
    help="GraphML/GEXF: every node, or companies only with their deal counts and amounts.",
)
@handle_errors
def export(graph: str, fmt: str, out_path: str, network: str) -> None:
    """Export GRAPH for other tools (RDF formats, Gephi, spreadsheets), to standard output
    unless -o names a file.

    \b
    Example:
        kg export output/kg.ttl --format graphml -o output/kg.graphml
        kg export output/kg.ttl --format gexf --network companies -o output/companies.gexf
        kg export output/kg.ttl --format ntriples | wc -l
    """
    from kg.export import canonical_format, export_bytes, export_graph

    fmt = canonical_format(fmt)
    kg = load_kg(graph)
    if out_path == "-":
        if fmt == "csv":
            raise click.UsageError("csv writes a folder of tables: give it with -o DIR")
        data, stats = export_bytes(kg.graph, fmt, network)
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        click.echo(f"{plural(stats.triples, 'triple')} → standard output", err=True)
        return
    stats = export_graph(kg.graph, fmt, Path(out_path), network)
    click.echo(f"{plural(stats.triples, 'triple')} → {', '.join(str(f) for f in stats.files)}")
