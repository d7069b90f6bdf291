"""Network analytics over the company–company deal network (NetworkX).

The network is :func:`kg.network.view.company_network` of :func:`kg.network.view.to_networkx`:
one node per organisation, one edge per pair of organisations that are parties to
at least one common agreement, with ``deals`` (count) and ``agreements`` (IRIs).
"Deals" always counts agreements, as ``kg orgs`` does: an organisation's deals are the
agreements it is a party to (a three-party agreement is one deal, not two pairs), and a
pair's deals the agreements they share. Names are found by
:func:`kg.query.names.resolve_organization`, as in every command.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import Graph

from kg.errors import QueryError
from kg.network.view import company_network, to_networkx
from kg.query.names import resolve_organization


@dataclass(frozen=True)
class Network:
    """The full projection and its company view, built once per command."""

    graph: Graph
    full: nx.MultiDiGraph
    companies: nx.Graph

    @classmethod
    def of(cls, graph: Graph) -> Network:
        full = to_networkx(graph)
        return cls(graph, full, company_network(full))

    def label(self, node: str) -> str:
        return str(self.full.nodes[node].get("label", node)) if node in self.full else node

    def find(self, name: str) -> str:
        """The organisation node named *name* (label, alias, IRI or ``org-…`` key), found by
        :func:`kg.query.names.resolve_organization` as every command finds it.

        :raises QueryError: when no organisation or several match (with close names).
        """
        return str(resolve_organization(self.graph, name))


def neighbors(graph: Graph, name: str) -> list[dict[str, Any]]:
    """The organisations that share a deal with *name*, with the deals they share."""
    net = Network.of(graph)
    node = net.find(name)
    rows = []
    for other in net.companies.neighbors(node):
        data = net.companies.edges[node, other]
        rows.append(
            {
                "organization": net.label(other),
                "deals": int(data.get("deals", 0)),
                "agreements": [net.label(a) for a in sorted(data.get("agreements", []))],
            }
        )
    return sorted(rows, key=lambda r: (-r["deals"], r["organization"]))


def path(graph: Graph, source: str, target: str) -> list[dict[str, Any]]:
    """The shortest chain of deals linking two organisations: one row per hop.

    :raises QueryError: when the organisations are not connected.
    """
    net = Network.of(graph)
    a, b = net.find(source), net.find(target)
    try:
        hops = nx.shortest_path(net.companies, a, b)
    except nx.NetworkXNoPath as exc:
        raise QueryError(f"no chain of deals links {source!r} and {target!r}") from exc
    rows = []
    for left, right in zip(hops, hops[1:], strict=False):
        data = net.companies.edges[left, right]
        rows.append(
            {
                "from": net.label(left),
                "to": net.label(right),
                "agreements": [net.label(x) for x in sorted(data.get("agreements", []))],
            }
        )
    return rows


def centrality(graph: Graph) -> list[dict[str, Any]]:
    """Degree, PageRank and betweenness of every organisation in the deal network."""
    net = Network.of(graph)
    g = net.companies
    if g.number_of_nodes() == 0:
        return []
    pagerank = nx.pagerank(g, weight="deals") if g.number_of_edges() else {n: 1 / len(g) for n in g}
    betweenness = nx.betweenness_centrality(g)
    rows = [
        {
            "organization": net.label(n),
            "degree": int(g.degree(n)),
            "deals": int(g.nodes[n].get("deals", 0)),
            "pagerank": round(float(pagerank[n]), 6),
            "betweenness": round(float(betweenness[n]), 6),
        }
        for n in g.nodes
    ]
    return sorted(rows, key=lambda r: (-r["pagerank"], r["organization"]))


def communities(graph: Graph) -> list[dict[str, Any]]:
    """Groups of organisations more linked by deals to each other than to the rest
    (greedy modularity; deterministic for a given graph)."""
    net = Network.of(graph)
    g = net.companies
    if g.number_of_edges() == 0:
        groups = [{n} for n in g.nodes]
    else:
        groups = [
            set(c) for c in nx.algorithms.community.greedy_modularity_communities(g, weight="deals")
        ]
    named = [sorted(net.label(n) for n in group) for group in groups]
    named.sort(key=lambda members: (-len(members), members))
    return [{"community": i + 1, "size": len(m), "organizations": m} for i, m in enumerate(named)]
