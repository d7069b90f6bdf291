"""``--bind VAR=VALUE``: text turned into the RDF term a query variable is bound to.

Bindings are RDF terms handed to Oxigraph as pre-bound variables, never pasted into the
query text (see :mod:`kg.query.run`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import QueryError
from kg.rdf.iris import KINDS
from kg.rdf.vocab import ID, PREFIXES

VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:([^\s<>\"{}|^`\\]*)")


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


_SLUG = re.compile(rf"(?:{'|'.join(sorted(KINDS))})-[a-z0-9][a-z0-9._-]*")


def parse_binding(text: str, graph: Graph | None = None) -> Node:
    """Turn a ``--bind var=VALUE`` value into an RDF term.

    ``org-acme`` or ``dkid:org-acme`` → the data IRI; another project prefix or a prefix
    bound on *graph* (``dkct:Exclusivity``) → its IRI; ``<https://…>`` or a bare
    ``http(s)://`` URL → that IRI; ``2026-01-01`` → ``xsd:date``; a number → ``xsd:decimal``;
    ``true``/``false`` → ``xsd:boolean``; ``"quoted"`` → a string without the quotes;
    anything else → a plain string literal.

    :raises QueryError: for an IRI with illegal characters or an impossible date.
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return _iri(text[1:-1])
    if re.match(r"https?://", text):
        return _iri(text)
    if _SLUG.fullmatch(text):
        return ID[text]
    if _DATE.fullmatch(text):
        try:
            date.fromisoformat(text)
        except ValueError as exc:
            raise QueryError(f"{text!r} is not a valid date: {exc}") from exc
        return Literal(text, datatype=XSD.date)
    if _NUMBER.fullmatch(text):
        try:
            return Literal(Decimal(text), datatype=XSD.decimal)
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
            raise QueryError(f"{text!r} is not a number") from exc
    if text in ("true", "false"):
        return Literal(text == "true")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return Literal(text[1:-1])
    prefixed = _expand_prefixed(text, graph)
    return prefixed if prefixed is not None else Literal(text)


def parse_bindings(pairs: Iterable[str], graph: Graph | None = None) -> dict[str, Node]:
    """Parse ``var=value`` strings (the CLI's repeated ``--bind``) with :func:`parse_binding`.

    :raises QueryError: for a pair without ``=`` or with a bad variable name.
    """
    bindings: dict[str, Node] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not VARIABLE.fullmatch(name):
            raise QueryError(f"bad binding {pair!r}; write VAR=VALUE, e.g. date=2026-01-01")
        bindings[name] = parse_binding(value, graph)
    return bindings


def _iri(text: str) -> URIRef:
    if not text or re.search(r"[\s<>\"{}|^`\\]", text):
        raise QueryError(f"{text!r} is not a valid IRI")
    return URIRef(text)


def _expand_prefixed(text: str, graph: Graph | None) -> URIRef | None:
    match = _PREFIXED.fullmatch(text)
    if not match:
        return None
    namespaces = dict(PREFIXES)
    if graph is not None:
        for prefix, bound in graph.namespaces():
            namespaces.setdefault(prefix, str(bound))
    namespace = namespaces.get(match[1] or "")
    return URIRef(namespace + match[2]) if namespace is not None else None
