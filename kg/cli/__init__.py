"""The ``kg`` command line: each command parses options, calls one library function
and formats the result. Library errors (:class:`kg.errors.KGError`) become
``Error: …`` with exit code 1; bad usage exits 2.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
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
    return Console(file=sys.stdout, soft_wrap=True)


def _print_table(columns: list[str], rows: list[list[str]], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    _console().print(table)


def _load(graph_path: str) -> Any:
    """A graph file or a store directory (``kg build --store``), as a KnowledgeGraph."""
    from kg.knowledge import KnowledgeGraph
    from kg.store.directory import is_store, store_graph

    if is_store(graph_path):
        return KnowledgeGraph(store_graph(graph_path))
    return KnowledgeGraph.load(graph_path)


@contextlib.contextmanager
def _queryable(graph_path: str) -> Iterator[Any]:
    """What ``kg query`` runs on: a store folder's Oxigraph store itself, opened read-only
    and queried in place (no copy), or the loaded graph of a file."""
    from kg.store.directory import is_store, open_store_read_only

    if is_store(graph_path):
        with open_store_read_only(graph_path) as store:
            yield store.ox
    else:
        yield _load(graph_path).graph


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
    from kg.pipeline import build_to

    if store_dir is not None:
        _ingest(
            inputs,
            store_dir,
            model=model,
            strict=strict,
            max_bytes=max_bytes,
            workers=workers,
            wait=wait,
        )
        return

    with _progress("Extracting") as progress:
        result = build_to(
            inputs,
            out_dir,
            model=model,
            strict=strict,
            max_bytes=max_bytes,
            html=html,
            validate=validate,
            max_nodes=max_nodes,
            progress=progress,
            focus={"auto": None, "on": True, "off": False}[focus],
            workers=workers,
        )
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


def _ingest(inputs: tuple[str, ...], store_dir: str, **options: Any) -> None:
    from kg.store.ingest import ingest_into

    with _progress("Ingesting") as progress:
        report = ingest_into(store_dir, inputs, progress=progress, **options)
    click.echo(
        f"{report.documents} documents ({report.replaced} replaced), {report.quads} quads "
        f"in {report.seconds:.1f} s → {store_dir}"
    )
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    if report.problems:
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
@click.argument("graph", type=click.Path())
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
    from kg.evaluate.run import predict_facts

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
@click.option(
    "-v", "--verbose", is_flag=True, help="List misses and false positives by metric and file."
)
@click.option(
    "--group",
    "groups",
    multiple=True,
    metavar="NAME=GLOB",
    help="Also report F1 for the files whose stem matches GLOB, or not with !GLOB (repeatable).",
)
@click.option("--model", default=None, help="spaCy pipeline name or path.")
@handle_errors
def eval_command(
    gold_dirs: tuple[str, ...],
    pred_dir: str | None,
    fmt: str,
    floor_path: str | None,
    verbose: bool,
    groups: tuple[str, ...],
    model: str | None,
) -> None:
    """Score predicted facts against hand-made gold annotations.

    \b
    Example:
        kg eval --gold ../shared/corpus/dev -v --group new='[ab][0-9]*'
    """
    from kg.evaluate.run import evaluate_gold

    named_groups = _parse_groups(groups)
    report, failures = evaluate_gold(gold_dirs, pred_dir, floor_path=floor_path, model=model)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=1, sort_keys=True))
    else:
        from kg.evaluate.score import format_report

        click.echo(format_report(report, details=verbose, groups=named_groups))
    if failures:
        raise click.ClickException("accuracy below the floor: " + "; ".join(failures))


def _parse_groups(groups: tuple[str, ...]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in groups:
        name, sep, pattern = item.partition("=")
        if not sep or not name.strip() or not pattern.strip():
            raise click.BadParameter(f"expected NAME=GLOB, got {item!r}", param_hint="--group")
        parsed[name.strip()] = pattern.strip()
    return parsed


# --------------------------------------------------------------------------- validate


@cli.command()
@click.argument("graph", type=click.Path())
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


# --------------------------------------------------------------------------- query


@cli.command()
@click.argument("graph", type=click.Path())
@click.argument("sparql", required=False)
@click.option(
    "--file",
    "query_file",
    type=click.Path(dir_okay=False, exists=True),
    help="Read the query from a file.",
)
@click.option("--name", "query_name", help="Run a named query from ontology/queries/ (see --list).")
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="VAR=VALUE",
    help="Bind a variable of a named query to an RDF term (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle"]),
    default="table",
    show_default=True,
)
@click.option(
    "--list", "list_queries", is_flag=True, help="List the named queries and their parameters."
)
@handle_errors
def query(
    graph: str,
    sparql: str | None,
    query_file: str | None,
    query_name: str | None,
    binds: tuple[str, ...],
    fmt: str,
    list_queries: bool,
) -> None:
    """Run a SPARQL query over GRAPH; project prefixes (dk:, dkid:, rdfs:…) are predeclared.

    \b
    Example:
        kg query output/kg.ttl 'SELECT ?name WHERE { ?o a dk:Organization ; rdfs:label ?name }'
        kg query output/kg.ttl --name agreements-between --bind org1=org-acme-robotics --bind org2=org-borealis-labs
    """
    from rdflib import Graph

    from kg.query.bindings import parse_bindings
    from kg.query.catalog import named_queries
    from kg.query.formats import serialize, to_rows
    from kg.query.run import run_named_query, run_query

    if list_queries:
        rows = [[q.name, q.title, ", ".join(q.param_names)] for q in named_queries().values()]
        _print_table(["name", "title", "parameters"], rows)
        return
    given = [x for x in (sparql, query_file, query_name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of SPARQL, --file or --name")
    with _queryable(graph) as target:
        bindings = parse_bindings(binds, target if isinstance(target, Graph) else None)
        if query_name:
            result = run_named_query(target, query_name, bindings)
        else:
            text = Path(query_file).read_text(encoding="utf-8") if query_file else str(sparql)
            result = run_query(target, text, bindings)
    if result.kind == "construct" and fmt in {"table", "csv", "tsv"}:
        fmt = "turtle"
    if fmt != "table":
        click.echo(serialize(result, fmt).decode("utf-8"), nl=False)
    elif result.kind == "ask":
        click.echo("yes" if result.boolean else "no")
    else:
        table = to_rows(result)
        _print_table(
            list(result.variables), [[r.get(v, "") for v in result.variables] for r in table]
        )


# --------------------------------------------------------------------------- orgs


@cli.command()
@click.argument("graph", type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@handle_errors
def orgs(graph: str, fmt: str) -> None:
    """List organisations with their aliases and how many documents and deals name them.

    \b
    Example:
        kg orgs output/kg.ttl --format json
    """
    from kg.query.orgs import organizations

    rows = organizations(_load(graph).graph)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
    else:
        _print_table(
            ["organization", "aliases", "documents", "deals"],
            [
                [r["name"], ", ".join(r["aliases"]), str(r["documents"]), str(r["deals"])]
                for r in rows
            ],
        )


# --------------------------------------------------------------------------- render and export


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
    help="Above this many nodes the map opens in the company view.",
)
@handle_errors
def render(graph: str, out_path: str, max_nodes: int) -> None:
    """Write the interactive relationship map of GRAPH as one self-contained HTML file.

    \b
    Example:
        kg render output/kg.ttl -o output/kg.html
    """
    stats = _load(graph).render_html(out_path, max_nodes=max_nodes)
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

    stats = export_graph(_load(graph).graph, fmt, Path(out_path))
    click.echo(f"{stats.triples} triples → {', '.join(str(f) for f in stats.files)}")


# --------------------------------------------------------------------------- serve


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
@handle_errors
def serve(
    graph: str, host: str, port: int, timeout_s: float, max_results: int, cors_origin: str | None
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
        Path(graph) if is_store(graph) else _load(graph).graph,
        host,
        port,
        timeout_s=timeout_s,
        max_results=max_results,
        cors_origin=cors_origin,
    )
    click.echo(f"SPARQL endpoint at {server.url}/sparql (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


# --------------------------------------------------------------------------- graph analytics


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
    _print_table(
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

    _emit(find(_load(graph).graph, org), fmt)


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

    _emit(find(_load(graph).graph, source, target), fmt)


@graph_group.command()
@click.argument("graph", type=click.Path())
@_format_option
@handle_errors
def central(graph: str, fmt: str) -> None:
    """Degree, PageRank and betweenness of every organisation.

    \b
    Example:
        kg graph central output/kg.ttl
    """
    from kg.network.analytics import centrality

    _emit(centrality(_load(graph).graph), fmt)


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

    _emit(find(_load(graph).graph), fmt)


# --------------------------------------------------------------------------- timeline


@cli.command()
@click.argument("graph", type=click.Path())
@click.argument("orgs", nargs=-1, required=True)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM-DD",
    help="Also list the terms in force on this date.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@handle_errors
def timeline(graph: str, orgs: tuple[str, ...], as_of: str | None, fmt: str) -> None:
    """The lineage of agreements between ORG [ORG] and, with --as-of, the terms in force.

    \b
    Example:
        kg timeline output/kg.ttl 'Acme Robotics' 'Borealis Labs' --as-of 2026-01-01
    """
    from kg.query.timeline import timeline as build_timeline

    result = build_timeline(_load(graph).graph, list(orgs), as_of)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=1, ensure_ascii=False))
        return
    _print_table(
        ["#", "date", "kind", "status", "terms", "source"],
        [_timeline_row(r) for r in result.rows],
        title="lineage (dates marked * are ordered by document date or wording, not stated)",
    )
    for conflict in result.conflicts:
        click.echo(f"conflict: {conflict}")
    if as_of is not None:
        rows = [
            [
                c.clause_type,
                c.label or "",
                c.start or "unknown",
                c.until or "",
                ", ".join(c.values),
                c.note,
            ]
            for c in (*result.in_force, *result.unknown_start)
        ]
        _print_table(
            ["clause", "label", "start", "until", "values", "note"],
            rows,
            title=f"in force on {as_of}",
        )


def _timeline_row(row: Any) -> list[str]:
    terms = [
        *row.amounts,
        row.stake or "",
        row.exclusivity or "",
        f"until {row.until}" if row.until else "",
    ]
    source = "; ".join(s.title or s.url or "" for s in row.sources)
    date = row.date + ("*" if row.order_inferred else "")
    return [
        str(row.position),
        date,
        row.kind,
        row.status or "",
        ", ".join(t for t in terms if t),
        source,
    ]


# --------------------------------------------------------------------------- store and servers


@cli.command()
@click.argument("store", type=click.Path(file_okay=False))
@click.argument("documents", nargs=-1, required=True)
@click.option("--wait", is_flag=True, help="Wait for another process writing the store.")
@handle_errors
def remove(store: str, documents: tuple[str, ...], wait: bool) -> None:
    """Remove DOCUMENTS (ids, IRIs or source paths) and every fact only they supported.

    \b
    Example:
        kg remove output/store seeds/000_9e21863d4afa9de5.txt
    """
    from kg.store.remove import remove_from

    reports = remove_from(store, documents, wait=wait)
    for ref, report in zip(documents, reports, strict=True):
        click.echo(f"{ref}: {len(report.graphs)} document graph(s), {report.quads} quads removed")
    if not all(r.graphs for r in reports):
        raise click.ClickException("some documents were not in the store")


@cli.command()
@click.argument("source", type=click.Path(exists=True))
@click.option("--endpoint", required=True, help="The server's SPARQL query URL.")
@click.option(
    "--graph-store", "graph_store_url", default=None, help="Graph Store HTTP Protocol URL."
)
@click.option("--update-url", default=None, help="SPARQL Update URL (default: the endpoint).")
@click.option("--user", default=None)
@click.option(
    "--password", envvar="KG_PUSH_PASSWORD", default=None, help="Or set KG_PUSH_PASSWORD."
)
@click.option("--graph", "graph_name", default=None, help="Graph name for a single graph file.")
@click.option("--batch-triples", type=click.IntRange(min=1), default=50_000, show_default=True)
@click.option(
    "--resume/--no-resume",
    default=True,
    show_default=True,
    help="Skip graphs an earlier push already sent unchanged.",
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
    )
    click.echo(
        f"{report.sent} graphs sent, {report.skipped} unchanged, {report.requests} requests "
        f"in {report.seconds:.1f} s via {report.method}"
    )
    if not report.verified:
        names = ", ".join(g.graph for g in report.mismatches[:5])
        raise click.ClickException(f"triple counts differ on the server for: {names}")
