"""Writing documents into a store: a persistent, incrementally updated knowledge graph,
one named graph per document. The store folder itself (layout, lock, opening, reading) is
:mod:`kg.store.directory`; removal is :mod:`kg.store.remove`, relinking lineages
:mod:`kg.store.lineage`.

Each source document's facts live in a named graph whose name is the document's own IRI
(``dkid:doc-<hash>``): its ``dk:SourceDocument`` node, mentions, agreements, clauses,
amounts, and the organisation and product nodes it mentions (type, label, the aliases *it*
uses). Re-ingesting a document replaces its graph and nothing else; removing a document
drops its graph, so a fact stays exactly as long as one document still states it.

The default graph holds the core ontology and the concept schemes, rewritten by every
ingest that finds them missing or outdated. Queries run on the store in place
(:func:`kg.query.run.run_query` on ``store.ox``) over the union of all graphs, default graph
included; a triple several documents state is then seen once per document graph, so the
named queries are written to be duplicate-safe (DISTINCT rows, COUNT(DISTINCT …)).

Organisations are resolved across the whole store with the rules of :mod:`kg.resolve`: a
new document's organisation that matches one already stored gets the stored key and name.
Stored organisations are never re-keyed (that would rewrite other documents' graphs), so
when a new document links two stored organisations, the smaller key wins for it and the
two stay apart.

Crash safety: a batch of documents is written in one Oxigraph transaction (``extend`` or
one SPARQL update), so a process killed at any point leaves each document's graph wholly
old or wholly new. Two writers are kept apart by an advisory lock taken before Oxigraph
opens its RocksDB files.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox
from rdflib import URIRef

from kg.models import Extraction, Problem
from kg.options import ProgressCallback
from kg.rdf.iris import iri_for
from kg.rdf.mapping import doc_key, to_graph
from kg.resolve import OrgIndex, resolve_batch
from kg.store.directory import (
    PersistentStore,
    StoreError,
    write_ontology,
)
from kg.store.lineage import parties_of, relink_lineage

BATCH_DOCUMENTS = 64
"""Documents resolved and written per transaction."""


@dataclass(frozen=True)
class IngestReport:
    """What an ingest read, wrote and skipped."""

    documents: int
    replaced: int
    tokens: int
    quads: int
    seconds: float
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    violations: int | None = None  # SHACL violations of the documents written, if checked
    stages: tuple[tuple[str, float], ...] = ()  # seconds per stage (ingest, validate)


# --------------------------------------------------------------------------- ingest


def ingest_extractions(
    store: PersistentStore,
    extractions: Iterable[Extraction],
    *,
    batch_size: int = BATCH_DOCUMENTS,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Write a stream of *extractions* into *store*, one named graph per document,
    replacing older versions.

    Extractions are resolved against the organisations already stored and written in
    batches of *batch_size* documents, each batch in one transaction; then the lineages
    they touch are relinked. The ontology in the default graph is brought up to date first
    (:func:`write_ontology`). :func:`kg.pipeline.ingest` reads and extracts the stream.

    :raises StoreError: when *store* was opened read-only.
    """
    if not store.writable:
        raise StoreError(f"{store.path}: opened read-only; open it with open_store() to write")
    started = time.perf_counter()
    write_ontology(store.ox)
    index = OrgIndex.from_store(store.ox)
    written = replaced = tokens = quads = 0
    touched: set[str] = set()
    for batch in _batches(extractions, batch_size):
        resolved = resolve_batch(batch, index)
        touched |= parties_of(store.ox, [document_iri(e.document.id) for e in resolved])
        counts = _write_batch(store.ox, resolved)
        touched |= {p for e in resolved for a in e.agreements for p in a.parties}
        index.add(o for e in resolved for o in e.organizations)
        written += len(batch)
        replaced += counts[0]
        quads += counts[1]
        tokens += sum(e.tokens for e in batch)
        if progress is not None:
            progress(written, 0)
    relink_lineage(store.ox, touched)
    store.ox.flush()
    return IngestReport(
        documents=written,
        replaced=replaced,
        tokens=tokens,
        quads=quads,
        seconds=time.perf_counter() - started,
    )


def _batches(items: Iterable[Extraction], size: int) -> Iterator[list[Extraction]]:
    iterator = iter(items)
    while batch := list(islice(iterator, max(1, size))):
        yield batch


def document_iri(document_id: str) -> URIRef:
    """The IRI of a document, which is also the name of its graph."""
    return iri_for("doc", doc_key(document_id))


def _write_batch(store: ox.Store, extractions: Sequence[Extraction]) -> tuple[int, int]:
    """Write each extraction's graph, replacing older versions; all in one transaction.

    Returns (documents replaced, quads written).
    """
    graphs = [(document_iri(e.document.id), _document_quads(e)) for e in extractions]
    existing = [g for g, _ in graphs if store.contains_named_graph(ox.NamedNode(str(g)))]
    quads = [q for _, qs in graphs for q in qs]
    if not existing:
        store.extend(quads)  # one transaction
    else:
        # DROP and INSERT in one update, which Oxigraph applies as one transaction, so a
        # crash never leaves a document without its graph.
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in existing)
        inserts = "\n".join(
            f"GRAPH <{g}> {{\n" + "\n".join(f"{q.triple} ." for q in qs) + "\n}" for g, qs in graphs
        )
        store.update(f"{drops}INSERT DATA {{\n{inserts}\n}}")
    return len(existing), len(quads)


def _document_quads(extraction: Extraction) -> list[ox.Quad]:
    graph = to_graph([extraction])
    name = ox.NamedNode(str(document_iri(extraction.document.id)))
    source: ox.Store = graph.store._inner  # type: ignore[attr-defined]
    return [ox.Quad(q.subject, q.predicate, q.object, name) for q in source]


# --------------------------------------------------------------------------- resolution


# --------------------------------------------------------------------------- remove
