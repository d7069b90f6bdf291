"""Writing documents into a store: a persistent, incrementally updated knowledge graph,
one named graph per document. The store folder itself (layout, lock, opening, reading) is
:mod:`kg.store.directory`; removal is :mod:`kg.store.remove`, relinking lineages
:mod:`kg.store.lineage`.

Each source document's facts live in a named graph whose name is the document's own IRI
(``dkid:doc-<hash>``): its ``dk:SourceDocument`` node, mentions, agreements, clauses,
amounts, and the evidence linking the organisations and products it mentions to their
mentions. What those organisations and products are (type, labels, the aliases each
document uses, parent, owner) lives once in the entities graph, with which document states
which fact in the support graph (:mod:`kg.store.entities`). Re-ingesting a document
replaces its graph and its support and nothing else; removing a document drops both, so a
fact stays exactly as long as one document still states it.

The default graph holds the core ontology and the concept schemes, rewritten by every
ingest that finds them missing or outdated. Queries run on the store in place
(:func:`kg.query.run.run_query` on ``store.ox``) over the union of all graphs, default graph
included; an organisation's name is there once (entities graph), as on a built file.

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
from itertools import chain, islice

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from kg.heap import settle
from kg.models import Extraction, Problem
from kg.options import ProgressCallback
from kg.rdf.graphs import graph_of, select
from kg.rdf.iris import iri_for
from kg.rdf.mapping import doc_key, extraction_triples
from kg.rdf.vocab import sparql_prologue
from kg.resolve import OrgIndex, resolve_batch
from kg.store.answers import Changes
from kg.store.directory import (
    LINEAGE_GRAPH,
    PersistentStore,
    StoreError,
    write_ontology,
)
from kg.store.entities import (
    ENTITIES_GRAPH,
    SUPPORT_GRAPH,
    Triple,
    drop_support,
    graph_data,
    is_entity_fact,
    noting_entity_changes,
    recompute_entities,
    statement_iri,
    support_triples,
    supported_subjects_query,
)
from kg.store.lineage import lineage_neighbours, parties_of, relink_lineage

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
    # a new ontology or moved entity facts can change any answer: the kept ones are rebuilt
    if write_ontology(store.ox) | bool(upgrade_entity_facts(store.ox)):
        store.changes.everything = True
    index = OrgIndex.from_store(store.ox)
    written = replaced = tokens = quads = 0
    touched: set[str] = set()
    for batch in _batches(extractions, batch_size):
        resolved = resolve_batch(batch, index)
        touched |= parties_of(store.ox, [document_iri(e.document.id) for e in resolved])
        counts = _write_batch(store.ox, resolved, store.changes)
        touched |= {p for e in resolved for a in e.agreements for p in a.parties}
        index.add(o for e in resolved for o in e.organizations)
        written += len(batch)
        replaced += counts[0]
        quads += counts[1]
        tokens += sum(e.tokens for e in batch)
        if progress is not None:
            progress(written, 0)
        settle()  # the index and what the batches touched are kept: no collector walks
    relink_lineage(store.ox, touched, changed=store.changes.nodes)
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


def _write_batch(
    store: ox.Store, extractions: Sequence[Extraction], changes: Changes
) -> tuple[int, int]:
    """Write each extraction's graph and its entity facts, replacing older versions; all in
    one transaction (one SPARQL update, which Oxigraph applies atomically), so a crash
    never leaves a document without its graph or an entity without its names. What it
    changes is noted in *changes* (for the kept answers).

    Returns (documents replaced, quads written into document graphs).
    """
    graphs = [(str(document_iri(e.document.id)), _document_quads(e)) for e in extractions]
    existing = [g for g, _ in graphs if store.contains_named_graph(ox.NamedNode(g))]
    changes.note_documents([g for g, _ in graphs])
    # the lineage of what the replaced versions linked to goes with them
    changes.note_nodes(lineage_neighbours(store, existing))
    subjects = {
        q.subject.value
        for _, quads in graphs
        for q in quads
        if isinstance(q.subject, ox.NamedNode)
        and is_entity_fact(q.subject.value, q.predicate.value)
    }
    with noting_entity_changes(store, subjects, existing, changes):
        return _write_graphs(store, graphs, existing)


def _write_graphs(
    store: ox.Store, graphs: Sequence[tuple[str, list[ox.Quad]]], existing: Sequence[str]
) -> tuple[int, int]:
    if not existing:
        # Only new documents: they add support and entity facts and remove none, so the
        # recomputed entities graph is the old one plus their facts: one extend (one
        # transaction, and much faster than parsing the same quads as an update).
        quads = [q for graph, qs in graphs for q in _new_document_quads(graph, qs)]
        store.extend(quads)
        derived = [ox.NamedNode(g) for g in _DERIVED]
        return 0, len([q for q in quads if q.graph_name not in derived])
    update, written = document_update(graphs, existing, _stated_subjects(store, existing))
    store.update(update)
    return len(existing), written


_DERIVED = frozenset({ENTITIES_GRAPH, SUPPORT_GRAPH})
_STATEMENT = tuple(ox.NamedNode(str(p)) for p in (RDF.subject, RDF.predicate, RDF.object))
_DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))


def _new_document_quads(graph: str, quads: Sequence[ox.Quad]) -> Iterator[ox.Quad]:
    """What :func:`document_update` writes for a new document, as quads: its own triples
    in its graph, its entity facts in the support and entities graphs."""
    name, support, entities = (ox.NamedNode(g) for g in (graph, SUPPORT_GRAPH, ENTITIES_GRAPH))
    facts = {}
    for q in quads:
        if isinstance(q.subject, ox.NamedNode) and is_entity_fact(
            q.subject.value, q.predicate.value
        ):
            facts[(str(q.subject), str(q.predicate), str(q.object))] = q
        else:
            yield ox.Quad(q.subject, q.predicate, q.object, name)
    for fact, q in sorted(facts.items()):
        node = ox.NamedNode(statement_iri(graph, fact))
        for predicate, term in zip(_STATEMENT, (q.subject, q.predicate, q.object), strict=True):
            yield ox.Quad(node, predicate, term, support)
        yield ox.Quad(node, _DERIVED_FROM, name, support)
        yield ox.Quad(q.subject, q.predicate, q.object, entities)


def document_update(
    graphs: Sequence[tuple[str, Sequence[ox.Quad]]],
    existing: Sequence[str],
    old_subjects: Iterable[str] = (),
) -> tuple[str, int]:
    """The SPARQL update writing *graphs* (document IRI, its quads): the document's own
    statements into its graph, its entity facts into the support graph, the entities graph
    recomputed for every entity they (or, before, the *existing* graphs being replaced,
    *old_subjects*) speak of. Returns the update and the quads of the document graphs.

    Plain SPARQL 1.1 Update, so a SPARQL server takes it as the local store does.
    """
    operations: list[str] = []
    if existing:
        operations.append(drop_support(existing))
        operations += [f"DROP SILENT GRAPH <{g}>" for g in existing]
    parts: list[str] = []
    support: list[Triple] = []
    touched = set(old_subjects)
    written = 0
    for graph, quads in graphs:
        own, facts = split_entity_facts(quads)
        if own:
            parts.append(graph_data(graph, own))
        support += support_triples(graph, facts)
        touched |= {s[1:-1] for s, _, _ in facts}
        written += len(own)
    if support:
        parts.append(graph_data(SUPPORT_GRAPH, support))
    if parts:
        operations.append("INSERT DATA {\n" + "\n".join(parts) + "\n}")
    operations += recompute_entities(touched)
    return " ;\n".join(operations), written


def split_entity_facts(quads: Iterable[ox.Quad]) -> tuple[list[Triple], list[Triple]]:
    """A document's triples as (what the document itself states, its entity facts)."""
    own: list[Triple] = []
    facts: list[Triple] = []
    for q in quads:
        triple = (str(q.subject), str(q.predicate), str(q.object))
        is_fact = isinstance(q.subject, ox.NamedNode) and is_entity_fact(
            q.subject.value, q.predicate.value
        )
        (facts if is_fact else own).append(triple)
    return own, facts


def upgrade_entity_facts(store: ox.Store, batch_size: int = BATCH_DOCUMENTS) -> int:
    """Move the entity facts that stores written before the entities graph keep in their
    document graphs into the entities and support graphs; returns the documents moved.

    Idempotent and cheap when there is nothing to move (one query); each batch is one
    transaction, so an interrupted upgrade is finished by the next ingest.
    """
    derived = ", ".join(f"<{g}>" for g in (LINEAGE_GRAPH, ENTITIES_GRAPH, SUPPORT_GRAPH))
    query = sparql_prologue() + (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a ?kind } "
        f"FILTER(?kind IN (dk:Organization, dk:Product) && ?g NOT IN ({derived})) }}"
    )
    graphs = sorted(g for (g,) in select(store, query) if g is not None)
    for start in range(0, len(graphs), batch_size):
        chunk = graphs[start : start + batch_size]
        contents = [
            (g, list(store.quads_for_pattern(None, None, None, ox.NamedNode(g)))) for g in chunk
        ]
        update, _ = document_update(contents, chunk, _stated_subjects(store, chunk))
        store.update(update)
    return len(graphs)


def _stated_subjects(store: ox.Store, graphs: Sequence[str]) -> set[str]:
    """The entities whose facts the document *graphs* state (in the support graph)."""
    if not graphs:
        return set()
    return {s for (s,) in select(store, supported_subjects_query(graphs)) if s is not None}


def _document_quads(extraction: Extraction) -> list[ox.Quad]:
    name = ox.NamedNode(str(document_iri(extraction.document.id)))
    return [
        ox.Quad(t.subject, t.predicate, t.object, name) for t in extraction_triples([extraction])
    ]


# --------------------------------------------------------------------------- resolution


# --------------------------------------------------------------------------- remove


def documents_graph(store: PersistentStore, ids: Sequence[str]) -> Graph:
    """The union of the named graphs of documents *ids* in *store*, with the entities
    graph's facts about what they mention (an organisation's type and labels live there
    once, not in each document graph).

    The quads stream from the store into the graph, the facts read once they are all in:
    a list of the million quads of 10,000 documents would add a quarter of a GB."""
    names = sorted({str(document_iri(i)) for i in ids})
    mentioned: set[object] = set()  # subjects and IRI objects

    def documents() -> Iterator[ox.Triple]:
        for name in names:
            for q in store.ox.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                mentioned.add(q.subject)
                if isinstance(q.object, ox.NamedNode):
                    mentioned.add(q.object)
                yield ox.Triple(q.subject, q.predicate, q.object)

    def facts() -> Iterator[ox.Triple]:  # runs after documents(): *mentioned* is complete
        entities = ox.NamedNode(ENTITIES_GRAPH)
        for node in sorted(mentioned, key=str):
            if isinstance(node, ox.NamedNode):
                for q in store.ox.quads_for_pattern(node, None, None, entities):
                    yield ox.Triple(q.subject, q.predicate, q.object)

    return graph_of(chain(documents(), facts()))
