"""kg.query.bindings: --bind text turned into the RDF terms queries are bound to."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import QueryError
from kg.query.bindings import parse_binding, parse_bindings
from kg.rdf import vocab

ID = vocab.ID
A2024 = ID["agreement-acme-borealis-2024"]


# --------------------------------------------------------------------------- parse_binding


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("org-microsoft", ID["org-microsoft"]),
        ("dkid:org-microsoft", ID["org-microsoft"]),
        ("agreement-acme-borealis-2024", A2024),
        ("dkct:Exclusivity", vocab.DKCT.Exclusivity),
        ("<https://example.org/x>", URIRef("https://example.org/x")),
        ("https://example.org/y", URIRef("https://example.org/y")),
        ("2026-01-01", Literal("2026-01-01", datatype=XSD.date)),
        ("27.5", Literal(Decimal("27.5"))),
        ("1000000000", Literal(Decimal("1000000000"))),
        ("true", Literal(True)),
        ('"2026-01-01"', Literal("2026-01-01")),
        ("Acme Robotics", Literal("Acme Robotics")),
        ("USD", Literal("USD")),
    ],
)
def test_parse_binding(text: str, term: URIRef | Literal) -> None:
    parsed = parse_binding(text)
    assert parsed == term
    assert type(parsed) is type(term)
    if isinstance(term, Literal):
        assert parsed.datatype == term.datatype  # type: ignore[union-attr]


def test_parse_binding_uses_graph_prefixes() -> None:
    graph = Graph()
    graph.bind("ex", "https://example.org/ns#")
    assert parse_binding("ex:thing", graph) == URIRef("https://example.org/ns#thing")
    assert parse_binding("ex:thing") == Literal("ex:thing")


def test_parse_binding_errors() -> None:
    with pytest.raises(QueryError, match="not a valid date"):
        parse_binding("2026-02-30")
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_binding("<https://example.org/a b>")
    assert parse_bindings(["date=2026-01-01", "?org=org-acme"]) == {
        "date": Literal("2026-01-01", datatype=XSD.date),
        "org": ID["org-acme"],
    }
    with pytest.raises(QueryError, match="write VAR=VALUE"):
        parse_bindings(["no-equals-sign"])
