"""The ``kg`` command line: each command parses options, calls one library function
and formats the result. Library errors (:class:`kg.errors.KGError`) become
``Error: …`` with exit code 1; bad usage exits 2.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from kg.errors import KGError

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn library errors into ``click.ClickException`` (``Error: …``, exit 1)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KGError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def _console() -> Console:
    return Console(file=click.get_text_stream("stdout"), soft_wrap=True)


def _print_table(columns: list[str], rows: list[list[str]], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    _console().print(table)


def _load(graph_path: str) -> Any:
    from kg.knowledge import KnowledgeGraph

    return KnowledgeGraph.load(graph_path)


@click.group()
@click.version_option(package_name="kg")
def cli() -> None:
    """Build knowledge graphs of corporate deals from news articles and press releases."""


# --------------------------------------------------------------------------- build


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
@handle_errors
def build(
    inputs: tuple[str, ...],
    out_dir: str,
    model: str | None,
    strict: bool,
    max_bytes: int,
    html: bool,
    validate: bool,
    max_nodes: int,
) -> None:
    """Build the knowledge graph of INPUTS (files, folders, globs or - for stdin).

    Writes OUT/kg.ttl and OUT/kg.html and prints a summary. Exits 1 when an input
    was skipped (the rest is still built).

    \b
    Example:
        kg build seeds/ --out output/
    """
    from kg.pipeline import build as build_kg

    with _progress("Extracting") as progress:
        kg = build_kg(inputs, model=model, strict=strict, max_bytes=max_bytes, progress=progress)
    out = Path(out_dir)
    kg.write_turtle(out / "kg.ttl")
    if html:
        kg.render_html(out / "kg.html", max_nodes=max_nodes)
    stats = kg.stats()
    report = kg.report
    click.echo(
        f"{stats.documents} documents, {stats.organizations} organizations, "
        f"{stats.agreements} agreements, {stats.clauses} clauses, {stats.triples} triples "
        f"in {report.seconds:.1f} s → {out / 'kg.ttl'}" + (f", {out / 'kg.html'}" if html else "")
    )
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if validate:
        result = kg.validate()
        if not result.conforms:
            click.echo(
                f"SHACL: {len(result.violations)} violations (run `kg validate {out / 'kg.ttl'}`)",
                err=True,
            )
    if report.problems:
        for problem in report.problems:
            click.echo(f"skipped: {problem}", err=True)
        raise click.ClickException(f"{len(report.problems)} input(s) skipped")


class _progress:
    """A rich progress bar on a terminal; silent otherwise (pipes, CI, tests)."""

    def __init__(self, description: str) -> None:
        self.description = description
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not sys.stderr.isatty():
            return None
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.description, total=None)
        return self.update

    def update(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# --------------------------------------------------------------------------- stats


@cli.command()
@click.argument("graph", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@handle_errors
def stats(graph: str, fmt: str) -> None:
    """Count documents, organizations, agreements, clauses and triples in GRAPH.

    \b
    Example:
        kg stats output/kg.ttl --format json
    """
    counts = _load(graph).stats().to_dict()
    if fmt == "json":
        click.echo(json.dumps(counts, sort_keys=True))
    else:
        _print_table(["what", "count"], [[k, str(v)] for k, v in counts.items()])


# --------------------------------------------------------------------------- facts and eval


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Directory for the <input stem>.json files.",
)
@click.option("--model", default=None, help="spaCy pipeline name or path.")
@handle_errors
def facts(inputs: tuple[str, ...], out_dir: str, model: str | None) -> None:
    """Write the facts JSON of each input file, read back from the built graph.

    \b
    Example:
        kg facts seeds/ --out output/facts/
    """
    from kg.facts import predict_facts

    with _progress("Extracting") as progress:
        written, problems = predict_facts(inputs, out_dir, model=model, progress=progress)
    click.echo(f"{len(written)} facts files → {out_dir}")
    for problem in problems:
        click.echo(f"skipped: {problem}", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} input(s) skipped")


@cli.command(name="eval")
@click.option(
    "--gold",
    "gold_dirs",
    multiple=True,
    required=True,
    type=click.Path(file_okay=False),
    help="Folder of <stem>.gold.json files (repeatable).",
)
@click.option(
    "--pred",
    "pred_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder of predicted <stem>.json; default: build the gold folders' .txt files.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--floor",
    "floor_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="JSON of minimum F1 per metric; exit 1 when one drops more than 0.01 below.",
)
@click.option("-v", "--verbose", is_flag=True, help="List misses and false positives per file.")
@click.option("--model", default=None, help="spaCy pipeline name or path.")
@handle_errors
def eval_command(
    gold_dirs: tuple[str, ...],
    pred_dir: str | None,
    fmt: str,
    floor_path: str | None,
    verbose: bool,
    model: str | None,
) -> None:
    """Score predicted facts against hand-made gold annotations.

    \b
    Example:
        kg eval --gold ../shared/corpus/dev -v
    """
    from kg.facts import evaluate_gold

    report, failures = evaluate_gold(gold_dirs, pred_dir, floor_path=floor_path, model=model)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=1, sort_keys=True))
    else:
        from kg.evaluate import format_report

        click.echo(format_report(report, details=verbose))
    if failures:
        raise click.ClickException("accuracy below the floor: " + "; ".join(failures))


# --------------------------------------------------------------------------- validate


@cli.command()
@click.argument("graph", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def validate(graph: str, fmt: str) -> None:
    """Validate GRAPH against the SHACL shapes. Exit 0 conforms, 1 violations, 2 error.

    \b
    Example:
        kg validate output/kg.ttl
    """
    try:
        result = _load(graph).validate()
    except KGError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "conforms": result.conforms,
                    "violations": [
                        {
                            "focus": str(v.focus),
                            "path": str(v.path) if v.path is not None else None,
                            "message": v.message,
                            "severity": str(v.severity),
                        }
                        for v in result.violations
                    ],
                },
                indent=1,
            )
        )
    else:
        click.echo("conforms" if result.conforms else result.text)
    sys.exit(0 if result.conforms else 1)
