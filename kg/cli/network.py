"""``kg graph …``: analytics over the company–company deal network."""

from __future__ import annotations

import json
from typing import Any

import click

from kg.cli._util import (
    cli,
    handle_errors,
    load_kg,
    print_table,
)


@cli.group(name="graph")
def graph_group() -> None:
    """Network analytics over the company–company deal network."""


def _emit(rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    if not rows:
        click.echo("(none)")
        return
    columns = list(rows[0])
    print_table(
        columns,
        [[", ".join(v) if isinstance(v, list) else str(v) for v in r.values()] for r in rows],
    )


_format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)


@graph_group.command()
@click.argument("graph", type=click.Path())
@click.argument("org")
@_format_option
@handle_errors
def neighbors(graph: str, org: str, fmt: str) -> None:
    """Organisations that share a deal with ORG.

    \b
    Example:
        kg graph neighbors output/kg.ttl 'Acme Robotics'
    """
    from kg.network.analytics import neighbors as find

    _emit(find(load_kg(graph).graph, org), fmt)


@graph_group.command()
@click.argument("graph", type=click.Path())
@click.argument("source")
@click.argument("target")
@_format_option
@handle_errors
def path(graph: str, source: str, target: str, fmt: str) -> None:
    """The shortest chain of deals linking SOURCE and TARGET, with the agreements on it.

    \b
    Example:
        kg graph path output/kg.ttl 'Acme Robotics' 'Borealis Labs'
    """
    from kg.network.analytics import path as find

    _emit(find(load_kg(graph).graph, source, target), fmt)


@graph_group.command()
@click.argument("graph", type=click.Path())
@_format_option
@handle_errors
def central(graph: str, fmt: str) -> None:
    """Degree, deals (the agreements it is a party to, as kg orgs counts them), PageRank
    and betweenness of every organisation.

    \b
    Example:
        kg graph central output/kg.ttl
    """
    from kg.network.analytics import centrality

    _emit(centrality(load_kg(graph).graph), fmt)


@graph_group.command()
@click.argument("graph", type=click.Path())
@_format_option
@handle_errors
def communities(graph: str, fmt: str) -> None:
    """Groups of organisations linked by deals (greedy modularity).

    \b
    Example:
        kg graph communities output/kg.ttl
    """
    from kg.network.analytics import communities as find

    _emit(find(load_kg(graph).graph), fmt)
