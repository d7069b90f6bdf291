"""kg.query.formats: SPARQL results as JSON, XML, CSV, TSV, Turtle and table rows."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from kg.errors import QueryError
from kg.query.formats import serialize, to_csv, to_json, to_rows, to_tsv, to_xml
from kg.query.run import (
    QueryResult,
    run_query,
)
from kg.rdf import vocab

ID = vocab.ID
ACME, BOREALIS = ID["org-acme-robotics"], ID["org-borealis-therapeutics"]


def clause(name: str) -> URIRef:
    return vocab.ID[f"clause-{name}"]


# --------------------------------------------------------------------------- formats


def test_json_is_sparql_results_json(licences: QueryResult) -> None:
    document = json.loads(to_json(licences))
    assert document["head"]["vars"] == list(licences.variables)
    first, second = document["results"]["bindings"]
    assert first["clause"] == {"type": "uri", "value": str(clause("acme-borealis-2024-2"))}
    assert first["exclusive"] == {"type": "literal", "value": "true", "datatype": str(XSD.boolean)}
    assert "supersededBy" not in second  # unbound variables are left out
    parsed = Result.parse(io.StringIO(to_json(licences)), format="json")
    assert [tuple(row) for row in parsed] == list(licences.rows)  # type: ignore[arg-type]


def test_xml_is_sparql_results_xml(licences: QueryResult) -> None:
    text = to_xml(licences)
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == list(
        licences.variables
    )
    assert len(root.findall("r:results/r:result", ns)) == 2
    parsed = Result.parse(io.BytesIO(text.encode("utf-8")), format="xml")
    assert [tuple(row) for row in parsed] == list(licences.rows)  # type: ignore[arg-type]


def test_csv_rows(licences: QueryResult) -> None:
    text = to_csv(licences)
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["clause"] for r in rows] == [
        str(clause("acme-borealis-2024-2")),
        str(clause("acme-borealis-2025-amendment-1")),
    ]
    assert [r["exclusive"] for r in rows] == ["true", "false"]
    assert rows[1]["supersededBy"] == ""


def test_tsv_rows(licences: QueryResult) -> None:
    lines = to_tsv(licences).splitlines()
    assert lines[0].split("\t") == ["?" + v for v in licences.variables]
    cells = lines[1].split("\t")
    assert cells[licences.variables.index("clause")] == f"<{clause('acme-borealis-2024-2')}>"
    assert cells[licences.variables.index("exclusive")] == f'"true"^^<{XSD.boolean}>'
    parsed = Result.parse(io.StringIO(to_tsv(licences)), format="tsv")
    assert len(list(parsed)) == 2


def test_tsv_escapes_tabs_and_newlines() -> None:
    result = QueryResult("select", ("text",), ((Literal('a\tb\n"c"'),),))
    assert to_tsv(result) == '?text\n"a\\tb\\n\\"c\\""\n'


def test_ask_in_every_format(graph: Graph) -> None:
    result = run_query(graph, "ASK { ?a a dk:MemorandumOfUnderstanding }")
    assert json.loads(to_json(result)) == {"head": {}, "boolean": True}
    boolean = ET.fromstring(to_xml(result).encode()).find(
        "{http://www.w3.org/2005/sparql-results#}boolean"
    )
    assert boolean is not None and boolean.text == "true"
    assert to_csv(result) == "boolean\r\ntrue\r\n"
    assert to_rows(result) == [{"boolean": "true"}]


def test_serialize_dispatches_by_name(licences: QueryResult) -> None:
    assert serialize(licences, "csv") == to_csv(licences).encode()
    assert json.loads(serialize(licences, "json"))["head"]["vars"][0] == "licensor"
    with pytest.raises(QueryError, match="unknown output format 'yaml'"):
        serialize(licences, "yaml")
    with pytest.raises(QueryError, match="Turtle output is for CONSTRUCT"):
        serialize(licences, "turtle")


def test_to_rows_without_compaction(licences: QueryResult) -> None:
    assert to_rows(licences, compact_iris=False)[0]["licensor"] == str(BOREALIS)
    assert to_rows(licences)[0]["licensor"] == "dkid:org-borealis-therapeutics"
