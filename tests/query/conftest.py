"""Fixtures of the query tests: the ontology's example graph, ready for queries."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.query.bindings import parse_binding
from kg.query.run import QueryResult, run_named_query, with_ontology
from kg.rdf.graphs import load_graph
from kg.rdf.ontology import ONTOLOGY_DIR

EXAMPLE = ONTOLOGY_DIR / "examples" / "example.ttl"


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The example graph on Oxigraph, with the ontology added once for all tests."""
    return with_ontology(load_graph(EXAMPLE))


@pytest.fixture(scope="module")
def licences(graph: Graph) -> QueryResult:
    return run_named_query(
        graph, "licence-history", {"licensor": parse_binding("org-borealis-therapeutics")}
    )
