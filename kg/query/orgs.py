"""``kg orgs``: every organisation of a graph with its aliases and how many documents and
deals name it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from kg.rdf.snapshot import select

Q_ORG_COUNTS = """
SELECT ?org ?label (COUNT(DISTINCT ?doc) AS ?documents) (COUNT(DISTINCT ?agreement) AS ?deals)
WHERE {
  ?org a dk:Organization ; rdfs:label ?label .
  OPTIONAL { ?org dk:evidence/dk:inDocument ?doc }
  OPTIONAL { ?agreement dk:hasParty ?org }
} GROUP BY ?org ?label
"""


Q_ALIASES = "SELECT ?org ?alias WHERE { ?org a dk:Organization ; skos:altLabel ?alias }"


def organizations(graph: Graph) -> list[dict[str, Any]]:
    """Every organisation with its aliases and the number of documents and deals naming it."""
    aliases: dict[Node | None, list[str]] = defaultdict(list)
    for org, alias in select(graph, Q_ALIASES):
        aliases[org].append(str(alias))
    rows = [
        {
            "name": str(label),
            "iri": str(org),
            "aliases": sorted(aliases[org]),
            "documents": int(str(documents)),
            "deals": int(str(deals)),
        }
        for org, label, documents, deals in select(graph, Q_ORG_COUNTS)
    ]
    return sorted(rows, key=lambda r: (-r["deals"], r["name"]))
