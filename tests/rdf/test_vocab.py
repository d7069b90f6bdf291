"""kg/rdf/vocab.py and the ontology files declare the same terms: both ways for the core
ontology and the small schemes; one way for agreement and clause types, which are data
(declared by their concepts, read by kg.rdf.types; vocab spells only those code names)."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, DefinedNamespace

from kg.rdf import vocab
from kg.rdf.ontology import ontology_graph
from kg.rdf.types import agreement_type_iris

# which dk: class each concept namespace's members belong to, and its scheme
CONCEPT_CLASSES: dict[type[DefinedNamespace], tuple[URIRef, URIRef]] = {
    vocab.DKCT: (vocab.DK.ClauseType, vocab.DKCT.ClauseTypes),
    vocab.DKAT: (vocab.DK.AgreementType, vocab.DKAT.AgreementTypes),
    vocab.DKST: (vocab.DK.AgreementStatus, vocab.DKST.Statuses),
    vocab.DKDP: (vocab.DK.DatePrecision, vocab.DKDP.Precisions),
    vocab.DKAQ: (vocab.DK.AmountQualifier, vocab.DKAQ.Qualifiers),
    vocab.DKAK: (vocab.DK.AmountKind, vocab.DKAK.AmountKinds),
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


def terms(namespace: type[DefinedNamespace]) -> list[URIRef]:
    return [namespace[name] for name in namespace.__annotations__]


def declared_in(graph: Graph, namespace: type[DefinedNamespace]) -> set[URIRef]:
    base = str(namespace._NS)
    return {
        s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(base)
    }


@pytest.mark.parametrize("namespace", vocab.VOCABULARIES, ids=lambda ns: ns.__name__)
def test_every_vocab_term_is_declared(ontology: Graph, namespace: type[DefinedNamespace]) -> None:
    missing = [t for t in terms(namespace) if (t, RDF.type, None) not in ontology]
    assert missing == []


@pytest.mark.parametrize(
    "namespace",
    [ns for ns in vocab.VOCABULARIES if ns not in (vocab.DKAT, vocab.DKCT)],
    ids=lambda ns: ns.__name__,
)
def test_ontology_declares_nothing_vocab_lacks(
    ontology: Graph, namespace: type[DefinedNamespace]
) -> None:
    extra = declared_in(ontology, namespace) - set(terms(namespace))
    assert extra == set()


def test_dk_terms_are_classes_or_properties(ontology: Graph) -> None:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    for term in terms(vocab.DK):
        declared = set(ontology.objects(term, RDF.type))
        assert declared & kinds, f"{term} is neither an OWL class nor an OWL property"


@pytest.mark.parametrize("namespace", list(CONCEPT_CLASSES), ids=lambda ns: ns.__name__)
def test_concepts_are_typed_and_in_their_scheme(
    ontology: Graph, namespace: type[DefinedNamespace]
) -> None:
    concept_class, scheme = CONCEPT_CLASSES[namespace]
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
    for term in terms(namespace):
        if term == scheme:
            continue
        assert (term, RDF.type, concept_class) in ontology, term
        assert (term, RDF.type, SKOS.Concept) in ontology, term
        assert (term, SKOS.inScheme, scheme) in ontology, term
        assert ontology.value(term, SKOS.prefLabel) is not None, term
        assert ontology.value(term, SKOS.definition) is not None, term


@pytest.mark.parametrize(
    ("table", "namespace"),
    [
        (vocab.STATUSES, vocab.DKST),
        (vocab.PRECISIONS, vocab.DKDP),
        (vocab.QUALIFIERS, vocab.DKAQ),
        (vocab.AMOUNT_KINDS, vocab.DKAK),
    ],
    ids=["statuses", "precisions", "qualifiers", "amount-kinds"],
)
def test_notations_match_the_facts_tables(
    ontology: Graph, table: dict[str, URIRef], namespace: type[DefinedNamespace]
) -> None:
    # skos:notation is the facts format's short name, so both must agree
    notations = {
        str(ontology.value(term, SKOS.notation)): term
        for term in terms(namespace)
        if ontology.value(term, SKOS.notation) is not None
    }
    assert notations == table


def test_agreement_type_notations_are_their_facts_names(ontology: Graph) -> None:
    for name, concept in agreement_type_iris().items():
        assert str(ontology.value(concept, SKOS.notation)) == name


def test_role_properties_are_sub_properties_of_has_party(ontology: Graph) -> None:
    for role, prop in vocab.ROLE_PROPERTIES.items():
        assert (prop, RDF.type, OWL.ObjectProperty) in ontology, role
        assert ontology.value(prop, RDFS.subPropertyOf) == vocab.DK.hasParty, role
