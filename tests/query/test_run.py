"""kg.query.run: the named queries' answers on the example graph, running, bindings and errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import QueryError
from kg.query.bindings import parse_binding
from kg.query.formats import to_csv, to_rows, to_turtle
from kg.query.run import (
    QueryResult,
    QuerySyntaxError,
    has_ontology,
    run_named_query,
    run_query,
    with_ontology,
)
from kg.rdf import vocab
from kg.rdf.graphs import load_graph
from kg.rdf.ontology import ONTOLOGY_DIR

EXAMPLE = ONTOLOGY_DIR / "examples" / "example.ttl"
ID = vocab.ID
ACME, BOREALIS = ID["org-acme-robotics"], ID["org-borealis-therapeutics"]
CIRRUS, DUNMORE = ID["org-cirrus-compute"], ID["org-dunmore-capital"]
A2024 = ID["agreement-acme-borealis-2024"]
AMENDMENT = ID["agreement-acme-borealis-2025-amendment"]
MOU = ID["agreement-cirrus-borealis-mou-2025"]
COMPUTE = ID["agreement-cirrus-borealis-2026"]
DUNMORE_CIRRUS = ID["agreement-dunmore-cirrus-2026"]
DUNMORE_BOREALIS = ID["agreement-dunmore-borealis-2023"]


def clause(name: str) -> URIRef:
    return ID[f"clause-{name}"]


def named(graph: Graph, name: str, **bindings: str) -> QueryResult:
    return run_named_query(graph, name, {k: parse_binding(v) for k, v in bindings.items()})


def column(result: QueryResult, name: str) -> list[str]:
    return ["" if v is None else str(v) for v in result.column(name)]


def date(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


# --------------------------------------------------------------------------- expected rows


def test_agreements_between(graph: Graph) -> None:
    result = named(
        graph, "agreements-between", org1="org-acme-robotics", org2="dkid:org-borealis-therapeutics"
    )
    assert result.column("agreement") == [A2024, AMENDMENT]
    assert result.column("kind") == [vocab.DK.DefinitiveAgreement, vocab.DK.Amendment]
    assert result.column("date") == [date("2024-03-05"), date("2025-06-10")]
    assert result.column("status") == [vocab.DKST.Announced, vocab.DKST.Signed]
    assert set(result.column("org1")) == {ACME}

    other = named(
        graph, "agreements-between", org1="org-cirrus-compute", org2="org-borealis-therapeutics"
    )
    assert other.column("agreement") == [MOU, COMPUTE]
    assert other.column("kind") == [
        vocab.DK.MemorandumOfUnderstanding,
        vocab.DK.DefinitiveAgreement,
    ]
    assert other.column("date") == [date("2025-09-01"), date("2026-01-20")]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2023-06-01", []),  # the 2023 investment has no clauses
        ("2025-01-01", ["acme-borealis-2024-1", "acme-borealis-2024-2", "acme-borealis-2024-3",
                        "acme-borealis-2024-4"]),
        # announced but not yet effective: the old licence and revenue share still apply
        ("2025-06-15", ["acme-borealis-2024-1", "acme-borealis-2024-2", "acme-borealis-2024-3",
                        "acme-borealis-2024-4"]),
        ("2025-08-01", ["acme-borealis-2024-1", "acme-borealis-2024-4",
                        "acme-borealis-2025-amendment-1", "acme-borealis-2025-amendment-2"]),
        # the MOU's preferred-partner clause is never in force
        ("2025-10-01", ["acme-borealis-2024-1", "acme-borealis-2024-4",
                        "acme-borealis-2025-amendment-1", "acme-borealis-2025-amendment-2"]),
        ("2026-02-01", ["acme-borealis-2024-1", "acme-borealis-2024-4",
                        "acme-borealis-2025-amendment-1", "acme-borealis-2025-amendment-2",
                        "cirrus-borealis-2026-1", "dunmore-cirrus-2026-1"]),
        ("2030-12-31", ["acme-borealis-2024-1", "acme-borealis-2024-4",
                        "acme-borealis-2025-amendment-1", "acme-borealis-2025-amendment-2",
                        "cirrus-borealis-2026-1", "dunmore-cirrus-2026-1"]),
        # validUntil 2030-12-31 is inclusive; the next day the licence and compute end
        ("2031-01-01", ["acme-borealis-2024-1", "acme-borealis-2024-4",
                        "acme-borealis-2025-amendment-2", "dunmore-cirrus-2026-1"]),
    ],
)  # fmt: skip
def test_terms_in_force(graph: Graph, day: str, expected: list[str]) -> None:
    result = named(graph, "terms-in-force", date=day)
    assert result.column("clause") == [clause(name) for name in expected]
    assert set(result.column("date")) <= {date(day)}


def test_terms_in_force_columns(graph: Graph) -> None:
    rows = {r["clause"]: r for r in to_rows(named(graph, "terms-in-force", date="2025-08-01"))}
    licence = rows["dkid:clause-acme-borealis-2025-amendment-1"]
    assert licence["type"] == "dkct:LicenseGrant"
    assert licence["exclusive"] == "false"
    assert licence["validUntil"] == "2030-12-31"
    assert rows["dkid:clause-acme-borealis-2024-4"]["percentage"] == "12.5"


def test_investment_by_investor_never_sums_across_currencies(graph: Graph) -> None:
    result = named(graph, "investment-by-investor")
    rows = [(r[0], r[2], r[3], r[4]) for r in result.rows]
    integer = XSD.integer
    assert rows == [
        (ACME, Literal("USD"), Literal(Decimal("300000000")), Literal("2", datatype=integer)),
        (DUNMORE, Literal("EUR"), Literal(Decimal("30000000")), Literal("1", datatype=integer)),
        (DUNMORE, Literal("USD"), Literal(Decimal("10000000")), Literal("1", datatype=integer)),
    ]
    assert column(result, "investees") == [
        "Borealis Therapeutics",
        "Cirrus Compute",
        "Borealis Therapeutics",
    ]


def test_investment_by_investor_bound(graph: Graph) -> None:
    result = named(graph, "investment-by-investor", investor="org-dunmore-capital")
    assert column(result, "currency") == ["EUR", "USD"]
    assert set(result.column("investor")) == {DUNMORE}


def test_superseded_clauses(graph: Graph) -> None:
    result = named(graph, "superseded-clauses")
    assert [(r["old"], r["how"], r["by"], r["when"]) for r in to_rows(result)] == [
        ("dkid:clause-acme-borealis-2024-2", "superseded",
         "dkid:clause-acme-borealis-2025-amendment-1", "2025-07-01"),
        ("dkid:clause-acme-borealis-2024-3", "terminated",
         "dkid:agreement-acme-borealis-2025-amendment", "2025-07-01"),
        ("dkid:clause-cirrus-borealis-mou-2025-1", "agreement superseded",
         "dkid:agreement-cirrus-borealis-2026", "2026-01-20"),
    ]  # fmt: skip


def test_clause_evidence(graph: Graph) -> None:
    result = named(graph, "clause-evidence", agreement="agreement-acme-borealis-2024")
    rows = to_rows(result)
    assert [r["clause"] for r in rows] == [
        f"dkid:clause-acme-borealis-2024-{n}" for n in (1, 2, 3, 4)
    ]
    licence = rows[1]
    assert licence["type"] == "Licence grant"
    assert licence["quote"] == (
        "Borealis granted Acme an exclusive license to its lab-automation software through 2030."
    )
    assert (licence["begin"], licence["end"]) == ("116", "203")
    assert licence["url"] == "https://news.example.com/2024/03/acme-borealis"
    assert licence["published"] == "2024-03-05"
    # the offsets really index the document text
    text = str(graph.value(ID["doc-1a2b3c4d5e6f7081"], vocab.NIF.isString))
    assert text[116:203] == licence["quote"]


def test_licence_history(graph: Graph) -> None:
    result = named(
        graph, "licence-history", licensor="org-borealis-therapeutics", licensee="org-acme-robotics"
    )
    rows = to_rows(result)
    assert [(r["clause"], r["start"], r["exclusive"], r["validUntil"], r["validUntilPrecision"],
             r["supersededBy"]) for r in rows] == [
        ("dkid:clause-acme-borealis-2024-2", "2024-03-05", "true", "2030-12-31", "dkdp:Year",
         "dkid:clause-acme-borealis-2025-amendment-1"),
        ("dkid:clause-acme-borealis-2025-amendment-1", "2025-07-01", "false", "2030-12-31",
         "dkdp:Year", ""),
    ]  # fmt: skip
    assert named(graph, "licence-history", licensor="org-acme-robotics").rows == ()


def test_amendment_lineage(graph: Graph) -> None:
    earlier = named(graph, "amendment-lineage", agreement="agreement-acme-borealis-2025-amendment")
    assert [(r["direction"], r["related"], r["kind"]) for r in to_rows(earlier)] == [
        ("earlier", "dkid:agreement-acme-borealis-2024", "dk:DefinitiveAgreement")
    ]
    later = named(graph, "amendment-lineage", agreement="agreement-cirrus-borealis-mou-2025")
    assert [(r["direction"], r["related"], r["date"]) for r in to_rows(later)] == [
        ("later", "dkid:agreement-cirrus-borealis-2026", "2026-01-20")
    ]


def test_clause_counts_by_group(graph: Graph) -> None:
    rows = to_rows(named(graph, "clause-counts-by-group"))
    assert [(r["group"], r["clauses"]) for r in rows] == [
        ("dkct:Financial", "6"),
        ("dkct:Licensing", "2"),
        ("dkct:Competitive", "1"),
    ]
    # the compute commitment rolls up through PurchaseCommitment and MinimumCommitment
    assert set(rows[0]["types"].split(", ")) == {
        "Investment commitment",
        "Revenue or profit sharing",
        "Equity stake",
        "Compute purchase commitment",
    }


def test_companies_by_deals(graph: Graph) -> None:
    rows = to_rows(named(graph, "companies-by-deals"))
    assert [(r["label"], r["deals"], r["counterparties"]) for r in rows] == [
        ("Borealis Therapeutics", "5", "3"),
        ("Cirrus Compute", "3", "2"),
        ("Acme Robotics", "2", "1"),
        ("Dunmore Capital", "2", "2"),
    ]


def test_deals_by_type_and_year(graph: Graph) -> None:
    rows = to_rows(named(graph, "deals-by-type-and-year"))
    assert [(r["year"], r["typeLabel"], r["deals"]) for r in rows] == [
        ("2023", "Investment", "1"),
        ("2024", "Investment", "1"),
        ("2024", "Licence", "1"),
        ("2025", "Cloud services", "1"),
        ("2025", "Investment", "1"),
        ("2025", "Licence", "1"),
        ("2025", "Strategic partnership", "1"),
        ("2026", "Cloud services", "1"),
        ("2026", "Compute commitment", "1"),
        ("2026", "Investment", "1"),
    ]


def test_organizations_with_aliases(graph: Graph) -> None:
    rows = to_rows(named(graph, "organizations"))
    assert [r["label"] for r in rows] == [
        "Acme Robotics", "Borealis Therapeutics", "Cirrus Compute", "Dunmore Capital"
    ]  # fmt: skip
    aliases = {r["label"]: set(filter(None, r["aliases"].split("; "))) for r in rows}
    assert aliases == {
        "Acme Robotics": {"Acme Robotics Inc.", "Acme"},
        "Borealis Therapeutics": {"Borealis"},
        "Cirrus Compute": {"Cirrus Compute Ltd", "Cirrus"},
        "Dunmore Capital": set(),
    }
    assert [r["deals"] for r in rows] == ["2", "5", "3", "2"]


def test_agreements(graph: Graph) -> None:
    rows = to_rows(named(graph, "agreements"))
    assert [(r["agreement"], r["kind"], r["status"], r["date"]) for r in rows] == [
        ("dkid:agreement-dunmore-borealis-2023", "dk:Agreement", "dkst:Previous", "2023-01-01"),
        ("dkid:agreement-acme-borealis-2024", "dk:DefinitiveAgreement", "dkst:Announced",
         "2024-03-05"),
        ("dkid:agreement-acme-borealis-2025-amendment", "dk:Amendment", "dkst:Signed",
         "2025-06-10"),
        ("dkid:agreement-cirrus-borealis-mou-2025", "dk:MemorandumOfUnderstanding",
         "dkst:NonBinding", "2025-09-01"),
        ("dkid:agreement-cirrus-borealis-2026", "dk:DefinitiveAgreement", "dkst:Signed",
         "2026-01-20"),
        ("dkid:agreement-dunmore-cirrus-2026", "dk:DefinitiveAgreement", "dkst:Completed",
         "2026-01-20"),
    ]  # fmt: skip
    assert set(rows[1]["types"].split(", ")) == {"Investment", "Licence"}
    assert set(rows[1]["parties"].split(", ")) == {"Acme Robotics", "Borealis Therapeutics"}


def test_documents(graph: Graph) -> None:
    rows = to_rows(named(graph, "documents"))
    assert [(r["issued"], r["publisher"], r["mentions"]) for r in rows] == [
        ("2024-03-05", "Example Business Wire", "7"),
        ("2025-06-10", "Example Business Wire", "7"),
        ("2026-01-20", "Example Tech Daily", "13"),
    ]


def test_products(graph: Graph) -> None:
    rows = to_rows(named(graph, "products"))
    assert rows == [
        {"product": "dkid:product-helix-cloud", "label": "Helix Cloud",
         "owner": "dkid:org-cirrus-compute", "ownerLabel": "Cirrus Compute"}
    ]  # fmt: skip


def test_clauses_of_type_rolls_up(graph: Graph) -> None:
    minimum = named(graph, "clauses-of-type", type="dkct:MinimumCommitment")
    assert minimum.column("clause") == [clause("cirrus-borealis-2026-1")]
    assert minimum.column("clauseType") == [vocab.DKCT.ComputePurchaseCommitment]
    assert len(named(graph, "clauses-of-type", type="dkct:Financial").rows) == 6


# --------------------------------------------------------------------------- running


def test_ontology_is_added_by_default() -> None:
    raw = load_graph(EXAMPLE)
    assert not has_ontology(raw)
    with_schemes = run_named_query(raw, "clause-counts-by-group")
    assert len(with_schemes.rows) == 3
    bare = run_named_query(raw, "clause-counts-by-group", include_ontology=False)
    # without the schemes no type rolls up to a group
    assert [r["group"] for r in to_rows(bare)] == ["dkct:OtherClause"]
    assert len(raw) == len(load_graph(EXAMPLE))  # the caller's graph is not modified


def test_prepared_graph_is_queried_in_place(graph: Graph) -> None:
    assert has_ontology(graph)
    probe = URIRef("urn:test:probe")
    graph.add((probe, vocab.DK.scope, Literal("probe")))
    try:
        result = run_query(graph, "ASK { <urn:test:probe> dk:scope 'probe' }")
        assert result.kind == "ask" and result.boolean is True
    finally:
        graph.remove((probe, None, None))


def test_memory_store_graph_is_accepted() -> None:
    memory = Graph()
    memory.parse(EXAMPLE)
    assert len(run_named_query(memory, "agreements").rows) == 6


def test_bindings_are_terms_not_text(graph: Graph) -> None:
    query = "SELECT ?org ?label WHERE { ?org a dk:Organization ; rdfs:label ?label }"
    hostile = Literal('Acme" } UNION { ?org ?p ?label')
    assert run_query(graph, query, {"label": hostile}).rows == ()
    found = run_query(graph, query, {"label": Literal("Acme Robotics")})
    assert found.rows == ((ACME, Literal("Acme Robotics")),)
    by_iri = run_query(graph, query, {"?org": CIRRUS})
    assert by_iri.column("label") == [Literal("Cirrus Compute")]


def test_binding_reaches_filters_and_not_exists(graph: Graph) -> None:
    query = """
        SELECT ?day ?agreement WHERE {
            ?agreement dk:announcedOn ?on .
            FILTER (?on <= ?day)
            FILTER NOT EXISTS { ?agreement dk:effectiveFrom ?e . FILTER (?e > ?day) }
        } ORDER BY ?agreement"""
    result = run_query(graph, query, {"day": date("2025-06-30")})
    assert result.column("agreement") == [A2024, DUNMORE_BOREALIS]


def test_binding_errors(graph: Graph) -> None:
    query = "SELECT ?label WHERE { ?org rdfs:label ?label }"
    with pytest.raises(QueryError, match=r"cannot bind \?org: the query does not select it"):
        run_query(graph, query, {"org": ACME})
    with pytest.raises(QueryError, match="bind an IRI or a literal, not BNode"):
        run_query(graph, query, {"label": BNode()})
    with pytest.raises(QueryError, match="is not a SPARQL variable name"):
        run_query(graph, query, {"bad name": ACME})
    with pytest.raises(QueryError, match=r"has no parameter org3; params: org1, org2"):
        run_named_query(graph, "agreements-between", {"org1": ACME, "org2": CIRRUS, "org3": ACME})
    with pytest.raises(QueryError, match="needs --bind for date"):
        run_named_query(graph, "terms-in-force")


def test_syntax_error_has_line_and_column(graph: Graph) -> None:
    query = "SELECT ?s WHERE {\n  ?s dk:hasParty ?o .\n  ?s rdfs:label @@ .\n}"
    with pytest.raises(QuerySyntaxError) as info:
        run_query(graph, query)
    assert (info.value.line, info.value.column) == (3, 17)
    message = str(info.value)
    assert message.startswith("SPARQL syntax error at line 3, column 17: expected one of")
    assert message.endswith("  ?s rdfs:label @@ .\n" + " " * 20 + "^")


def test_syntax_error_names_an_undeclared_prefix(graph: Graph) -> None:
    with pytest.raises(QuerySyntaxError, match=r"line 2, column 14: undeclared prefix ex:") as info:
        run_query(graph, "SELECT ?s WHERE {\n  ?s ex:knows ?o }")
    assert info.value.line == 2


def test_construct_and_describe_give_graphs(graph: Graph) -> None:
    result = run_query(
        graph, "CONSTRUCT { ?o dk:partnerOf ?p } WHERE { ?a dk:hasParty ?o , ?p FILTER (?o != ?p) }"
    )
    assert result.kind == "construct" and result.graph is not None
    assert (ACME, vocab.DK.partnerOf, BOREALIS) in result.graph
    turtle = to_turtle(result)
    reparsed = Graph().parse(data=turtle, format="turtle")
    assert len(reparsed) == len(result.graph) == 8
    assert turtle.startswith(b"@prefix ")
    described = run_query(graph, "DESCRIBE dkid:product-helix-cloud")
    assert (
        described.graph is not None
        and (
            ID["product-helix-cloud"],
            vocab.DK.ownedBy,
            CIRRUS,
        )
        in described.graph
    )
    with pytest.raises(QueryError, match="write graph results as Turtle"):
        to_csv(result)


@pytest.fixture(scope="module")
def unattributed() -> Graph:
    """The example with no licensor for the 2024 licence and no investor for Dunmore's
    2026 investment: parameters must not hand those to whichever company is asked about."""
    graph = with_ontology(load_graph(EXAMPLE))
    for deal in (A2024, DUNMORE_CIRRUS):
        for role in (vocab.DK.licensor, vocab.DK.investor):
            graph.remove((deal, role, None))
        for part in graph.objects(deal, vocab.DK.hasClause):
            graph.remove((part, vocab.DK.obligor, None))
    return graph


def test_a_licence_without_a_known_licensor_is_nobody_s(unattributed: Graph) -> None:
    everyone = named(unattributed, "licence-history")
    assert clause("acme-borealis-2024-2") in everyone.column("clause")
    for org in ("org-acme-robotics", "org-borealis-therapeutics", "org-cirrus-compute"):
        bound = named(unattributed, "licence-history", licensor=org)
        assert clause("acme-borealis-2024-2") not in bound.column("clause"), org
        assert set(bound.column("licensor")) <= {ID[org]}


def test_an_investment_without_a_known_investor_is_nobody_s(unattributed: Graph) -> None:
    assert named(unattributed, "investment-by-investor", investor="org-cirrus-compute").rows == ()
    dunmore = named(unattributed, "investment-by-investor", investor="org-dunmore-capital")
    everyone = named(unattributed, "investment-by-investor")
    assert dunmore.rows == tuple(r for r in everyone.rows if r[0] == DUNMORE)
