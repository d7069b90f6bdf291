"""The DealKG vocabulary: the only module where ontology IRIs are spelled.

Every class, property and concept used by the builder is declared here as a
``DefinedNamespace`` with ``_fail = True``, so a misspelt term raises instead of
silently minting a new IRI. ``tests/test_vocab.py`` checks that each term here is
declared in ``ontology/`` and that the ontology declares nothing this module lacks.
"""

from __future__ import annotations

from inspect import get_annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/dealkg/"
ID = Namespace(BASE + "id/")
"""Data IRIs (organizations, agreements, clauses, mentions, documents)."""

SCHEMA = Namespace("https://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ORG = Namespace("http://www.w3.org/ns/org#")


class DK(DefinedNamespace):
    """Classes and properties of the core ontology (``ontology/dealkg.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    # classes
    Organization: URIRef
    Product: URIRef
    Agreement: URIRef
    MemorandumOfUnderstanding: URIRef
    DefinitiveAgreement: URIRef
    Amendment: URIRef
    Clause: URIRef
    ClauseType: URIRef
    AgreementType: URIRef
    AgreementStatus: URIRef
    DatePrecision: URIRef
    AmountQualifier: URIRef
    AmountKind: URIRef
    MonetaryAmount: URIRef
    SourceDocument: URIRef
    Mention: URIRef
    ExtractionRun: URIRef

    # agreement: parties and roles (role properties are sub-properties of hasParty)
    hasParty: URIRef
    investor: URIRef
    investee: URIRef
    licensor: URIRef
    licensee: URIRef
    supplier: URIRef
    customer: URIRef
    acquirer: URIRef
    target: URIRef
    seller: URIRef
    sponsor: URIRef
    sponsee: URIRef
    jointVenturePartner: URIRef

    # agreement: classification, status, dates, links
    agreementType: URIRef
    status: URIRef
    announcedOn: URIRef
    signedOn: URIRef
    effectiveFrom: URIRef
    expiresOn: URIRef
    datePrecision: URIRef
    announcedOnPrecision: URIRef
    signedOnPrecision: URIRef
    effectiveFromPrecision: URIRef
    expiresOnPrecision: URIRef
    dateInferredFromDocument: URIRef
    hasClause: URIRef
    hasAmount: URIRef
    amends: URIRef
    supersedes: URIRef
    extends: URIRef
    terminatesClause: URIRef
    mentionedInPassing: URIRef
    reportedAsNew: URIRef
    reportTense: URIRef

    # clause
    clauseType: URIRef
    obligor: URIRef
    beneficiary: URIRef
    validFrom: URIRef
    validUntil: URIRef
    validFromPrecision: URIRef
    validUntilPrecision: URIRef
    supersedesClause: URIRef
    percentage: URIRef
    durationYears: URIRef
    isExclusive: URIRef
    isNegated: URIRef
    scope: URIRef

    # valid time and reporting time, derived by kg.lineage.validity
    isBinding: URIRef
    startsOn: URIRef
    startsOnPrecision: URIRef
    startInferred: URIRef
    startSource: URIRef
    startBasis: URIRef
    endsOn: URIRef
    endsOnPrecision: URIRef
    endBasis: URIRef
    endedBy: URIRef
    reportedOn: URIRef

    # monetary amount
    amountValue: URIRef
    currency: URIRef
    amountQualifier: URIRef
    amountKind: URIRef

    # provenance
    evidence: URIRef
    inDocument: URIRef
    confidence: URIRef
    retrievedOn: URIRef
    extractedFrom: URIRef

    # organizations and products
    ownedBy: URIRef
    subsidiaryOf: URIRef
    hasInvestor: URIRef
    partnerOf: URIRef

    # type declarations (annotations on the type concepts, read by kg.rdf.types)
    factsName: URIRef
    typeRank: URIRef
    roleBefore: URIRef
    roleAfter: URIRef
    roleOfEachParty: URIRef
    payerRole: URIRef
    payeeRole: URIRef
    keptApart: URIRef
    clauseAmountKind: URIRef
    owedBy: URIRef
    negatable: URIRef
    territoryCue: URIRef
    cumulative: URIRef


class DKCT(DefinedNamespace):
    """Clause types: the 41 CUAD categories plus deal-news concepts (``ontology/clause-types.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "clause-type/")

    ClauseTypes: URIRef  # the concept scheme
    # top concepts (CUAD groups plus two of ours)
    TermAndDates: URIRef
    Competitive: URIRef
    AssignmentAndControl: URIRef
    Licensing: URIRef
    PostTermination: URIRef
    Liability: URIRef
    Financial: URIRef
    Governance: URIRef
    # CUAD categories
    DocumentName: URIRef
    Parties: URIRef
    AgreementDate: URIRef
    EffectiveDate: URIRef
    ExpirationDate: URIRef
    RenewalTerm: URIRef
    NoticePeriodToTerminateRenewal: URIRef
    GoverningLaw: URIRef
    MostFavoredNation: URIRef
    NonCompete: URIRef
    Exclusivity: URIRef
    NoSolicitOfCustomers: URIRef
    CompetitiveRestrictionException: URIRef
    NoSolicitOfEmployees: URIRef
    NonDisparagement: URIRef
    TerminationForConvenience: URIRef
    RofrRofoRofn: URIRef
    ChangeOfControl: URIRef
    AntiAssignment: URIRef
    RevenueProfitSharing: URIRef
    PriceRestrictions: URIRef
    MinimumCommitment: URIRef
    VolumeRestriction: URIRef
    IpOwnershipAssignment: URIRef
    JointIpOwnership: URIRef
    LicenseGrant: URIRef
    NonTransferableLicense: URIRef
    AffiliateLicenseLicensor: URIRef
    AffiliateLicenseLicensee: URIRef
    UnlimitedLicense: URIRef
    IrrevocableOrPerpetualLicense: URIRef
    SourceCodeEscrow: URIRef
    PostTerminationServices: URIRef
    AuditRights: URIRef
    UncappedLiability: URIRef
    CapOnLiability: URIRef
    LiquidatedDamages: URIRef
    WarrantyDuration: URIRef
    Insurance: URIRef
    CovenantNotToSue: URIRef
    ThirdPartyBeneficiary: URIRef
    # deal-news extensions (not CUAD categories)
    InvestmentCommitment: URIRef
    EquityStake: URIRef
    UpfrontPayment: URIRef
    MilestonePayment: URIRef
    Royalty: URIRef
    PurchaseCommitment: URIRef
    ComputePurchaseCommitment: URIRef
    PreferredPartner: URIRef
    NonExclusivity: URIRef
    Territory: URIRef
    BoardSeat: URIRef
    TerminationFee: URIRef
    Termination: URIRef
    AGIVerification: URIRef
    JointDevelopment: URIRef
    OtherClause: URIRef


class DKAT(DefinedNamespace):
    """Agreement subject-matter types (``ontology/agreement-types.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "agreement-type/")

    AgreementTypes: URIRef
    Investment: URIRef
    Partnership: URIRef
    Licence: URIRef
    Supply: URIRef
    CloudServices: URIRef
    ComputeCommitment: URIRef
    JointVenture: URIRef
    Acquisition: URIRef
    Sponsorship: URIRef
    OtherAgreement: URIRef


class DKST(DefinedNamespace):
    """Agreement status concepts."""

    _fail = True
    _NS = Namespace(BASE + "status/")

    Statuses: URIRef
    Announced: URIRef
    Signed: URIRef
    NonBinding: URIRef
    Proposed: URIRef
    Completed: URIRef
    Terminated: URIRef
    Reported: URIRef
    Previous: URIRef


class DKDP(DefinedNamespace):
    """Date precision concepts: a date is stored as xsd:date plus one of these."""

    _fail = True
    _NS = Namespace(BASE + "date-precision/")

    Precisions: URIRef
    Year: URIRef
    Month: URIRef
    Day: URIRef


class DKAQ(DefinedNamespace):
    """Qualifiers of a monetary amount as stated in the text."""

    _fail = True
    _NS = Namespace(BASE + "amount-qualifier/")

    Qualifiers: URIRef
    Exact: URIRef
    Approximately: URIRef
    UpTo: URIRef
    AtLeast: URIRef
    Unquantified: URIRef


class DKAK(DefinedNamespace):
    """What an amount is (investment, upfront payment, deal value, ...)."""

    _fail = True
    _NS = Namespace(BASE + "amount-kind/")

    AmountKinds: URIRef
    InvestmentAmount: URIRef
    UpfrontAmount: URIRef
    MilestoneAmount: URIRef
    DealValue: URIRef
    PurchaseCommitmentAmount: URIRef
    TerminationFeeAmount: URIRef
    Valuation: URIRef
    OtherAmount: URIRef


PREFIXES: dict[str, str] = {
    "dk": str(DK._NS),
    "dkct": str(DKCT._NS),
    "dkat": str(DKAT._NS),
    "dkst": str(DKST._NS),
    "dkdp": str(DKDP._NS),
    "dkaq": str(DKAQ._NS),
    "dkak": str(DKAK._NS),
    "dkid": str(ID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "nif": str(NIF),
    "org": str(ORG),
}
"""Prefixes bound on every graph the tool writes, in a fixed order."""

VOCABULARIES: tuple[type[DefinedNamespace], ...] = (DK, DKCT, DKAT, DKST, DKDP, DKAQ, DKAK)


def _hold_terms(namespace: type[DefinedNamespace]) -> None:
    """Keep each declared term on its class: rdflib otherwise finds ``DK.Agreement`` only
    after ordinary lookup fails (about 0.9 µs an access, where a class attribute takes
    0.03), and mapping and lineage read these terms a few million times per 10,000
    documents. Undeclared names still raise through rdflib."""
    for name in get_annotations(namespace):
        setattr(namespace, name, namespace[name])


# rdflib's own vocabularies too: the same terms (rdflib caches each one), found sooner
_HELD: tuple[type[DefinedNamespace], ...] = (
    *VOCABULARIES,
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
)
for _namespace in _HELD:
    _hold_terms(_namespace)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on *graph* (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace), override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """PREFIX lines for every project prefix, to put in front of a query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


STATUSES: dict[str, URIRef] = {
    "announced": DKST.Announced,
    "signed": DKST.Signed,
    "non-binding": DKST.NonBinding,
    "proposed": DKST.Proposed,
    "completed": DKST.Completed,
    "terminated": DKST.Terminated,
    "reported": DKST.Reported,
    "previous": DKST.Previous,
}

PRECISIONS: dict[str, URIRef] = {"year": DKDP.Year, "month": DKDP.Month, "day": DKDP.Day}

QUALIFIERS: dict[str, URIRef] = {
    "exact": DKAQ.Exact,
    "approximately": DKAQ.Approximately,
    "up_to": DKAQ.UpTo,
    "at_least": DKAQ.AtLeast,
    "unquantified": DKAQ.Unquantified,
}

AMOUNT_KINDS: dict[str, URIRef] = {
    "investment": DKAK.InvestmentAmount,
    "upfront": DKAK.UpfrontAmount,
    "milestone": DKAK.MilestoneAmount,
    "deal_value": DKAK.DealValue,
    "purchase_commitment": DKAK.PurchaseCommitmentAmount,
    "termination_fee": DKAK.TerminationFeeAmount,
    "valuation": DKAK.Valuation,
    "other": DKAK.OtherAmount,
}

ROLE_PROPERTIES: dict[str, URIRef] = {
    "investor": DK.investor,
    "investee": DK.investee,
    "licensor": DK.licensor,
    "licensee": DK.licensee,
    "supplier": DK.supplier,
    "provider": DK.supplier,
    "customer": DK.customer,
    "acquirer": DK.acquirer,
    "target": DK.target,
    "seller": DK.seller,
    "sponsor": DK.sponsor,
    "sponsee": DK.sponsee,
    "partner": DK.jointVenturePartner,
}
