"""kg.network.analytics on a small hand-written graph with known answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import QueryError
from kg.network.analytics import centrality, communities, neighbors, path
from kg.rdf.graphs import load_graph

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "render" / "deals.ttl"
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph(FIXTURE)


def test_neighbors_with_deal_counts(graph: Graph) -> None:
    rows = neighbors(graph, "Acme Robotics")
    assert [(r["organization"], r["deals"]) for r in rows] == [
        ("Borealis Therapeutics", 2),
        ("Cobalt Cloud Systems", 1),
    ]


def test_neighbors_by_alias_and_key(graph: Graph) -> None:
    assert neighbors(graph, "acme robotics inc.") == neighbors(graph, "org-acme-robotics")


def test_path_follows_the_chain_of_deals(graph: Graph) -> None:
    hops = path(graph, "Borealis Therapeutics", XSS)
    assert [(h["from"], h["to"]) for h in hops] == [
        ("Borealis Therapeutics", "Acme Robotics"),
        ("Acme Robotics", "Cobalt Cloud Systems"),
        ("Cobalt Cloud Systems", XSS),
    ]
    assert all(h["agreements"] for h in hops)


def test_unconnected_and_unknown_organisations(graph: Graph) -> None:
    with pytest.raises(QueryError, match="no chain of deals"):
        path(graph, "Borealis Therapeutics", "Nimbus Labs")
    with pytest.raises(QueryError, match="no organisation 'Nobody Holdings'"):
        neighbors(graph, "Nobody Holdings")


def test_centrality(graph: Graph) -> None:
    rows = {r["organization"]: r for r in centrality(graph)}
    assert rows["Acme Robotics"]["degree"] == 2
    assert rows["Acme Robotics"]["deals"] == 3
    assert rows["Nimbus Labs"]["degree"] == 0
    assert rows["Acme Robotics"]["betweenness"] > rows["Borealis Therapeutics"]["betweenness"] == 0
    assert abs(sum(r["pagerank"] for r in rows.values()) - 1) < 1e-3


def test_communities_cover_every_organisation_once(graph: Graph) -> None:
    groups = communities(graph)
    members = [name for group in groups for name in group["organizations"]]
    assert sorted(members) == sorted(
        ["Acme Robotics", "Borealis Therapeutics", "Cobalt Cloud Systems", XSS, "Nimbus Labs"]
    )
    assert ["Nimbus Labs"] in [g["organizations"] for g in groups]
