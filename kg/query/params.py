"""``--bind`` for a named query: each value read as the kind of term its parameter declares.

A parameter that declares a kind (``# param: org1 [organization] — …``, see
:data:`kg.query.catalog.PARAM_KINDS`) takes what the other commands take: a company name
or alias, resolved as ``kg timeline`` resolves it (with close names when it is unknown);
an agreement's key or IRI that is in the graph; a clause type (``dkct:LicenseGrant`` or
``LicenseGrant``); a day ``YYYY-MM-DD``. A value that cannot be such a term is an error,
never a binding that silently matches nothing. Parameters without a kind take any term
(:func:`kg.query.bindings.parse_binding`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import QueryError
from kg.query.bindings import parse_binding, parse_bindings
from kg.query.catalog import NamedQuery
from kg.query.names import resolve_organization
from kg.query.run import Target, run_query
from kg.rdf.types import clause_type_iris


def bind_parameters(query: NamedQuery, pairs: Iterable[str], target: Target) -> dict[str, Node]:
    """The terms of ``VAR=VALUE`` *pairs* for *query*, each typed by its parameter's kind.

    :raises QueryError: for a bad pair, or a value its parameter's kind cannot take (the
        message says what the parameter takes).
    """
    kinds = {param.name: param.kind for param in query.params}
    bound: dict[str, Node] = {}
    for pair in pairs:
        ((name, term),) = parse_bindings([pair]).items()  # checks VAR=VALUE
        kind = kinds.get(name)
        value = pair.partition("=")[2].strip()
        bound[name] = term if kind is None else _BINDERS[kind](target, name, value)
    return bound


def _organization(target: Target, name: str, text: str) -> Node:
    try:
        return resolve_organization(target, text)
    except QueryError as exc:
        raise QueryError(f"{name}={text!r}: {exc}") from exc


_ASK_AGREEMENT = "SELECT ?a WHERE { ?a a dk:Agreement }"


def _agreement(target: Target, name: str, text: str) -> Node:
    term = parse_binding(text)
    agreements = {row[0] for row in run_query(target, _ASK_AGREEMENT, include_ontology=False).rows}
    if isinstance(term, URIRef) and term in agreements:
        return term
    keys = sorted(str(a).rsplit("/", 1)[-1] for a in agreements)
    close = difflib.get_close_matches(text.rsplit("/", 1)[-1], keys, n=5, cutoff=0.6)
    hint = f"; close keys: {', '.join(close)}" if close else ""
    raise QueryError(
        f"{name}={text!r}: no agreement with that key or IRI in the graph{hint} "
        "(the named query 'agreements' lists them)"
    )


def _clause_type(target: Target, name: str, text: str) -> Node:
    types = set(clause_type_iris().values())
    term = parse_binding(text)
    if term in types:
        return term
    # a clause type by its name alone, in any case: 'LicenseGrant', 'licensegrant'
    by_name = {_local(t).casefold(): t for t in types}
    wanted = _local(term).replace(" ", "").replace("_", "").casefold()
    if wanted in by_name:
        return by_name[wanted]
    names = sorted(_local(t) for t in types)
    close = difflib.get_close_matches(_local(term), names, n=5, cutoff=0.5)
    hint = f"; close: {', '.join(close)}" if close else f"; clause types: {', '.join(names)}"
    raise QueryError(f"{name}={text!r} is not a clause type{hint}")


def _local(term: Node) -> str:
    return re.split(r"[/#:]", str(term))[-1]


def _date(target: Target, name: str, text: str) -> Node:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return Literal(date.fromisoformat(text).isoformat(), datatype=XSD.date)
        except ValueError as exc:
            raise QueryError(f"{name}={text!r} is not a valid date: {exc}") from exc
    if re.fullmatch(r"\d{4}(-\d{2})?", text):
        first = f"{text}-01-01" if len(text) == 4 else f"{text}-01"
        raise QueryError(
            f"{name}={text!r} is a {'year' if len(text) == 4 else 'month'}, but {name} is a day: "
            f"write the day you mean, e.g. {first}"
        )
    raise QueryError(f"{name}={text!r} is not a date; write YYYY-MM-DD, e.g. 2026-01-01")


_BINDERS: dict[str, Callable[[Target, str, str], Node]] = {
    "organization": _organization,
    "agreement": _agreement,
    "clause-type": _clause_type,
    "date": _date,
}
