"""Agreement and clause types, as the ontology declares them: one concept per type.

Each type is a SKOS concept of ``ontology/agreement-types.ttl`` or
``ontology/clause-types.ttl`` with a ``dk:factsName`` and annotations that say what it
means to the extractor, the timeline and the facts export (``ontology/dealkg.ttl``,
"Type declarations"). This module reads them once and derives every table the code
needs: the facts names, the order of precedence, the roles of the parties and who pays,
the amount a clause is about. Adding a type is adding a concept there and its cues to a
pattern file (``kg/extract/patterns/deals.jsonl`` or ``clauses.jsonl``); the README says how.

The forms of agreement (``mou``, ``definitive``, ``amendment``) are classes of the core
ontology with a ``dk:factsName`` too, and so is ``dk:Agreement`` (``agreement``: a deal
word that names no type).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from kg.errors import OntologyError
from kg.rdf.ontology import ontology_graph
from kg.rdf.vocab import AMOUNT_KINDS, DK, ROLE_PROPERTIES


@dataclass(frozen=True)
class AgreementType:
    """One agreement type: its facts name, concept and what it means to the extractor."""

    name: str  # the facts name, also the label of its cues in deals.jsonl
    iri: URIRef
    label: str
    rank: int  # the lowest rank wins when a deal's wording fits several types
    role_before: str | None = None  # role of the party named before the deal word
    role_after: str | None = None  # role of the party named after it
    role_of_each_party: str | None = None  # a joint venture's partners
    payer_role: str | None = None
    payee_role: str | None = None
    kept_apart: bool = False  # never merged into an agreement of another type


@dataclass(frozen=True)
class ClauseType:
    """One clause type: its facts name, concept and what it means to the extractor."""

    name: str  # the facts name, also the label of its cues in clauses.jsonl
    iri: URIRef
    label: str
    amount_kind: str | None = None  # the kind of amount the clause is about
    owed_by: str | None = None  # "payer" or "payee": whose obligation it is
    negatable: bool = False  # "no board seat" is itself a term
    territory_cue: bool = False  # "in <place>" next to it is a territory
    cumulative: bool = False  # later clauses add to earlier ones


# --------------------------------------------------------------------------- reading


@functools.lru_cache(maxsize=1)
def agreement_types() -> tuple[AgreementType, ...]:
    """Every declared agreement type, by rank.

    :raises OntologyError: for a declaration that is missing a rank, names an unknown
        role, or repeats a facts name or a rank.
    """
    graph = ontology_graph()
    declared = [_agreement_type(graph, concept) for concept in _declared(graph, DK.AgreementType)]
    _unique("agreement type", [t.name for t in declared])
    _unique("agreement type rank", [str(t.rank) for t in declared])
    return tuple(sorted(declared, key=lambda t: t.rank))


@functools.lru_cache(maxsize=1)
def clause_types() -> tuple[ClauseType, ...]:
    """Every declared clause type, by facts name.

    :raises OntologyError: for an unknown amount kind or ``dk:owedBy`` value, or a
        repeated facts name.
    """
    graph = ontology_graph()
    declared = [_clause_type(graph, concept) for concept in _declared(graph, DK.ClauseType)]
    _unique("clause type", [t.name for t in declared])
    return tuple(sorted(declared, key=lambda t: t.name))


@functools.lru_cache(maxsize=1)
def agreement_forms() -> dict[str, URIRef]:
    """The forms of agreement by facts name (``mou`` → ``dk:MemorandumOfUnderstanding``),
    and ``agreement`` → ``dk:Agreement``."""
    graph = ontology_graph()
    return {
        str(name): cls
        for cls, name in sorted(graph.subject_objects(DK.factsName))
        if isinstance(cls, URIRef) and (cls, RDF.type, SKOS.Concept) not in graph
    }


def _declared(graph: Graph, kind: URIRef) -> list[URIRef]:
    """The concepts of *kind* that declare a type (those with a facts name)."""
    return sorted(
        c
        for c in graph.subjects(RDF.type, kind)
        if isinstance(c, URIRef) and graph.value(c, DK.factsName) is not None
    )


def _agreement_type(graph: Graph, concept: URIRef) -> AgreementType:
    rank = graph.value(concept, DK.typeRank)
    if not isinstance(rank, Literal) or not isinstance(rank.toPython(), int):
        raise OntologyError(f"{concept}: an agreement type needs an integer dk:typeRank")
    return AgreementType(
        name=str(graph.value(concept, DK.factsName)),
        iri=concept,
        label=str(graph.value(concept, SKOS.prefLabel) or concept),
        rank=int(rank.toPython()),
        role_before=_role(graph, concept, DK.roleBefore),
        role_after=_role(graph, concept, DK.roleAfter),
        role_of_each_party=_role(graph, concept, DK.roleOfEachParty),
        payer_role=_role(graph, concept, DK.payerRole),
        payee_role=_role(graph, concept, DK.payeeRole),
        kept_apart=_flag(graph, concept, DK.keptApart),
    )


def _clause_type(graph: Graph, concept: URIRef) -> ClauseType:
    owed_by = graph.value(concept, DK.owedBy)
    if owed_by is not None and str(owed_by) not in ("payer", "payee"):
        raise OntologyError(f'{concept}: dk:owedBy is {owed_by!r}; write "payer" or "payee"')
    return ClauseType(
        name=str(graph.value(concept, DK.factsName)),
        iri=concept,
        label=str(graph.value(concept, SKOS.prefLabel) or concept),
        amount_kind=_amount_kind(graph, concept),
        owed_by=str(owed_by) if owed_by is not None else None,
        negatable=_flag(graph, concept, DK.negatable),
        territory_cue=_flag(graph, concept, DK.territoryCue),
        cumulative=_flag(graph, concept, DK.cumulative),
    )


_ROLE_NAMES: dict[Node, str] = {
    iri: name for name, iri in ROLE_PROPERTIES.items() if name != "provider"
}
_AMOUNT_KIND_NAMES: dict[Node, str] = {iri: name for name, iri in AMOUNT_KINDS.items()}


def _role(graph: Graph, concept: URIRef, prop: URIRef) -> str | None:
    value = graph.value(concept, prop)
    if value is None:
        return None
    if value not in _ROLE_NAMES:
        raise OntologyError(f"{concept}: {value} is not a role property of dk:hasParty")
    return _ROLE_NAMES[value]


def _amount_kind(graph: Graph, concept: URIRef) -> str | None:
    value = graph.value(concept, DK.clauseAmountKind)
    if value is None:
        return None
    if value not in _AMOUNT_KIND_NAMES:
        raise OntologyError(f"{concept}: {value} is not an amount kind (dkak:)")
    return _AMOUNT_KIND_NAMES[value]


def _flag(graph: Graph, concept: Node, prop: URIRef) -> bool:
    value = graph.value(concept, prop)
    return isinstance(value, Literal) and value.toPython() is True


def _unique(what: str, names: Iterable[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise OntologyError(f"two {what} declarations share {name!r}; each needs its own")
        seen.add(name)


# --------------------------------------------------------------------------- derived tables


@functools.lru_cache(maxsize=1)
def agreement_type_iris() -> Mapping[str, URIRef]:
    """Facts name → concept, for every agreement type."""
    return MappingProxyType({t.name: t.iri for t in agreement_types()})


@functools.lru_cache(maxsize=1)
def clause_type_iris() -> Mapping[str, URIRef]:
    """Facts name → concept, for every clause type."""
    return MappingProxyType({t.name: t.iri for t in clause_types()})


def type_priority() -> tuple[str, ...]:
    """Agreement types in the order a deal's type is chosen when several fit."""
    return tuple(t.name for t in agreement_types())


def kept_apart_types() -> frozenset[str]:
    """Agreement types whose deals are never merged into one of another type."""
    return frozenset(t.name for t in agreement_types() if t.kept_apart)


def party_roles() -> dict[str, tuple[str, str]]:
    """Agreement type → (role before the deal word, role after it)."""
    return {
        t.name: (t.role_before, t.role_after)
        for t in agreement_types()
        if t.role_before is not None and t.role_after is not None
    }


def roles_of_each_party() -> dict[str, str]:
    """Agreement type → the role every party has (a joint venture's partners)."""
    return {t.name: t.role_of_each_party for t in agreement_types() if t.role_of_each_party}


def payer_roles() -> tuple[str, ...]:
    """The roles that pay, by agreement type rank."""
    return tuple(dict.fromkeys(t.payer_role for t in agreement_types() if t.payer_role))


def payee_roles() -> tuple[str, ...]:
    """The roles that are paid, by agreement type rank."""
    return tuple(dict.fromkeys(t.payee_role for t in agreement_types() if t.payee_role))


def clause_amount_kinds() -> dict[str, str]:
    """Clause type → the kind of amount it is about."""
    return {t.name: t.amount_kind for t in clause_types() if t.amount_kind}


def clauses_owed_by() -> dict[str, str]:
    """Clause type → ``"payer"`` or ``"payee"``, whose obligation it is."""
    return {t.name: t.owed_by for t in clause_types() if t.owed_by}


def negatable_clauses() -> frozenset[str]:
    """Clause types whose stated absence is itself a term."""
    return frozenset(t.name for t in clause_types() if t.negatable)


def territory_cues() -> frozenset[str]:
    """Clause types next to which ``in <place>`` is a territory."""
    return frozenset(t.name for t in clause_types() if t.territory_cue)


def cumulative_clauses() -> frozenset[URIRef]:
    """The concepts of clause types whose later clauses add to earlier ones."""
    return frozenset(t.iri for t in clause_types() if t.cumulative)
