"""kg.network.view: the NetworkX projection of the hand-written fixture (tests/fixtures/render)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from kg.network.view import company_network, to_networkx
from kg.rdf.graphs import load_graph, new_graph
from kg.rdf.vocab import ID

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "deals.ttl"


def iri(key: str) -> str:
    return str(ID[key])


@pytest.fixture(scope="module")
def g() -> nx.MultiDiGraph:
    return to_networkx(load_graph(FIXTURE))


def test_nodes_by_kind(g: nx.MultiDiGraph) -> None:
    kinds = Counter(kind for _n, kind in g.nodes(data="kind"))
    assert kinds == {"organization": 5, "product": 1, "agreement": 4, "clause": 5}
    assert g.number_of_nodes() == 15
    # documents, mentions and amounts are attributes, not nodes
    assert not any("mention-" in n or "doc-" in n or "amount-" in n for n in g)


def test_edge_labels(g: nx.MultiDiGraph) -> None:
    assert g.number_of_edges() == 17
    labels = Counter(key for _s, _t, key in g.edges(keys=True))
    assert labels == {
        "hasClause": 5,
        "party": 2,
        "investor": 1,
        "investee": 1,
        "supplier": 1,
        "customer": 1,
        "licensor": 1,
        "licensee": 1,
        "supersedes": 1,
        "amends": 1,
        "ownedBy": 1,
        "subsidiaryOf": 1,
    }
    investment = iri("agreement-acme-borealis-investment")
    # a party with a role gets the role edge only, not an extra "party" edge
    assert set(g[investment][iri("org-acme-robotics")]) == {"investor"}
    amendment = iri("agreement-acme-borealis-amendment")
    assert set(g[amendment][iri("org-borealis-therapeutics")]) == {"party"}
    assert g.has_edge(amendment, investment, key="amends")
    assert g.has_edge(
        iri("clause-acme-borealis-non-exclusivity"),
        iri("clause-acme-borealis-exclusivity"),
        key="supersedes",
    )
    assert g.has_edge(iri("product-acme-arm"), iri("org-acme-robotics"), key="ownedBy")


def test_agreement_attributes(g: nx.MultiDiGraph) -> None:
    node = g.nodes[iri("agreement-acme-borealis-investment")]
    assert node["kind"] == "agreement"
    assert node["types"] == ["Agreement", "DefinitiveAgreement"]
    assert node["status"] == "Signed"
    assert node["agreement_types"] == ["Investment", "Partnership"]
    assert node["dates"]["announcedOn"] == {
        "date": "2021-03-15",
        "precision": "day",
        "text": "2021-03-15",
    }
    assert node["amounts"] == ["$250 million (USD 250000000, exact, investment amount)"]
    assert node["evidence"] == [
        {
            "quote": "Acme Robotics Inc. will invest $250 million in Borealis Therapeutics",
            "url": "https://news.example.com/acme-borealis",
            "title": "Acme Robotics takes a stake in Borealis Therapeutics",
            "date": "2021-03-15",
        }
    ]
    assert node["money"] == [
        {
            "text": "$250 million",
            "value": 250000000.0,
            "currency": "USD",
            "kind": "investment amount",
        }
    ]
    amendment = g.nodes[iri("agreement-acme-borealis-amendment")]
    assert amendment["dates"]["announcedOn"]["text"] == "2023-06"
    assert amendment["dates"]["announcedOn"]["precision"] == "month"


def test_clause_attributes_and_periods(g: nx.MultiDiGraph) -> None:
    exclusive = g.nodes[iri("clause-acme-borealis-exclusivity")]
    assert exclusive["clause_type"] == "Exclusivity"
    assert exclusive["values"] == {
        "scope": "robotics supplier",
        "isExclusive": "yes",
        "isNegated": "no",
        "obligor": "Borealis Therapeutics",
        "beneficiary": "Acme Robotics",
    }
    assert exclusive["dates"]["validUntil"]["text"] == "2030"
    # starts with its agreement, ends when the superseding clause's agreement starts
    assert exclusive["in_force_from"] == "2021-03-15"
    assert exclusive["in_force_until"] == "2030-12-31"
    assert exclusive["ended_on"] == "2023-06-01"
    assert exclusive["in_force"] == ["2021-03-15", "2023-06-01"]  # the days the map shows it
    replacement = g.nodes[iri("clause-acme-borealis-non-exclusivity")]
    assert (replacement["in_force_from"], replacement["ended_on"]) == ("2023-06-01", None)
    purchase = g.nodes[iri("clause-cobalt-acme-purchase")]
    assert purchase["amounts"] == [
        "$1.2 billion (USD 1200000000, exact, purchase commitment amount)"
    ]
    licence = g.nodes[iri("clause-codec-licence-grant")]
    assert licence["undated"] is True and licence["in_force_from"] is None


def test_labels_are_kept_verbatim(g: nx.MultiDiGraph) -> None:
    # escaping is the renderer's job; the projection keeps the data as written
    org = g.nodes[iri("org-img-src-x-onerror-alert-1")]
    assert org["label"] == "<img src=x onerror=alert(1)>"
    assert org["evidence"][0]["url"] == "javascript:alert(1)"
    assert g.nodes[iri("org-acme-robotics")]["alt_labels"] == ["Acme Robotics Inc."]


def test_company_network(g: nx.MultiDiGraph) -> None:
    net = company_network(g)
    assert sorted(net.nodes) == sorted(n for n, k in g.nodes(data="kind") if k == "organization")
    assert net.number_of_edges() == 3
    acme, borealis = iri("org-acme-robotics"), iri("org-borealis-therapeutics")
    assert net.edges[acme, borealis]["deals"] == 2
    assert net.edges[acme, borealis]["agreements"] == [
        iri("agreement-acme-borealis-amendment"),
        iri("agreement-acme-borealis-investment"),
    ]
    assert net.edges[acme, iri("org-cobalt-cloud-systems")]["deals"] == 1
    deals = dict(net.nodes(data="deals"))
    assert deals[acme] == 3 and deals[iri("org-nimbus-labs")] == 0
    # a subsidiary link is not a deal
    assert not net.has_edge(iri("org-nimbus-labs"), iri("org-cobalt-cloud-systems"))


def test_empty_graph() -> None:
    g = to_networkx(new_graph())
    assert g.number_of_nodes() == 0
    assert company_network(g).number_of_nodes() == 0
