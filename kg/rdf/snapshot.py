"""The one reader of a deal graph: agreements, clauses, amounts, dates and evidence read
back from RDF with a few SPARQL SELECTs.

The lineage step, the timeline, the map, the facts export and ``kg orgs`` all read the
graph through this module: :func:`select` (the project's prefixes, Oxigraph's fast rows),
:func:`instances` (every property of every node of a class at once), the accessors
:func:`one`, :func:`all_values`, :func:`one_text`, :func:`one_flag`, :func:`one_iri`,
:func:`one_date` and :func:`local_name`, and :class:`Snapshot`, the agreements of a graph
as frozen records. The shape of ``ontology/DATA.md`` is decoded here and nowhere else.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from kg.rdf.graphs import select_rows
from kg.rdf.vocab import DK, DKDP, DKST, NIF, SCHEMA, sparql_prologue


@dataclass(frozen=True)
class Source:
    title: str | None
    url: str | None
    document: str | None = None  # the document's IRI
    published: str | None = None  # its dct:issued at its precision


_PRECISIONS = {DKDP.Year: "year", DKDP.Month: "month", DKDP.Day: "day"}


_TEXT_LENGTH = {"year": 4, "month": 7, "day": 10}


AGREEMENT_LINKS = {DK.extends: "extends", DK.amends: "amends", DK.supersedes: "supersedes"}


_AGREEMENT_DATES = (
    ("announcedOn", DK.announcedOn, DK.announcedOnPrecision),
    ("signedOn", DK.signedOn, DK.signedOnPrecision),
    ("effectiveFrom", DK.effectiveFrom, DK.effectiveFromPrecision),
)


_FORMS = (DK.MemorandumOfUnderstanding, DK.Amendment, DK.DefinitiveAgreement)


@dataclass(frozen=True)
class DateRecord:
    iso: str  # always YYYY-MM-DD (first or last day of a partial date, see DATA.md)
    precision: str

    @property
    def text(self) -> str:
        return self.iso[: _TEXT_LENGTH.get(self.precision, 10)]


def compare_dates(a: DateRecord, b: DateRecord) -> int:
    """-1/0/1 at the coarser of the two precisions: "2025" and "2025-03-01" tie."""
    n = min(len(a.text), len(b.text))
    x, y = a.iso[:n], b.iso[:n]
    return (x > y) - (x < y)


@dataclass(frozen=True)
class ClauseRecord:
    iri: URIRef
    type: URIRef | None
    label: str | None
    exclusive: bool | None
    negated: bool
    scope: str | None
    percentage: str | None
    amounts: tuple[tuple[str, str, str], ...]  # (currency, value, label)
    valid_from: DateRecord | None
    valid_until: DateRecord | None
    obligor: URIRef | None
    beneficiary: URIRef | None
    supersedes: tuple[URIRef, ...]  # existing dk:supersedesClause targets
    years: float | None = None  # dk:durationYears, the length of a term
    docs: frozenset[URIRef] = frozenset()  # the documents of its evidence


@dataclass(frozen=True)
class AgreementRecord:
    iri: URIRef
    label: str
    classes: frozenset[URIRef]
    types: tuple[str, ...]
    status: str | None
    parties: frozenset[URIRef]
    dates: tuple[tuple[str, DateRecord], ...]  # (property local name, date)
    expires: DateRecord | None
    doc_date: DateRecord | None
    docs: frozenset[URIRef]
    sources: tuple[Source, ...]
    background: bool
    quotes: frozenset[str]
    clauses: tuple[ClauseRecord, ...]
    amounts: tuple[tuple[str, str, str], ...]
    links: tuple[tuple[URIRef, URIRef], ...]  # existing (predicate, other agreement)
    terminates: tuple[URIRef, ...]
    reported_new: bool = False  # dk:reportedAsNew: the text reports it as news of its day
    published: tuple[tuple[URIRef, DateRecord], ...] = ()  # (document, its dct:issued), by date

    @cached_property
    def mou(self) -> bool:
        return DK.MemorandumOfUnderstanding in self.classes

    @cached_property
    def kind(self) -> str:
        return next((local_name(c) for c in _FORMS if c in self.classes), "Agreement")

    def date_of(self, name: str) -> DateRecord | None:
        return next((d for n, d in self.dates if n == name), None)

    @cached_property
    def own_date(self) -> tuple[str, DateRecord] | None:
        """The earliest date the text gives the agreement (for ordering)."""
        dated = sorted(self.dates, key=lambda item: item[1].iso)
        return dated[0] if dated else None

    @cached_property
    def start(self) -> tuple[str, DateRecord] | None:
        """When its terms start: effectiveFrom, else signedOn, else announcedOn."""
        for name in ("effectiveFrom", "signedOn", "announcedOn"):
            date = self.date_of(name)
            if date is not None:
                return name, date
        return None

    @cached_property
    def sort_date(self) -> DateRecord | None:
        own = self.own_date
        return own[1] if own else self.doc_date


Props = dict[URIRef, dict[URIRef, list[Node]]]


def local_name(iri: Node | str) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def select(graph: Graph, query: str) -> list[tuple[Node | None, ...]]:
    """The rows of a SELECT *query* on *graph*, the project's prefixes predeclared."""
    return select_rows(graph, sparql_prologue() + query)


def instances(graph: Graph, cls: URIRef) -> Props:
    """All properties of all instances of *cls* (document texts left out)."""
    query = f"SELECT ?s ?p ?o WHERE {{ ?s a <{cls}> ; ?p ?o . FILTER(?p != nif:isString) }}"
    found: Props = defaultdict(lambda: defaultdict(list))
    for s, p, o in select(graph, query):
        if isinstance(s, URIRef) and isinstance(p, URIRef) and o is not None:
            found[s][p].append(o)
    return found


def all_values(props: Mapping[URIRef, list[Node]], p: URIRef) -> list[Node]:
    """The values of *p* in a node's *props*, each once, in lexical order."""
    return sorted(dict.fromkeys(props.get(p, [])), key=str)


def one(props: Mapping[URIRef, list[Node]], p: URIRef) -> Node | None:
    """The first value of *p* in lexical order (a stable pick when a graph has several)."""
    values = sorted(props.get(p, []), key=str)
    return values[0] if values else None


def one_text(props: dict[URIRef, list[Node]], p: URIRef) -> str | None:
    value = one(props, p)
    return str(value) if value is not None else None


def one_flag(props: dict[URIRef, list[Node]], p: URIRef) -> bool | None:
    value = one(props, p)
    if not isinstance(value, Literal):
        return None
    return str(value).lower() in ("true", "1")


def one_iri(props: dict[URIRef, list[Node]], p: URIRef) -> URIRef | None:
    value = one(props, p)
    return value if isinstance(value, URIRef) else None


def one_date(
    props: dict[URIRef, list[Node]], value: URIRef, precision: URIRef
) -> DateRecord | None:
    found = one(props, value)
    if found is None:
        return None
    level = _PRECISIONS.get(one_iri(props, precision) or DKDP.Day, "day")
    return DateRecord(str(found)[:10], level)


def _percentage(props: dict[URIRef, list[Node]]) -> str | None:
    value = one(props, DK.percentage)
    return format(float(str(value)), "g") if value is not None else None


class Snapshot:
    """The agreements of a graph, read once with SPARQL SELECTs."""

    def __init__(self, graph: Graph) -> None:
        self.mentions = instances(graph, DK.Mention)
        self.documents = instances(graph, DK.SourceDocument)
        self.amounts = instances(graph, DK.MonetaryAmount)
        clauses = instances(graph, DK.Clause)
        self.agreements = {
            iri: self._agreement(iri, props, clauses)
            for iri, props in instances(graph, DK.Agreement).items()
        }

    def _money(self, props: dict[URIRef, list[Node]]) -> tuple[tuple[str, str, str], ...]:
        money = []
        for node in props.get(DK.hasAmount, []):
            amount = self.amounts.get(node, {})  # type: ignore[call-overload]
            value = one(amount, DK.amountValue)
            if value is not None:
                text = format(float(str(value)), "f").rstrip("0").rstrip(".")
                currency = one_text(amount, DK.currency) or ""
                money.append((currency, text, one_text(amount, RDFS.label) or f"{currency} {text}"))
        return tuple(sorted(money))

    def _clause(self, iri: URIRef, props: dict[URIRef, list[Node]]) -> ClauseRecord:
        years = one(props, DK.durationYears)
        return ClauseRecord(
            iri=iri,
            type=one_iri(props, DK.clauseType),
            label=one_text(props, RDFS.label),
            exclusive=one_flag(props, DK.isExclusive),
            negated=bool(one_flag(props, DK.isNegated)),
            scope=one_text(props, DK.scope),
            percentage=_percentage(props),
            amounts=self._money(props),
            valid_from=one_date(props, DK.validFrom, DK.validFromPrecision),
            valid_until=one_date(props, DK.validUntil, DK.validUntilPrecision),
            obligor=one_iri(props, DK.obligor),
            beneficiary=one_iri(props, DK.beneficiary),
            supersedes=tuple(
                sorted(o for o in props.get(DK.supersedesClause, []) if isinstance(o, URIRef))
            ),
            years=float(str(years)) if years is not None else None,
            docs=frozenset(self._evidence(props)[1]),
        )

    def _evidence(self, props: dict[URIRef, list[Node]]) -> tuple[frozenset[str], set[URIRef]]:
        quotes: set[str] = set()
        docs: set[URIRef] = set()
        for mention in props.get(DK.evidence, []):
            mprops = self.mentions.get(mention, {})  # type: ignore[call-overload]
            quote = one_text(mprops, NIF.anchorOf)
            if quote:
                quotes.add(quote)
            doc = one_iri(mprops, DK.inDocument)
            if doc is not None:
                docs.add(doc)
        return frozenset(quotes), docs

    def _doc_date(self, docs: Iterable[URIRef]) -> DateRecord | None:
        known = self.published(docs)
        return known[0][1] if known else None

    def published(self, docs: Iterable[URIRef]) -> tuple[tuple[URIRef, DateRecord], ...]:
        """The dated documents among *docs* with their published dates, earliest first."""
        dated = []
        for doc in docs:
            date = one_date(self.documents.get(doc, {}), DCTERMS.issued, DK.datePrecision)
            if date is not None:
                dated.append((doc, date))
        return tuple(sorted(dated, key=lambda item: (item[1].iso, str(item[0]))))

    def _sources(self, docs: Iterable[URIRef]) -> tuple[Source, ...]:
        found = set()
        for doc in docs:
            props = self.documents.get(doc, {})
            published = one_date(props, DCTERMS.issued, DK.datePrecision)
            found.add(
                Source(
                    one_text(props, DCTERMS.title),
                    one_text(props, SCHEMA.url),
                    str(doc),
                    published.text if published else None,
                )
            )
        return tuple(sorted(found, key=lambda s: (s.title or "", s.url or "", s.document or "")))

    def _agreement(
        self, iri: URIRef, props: dict[URIRef, list[Node]], clauses: Props
    ) -> AgreementRecord:
        quotes, docs = self._evidence(props)
        members = []
        for clause_iri in props.get(DK.hasClause, []):
            if isinstance(clause_iri, URIRef) and clause_iri in clauses:
                members.append(self._clause(clause_iri, clauses[clause_iri]))
                docs |= self._evidence(clauses[clause_iri])[1]
        dates = []
        for name, value, precision in _AGREEMENT_DATES:
            date = one_date(props, value, precision)
            if date is not None:
                dates.append((name, date))
        return AgreementRecord(
            iri=iri,
            label=one_text(props, RDFS.label) or local_name(iri),
            classes=frozenset(c for c in props.get(RDF.type, []) if isinstance(c, URIRef)),
            types=tuple(sorted(local_name(t) for t in props.get(DK.agreementType, []))),
            status=local_name(s) if (s := one_iri(props, DK.status)) else None,
            parties=frozenset(p for p in props.get(DK.hasParty, []) if isinstance(p, URIRef)),
            dates=tuple(dates),
            expires=one_date(props, DK.expiresOn, DK.expiresOnPrecision),
            doc_date=self._doc_date(docs),
            docs=frozenset(docs),
            sources=self._sources(docs),
            background=bool(one_flag(props, DK.mentionedInPassing))
            or one_iri(props, DK.status) == DKST.Previous,
            quotes=quotes,
            clauses=tuple(sorted(members, key=lambda c: str(c.iri))),
            amounts=self._money(props),
            links=tuple(
                sorted(
                    (p, o)
                    for p in AGREEMENT_LINKS
                    for o in props.get(p, [])
                    if isinstance(o, URIRef)
                )
            ),
            terminates=tuple(
                sorted(o for o in props.get(DK.terminatesClause, []) if isinstance(o, URIRef))
            ),
            reported_new=bool(one_flag(props, DK.reportedAsNew)),
            published=self.published(docs),
        )
