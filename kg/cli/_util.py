"""What every command shares: the ``kg`` group, error mapping, tables, progress bars,
and opening a graph file or a store folder."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
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


def console() -> Console:
    return Console(file=sys.stdout, soft_wrap=True)


def print_table(columns: list[str], rows: list[list[str]], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console().print(table)


def load_kg(graph_path: str | None, endpoint: str | None = None) -> Any:
    """A graph file, a store directory (``kg build --store``) or the data of the SPARQL
    server at *endpoint* (``kg build --endpoint``), as a KnowledgeGraph."""
    from kg.knowledge import KnowledgeGraph
    from kg.store.directory import is_store, store_graph

    if endpoint is not None:
        from kg.store.remote import Endpoint, remote_graph

        return KnowledgeGraph(remote_graph(Endpoint(endpoint)))
    if graph_path is None:
        raise click.UsageError("give GRAPH or --endpoint URL")
    if is_store(graph_path):
        return KnowledgeGraph(store_graph(graph_path))
    return KnowledgeGraph.load(graph_path)


@contextlib.contextmanager
def queryable(graph_path: str) -> Iterator[Any]:
    """What ``kg query`` runs on: a store folder opened read-only (queried in place, no
    copy, or from its kept answers), or the loaded graph of a file."""
    from kg.store.directory import is_store, open_store_read_only

    if is_store(graph_path):
        with open_store_read_only(graph_path) as store:
            yield store
    else:
        yield load_kg(graph_path).graph


ENDPOINT_OPTION = click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="Read the data of this SPARQL 1.1 server (its query URL) instead of GRAPH.",
)
"""``--endpoint URL`` of the commands that read a whole graph (render, timeline, serve)."""


def server_auth_options(command: F) -> F:
    """``--user`` and ``--password`` (or ``KG_PUSH_PASSWORD``) of the commands that talk to
    a SPARQL server: kg build and kg query with --endpoint, kg push."""
    user = click.option(
        "--user", default=None, help="User for the server's HTTP basic or digest auth."
    )
    password = click.option(
        "--password", envvar="KG_PUSH_PASSWORD", default=None, help="Or set KG_PUSH_PASSWORD."
    )
    return user(password(command))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """Build knowledge graphs of corporate deals from news articles and press releases."""


class progress_bar:
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


class stage_display:
    """The stages of a build as they run: on a terminal one progress bar per stage (the
    extraction's counts documents), elsewhere one line per finished stage on stderr."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> stage_display:
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("{task.description:<10}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[took]}"),
                console=Console(stderr=True),
            )
            self.bar.start()
        return self

    def stage(self, name: str, seconds: float | None) -> None:
        """A :data:`kg.options.StageCallback`: *seconds* is None when *name* starts."""
        if self.bar is None:
            if seconds is not None:
                click.echo(f"{name}: {seconds:.1f} s", err=True)
        elif seconds is None:
            self.task = self.bar.add_task(name, total=None, took="")
        else:
            total = self.bar.tasks[self.task].total or 1
            self.bar.update(self.task, total=total, completed=total, took=f"{seconds:.1f} s")

    def progress(self, done: int, total: int) -> None:
        """A :data:`kg.options.ProgressCallback` for the stage that is running."""
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=done, total=total or None)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def stage_times(stages: tuple[tuple[str, float], ...]) -> str:
    """``read 0.1 s, extract 3.2 s, …``: what ``kg build -v`` prints."""
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages)
