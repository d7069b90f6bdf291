"""``KnowledgeGraph``: a built graph and the things a user does with it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.rdf.graphs import load_graph, triple_count, write_turtle
from kg.rdf.snapshot import select
from kg.rdf.vocab import DK

if TYPE_CHECKING:
    import networkx as nx

    from kg.lineage.validity import ValidTime
    from kg.models import BuildReport
    from kg.query.run import QueryResult
    from kg.rdf.ontology import ValidationResult


@dataclass(frozen=True)
class GraphStats:
    documents: int
    organizations: int
    agreements: int
    clauses: int
    triples: int

    def to_dict(self) -> dict[str, int]:
        return {
            "documents": self.documents,
            "organizations": self.organizations,
            "agreements": self.agreements,
            "clauses": self.clauses,
            "triples": self.triples,
        }


_COUNT = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}"


class KnowledgeGraph:
    """An RDF graph of deals (rdflib on the Oxigraph store) with its build report.

    A build also hands over the valid times its lineage stage computed
    (:attr:`kg.lineage.link.LineageReport.valid_times`), so the map does not order every
    lineage again; they are used only while the graph has as many triples as it had then.
    """

    def __init__(
        self,
        graph: Graph,
        report: BuildReport | None = None,
        *,
        valid_times: Iterable[ValidTime] = (),
    ) -> None:
        self.graph = graph
        self.report = report
        self._valid_times = {time.node: time for time in valid_times}
        self._valid_for = triple_count(graph) if self._valid_times else -1

    @classmethod
    def load(cls, path: str | Path) -> KnowledgeGraph:
        """Load a graph written by ``kg build`` (Turtle or another RDF format)."""
        return cls(load_graph(path))

    def count(self, cls_iri: Node) -> int:
        rows = select(self.graph, _COUNT.format(cls=cls_iri))
        return int(str(rows[0][0]))

    def stats(self) -> GraphStats:
        return GraphStats(
            documents=self.count(DK.SourceDocument),
            organizations=self.count(DK.Organization),
            agreements=self.count(DK.Agreement),
            clauses=self.count(DK.Clause),
            triples=triple_count(self.graph),
        )

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a SPARQL query (the project's prefixes are predeclared)."""
        from kg.query.run import run_query

        return run_query(self.graph, sparql, bindings)

    def named_query(self, name: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        from kg.query.run import run_named_query

        return run_named_query(self.graph, name, bindings)

    def validate(self, engine: str = "kg") -> ValidationResult:
        """Check the graph against the SHACL shapes; *engine* ``"pyshacl"`` checks the core
        constraints with pySHACL (the reference) instead of kg's own engine."""
        from kg.rdf.ontology import validate

        return validate(self.graph, engine=engine)

    def valid_times(self) -> Mapping[URIRef, ValidTime] | None:
        """The valid times the build computed, or None once the graph has changed since
        (a caller then lets the projection compute them from the graph)."""
        return self._valid_times if self._valid_for == triple_count(self.graph) else None

    def to_networkx(self) -> nx.MultiDiGraph[Any]:
        from kg.network.view import to_networkx

        return to_networkx(self.graph, valid_times=self.valid_times())

    def write_turtle(self, path: str | Path) -> None:
        write_turtle(self.graph, path)

    def render_html(self, path: str | Path, **options: Any) -> Any:
        from kg.render.map import render_html

        return render_html(self.graph, path, valid_times=self.valid_times(), **options)

    def __len__(self) -> int:
        return triple_count(self.graph)
