"""Removing documents from a store, and every fact only they stated.

A document's facts are its named graph: dropping the graph removes exactly what no other
document states; the lineages of the companies it named are then relinked
(:func:`kg.store.lineage.relink_lineage`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.rdf.graphs import select
from kg.rdf.vocab import ID, PREFIXES, sparql_prologue
from kg.store.directory import (
    PersistentStore,
    StoreError,
    is_store,
    open_store,
)
from kg.store.entities import (
    drop_support,
    noting_entity_changes,
    recompute_entities,
    supported_subjects_query,
)
from kg.store.lineage import lineage_neighbours, parties_of, relink_lineage

_DOC_PREFIX = str(ID) + "doc-"


@dataclass(frozen=True)
class RemoveReport:
    """The document graphs a removal dropped and how many quads went with them."""

    graphs: tuple[str, ...]
    quads: int


def remove(store: PersistentStore, doc_ref: str) -> RemoveReport:
    """Remove the document(s) *doc_ref* names, and every fact only they stated.

    *doc_ref* is a document id (``doc-…``), its IRI (full or ``dkid:doc-…``), or the source
    path it was read from (every document read from that path).

    :raises StoreError: when nothing in the store matches, or the store is read-only.
    """
    if not store.writable:
        raise StoreError(f"{store.path}: opened read-only; open it with open_store() to write")
    graphs = find_documents(store, doc_ref)
    if not graphs:
        raise StoreError(
            f"{doc_ref}: no such document in {store.path} "
            "(give a document id doc-…, its IRI, or the source path it was ingested from)"
        )
    sizes = store.graph_sizes()
    touched = parties_of(store.ox, graphs)
    store.changes.note_documents(graphs)
    store.changes.note_nodes(lineage_neighbours(store.ox, graphs))
    with noting_entity_changes(store.ox, (), graphs, store.changes):
        store.ox.update(removal_update(graphs, _stated_subjects(store, graphs)))

    relink_lineage(store.ox, touched, changed=store.changes.nodes)
    store.ox.flush()
    return RemoveReport(tuple(graphs), sum(sizes.get(g, 0) for g in graphs))


def removal_update(graphs: Sequence[str], subjects: Iterable[str]) -> str:
    """One SPARQL update dropping the document *graphs* and what they state about entities,
    and recomputing the entities graph of *subjects* (the entities they spoke of) from what
    the remaining documents state: one transaction."""
    # SILENT: Virtuoso refuses to drop a graph a Graph Store PUT made ("not explicitly created")
    operations = [drop_support(graphs), *(f"DROP SILENT GRAPH <{g}>" for g in graphs)]
    return " ;\n".join(operations + recompute_entities(subjects))


def _stated_subjects(store: PersistentStore, graphs: Sequence[str]) -> set[str]:
    return {s for (s,) in select(store.ox, supported_subjects_query(graphs)) if s is not None}


def find_documents(store: PersistentStore, doc_ref: str) -> list[str]:
    """The graph IRIs of the documents *doc_ref* names (see :func:`remove`)."""
    return matching_documents(
        doc_ref, store.document_graphs(), lambda: source_pairs(select(store.ox, SOURCES_QUERY))
    )


SOURCES_QUERY = sparql_prologue() + (
    "SELECT DISTINCT ?g ?source WHERE { GRAPH ?g { ?d a dk:SourceDocument ;"
    " dct:source ?source . FILTER(?d = ?g) } }"
)
"""Each document graph with the source it was read from (``?g ?source``)."""


def matching_documents(
    doc_ref: str, graphs: Iterable[str], sources: Callable[[], Iterable[tuple[str, str]]]
) -> list[str]:
    """The document *graphs* that *doc_ref* names: an id, an IRI, or a source path matched
    against *sources* (graph, source) pairs, asked for only when no id or IRI matches.
    The one reading of a document reference, for a local store and a server alike."""
    ref = doc_ref.strip()
    candidates = {ref, ref.strip("<>")}
    if ref.startswith("dkid:"):
        candidates.add(PREFIXES["dkid"] + ref.removeprefix("dkid:"))
    if re.fullmatch(r"(doc-)?[0-9a-f]{6,}", ref):
        candidates.add(_DOC_PREFIX + ref.removeprefix("doc-"))
    found = sorted(candidates & set(graphs))
    return found or _documents_from_source(ref, sources())


def source_pairs(rows: Iterable[Sequence[str | None]]) -> Iterator[tuple[str, str]]:
    """The (graph, source) rows of :data:`SOURCES_QUERY` that have both values."""
    for graph, source in rows:
        if graph is not None and source is not None:
            yield graph, source


def _documents_from_source(ref: str, sources: Iterable[tuple[str, str]]) -> list[str]:
    wanted = {ref, _resolved(ref)}
    found = set()
    for graph, source in sources:
        # "file.jsonl:3", "file.json[2]", "page.txt#similar-2": parts of a file go with it
        path = _RECORD_SUFFIX.sub("", source)
        if source in wanted or path in wanted or _resolved(path) in wanted:
            found.add(graph)
    return sorted(found)


_RECORD_SUFFIX = re.compile(r"(?::\d+|\[\d+\]|#[\w-]+)$")


def _resolved(text: str) -> str:
    try:
        return str(Path(text).resolve())
    except (OSError, RuntimeError, ValueError):
        return text


def remove_from(path: str | Path, refs: Sequence[str], *, wait: bool = False) -> list[RemoveReport]:
    """Remove each document *refs* names (id, IRI or source path) from the store at *path*."""
    if not is_store(path):
        raise StoreError(
            f"{path}: not a kg store (create one with `kg build INPUT --store {path}`)"
        )
    with open_store(path, create=False, wait=wait) as store:
        return [remove(store, ref) for ref in refs]
