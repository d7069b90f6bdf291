"""Writing a graph out: ``kg render`` (the HTML map) and ``kg export`` (other formats)."""

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
    "-o", "--out", "out_path", type=click.Path(dir_okay=False), default="kg.html", show_default=True
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Above this many nodes the map opens on the graph's communities.",
)
@handle_errors
def render(graph: str, out_path: str, max_nodes: int) -> None:
    """Write the interactive relationship map of GRAPH as one self-contained HTML file.

    \b
    Example:
        kg render output/kg.ttl -o output/kg.html
    """
    stats = load_kg(graph).render_html(out_path, max_nodes=max_nodes)
    click.echo(f"{stats.nodes} nodes, {stats.edges} edges ({stats.initial_view} view) → {out_path}")


@cli.command()
@click.argument("graph", type=click.Path())
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["turtle", "nt", "nquads", "trig", "jsonld", "graphml", "gexf", "csv"]),
)
@click.option(
    "-o",
    "--out",
    "out_path",
    type=click.Path(),
    required=True,
    help="Output file (a directory for csv).",
)
@handle_errors
def export(graph: str, fmt: str, out_path: str) -> None:
    """Export GRAPH for other tools (RDF formats, Gephi, spreadsheets).

    \b
    Example:
        kg export output/kg.ttl --format graphml -o output/kg.graphml
    """
    from kg.export import export_graph

    stats = export_graph(load_kg(graph).graph, fmt, Path(out_path))
    click.echo(f"{stats.triples} triples → {', '.join(str(f) for f in stats.files)}")
