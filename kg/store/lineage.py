"""Lineage in a store: relink the agreements a change touches, across documents.

An agreement's lineage (what it extends, amends or supersedes, which clauses it
supersedes) depends on the other agreements between the same companies, in any
document. The links live in their own named graph (:data:`kg.store.directory.LINEAGE_GRAPH`),
derived from the document graphs and recomputed by :func:`relink_lineage` for the
companies an ingest or a removal touches, with :func:`kg.lineage.link.link_lineage`. The
valid and reporting times of the agreements and clauses (:mod:`kg.lineage.validity`) are
derived the same way and live beside the links, so "in force" on a store is always that of
its current documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

import networkx as nx
import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg.lineage.link import LINK_PREDICATES, link_lineage
from kg.lineage.validity import valid_time_triples
from kg.rdf.graphs import graph_of, select
from kg.rdf.iris import iri_for
from kg.rdf.vocab import DK, ID, sparql_prologue
from kg.store.directory import (
    LINEAGE_GRAPH,
)

LINEAGE_CHUNK_DOCUMENTS = 1000
"""Documents read into memory at once to relink lineages (whole lineages per chunk)."""


_ORG_PREFIX = str(ID) + "org-"


def parties_of(store: ox.Store, graphs: Sequence[str]) -> set[str]:
    """The keys of the parties of the agreements in the document graphs *graphs*."""
    if not graphs:
        return set()
    return party_keys(o for (o,) in select(store, parties_query(graphs)))


def parties_query(graphs: Sequence[str]) -> str:
    """The SELECT of the parties (``?o``) of the agreements in the document graphs *graphs*."""
    values = " ".join(f"<{g}>" for g in graphs)
    return (
        sparql_prologue()
        + f"SELECT DISTINCT ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?a dk:hasParty ?o }} }}"
    )


def party_keys(iris: Iterable[str | None]) -> set[str]:
    """The organisation keys of party IRIs (what :func:`relink_lineage` takes)."""
    return {o.removeprefix(_ORG_PREFIX) for o in iris if o is not None}


def _lineage_triples(store: ox.Store, graphs: Sequence[str]) -> Iterable[ox.Triple]:
    """What :func:`kg.lineage.link.link_lineage` reads of *graphs*: agreements, clauses and
    amounts, the mentions that are their evidence, and the documents without their texts
    (organisation mentions and texts are most of a document graph)."""
    if not graphs:
        return []
    values = " ".join(f"<{g}>" for g in graphs)
    query = sparql_prologue() + (
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?g { " + values + " } GRAPH ?g { "
        "{ ?s a ?kind . FILTER(?kind IN (dk:Agreement, dk:Clause, dk:MonetaryAmount, "
        "dk:SourceDocument)) } UNION { ?deal a ?kind ; dk:evidence ?s . "
        "FILTER(?kind IN (dk:Agreement, dk:Clause, dk:MonetaryAmount)) } "
        "?s ?p ?o . FILTER(?p != nif:isString) } }"
    )
    triples = store.query(query)
    assert isinstance(triples, ox.QueryTriples)
    return triples


def relink_lineage(
    store: ox.Store,
    parties: Iterable[str],
    *,
    chunk_size: int = LINEAGE_CHUNK_DOCUMENTS,
    changed: set[str] | None = None,
) -> int:
    """Recompute the lineage links of every agreement one of *parties* (org keys) is in.

    An agreement's lineage (what it extends, amends or supersedes, which clauses it
    supersedes) depends on the other agreements between the same companies, in any
    document. The documents holding those agreements are read into memory a chunk of
    whole lineages at a time (about *chunk_size* documents, so memory stays bounded),
    linked by :func:`kg.lineage.link.link_lineage`, and the links of their agreements in the
    lineage graph replaced, one transaction per chunk. Returns the number of links written;
    the IRIs at either end of a link or valid time that changed are added to *changed*.
    """
    keys = sorted(set(parties))
    if not keys:
        return 0
    written = sum(
        _relink_documents(store, graphs, changed)
        for graphs in _lineage_chunks(store, keys, chunk_size)
    )
    # the links of agreements no document states any more (a removed document's)
    store.update(
        f"DELETE {{ GRAPH <{LINEAGE_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{LINEAGE_GRAPH}> "
        f"{{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?g {{ ?s a ?kind }} "
        f"FILTER(?g != <{LINEAGE_GRAPH}>) }} }}"
    )
    return written


def _lineage_chunks(store: ox.Store, keys: Sequence[str], size: int) -> list[list[str]]:
    """The document graphs holding agreements of *keys*, in chunks of about *size* that
    never split a lineage: agreements sharing two parties are always in one chunk."""
    values = " ".join(f"<{iri_for('org', key)}>" for key in keys)
    query = sparql_prologue() + (
        f"SELECT DISTINCT ?g ?a ?o WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g "
        "{ ?a a dk:Agreement ; dk:hasParty ?p , ?o } }"
    )
    parties: dict[tuple[str, str], set[str]] = {}
    for g, agreement, party in select(store, query):
        if g is not None and agreement is not None and party is not None and g != LINEAGE_GRAPH:
            parties.setdefault((g, agreement), set()).add(party)
    # a lineage is a connected set of agreements; agreements meet through a party pair
    components = nx.Graph()
    for (g, _agreement), members in parties.items():
        components.add_node(g)
        for pair in combinations(sorted(members), 2):
            components.add_edge(g, pair)
    chunks: list[list[str]] = []
    for component in sorted(
        (sorted(n for n in c if isinstance(n, str)) for c in nx.connected_components(components)),
        key=lambda graphs: graphs[0],
    ):
        if chunks and len(chunks[-1]) + len(component) <= size:
            chunks[-1].extend(component)
        else:
            chunks.append(component)
    return chunks


def _relink_documents(store: ox.Store, graphs: Sequence[str], changed: set[str] | None) -> int:
    """Link the agreements of the document graphs *graphs* (whole lineages) and replace
    their links in the lineage graph, in one transaction; the ends of the links that
    changed go into *changed*."""
    documents = graph_of(_lineage_triples(store, graphs))
    subjects = {
        str(s) for s in documents.subjects(RDF.type, DK.Agreement) if isinstance(s, URIRef)
    } | {str(s) for s in documents.subjects(RDF.type, DK.Clause) if isinstance(s, URIRef)}
    report = link_lineage(documents)
    links = [
        (f"<{link.source}>", f"<{LINK_PREDICATES[link.predicate]}>", f"<{link.target}>")
        for link in report.links
    ] + [
        (f"<{iri}>", f"<{DK.dateInferredFromDocument}>", Literal(True).n3())
        for iri in report.dates_inferred
    ]
    times = {time.node: time for time in report.valid_times}
    links += [(s.n3(), p.n3(), o.n3()) for s, p, o in valid_time_triples(times)]
    if changed is not None:
        changed |= _changed_ends(store, subjects, links)
    triples = [f"{s} {p} {o} ." for s, p, o in links]
    operations = []
    if subjects:
        values = " ".join(f"<{s}>" for s in sorted(subjects))
        operations.append(
            f"DELETE {{ GRAPH <{LINEAGE_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s "
            f"{{ {values} }} GRAPH <{LINEAGE_GRAPH}> {{ ?s ?p ?o }} }}"
        )
    if triples:
        operations.append(f"INSERT DATA {{ GRAPH <{LINEAGE_GRAPH}> {{ {' '.join(triples)} }} }}")
    if operations:
        store.update(" ;\n".join(operations))  # one transaction: old links out, new links in
    return len(triples)


def _changed_ends(
    store: ox.Store, subjects: Iterable[str], links: Sequence[tuple[str, str, str]]
) -> set[str]:
    """The IRIs at either end of the lineage triples of *subjects* that *links* (their new
    triples, as N-Triples terms) add or drop."""
    graph = ox.NamedNode(LINEAGE_GRAPH)
    old = {
        (str(q.subject), str(q.predicate), str(q.object))
        for s in subjects
        for q in store.quads_for_pattern(ox.NamedNode(s), None, None, graph)
    }
    return {
        term[1:-1]
        for s, _, o in old.symmetric_difference(links)
        for term in (s, o)
        if term.startswith("<")
    }


def lineage_neighbours(store: ox.Store, graphs: Sequence[str]) -> set[str]:
    """The IRIs linked by a lineage triple, either way, to a node of the document *graphs*:
    what a change of those documents can change the lineage of."""
    if not graphs:
        return set()
    values = " ".join(f"<{g}>" for g in graphs)
    query = (
        f"SELECT DISTINCT ?n WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?x a ?kind }} "
        f"GRAPH <{LINEAGE_GRAPH}> {{ {{ ?x ?p ?n }} UNION {{ ?n ?p ?x }} }} FILTER(isIRI(?n)) }}"
    )
    return {n for (n,) in select(store, query) if n is not None}
