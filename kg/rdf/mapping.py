"""Map extraction records to RDF: ``to_graph(extractions) -> Graph``.

The shape of the output is documented in ``ontology/DATA.md``. Every node's IRI
comes from :func:`kg.rdf.iris.iri_for`; every fact node points to the ``dk:Mention``
that carries its exact quote and character offsets.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.models import Agreement, Amount, Clause, DateValue, Document, Extraction, Span
from kg.rdf.graphs import new_graph, oxigraph_name, rdflib_term
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


_Term = ox.NamedNode | ox.Literal
_XSD_NON_NEGATIVE = ox.NamedNode(str(XSD.nonNegativeInteger))
_XSD_BOOLEAN = ox.NamedNode(str(XSD.boolean))
_TRUE = ox.Literal("true", datatype=_XSD_BOOLEAN)
_FALSE = ox.Literal("false", datatype=_XSD_BOOLEAN)


@functools.lru_cache(maxsize=4096)
def _node(iri: URIRef) -> ox.NamedNode:
    """The Oxigraph term of a vocabulary or concept IRI (few, each used on many triples)."""
    return ox.NamedNode(str(iri))


def _iri(kind: str, key: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri_for(kind, key)))


def _typed(literal: Literal) -> ox.Literal:
    """A typed rdflib literal (a date, a decimal, a URI) as Oxigraph stores it: rdflib's
    normalised lexical form, so the graph is what adding the rdflib literal gave."""
    assert literal.datatype is not None
    return ox.Literal(str(literal), datatype=_node(literal.datatype))


def _boolean(value: bool) -> ox.Literal:
    return _TRUE if value else _FALSE


def _offset(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_XSD_NON_NEGATIVE)


@functools.lru_cache(maxsize=1)
def _vocabularies() -> tuple[
    dict[str, ox.NamedNode], dict[str, ox.NamedNode], dict[str, ox.NamedNode]
]:
    """Agreement types, clause types and the forms an agreement can take (not the generic
    "agreement" deal word), as Oxigraph terms; read from the ontology once per process."""
    forms = {k: _node(v) for k, v in agreement_forms().items() if v != DK.Agreement}
    return (
        {k: _node(v) for k, v in agreement_type_iris().items()},
        {k: _node(v) for k, v in clause_type_iris().items()},
        forms,
    )


_RDF_TYPE = _node(RDF.type)


class _Mapper:
    """Accumulates the triples of a batch of extractions, as Oxigraph terms.

    Terms are made for Oxigraph directly: building rdflib terms and converting each one
    through the store bridge cost more than the mapping itself.
    """

    def __init__(self) -> None:
        self.triples: list[tuple[ox.NamedNode, ox.NamedNode, _Term]] = []
        self.agreement_types, self.clause_types, self.forms = _vocabularies()

    def add(self, s: ox.NamedNode, p: URIRef, o: _Term) -> None:
        self.triples.append((s, _node(p), o))

    def mention(self, span: Span) -> ox.NamedNode:
        node = _iri("mention", f"{doc_key(span.doc_id)}-{span.start}-{span.end}")
        triples = self.triples
        triples.append((node, _RDF_TYPE, _node(DK.Mention)))
        triples.append((node, _node(DK.inDocument), _iri("doc", doc_key(span.doc_id))))
        triples.append((node, _node(NIF.beginIndex), _offset(span.start)))
        triples.append((node, _node(NIF.endIndex), _offset(span.end)))
        triples.append((node, _node(NIF.anchorOf), ox.Literal(span.text)))
        return node

    def document(self, doc: Document) -> None:
        node = _iri("doc", doc_key(doc.id))
        self.add(node, RDF.type, _node(DK.SourceDocument))
        self.add(node, NIF.isString, ox.Literal(doc.text))
        self.add(node, DCTERMS.source, ox.Literal(doc.source))
        if doc.title:
            self.add(node, DCTERMS.title, ox.Literal(doc.title))
        if doc.url:
            self.add(node, SCHEMA.url, _typed(Literal(doc.url, datatype=XSD.anyURI)))
        if doc.publisher:
            self.add(node, DCTERMS.publisher, ox.Literal(doc.publisher))
        if doc.published:
            published = DateValue(doc.published, _precision_of(doc.published))
            self.add(node, DCTERMS.issued, _typed(date_literal(published)))
            self.add(node, DK.datePrecision, _node(PRECISIONS[published.precision]))
        if doc.retrieved:
            retrieved = date_literal(DateValue(doc.retrieved, "day"))
            self.add(node, DK.retrievedOn, _typed(retrieved))
        if doc.language:
            self.add(node, DCTERMS.language, ox.Literal(doc.language))
        if doc.part_of:
            # The page a feed article was split from: a web page, not itself a document
            # whose text we hold, so it carries no offsets.
            page = _iri("doc", doc_key(doc.part_of))
            self.add(node, DCTERMS.isPartOf, page)
            self.add(page, RDF.type, _node(SCHEMA.WebPage))
            self.add(page, DCTERMS.source, ox.Literal(doc.source.split("#", 1)[0]))

    def extraction(self, extraction: Extraction) -> None:
        self.document(extraction.document)
        for org in extraction.organizations:
            node = _iri("org", org.key)
            name = ox.Literal(org.name)
            self.add(node, RDF.type, _node(DK.Organization))
            self.add(node, RDFS.label, name)
            self.add(node, SKOS.prefLabel, name)
            for alias in org.aliases:
                if alias != org.name:
                    self.add(node, SKOS.altLabel, ox.Literal(alias))
            for mention in org.mentions:
                self.add(node, DK.evidence, self.mention(mention.span))
            if org.parent:
                self.add(node, DK.subsidiaryOf, _iri("org", org.parent))
        for product in extraction.products:
            node = _iri("product", product.key)
            self.add(node, RDF.type, _node(DK.Product))
            self.add(node, RDFS.label, ox.Literal(product.name))
            if product.owner:
                self.add(node, DK.ownedBy, _iri("org", product.owner))
            for span in product.mentions:
                self.add(node, DK.evidence, self.mention(span))
        for agreement in extraction.agreements:
            self.agreement(agreement)

    def agreement(self, agreement: Agreement) -> None:
        node = _iri("agreement", agreement.key)
        self.add(node, RDF.type, _node(DK.Agreement))
        if agreement.form is not None and agreement.form in self.forms:
            self.add(node, RDF.type, self.forms[agreement.form])
        if agreement.name:
            self.add(node, RDFS.label, ox.Literal(agreement.name))
        for agreement_type in agreement.types:
            self.add(node, DK.agreementType, self.agreement_types[agreement_type])
        for party in agreement.parties:
            self.add(node, DK.hasParty, _iri("org", party))
        for role, party in agreement.roles:
            self.add(node, ROLE_PROPERTIES[role], _iri("org", party))
        if agreement.status in STATUSES:
            self.add(node, DK.status, _node(STATUSES[agreement.status]))
        for date in agreement.dates:
            value_property, precision_property = _DATE_PROPERTIES[date.role]
            self.add(node, value_property, _typed(date_literal(date, end=date.role == "expiry")))
            self.add(node, precision_property, _node(PRECISIONS[date.precision]))
            self.add(node, DK.dateInferredFromDocument, _boolean(date.inferred))
        if agreement.background:
            self.add(node, DK.mentionedInPassing, _TRUE)
        if agreement.reported_new:
            self.add(node, DK.reportedAsNew, _TRUE)
        if agreement.tense:
            self.add(node, DK.reportTense, ox.Literal(agreement.tense))
        for span in agreement.evidence:
            self.add(node, DK.evidence, self.mention(span))
        for amount in agreement.amounts:
            self.add(node, DK.hasAmount, self.amount(amount, agreement.key))
        for index, clause in enumerate(agreement.clauses):
            self.add(node, DK.hasClause, self.clause(clause, f"{agreement.key}-{index + 1}"))

    def amount(self, amount: Amount, owner_key: str) -> ox.NamedNode:
        figure = format(amount.value, "f") if amount.value is not None else amount.qualifier
        node = _iri("amount", f"{owner_key}-{slugify(amount.currency + figure)}")
        self.add(node, RDF.type, _node(DK.MonetaryAmount))
        self.add(node, RDFS.label, ox.Literal(amount.text))
        if amount.value is not None:
            self.add(node, DK.amountValue, _typed(decimal_literal(amount.value)))
        self.add(node, DK.currency, ox.Literal(amount.currency))
        self.add(node, DK.amountQualifier, _node(QUALIFIERS[amount.qualifier]))
        kind = AMOUNT_KINDS.get(amount.kind, AMOUNT_KINDS["other"])
        self.add(node, DK.amountKind, _node(kind))
        if amount.span is not None:
            self.add(node, DK.evidence, self.mention(amount.span))
        return node

    def clause(self, clause: Clause, key: str) -> ox.NamedNode:
        node = _iri("clause", key)
        self.add(node, RDF.type, _node(DK.Clause))
        self.add(node, DK.clauseType, self.clause_types[clause.type])
        if clause.label:
            self.add(node, RDFS.label, ox.Literal(clause.label))
        if clause.value is not None:
            self.add(node, DK.percentage, _typed(decimal_literal(clause.value)))
        if clause.years is not None:
            self.add(node, DK.durationYears, _typed(decimal_literal(clause.years)))
        if clause.amount is not None:
            self.add(node, DK.hasAmount, self.amount(clause.amount, key))
        if clause.exclusive is not None:
            self.add(node, DK.isExclusive, _boolean(clause.exclusive))
        if clause.negated:
            self.add(node, DK.isNegated, _TRUE)
        if clause.scope:
            self.add(node, DK.scope, ox.Literal(clause.scope))
        if clause.valid_from is not None:
            self.add(node, DK.validFrom, _typed(date_literal(clause.valid_from)))
            precision = PRECISIONS[clause.valid_from.precision]
            self.add(node, DK.validFromPrecision, _node(precision))
        if clause.until is not None:
            self.add(node, DK.validUntil, _typed(date_literal(clause.until, end=True)))
            self.add(node, DK.validUntilPrecision, _node(PRECISIONS[clause.until.precision]))
        if clause.obligor:
            self.add(node, DK.obligor, _iri("org", clause.obligor))
        if clause.beneficiary:
            self.add(node, DK.beneficiary, _iri("org", clause.beneficiary))
        self.add(node, DK.evidence, self.mention(clause.evidence))
        return node


def _precision_of(iso: str) -> str:
    return {1: "year", 2: "month"}.get(iso.count("-") + 1, "day")


def extraction_triples(extractions: Iterable[Extraction]) -> list[ox.Triple]:
    """The RDF of *extractions* as Oxigraph triples, each once, in the order mapped."""
    mapper = _Mapper()
    for extraction in extractions:
        mapper.extraction(extraction)
    return [ox.Triple(s, p, o) for s, p, o in dict.fromkeys(mapper.triples)]


def to_graph(extractions: Iterable[Extraction], graph: Graph | None = None) -> Graph:
    """Add the RDF of *extractions* to *graph* (a new Oxigraph-backed graph by default)."""
    graph = graph if graph is not None else new_graph()
    mapper = _Mapper()
    for extraction in extractions:
        mapper.extraction(extraction)
    inner = getattr(graph.store, "_inner", None)
    if isinstance(inner, ox.Store) and isinstance(graph.identifier, BNode | URIRef):
        # one bulk insert straight into Oxigraph, the graph's own name on every quad
        name = oxigraph_name(graph)
        inner.bulk_extend(ox.Quad(s, p, o, name) for s, p, o in mapper.triples)
    else:
        graph.addN(
            (rdflib_term(s), rdflib_term(p), rdflib_term(o), graph) for s, p, o in mapper.triples
        )
    return graph
