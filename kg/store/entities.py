"""Facts about organisations and products, once per store rather than once per document.

A document graph holds what its document states: the document, its mentions, the evidence
linking an organisation to them, its agreements. What an organisation *is* — its type, its
names (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``), its parent, a product's
owner — lives once in the entities graph (:data:`ENTITIES_GRAPH`), so a query over the
union of a store's graphs sees an organisation's name once, as it does on a built file.

Which document states which entity fact is kept in the support graph
(:data:`SUPPORT_GRAPH`) as RDF statements (``rdf:subject``, ``rdf:predicate``,
``rdf:object``) each tied to its document by ``prov:wasDerivedFrom``. The entities graph of an
entity is the union of its supported facts, recomputed in the same update that writes or
removes a document, so a name stays exactly as long as one document still gives it.

Everything here is SPARQL 1.1 Update text, so it runs on the local Oxigraph store and on a
SPARQL server alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg.rdf.graphs import select
from kg.rdf.iris import iri_for
from kg.rdf.vocab import DK, ID

ENTITIES_GRAPH = str(iri_for("graph", "entities"))
"""The named graph of the organisations' and products' own facts, derived from
:data:`SUPPORT_GRAPH`."""

SUPPORT_GRAPH = str(iri_for("graph", "entity-support"))
"""The named graph saying which document states which entity fact."""

ENTITY_PREDICATES = frozenset(
    str(p)
    for p in (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, DK.subsidiaryOf, DK.ownedBy)
)
_ENTITY_SUBJECTS = (str(ID) + "org-", str(ID) + "product-")

if TYPE_CHECKING:
    from kg.store.answers import Changes

Triple = tuple[str, str, str]
"""A triple as N-Triples terms (``<iri>``, ``"literal"``), ready for SPARQL Update text."""


def is_entity_fact(subject: str, predicate: str) -> bool:
    """Whether the triple (*subject* IRI, *predicate* IRI, …) says what an entity is,
    rather than what one document says about it."""
    return subject.startswith(_ENTITY_SUBJECTS) and predicate in ENTITY_PREDICATES


def statement_iri(document: str, fact: Triple) -> str:
    """The IRI of the support graph's statement that document IRI *document* states *fact*."""
    key = document.rsplit("doc-", 1)[-1]  # a document IRI ends in its slug-safe key
    digest = hashlib.sha256(" ".join(fact).encode()).hexdigest()[:16]
    return str(iri_for("stated", f"{key}-{digest}"))


def support_triples(document: str, facts: Iterable[Triple]) -> list[Triple]:
    """The support graph's statements that document IRI *document* states *facts*."""
    triples: list[Triple] = []
    for s, p, o in sorted(set(facts)):
        node = f"<{statement_iri(document, (s, p, o))}>"
        triples += [
            (node, f"<{RDF.subject}>", s),
            (node, f"<{RDF.predicate}>", p),
            (node, f"<{RDF.object}>", o),
            (node, f"<{PROV.wasDerivedFrom}>", f"<{document}>"),
        ]
    return triples


def drop_support(documents: Sequence[str]) -> str:
    """The update removing what *documents* (graph IRIs) state about entities."""
    values = " ".join(f"<{d}>" for d in documents)
    return (
        f"DELETE {{ GRAPH <{SUPPORT_GRAPH}> {{ ?n ?p ?o }} }} WHERE {{ VALUES ?d {{ {values} }} "
        f"GRAPH <{SUPPORT_GRAPH}> {{ ?n <{PROV.wasDerivedFrom}> ?d ; ?p ?o }} }}"
    )


def supported_subjects_query(documents: Sequence[str]) -> str:
    """A SELECT of the entities (``?s``) that *documents* (graph IRIs) state facts about."""
    values = " ".join(f"<{d}>" for d in documents)
    return (
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?d {{ {values} }} GRAPH <{SUPPORT_GRAPH}> "
        f"{{ ?n <{PROV.wasDerivedFrom}> ?d ; <{RDF.subject}> ?s }} }}"
    )


def recompute_entities(subjects: Iterable[str]) -> list[str]:
    """The updates making the entities graph of *subjects* (IRIs) the union of the facts
    the support graph holds for them: run after the support graph changed."""
    values = " ".join(f"<{s}>" for s in sorted(set(subjects)))
    if not values:
        return []
    return [
        f"DELETE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} "
        f"GRAPH <{ENTITIES_GRAPH}> {{ ?s ?p ?o }} }}",
        f"INSERT {{ GRAPH <{ENTITIES_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} "
        f"GRAPH <{SUPPORT_GRAPH}> {{ ?n <{RDF.subject}> ?s ; <{RDF.predicate}> ?p ; "
        f"<{RDF.object}> ?o }} }}",
    ]


def graph_data(graph: str, triples: Iterable[Triple]) -> str:
    """``GRAPH <graph> { … }`` of *triples*, for an INSERT DATA."""
    return f"GRAPH <{graph}> {{\n" + "\n".join(f"{s} {p} {o} ." for s, p, o in triples) + "\n}"


@contextmanager
def noting_entity_changes(
    store: ox.Store, subjects: Iterable[str], graphs: Sequence[str], changes: Changes
) -> Iterator[None]:
    """Note in *changes* the entities among *subjects*, and those the document *graphs*
    state facts about, whose facts in the entities graph the enclosed write changes."""
    watched = set(subjects) | _stated(store, graphs)
    before = {s: entity_facts(store, s) for s in watched}
    yield
    changes.note_entities({s for s in watched if entity_facts(store, s) != before[s]})


def entity_facts(store: ox.Store, subject: str) -> frozenset[ox.Quad]:
    """What the entities graph says about *subject*."""
    graph = ox.NamedNode(ENTITIES_GRAPH)
    return frozenset(store.quads_for_pattern(ox.NamedNode(subject), None, None, graph))


def _stated(store: ox.Store, graphs: Sequence[str]) -> set[str]:
    if not graphs:
        return set()
    return {s for (s,) in select(store, supported_subjects_query(graphs)) if s is not None}
