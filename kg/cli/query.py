"""Asking a graph: ``kg query``, ``kg stats``, ``kg orgs``, ``kg timeline``, ``kg validate``."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from kg.cli._util import (
    ENDPOINT_OPTION,
    cli,
    handle_errors,
    load_kg,
    print_table,
    queryable,
    server_auth_options,
)
from kg.errors import KGError


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
    counts = load_kg(graph).stats().to_dict()
    if fmt == "json":
        click.echo(json.dumps(counts, sort_keys=True))
    else:
        print_table(["what", "count"], [[k, str(v)] for k, v in counts.items()])


@cli.command()
@click.argument("graph", type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--engine",
    type=click.Choice(["kg", "pyshacl"]),
    default="kg",
    show_default=True,
    help="SHACL engine for the core constraints: kg's own, or pySHACL (slower) to check it.",
)
def validate(graph: str, fmt: str, engine: str) -> None:
    """Validate GRAPH against the SHACL shapes. Exit 0 conforms, 1 violations, 2 error.

    \b
    Example:
        kg validate output/kg.ttl
        kg validate output/kg.ttl --engine pyshacl
    """
    try:
        result = load_kg(graph).validate(engine)
    except KGError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "conforms": result.conforms,
                    "violations": [v.to_dict() for v in result.violations],
                },
                indent=1,
            )
        )
    else:
        click.echo("conforms" if result.conforms else result.text)
    sys.exit(0 if result.conforms else 1)


@cli.command()
@click.argument("graph", type=click.Path(), required=False)
@click.argument("sparql", required=False)
@click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="Ask this SPARQL 1.1 server instead of GRAPH (one `kg build --endpoint` wrote).",
)
@server_auth_options
@click.option(
    "--file",
    "query_file",
    type=click.Path(dir_okay=False, exists=True, allow_dash=True),
    help="Read the query from a file (- for standard input).",
)
@click.option("--name", "query_name", help="Run a named query from ontology/queries/ (see --list).")
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="VAR=VALUE",
    help="Bind a variable to a value (repeatable): a company name, agreement key, clause type "
    "or YYYY-MM-DD where the named query's parameter says so, else an RDF term.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(
        ["table", "csv", "tsv", "json", "xml", "turtle", "ttl"], case_sensitive=False
    ),
    default="table",
    show_default=True,
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    help="Print at most N rows (a page of the answer, in its order; see --offset).",
)
@click.option(
    "--offset",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Skip the first N rows of the answer.",
)
@click.option(
    "--list", "list_queries", is_flag=True, help="List the named queries and their parameters."
)
@handle_errors
def query(
    graph: str | None,
    sparql: str | None,
    endpoint: str | None,
    user: str | None,
    password: str | None,
    query_file: str | None,
    query_name: str | None,
    binds: tuple[str, ...],
    fmt: str,
    limit: int | None,
    offset: int,
    list_queries: bool,
) -> None:
    """Run a SPARQL query over GRAPH; project prefixes (dk:, dkid:, rdfs:…) are predeclared.
    SPARQL - (or --file -) reads the query from standard input; results go to standard
    output. --list needs no GRAPH.

    \b
    Example:
        kg query --list
        echo 'ASK { ?a a dk:Agreement }' | kg query output/kg.ttl -
        kg query output/kg.ttl 'SELECT ?name WHERE { ?o a dk:Organization ; rdfs:label ?name }'
        kg query output/kg.ttl --name agreements-between --bind org1=org-acme-robotics --bind org2=org-borealis-labs
        kg query output/kg.ttl --name agreements --limit 100 --offset 100
        kg query --endpoint http://127.0.0.1:8890/sparql --name companies-by-deals
    """
    from rdflib import Graph

    from kg.query.bindings import parse_bindings
    from kg.query.catalog import load_named_query, named_queries
    from kg.query.formats import serialize, to_rows
    from kg.query.params import bind_parameters
    from kg.query.run import run_named_query, run_query

    if list_queries:
        rows = [[q.name, q.title, ", ".join(q.param_names)] for q in named_queries().values()]
        print_table(["name", "title", "parameters"], rows)
        return
    if endpoint is not None and sparql is None:
        graph, sparql = None, graph  # with --endpoint the one argument is the query
    if graph is None and endpoint is None:
        raise click.UsageError("give the GRAPH to query (a kg.ttl, its folder or a store)")
    given = [x for x in (sparql, query_file, query_name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of SPARQL, --file or --name")
    if graph is not None and endpoint is not None:
        raise click.UsageError("give GRAPH or --endpoint URL, not both")
    text = _query_text(sparql, query_file)
    if endpoint is not None:
        from kg.query.remote import run_remote_named_query, run_remote_query
        from kg.store.remote import Endpoint

        server = Endpoint(endpoint, user=user, password=password)
        bindings = parse_bindings(binds, None)
        if query_name:
            result = run_remote_named_query(server, query_name, bindings)
        else:
            result = run_remote_query(server, str(text), bindings)
    else:
        assert graph is not None
        with queryable(graph) as target:
            if query_name:
                named = load_named_query(query_name)
                bound = bind_parameters(named, binds, target)
                result = run_named_query(target, query_name, bound, limit=limit, offset=offset)
            else:
                bindings = parse_bindings(binds, target if isinstance(target, Graph) else None)
                result = run_query(target, str(text), bindings, limit=limit, offset=offset)
    for note in result.notes:
        click.echo(note, err=True)
    fmt = {"ttl": "turtle"}.get(fmt.lower(), fmt.lower())
    if result.kind == "construct" and fmt in {"table", "csv", "tsv"}:
        fmt = "turtle"
    if fmt != "table":
        click.echo(serialize(result, fmt).decode("utf-8"), nl=False)
    elif result.kind == "ask":
        click.echo("yes" if result.boolean else "no")
    else:
        table = to_rows(result)
        print_table(
            list(result.variables), [[r.get(v, "") for v in result.variables] for r in table]
        )


def _query_text(sparql: str | None, query_file: str | None) -> str | None:
    """The query's text: SPARQL itself, or read from --file; ``-`` is standard input."""
    if sparql == "-" or query_file == "-":
        text = sys.stdin.read()
        if not text.strip():
            raise click.UsageError("standard input held no query")
        return text
    if query_file:
        return Path(query_file).read_text(encoding="utf-8")
    return sparql


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

    rows = organizations(load_kg(graph).graph)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
    else:
        print_table(
            ["organization", "aliases", "documents", "deals"],
            [
                [r["name"], ", ".join(r["aliases"]), str(r["documents"]), str(r["deals"])]
                for r in rows
            ],
        )


@cli.command()
@click.argument("graph", type=click.Path())
@click.argument("orgs", nargs=-1)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM-DD",
    help="Also list the terms in force on this date.",
)
@click.option(
    "--known-at",
    "known_at",
    default=None,
    metavar="YYYY-MM-DD",
    help="Answer from the documents published by this date only (what was known then).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@ENDPOINT_OPTION
@handle_errors
def timeline(
    graph: str,
    orgs: tuple[str, ...],
    as_of: str | None,
    known_at: str | None,
    fmt: str,
    endpoint: str | None,
) -> None:
    """The agreements of ORG (by date), or between ORG and ORG (in lineage order), and
    with --as-of the terms in force on that day; --known-at uses only what was published by
    then.

    \b
    Example:
        kg timeline output/dated/kg.ttl COMPANY OTHER --as-of 2024-06-01
        kg timeline output/dated/kg.ttl COMPANY OTHER --as-of 2025-11-01 --known-at 2025-10-01
        kg timeline output/dated/kg.ttl COMPANY
        kg timeline --endpoint http://127.0.0.1:8890/sparql COMPANY OTHER
    """
    from kg.query.timeline import timeline as build_timeline

    source: str | None = graph
    if endpoint is not None:  # then every argument names an organisation
        source, orgs = None, (graph, *orgs)
    if not orgs:
        raise click.UsageError("name at least one organisation (ORG)")
    result = build_timeline(load_kg(source, endpoint).graph, list(orgs), as_of, known_at)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=1, ensure_ascii=False))
        return
    one = len(result.organizations) == 1
    known = f", as known on {result.known_at}" if result.known_at else ""
    print_table(
        ["#", "date", *(["counterparty"] if one else []), "kind", "terms", "source"],
        [_timeline_row(r, one) for r in result.rows],
        title=("agreements by date" if one else "lineage") + known,
    )
    click.echo("date~: the announcing article's date (inferred); date*: placed by wording")
    for conflict in result.conflicts:
        click.echo(f"conflict: {conflict.term} differs: {'; '.join(conflict.values)}")
    if result.as_of is not None:
        rows = [_in_force_row(c) for c in (*result.in_force, *result.unknown_start)]
        columns = ["term", "values", "since", "until", "source", "note"]
        if not any(row[-1] for row in rows):
            columns, rows = columns[:-1], [row[:-1] for row in rows]
        print_table(columns, rows, title=f"in force on {result.as_of}{known}")


_KINDS = {
    "MemorandumOfUnderstanding": "MOU",
    "DefinitiveAgreement": "definitive",
    "Amendment": "amendment",
    "Agreement": "agreement",
}


def _words(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def _timeline_row(row: Any, one: bool) -> list[str]:
    terms = [
        *row.amounts,
        row.stake or "",
        row.exclusivity or "",
        f"until {row.until}" if row.until else "",
    ]
    source = "; ".join(s.title or s.url or "" for s in row.sources)
    date = row.date + ("~" if row.date_inferred else "*" if row.order_inferred else "")
    kind = _KINDS.get(row.kind, _words(row.kind))
    if row.types:
        kind += " (" + ", ".join(_words(t) for t in row.types) + ")"
    counterparty = [", ".join(row.counterparties)] if one else []
    return [str(row.position), date, *counterparty, kind, ", ".join(t for t in terms if t), source]


def _term_name(clause_type: str) -> str:
    """A clause type in the facts format's words ("ExpirationDate" → "term")."""
    from kg.rdf.types import clause_type_iris

    names = {str(iri).rsplit("/", 1)[-1]: key for key, iri in clause_type_iris().items()}
    return names.get(clause_type, _words(clause_type)).replace("_", " ")


def _in_force_row(clause: Any) -> list[str]:
    term = _term_name(clause.clause_type) + (f" ({clause.label})" if clause.label else "")
    if clause.start is None:
        since = "unknown"
    else:
        since = f"{clause.start} {'inferred' if clause.start_inferred else 'stated'}"
    return [
        term,
        ", ".join(clause.values),
        since,
        clause.until or "",
        clause.source or "",
        clause.note,
    ]
