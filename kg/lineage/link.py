"""Deal lineage over time: order agreements, link them, and answer "terms in force on D".

``link_lineage(graph)`` runs after mapping. Agreements that share at least two parties
form a lineage; they are ordered by their own dates, else by their source documents'
published dates (marked ``dk:dateInferredFromDocument true``), else by textual cues in
their evidence quotes ("extends", "amended", "definitive agreement", "prior", …).
Consecutive agreements are then linked (``dk:extends``/``dk:amends``/``dk:supersedes``)
and later clauses supersede or terminate earlier ones (``dk:supersedesClause``,
``dk:terminatesClause``). History is append-only: nothing is deleted or overwritten, and
a second run adds nothing. Conflicting values (two documents, same deal, same time,
different terms) are kept and reported, never resolved.

``timeline(graph, orgs, as_of)`` reads the lineage of one or two organisations and, with
``as_of``, lists the clauses in force on that date. The semantics are those of
``ontology/queries/terms-in-force.rq`` (ONTOLOGY.md CQ2 plus ``signedOn`` in the start
fallback and whole-agreement ``dk:supersedes``), with two additions: a removal clause
(``dk:isNegated true``) is never a term, and a clause whose start is unknown is listed
apart instead of being dropped. ``timeline`` only reads: it applies the links that
``link_lineage`` would add without writing them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from itertools import combinations
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from kg.errors import QueryError
from kg.rdf.graphs import select_rows
from kg.rdf.vocab import DK, DKCT, DKDP, DKST, NIF, SCHEMA, sparql_prologue

# --- public records ----------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A triple ``link_lineage`` added (or would add), with why."""

    source: str
    predicate: str  # "extends" | "amends" | "supersedes" | "supersedesClause" | "terminatesClause"
    target: str
    reason: str


@dataclass(frozen=True)
class Ordering:
    """``earlier`` comes before ``later`` in a lineage; ``inferred`` unless both are dated."""

    earlier: str
    later: str
    reason: str  # "date", "document date", "existing dk:amends link", "cue: extend", …
    inferred: bool


@dataclass(frozen=True)
class UnorderedPair:
    """Two agreements of one lineage that nothing puts in order."""

    first: str
    second: str
    note: str


@dataclass(frozen=True)
class Conflict:
    """Two sources disagree on one term of a lineage at the same time; both are kept."""

    term: str  # a clause type ("EquityStake") or "date"
    agreements: tuple[str, ...]
    values: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class LineageReport:
    """What ``link_lineage`` did: links added, orderings, gaps and conflicts."""

    links: tuple[Link, ...]
    orderings: tuple[Ordering, ...]
    unordered: tuple[UnorderedPair, ...]
    conflicts: tuple[Conflict, ...]
    dates_inferred: tuple[str, ...]  # agreements newly marked dk:dateInferredFromDocument

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Source:
    title: str | None
    url: str | None


@dataclass(frozen=True)
class TimelineRow:
    """One agreement of the lineage, in order."""

    position: int
    agreement: str
    label: str
    kind: str  # most specific class: "MemorandumOfUnderstanding", "Amendment", …
    types: tuple[str, ...]  # agreement types ("Investment", …)
    status: str | None
    date: str  # at its stated precision ("2019", "2019-07", "2019-07-22") or "unknown"
    date_property: str | None  # "announcedOn" / "signedOn" / "effectiveFrom"
    order_inferred: bool  # True when the position comes from document dates or cues
    ordered_after: tuple[str, ...]  # "<agreement> (<reason>)" for each direct predecessor
    amounts: tuple[str, ...]
    stake: str | None
    exclusivity: str | None
    until: str | None
    links: tuple[str, ...]  # "extends <agreement>", …
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class ClauseInForce:
    """A clause of the lineage with its period, as seen on the ``as_of`` date."""

    agreement: str
    clause: str
    clause_type: str
    label: str | None
    start: str | None  # at its stated precision, None when unknown
    start_property: str | None  # "validFrom" / "effectiveFrom" / "signedOn" / "announcedOn"
    until: str | None
    values: tuple[str, ...]  # "exclusive", "27%", "USD 1000000000", "scope: …"
    note: str  # why it is listed where it is


@dataclass(frozen=True)
class Timeline:
    """The lineage of one or two organisations, and the terms in force on ``as_of``."""

    organizations: tuple[str, ...]
    as_of: str | None
    rows: tuple[TimelineRow, ...]
    orderings: tuple[Ordering, ...]
    unordered: tuple[UnorderedPair, ...]
    conflicts: tuple[Conflict, ...]
    in_force: tuple[ClauseInForce, ...]
    unknown_start: tuple[ClauseInForce, ...]  # in force only if they started by as_of

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- a snapshot of the graph ----------------------------------------------------------

_PRECISIONS = {DKDP.Year: "year", DKDP.Month: "month", DKDP.Day: "day"}
_TEXT_LENGTH = {"year": 4, "month": 7, "day": 10}
# Money and commitments add up ("a further $10 billion"): a later one of the same type
# does not replace the earlier, only an explicit removal (isNegated) ends it.
_CUMULATIVE = frozenset(
    {
        DKCT.InvestmentCommitment,
        DKCT.UpfrontPayment,
        DKCT.MilestonePayment,
        DKCT.PurchaseCommitment,
        DKCT.ComputePurchaseCommitment,
    }
)
_EXCLUSIVE_KINDS = frozenset({DKCT.Exclusivity, DKCT.LicenseGrant})
_NON_EXCLUSIVE_KINDS = frozenset({DKCT.NonExclusivity, DKCT.LicenseGrant, DKCT.Exclusivity})
_AGREEMENT_LINKS = {DK.extends: "extends", DK.amends: "amends", DK.supersedes: "supersedes"}
_AGREEMENT_DATES = (
    ("announcedOn", DK.announcedOn, DK.announcedOnPrecision),
    ("signedOn", DK.signedOn, DK.signedOnPrecision),
    ("effectiveFrom", DK.effectiveFrom, DK.effectiveFromPrecision),
)
_FORMS = (DK.MemorandumOfUnderstanding, DK.Amendment, DK.DefinitiveAgreement)

_EXTEND = re.compile(r"\b(extend(s|ed|ing)?|extension|renew(s|ed|al|ing)?)\b", re.I)
_AMEND = re.compile(r"\b(amend(s|ed|ing|ment|ments)?|revised?)\b", re.I)
_DEFINITIVE = re.compile(r"\bdefinitive (agreement|deal|contract)", re.I)
_NEW = re.compile(
    r"\bnew\b[^.;]{0,40}?\b(agreement|deal|contract|partnership)\b|\breplac(es|ed|ing)\b", re.I
)
# "prior to" means before, so it is not a cue that the agreement is the later one
_DEAL_NOUN = r"(agreement|deal|contract|partnership|pact|arrangement|accord|memorandum|mou)"
# "previous reports" or "prior to" say nothing about agreements: the cue must name a deal
_PRIOR = re.compile(
    r"\bfollowing (an|the|its|their) (earlier|previous|prior)\b"
    rf"|\b(earlier|previous|prior)\b(\s+[\w-]+){{0,2}}\s+{_DEAL_NOUN}s?\b",
    re.I,
)
_TEXT_CUES = (_EXTEND, _AMEND, _NEW, _PRIOR)
_STOP = frozenset({"the", "a", "an", "of", "for", "and", "to", "in", "on", "its", "their"})


@dataclass(frozen=True)
class _Date:
    iso: str  # always YYYY-MM-DD (first or last day of a partial date, see DATA.md)
    precision: str

    @property
    def text(self) -> str:
        return self.iso[: _TEXT_LENGTH.get(self.precision, 10)]


def _compare(a: _Date, b: _Date) -> int:
    """-1/0/1 at the coarser of the two precisions: "2025" and "2025-03-01" tie."""
    n = min(len(a.text), len(b.text))
    x, y = a.iso[:n], b.iso[:n]
    return (x > y) - (x < y)


@dataclass(frozen=True)
class _Clause:
    iri: URIRef
    type: URIRef | None
    label: str | None
    exclusive: bool | None
    negated: bool
    scope: str | None
    percentage: str | None
    amounts: tuple[tuple[str, str, str], ...]  # (currency, value, label)
    valid_from: _Date | None
    valid_until: _Date | None
    obligor: URIRef | None
    beneficiary: URIRef | None
    supersedes: tuple[URIRef, ...]  # existing dk:supersedesClause targets


@dataclass(frozen=True)
class _Agreement:
    iri: URIRef
    label: str
    classes: frozenset[URIRef]
    types: tuple[str, ...]
    status: str | None
    parties: frozenset[URIRef]
    dates: tuple[tuple[str, _Date], ...]  # (property local name, date)
    expires: _Date | None
    doc_date: _Date | None
    docs: frozenset[URIRef]
    sources: tuple[Source, ...]
    background: bool
    quotes: frozenset[str]
    clauses: tuple[_Clause, ...]
    amounts: tuple[tuple[str, str, str], ...]
    links: tuple[tuple[URIRef, URIRef], ...]  # existing (predicate, other agreement)
    terminates: tuple[URIRef, ...]

    @cached_property
    def cue_hits(self) -> dict[str, tuple[str | None, ...]]:
        """For each quote, the first match of each textual cue (computed once)."""
        return {q: tuple(_cue(p, q) for p in _TEXT_CUES) for q in self.quotes}

    @cached_property
    def mou(self) -> bool:
        return DK.MemorandumOfUnderstanding in self.classes

    @cached_property
    def kind(self) -> str:
        return next((_local(c) for c in _FORMS if c in self.classes), "Agreement")

    def date_of(self, name: str) -> _Date | None:
        return next((d for n, d in self.dates if n == name), None)

    @cached_property
    def own_date(self) -> tuple[str, _Date] | None:
        """The earliest date the text gives the agreement (for ordering)."""
        dated = sorted(self.dates, key=lambda item: item[1].iso)
        return dated[0] if dated else None

    @cached_property
    def start(self) -> tuple[str, _Date] | None:
        """When its terms start: effectiveFrom, else signedOn, else announcedOn."""
        for name in ("effectiveFrom", "signedOn", "announcedOn"):
            date = self.date_of(name)
            if date is not None:
                return name, date
        return None

    @cached_property
    def sort_date(self) -> _Date | None:
        own = self.own_date
        return own[1] if own else self.doc_date


_Props = dict[URIRef, dict[URIRef, list[Node]]]


def _local(iri: Node) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _subjects(graph: Graph, cls: URIRef) -> _Props:
    """All properties of all instances of *cls* (document texts left out)."""
    query = sparql_prologue() + (
        f"SELECT ?s ?p ?o WHERE {{ ?s a <{cls}> ; ?p ?o . FILTER(?p != nif:isString) }}"
    )
    found: _Props = defaultdict(lambda: defaultdict(list))
    for s, p, o in select_rows(graph, query):
        if isinstance(s, URIRef) and isinstance(p, URIRef) and o is not None:
            found[s][p].append(o)
    return found


def _one(props: dict[URIRef, list[Node]], p: URIRef) -> Node | None:
    values = sorted(props.get(p, []), key=str)
    return values[0] if values else None


def _text(props: dict[URIRef, list[Node]], p: URIRef) -> str | None:
    value = _one(props, p)
    return str(value) if value is not None else None


def _flag(props: dict[URIRef, list[Node]], p: URIRef) -> bool | None:
    value = _one(props, p)
    if not isinstance(value, Literal):
        return None
    return str(value).lower() in ("true", "1")


def _iri(props: dict[URIRef, list[Node]], p: URIRef) -> URIRef | None:
    value = _one(props, p)
    return value if isinstance(value, URIRef) else None


def _date(props: dict[URIRef, list[Node]], value: URIRef, precision: URIRef) -> _Date | None:
    found = _one(props, value)
    if found is None:
        return None
    level = _PRECISIONS.get(_iri(props, precision) or DKDP.Day, "day")
    return _Date(str(found)[:10], level)


def _percentage(props: dict[URIRef, list[Node]]) -> str | None:
    value = _one(props, DK.percentage)
    return format(float(str(value)), "g") if value is not None else None


class _Snapshot:
    """The agreements of a graph, read once with SPARQL SELECTs."""

    def __init__(self, graph: Graph) -> None:
        self.mentions = _subjects(graph, DK.Mention)
        self.documents = _subjects(graph, DK.SourceDocument)
        self.amounts = _subjects(graph, DK.MonetaryAmount)
        clauses = _subjects(graph, DK.Clause)
        self.agreements = {
            iri: self._agreement(iri, props, clauses)
            for iri, props in _subjects(graph, DK.Agreement).items()
        }

    def _money(self, props: dict[URIRef, list[Node]]) -> tuple[tuple[str, str, str], ...]:
        money = []
        for node in props.get(DK.hasAmount, []):
            amount = self.amounts.get(node, {})  # type: ignore[call-overload]
            value = _one(amount, DK.amountValue)
            if value is not None:
                text = format(float(str(value)), "f").rstrip("0").rstrip(".")
                currency = _text(amount, DK.currency) or ""
                money.append((currency, text, _text(amount, RDFS.label) or f"{currency} {text}"))
        return tuple(sorted(money))

    def _clause(self, iri: URIRef, props: dict[URIRef, list[Node]]) -> _Clause:
        return _Clause(
            iri=iri,
            type=_iri(props, DK.clauseType),
            label=_text(props, RDFS.label),
            exclusive=_flag(props, DK.isExclusive),
            negated=bool(_flag(props, DK.isNegated)),
            scope=_text(props, DK.scope),
            percentage=_percentage(props),
            amounts=self._money(props),
            valid_from=_date(props, DK.validFrom, DK.validFromPrecision),
            valid_until=_date(props, DK.validUntil, DK.validUntilPrecision),
            obligor=_iri(props, DK.obligor),
            beneficiary=_iri(props, DK.beneficiary),
            supersedes=tuple(
                sorted(o for o in props.get(DK.supersedesClause, []) if isinstance(o, URIRef))
            ),
        )

    def _evidence(self, props: dict[URIRef, list[Node]]) -> tuple[frozenset[str], set[URIRef]]:
        quotes: set[str] = set()
        docs: set[URIRef] = set()
        for mention in props.get(DK.evidence, []):
            mprops = self.mentions.get(mention, {})  # type: ignore[call-overload]
            quote = _text(mprops, NIF.anchorOf)
            if quote:
                quotes.add(quote)
            doc = _iri(mprops, DK.inDocument)
            if doc is not None:
                docs.add(doc)
        return frozenset(quotes), docs

    def _doc_date(self, docs: Iterable[URIRef]) -> _Date | None:
        dates = [_date(self.documents.get(d, {}), DCTERMS.issued, DK.datePrecision) for d in docs]
        known = sorted((d for d in dates if d is not None), key=lambda d: d.iso)
        return known[0] if known else None

    def _sources(self, docs: Iterable[URIRef]) -> tuple[Source, ...]:
        found = {
            Source(
                _text(self.documents.get(d, {}), DCTERMS.title),
                _text(self.documents.get(d, {}), SCHEMA.url),
            )
            for d in docs
        }
        return tuple(sorted(found, key=lambda s: (s.title or "", s.url or "")))

    def _agreement(
        self, iri: URIRef, props: dict[URIRef, list[Node]], clauses: _Props
    ) -> _Agreement:
        quotes, docs = self._evidence(props)
        members = []
        for clause_iri in props.get(DK.hasClause, []):
            if isinstance(clause_iri, URIRef) and clause_iri in clauses:
                members.append(self._clause(clause_iri, clauses[clause_iri]))
                docs |= self._evidence(clauses[clause_iri])[1]
        dates = []
        for name, value, precision in _AGREEMENT_DATES:
            date = _date(props, value, precision)
            if date is not None:
                dates.append((name, date))
        return _Agreement(
            iri=iri,
            label=_text(props, RDFS.label) or _local(iri),
            classes=frozenset(c for c in props.get(RDF.type, []) if isinstance(c, URIRef)),
            types=tuple(sorted(_local(t) for t in props.get(DK.agreementType, []))),
            status=_local(s) if (s := _iri(props, DK.status)) else None,
            parties=frozenset(p for p in props.get(DK.hasParty, []) if isinstance(p, URIRef)),
            dates=tuple(dates),
            expires=_date(props, DK.expiresOn, DK.expiresOnPrecision),
            doc_date=self._doc_date(docs),
            docs=frozenset(docs),
            sources=self._sources(docs),
            background=bool(_flag(props, DK.mentionedInPassing))
            or _iri(props, DK.status) == DKST.Previous,
            quotes=quotes,
            clauses=tuple(sorted(members, key=lambda c: str(c.iri))),
            amounts=self._money(props),
            links=tuple(
                sorted(
                    (p, o)
                    for p in _AGREEMENT_LINKS
                    for o in props.get(p, [])
                    if isinstance(o, URIRef)
                )
            ),
            terminates=tuple(
                sorted(o for o in props.get(DK.terminatesClause, []) if isinstance(o, URIRef))
            ),
        )


# --- ordering a lineage -----------------------------------------------------------------


def _related(a: _Agreement, b: _Agreement) -> bool:
    """Same lineage: the two agreements share at least two parties."""
    return len(a.parties & b.parties) >= 2


def _own_text(x: _Agreement, y: _Agreement) -> str:
    # a sentence that is evidence for both agreements cannot tell which one it describes
    return " ".join(sorted(x.quotes - y.quotes))


def _own_cues(x: _Agreement, y: _Agreement) -> list[str | None]:
    """The first match of each textual cue in *x*'s quotes that are not *y*'s."""
    own = sorted(x.quotes - y.quotes)
    return [
        next((x.cue_hits[q][n] for q in own if x.cue_hits[q][n]), None)
        for n in range(len(_TEXT_CUES))
    ]


def _cue(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return f"cue: {found.group(0).lower()}" if found else None


def _later_cues(x: _Agreement, y: _Agreement) -> list[str]:
    """Why the text says *x* comes after *y* (empty when it does not)."""
    cues: list[str | None] = []
    if y.mou and not x.mou:
        if DK.DefinitiveAgreement in x.classes:
            cues.append("definitive agreement after MOU")
        cues.append(_cue(_DEFINITIVE, _own_text(x, y)))
    if y.background and not x.background:
        cues.append("earlier agreement mentioned in passing")
    # "an extension of their supply deal" refers to an earlier deal of the same kind,
    # not to whatever else the same companies signed
    if _same_subject(x, y):
        if DK.Amendment in x.classes and DK.Amendment not in y.classes:
            cues.append("amendment")
        cues += _own_cues(x, y)
    return [c for c in cues if c]


def _same_subject(x: _Agreement, y: _Agreement) -> bool:
    """Agreement types overlap (or one side has none, so nothing says they differ)."""
    return not x.types or not y.types or bool(set(x.types) & set(y.types))


_Decision = tuple[int, bool, str, bool]  # (strength, a comes first, reason, inferred)


def _by_date(a: _Agreement, b: _Agreement) -> _Decision | None:
    if a.own_date is None or b.own_date is None:
        return None
    order = _compare(a.own_date[1], b.own_date[1])
    return (0, order < 0, "date", False) if order else None


def _by_document_date(a: _Agreement, b: _Agreement) -> _Decision | None:
    if (a.own_date and b.own_date) or a.sort_date is None or b.sort_date is None:
        return None
    order = _compare(a.sort_date, b.sort_date)
    if not order:
        return None
    second = b if order < 0 else a
    # a published date only bounds its agreement from above: an undated agreement
    # mentioned in passing may be older than anything dated before its article
    if second.own_date is None and second.background:
        return None
    return (1, order < 0, "document date", True)


def _by_link(a: _Agreement, b: _Agreement) -> _Decision | None:
    for first, second in ((a, b), (b, a)):
        for predicate, other in second.links:
            if other == first.iri:
                return (2, first is a, f"existing dk:{_local(predicate)} link", False)
    return None


def _by_cue(a: _Agreement, b: _Agreement) -> _Decision | None:
    a_later, b_later = _later_cues(a, b), _later_cues(b, a)
    if b_later and not a_later:
        return (3, True, b_later[0], True)
    if a_later and not b_later:
        return (3, False, a_later[0], True)
    return None


def _decide(a: _Agreement, b: _Agreement) -> _Decision | None:
    for rule in (_by_date, _by_document_date, _by_link, _by_cue):
        decision = rule(a, b)
        if decision is not None:
            break
    else:
        return None
    cue = _by_cue(a, b) if rule is _by_link else None
    if cue is not None and cue[1] == decision[1]:
        # a link this module added on an earlier run: keep reporting the cue behind it
        return (decision[0], decision[1], cue[2], cue[3])
    return decision


@dataclass(frozen=True)
class _Edge:
    strength: int
    earlier: URIRef
    later: URIRef
    reason: str
    inferred: bool


class _Order:
    """A DAG earlier → later that keeps its reachability, so "a before b" is a set lookup."""

    def __init__(self, nodes: Iterable[URIRef]) -> None:
        self.graph = nx.DiGraph()
        self.graph.add_nodes_from(nodes)
        self.after: dict[URIRef, set[URIRef]] = {n: set() for n in self.graph}
        self.before: dict[URIRef, set[URIRef]] = {n: set() for n in self.graph}

    def precedes(self, a: URIRef, b: URIRef) -> bool:
        return b in self.after[a]

    def add(self, edge: _Edge) -> None:
        """Add *edge* unless it is implied already or contradicts what is known."""
        earlier, later = edge.earlier, edge.later
        if earlier == later or self.precedes(earlier, later) or self.precedes(later, earlier):
            return
        self.graph.add_edge(earlier, later, reason=edge.reason, inferred=edge.inferred)
        ups, downs = self.before[earlier] | {earlier}, self.after[later] | {later}
        for node in ups:
            self.after[node] |= downs
        for node in downs:
            self.before[node] |= ups


def _sort_key(agreement: _Agreement) -> str:
    date = agreement.sort_date
    return f"{date.iso if date else '9999-99-99'} {agreement.iri}"


def _order(agreements: dict[URIRef, _Agreement], pairs: list[tuple[URIRef, URIRef]]) -> _Order:
    """Order the related pairs; weaker evidence never overrides stronger (no cycles)."""
    edges = []
    for a, b in pairs:
        decision = _decide(agreements[a], agreements[b])
        if decision is not None:
            strength, a_first, reason, inferred = decision
            earlier, later = (a, b) if a_first else (b, a)
            edges.append(_Edge(strength, earlier, later, reason, inferred))
    # strongest evidence first; within it, by the later agreement and then the nearest
    # earlier one, so a dated chain adds a1→a2, a2→a3 and finds a1→a3 already implied
    edges.sort(key=lambda e: _sort_key(agreements[e.earlier]), reverse=True)
    edges.sort(key=lambda e: (e.strength, _sort_key(agreements[e.later])))
    order = _Order(agreements)
    for edge in edges:
        order.add(edge)
    return order


def _unordered_note(a: _Agreement, b: _Agreement) -> str:
    if a.own_date and b.own_date:
        return f"same date ({a.own_date[1].text} / {b.own_date[1].text}) and no cue orders them"
    return "no dates, document dates or textual cues order them"


def _latest(candidates: Iterable[URIRef], order: _Order) -> list[URIRef]:
    """The candidates no other candidate comes after."""
    pool = set(candidates)
    return sorted(c for c in pool if order.after[c].isdisjoint(pool))


# --- links between agreements and clauses ---------------------------------------------


def _link_kind(later: _Agreement, earlier: _Agreement) -> tuple[URIRef, str] | None:
    """Which agreement link the text supports from *later* to *earlier*, if any."""
    text = _own_text(later, earlier)
    if earlier.mou:
        if DK.DefinitiveAgreement in later.classes:
            return DK.supersedes, "definitive agreement after MOU"
        cue = _cue(_DEFINITIVE, text)
        return (DK.supersedes, cue) if cue else None
    if not _same_subject(later, earlier):
        return None
    if cue := _cue(_EXTEND, text):
        return DK.extends, cue
    if DK.Amendment in later.classes:
        return DK.amends, "amendment"
    if cue := _cue(_AMEND, text):
        return DK.amends, cue
    if cue := _cue(_NEW, text):
        return DK.supersedes, cue
    return None


def _linked(a: _Agreement, b: _Agreement) -> bool:
    return any(o == b.iri for _, o in a.links) or any(o == a.iri for _, o in b.links)


class _Lineage:
    """Orders every lineage of a graph and plans the links it implies (writes nothing)."""

    def __init__(self, graph: Graph) -> None:
        self.agreements = _Snapshot(graph).agreements
        # only agreements with a party in common can be related: pair them through their
        # parties, not all with all (quadratic in a large graph)
        by_party: dict[str, list[URIRef]] = defaultdict(list)
        for key in sorted(self.agreements):
            for party in self.agreements[key].parties:
                by_party[party].append(key)
        self.pairs = sorted(
            {
                (a, b)
                for group in by_party.values()
                for a, b in combinations(group, 2)
                if _related(self.agreements[a], self.agreements[b])
            }
        )
        self.order = _order(self.agreements, self.pairs)
        self.sequence = list(
            nx.lexicographical_topological_sort(
                self.order.graph, key=lambda iri: _sort_key(self.agreements[iri])
            )
        )
        self.links = self._agreement_links() + self._clause_links()

    def predecessors(self, iri: URIRef) -> list[_Agreement]:
        later = self.agreements[iri]
        return [
            self.agreements[a]
            for a in sorted(self.order.before[iri])
            if _related(self.agreements[a], later)
        ]

    def _agreement_links(self) -> list[Link]:
        links = []
        for iri in self.sequence:
            later = self.agreements[iri]
            if later.mou:  # a non-binding MOU changes nothing
                continue
            before = self.predecessors(iri)
            for group in ([a for a in before if a.mou], [a for a in before if not a.mou]):
                latest = _latest((a.iri for a in group), self.order)
                if len(latest) != 1:
                    continue  # several unordered candidates: the text does not say which
                earlier = self.agreements[latest[0]]
                kind = None if _linked(later, earlier) else _link_kind(later, earlier)
                if kind is not None:
                    reason = kind[1] + _inferred_suffix(later, earlier)
                    links.append(Link(str(iri), _local(kind[0]), str(earlier.iri), reason))
        return links

    def _clause_links(self) -> list[Link]:
        links: list[Link] = []
        terminated: set[URIRef] = set()
        for iri in self.sequence:
            later = self.agreements[iri]
            before = self.predecessors(iri)
            groups = [[a for a in before if a.mou]]
            if not later.mou:  # MOU terms never replace binding ones
                groups.append([a for a in before if not a.mou])
            for clause in later.clauses:
                for group in groups:
                    links += self._versions(later, clause, group, terminated)
        return links

    def _versions(
        self, later: _Agreement, clause: _Clause, group: list[_Agreement], terminated: set[URIRef]
    ) -> list[Link]:
        matches = [
            (agreement.iri, old, reason)
            for agreement in group
            for old in agreement.clauses
            if not old.negated and old.iri not in terminated
            if (reason := _replaces(clause, old))
        ]
        latest = set(_latest((a for a, _, _ in matches), self.order))
        links = []
        for agreement_iri, old, found in matches:
            if agreement_iri not in latest:
                continue
            reason = found + _inferred_suffix(later, self.agreements[agreement_iri])
            if clause.negated:
                if later.mou or self.agreements[agreement_iri].mou:
                    continue
                terminated.add(old.iri)
                links.append(Link(str(later.iri), "terminatesClause", str(old.iri), reason))
            else:
                links.append(Link(str(clause.iri), "supersedesClause", str(old.iri), reason))
        return links


def _inferred_suffix(later: _Agreement, earlier: _Agreement) -> str:
    """Flag a change whose direction rests on document dates or cues, not stated dates."""
    return "" if later.own_date and earlier.own_date else " (order inferred)"


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP}


def _same_matter(new: _Clause, old: _Clause) -> bool:
    for x, y in ((new.obligor, old.obligor), (new.beneficiary, old.beneficiary)):
        if x is not None and y is not None and x != y:
            return False
    if new.scope and old.scope:
        return bool(_words(new.scope) & _words(old.scope))
    return True


def _replaces(new: _Clause, old: _Clause) -> str | None:
    """Why clause *new* (of a later agreement) replaces or removes *old*, if it does."""
    if new.type is None or old.type is None or not _same_matter(new, old):
        return None
    if new.negated:
        return f"removes {_local(new.type)}" if new.type == old.type else None
    non_exclusive = new.type == DKCT.NonExclusivity or (
        new.exclusive is False and new.type in _NON_EXCLUSIVE_KINDS
    )
    exclusive = old.type == DKCT.Exclusivity or (
        old.exclusive is True and old.type in _EXCLUSIVE_KINDS
    )
    # across clause types the matter must be stated alike: both scoped, or neither
    alike = new.type == old.type or (new.scope is None) == (old.scope is None)
    if non_exclusive and exclusive and alike:
        return "non-exclusive replaces exclusive"
    if new.type == old.type and new.type not in _CUMULATIVE:
        return f"later {_local(new.type)}"
    return None


# --- conflicts ---------------------------------------------------------------------------


def _clause_value(clause: _Clause) -> str | None:
    parts = [f"{clause.percentage}%"] if clause.percentage else []
    parts += [f"{currency} {value}" for currency, value, _ in clause.amounts]
    if clause.exclusive is not None:
        parts.append("exclusive" if clause.exclusive else "non-exclusive")
    return ", ".join(parts) or None


def _value_conflicts(a: _Agreement, b: _Agreement) -> list[Conflict]:
    conflicts = []
    types = {c.type for c in a.clauses} & {c.type for c in b.clauses}
    for clause_type in sorted(t for t in types if t is not None):
        values = [
            {
                v
                for c in x.clauses
                if c.type == clause_type and not c.negated
                if (v := _clause_value(c))
            }
            for x in (a, b)
        ]
        if values[0] and values[1] and values[0].isdisjoint(values[1]):
            conflicts.append(
                Conflict(
                    _local(clause_type),
                    (str(a.iri), str(b.iri)),
                    tuple("; ".join(sorted(v)) for v in values),
                    "two sources give different values at the same date; both kept",
                )
            )
    return conflicts


def _money_of(agreement: _Agreement) -> set[tuple[str, str]]:
    money = {(c, v) for c, v, _ in agreement.amounts}
    money |= {(c, v) for clause in agreement.clauses for c, v, _ in clause.amounts}
    return {m for m in money if m[1] not in ("0", "")}


def _same_deal(a: _Agreement, b: _Agreement) -> bool:
    """Two reports of one deal: same form, shared type and exact amount, no cue between."""
    return (
        a.kind == b.kind
        and (not a.types or not b.types or bool(set(a.types) & set(b.types)))
        and bool(_money_of(a) & _money_of(b))
        and not _later_cues(a, b)
        and not _later_cues(b, a)
    )


def _conflicts(lineage: _Lineage) -> list[Conflict]:
    conflicts = []
    for a_iri, b_iri in lineage.pairs:
        a, b = lineage.agreements[a_iri], lineage.agreements[b_iri]
        if a.own_date is None or b.own_date is None or not a.docs.isdisjoint(b.docs):
            continue  # only different documents can disagree
        if _compare(a.own_date[1], b.own_date[1]) == 0:
            conflicts += _value_conflicts(a, b)
        elif _same_deal(a, b):
            conflicts.append(
                Conflict(
                    "date",
                    (str(a_iri), str(b_iri)),
                    (a.own_date[1].text, b.own_date[1].text),
                    "same form and amount, no cue of a new deal: possibly one deal, two dates",
                )
            )
    return conflicts


# --- link_lineage ------------------------------------------------------------------------

LINK_PREDICATES = {
    "extends": DK.extends,
    "amends": DK.amends,
    "supersedes": DK.supersedes,
    "supersedesClause": DK.supersedesClause,
    "terminatesClause": DK.terminatesClause,
}


def _orderings(lineage: _Lineage, keep: set[URIRef] | None = None) -> tuple[Ordering, ...]:
    """The orderings that are not implied by others (a1 < a2 < a3 omits a1 < a3)."""
    graph = lineage.order.graph
    covering = nx.transitive_reduction(graph)
    return tuple(
        Ordering(
            str(a),
            str(b),
            graph.edges[a, b]["reason"],
            graph.edges[a, b]["inferred"],
        )
        for a, b in sorted(covering.edges)
        if keep is None or (a in keep and b in keep)
    )


def _unordered(lineage: _Lineage, keep: set[URIRef] | None = None) -> tuple[UnorderedPair, ...]:
    gaps = []
    for a, b in lineage.pairs:
        if keep is not None and not (a in keep and b in keep):
            continue
        if not lineage.order.precedes(a, b) and not lineage.order.precedes(b, a):
            note = _unordered_note(lineage.agreements[a], lineage.agreements[b])
            gaps.append(UnorderedPair(str(a), str(b), note))
    return tuple(gaps)


def _inferred_dates(lineage: _Lineage) -> list[URIRef]:
    """Undated agreements placed by a document's published date."""
    marked = set()
    for a, b, data in lineage.order.graph.edges(data=True):
        if data["reason"] == "document date":
            marked |= {x for x in (a, b) if lineage.agreements[x].own_date is None}
    return sorted(marked)


def link_lineage(graph: Graph) -> LineageReport:
    """Order the agreements of each lineage and add the links and change records they imply.

    Append-only and idempotent: only triples not yet in *graph* are added.
    """
    lineage = _Lineage(graph)
    planned = [
        (link, (URIRef(link.source), LINK_PREDICATES[link.predicate], URIRef(link.target)))
        for link in lineage.links
    ]
    added = [link for link, triple in planned if triple not in graph]
    marks = [
        (iri, DK.dateInferredFromDocument, Literal(True))
        for iri in _inferred_dates(lineage)
        if (iri, DK.dateInferredFromDocument, Literal(True)) not in graph
    ]
    new = [triple for link, triple in planned if link in added] + marks
    graph.addN((s, p, o, graph) for s, p, o in new)
    return LineageReport(
        links=tuple(added),
        orderings=_orderings(lineage),
        unordered=_unordered(lineage),
        conflicts=tuple(_conflicts(lineage)),
        dates_inferred=tuple(str(s) for s, _, _ in marks),
    )


# --- timeline ------------------------------------------------------------------------------


def _organizations(graph: Graph) -> dict[URIRef, set[str]]:
    query = sparql_prologue() + (
        "SELECT ?o ?l WHERE { ?o a dk:Organization . OPTIONAL { "
        "{ ?o rdfs:label ?l } UNION { ?o skos:prefLabel ?l } UNION { ?o skos:altLabel ?l } } }"
    )
    found: dict[URIRef, set[str]] = defaultdict(set)
    for row in graph.query(query):
        org, label = row  # type: ignore[misc]
        if isinstance(org, URIRef):
            found[org] |= {str(label)} if label is not None else set()
    return found


def resolve_organization(graph: Graph, name: str) -> URIRef:
    """The organisation named *name*: an IRI, an ``org-…`` key or a label/alias (any case).

    :raises QueryError: when nothing or more than one organisation matches; the message
        lists close labels.
    """
    organizations = _organizations(graph)
    wanted = name.strip()
    for org in organizations:  # an IRI or a key is exact, so it wins over labels
        if wanted in (str(org), _local(org)) or _local(org) == f"org-{wanted}":
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
    labels = sorted({label for group in organizations.values() for label in group})
    folded = {label.casefold(): label for label in labels}
    close = difflib.get_close_matches(wanted.casefold(), list(folded), n=5, cutoff=0.6)
    close += [f for f in folded if wanted.casefold() in f and f not in close][: 5 - len(close)]
    hint = f"; close labels: {', '.join(folded[c] for c in close)}" if close else ""
    raise QueryError(f"no organisation {name!r} in the graph{hint}")


def _as_of(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise QueryError(f"as-of date {value!r} is not a date; use YYYY-MM-DD")


def _exclusivity(agreement: _Agreement) -> str | None:
    found = []
    for clause in agreement.clauses:
        if clause.type == DKCT.NonExclusivity or clause.exclusive is False:
            found.append("non-exclusive")
        elif clause.type == DKCT.Exclusivity or clause.exclusive is True:
            found.append("exclusive")
        else:
            continue
        if clause.negated:
            found[-1] = f"{found[-1]} removed"
        if clause.scope:
            found[-1] += f" ({clause.scope})"
    return "; ".join(sorted(set(found))) or None


def _row(lineage: _Lineage, position: int, iri: URIRef, keep: set[URIRef]) -> TimelineRow:
    agreement = lineage.agreements[iri]
    own = agreement.own_date
    clauses = agreement.clauses
    stakes = sorted(
        {f"{c.percentage}%" for c in clauses if c.type == DKCT.EquityStake and c.percentage}
    )
    ends = [c.valid_until for c in clauses if c.valid_until] + (
        [agreement.expires] if agreement.expires else []
    )
    money = {label for _, _, label in agreement.amounts}
    money |= {label for c in clauses for _, _, label in c.amounts}
    links = {(p, o) for p, o in agreement.links}
    links |= {
        (LINK_PREDICATES[k.predicate], URIRef(k.target))
        for k in lineage.links
        if k.source == str(iri) and k.predicate in _AGREEMENT_LINKS.values()
    }
    return TimelineRow(
        position=position,
        agreement=str(iri),
        label=agreement.label,
        kind=agreement.kind,
        types=agreement.types,
        status=agreement.status,
        date=own[1].text if own else "unknown",
        date_property=own[0] if own else None,
        order_inferred=own is None,
        ordered_after=tuple(
            f"{a} ({lineage.order.graph.edges[a, iri]['reason']})"
            for a in _latest(
                (p for p in lineage.order.graph.predecessors(iri) if p in keep), lineage.order
            )
        ),
        amounts=tuple(sorted(money)),
        stake=", ".join(stakes) or None,
        exclusivity=_exclusivity(agreement),
        until=max(ends, key=lambda d: d.iso).text if ends else None,
        links=tuple(sorted(f"{_local(p)} {o}" for p, o in links)),
        sources=agreement.sources,
    )


def _clause_start(clause: _Clause, agreement: _Agreement) -> tuple[str, _Date] | None:
    """COALESCE(clause validFrom, effectiveFrom, signedOn, announcedOn)."""
    return ("validFrom", clause.valid_from) if clause.valid_from else agreement.start


_ENDED_BY = {
    "supersedesClause": "superseded by",
    "terminatesClause": "terminated by",
    "supersedes": "agreement replaced by",
}


class _Changes:
    """What ends each clause: the graph's change records plus the planned ones.

    A clause ends when a binding clause that supersedes it starts, when an agreement that
    terminates it starts, or when an agreement that supersedes its whole agreement starts
    (as in ``ontology/queries/terms-in-force.rq``).
    """

    def __init__(self, lineage: _Lineage) -> None:
        agreements = lineage.agreements
        self.agreements = agreements
        self.owner = {c.iri: a for a in agreements.values() for c in a.clauses}
        self.clauses = {c.iri: c for a in agreements.values() for c in a.clauses}
        records = {(str(a.iri), _local(p), str(o)) for a in agreements.values() for p, o in a.links}
        records |= {
            (str(a.iri), "terminatesClause", str(o))
            for a in agreements.values()
            for o in a.terminates
        }
        records |= {
            (str(c.iri), "supersedesClause", str(o))
            for a in agreements.values()
            for c in a.clauses
            for o in c.supersedes
        }
        records |= {(k.source, k.predicate, k.target) for k in lineage.links}
        self.enders: dict[URIRef, set[tuple[str, URIRef]]] = defaultdict(set)
        for source, how, target in records:
            self._add(URIRef(source), how, URIRef(target))

    def _add(self, source: URIRef, how: str, target: URIRef) -> None:
        if how == "supersedes" and target in self.agreements:
            for clause in self.agreements[target].clauses:
                self.enders[clause.iri].add((how, source))
        elif how == "supersedesClause" and source in self.owner and not self.owner[source].mou:
            self.enders[target].add((how, source))  # MOU terms never replace binding ones
        elif how == "terminatesClause":
            self.enders[target].add((how, source))

    def start_of(self, how: str, node: URIRef) -> _Date | None:
        if how == "supersedesClause":
            start = _clause_start(self.clauses[node], self.owner[node])
        else:
            agreement = self.agreements.get(node)
            start = agreement.start if agreement else None
        return start[1] if start else None

    def ended(self, clause: URIRef, day: str) -> tuple[bool, list[str]]:
        """Whether a change that ends *clause* started by *day*; changes of unknown start."""
        undated = []
        for how, node in sorted(self.enders.get(clause, ())):
            start = self.start_of(how, node)
            if start is None:
                undated.append(f"{_ENDED_BY[how]} {node} (start unknown)")
            elif start.iso <= day:
                return True, []
        return False, undated


def _values(clause: _Clause) -> tuple[str, ...]:
    values = [f"{clause.percentage}%"] if clause.percentage else []
    values += [label for _, _, label in clause.amounts]
    if clause.exclusive is not None:
        values.append("exclusive" if clause.exclusive else "non-exclusive")
    if clause.scope:
        values.append(f"scope: {clause.scope}")
    return tuple(values)


def _notes(
    clause: _Clause, agreement: _Agreement, undated: list[str], conflicts: list[Conflict], day: str
) -> list[str]:
    notes = []
    if _clause_start(clause, agreement) is None:
        notes.append(f"start unknown: in force only if it started by {day}")
        if agreement.doc_date is not None:
            notes.append(f"reported on {agreement.doc_date.text}")
    notes += ["may have ended: " + u for u in undated]
    for conflict in conflicts:
        if clause.type is not None and conflict.term == _local(clause.type):
            others = [a for a in conflict.agreements if a != str(agreement.iri)]
            if len(others) < len(conflict.agreements):
                notes.append(f"conflicting value in {', '.join(others)}")
    return notes


def _clause_record(clause: _Clause, agreement: _Agreement, notes: list[str]) -> ClauseInForce:
    start = _clause_start(clause, agreement)
    return ClauseInForce(
        agreement=str(agreement.iri),
        clause=str(clause.iri),
        clause_type=_local(clause.type) if clause.type else "unknown",
        label=clause.label,
        start=start[1].text if start else None,
        start_property=start[0] if start else None,
        until=clause.valid_until.text if clause.valid_until else None,
        values=_values(clause),
        note="; ".join(notes),
    )


def _in_force(
    lineage: _Lineage, selected: list[URIRef], day: str, conflicts: list[Conflict]
) -> tuple[tuple[ClauseInForce, ...], tuple[ClauseInForce, ...]]:
    """CQ2: clauses started by *day*, not past validUntil/expiresOn, not replaced or removed."""
    changes = _Changes(lineage)
    in_force: list[ClauseInForce] = []
    unknown: list[ClauseInForce] = []
    for iri in selected:
        agreement = lineage.agreements[iri]
        if agreement.mou or (agreement.expires and agreement.expires.iso < day):
            continue  # MOUs bind nobody; an expired agreement's terms are over
        for clause in agreement.clauses:
            if clause.negated or (clause.valid_until and clause.valid_until.iso < day):
                continue  # a removal is not a term; validUntil is inclusive
            ended, undated = changes.ended(clause.iri, day)
            start = _clause_start(clause, agreement)
            if ended or (start and start[1].iso > day):
                continue
            record = _clause_record(
                clause, agreement, _notes(clause, agreement, undated, conflicts, day)
            )
            (in_force if start else unknown).append(record)
    return tuple(in_force), tuple(unknown)


def timeline(graph: Graph, orgs: Sequence[str], as_of: str | None = None) -> Timeline:
    """The agreements of one organisation, or between two, in lineage order.

    :param orgs: one or two labels, aliases, IRIs or ``org-…`` keys.
    :param as_of: ``YYYY-MM-DD``; when given, the clauses in force on that date.
    :raises QueryError: for an unknown organisation, a bad date or not 1–2 organisations.
    """
    if not 1 <= len(orgs) <= 2:
        raise QueryError(f"give one or two organisations, not {len(orgs)}")
    day = _as_of(as_of)
    parties = [resolve_organization(graph, name) for name in orgs]
    lineage = _Lineage(graph)
    keep = {iri for iri, a in lineage.agreements.items() if all(p in a.parties for p in parties)}
    selected = [iri for iri in lineage.sequence if iri in keep]
    conflicts = [c for c in _conflicts(lineage) if set(map(URIRef, c.agreements)) <= keep]
    in_force, unknown = _in_force(lineage, selected, day, conflicts) if day else ((), ())
    return Timeline(
        organizations=tuple(str(p) for p in parties),
        as_of=day,
        rows=tuple(_row(lineage, n + 1, iri, keep) for n, iri in enumerate(selected)),
        orderings=_orderings(lineage, keep),
        unordered=_unordered(lineage, keep),
        conflicts=tuple(conflicts),
        in_force=in_force,
        unknown_start=unknown,
    )
