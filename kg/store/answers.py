"""The kept-answers file of a store: where the named queries' answers are kept ready, and
how a reader tells whether they still describe the store.

``STORE/answers.sqlite`` (stdlib sqlite3) holds, beside the Oxigraph database, a table of
rows per kept named query; :mod:`kg.query.kept` writes and reads those tables. This module
owns the file itself and its validity:

* the *stamp*, a fingerprint of the Oxigraph database's files (names and sizes, RocksDB's
  info logs left out), written when the kept answers were last brought up to date. RocksDB
  writes new files on every writable open and appends to them on every write, and never
  on a read-only open, so the answers are current exactly when the stamp equals the
  database's fingerprint: a store written since by anything else (an older kg, a process
  that died half-way, a script writing ``store.ox``) no longer matches and its answers are
  not used, never a wrong answer;
* the change record of a writing session (:class:`Changes`): the document graphs written
  or removed, the entities whose facts changed and the agreements and clauses whose
  lineage changed, from which :mod:`kg.query.kept` recomputes only the rows they touch.

The stamp is written after Oxigraph has closed (:meth:`kg.store.directory.PersistentStore.close`),
so nothing RocksDB does on closing can change the files after it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

ANSWERS_FILE = "answers.sqlite"
ANSWERS_VERSION = 1
"""Bumped when the layout of the kept-answers tables changes: older files are rebuilt."""

_STAMP = "stamp"


@dataclass
class Changes:
    """What one writing session changed, for bringing the kept answers up to date.

    ``base_current`` says whether the kept answers described the store when it was opened;
    when they did not, or a change was not recorded (``everything``), they are rebuilt.
    """

    base_current: bool = False
    documents: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)
    everything: bool = False
    refreshed: bool = False

    def note_documents(self, graphs: set[str] | list[str] | tuple[str, ...]) -> None:
        self.documents.update(graphs)
        self.refreshed = False

    def note_entities(self, subjects: set[str]) -> None:
        self.entities.update(subjects)
        self.refreshed = False

    def note_nodes(self, nodes: set[str]) -> None:
        self.nodes.update(nodes)
        self.refreshed = False

    @property
    def any(self) -> bool:
        return bool(self.documents or self.entities or self.nodes or self.everything)

    def clear(self) -> None:
        self.documents.clear()
        self.entities.clear()
        self.nodes.clear()
        self.everything = False
        self.base_current = True
        self.refreshed = True


def answers_path(store_path: Path) -> Path:
    return store_path / ANSWERS_FILE


def fingerprint(data_dir: Path) -> str:
    """The names and sizes of the database's files: what any write changes."""
    try:
        entries = sorted(
            (entry.name, entry.stat().st_size)
            for entry in data_dir.iterdir()
            if entry.is_file() and not entry.name.startswith("LOG")
        )
    except OSError:
        return ""
    return json.dumps(entries, separators=(",", ":"))


def connect(store_path: Path, *, create: bool) -> sqlite3.Connection | None:
    """The kept-answers database of the store at *store_path*; None when there is none and
    *create* is false (a store written by a kg that kept no answers)."""
    path = answers_path(store_path)
    if not create and not path.is_file():
        return None
    try:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error:
        return None
    connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    return connection


def read_meta(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def write_meta(connection: sqlite3.Connection, key: str, value: str | None) -> None:
    if value is None:
        connection.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def stamp_matches(connection: sqlite3.Connection, data_dir: Path, seen: str | None) -> bool:
    """Inside a read transaction of *connection*: whether its kept answers describe the
    database in *data_dir* as it is (or, given *seen*, as a reader opened it)."""
    stamp = read_meta(connection, _STAMP)
    if stamp is None or read_meta(connection, "version") != str(ANSWERS_VERSION):
        return False
    # a reader's snapshot is the files as it opened them; a writer clears the stamp before
    # it changes any kept row, so rows under a stamp equal to that are the snapshot's
    return stamp == (fingerprint(data_dir) if seen is None else seen)


def is_current(store_path: Path, data_dir: Path, seen: str | None = None) -> bool:
    """Whether the kept answers describe the database in *data_dir* as it is (or, given
    *seen*, as it was when a reader opened it)."""
    connection = connect(store_path, create=False)
    if connection is None:
        return False
    try:
        stamp = read_meta(connection, _STAMP)
        version = read_meta(connection, "version")
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    if stamp is None or version != str(ANSWERS_VERSION):
        return False
    return stamp == (fingerprint(data_dir) if seen is None else seen)


def stale_reason(store_path: Path, data_dir: Path, seen: str | None = None) -> str:
    """Why the kept answers of a store are not used, in words for the user."""
    if not answers_path(store_path).is_file():
        return "the store keeps no answers (written by an older kg)"
    current = fingerprint(data_dir)
    if seen is not None and seen != current:
        return "the store was written after this reader opened it"
    return "the store was written since its answers were kept"


def clear_stamp(store_path: Path) -> None:
    """Mark the kept answers out of date (before a change they will not follow)."""
    connection = connect(store_path, create=False)
    if connection is not None:
        with connection:
            write_meta(connection, _STAMP, None)
        connection.close()


def write_stamp(store_path: Path, data_dir: Path) -> None:
    """Record that the kept answers describe the database as its files are now."""
    connection = connect(store_path, create=True)
    if connection is None:
        return
    try:
        connection.execute("BEGIN IMMEDIATE")
        write_meta(connection, "version", str(ANSWERS_VERSION))
        write_meta(connection, _STAMP, fingerprint(data_dir))
        connection.execute("COMMIT")
    finally:
        connection.close()
