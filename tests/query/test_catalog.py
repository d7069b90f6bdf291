"""kg.query.catalog: the named .rq queries, their comment headers and syntax."""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql import prepareQuery

from kg.errors import OntologyError
from kg.query.catalog import load_named_query, named_queries
from kg.rdf.ontology import ONTOLOGY_DIR

# --------------------------------------------------------------------------- the files


def test_there_are_at_least_twelve_named_queries() -> None:
    queries = named_queries()
    assert len(queries) >= 12
    for name in (
        "agreements-between", "terms-in-force", "investment-by-investor", "superseded-clauses",
        "clause-evidence", "licence-history", "amendment-lineage", "clause-counts-by-group",
        "companies-by-deals", "deals-by-type-and-year", "organizations", "agreements",
        "documents",
    ):  # fmt: skip
        assert name in queries


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_header_and_syntax(name: str) -> None:
    query = load_named_query(name)
    assert query.path == ONTOLOGY_DIR / "queries" / f"{name}.rq"
    assert query.title and query.description
    parsed = prepareQuery(query.sparql)  # rdflib's parser agrees with Oxigraph's
    projected = {str(v) for v in parsed.algebra["PV"]}
    for param in query.params:
        # Oxigraph binds only projected variables, so every parameter is a column
        assert param.name in projected, f"{name}: ?{param.name} is not selected"
        assert param.description


def test_params_are_parsed_from_the_header() -> None:
    query = load_named_query("licence-history")
    assert [(p.name, p.required) for p in query.params] == [
        ("licensor", False),
        ("licensee", False),
    ]
    assert load_named_query("terms-in-force").params[0].required


def test_unknown_named_query_lists_the_available_ones() -> None:
    with pytest.raises(
        OntologyError, match=r"unknown named query 'nope'; available: .*terms-in-force"
    ):
        load_named_query("nope")
