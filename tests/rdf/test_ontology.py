"""The ontology files, the SHACL shapes and kg.rdf.ontology.validate on valid and broken graphs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

import kg.rdf.ontology
from kg.errors import OntologyError
from kg.rdf import vocab
from kg.rdf.graphs import load_graph
from kg.rdf.ontology import (
    ONTOLOGY_DIR,
    ValidationResult,
    alignments_graph,
    concept_schemes_graph,
    ontology_graph,
    shapes_graph,
    validate,
)

EXAMPLE = ONTOLOGY_DIR / "examples" / "example.ttl"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "ontology"
ID = vocab.ID
DK = vocab.DK
DKCT = vocab.DKCT
NIF = vocab.NIF
VANN = "http://purl.org/vocab/vann/"

# the 41 CUAD category labels, exactly as in CUAD's category_descriptions.csv
CUAD_LABELS = [
    "Document Name", "Parties", "Agreement Date", "Effective Date", "Expiration Date",
    "Renewal Term", "Notice Period to Terminate Renewal", "Governing Law",
    "Most Favored Nation", "Non-Compete", "Exclusivity", "No-Solicit of Customers",
    "Competitive Restriction Exception", "No-Solicit of Employees", "Non-Disparagement",
    "Termination for Convenience", "Rofr/Rofo/Rofn", "Change of Control", "Anti-Assignment",
    "Revenue/Profit Sharing", "Price Restrictions", "Minimum Commitment", "Volume Restriction",
    "IP Ownership Assignment", "Joint IP Ownership", "License Grant", "Non-Transferable License",
    "Affiliate License-Licensor", "Affiliate License-Licensee",
    "Unlimited/All-You-Can-Eat-License", "Irrevocable or Perpetual License",
    "Source Code Escrow", "Post-Termination Services", "Audit Rights", "Uncapped Liability",
    "Cap on Liability", "Liquidated Damages", "Warranty Duration", "Insurance",
    "Covenant Not to Sue", "Third Party Beneficiary",
]  # fmt: skip

A1 = ID["agreement-acme-borealis-2024"]
MOU = ID["agreement-cirrus-borealis-mou-2025"]
LICENCE = ID["clause-acme-borealis-2024-2"]
REVENUE_SHARE = ID["clause-acme-borealis-2024-3"]
ACME_MENTION = ID["mention-1a2b3c4d5e6f7081-0-18"]
AMOUNT = ID["amount-acme-borealis-2024-usd250000000"]


def ttl_files() -> list[Path]:
    return sorted([*ONTOLOGY_DIR.rglob("*.ttl"), *FIXTURES.glob("*.ttl")])


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


def example() -> Graph:
    graph = Graph()
    graph.parse(EXAMPLE)
    return graph


@pytest.fixture(scope="module")
def example_result() -> ValidationResult:
    return validate(load_graph(EXAMPLE))


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("path", ttl_files(), ids=lambda p: str(p.relative_to(p.parents[2])))
def test_every_turtle_file_parses(path: Path) -> None:
    graph = Graph()
    graph.parse(path, format="turtle")
    assert len(graph) > 0


def test_ontology_graph_is_core_plus_schemes_without_alignments(ontology: Graph) -> None:
    assert (DK.Agreement, RDF.type, OWL.Class) in ontology
    assert (DKCT.ClauseTypes, RDF.type, SKOS.ConceptScheme) in ontology
    assert (vocab.DKDP.Year, RDF.type, DK.DatePrecision) in ontology
    assert not any(ontology.triples((None, SKOS.closeMatch, None)))
    assert any(alignments_graph().triples((None, SKOS.closeMatch, None)))


def test_ontology_graph_is_a_fresh_graph_each_call() -> None:
    first = ontology_graph()
    first.remove((DK.Agreement, None, None))
    assert (DK.Agreement, RDF.type, OWL.Class) in ontology_graph()


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/dealkg/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionIRI) == URIRef(
        "https://w3id.org/dealkg/ontology/0.1.0"
    )
    assert ontology.value(header, URIRef(VANN + "preferredNamespacePrefix")) == Literal("dk")


def test_every_dk_term_has_label_and_definition(ontology: Graph) -> None:
    for name in DK.__annotations__:
        term = DK._NS[name]
        assert ontology.value(term, RDFS.label) is not None, name
        assert ontology.value(term, SKOS.definition) is not None, name


def test_datatype_properties_have_xsd_ranges(ontology: Graph) -> None:
    properties = list(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    assert DK.percentage in properties
    for prop in properties:
        assert str(ontology.value(prop, RDFS.range)).startswith(str(XSD)), prop
    assert ontology.value(DK.percentage, RDFS.range) == XSD.decimal
    assert ontology.value(DK.validUntil, RDFS.range) == XSD.date


def test_object_properties_have_domain_or_range(ontology: Graph) -> None:
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        assert (prop, RDFS.domain, None) in ontology or (prop, RDFS.range, None) in ontology
    assert ontology.value(DK.hasParty, RDFS.domain) == DK.Agreement
    assert ontology.value(DK.hasParty, RDFS.range) == DK.Organization


def test_sub_property_axioms(ontology: Graph) -> None:
    assert ontology.value(DK.supersedes, RDFS.subPropertyOf) == DK.amends
    for name in (
        "announcedOn",
        "signedOn",
        "effectiveFrom",
        "expiresOn",
        "validFrom",
        "validUntil",
    ):
        companion = DK._NS[name + "Precision"]
        assert ontology.value(companion, RDFS.subPropertyOf) == DK.datePrecision, name
        assert ontology.value(companion, RDFS.range) == DK.DatePrecision


def test_disjoint_classes(ontology: Graph) -> None:
    assert (DK.Product, OWL.disjointWith, DK.Organization) in ontology
    assert (DK.MemorandumOfUnderstanding, OWL.disjointWith, DK.DefinitiveAgreement) in ontology


def test_core_subclasses_only_small_w3c_vocabularies(ontology: Graph) -> None:
    allowed = (
        "https://w3id.org/dealkg/",
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/ns/prov#",
        str(SKOS),
        str(NIF),
    )
    core = Graph()
    core.parse(ONTOLOGY_DIR / "dealkg.ttl")
    for parent in core.objects(None, RDFS.subClassOf):
        assert str(parent).startswith(allowed), parent
    for parent in core.objects(None, RDFS.subPropertyOf):
        assert str(parent).startswith(allowed), parent


# --------------------------------------------------------------------------- clause types


def test_all_41_cuad_categories_are_concepts(ontology: Graph) -> None:
    notations = {
        str(n): c
        for c, n in ontology.subject_objects(SKOS.notation)
        if str(c).startswith(str(DKCT._NS))
    }
    assert sorted(notations) == sorted(CUAD_LABELS)
    assert len(CUAD_LABELS) == 41
    for concept in notations.values():
        assert (concept, RDF.type, DK.ClauseType) in ontology
        assert (concept, SKOS.inScheme, DKCT.ClauseTypes) in ontology
        assert ontology.value(concept, SKOS.broader) is not None, concept


def test_clause_type_top_concepts(ontology: Graph) -> None:
    tops = set(ontology.objects(DKCT.ClauseTypes, SKOS.hasTopConcept))
    expected = {
        DKCT.TermAndDates, DKCT.Competitive, DKCT.AssignmentAndControl, DKCT.Licensing,
        DKCT.PostTermination, DKCT.Liability, DKCT.Financial, DKCT.Governance,
    }  # fmt: skip
    assert tops == expected
    for top in tops:
        assert (top, SKOS.topConceptOf, DKCT.ClauseTypes) in ontology


def test_extensions_are_marked_and_roll_up(ontology: Graph) -> None:
    extensions = [
        c
        for c in ontology.subjects(RDF.type, DK.ClauseType)
        if ontology.value(c, SKOS.notation) is None
        and (c, SKOS.topConceptOf, DKCT.ClauseTypes) not in ontology
    ]
    assert DKCT.ComputePurchaseCommitment in extensions
    assert len(extensions) == 16
    for concept in extensions:
        assert (concept, SKOS.scopeNote, Literal("not a CUAD category", lang="en")) in ontology


def test_compute_commitment_chain(ontology: Graph) -> None:
    assert ontology.value(DKCT.ComputePurchaseCommitment, SKOS.broader) == DKCT.PurchaseCommitment
    assert ontology.value(DKCT.PurchaseCommitment, SKOS.broader) == DKCT.MinimumCommitment
    assert ontology.value(DKCT.MinimumCommitment, SKOS.broader) == DKCT.Financial


# --------------------------------------------------------------------------- alignments


def test_alignments_avoid_the_fibo_traps() -> None:
    alignments = alignments_graph()
    fibo_supersedes = URIRef(
        "https://spec.edmcouncil.org/fibo/ontology/FND/Agreements/Contracts/supersedes"
    )
    assert (DK.supersedes, SKOS.closeMatch, fibo_supersedes) in alignments
    assert (DK.supersedes, RDFS.subPropertyOf, fibo_supersedes) not in alignments
    assert not any("PartnershipAgreement" in str(o) for o in alignments.objects())
    assert (DK.amends, SKOS.exactMatch, URIRef("http://data.europa.eu/eli/ontology#amends")) in (
        alignments
    )


# --------------------------------------------------------------------------- validation


def test_example_conforms_without_any_result(example_result: ValidationResult) -> None:
    assert example_result.conforms
    assert example_result.violations == ()
    assert example_result.text.startswith("Conforms: True")


def test_example_conforms_from_a_memory_graph() -> None:
    # load_graph (Oxigraph) turns xsd:nonNegativeInteger offsets into xsd:integer; the
    # Memory-store parse keeps them: both must conform
    result = validate(example())
    assert result.conforms and result.violations == ()


def test_shapes_graph_loads() -> None:
    shapes = shapes_graph()
    assert (URIRef("https://w3id.org/dealkg/shapes#MentionQuoteMatchesText"), None, None) in shapes


Mutation = Callable[[Graph], None]


def _one_party(g: Graph) -> None:
    g.remove((A1, DK.hasParty, ID["org-borealis-therapeutics"]))
    g.remove((A1, None, ID["org-borealis-therapeutics"]))  # roles too: one clean error


def _no_clause_type(g: Graph) -> None:
    g.remove((LICENCE, DK.clauseType, None))


def _percentage_140(g: Graph) -> None:
    g.set((REVENUE_SHARE, DK.percentage, Literal(Decimal("140.0"))))


def _integer_percentage(g: Graph) -> None:
    g.set((REVENUE_SHARE, DK.percentage, Literal(5)))


def _offsets_off_by_one(g: Graph) -> None:
    g.set((ACME_MENTION, NIF.endIndex, Literal(19, datatype=XSD.nonNegativeInteger)))


def _begin_after_end(g: Graph) -> None:
    g.set((ACME_MENTION, NIF.beginIndex, Literal(30, datatype=XSD.nonNegativeInteger)))


def _missing_precision(g: Graph) -> None:
    g.remove((A1, DK.announcedOnPrecision, None))


def _precision_without_date(g: Graph) -> None:
    g.add((LICENCE, DK.validFromPrecision, vocab.DKDP.Year))


def _two_dates(g: Graph) -> None:
    g.add((A1, DK.announcedOn, Literal("2024-03-06", datatype=XSD.date)))


def _role_not_party(g: Graph) -> None:
    g.add((A1, DK.acquirer, ID["org-dunmore-capital"]))


def _party_not_organization(g: Graph) -> None:
    g.add((A1, DK.hasParty, ID["product-helix-cloud"]))


def _clause_type_outside_scheme(g: Graph) -> None:
    stray = URIRef(str(DKCT._NS) + "Stray")
    g.add((stray, RDF.type, DK.ClauseType))
    g.set((LICENCE, DK.clauseType, stray))


def _agreement_type_as_clause_type(g: Graph) -> None:
    g.set((LICENCE, DK.clauseType, vocab.DKAT.Licence))
    g.add((vocab.DKAT.Licence, SKOS.inScheme, DKCT.ClauseTypes))  # only the class is wrong


def _clause_in_two_agreements(g: Graph) -> None:
    g.add((ID["agreement-dunmore-cirrus-2026"], DK.hasClause, LICENCE))


def _valid_from_after_until(g: Graph) -> None:
    g.add((LICENCE, DK.validFrom, Literal("2031-01-01", datatype=XSD.date)))
    g.add((LICENCE, DK.validFromPrecision, vocab.DKDP.Day))


def _lowercase_currency(g: Graph) -> None:
    g.set((AMOUNT, DK.currency, Literal("usd")))


def _negative_amount(g: Graph) -> None:
    g.set((AMOUNT, DK.amountValue, Literal(Decimal("-1.0"))))


def _product_is_organization(g: Graph) -> None:
    g.add((ID["product-helix-cloud"], RDF.type, DK.Organization))


def _mou_and_definitive(g: Graph) -> None:
    g.add((MOU, RDF.type, DK.DefinitiveAgreement))


def _organization_two_labels(g: Graph) -> None:
    g.add((ID["org-acme-robotics"], RDFS.label, Literal("Acme")))


def _agreement_without_evidence(g: Graph) -> None:
    g.remove((A1, DK.evidence, None))


BROKEN: list[tuple[str, Mutation, URIRef, str | None, str, str]] = [
    # (id, mutation, focus node, path, component, message fragment)
    ("one-party", _one_party, A1, "dk:hasParty", "sh:MinCountConstraintComponent",
     "at least two parties"),
    ("clause-without-type", _no_clause_type, LICENCE, "dk:clauseType",
     "sh:MinCountConstraintComponent", "exactly one dk:clauseType"),
    ("percentage-140", _percentage_140, REVENUE_SHARE, "dk:percentage",
     "sh:MaxInclusiveConstraintComponent", "between 0 and 100"),
    ("integer-percentage", _integer_percentage, REVENUE_SHARE, "dk:percentage",
     "sh:DatatypeConstraintComponent", "xsd:decimal"),
    ("offsets-not-the-quote", _offsets_off_by_one, ACME_MENTION, "nif:anchorOf",
     "sh:SPARQLConstraintComponent", "is not the document text"),
    ("begin-after-end", _begin_after_end, ACME_MENTION, "nif:beginIndex",
     "sh:LessThanConstraintComponent", "less than nif:endIndex"),
    ("missing-precision", _missing_precision, A1, "dk:announcedOn",
     "sh:SPARQLConstraintComponent", "dk:announcedOn has no companion"),
    ("precision-without-date", _precision_without_date, LICENCE, "dk:validFromPrecision",
     "sh:SPARQLConstraintComponent", "dk:validFromPrecision has no companion"),
    ("two-announcement-dates", _two_dates, A1, "dk:announcedOn",
     "sh:MaxCountConstraintComponent", "at most one xsd:date"),
    ("role-not-a-party", _role_not_party, A1, "dk:acquirer", "sh:SPARQLConstraintComponent",
     "must also be a dk:hasParty"),
    ("party-not-an-organization", _party_not_organization, A1, "dk:hasParty",
     "sh:ClassConstraintComponent", "must be a dk:Organization"),
    ("clause-type-outside-scheme", _clause_type_outside_scheme, LICENCE, "dk:clauseType",
     "sh:NodeConstraintComponent", "a concept of the dkct:ClauseTypes scheme"),
    ("agreement-type-as-clause-type", _agreement_type_as_clause_type, LICENCE, "dk:clauseType",
     "sh:ClassConstraintComponent", "a dk:ClauseType"),
    ("clause-in-two-agreements", _clause_in_two_agreements, LICENCE, "^dk:hasClause",
     "sh:MaxCountConstraintComponent", "exactly one agreement"),
    ("valid-from-after-until", _valid_from_after_until, LICENCE, "dk:validFrom",
     "sh:LessThanOrEqualsConstraintComponent", "must not be after dk:validUntil"),
    ("lowercase-currency", _lowercase_currency, AMOUNT, "dk:currency",
     "sh:PatternConstraintComponent", "ISO 4217"),
    ("negative-amount", _negative_amount, AMOUNT, "dk:amountValue",
     "sh:MinInclusiveConstraintComponent", ">= 0"),
    ("product-is-organization", _product_is_organization, ID["product-helix-cloud"], None,
     "sh:NotConstraintComponent", "cannot also be a dk:Organization"),
    ("mou-and-definitive", _mou_and_definitive, MOU, None, "sh:NotConstraintComponent",
     "cannot be both"),
    ("organization-two-labels", _organization_two_labels, ID["org-acme-robotics"], "rdfs:label",
     "sh:MaxCountConstraintComponent", "exactly one rdfs:label"),
    ("agreement-without-evidence", _agreement_without_evidence, A1, "dk:evidence",
     "sh:MinCountConstraintComponent", "at least one dk:evidence"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "focus", "path", "component", "fragment"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_graph_is_rejected_with_the_right_message(
    mutate: Mutation, focus: URIRef, path: str | None, component: str, fragment: str
) -> None:
    graph = example()
    mutate(graph)
    result = validate(graph)
    assert not result.conforms
    errors = result.errors
    assert len(errors) == 1, "\n".join(map(str, errors))
    error = errors[0]
    assert error.focus_node == focus
    assert error.path == path
    assert error.component == component
    assert fragment in error.message
    assert error.severity == "Violation"
    assert fragment in result.text


@pytest.mark.parametrize("mutate", [case[1] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_broken_graph_gets_pyshacls_report_from_kgs_engine(mutate: Mutation) -> None:
    graph = example()
    mutate(graph)
    assert validate(graph) == validate(graph, engine="pyshacl")


def test_clause_without_evidence_is_only_a_warning() -> None:
    graph = example()
    graph.remove((LICENCE, DK.evidence, None))
    result = validate(graph)
    assert result.conforms
    assert result.errors == ()
    assert [(w.focus_node, w.path, w.message) for w in result.warnings] == [
        (LICENCE, "dk:evidence", "The clause has no dk:evidence")
    ]


def test_mention_offsets_count_characters_not_bytes() -> None:
    # "€30 million" starts after a three-byte character in UTF-8; the example's offsets are
    # code-point offsets and conform, a byte-based end index would not
    graph = example()
    euro = ID["mention-3c4d5e6f708192a3-417-428"]
    assert str(graph.value(euro, NIF.anchorOf)) == "\u20ac30 million"
    graph.set((euro, NIF.endIndex, Literal(430, datatype=XSD.nonNegativeInteger)))
    result = validate(graph)
    assert [(v.focus_node, v.component) for v in result.errors] == [
        (euro, "sh:SPARQLConstraintComponent")
    ]


@pytest.mark.parametrize(
    ("fixture", "focus", "fragment"),
    [
        ("broken-amount.ttl", ID["amount-fixture-1"], "needs a dk:amountValue unless"),
        ("broken-document.ttl", ID["doc-fixture"], "exactly one nif:isString"),
    ],
)
def test_broken_fixture_files(fixture: str, focus: URIRef, fragment: str) -> None:
    graph = Graph()
    graph.parse(FIXTURES / fixture)
    result = validate(graph)
    assert not result.conforms
    assert [(v.focus_node, fragment in v.message) for v in result.errors] == [(focus, True)]


# --------------------------------------------------------------------------- errors


def test_missing_ontology_folder_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(kg.rdf.ontology, "ONTOLOGY_DIR", tmp_path / "nowhere")
    with pytest.raises(OntologyError, match="dealkg.ttl: ontology file missing"):
        ontology_graph()


def test_broken_turtle_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, copy)
    (copy / "concepts.ttl").write_text("@prefix dk: <x> .\ndk:a dk:b ", encoding="utf-8")
    monkeypatch.setattr(kg.rdf.ontology, "ONTOLOGY_DIR", copy)
    with pytest.raises(OntologyError, match=r"concepts\.ttl: not valid Turtle"):
        ontology_graph()


def _reference_result(graph: Graph) -> ValidationResult:
    """What :func:`validate` reported before it let pySHACL work on its copy in place: pySHACL
    cloning the data (schemes added) to mix the ontology in, SPARQL constraints on Oxigraph."""
    from pyshacl import validate as shacl_validate

    shapes = shapes_graph()
    checks = kg.rdf.ontology._take_sparql_constraints(shapes)
    data = Graph(bind_namespaces="none")
    for triple in (*graph, *concept_schemes_graph()):
        data.add(triple)
    conforms, report, _ = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology_graph(), inference="none",
        allow_warnings=True, advanced=False, js=False,
    )  # fmt: skip
    extra = kg.rdf.ontology._run_sparql_constraints(checks, graph)
    violations = kg.rdf.ontology._sorted((*kg.rdf.ontology._violations(report), *extra))
    conforms = bool(conforms) and not any(v.severity == "Violation" for v in extra)
    return ValidationResult(
        conforms, violations, kg.rdf.ontology._report_text(conforms, violations)
    )


def test_report_on_a_graph_broken_every_way_is_the_reference_report() -> None:
    graph = example()
    for case in BROKEN:
        if case[0] != "one-party":  # removes a party other cases point at
            case[1](graph)
    graph.remove((LICENCE, DK.evidence, None))  # and a warning
    before = set(graph)
    result = validate(graph)
    assert len(result.errors) > 10  # some cases break the same node the same way
    assert result.warnings
    assert result == _reference_result(graph)
    assert validate(graph, engine="pyshacl") == result
    assert set(graph) == before  # validating never changes the graph it is given
