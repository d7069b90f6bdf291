"""Company names to organisations: the one resolver every command uses (``kg timeline``,
``kg graph``, ``kg query --bind``), with the same errors and close-name suggestions."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Mapping

from rdflib import URIRef

from kg.errors import QueryError
from kg.query.run import Target, run_query
from kg.rdf.snapshot import local_name

_LABELS = (
    "SELECT DISTINCT ?o ?l WHERE { ?o a dk:Organization . OPTIONAL { "
    "{ ?o rdfs:label ?l } UNION { ?o skos:prefLabel ?l } UNION { ?o skos:altLabel ?l } } }"
)


def _organizations(graph: Target) -> dict[URIRef, set[str]]:
    found: dict[URIRef, set[str]] = defaultdict(set)
    for org, label in run_query(graph, _LABELS, include_ontology=False).rows:
        if isinstance(org, URIRef):
            found[org] |= {str(label)} if label is not None else set()
    return found


def resolve_organization(graph: Target, name: str) -> URIRef:
    """The organisation named *name*: an IRI, an ``org-…`` key or a label/alias (any case),
    in a graph or a store.

    :raises QueryError: when nothing or more than one organisation matches; the message
        lists close labels.
    """
    organizations = _organizations(graph)
    wanted = name.strip()
    for org in organizations:  # an IRI or a key is exact, so it wins over labels
        if wanted in (str(org), local_name(org)) or local_name(org) == f"org-{wanted}":
            return org
    matches = sorted(
        o
        for o, labels in organizations.items()
        if wanted.casefold() in {x.casefold() for x in labels}
    )
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise QueryError(f"{name!r} names several organisations: {', '.join(matches)}; pass an IRI")
    raise QueryError(f"no organisation {name!r} in the graph{_close_labels(wanted, organizations)}")


def _close_labels(wanted: str, organizations: Mapping[URIRef, set[str]]) -> str:
    labels = sorted({label for group in organizations.values() for label in group})
    folded = {label.casefold(): label for label in labels}
    close = difflib.get_close_matches(wanted.casefold(), list(folded), n=5, cutoff=0.6)
    close += [f for f in folded if wanted.casefold() in f and f not in close][: 5 - len(close)]
    return f"; close labels: {', '.join(folded[c] for c in close)}" if close else ""
