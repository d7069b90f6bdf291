"""A store directory: its layout, its lock, opening it, and reading it.

A store is a directory::

    STORE/kg-store.json   marker and format version
    STORE/oxigraph/       the Oxigraph (RocksDB) database
    STORE/ingest.lock     held (flock) by the one process writing the store
    STORE/answers.sqlite  the named queries' answers kept ready (:mod:`kg.store.answers`)

Reading a store (``kg query``, ``kg serve``, ``kg export``) needs only this module, not the
extraction pipeline that :mod:`kg.store.ingest` brings in to write one, so read-only commands
start without loading spaCy.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from pathlib import Path
from types import TracebackType
from typing import IO

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph

from kg.errors import KGError
from kg.rdf.graphs import os_reason, select, union_graph
from kg.rdf.iris import iri_for
from kg.rdf.ontology import holds_ontology, ontology_quads
from kg.store.answers import Changes, fingerprint, is_current, write_stamp
from kg.store.entities import ENTITIES_GRAPH, SUPPORT_GRAPH

MARKER = "kg-store.json"
DATA_DIR = "oxigraph"
LOCK_FILE = "ingest.lock"
FORMAT_VERSION = 1
LINEAGE_GRAPH = str(iri_for("graph", "lineage"))
"""The named graph of the links between agreements of different documents (extends,
amends, supersedes, superseded clauses): derived from the document graphs, recomputed
for the companies a change touches."""
DERIVED_GRAPHS = (LINEAGE_GRAPH, ENTITIES_GRAPH, SUPPORT_GRAPH)
"""The named graphs that are not one document's: lineage links, entity facts and their support."""


class StoreError(KGError):
    """A store directory is missing, not a store, locked by another process or corrupt."""


class PersistentStore:
    """An open store directory: the Oxigraph database and, when writable, the lock."""

    def __init__(
        self,
        path: Path,
        store: ox.Store,
        lock: IO[str] | None,
        *,
        changes: Changes | None = None,
        seen: str | None = None,
    ) -> None:
        self.path = path
        self.ox = store
        self._lock = lock
        self.changes = changes or Changes()
        """What this writing session changed, for the kept answers (:mod:`kg.store.answers`)."""
        self.seen = seen
        """A reader's fingerprint of the database files when it opened them: its kept
        answers are used only while they describe that same state."""

    @property
    def writable(self) -> bool:
        return self._lock is not None

    def close(self) -> None:
        """Flush, close the database and release the lock (idempotent)."""
        if self.writable:
            self.ox.flush()
        del self.ox
        if self._lock is not None:
            if self.changes.refreshed:
                # after Oxigraph closed: the stamp is of the files as they stay
                write_stamp(self.path, self.path / DATA_DIR)
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def __enter__(self) -> PersistentStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def document_graphs(self) -> list[str]:
        """The IRIs of the document graphs, sorted (not the derived graphs)."""
        return sorted(
            g.value
            for g in self.ox.named_graphs()
            if isinstance(g, ox.NamedNode) and g.value not in DERIVED_GRAPHS
        )

    def data_graphs(self) -> list[str]:
        """The document graphs and the derived graphs that hold anything: every named
        graph a copy of the store (``kg push``) needs."""
        derived = [
            g
            for g in DERIVED_GRAPHS
            if next(iter(self.ox.quads_for_pattern(None, None, None, ox.NamedNode(g))), None)
        ]
        return self.document_graphs() + derived

    def graph_sizes(self) -> dict[str, int]:
        """Quads per named graph, by graph IRI."""
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        return {g: int(n) for g, n in select(self.ox, query) if g is not None and n is not None}

    def __len__(self) -> int:
        return len(self.ox)

    def nquads(self) -> list[str]:
        """Every quad as an N-Quads line, sorted: a canonical dump for comparisons."""
        return sorted(f"{quad} ." for quad in self.ox)

    def disk_bytes(self) -> int:
        """Bytes the database takes on disk."""
        data = self.path / DATA_DIR
        return sum(f.stat().st_size for f in data.rglob("*") if f.is_file())


# --------------------------------------------------------------------------- opening


def is_store(path: str | Path) -> bool:
    """Whether *path* is a store directory (holds the marker file)."""
    return (Path(path) / MARKER).is_file()


def open_store(
    path: str | Path, *, create: bool = True, wait: bool = False, timeout: float | None = None
) -> PersistentStore:
    """Open (or create) the store at *path* for writing, taking its lock.

    :param wait: wait for another writer to finish instead of failing at once.
    :param timeout: with *wait*, give up after this many seconds.
    :raises StoreError: when *path* is not a store, or another process holds it.
    """
    path = Path(path)
    try:
        if not is_store(path):
            _create_layout(path, create)
        lock = _acquire_lock(path / LOCK_FILE, wait=wait, timeout=timeout)
    except OSError as exc:  # a parent that is a file, no permission, a read-only disk
        raise StoreError(
            f"{path}: cannot create or lock the store: {os_reason(exc, path)}"
        ) from exc
    # before Oxigraph opens: a writable open changes the files
    current = is_current(path, path / DATA_DIR)
    try:
        store = ox.Store(str(path / DATA_DIR))
    except OSError as exc:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
        raise StoreError(f"{path}: cannot open the Oxigraph database: {exc}") from exc
    return PersistentStore(path, store, lock, changes=Changes(base_current=current))


def open_store_read_only(path: str | Path) -> PersistentStore:
    """Open an existing store for reading; works while another process ingests into it.

    A read-only handle sees the store as it was when opened.
    """
    path = Path(path)
    if not is_store(path):
        raise StoreError(f"{path}: not a kg store (create one with `kg ingest {path} INPUT…`)")
    seen = fingerprint(path / DATA_DIR)
    try:
        store = ox.Store.read_only(str(path / DATA_DIR))
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the Oxigraph database: {exc}") from exc
    return PersistentStore(path, store, None, seen=seen)


def _create_layout(path: Path, create: bool) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise StoreError(
            f"{path}: exists and is not a kg store (no {MARKER}); choose a new directory"
        )
    if not create:
        raise StoreError(f"{path}: no such store")
    path.mkdir(parents=True, exist_ok=True)
    marker = {"format": "kg-store", "version": FORMAT_VERSION, "graph_per": "document"}
    (path / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def _acquire_lock(path: Path, *, wait: bool, timeout: float | None) -> IO[str]:
    handle = path.open("a+", encoding="utf-8")
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                handle.close()
                raise
            if not wait or (deadline is not None and time.monotonic() >= deadline):
                holder = _lock_holder(path)
                handle.close()
                raise StoreError(
                    f"{path.parent}: another process{holder} is writing this store; "
                    "wait for it to finish (or pass --wait)"
                ) from exc
            time.sleep(0.2)
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _lock_holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


# --------------------------------------------------------------------------- views


def store_dataset(store: PersistentStore) -> Dataset:
    """A live rdflib Dataset over the store; its default graph is the union of all graphs.

    Good for SPARQL (``GRAPH ?g`` works, plain patterns see the union) and for reading one
    document's graph (``dataset.graph(URIRef(iri))``). Iterating it yields a triple once
    per graph holding it, and it cannot be written as N-Triples: use :func:`store_graph`
    where a plain Graph is expected.
    """
    return Dataset(store=OxigraphStore(store=store.ox), default_union=True)


def store_graph(store: PersistentStore | str | Path) -> Graph:
    """The union of the document, entities and lineage graphs as a plain in-memory
    Oxigraph-backed Graph: what a build of the same documents holds.

    Each triple appears once, whatever the number of documents stating it, so everything
    that takes a built graph (render, export, stats) takes this. The ontology in the
    store's default graph and the entity support graph (bookkeeping) are not part of it. Given a path, the store is opened read-only
    and closed again. Queries need no copy: :func:`kg.query.run.run_query` takes ``store.ox``.
    """
    if isinstance(store, PersistentStore):
        return union_graph(store.ox, exclude=(SUPPORT_GRAPH,))
    with open_store_read_only(store) as opened:
        return union_graph(opened.ox, exclude=(SUPPORT_GRAPH,))


def write_ontology(store: ox.Store) -> bool:
    """Make the default graph of *store* exactly the current ontology and concept schemes.

    Queries run on the store in place (:func:`kg.query.run.run_query`) need them for the
    ``skos:broader*`` roll-ups and ``rdfs:subClassOf*`` kind look-ups. The default graph,
    not a named graph, so that :meth:`PersistentStore.document_graphs`, removal, push and
    exports see the documents only. Returns whether anything was written: nothing when
    the store already holds this version.
    """
    if holds_ontology(store):
        return False
    # Two transactions: a crash between them leaves a store without the ontology, which
    # queries detect (holds_ontology) and answer through a copy; the next ingest repairs it.
    store.clear_graph(ox.DefaultGraph())
    store.extend(ontology_quads())
    return True
