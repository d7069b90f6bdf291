"""A SPARQL 1.1 server as the store: ``kg build … --endpoint URL [--graph-store URL]``.

The server holds what a local store holds, graph for graph: one named graph per document,
the entities and support graphs (:mod:`kg.store.entities`), the lineage graph and the
ontology. A build writes straight into it, batch by batch:

1. organisations are resolved against those the server already holds (one query at the
   start, then the index grows with every batch, as a local ingest does);
2. per batch, one SPARQL update writes what the documents state about entities and
   recomputes the entities graph of the entities they name;
3. then each document's graph is sent with the Graph Store Protocol (``PUT``, one request
   per document), or, without a Graph Store URL, in the same update as step 2;
4. at the end the lineage of every company the build touched is relinked: its documents'
   agreements are read back into a scratch Oxigraph store, linked there
   (:func:`kg.store.lineage.relink_lineage`) and their links replaced on the server.

A document's graph is written after its entity facts, so a document graph on the server
always has its names. Document IRIs are content hashes, so a document whose graph the
server already holds is already there: a re-run after a failure reads the server's list
and extracts and writes only the documents still missing. Requests that fail for want of
a connection are retried a few times with a growing pause, then the build stops with an
:class:`EndpointError` saying so.

``kg remove --endpoint URL DOC…`` takes documents out of the server as ``kg remove`` takes
them out of a local store (:func:`remove_remote`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF

from kg.errors import OptionsError
from kg.models import Extraction
from kg.options import ProgressCallback
from kg.rdf.graphs import new_graph
from kg.rdf.iris import iri_for
from kg.rdf.vocab import DK, ID, sparql_prologue
from kg.resolve import ORG_INDEX_QUERY, OrgIndex, resolve_batch
from kg.store.directory import LINEAGE_GRAPH
from kg.store.entities import SUPPORT_GRAPH, supported_subjects_query
from kg.store.http import (
    N_TRIPLES,
    SPARQL_JSON,
    ServerError,
    SparqlClient,
    check_server_url,
    with_query,
)
from kg.store.ingest import (
    BATCH_DOCUMENTS,
    IngestReport,
    _document_quads,
    document_iri,
    document_update,
    split_entity_facts,
)
from kg.store.lineage import parties_query, party_keys, relink_lineage
from kg.store.push import ontology_payload, remote_counts, send_update
from kg.store.remove import (
    SOURCES_QUERY,
    RemoveReport,
    matching_documents,
    removal_update,
    source_pairs,
)

RETRIES = 4
"""Attempts per request when the server cannot be reached (pauses 0.5, 1, 2 s between)."""

_T = TypeVar("_T")


class EndpointError(ServerError):
    """The SPARQL server refused a write or went away during a build."""


@dataclass(frozen=True)
class Endpoint:
    """Where a SPARQL server takes queries, updates and (optionally) Graph Store requests.

    :param query: the SPARQL query URL.
    :param update: the SPARQL Update URL (default: *query*).
    :param graph_store: the Graph Store Protocol URL; without it documents go by update.
    """

    query: str
    update: str | None = None
    graph_store: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 120.0

    def __post_init__(self) -> None:
        for option, url in (
            ("--endpoint", self.query),
            ("--update-url", self.update),
            ("--graph-store", self.graph_store),
        ):
            if url is not None:
                check_server_url(url, option, OptionsError)


class RemoteStore:
    """A SPARQL server spoken to over HTTP, every request retried on connection errors."""

    def __init__(self, endpoint: Endpoint, retries: int = RETRIES) -> None:
        self.endpoint = endpoint
        self.client = SparqlClient(endpoint.user, endpoint.password, endpoint.timeout)
        self.retries = retries

    @property
    def update_url(self) -> str:
        return self.endpoint.update or self.endpoint.query

    def _retried(self, what: str, request: Callable[[], _T]) -> _T:
        pause = 0.5
        for attempt in range(self.retries):
            try:
                return request()
            except ServerError as exc:
                if exc.status is not None:  # the server answered: no retry
                    raise EndpointError(f"{what}: {exc}") from exc
                if attempt == self.retries - 1:
                    raise EndpointError(
                        f"{what}: the server at {self.endpoint.query} cannot be reached "
                        f"after {self.retries} attempts ({exc}); start it again and re-run "
                        "the same command: documents already written are not sent again"
                    ) from exc
                time.sleep(pause)
                pause *= 2
        raise AssertionError("unreachable")

    def query(self, query: str, accept: str = SPARQL_JSON) -> bytes:
        """The server's answer to *query* in the format *accept* (a media type)."""
        return self._retried(
            "query", lambda: self.client.post_query(self.endpoint.query, query, accept)
        )

    def select(self, query: str) -> list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]:
        """The rows of a SELECT, as Oxigraph terms."""
        data = self.query(query)
        solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [[solution[name] for name in names] for solution in solutions]

    def update(self, update: str) -> None:
        self._retried("update", lambda: self.client.post_update(self.update_url, update))

    def put_graph(self, graph: str, lines: Sequence[str]) -> None:
        """Replace *graph* on the server by *lines* (N-Triples) with one Graph Store PUT."""
        assert self.endpoint.graph_store is not None
        url = with_query(self.endpoint.graph_store, {"graph": graph})
        body = "".join(line + "\n" for line in lines).encode("utf-8")
        self._retried(
            f"PUT {graph}",
            lambda: self.client.request("PUT", url, body, {"Content-Type": N_TRIPLES}),
        )

    def document_graphs(self) -> set[str]:
        """The IRIs of the document graphs the server holds (each names its document)."""
        query = sparql_prologue() + (
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a dk:SourceDocument } }"
        )
        return {row[0].value for row in self.select(query) if isinstance(row[0], ox.NamedNode)}

    def write_ontology(self) -> None:
        """Send the ontology graph when the server does not hold this version of it."""
        payload = ontology_payload()
        counts = self._retried(
            "count", lambda: remote_counts(self.endpoint.query, [payload.graph], client=self.client)
        )
        if counts.get(payload.graph) == len(payload.lines):
            return
        if self.endpoint.graph_store:
            self.put_graph(payload.graph, payload.lines)
        else:  # blank nodes (OWL lists) cannot go in INSERT DATA on every server
            self._retried(
                "update",
                lambda: send_update(self.client, self.update_url, [payload], len(payload.lines)),
            )


def remote_graph(endpoint: Endpoint) -> Graph:
    """The data on the server as one in-memory graph, each triple once: the union of its
    document, entities and lineage graphs (not the ontology, not the support graph), what
    :func:`kg.store.directory.store_graph` gives for a local store. For the commands that
    read a whole graph (``kg render``, ``kg timeline``, ``kg serve --endpoint``).

    :raises EndpointError: when the server cannot be reached or refuses the query.
    """
    skip = ", ".join(f"<{g}>" for g in (SUPPORT_GRAPH, ontology_payload().graph))
    query = (
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), '{ID}') && ?g NOT IN ({skip})) }}"
    )
    data = RemoteStore(endpoint).query(query, N_TRIPLES)
    graph = new_graph()
    try:
        graph.parse(data=data.decode("utf-8"), format="nt")
    except (ValueError, SyntaxError) as exc:
        raise EndpointError(f"{endpoint.query}: an answer that is not N-Triples: {exc}") from exc
    return graph


# --------------------------------------------------------------------------- ingest


def ingest_remote(
    server: RemoteStore,
    extractions: Iterable[Extraction],
    *,
    batch_size: int = BATCH_DOCUMENTS,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Write a stream of *extractions* into the SPARQL server, one named graph per document
    (see the module's docstring). Documents the server already holds are skipped by the
    caller (:func:`kg.pipeline.ingest_endpoint`), before extraction.

    :raises EndpointError: when the server refuses a write or cannot be reached.
    """
    started = time.perf_counter()
    server.write_ontology()
    index = OrgIndex.from_rows(_values(server.select(sparql_prologue() + ORG_INDEX_QUERY)))
    written = tokens = quads = 0
    touched: set[str] = set()
    for batch in _batches(extractions, batch_size):
        resolved = resolve_batch(batch, index)
        quads += _write_batch(server, resolved)
        touched |= {p for e in resolved for a in e.agreements for p in a.parties}
        index.add(o for e in resolved for o in e.organizations)
        written += len(batch)
        tokens += sum(e.tokens for e in batch)
        if progress is not None:
            progress(written, 0)
    relink_remote(server, touched)
    return IngestReport(
        documents=written,
        replaced=0,
        tokens=tokens,
        quads=quads,
        seconds=time.perf_counter() - started,
    )


def _values(
    rows: Iterable[Sequence[ox.NamedNode | ox.BlankNode | ox.Literal | None]],
) -> Iterator[list[str | None]]:
    for row in rows:
        yield [None if term is None else term.value for term in row]


def _batches(items: Iterable[Extraction], size: int) -> Iterator[list[Extraction]]:
    iterator = iter(items)
    while batch := list(islice(iterator, max(1, size))):
        yield batch


def _write_batch(server: RemoteStore, extractions: Sequence[Extraction]) -> int:
    """Entity facts first (one update), then the document graphs; returns their quads."""
    graphs = [(str(document_iri(e.document.id)), _document_quads(e)) for e in extractions]
    if not server.endpoint.graph_store:
        update, quads = document_update(graphs, [g for g, _ in graphs])
        server.update(update)
        return quads
    # the support and entities part of the update: documents with no triples of their own
    facts_only = [(g, [q for q in qs if _is_fact(q)]) for g, qs in graphs]
    update, _ = document_update(facts_only, [])
    server.update(update)
    quads = 0
    for graph, own_quads in graphs:
        own, _facts = split_entity_facts(own_quads)
        server.put_graph(graph, sorted(f"{s} {p} {o} ." for s, p, o in own))
        quads += len(own)
    return quads


def _is_fact(quad: ox.Quad) -> bool:
    _own, facts = split_entity_facts([quad])
    return bool(facts)


# --------------------------------------------------------------------------- lineage


def relink_remote(server: RemoteStore, parties: Iterable[str]) -> int:
    """Recompute on the server the lineage links of every agreement one of *parties* is in."""
    keys = sorted(set(parties))
    if not keys:
        return 0
    scratch = ox.Store()
    values = " ".join(f"<{iri_for('org', k)}>" for k in keys)
    rows = server.select(
        sparql_prologue()
        + f"SELECT ?g ?s ?p ?o WHERE {{ {{ SELECT DISTINCT ?g WHERE {{ VALUES ?party {{ {values} }} "
        "GRAPH ?g { ?a a dk:Agreement ; dk:hasParty ?party } } } GRAPH ?g { ?s ?p ?o } "
        "FILTER(?p != nif:isString) }"
    )
    scratch.extend(
        ox.Quad(s, p, o, g)  # type: ignore[arg-type]
        for g, s, p, o in rows
        if isinstance(g, ox.NamedNode) and str(g.value) != LINEAGE_GRAPH
    )
    written = relink_lineage(scratch, keys)
    lineage = ox.NamedNode(LINEAGE_GRAPH)
    kinds = {ox.NamedNode(str(DK.Agreement)), ox.NamedNode(str(DK.Clause))}
    subjects = {
        str(q.subject)
        for q in scratch.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None)
        if q.object in kinds
    } | {str(q.subject) for q in scratch.quads_for_pattern(None, None, None, lineage)}
    links = [f"{q.triple} ." for q in scratch.quads_for_pattern(None, None, None, lineage)]
    operations = []
    if subjects:
        operations.append(
            f"DELETE {{ GRAPH <{LINEAGE_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s "
            f"{{ {' '.join(sorted(subjects))} }} GRAPH <{LINEAGE_GRAPH}> {{ ?s ?p ?o }} }}"
        )
    if links:
        operations.append(f"INSERT DATA {{ GRAPH <{LINEAGE_GRAPH}> {{ {' '.join(links)} }} }}")
    if operations:
        server.update(" ;\n".join(operations))
    return written


# --------------------------------------------------------------------------- removal


def remove_remote(server: RemoteStore, doc_ref: str) -> RemoveReport:
    """Remove from the server the document(s) *doc_ref* names, and every fact only they
    stated, as :func:`kg.store.remove.remove` does in a local store: their graphs and
    support rows go, the entity facts of what they named are recomputed from the
    documents left (one update), and the lineages of their parties are relinked.

    :raises EndpointError: when nothing on the server matches, or it refuses the update.
    """
    graphs = matching_documents(
        doc_ref,
        server.document_graphs(),
        lambda: source_pairs(_values(server.select(SOURCES_QUERY))),
    )
    if not graphs:
        raise EndpointError(
            f"{doc_ref}: no such document on {server.endpoint.query} "
            "(give a document id doc-…, its IRI, or the source path it was built from)"
        )
    sizes = remote_counts(server.endpoint.query, graphs, client=server.client)
    touched = party_keys(row[0] for row in _values(server.select(parties_query(graphs))))
    subjects = {row[0] for row in _values(server.select(supported_subjects_query(graphs)))}
    update = removal_update(graphs, sorted(s for s in subjects if s is not None))
    server.update(_unlink_removed(graphs) + " ;\n" + update)
    relink_remote(server, touched)
    return RemoveReport(tuple(graphs), sum(sizes.get(g, 0) for g in graphs))


def _unlink_removed(graphs: Sequence[str]) -> str:
    """The update deleting the lineage links of what only *graphs* state (run before they
    go): a local store finds such dangling links by a scan of its lineage graph after the
    removal (:func:`kg.store.lineage.relink_lineage`), too costly on a large server."""
    values = " ".join(f"<{g}>" for g in graphs)
    return (
        f"DELETE {{ GRAPH <{LINEAGE_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {values} }} "
        f"GRAPH ?g {{ ?s a ?kind }} GRAPH <{LINEAGE_GRAPH}> {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s a ?other }} "
        f"FILTER(?h NOT IN ({values.replace(' ', ', ')}, <{LINEAGE_GRAPH}>)) }} }}"
    )


def remove_from_endpoint(endpoint: Endpoint, refs: Sequence[str]) -> list[RemoveReport]:
    """Remove each document *refs* names (id, IRI or source path) from the server."""
    server = RemoteStore(endpoint)
    return [remove_remote(server, ref) for ref in refs]
