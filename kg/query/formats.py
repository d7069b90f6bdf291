"""Query results written out: SPARQL 1.1 JSON, XML, CSV and TSV, Turtle for graph results,
and plain rows for tables.
"""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import GraphError, QueryError
from kg.query.run import QueryResult
from kg.rdf.graphs import (
    ntriples_term,
    turtle_bytes,
)
from kg.rdf.ontology import compact

_SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"


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
