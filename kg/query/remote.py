"""Queries answered by a SPARQL 1.1 server: ``kg query --endpoint URL``.

The same queries as on a file or a store (the project prefixes predeclared, the named
queries with ``--bind``), sent to the server a build wrote with ``kg build --endpoint``.
Bindings are substituted into the query text, as Oxigraph substitutes them before
evaluation: every use of the variable in the WHERE clause becomes the term (so a FILTER in
a sub-query or a MINUS sees it, which a ``VALUES`` join would not), and the projected
variable becomes ``(term AS ?var)``, so the rows carry it as they do locally. Results come back as SPARQL JSON (SELECT, ASK) or N-Triples
(CONSTRUCT, DESCRIBE) and are the same :class:`kg.query.run.QueryResult` as local ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pyoxigraph as ox
from rdflib import Graph
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from kg.errors import KGError, QueryError
from kg.query.catalog import load_named_query
from kg.query.run import QueryResult, named_query_bindings
from kg.rdf.graphs import rdflib_rows
from kg.rdf.vocab import sparql_prologue
from kg.store.http import N_TRIPLES
from kg.store.remote import Endpoint, RemoteStore


def run_remote_query(
    endpoint: Endpoint, sparql: str, bindings: Mapping[str, Node] | None = None
) -> QueryResult:
    """Run *sparql* on the server at *endpoint* and return the result.

    :raises QueryError: when the query does not parse or the server refuses it.
    """
    text = sparql_prologue() + sparql
    try:
        kind = parseQuery(text)[1].name
    except Exception as exc:  # pyparsing's ParseException and its kin
        raise QueryError(f"the query does not parse: {exc}") from exc
    text = substitute(text, bindings or {}, project=kind == "SelectQuery")
    server = RemoteStore(endpoint)
    try:
        if kind in ("ConstructQuery", "DescribeQuery"):
            graph = Graph()
            graph.parse(data=server.query(text, N_TRIPLES).decode("utf-8"), format="nt")
            return QueryResult("construct", graph=graph)
        results = ox.parse_query_results(server.query(text), format=ox.QueryResultsFormat.JSON)
    except (ValueError, SyntaxError) as exc:
        raise QueryError(f"{endpoint.query}: an answer that is not SPARQL results: {exc}") from exc
    except KGError as exc:
        raise QueryError(str(exc)) from exc
    if isinstance(results, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(results))
    assert isinstance(results, ox.QuerySolutions)
    variables = tuple(v.value for v in results.variables)
    return QueryResult("select", variables=variables, rows=tuple(rdflib_rows(results)))


def run_remote_named_query(
    endpoint: Endpoint, name: str, bindings: Mapping[str, Node] | None = None
) -> QueryResult:
    """Run the named query *name* on the server, its parameters bound by *bindings*."""
    query = load_named_query(name)
    given = named_query_bindings(query, bindings)
    return run_remote_query(endpoint, query.sparql, given)


def substitute(sparql: str, bindings: Mapping[str, Node], *, project: bool = True) -> str:
    """*sparql* with each variable of *bindings* replaced by its term: in the WHERE clause
    (everything from the first ``WHERE {``) by the term, before it by ``(term AS ?var)``
    when *project* (a SELECT's projection) or by the term (a CONSTRUCT template)."""
    where = re.search(r"\bWHERE\s*\{", sparql, re.IGNORECASE)
    cut = where.start() if where else len(sparql)
    head, body = sparql[:cut], sparql[cut:]
    for name, term in sorted(bindings.items()):
        variable = re.compile(rf"[?$]{re.escape(name)}\b")
        value = term.n3()
        projected = f"({value} AS ?{name})" if project else value
        head = variable.sub(_constant(projected), head)
        body = variable.sub(_constant(value), body)
    return head + body


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for ``re.sub`` giving *text* as it is (no backslash escapes)."""
    return lambda _match: text
