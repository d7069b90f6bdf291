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

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal as TypingLiteral
from xml.etree import ElementTree as ET

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS, XSD
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier, Node

from kg.errors import GraphError, OntologyError, QueryError
from kg.query.ordering import sort_rows, split_order_by
from kg.rdf.graphs import (
    graph_of,
    ntriples_term,
    rdflib_rows,
    to_oxigraph_term,
    turtle_bytes,
    union_graph,
)
from kg.rdf.iris import KINDS
from kg.rdf.ontology import ONTOLOGY_DIR, compact, holds_ontology, oxigraph_copy, with_ontology
from kg.rdf.vocab import DK, DKCT, ID, PREFIXES

__all__ = [
    "FORMATS",
    "QUERIES_DIR",
    "NamedQuery",
    "QueryParam",
    "QueryResult",
    "QuerySyntaxError",
    "has_ontology",
    "load_named_query",
    "named_queries",
    "parse_binding",
    "parse_bindings",
    "prepare",
    "run_named_query",
    "run_query",
    "serialize",
    "to_csv",
    "to_json",
    "to_rows",
    "to_tsv",
    "to_turtle",
    "to_xml",
    "with_ontology",
]

QUERIES_DIR = ONTOLOGY_DIR / "queries"
"""Where the named ``<kebab-name>.rq`` files live."""

ResultKind = TypingLiteral["select", "ask", "construct"]
Row = tuple[Node | None, ...]
Target = Graph | ox.Store
"""What a query runs on: an rdflib graph, or an Oxigraph store queried in place."""

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"


class QuerySyntaxError(QueryError):
    """A SPARQL query does not parse; ``line`` and ``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class QueryParam:
    """A variable of a named query meant to be bound (``# param: name — meaning``)."""

    name: str
    description: str
    required: bool


@dataclass(frozen=True)
class NamedQuery:
    """A ``.rq`` file of ``ontology/queries/`` and the metadata of its comment header."""

    name: str
    path: Path
    title: str
    description: str
    params: tuple[QueryParam, ...]
    sparql: str

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)


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

    def column(self, name: str) -> list[Node | None]:
        """The values of one result variable, in row order."""
        if name not in self.variables:
            raise KeyError(f"no variable {name!r}; the result has {list(self.variables)}")
        index = self.variables.index(name)
        return [row[index] for row in self.rows]


# --------------------------------------------------------------------------- named queries


def named_queries() -> dict[str, NamedQuery]:
    """Every named query, by name, in name order.

    :raises OntologyError: when the folder is missing or a file's header is malformed.
    """
    if not QUERIES_DIR.is_dir():
        raise OntologyError(f"{QUERIES_DIR}: named-query folder missing")
    queries = (_read_named_query(path) for path in sorted(QUERIES_DIR.glob("*.rq")))
    return {query.name: query for query in queries}


def load_named_query(name: str) -> NamedQuery:
    """The named query *name* (the file stem, e.g. ``terms-in-force``).

    :raises OntologyError: for an unknown name; the message lists the available ones.
    """
    queries = named_queries()
    if name not in queries:
        available = ", ".join(queries) or "(none)"
        raise OntologyError(f"unknown named query {name!r}; available: {available}")
    return queries[name]


def _read_named_query(path: Path) -> NamedQuery:
    if not _NAME.fullmatch(path.stem):
        raise OntologyError(f"{path}: query file names must be kebab-case, like terms-in-force.rq")
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[QueryParam] = []
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        match = re.fullmatch(r"(title|description|param):\s*(.*)", body)
        if match and match[1] == "param":
            params.append(_parse_param(path, match[2]))
            last = "param"
        elif match:
            fields[match[1]] = match[2]
            last = match[1]
        elif body and last in ("title", "description"):
            fields[last] += " " + body  # an indented continuation line
        elif body and last == "param":
            params[-1] = _continue_param(params[-1], body)
    for key in ("title", "description"):
        if not fields.get(key):
            raise OntologyError(f"{path}: the comment header needs a '# {key}:' line")
    return NamedQuery(path.stem, path, fields["title"], fields["description"], tuple(params), text)


def _parse_param(path: Path, text: str) -> QueryParam:
    match = re.fullmatch(r"([A-Za-z_]\w*)\s+(?:—|--|-)\s+(.+)", text)
    if not match:
        raise OntologyError(f"{path}: malformed '# param: {text}'; write '# param: name — meaning'")
    description = match[2].strip()
    return QueryParam(match[1], description, "(optional)" not in description)


def _continue_param(param: QueryParam, text: str) -> QueryParam:
    description = f"{param.description} {text}"
    return QueryParam(param.name, description, "(optional)" not in description)


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
) -> QueryResult:
    """Run *sparql* on *graph* (plus the ontology and concept schemes) and return the result.

    The project prefixes (``dk:``, ``dkid:``, ``dkct:``, ...) are predeclared. With
    ``include_ontology=False`` the graph is queried as given (copied to Oxigraph first if
    it lives in another store). An Oxigraph store is queried in place over the union of
    its graphs (see the module's docstring); it is copied only when it lacks the current
    ontology and *include_ontology* asks for it.

    :param bindings: variable name (without ``?``) → RDF term; each variable must be in the
        query's projection.
    :raises QuerySyntaxError: when the query does not parse (with line and column).
    :raises QueryError: for a bad binding or a failure while evaluating.
    """
    init = _check_bindings(bindings or {})
    target = prepare(graph) if include_ontology else _oxigraph_target(graph)
    try:
        # a final ORDER BY of plain variables is applied here, not by the engine (see
        # kg.query.ordering: Oxigraph re-reads strings from disk on every comparison)
        split = split_order_by(sparql)
        if split is not None:
            unordered = _evaluate(target, split[0], init)
            if unordered.kind != "select":
                return unordered  # an ASK or CONSTRUCT answer has no order
            rows = sort_rows(unordered.variables, unordered.rows, split[1])
            if rows is not None:
                return replace(unordered, rows=rows)
        return _evaluate(target, sparql, init)
    except SyntaxError as exc:
        raise _syntax_error(sparql, exc) from exc
    except RuntimeError as exc:
        raise _runtime_error(exc, init) from exc
    except (ValueError, TypeError, OSError) as exc:
        raise QueryError(f"query failed: {exc}") from exc


def run_named_query(
    graph: Target,
    name: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    include_ontology: bool = True,
) -> QueryResult:
    """Run the named query *name* with *bindings* for its parameters.

    :raises OntologyError: for an unknown query name.
    :raises QueryError: for a binding that is not a parameter of the query, or a missing
        required parameter.
    """
    query = load_named_query(name)
    given = {key.lstrip("?$"): value for key, value in (bindings or {}).items()}
    unknown = sorted(set(given) - set(query.param_names))
    if unknown:
        params = ", ".join(query.param_names) or "none"
        raise QueryError(f"query {name!r} has no parameter {', '.join(unknown)}; params: {params}")
    missing = [p.name for p in query.params if p.required and p.name not in given]
    if missing:
        details = "; ".join(f"{p.name}: {p.description}" for p in query.params if p.required)
        raise QueryError(f"query {name!r} needs --bind for {', '.join(missing)} ({details})")
    return run_query(graph, query.sparql, given, include_ontology=include_ontology)


def prepare(graph: Target) -> Target:
    """*graph* made ready for queries that need the ontology and concept schemes.

    A graph that holds them and a store whose default graph is the current ontology are
    returned as they are; anything else is copied with the ontology added. Callers that
    run many queries (a server) prepare once; :func:`run_query` then finds nothing to do.

    :raises OntologyError: when the ontology files cannot be read.
    """
    if isinstance(graph, ox.Store):
        if holds_ontology(graph):
            return graph
        # written before stores kept the ontology, or by another version: the data is
        # right but the schemes are not, so copy the documents' union and add them
        return with_ontology(union_graph(graph))
    if not has_ontology(graph):
        return with_ontology(graph)
    return _oxigraph_target(graph)


def _oxigraph_target(graph: Target) -> Target:
    if isinstance(graph, ox.Store) or type(graph.store).__name__ == "OxigraphStore":
        return graph
    # one engine for every query: the named queries rely on Oxigraph's substitution
    return oxigraph_copy(graph)


def _evaluate(target: Graph | ox.Store, sparql: str, init: Mapping[str, Identifier]) -> QueryResult:
    if isinstance(target, ox.Store):
        return _run_in_place(target, sparql, init)
    return _convert(target.query(sparql, initNs=PREFIXES, initBindings=dict(init)))


def _run_in_place(store: ox.Store, sparql: str, bindings: Mapping[str, Identifier]) -> QueryResult:
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
    return _solutions(result)


def _solutions(solutions: ox.QuerySolutions) -> QueryResult:
    variables = tuple(v.value for v in solutions.variables)
    try:
        rows = rdflib_rows(solutions)
    except ValueError as exc:  # a quoted triple in a result
        raise QueryError(str(exc)) from exc
    return QueryResult("select", variables=variables, rows=tuple(rows))


def _check_bindings(bindings: Mapping[str, Node]) -> dict[str, Identifier]:
    checked: dict[str, Identifier] = {}
    for key, value in bindings.items():
        name = key.lstrip("?$")
        if not _VARIABLE.fullmatch(name):
            raise QueryError(f"{key!r} is not a SPARQL variable name")
        if not isinstance(value, URIRef | Literal):
            raise QueryError(f"?{name}: bind an IRI or a literal, not {type(value).__name__}")
        checked[name] = value
    return checked


def _convert(result: Result) -> QueryResult:
    if result.type == "ASK":
        return QueryResult("ask", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return QueryResult("construct", graph=result.graph)
    variables = tuple(str(v) for v in result.vars or ())
    # Oxigraph evaluates lazily: iterating here keeps evaluation errors inside run_query's try
    rows = tuple(
        tuple(_plain_string(term) for term in row) for row in result if isinstance(row, ResultRow)
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

_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:([^\s<>\"{}|^`\\]*)")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLUG = re.compile(rf"(?:{'|'.join(sorted(KINDS))})-[a-z0-9][a-z0-9._-]*")


def parse_binding(text: str, graph: Graph | None = None) -> Node:
    """Turn a ``--bind var=VALUE`` value into an RDF term.

    ``org-acme`` or ``dkid:org-acme`` → the data IRI; another project prefix or a prefix
    bound on *graph* (``dkct:Exclusivity``) → its IRI; ``<https://…>`` or a bare
    ``http(s)://`` URL → that IRI; ``2026-01-01`` → ``xsd:date``; a number → ``xsd:decimal``;
    ``true``/``false`` → ``xsd:boolean``; ``"quoted"`` → a string without the quotes;
    anything else → a plain string literal.

    :raises QueryError: for an IRI with illegal characters or an impossible date.
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return _iri(text[1:-1])
    if re.match(r"https?://", text):
        return _iri(text)
    if _SLUG.fullmatch(text):
        return ID[text]
    if _DATE.fullmatch(text):
        try:
            date.fromisoformat(text)
        except ValueError as exc:
            raise QueryError(f"{text!r} is not a valid date: {exc}") from exc
        return Literal(text, datatype=XSD.date)
    if _NUMBER.fullmatch(text):
        try:
            return Literal(Decimal(text), datatype=XSD.decimal)
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
            raise QueryError(f"{text!r} is not a number") from exc
    if text in ("true", "false"):
        return Literal(text == "true")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return Literal(text[1:-1])
    prefixed = _expand_prefixed(text, graph)
    return prefixed if prefixed is not None else Literal(text)


def parse_bindings(pairs: Iterable[str], graph: Graph | None = None) -> dict[str, Node]:
    """Parse ``var=value`` strings (the CLI's repeated ``--bind``) with :func:`parse_binding`.

    :raises QueryError: for a pair without ``=`` or with a bad variable name.
    """
    bindings: dict[str, Node] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _VARIABLE.fullmatch(name):
            raise QueryError(f"bad binding {pair!r}; write VAR=VALUE, e.g. date=2026-01-01")
        bindings[name] = parse_binding(value, graph)
    return bindings


def _iri(text: str) -> URIRef:
    if not text or re.search(r"[\s<>\"{}|^`\\]", text):
        raise QueryError(f"{text!r} is not a valid IRI")
    return URIRef(text)


def _expand_prefixed(text: str, graph: Graph | None) -> URIRef | None:
    match = _PREFIXED.fullmatch(text)
    if not match:
        return None
    namespaces = dict(PREFIXES)
    if graph is not None:
        for prefix, bound in graph.namespaces():
            namespaces.setdefault(prefix, str(bound))
    namespace = namespaces.get(match[1] or "")
    return URIRef(namespace + match[2]) if namespace is not None else None


# --------------------------------------------------------------------------- formats


def _require_solutions(result: QueryResult, fmt: str) -> None:
    if result.kind == "construct":
        raise QueryError(f"{fmt} is for SELECT and ASK results; write graph results as Turtle")


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)."""
    _require_solutions(result, "JSON")
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
    bindings = [
        {
            var: _json_term(term)
            for var, term in zip(result.variables, row, strict=True)
            if term is not None
        }
        for row in result.rows
    ]
    document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            out["datatype"] = str(term.datatype)
        return out
    raise QueryError(f"cannot serialise RDF term {term!r}")


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML (https://www.w3.org/TR/rdf-sparql-XMLres/)."""
    _require_solutions(result, "XML")
    ET.register_namespace("", _SPARQL_RESULTS)
    root = ET.Element(f"{{{_SPARQL_RESULTS}}}sparql")
    head = ET.SubElement(root, f"{{{_SPARQL_RESULTS}}}head")
    if result.kind == "ask":
        answer = str(bool(result.boolean)).lower()
        ET.SubElement(root, f"{{{_SPARQL_RESULTS}}}boolean").text = answer
    else:
        for var in result.variables:
            ET.SubElement(head, f"{{{_SPARQL_RESULTS}}}variable", name=var)
        results = ET.SubElement(root, f"{{{_SPARQL_RESULTS}}}results")
        for row in result.rows:
            solution = ET.SubElement(results, f"{{{_SPARQL_RESULTS}}}result")
            for var, term in zip(result.variables, row, strict=True):
                if term is not None:
                    binding = ET.SubElement(solution, f"{{{_SPARQL_RESULTS}}}binding", name=var)
                    _xml_term(binding, term)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_term(parent: ET.Element, term: Node) -> None:
    ns = f"{{{_SPARQL_RESULTS}}}"
    if isinstance(term, URIRef):
        ET.SubElement(parent, ns + "uri").text = str(term)
    elif isinstance(term, BNode):
        ET.SubElement(parent, ns + "bnode").text = str(term)
    elif isinstance(term, Literal):
        element = ET.SubElement(parent, ns + "literal")
        element.text = str(term)
        if term.language:
            element.set("{http://www.w3.org/XML/1998/namespace}lang", term.language)
        elif term.datatype is not None and term.datatype != XSD.string:
            element.set("datatype", str(term.datatype))
    else:
        raise QueryError(f"cannot serialise RDF term {term!r}")


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV results: a header of variable names, then plain values (CRLF lines)."""
    _require_solutions(result, "CSV")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerows([["boolean"], [str(bool(result.boolean)).lower()]])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if term is None else _plain(term) for term in row])
    return buffer.getvalue()


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV results: ``?var`` headers, then terms in N-Triples syntax."""
    _require_solutions(result, "TSV")
    if result.kind == "ask":
        return f"?boolean\n{str(bool(result.boolean)).lower()}\n"
    lines = ["\t".join("?" + var for var in result.variables)]
    lines += ["\t".join("" if t is None else _ntriples(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _plain(term: Node) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _ntriples(term: Node) -> str:
    try:
        return ntriples_term(term)
    except GraphError as exc:
        raise QueryError(str(exc)) from exc


def to_rows(result: QueryResult, *, compact_iris: bool = True) -> list[dict[str, str]]:
    """Rows as ``{variable: text}`` for tables: IRIs as prefixed names (``dkid:org-acme``)
    unless *compact_iris* is False, literals as their lexical form, unbound as ``""``.
    An ASK result is one row ``{"boolean": "true"}``."""
    _require_solutions(result, "a table")
    if result.kind == "ask":
        return [{"boolean": str(bool(result.boolean)).lower()}]
    return [
        {var: _cell(term, compact_iris) for var, term in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def _cell(term: Node | None, compact_iris: bool) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef) and compact_iris:
        return compact(term)
    return _plain(term)


def to_turtle(result: QueryResult) -> bytes:
    """A CONSTRUCT/DESCRIBE result as deterministic Turtle (:func:`kg.rdf.graphs.turtle_bytes`)."""
    if result.kind != "construct" or result.graph is None:
        raise QueryError(
            "Turtle output is for CONSTRUCT and DESCRIBE queries; use csv, tsv, json or xml"
        )
    return turtle_bytes(result.graph)


FORMATS = ("csv", "tsv", "json", "xml", "turtle")
"""The names :func:`serialize` accepts."""


def serialize(result: QueryResult, fmt: str) -> bytes:
    """*result* in format *fmt* (one of :data:`FORMATS`) as UTF-8 bytes.

    :raises QueryError: for an unknown format or one that does not fit the result kind.
    """
    writers = {"csv": to_csv, "tsv": to_tsv, "json": to_json, "xml": to_xml}
    if fmt == "turtle":
        return to_turtle(result)
    if fmt not in writers:
        raise QueryError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writers[fmt](result).encode("utf-8")
