"""kg.rdf.types: agreement and clause types declared once, by their concepts in ontology/."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.errors import OntologyError
from kg.extract.rules import load_rules
from kg.rdf import types
from kg.rdf.vocab import DK, DKAK, DKAT, DKCT

NEW = URIRef("https://w3id.org/dealkg/agreement-type/Lease")


def _labels(file_name: str) -> set[str]:
    return set(load_rules(file_name).labels)


def test_every_deal_label_is_a_declared_type_or_form() -> None:
    declared = {t.name for t in types.agreement_types()} | set(types.agreement_forms())
    assert _labels("deals.jsonl") - declared == set()


def test_every_clause_label_is_a_declared_clause_type() -> None:
    declared = {t.name for t in types.clause_types()}
    assert _labels("clauses.jsonl") - declared == set()


def test_every_agreement_type_but_the_derived_ones_has_cues() -> None:
    # cloud and compute commitments are supply deals told apart by their words, and
    # "other" is what no cue names: those three have no cues of their own
    cued = _labels("deals.jsonl")
    without = {t.name for t in types.agreement_types()} - cued
    assert without == {"cloud_commitment", "compute_commitment", "other"}


def test_ranks_order_the_types_and_other_comes_last() -> None:
    ranked = types.agreement_types()
    assert [t.rank for t in ranked] == sorted(t.rank for t in ranked)
    assert types.type_priority()[-1] == "other"
    assert types.type_priority() == tuple(t.name for t in ranked)


def test_roles_and_payers_come_from_the_declarations() -> None:
    by_name = {t.name: t for t in types.agreement_types()}
    assert types.party_roles()["investment"] == ("investor", "investee")
    assert types.roles_of_each_party() == {"joint_venture": "partner"}
    assert by_name["license"].payer_role == "licensee"
    assert set(types.payer_roles()) == {"acquirer", "licensee", "investor"}
    assert "joint_venture" in types.kept_apart_types()


def test_clause_declarations_give_amounts_obligations_and_flags() -> None:
    assert types.clause_amount_kinds()["compute_commitment"] == "purchase_commitment"
    assert types.clauses_owed_by() == {
        "investment": "payer",
        "milestone_payment": "payer",
        "royalty": "payer",
        "upfront_payment": "payer",
        "equity_stake": "payee",
    }
    assert "board_seat" in types.negatable_clauses()
    assert "term" in types.territory_cues()
    assert DKCT.UpfrontPayment in types.cumulative_clauses()
    assert types.clause_type_iris()["term"] == DKCT.ExpirationDate


def test_forms_name_the_core_classes() -> None:
    assert types.agreement_forms() == {
        "agreement": DK.Agreement,
        "amendment": DK.Amendment,
        "definitive": DK.DefinitiveAgreement,
        "mou": DK.MemorandumOfUnderstanding,
    }


def _concept(graph: Graph, **annotations: object) -> URIRef:
    graph.add((NEW, RDF.type, DK.AgreementType))
    graph.add((NEW, RDF.type, SKOS.Concept))
    graph.add((NEW, SKOS.prefLabel, Literal("Lease")))
    graph.add((NEW, DK.factsName, Literal("lease")))
    for name, value in annotations.items():
        term = value if isinstance(value, URIRef) else Literal(value)
        graph.add((NEW, DK[name], term))
    return NEW


def test_a_new_declaration_is_read_whole() -> None:
    graph = Graph()
    concept = _concept(graph, typeRank=11, roleBefore=DK.supplier, roleAfter=DK.customer)
    declared = types._agreement_type(graph, concept)
    assert (declared.name, declared.rank) == ("lease", 11)
    assert (declared.role_before, declared.role_after) == ("supplier", "customer")
    assert declared.payer_role is None and not declared.kept_apart


@pytest.mark.parametrize(
    ("annotations", "message"),
    [
        ({}, "integer dk:typeRank"),
        ({"typeRank": "first"}, "integer dk:typeRank"),
        ({"typeRank": 11, "roleBefore": DKAT.Supply}, "not a role property"),
    ],
)
def test_a_broken_agreement_declaration_is_an_error(
    annotations: dict[str, object], message: str
) -> None:
    graph = Graph()
    with pytest.raises(OntologyError, match=message):
        types._agreement_type(graph, _concept(graph, **annotations))


@pytest.mark.parametrize(
    ("annotations", "message"),
    [({"owedBy": "lender"}, "payer"), ({"clauseAmountKind": DKCT.Royalty}, "not an amount kind")],
)
def test_a_broken_clause_declaration_is_an_error(
    annotations: dict[str, object], message: str
) -> None:
    graph = Graph()
    concept = _concept(graph, **annotations)
    with pytest.raises(OntologyError, match=message):
        types._clause_type(graph, concept)


def test_amount_kinds_of_clauses_are_amount_kind_concepts() -> None:
    graph = Graph()
    concept = _concept(graph, clauseAmountKind=DKAK.UpfrontAmount)
    assert types._clause_type(graph, concept).amount_kind == "upfront"


def test_two_declarations_of_one_name_are_an_error() -> None:
    with pytest.raises(OntologyError, match="share 'lease'"):
        types._unique("agreement type", ["lease", "supply", "lease"])
