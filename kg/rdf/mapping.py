"""Map extraction records to RDF: ``to_graph(extractions) -> Graph``.

The shape of the output is documented in ``ontology/DATA.md``. Every node's IRI
comes from :func:`kg.rdf.iris.iri_for`; every fact node points to the ``dk:Mention``
that carries its exact quote and character offsets.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.models import Agreement, Amount, Clause, DateValue, Document, Extraction, Span
from kg.rdf.graphs import new_graph
from kg.rdf.iris import iri_for, slugify
from kg.rdf.types import agreement_forms, agreement_type_iris, clause_type_iris
from kg.rdf.vocab import (
    AMOUNT_KINDS,
    DK,
    NIF,
    PRECISIONS,
    QUALIFIERS,
    ROLE_PROPERTIES,
    SCHEMA,
    STATUSES,
)

_DATE_PROPERTIES = {
    "announced": (DK.announcedOn, DK.announcedOnPrecision),
    "signed": (DK.signedOn, DK.signedOnPrecision),
    "effective": (DK.effectiveFrom, DK.effectiveFromPrecision),
    "closing": (DK.effectiveFrom, DK.effectiveFromPrecision),
    "expiry": (DK.expiresOn, DK.expiresOnPrecision),
}


def doc_key(document_id: str) -> str:
    """The IRI slug of a document id (``doc-0123…`` → ``0123…``)."""
    return document_id.removeprefix("doc-")


def date_literal(date: DateValue, *, end: bool = False) -> Literal:
    """A full ``xsd:date`` for a date stated at any precision.

    Start and point dates take the first day of the stated period, end dates the last,
    so "through 2032" compares as 2032-12-31 while its precision stays "year".
    """
    parts = [int(p) for p in date.iso.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else (12 if end else 1)
    if len(parts) > 2:
        day = parts[2]
    else:
        day = calendar.monthrange(year, month)[1] if end else 1
    return Literal(f"{year:04d}-{month:02d}-{day:02d}", datatype=XSD.date)


def decimal_literal(value: Decimal) -> Literal:
    """An ``xsd:decimal`` with a canonical lexical form (``27`` → ``27.0``)."""
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


class _Mapper:
    """Accumulates triples for a batch of extractions into one graph."""

    def __init__(self) -> None:
        self.triples: list[tuple[URIRef, URIRef, URIRef | Literal]] = []
        self.agreement_types = agreement_type_iris()
        self.clause_types = clause_type_iris()
        # the forms an agreement can take (not the generic "agreement" deal word)
        self.forms = {k: v for k, v in agreement_forms().items() if v != DK.Agreement}

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.triples.append((s, p, o))

    def mention(self, span: Span) -> URIRef:
        node = iri_for("mention", f"{doc_key(span.doc_id)}-{span.start}-{span.end}")
        self.add(node, RDF.type, DK.Mention)
        self.add(node, DK.inDocument, iri_for("doc", doc_key(span.doc_id)))
        self.add(node, NIF.beginIndex, Literal(span.start, datatype=XSD.nonNegativeInteger))
        self.add(node, NIF.endIndex, Literal(span.end, datatype=XSD.nonNegativeInteger))
        self.add(node, NIF.anchorOf, Literal(span.text))
        return node

    def document(self, doc: Document) -> None:
        node = iri_for("doc", doc_key(doc.id))
        self.add(node, RDF.type, DK.SourceDocument)
        self.add(node, NIF.isString, Literal(doc.text))
        self.add(node, DCTERMS.source, Literal(doc.source))
        if doc.title:
            self.add(node, DCTERMS.title, Literal(doc.title))
        if doc.url:
            self.add(node, SCHEMA.url, Literal(doc.url, datatype=XSD.anyURI))
        if doc.publisher:
            self.add(node, DCTERMS.publisher, Literal(doc.publisher))
        if doc.published:
            published = DateValue(doc.published, _precision_of(doc.published))
            self.add(node, DCTERMS.issued, date_literal(published))
            self.add(node, DK.datePrecision, PRECISIONS[published.precision])
        if doc.retrieved:
            self.add(node, DK.retrievedOn, date_literal(DateValue(doc.retrieved, "day")))
        if doc.language:
            self.add(node, DCTERMS.language, Literal(doc.language))
        if doc.part_of:
            # The page a feed article was split from: a web page, not itself a document
            # whose text we hold, so it carries no offsets.
            page = iri_for("doc", doc_key(doc.part_of))
            self.add(node, DCTERMS.isPartOf, page)
            self.add(page, RDF.type, SCHEMA.WebPage)
            self.add(page, DCTERMS.source, Literal(doc.source.split("#", 1)[0]))

    def extraction(self, extraction: Extraction) -> None:
        self.document(extraction.document)
        for org in extraction.organizations:
            node = iri_for("org", org.key)
            self.add(node, RDF.type, DK.Organization)
            self.add(node, RDFS.label, Literal(org.name))
            self.add(node, SKOS.prefLabel, Literal(org.name))
            for alias in org.aliases:
                if alias != org.name:
                    self.add(node, SKOS.altLabel, Literal(alias))
            for mention in org.mentions:
                self.add(node, DK.evidence, self.mention(mention.span))
            if org.parent:
                self.add(node, DK.subsidiaryOf, iri_for("org", org.parent))
        for product in extraction.products:
            node = iri_for("product", product.key)
            self.add(node, RDF.type, DK.Product)
            self.add(node, RDFS.label, Literal(product.name))
            if product.owner:
                self.add(node, DK.ownedBy, iri_for("org", product.owner))
            for span in product.mentions:
                self.add(node, DK.evidence, self.mention(span))
        for agreement in extraction.agreements:
            self.agreement(agreement)

    def agreement(self, agreement: Agreement) -> None:
        node = iri_for("agreement", agreement.key)
        self.add(node, RDF.type, DK.Agreement)
        if agreement.form is not None and agreement.form in self.forms:
            self.add(node, RDF.type, self.forms[agreement.form])
        if agreement.name:
            self.add(node, RDFS.label, Literal(agreement.name))
        for agreement_type in agreement.types:
            self.add(node, DK.agreementType, self.agreement_types[agreement_type])
        for party in agreement.parties:
            self.add(node, DK.hasParty, iri_for("org", party))
        for role, party in agreement.roles:
            self.add(node, ROLE_PROPERTIES[role], iri_for("org", party))
        if agreement.status in STATUSES:
            self.add(node, DK.status, STATUSES[agreement.status])
        for date in agreement.dates:
            value_property, precision_property = _DATE_PROPERTIES[date.role]
            self.add(node, value_property, date_literal(date, end=date.role == "expiry"))
            self.add(node, precision_property, PRECISIONS[date.precision])
            self.add(node, DK.dateInferredFromDocument, Literal(date.inferred))
        if agreement.background:
            self.add(node, DK.mentionedInPassing, Literal(True))
        if agreement.reported_new:
            self.add(node, DK.reportedAsNew, Literal(True))
        if agreement.tense:
            self.add(node, DK.reportTense, Literal(agreement.tense))
        for span in agreement.evidence:
            self.add(node, DK.evidence, self.mention(span))
        for amount in agreement.amounts:
            self.add(node, DK.hasAmount, self.amount(amount, agreement.key))
        for index, clause in enumerate(agreement.clauses):
            self.add(node, DK.hasClause, self.clause(clause, f"{agreement.key}-{index + 1}"))

    def amount(self, amount: Amount, owner_key: str) -> URIRef:
        figure = format(amount.value, "f") if amount.value is not None else amount.qualifier
        node = iri_for("amount", f"{owner_key}-{slugify(amount.currency + figure)}")
        self.add(node, RDF.type, DK.MonetaryAmount)
        self.add(node, RDFS.label, Literal(amount.text))
        if amount.value is not None:
            self.add(node, DK.amountValue, decimal_literal(amount.value))
        self.add(node, DK.currency, Literal(amount.currency))
        self.add(node, DK.amountQualifier, QUALIFIERS[amount.qualifier])
        self.add(node, DK.amountKind, AMOUNT_KINDS.get(amount.kind, AMOUNT_KINDS["other"]))
        if amount.span is not None:
            self.add(node, DK.evidence, self.mention(amount.span))
        return node

    def clause(self, clause: Clause, key: str) -> URIRef:
        node = iri_for("clause", key)
        self.add(node, RDF.type, DK.Clause)
        self.add(node, DK.clauseType, self.clause_types[clause.type])
        if clause.label:
            self.add(node, RDFS.label, Literal(clause.label))
        if clause.value is not None:
            self.add(node, DK.percentage, decimal_literal(clause.value))
        if clause.years is not None:
            self.add(node, DK.durationYears, decimal_literal(clause.years))
        if clause.amount is not None:
            self.add(node, DK.hasAmount, self.amount(clause.amount, key))
        if clause.exclusive is not None:
            self.add(node, DK.isExclusive, Literal(clause.exclusive))
        if clause.negated:
            self.add(node, DK.isNegated, Literal(True))
        if clause.scope:
            self.add(node, DK.scope, Literal(clause.scope))
        if clause.valid_from is not None:
            self.add(node, DK.validFrom, date_literal(clause.valid_from))
            self.add(node, DK.validFromPrecision, PRECISIONS[clause.valid_from.precision])
        if clause.until is not None:
            self.add(node, DK.validUntil, date_literal(clause.until, end=True))
            self.add(node, DK.validUntilPrecision, PRECISIONS[clause.until.precision])
        if clause.obligor:
            self.add(node, DK.obligor, iri_for("org", clause.obligor))
        if clause.beneficiary:
            self.add(node, DK.beneficiary, iri_for("org", clause.beneficiary))
        self.add(node, DK.evidence, self.mention(clause.evidence))
        return node


def _precision_of(iso: str) -> str:
    return {1: "year", 2: "month"}.get(iso.count("-") + 1, "day")


def to_graph(extractions: Iterable[Extraction], graph: Graph | None = None) -> Graph:
    """Add the RDF of *extractions* to *graph* (a new Oxigraph-backed graph by default)."""
    graph = graph if graph is not None else new_graph()
    mapper = _Mapper()
    for extraction in extractions:
        mapper.extraction(extraction)
    # one bulk insert: adding triples one by one through the store bridge is slow
    graph.addN((s, p, o, graph) for s, p, o in mapper.triples)
    return graph
