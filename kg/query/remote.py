"""Queries answered by a SPARQL 1.1 server: ``kg query --endpoint URL``.

The same queries as on a file or a store (the project prefixes predeclared, the named
queries with ``--bind``), sent to the server a build wrote with ``kg build --endpoint``.
Bindings become a trailing ``VALUES`` clause, which every SPARQL 1.1 server evaluates like
Oxigraph's substitutions; results come back as SPARQL JSON (SELECT, ASK) or N-Triples
(CONSTRUCT, DESCRIBE) and are the same :class:`kg.query.run.QueryResult` as local ones.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import Graph
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from kg.errors import KGError, QueryError
from kg.query.catalog import load_named_query
from kg.query.run import QueryResult
from kg.rdf.graphs import rdflib_rows
from kg.rdf.vocab import sparql_prologue
from kg.store.remote import Endpoint, RemoteStore

_NT = "application/n-triples"
_JSON = "application/sparql-results+json"


def run_remote_query(
    endpoint: Endpoint, sparql: str, bindings: Mapping[str, Node] | None = None
) -> QueryResult:
    """Run *sparql* on the server at *endpoint* and return the result.

    :raises QueryError: when the query does not parse or the server refuses it.
    """
    text = sparql_prologue() + sparql + _values(bindings or {})
    try:
        kind = parseQuery(text)[1].name
    except Exception as exc:  # pyparsing's ParseException and its kin
        raise QueryError(f"the query does not parse: {exc}") from exc
    server = RemoteStore(endpoint)
    try:
        if kind in ("ConstructQuery", "DescribeQuery"):
            graph = Graph()
            graph.parse(data=server.query(text, _NT).decode("utf-8"), format="nt")
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
    given = {key.lstrip("?$"): value for key, value in (bindings or {}).items()}
    unknown = sorted(set(given) - set(query.param_names))
    if unknown:
        raise QueryError(f"query {name!r} has no parameter {', '.join(unknown)}")
    missing = [p.name for p in query.params if p.required and p.name not in given]
    if missing:
        raise QueryError(f"query {name!r} needs --bind for {', '.join(missing)}")
    return run_remote_query(endpoint, query.sparql, given)


def _values(bindings: Mapping[str, Node]) -> str:
    if not bindings:
        return ""
    names = sorted(bindings)
    terms = " ".join(bindings[n].n3() for n in names)
    return f"\nVALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }}"
