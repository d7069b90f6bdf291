"""SPARQL ``ORDER BY`` applied in Python, to rows already converted to rdflib terms.

Oxigraph compares two strings or IRIs of a store on disk by reading both back from the
database, once per comparison: sorting 10,000 rows by a label costs more than finding them,
and sorting 100,000 costs tens of seconds. When a query ends with a plain ``ORDER BY`` of
projected variables, :func:`split_order_by` takes the clause off, the engine returns the
rows unsorted, and :func:`sort_rows` orders them here, where each term was decoded once.

The order is SPARQL 1.1's (section 15.1): unbound, then blank nodes, then IRIs, then
literals; literals of one comparable kind (numbers, dates, date-times, booleans, strings)
by value. Literals of different kinds, which SPARQL leaves to the engine, are ordered by
kind. Rows equal on every key are ordered by all their columns, so the order is total and
does not depend on the engine.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

__all__ = ["OrderKey", "sort_rows", "split_order_by", "top_rows"]

_NUMERIC = {
    XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long, XSD.short,
    XSD.byte, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.negativeInteger,
    XSD.nonPositiveInteger, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort,
    XSD.unsignedByte,
}  # fmt: skip
_KEY = re.compile(r"(?:(ASC|DESC)\s*\(\s*[?$](\w+)\s*\)|[?$](\w+))", re.IGNORECASE)
_ORDER_BY_WORDS = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


@dataclass(frozen=True)
class OrderKey:
    """One ``ORDER BY`` key: a variable (without ``?``) and its direction."""

    variable: str
    descending: bool = False


def split_order_by(sparql: str) -> tuple[str, tuple[OrderKey, ...]] | None:
    """The query without its final ``ORDER BY`` and that clause's keys, or None when the
    query does not end with an ``ORDER BY`` of plain variables (``?v``, ``ASC(?v)``,
    ``DESC(?v)``): expressions, and a ``LIMIT`` or ``OFFSET`` after it, stay with the engine."""
    end = sparql.rfind("}")
    if end < 0:
        return None
    tail = sparql[end + 1 :]
    clauses = list(_ORDER_BY_WORDS.finditer(tail))
    if not clauses:
        return None
    order_by = clauses[-1]
    rest = "\n".join(line.split("#", 1)[0] for line in tail[order_by.end() :].splitlines())
    rest = rest.strip()
    keys: list[OrderKey] = []
    while rest:
        key = _KEY.match(rest)
        if key is None:
            return None
        direction, wrapped, bare = key.groups()
        keys.append(OrderKey(wrapped or bare, (direction or "").upper() == "DESC"))
        rest = rest[key.end() :].lstrip()
    if not keys:
        return None
    return sparql[: end + 1] + tail[: order_by.start()], tuple(keys)


def sort_rows(
    variables: Sequence[str],
    rows: Sequence[tuple[Node | None, ...]],
    keys: Sequence[OrderKey],
) -> tuple[tuple[Node | None, ...], ...] | None:
    """*rows* in the order of *keys*, ties broken by every column; None when a key is not
    one of *variables* (the engine must then sort)."""
    try:
        columns = [variables.index(key.variable) for key in keys]
    except ValueError:
        return None
    ranks = [tuple(term_rank(term) for term in row) for row in rows]
    order = sorted(range(len(rows)), key=ranks.__getitem__)
    # one stable pass per key, the last key first, each in its own direction
    for column, key in reversed(list(zip(columns, keys, strict=True))):
        order.sort(key=lambda i, c=column: ranks[i][c], reverse=key.descending)  # type: ignore[misc]
    return tuple(rows[i] for i in order)


def top_rows(
    variables: Sequence[str],
    rows: Sequence[tuple[Node | None, ...]],
    keys: Sequence[OrderKey],
    offset: int,
    limit: int,
) -> tuple[tuple[Node | None, ...], ...] | None:
    """``sort_rows(variables, rows, keys)[offset : offset + limit]``, without sorting every
    row: a heap keeps the first ``offset + limit`` (a page of a large answer costs about one
    pass over it). None when a key is not one of *variables*."""
    try:
        columns = [variables.index(key.variable) for key in keys]
    except ValueError:
        return None
    directions = [key.descending for key in keys]

    def order(index: int) -> tuple[Any, ...]:
        rank = tuple(term_rank(term) for term in rows[index])
        by_keys = tuple(
            _Descending(rank[c]) if descending else rank[c]
            for c, descending in zip(columns, directions, strict=True)
        )
        return (*by_keys, rank, index)  # as sort_rows: ties by every column, then input order

    first = heapq.nsmallest(offset + limit, range(len(rows)), key=order)
    return tuple(rows[i] for i in first[offset:])


class _Descending:
    """A sort key that orders its rank the other way round."""

    __slots__ = ("rank",)

    def __init__(self, rank: tuple[Any, ...]) -> None:
        self.rank = rank

    def __lt__(self, other: _Descending) -> bool:
        return other.rank < self.rank

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.rank == other.rank

    __hash__ = None  # type: ignore[assignment]


def term_rank(term: Node | None) -> tuple[Any, ...]:
    """A sort key giving SPARQL's order of RDF terms (see the module's docstring)."""
    if term is None:
        return (0,)
    if isinstance(term, BNode):
        return (1, str(term))
    if isinstance(term, URIRef):
        return (2, str(term))
    if isinstance(term, Literal):
        return (3, *_literal_rank(term))
    return (4, str(term))


def _literal_rank(literal: Literal) -> tuple[Any, ...]:
    lexical = str(literal)
    datatype = literal.datatype
    value = literal.toPython() if datatype is not None and literal.ill_typed is not True else None
    if datatype in _NUMERIC and isinstance(value, int | float | Decimal):
        return (0, Decimal(str(value)) if not isinstance(value, float) else value, lexical)
    if datatype == XSD.date and isinstance(value, date) and not isinstance(value, datetime):
        return (1, value, lexical)
    if datatype == XSD.dateTime and isinstance(value, datetime) and value.tzinfo is None:
        return (2, value, lexical)
    if datatype == XSD.boolean and isinstance(value, bool):
        return (3, value, lexical)
    if datatype is None and literal.language is None or datatype == XSD.string:
        return (4, lexical)
    if literal.language is not None:
        return (5, lexical, literal.language)
    return (6, str(datatype), lexical)


# --------------------------------------------------------------------------- as bytes


def rank_bytes(term: Node | None) -> bytes:
    """:func:`term_rank` as bytes that sort the same way (``memcmp``, as SQLite compares
    BLOBs), and prefix-free, so the bytes of a row's terms joined sort as its tuple of
    ranks: what lets a kept answer be paged by an index (:mod:`kg.query.kept`)."""
    return b"".join(_rank_part(part) for part in term_rank(term))


def _rank_part(part: Any) -> bytes:
    if isinstance(part, bool):
        return b"\x01" if part else b"\x00"
    if isinstance(part, int) and 0 <= part < 256 and not isinstance(part, bool):
        return bytes((part,))
    if isinstance(part, str):
        return part.encode("utf-8").replace(b"\x00", b"\x00\xff") + b"\x00\x00"
    if isinstance(part, datetime):
        return _rank_part(part.strftime("%Y-%m-%dT%H:%M:%S.%f"))
    if isinstance(part, date):
        return _rank_part(f"{part.year:04d}-{part.month:02d}-{part.day:02d}")
    if isinstance(part, int | float | Decimal):
        return _number_bytes(part)
    raise TypeError(f"no byte rank for {part!r}")


def _number_bytes(value: float | Decimal) -> bytes:
    """A number as bytes in numeric order: sign, then exponent, then digits."""
    if isinstance(value, float):
        if value != value:  # NaN: SPARQL leaves it unordered; after every number
            return b"\x05"
        if value in (float("inf"), float("-inf")):
            return b"\x04" if value > 0 else b"\x00"
        value = Decimal(value)  # exact
    elif not value.is_finite():
        return b"\x05" if value.is_nan() else (b"\x04" if value > 0 else b"\x00")
    if value == 0:
        return b"\x02"
    sign, digits, _ = value.normalize().as_tuple()
    exponent = value.normalize().adjusted() + 1  # value = 0.d1d2… × 10^exponent
    body = (exponent + 2**31).to_bytes(4, "big") + bytes(48 + d for d in digits) + b"\x00"
    if sign:
        return b"\x01" + bytes(255 - b for b in body)
    return b"\x03" + body
