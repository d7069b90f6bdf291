"""What the read-only endpoint refuses, decided from the parsed query, never from its text.

A query is parsed with rdflib's SPARQL grammar (``parseQuery``, which applies the ``\\uXXXX``
escapes first, as the specification says) and translated to its algebra (``translateQuery``);
a ``ServiceGraphPattern`` anywhere in that tree (a nested sub-select, a FILTER EXISTS, an
OPTIONAL, SILENT or not, a constant or variable endpoint) refuses the query. Text that parses
as SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``…) is refused as read-only.

rdflib's grammar is narrower than Oxigraph's (and reads some legal escapes differently, such
as ``e:p\\#x``). A query rdflib cannot parse is passed to the engine only when the worker runs
without network access (:mod:`kg.serve.sandbox`): there the engine can report its own syntax
error, or answer a query that cannot reach any other machine. Without that sandbox such a
query is refused, since nothing then shows that it makes no request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from kg.rdf.vocab import PREFIXES

OUTBOUND = "SERVICE (federated query) is not allowed: the server makes no outbound requests"
READ_ONLY = "this endpoint is read-only: SPARQL Update (and LOAD) is not accepted"


@dataclass(frozen=True)
class Refusal:
    """Why a query is not run, and the HTTP status that says so."""

    status: int
    reason: str


def refusal(query: str, *, engine_offline: bool = False) -> Refusal | None:
    """Why the read-only server refuses *query*, or None when it may run.

    :param engine_offline: the engine runs where it cannot open network connections, so a
        query outside rdflib's grammar may be left to it.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(query)
    except ParseBaseException as exc:
        if _is_update(query):
            return Refusal(HTTPStatus.FORBIDDEN, READ_ONLY)
        if engine_offline:
            return None
        return Refusal(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}")
    if _has_service(parsed):
        return Refusal(HTTPStatus.FORBIDDEN, OUTBOUND)
    try:
        algebra = translateQuery(parsed, initNs=PREFIXES).algebra
    except Exception as exc:  # noqa: BLE001 - an unknown prefix, or rdflib's own limits
        if engine_offline:
            return None
        return Refusal(HTTPStatus.BAD_REQUEST, f"cannot check the query: {exc}")
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
