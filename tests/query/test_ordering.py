"""ORDER BY applied in Python (kg.query.ordering), checked against Oxigraph's own sort."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.query.ordering import OrderKey, sort_rows, split_order_by, top_rows
from kg.query.run import run_query
from kg.rdf.graphs import new_graph

EX = "http://example.org/"


@pytest.mark.parametrize(
    ("sparql", "keys"),
    [
        ("SELECT ?a WHERE { ?a ?p ?o }\nORDER BY ?a", (OrderKey("a"),)),
        (
            "SELECT ?a ?n WHERE { ?a ?p ?n }\nGROUP BY ?a ?n\nORDER BY DESC(?n) asc( ?a )",
            (OrderKey("n", descending=True), OrderKey("a")),
        ),
        ("SELECT ?a WHERE { ?a ?p ?o } ORDER BY $a # oldest first\n", (OrderKey("a"),)),
    ],
)
def test_a_final_order_by_of_variables_is_split_off(sparql: str, keys: tuple[OrderKey]) -> None:
    split = split_order_by(sparql)
    assert split is not None
    query, found = split
    assert found == keys
    assert "ORDER" not in query.upper()
    assert query.rstrip().endswith("}") or "GROUP BY" in query


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT ?a WHERE { ?a ?p ?o }",
        "SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a LIMIT 3",
        "SELECT ?a WHERE { ?a ?p ?o } ORDER BY STR(?a)",
        "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a LIMIT 2 } }",
        "SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a # the end }",
    ],
)
def test_anything_else_stays_with_the_engine(sparql: str) -> None:
    assert split_order_by(sparql) is None


def test_what_comes_before_the_order_by_is_kept_as_written() -> None:
    sparql = (
        'SELECT ?a (COUNT(?o) AS ?n) WHERE { ?a ?p ?o }\nGROUP BY ?a\nHAVING (STR(?a) != "x#y")\n'
        "ORDER BY DESC(?n) # most first"
    )
    split = split_order_by(sparql)
    assert split is not None
    assert split[0].rstrip() == sparql[: sparql.index("ORDER BY")].rstrip()
    assert split[1] == (OrderKey("n", descending=True),)


def test_terms_sort_in_sparql_order() -> None:
    rows = [
        (Literal("b"),),
        (Literal(10),),
        (URIRef(EX + "z"),),
        (None,),
        (Literal(9),),
        (BNode("x"),),
        (Literal("2024-01-02", datatype=XSD.date),),
        (Literal("2023-12-31", datatype=XSD.date),),
        (URIRef(EX + "a"),),
        (Literal("a"),),
    ]
    ordered = sort_rows(["v"], rows, [OrderKey("v")])
    assert ordered is not None
    assert [row[0] for row in ordered][:4] == [None, BNode("x"), URIRef(EX + "a"), URIRef(EX + "z")]
    assert [row[0] for row in ordered].index(Literal(9)) < [row[0] for row in ordered].index(
        Literal(10)
    )  # by value, not by text
    dates = [
        row[0] for row in ordered if isinstance(row[0], Literal) and row[0].datatype == XSD.date
    ]
    assert [str(d) for d in dates] == ["2023-12-31", "2024-01-02"]


def test_descending_keys_and_ties_broken_by_every_column() -> None:
    rows = [
        (Literal(1), URIRef(EX + "b")),
        (Literal(2), URIRef(EX + "c")),
        (Literal(1), URIRef(EX + "a")),
    ]
    ordered = sort_rows(["n", "x"], rows, [OrderKey("n", descending=True)])
    assert ordered == (rows[1], rows[2], rows[0])


def test_a_key_outside_the_projection_leaves_sorting_to_the_engine() -> None:
    assert sort_rows(["a"], [(None,)], [OrderKey("b")]) is None


def test_run_query_orders_like_oxigraph() -> None:
    graph = new_graph()
    store = ox.Store()
    for i in range(40):
        subject = URIRef(f"{EX}s{(i * 7) % 40:02d}")
        values = [Literal(i % 5), Literal(f"label {(i * 3) % 11}")]
        if i % 4:
            values.append(Literal(f"2024-01-{1 + i % 28:02d}", datatype=XSD.date))
        for predicate, value in zip(("n", "label", "date"), values, strict=False):
            graph.add((subject, URIRef(EX + predicate), value))
            store.add(ox.Quad(ox.NamedNode(str(subject)), ox.NamedNode(EX + predicate), _ox(value)))
    sparql = (
        f"SELECT ?s ?n ?label ?date WHERE {{ ?s <{EX}n> ?n ; <{EX}label> ?label . "
        f"OPTIONAL {{ ?s <{EX}date> ?date }} }}\nORDER BY DESC(?n) ?date ?label ?s"
    )
    ours = [
        tuple(str(v) if v is not None else None for v in row)
        for row in run_query(graph, sparql, include_ontology=False).rows
    ]
    theirs = [
        tuple(s[v].value if s[v] is not None else None for v in ("s", "n", "label", "date"))
        for s in _solutions(store.query(sparql))
    ]
    assert ours == theirs


def _ox(value: Literal) -> ox.Literal:
    if value.datatype is not None:
        return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
    return ox.Literal(str(value))


def _solutions(result: object) -> ox.QuerySolutions:
    assert isinstance(result, ox.QuerySolutions)
    return result


def test_an_ordered_construct_is_answered_once_as_a_graph() -> None:
    graph = new_graph()
    graph.add((URIRef(EX + "a"), URIRef(EX + "p"), Literal(1)))
    result = run_query(
        graph, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s", include_ontology=False
    )
    assert result.kind == "construct"
    assert result.graph is not None and len(result.graph) == 1


def _mixed_rows() -> list[tuple[Literal | URIRef | None, ...]]:
    # ties on the first column, unbound cells, numbers, strings and IRIs mixed
    values = [Literal(3), Literal(1), None, Literal(2), Literal("x"), URIRef(EX + "q")]
    return [
        (values[i % len(values)], URIRef(EX + f"s{(i * 7) % 11}"), Literal(f"label {i % 4}"))
        for i in range(40)
    ]


@pytest.mark.parametrize(
    "keys",
    [
        [OrderKey("n")],
        [OrderKey("n", descending=True)],
        [OrderKey("n", descending=True), OrderKey("label")],
        [OrderKey("label"), OrderKey("n", descending=True), OrderKey("s", descending=True)],
    ],
    ids=["asc", "desc", "desc-asc", "three-keys"],
)
@pytest.mark.parametrize(("offset", "limit"), [(0, 5), (3, 10), (35, 10), (0, 0), (0, 100)])
def test_a_page_is_that_slice_of_the_whole_order(
    keys: list[OrderKey], offset: int, limit: int
) -> None:
    rows = _mixed_rows()
    variables = ["n", "s", "label"]
    whole = sort_rows(variables, rows, keys)
    assert whole is not None
    assert top_rows(variables, rows, keys, offset, limit) == whole[offset : offset + limit]


def test_a_page_with_a_key_outside_the_projection_is_left_to_the_engine() -> None:
    assert top_rows(["a"], [(None,)], [OrderKey("b")], 0, 1) is None


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT ?n ?s WHERE { ?s <urn:ex:n> ?n } ORDER BY DESC(?n) ?s",  # ordered by kg
        "SELECT ?n ?s WHERE { ?s <urn:ex:n> ?n } ORDER BY (0 - ?n) ?s",  # by the engine
        "SELECT ?n ?s WHERE { ?s <urn:ex:n> ?n }",  # in the engine's order
    ],
    ids=["kg-order", "engine-order", "unordered"],
)
def test_run_query_pages_are_slices_of_the_whole_answer(sparql: str) -> None:
    graph = new_graph()
    for i in range(30):
        graph.add((URIRef(f"urn:ex:s{i:02d}"), URIRef("urn:ex:n"), Literal(i % 7)))
    whole = run_query(graph, sparql, include_ontology=False).rows
    assert len(whole) == 30
    for offset, limit in ((0, 10), (10, 10), (25, 10), (30, 5)):
        page = run_query(graph, sparql, include_ontology=False, limit=limit, offset=offset)
        assert page.rows == whole[offset : offset + limit]
    assert run_query(graph, sparql, include_ontology=False, offset=28).rows == whole[28:]
