"""What the read-only endpoint refuses, decided from the parsed query, never from its text.

A query is parsed with rdflib's SPARQL grammar (``parseQuery``, which applies the ``\\uXXXX``
escapes first, as the specification says) and translated to its algebra (``translateQuery``);
a ``ServiceGraphPattern`` anywhere in that tree (a nested sub-select, a FILTER EXISTS, an
OPTIONAL, SILENT or not, a constant or variable endpoint) refuses the query. Text that parses
as SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``…) is refused as read-only.

rdflib's grammar is narrower than Oxigraph's (and reads some legal escapes differently, such
as ``e:p\\#x``). A query rdflib cannot parse cannot be checked, so it is refused too (fail
closed, :data:`UNCHECKED`); the server first lets the engine, which runs without network
access (:mod:`kg.serve.sandbox`), tell a plain syntax error (400, with its position) from
syntax only Oxigraph reads (403).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from kg.rdf.vocab import PREFIXES

OUTBOUND = "SERVICE (federated query) is not allowed: the server makes no outbound requests"
READ_ONLY = "this endpoint is read-only: SPARQL Update (and LOAD) is not accepted"
UNCHECKED = (
    "this query uses syntax the server's SPARQL checker (rdflib) does not read, so it cannot "
    "be shown to make no outbound request (SERVICE) and is refused; write it in SPARQL 1.1"
)


@dataclass(frozen=True)
class Refusal:
    """Why a query is not run, and the HTTP status that says so.

    ``checked`` is False when the checker could not read the query at all (``detail`` is
    its parser's message): then it may be a plain syntax error instead.
    """

    status: int
    reason: str
    checked: bool = True
    detail: str = ""


@functools.lru_cache(maxsize=512)
def refusal(query: str) -> Refusal | None:
    """Why the read-only server refuses *query*, or None when it may run.

    rdflib's parser takes 20–250 ms on a named query (the engine then answers in 1–2 ms
    on a small graph), so each worker remembers its last 512 verdicts.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(query)
    except ParseBaseException as exc:
        if _is_update(query):
            return Refusal(HTTPStatus.FORBIDDEN, READ_ONLY)
        return Refusal(HTTPStatus.FORBIDDEN, UNCHECKED, checked=False, detail=str(exc))
    if _has_service(parsed):
        return Refusal(HTTPStatus.FORBIDDEN, OUTBOUND)
    try:
        algebra = translateQuery(parsed, initNs=PREFIXES).algebra
    except Exception as exc:  # noqa: BLE001 - an unknown prefix, or rdflib's own limits
        return Refusal(HTTPStatus.FORBIDDEN, UNCHECKED, checked=False, detail=str(exc))
    if _has_service(algebra):
        return Refusal(HTTPStatus.FORBIDDEN, OUTBOUND)
    return None


def _is_update(query: str) -> bool:
    """Whether *query* parses as SPARQL Update with at least one operation."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(query)
    except (ParseBaseException, ValueError):
        return False
    return bool(update.get("request"))


def _has_service(tree: Any) -> bool:
    return any(getattr(node, "name", None) == "ServiceGraphPattern" for node in _nodes(tree))


def _nodes(tree: Any) -> Iterator[Any]:
    """Every node of a parse tree or algebra, iteratively (a deep query must not overflow)."""
    from pyparsing import ParseResults

    stack = [tree]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        # ParseResults is a Mapping whose values() are only its *named* results; its
        # positional items are the tree, so take both (CompValue is a plain dict)
        if isinstance(node, ParseResults):
            stack.extend(node)
            stack.extend(node.values())  # type: ignore[no-untyped-call]
        elif isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(dict.values(node))
