"""Named-query answers kept ready in a store, so that a page of a query over the whole store
is an indexed read rather than a search of every document.

Which named queries are kept, and how, is declared in their header (``# keep:``, read by
:mod:`kg.query.catalog`):

* ``per ?var``: each row belongs to the document holding the node in column ``?var``. The
  rows of a document are computed on its *neighbourhood* (its graph, the entity facts of
  the organisations and products it names, the lineage triples of its agreements and
  clauses, the ontology) by the query itself, and written when the document is ingested;
  removed with it; recomputed when the entity facts or the lineage they read change (the
  change record of :class:`kg.store.answers.Changes`).
* ``whole``: the query aggregates the whole store (counts, sums, roll-ups); its answer is
  recomputed in place after any change.
* ``filter ?param``: binding the parameter gives the rows of the unbound answer whose
  column holds the bound term; the column is indexed.

Each kept query has a table in ``STORE/answers.sqlite``: per row its document, one BLOB per
``ORDER BY`` key and one for the whole row (:func:`kg.query.ordering.rank_bytes`, which sort
as kg's own ordering of rdflib terms does), the filter columns and the row's terms. An
index on the keys makes a page an ``ORDER BY … LIMIT … OFFSET …`` that reads only the page.

A kept answer is used only while the store's stamp says it describes the database
(:mod:`kg.store.answers`); otherwise the query runs in place and the result says why
(``QueryResult.notes``). The test that matters (tests/query/test_kept.py) compares every
kept answer with the in-place one after ingests, re-ingests and removals.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.errors import OntologyError
from kg.query.catalog import NamedQuery, named_queries, result_columns
from kg.query.ordering import OrderKey, rank_bytes, split_order_by
from kg.rdf.graphs import to_oxigraph_term
from kg.store.answers import (
    connect,
    read_meta,
    stale_reason,
    stamp_matches,
)
from kg.store.directory import (
    DATA_DIR,
    PersistentStore,
)

__all__ = ["KeptQuery", "answers_status", "kept_answer", "kept_queries"]

_LAYOUT = "1"
"""Part of every table's digest: changing how rows are written rebuilds the tables."""

Row = tuple[Node | None, ...]


@dataclass(frozen=True)
class KeptQuery:
    """A named query whose answer a store keeps: its result columns and order keys."""

    query: NamedQuery
    variables: tuple[str, ...]
    keys: tuple[OrderKey, ...]

    @property
    def name(self) -> str:
        return self.query.name

    @property
    def table(self) -> str:
        return "answers_" + self.name.replace("-", "_")

    @property
    def digest(self) -> str:
        """Changes whenever the query's text (its ``# keep:`` rule included) does."""
        text = f"{_LAYOUT}\n{self.query.sparql}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @property
    def mode(self) -> str:
        return self.query.keep.mode


def kept_queries() -> list[KeptQuery]:
    """The named queries a store keeps the answers of, in name order.

    :raises OntologyError: when a kept query does not end with an ``ORDER BY`` of its
        result columns (its pages could not be read in order from an index).
    """
    kept = []
    for query in named_queries().values():
        if not query.keep.kept:
            continue
        variables = result_columns(query)
        split = split_order_by(query.sparql)
        if split is None or any(k.variable not in variables for k in split[1]):
            raise OntologyError(
                f"{query.path}: a kept query must end with an ORDER BY of its result columns"
            )
        kept.append(KeptQuery(query, variables, split[1]))
    return kept


# --------------------------------------------------------------------------- terms


def _encode(term: Node | None) -> Any:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return [0, str(term)]
    if isinstance(term, BNode):
        return [1, str(term)]
    if isinstance(term, Literal):
        if term.language:
            return [3, str(term), term.language]
        if term.datatype is not None:
            return [4, str(term), str(term.datatype)]
        return [2, str(term)]
    raise TypeError(f"cannot keep the term {term!r}")


def _decode(cell: Any) -> Node | None:
    if cell is None:
        return None
    kind, value = cell[0], cell[1]
    if kind == 0:
        return URIRef(value)
    if kind == 1:
        return BNode(value)
    if kind == 2:
        return Literal(value)
    if kind == 3:
        return Literal(value, lang=cell[2])
    return Literal(value, datatype=URIRef(cell[2]))


def filter_key(term: Node) -> str:
    """The term as the filter columns hold it: canonical N-Triples (a plain literal and an
    ``xsd:string`` one are the same term, as for SPARQL's sameTerm)."""
    return str(to_oxigraph_term(term))


# --------------------------------------------------------------------------- tables


def create_table(connection: sqlite3.Connection, kept: KeptQuery) -> None:
    table = kept.table
    keys = [f"k{i} BLOB" for i in range(len(kept.keys))]
    filters = [f"f_{name} TEXT" for name in kept.query.keep.filters]
    columns = ", ".join(["doc TEXT NOT NULL", *keys, "whole BLOB", *filters, "row TEXT NOT NULL"])
    connection.execute(f'DROP TABLE IF EXISTS "{table}"')
    connection.execute(f'CREATE TABLE "{table}" ({columns})')
    order = _order_columns(kept)
    connection.execute(f'CREATE INDEX "{table}_order" ON "{table}" ({order})')
    connection.execute(f'CREATE INDEX "{table}_doc" ON "{table}" (doc)')
    for name in kept.query.keep.filters:
        connection.execute(f'CREATE INDEX "{table}_f_{name}" ON "{table}" (f_{name}, {order})')


def _order_columns(kept: KeptQuery) -> str:
    keys = [f"k{i}{' DESC' if key.descending else ''}" for i, key in enumerate(kept.keys)]
    return ", ".join([*keys, "whole"])


def insert_rows(
    connection: sqlite3.Connection, kept: KeptQuery, rows: Iterable[tuple[str, Row]]
) -> int:
    columns = [kept.variables.index(key.variable) for key in kept.keys]
    filters = [kept.variables.index(name) for name in kept.query.keep.filters]
    values = []
    for doc, row in rows:
        ranks = [rank_bytes(term) for term in row]
        values.append(
            (
                doc,
                *(ranks[c] for c in columns),
                b"".join(ranks),
                *(None if row[f] is None else filter_key(row[f]) for f in filters),  # type: ignore[arg-type]
                json.dumps([_encode(term) for term in row], separators=(",", ":")),
            )
        )
    width = 3 + len(columns) + len(filters)
    marks = ", ".join("?" * width)
    connection.executemany(f'INSERT INTO "{kept.table}" VALUES ({marks})', values)
    return len(values)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class KeptLookup:
    """A kept answer (``rows`` in order, None when it cannot be used) and, when a kept
    query's answer could not be used, why."""

    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] | None = None
    reason: str | None = None


def kept_answer(
    store: PersistentStore,
    query: NamedQuery,
    bindings: Mapping[str, Node],
    *,
    limit: int | None = None,
    offset: int = 0,
) -> KeptLookup:
    """The page of *query*'s answer kept in *store*, when it keeps one that describes the
    store as this handle sees it; else an empty lookup with the reason (None for a query
    that is not kept: it runs in place as declared)."""
    rule = query.keep
    if not rule.kept or any(name not in rule.filters for name in bindings):
        return KeptLookup()
    try:
        kept = next(q for q in kept_queries() if q.name == query.name)
    except StopIteration:
        return KeptLookup()
    connection = connect(store.path, create=False)
    if connection is None:
        return KeptLookup(reason=stale_reason(store.path, store.path / DATA_DIR, store.seen))
    try:
        connection.execute("BEGIN")
        if store.writable:
            current = store.changes.refreshed
        else:
            current = stamp_matches(connection, store.path / DATA_DIR, store.seen)
        if not current:
            return KeptLookup(reason=stale_reason(store.path, store.path / DATA_DIR, store.seen))
        if read_meta(connection, f"digest:{kept.name}") != kept.digest:
            return KeptLookup(reason="the query changed since its answers were kept")
        cells = _select(connection, kept, bindings, limit, offset)
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        return KeptLookup(reason=f"its kept answers cannot be read ({exc})")
    finally:
        connection.close()
    return KeptLookup(kept.variables, tuple(_decoded_rows(cells)))


def _select(
    connection: sqlite3.Connection,
    kept: KeptQuery,
    bindings: Mapping[str, Node],
    limit: int | None,
    offset: int,
) -> list[str]:
    where = " AND ".join(f"f_{name} = ?" for name in bindings)
    sql = f'SELECT row FROM "{kept.table}"'
    if where:
        sql += f" WHERE {where}"
    sql += f" ORDER BY {_order_columns(kept)} LIMIT ? OFFSET ?"
    values: list[str | int] = [filter_key(term) for term in bindings.values()]
    values += [-1 if limit is None else limit, offset]
    return [row for (row,) in connection.execute(sql, values)]


def _decoded_rows(cells: Iterable[str]) -> Iterator[Row]:
    cache: dict[str, Node | None] = {}
    for text in cells:
        row = []
        for cell in json.loads(text):
            key = json.dumps(cell)
            term = cache.get(key)
            if term is None and cell is not None:
                term = cache[key] = _decode(cell)
            row.append(term)
        yield tuple(row)


# --------------------------------------------------------------------------- status


@dataclass(frozen=True)
class QueryStatus:
    """How a store answers one named query: ``kept`` (its rows), or in place and why."""

    name: str
    kept: bool
    rows: int = 0
    reason: str = ""


@dataclass(frozen=True)
class AnswersStatus:
    current: bool
    reason: str
    queries: tuple[QueryStatus, ...] = field(default=())


def answers_status(store: PersistentStore) -> AnswersStatus:
    """Which named queries *store* answers from kept rows, and whether they are current."""
    data_dir = store.path / DATA_DIR
    connection = connect(store.path, create=False)
    statuses = []
    current = False
    try:
        if connection is not None:
            connection.execute("BEGIN")
            current = (
                store.changes.refreshed
                if store.writable
                else stamp_matches(connection, data_dir, store.seen)
            )
        for query in named_queries().values():
            if not query.keep.kept:
                statuses.append(QueryStatus(query.name, False, reason=query.keep.reason))
                continue
            count = 0
            if connection is not None and current:
                table = "answers_" + query.name.replace("-", "_")
                try:
                    count = connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                except sqlite3.Error:
                    count = 0
            statuses.append(QueryStatus(query.name, current, rows=count))
    finally:
        if connection is not None:
            connection.close()
    reason = "" if current else stale_reason(store.path, data_dir, store.seen)
    return AnswersStatus(current, reason, tuple(statuses))
