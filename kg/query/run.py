"""SPARQL over a DealKG graph: named queries, RDF-term bindings and result formats.

Queries run on Oxigraph. By default the data graph is copied, together with the core
ontology and the concept schemes, into a fresh Oxigraph graph (:func:`with_ontology`), since
built graphs do not contain the schemes that ``skos:broader*`` roll-ups and
``rdfs:subClassOf*`` kind look-ups need. A graph that already holds them (the result of
``with_ontology``) is queried as is, so callers running many queries prepare it once.

A persistent store (a ``pyoxigraph.Store``, ``PersistentStore.ox``) is queried in place, with
no copy: patterns outside ``GRAPH`` match the union of all its graphs, and its default graph
holds the ontology (:func:`kg.store.directory.write_ontology`). A store without the current ontology
is answered through a copy of its documents' union plus the ontology instead, as slowly as
before but correctly. In place, a triple stated by several documents is matched once per
document graph: the named queries are written so that this changes no answer.

Bindings are RDF terms handed to Oxigraph as pre-bound variables (rdflib ``initBindings``,
which oxrdflib ≥ 0.5 maps to Oxigraph's SEP-0007 substitution): the term replaces the
variable everywhere, FILTERs and sub-patterns included, and is never pasted into the query
text. Oxigraph requires a bound variable to be in the query's projection, so every
``# param:`` of a named query is also one of its result columns.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, TypeVar
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS, XSD
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier, Node

from kg.errors import QueryError
from kg.query.bindings import VARIABLE
from kg.query.catalog import NamedQuery, load_named_query
from kg.query.kept import kept_answer
from kg.query.ordering import sort_rows, split_order_by, top_rows
from kg.rdf.graphs import (
    graph_of,
    rdflib_rows,
    to_oxigraph_term,
    union_graph,
)
from kg.rdf.ontology import holds_ontology, oxigraph_copy, with_ontology
from kg.rdf.vocab import DK, DKCT, PREFIXES
from kg.store.directory import PersistentStore

__all__ = [
    "QueryResult",
    "QuerySyntaxError",
    "Target",
    "has_ontology",
    "prepare",
    "run_named_query",
    "run_query",
]


ResultKind = TypingLiteral["select", "ask", "construct"]
Row = tuple[Node | None, ...]
Target = Graph | ox.Store | PersistentStore
T = TypeVar("T")
"""What a query runs on: an rdflib graph, or an Oxigraph store queried in place (a store
directory's, whose kept answers :func:`run_named_query` uses when they are current)."""


class QuerySyntaxError(QueryError):
    """A SPARQL query does not parse; ``line`` and ``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class QueryResult:
    """The result of a query.

    ``kind`` is ``"select"`` (``variables`` and ``rows``, a term or ``None`` per unbound
    cell), ``"ask"`` (``boolean``) or ``"construct"`` (``graph``; DESCRIBE too).
    """

    kind: ResultKind
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    graph: Graph | None = None
    notes: tuple[str, ...] = ()
    """What the user should know about how the answer was found (kept answers not used)."""

    def column(self, name: str) -> list[Node | None]:
        """The values of one result variable, in row order."""
        if name not in self.variables:
            raise KeyError(f"no variable {name!r}; the result has {list(self.variables)}")
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def to_records(self) -> list[dict[str, Any]]:
        """The rows as plain Python values, ``{variable: value}``: IRIs and blank nodes as
        strings, literals as their Python value (``Decimal``, ``int``, ``bool``,
        ``datetime.date``, ``str``), unbound as None. An ASK is ``[{"boolean": …}]``.

        :raises QueryError: for a CONSTRUCT or DESCRIBE result (a graph, not rows).
        """
        if self.kind == "ask":
            return [{"boolean": bool(self.boolean)}]
        if self.kind != "select":
            raise QueryError("a CONSTRUCT or DESCRIBE result is a graph (.graph), not rows")
        return [
            {var: python_value(term) for var, term in zip(self.variables, row, strict=True)}
            for row in self.rows
        ]

    def to_dataframe(self) -> Any:  # a pandas.DataFrame; pandas is optional, and untyped
        """The rows as a pandas DataFrame, one column per variable, numbers as floats (for
        arithmetic) and the rest as :meth:`to_records` gives them.

        :raises QueryError: when pandas is not installed (``pip install pandas``), or for
            a CONSTRUCT or DESCRIBE result.
        """
        try:
            import pandas  # type: ignore[import-untyped,import-not-found,unused-ignore]
        except ImportError as exc:
            raise QueryError("to_dataframe() needs pandas: pip install pandas") from exc
        records = [
            {k: float(v) if isinstance(v, Decimal) else v for k, v in record.items()}
            for record in self.to_records()
        ]
        columns = ["boolean"] if self.kind == "ask" else list(self.variables)
        return pandas.DataFrame.from_records(records, columns=columns)


def python_value(term: Node | None) -> Any:
    """A plain Python value for an RDF term (see :meth:`QueryResult.to_records`)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value  # an ill-typed literal
    return str(term)


# --------------------------------------------------------------------------- named queries


# --------------------------------------------------------------------------- running


def has_ontology(graph: Graph) -> bool:
    """Whether *graph* already holds the core ontology and the clause-type scheme."""
    return (DK.Agreement, RDF.type, OWL.Class) in graph and (
        DKCT.ClauseTypes,
        RDF.type,
        SKOS.ConceptScheme,
    ) in graph


def run_query(
    graph: Target,
    sparql: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    include_ontology: bool = True,
    limit: int | None = None,
    offset: int = 0,
) -> QueryResult:
    """Run *sparql* on *graph* (plus the ontology and concept schemes) and return the result.

    The project prefixes (``dk:``, ``dkid:``, ``dkct:``, ...) are predeclared. With
    ``include_ontology=False`` the graph is queried as given (copied to Oxigraph first if
    it lives in another store). An Oxigraph store is queried in place over the union of
    its graphs (see the module's docstring); it is copied only when it lacks the current
    ontology and *include_ontology* asks for it.

    :param bindings: variable name (without ``?``) → RDF term; each variable must be in the
        query's projection.
    :param limit: at most this many rows of a SELECT answer, after skipping *offset*: a page
        of the answer in its order. A final ``ORDER BY`` of plain variables keeps only the
        page's rows while ordering (:func:`kg.query.ordering.top_rows`); an unordered
        answer stops the engine once the page is full.
    :raises QuerySyntaxError: when the query does not parse (with line and column).
    :raises QueryError: for a bad binding or a failure while evaluating.
    """
    init = _check_bindings(bindings or {})
    _check_window(limit, offset)
    target = prepare(graph) if include_ontology else _oxigraph_target(graph)
    try:
        # a final ORDER BY of plain variables is applied here, not by the engine (see
        # kg.query.ordering: Oxigraph re-reads strings from disk on every comparison)
        split = split_order_by(sparql)
        if split is not None:
            unordered = _evaluate(target, split[0], init)
            if unordered.kind != "select":
                return unordered  # an ASK or CONSTRUCT answer has no order
            variables, keys = unordered.variables, split[1]
            if limit is None:
                rows = sort_rows(variables, unordered.rows, keys)
                rows = None if rows is None else rows[offset:]
            else:
                rows = top_rows(variables, unordered.rows, keys, offset, limit)
            if rows is not None:
                return replace(unordered, rows=rows)
        window = None if limit is None and not offset else (offset, limit)
        return _evaluate(target, sparql, init, window)
    except SyntaxError as exc:
        raise _syntax_error(sparql, exc) from exc
    except RuntimeError as exc:
        raise _runtime_error(exc, init) from exc
    except (ValueError, TypeError, OSError) as exc:
        raise QueryError(f"query failed: {exc}") from exc


def _check_window(limit: int | None, offset: int) -> None:
    if limit is not None and limit < 0 or offset < 0:
        raise QueryError(f"limit and offset must not be negative (got {limit}, {offset})")


def named_query_bindings(query: NamedQuery, bindings: Mapping[str, Node] | None) -> dict[str, Node]:
    """*bindings* keyed by parameter name (a leading ``?`` or ``$`` dropped), checked
    against *query*'s declared parameters.

    :raises QueryError: for a binding that is not a parameter of the query, or a missing
        required parameter.
    """
    name = query.name
    given = {key.lstrip("?$"): value for key, value in (bindings or {}).items()}
    unknown = sorted(set(given) - set(query.param_names))
    if unknown:
        params = ", ".join(query.param_names) or "none"
        raise QueryError(f"query {name!r} has no parameter {', '.join(unknown)}; params: {params}")
    missing = [p.name for p in query.params if p.required and p.name not in given]
    if missing:
        details = "; ".join(f"{p.name}: {p.description}" for p in query.params if p.required)
        raise QueryError(f"query {name!r} needs --bind for {', '.join(missing)} ({details})")
    return given


def run_named_query(
    graph: Target,
    name: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    include_ontology: bool = True,
    limit: int | None = None,
    offset: int = 0,
) -> QueryResult:
    """Run the named query *name* with *bindings* for its parameters (a page of its rows
    with *limit* and *offset*, as :func:`run_query`).

    :raises OntologyError: for an unknown query name.
    :raises QueryError: for a binding that is not a parameter of the query, or a missing
        required parameter.
    """
    query = load_named_query(name)
    given = named_query_bindings(query, bindings)
    notes: tuple[str, ...] = ()
    if isinstance(graph, PersistentStore) and include_ontology:
        _check_window(limit, offset)
        kept = kept_answer(graph, query, _check_bindings(given), limit=limit, offset=offset)
        if kept.rows is not None:
            return QueryResult("select", variables=kept.variables, rows=kept.rows)
        if kept.reason is not None:
            notes = (f"kept answers not used: {kept.reason}; answered in place",)
    result = run_query(
        graph, query.sparql, given, include_ontology=include_ontology, limit=limit, offset=offset
    )
    return replace(result, notes=notes) if notes else result


def prepare(graph: Target) -> Graph | ox.Store:
    """*graph* made ready for queries that need the ontology and concept schemes.

    A graph that holds them and a store whose default graph is the current ontology are
    returned as they are; anything else is copied with the ontology added. Callers that
    run many queries (a server) prepare once; :func:`run_query` then finds nothing to do.

    :raises OntologyError: when the ontology files cannot be read.
    """
    if isinstance(graph, PersistentStore):
        graph = graph.ox
    if isinstance(graph, ox.Store):
        if holds_ontology(graph):
            return graph
        # written before stores kept the ontology, or by another version: the data is
        # right but the schemes are not, so copy the documents' union and add them
        return with_ontology(union_graph(graph))
    if not has_ontology(graph):
        return with_ontology(graph)
    return _oxigraph_target(graph)


def _oxigraph_target(graph: Target) -> Graph | ox.Store:
    if isinstance(graph, PersistentStore):
        return graph.ox
    if isinstance(graph, ox.Store) or type(graph.store).__name__ == "OxigraphStore":
        return graph
    # one engine for every query: the named queries rely on Oxigraph's substitution
    return oxigraph_copy(graph)


Window = tuple[int, int | None]
"""Rows to skip and rows to keep at most (None: all), of a SELECT answer in the engine's order."""


def _evaluate(
    target: Graph | ox.Store,
    sparql: str,
    init: Mapping[str, Identifier],
    window: Window | None = None,
) -> QueryResult:
    if isinstance(target, ox.Store):
        return _run_in_place(target, sparql, init, window)
    return _convert(target.query(sparql, initNs=PREFIXES, initBindings=dict(init)), window)


def _page(rows: Iterable[T], window: Window | None) -> Iterable[T]:
    # the answers stream: rows past the page are never produced (nor read from disk)
    if window is None:
        return rows
    skip, keep = window
    return itertools.islice(rows, skip, None if keep is None else skip + keep)


def _run_in_place(
    store: ox.Store,
    sparql: str,
    bindings: Mapping[str, Identifier],
    window: Window | None = None,
) -> QueryResult:
    substitutions = {ox.Variable(name): to_oxigraph_term(term) for name, term in bindings.items()}
    result = store.query(
        sparql,
        prefixes=PREFIXES,
        use_default_graph_as_union=True,
        substitutions=substitutions,  # type: ignore[arg-type]
    )
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return QueryResult("construct", graph=graph_of(result))
    return _solutions(result, window)


def _solutions(solutions: ox.QuerySolutions, window: Window | None = None) -> QueryResult:
    variables = tuple(v.value for v in solutions.variables)
    try:
        rows = rdflib_rows(solutions, _page(solutions, window))
    except ValueError as exc:  # a quoted triple in a result
        raise QueryError(str(exc)) from exc
    return QueryResult("select", variables=variables, rows=tuple(rows))


def _check_bindings(bindings: Mapping[str, Node]) -> dict[str, Identifier]:
    checked: dict[str, Identifier] = {}
    for key, value in bindings.items():
        name = key.lstrip("?$")
        if not VARIABLE.fullmatch(name):
            raise QueryError(f"{key!r} is not a SPARQL variable name")
        if not isinstance(value, URIRef | Literal):
            raise QueryError(f"?{name}: bind an IRI or a literal, not {type(value).__name__}")
        checked[name] = value
    return checked


def _convert(result: Result, window: Window | None = None) -> QueryResult:
    if result.type == "ASK":
        return QueryResult("ask", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return QueryResult("construct", graph=result.graph)
    variables = tuple(str(v) for v in result.vars or ())
    # Oxigraph evaluates lazily: iterating here keeps evaluation errors inside run_query's try
    rows = tuple(
        tuple(_plain_string(term) for term in row)
        for row in _page(result, window)
        if isinstance(row, ResultRow)
    )
    return QueryResult("select", variables=variables, rows=rows)


def _plain_string(term: Node | None) -> Node | None:
    # Oxigraph returns simple literals typed xsd:string; RDF 1.1 says they are the same
    # term, but rdflib compares Literal("x") and Literal("x", datatype=XSD.string) unequal
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _syntax_error(sparql: str, exc: SyntaxError) -> QuerySyntaxError:
    message = str(exc)
    match = re.search(r"error at (\d+):(\d+)", message)
    if not match:
        return QuerySyntaxError(f"SPARQL syntax error: {message}")
    line, column = int(match[1]), int(match[2])
    lines = sparql.splitlines() or [""]
    source = lines[min(line, len(lines)) - 1]
    detail = " ".join(message[match.end() :].lstrip(": ").split())
    if "Prefix not found" in detail:
        # Oxigraph lists every token it could have accepted; name the prefix instead
        unknown = _undeclared_prefixes(sparql)
        names = ", ".join(p + ":" for p in unknown) if unknown else "a prefix"
        detail = f"undeclared prefix {names}; declare it with PREFIX or use a full <IRI>"
    elif len(detail) > _MAX_DETAIL:
        detail = detail[:_MAX_DETAIL].rsplit(",", 1)[0] + ", ..."
    return QuerySyntaxError(
        f"SPARQL syntax error at line {line}, column {column}: {detail}\n"
        f"    {source}\n    {' ' * (column - 1)}^",
        line,
        column,
    )


_MAX_DETAIL = 160


def _undeclared_prefixes(sparql: str) -> list[str]:
    declared = set(PREFIXES) | set(re.findall(r"(?i)PREFIX\s+([A-Za-z][\w.-]*)?:", sparql))
    without_iris = re.sub(r"<[^<>\s]*>|\"[^\"]*\"|'[^']*'|#[^\n]*", " ", sparql)
    used = set(re.findall(r"(?<![\w?$:])([A-Za-z][\w.-]*):[A-Za-z_]", without_iris))
    return sorted(used - declared)


def _runtime_error(exc: RuntimeError, bindings: Mapping[str, Identifier]) -> QueryError:
    message = str(exc)
    match = re.search(r"variable \?(\w+) in its SELECT projection", message)
    if match and match[1] in bindings:
        return QueryError(
            f"cannot bind ?{match[1]}: the query does not select it "
            "(only variables of the SELECT clause can be bound)"
        )
    return QueryError(f"query failed: {message}")


# --------------------------------------------------------------------------- bindings


# --------------------------------------------------------------------------- formats
