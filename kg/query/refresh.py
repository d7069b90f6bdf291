"""Bringing the answers a store keeps ready (:mod:`kg.query.kept`) up to date with what a
writing session changed, or rebuilding them.

Rows of ``# keep: per ?var`` queries are computed on the neighbourhood of the documents
they belong to (:func:`neighbourhood_store`) with the query itself, so a kept row is what
the query finds; ``# keep: whole`` answers are recomputed in place. Called by
:func:`kg.pipeline.ingest` and :func:`kg.pipeline.remove_documents` after the store
changed, before it is closed (the close writes the stamp).
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kg.query.kept import KeptQuery, Row, create_table, insert_rows, kept_queries
from kg.query.run import run_query
from kg.rdf.ontology import ontology_quads
from kg.rdf.vocab import ID
from kg.store.answers import ANSWERS_VERSION, connect, read_meta, write_meta
from kg.store.directory import (
    DERIVED_GRAPHS,
    LINEAGE_GRAPH,
    PersistentStore,
    StoreError,
)
from kg.store.entities import ENTITIES_GRAPH

KEPT_CHUNK_DOCUMENTS = 1000
"""Documents whose neighbourhood is read into memory at once to compute their rows."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RefreshReport:
    """What bringing a store's kept answers up to date did."""

    rebuilt: bool
    documents: int  # documents whose rows were recomputed
    rows: int
    seconds: float
    queries: tuple[str, ...] = ()


def refresh_answers(
    store: PersistentStore,
    *,
    chunk_size: int = KEPT_CHUNK_DOCUMENTS,
    progress: Progress | None = None,
) -> RefreshReport:
    """Bring the kept answers of *store* up to date with what this session changed
    (``store.changes``), or rebuild them when they did not describe the store when it was
    opened (an older store, a store written by anything else since). The stamp saying
    they are current is written when the store is closed.

    :raises StoreError: when *store* was opened read-only.
    """
    if not store.writable:
        raise StoreError(f"{store.path}: opened read-only; open it with open_store() to write")
    started = time.perf_counter()
    queries = kept_queries()
    changes = store.changes
    connection = connect(store.path, create=True)
    if connection is None:
        raise StoreError(f"{store.path}: cannot write its kept answers ({ANSWERS_VERSION})")
    try:
        connection.execute("BEGIN IMMEDIATE")
        write_meta(connection, "stamp", None)  # readers stop trusting the rows from here
        rebuild = (
            not changes.base_current
            or changes.everything
            or read_meta(connection, "version") != str(ANSWERS_VERSION)
            or any(read_meta(connection, f"digest:{q.name}") != q.digest for q in queries)
        )
        if rebuild:
            _drop_other_tables(connection, queries)
            for kept in queries:
                create_table(connection, kept)
            documents = set(store.document_graphs())
        else:
            documents = affected_documents(
                store, changes.documents, changes.entities | changes.nodes
            )
        per = [q for q in queries if q.mode == "per"]
        rows = _refresh_per_document(store, connection, per, documents, chunk_size, progress)
        if rebuild or changes.any:
            rows += _refresh_whole(store, connection, [q for q in queries if q.mode == "whole"])
        write_meta(connection, "version", str(ANSWERS_VERSION))
        for kept in queries:
            write_meta(connection, f"digest:{kept.name}", kept.digest)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()
    changes.clear()
    return RefreshReport(
        rebuilt=rebuild,
        documents=len(documents),
        rows=rows,
        seconds=time.perf_counter() - started,
        queries=tuple(q.name for q in queries),
    )


def _drop_other_tables(connection: sqlite3.Connection, queries: Sequence[KeptQuery]) -> None:
    wanted = {q.table for q in queries}
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'answers_%'"
        )
    ]
    for name in tables:
        if name not in wanted:
            connection.execute(f'DROP TABLE "{name}"')
    connection.execute("DELETE FROM meta WHERE key LIKE 'digest:%'")


def affected_documents(
    store: PersistentStore, documents: Iterable[str], nodes: Iterable[str]
) -> set[str]:
    """*documents* and the document graphs that name one of *nodes* (entities whose facts
    changed, agreements and clauses whose lineage changed)."""
    found = set(documents)
    wanted = sorted(set(nodes))
    derived = set(DERIVED_GRAPHS)
    for start in range(0, len(wanted), 500):
        values = " ".join(f"<{n}>" for n in wanted[start : start + 500])
        query = (
            f"SELECT DISTINCT ?g WHERE {{ VALUES ?n {{ {values} }} "
            "GRAPH ?g { { ?n ?p ?o } UNION { ?s ?p ?n } } }"
        )
        solutions = store.ox.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            graph = solution[0]
            if isinstance(graph, ox.NamedNode) and graph.value not in derived:
                found.add(graph.value)
    return found


def _refresh_per_document(
    store: PersistentStore,
    connection: sqlite3.Connection,
    queries: Sequence[KeptQuery],
    documents: set[str],
    chunk_size: int,
    progress: Progress | None,
) -> int:
    if not queries or not documents:
        return 0
    ordered = sorted(documents)
    for kept in queries:
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            connection.execute(f'DELETE FROM "{kept.table}" WHERE doc IN ({marks})', chunk)
    present = [g for g in ordered if store.ox.contains_named_graph(ox.NamedNode(g))]
    written = 0
    for start in range(0, len(present), max(1, chunk_size)):
        chunk = present[start : start + max(1, chunk_size)]
        with tempfile.TemporaryDirectory(prefix=".answers-", dir=store.path) as folder:
            neighbourhood, owner = neighbourhood_store(store.ox, chunk, Path(folder))
            for kept in queries:
                written += insert_rows(connection, kept, _owned_rows(neighbourhood, kept, owner))
            del neighbourhood  # closes its database before the folder goes
        if progress is not None:
            progress(start + len(chunk), len(present))
    return written


def _owned_rows(
    neighbourhood: ox.Store, kept: KeptQuery, owner: Mapping[str, str]
) -> Iterator[tuple[str, Row]]:
    """The rows of *kept* on a neighbourhood, each with the document it belongs to; rows
    of nodes the neighbourhood holds only in part (another document's) are left out."""
    by = kept.variables.index(kept.query.keep.by or "")
    for row in run_query(neighbourhood, kept.query.sparql).rows:
        node = row[by]
        doc = owner.get(str(node)) if isinstance(node, URIRef) else None
        if doc is not None:
            yield doc, row


def _refresh_whole(
    store: PersistentStore, connection: sqlite3.Connection, queries: Sequence[KeptQuery]
) -> int:
    written = 0
    for kept in queries:
        connection.execute(f'DELETE FROM "{kept.table}"')
        rows = run_query(store.ox, kept.query.sparql).rows
        written += insert_rows(connection, kept, (("", row) for row in rows))
    return written


_ENTITY_PREFIXES = (str(ID) + "org-", str(ID) + "product-")
_LINEAGE_PREFIXES = (str(ID) + "agreement-", str(ID) + "clause-", str(ID) + "doc-")


def neighbourhood_store(
    store: ox.Store, graphs: Sequence[str], folder: Path
) -> tuple[ox.Store, dict[str, str]]:
    """A store in *folder* of what the rows of the document *graphs* read: their triples,
    the entity facts of the organisations and products they name, the lineage triples of
    their agreements, clauses and documents (either end), and the ontology in the default
    graph, laid out as a store is. Also returns which document each subject belongs to.

    On disk, not in memory: Oxigraph's in-memory storage iterates in another order than
    its RocksDB one, and the order of the values a GROUP_CONCAT joins follows it; on disk
    the query gives exactly the rows it gives on the store."""
    inside = ox.NamedNode("urn:kg:neighbourhood")
    quads: list[ox.Quad] = []
    owner: dict[str, str] = {}
    entities: set[ox.NamedNode] = set()
    linked: set[ox.NamedNode] = set()
    for graph in graphs:
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            quads.append(ox.Quad(q.subject, q.predicate, q.object, inside))
            for term in (q.subject, q.object):
                if isinstance(term, ox.NamedNode):
                    if term.value.startswith(_ENTITY_PREFIXES):
                        entities.add(term)
                    elif term.value.startswith(_LINEAGE_PREFIXES):
                        linked.add(term)
            if isinstance(q.subject, ox.NamedNode):
                owner.setdefault(q.subject.value, graph)
    entities_graph, lineage = ox.NamedNode(ENTITIES_GRAPH), ox.NamedNode(LINEAGE_GRAPH)
    found: set[ox.Quad] = set()
    for node in entities:
        found.update(store.quads_for_pattern(node, None, None, entities_graph))
    for node in linked:
        found.update(store.quads_for_pattern(node, None, None, lineage))
        found.update(store.quads_for_pattern(None, None, node, lineage))
    quads += [ox.Quad(q.subject, q.predicate, q.object, inside) for q in found]
    neighbourhood = ox.Store(str(folder))
    neighbourhood.bulk_extend(quads)
    neighbourhood.bulk_extend(ontology_quads())
    return neighbourhood, owner
