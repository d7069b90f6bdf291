from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, XSD

from kg.models import (
    Agreement,
    Amount,
    Clause,
    DateValue,
    Document,
    Extraction,
    Organization,
    OrgMention,
    Span,
)
from kg.rdf.graphs import new_graph, ntriples_term
from kg.rdf.iris import iri_for
from kg.rdf.mapping import date_literal, decimal_literal, extraction_triples, to_graph
from kg.rdf.ontology import validate
from kg.rdf.vocab import DK, DKAQ, DKCT, DKDP, NIF


@pytest.mark.parametrize(
    ("iso", "precision", "end", "expected"),
    [
        ("2032", "year", True, "2032-12-31"),
        ("2032", "year", False, "2032-01-01"),
        ("2024-02", "month", True, "2024-02-29"),
        ("2027-03", "month", False, "2027-03-01"),
        ("2019-07-22", "day", True, "2019-07-22"),
    ],
)
def test_partial_dates_take_first_or_last_day(
    iso: str, precision: str, end: bool, expected: str
) -> None:
    assert date_literal(DateValue(iso, precision), end=end) == Literal(expected, datatype=XSD.date)


def test_decimal_literal_is_canonical() -> None:
    assert str(decimal_literal(Decimal("27"))) == "27.0"
    assert str(decimal_literal(Decimal("1E+9"))) == "1000000000.0"
    assert decimal_literal(Decimal("0.50")).datatype == XSD.decimal


def _extraction() -> Extraction:
    text = "Acme Robotics will invest $5 million in Borealis Labs through 2030."
    doc = Document(id="doc-00112233aabbccdd", text=text, source="in.txt", title="T")
    whole = Span(doc.id, 0, len(text), text)
    acme = Organization(
        "acme-robotics",
        "Acme Robotics",
        (),
        (OrgMention("Acme Robotics", Span(doc.id, 0, 13, "Acme Robotics")),),
    )
    borealis = Organization(
        "borealis-labs",
        "Borealis Labs",
        (),
        (OrgMention("Borealis Labs", Span(doc.id, 40, 53, "Borealis Labs")),),
    )
    amount = Amount(
        Decimal("5000000"), "USD", "$5 million", span=Span(doc.id, 26, 36, "$5 million")
    )
    clause = Clause("term", whole, until=DateValue("2030", "year", role="expiry"))
    agreement = Agreement(
        key="x-1",
        types=("investment",),
        parties=("acme-robotics", "borealis-labs"),
        evidence=(whole,),
        roles=(("investor", "acme-robotics"), ("investee", "borealis-labs")),
        status="announced",
        amounts=(amount,),
        clauses=(clause,),
    )
    return Extraction(document=doc, organizations=(acme, borealis), agreements=(agreement,))


def test_to_graph_writes_the_documented_shape() -> None:
    graph = to_graph([_extraction()])
    agreement = iri_for("agreement", "x-1")
    assert (agreement, RDF.type, DK.Agreement) in graph
    assert (agreement, DK.investor, iri_for("org", "acme-robotics")) in graph
    assert len(list(graph.objects(agreement, DK.hasParty))) == 2
    clause = iri_for("clause", "x-1-1")
    assert (clause, DK.clauseType, DKCT.ExpirationDate) in graph
    assert (clause, DK.validUntil, Literal("2030-12-31", datatype=XSD.date)) in graph
    assert (clause, DK.validUntilPrecision, DKDP.Year) in graph
    for mention in graph.subjects(RDF.type, DK.Mention):
        begin = int(graph.value(mention, NIF.beginIndex))  # type: ignore[arg-type]
        end = int(graph.value(mention, NIF.endIndex))  # type: ignore[arg-type]
        doc = graph.value(mention, DK.inDocument)
        text = str(graph.value(doc, NIF.isString))
        assert text[begin:end] == str(graph.value(mention, NIF.anchorOf))


def test_to_graph_is_idempotent() -> None:
    graph = to_graph([_extraction()])
    size = len(graph)
    to_graph([_extraction()], graph)
    assert len(graph) == size


def test_a_size_in_words_maps_to_an_amount_without_a_value_and_validates() -> None:
    extraction = _extraction()
    (agreement,) = extraction.agreements
    size = Amount(None, "USD", "multibillion-dollar", qualifier="unquantified")
    graph = to_graph([replace(extraction, agreements=(replace(agreement, amounts=(size,)),))])
    (amount,) = graph.objects(iri_for("agreement", "x-1"), DK.hasAmount)
    assert (amount, DK.amountQualifier, DKAQ.Unquantified) in graph
    assert graph.value(amount, DK.amountValue) is None
    assert validate(graph).conforms
    graph.remove((amount, DK.amountQualifier, DKAQ.Unquantified))
    assert not validate(graph).conforms  # without the qualifier a value is required


def test_to_graph_gives_the_same_triples_in_any_rdflib_store() -> None:
    # the mapper makes Oxigraph terms for Oxigraph-backed graphs and rdflib terms for
    # others: the triples (lexical forms, datatypes) must be the same either way, once
    # Oxigraph has stored them (it keeps an integer or decimal in its canonical form)
    extraction = replace(
        _extraction(),
        document=replace(
            _extraction().document, url="https://example.org/a?b=1", published="2024-03"
        ),
    )
    on_oxigraph = to_graph([extraction])
    in_memory = new_graph()
    for triple in to_graph([extraction], Graph()):
        in_memory.add(triple)

    def written(graph: Graph) -> set[tuple[str, ...]]:  # as N-Triples writes each term
        return {tuple(ntriples_term(term) for term in triple) for triple in graph}

    assert written(in_memory) == written(on_oxigraph)
    assert len(in_memory) == len(on_oxigraph)


def test_extraction_triples_are_the_graphs_triples_each_once() -> None:
    triples = extraction_triples([_extraction(), _extraction()])
    assert len(triples) == len(set(triples)) == len(to_graph([_extraction()]))
