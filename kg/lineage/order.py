"""Ordering the agreements of a lineage: by their own dates, else their documents' published
dates, else an existing link, else textual cues in their evidence; weaker evidence never
overrides stronger, so the order has no cycles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
from rdflib import URIRef

from kg.rdf.snapshot import AgreementRecord, compare_dates, local_name
from kg.rdf.vocab import DK

EXTEND = re.compile(r"\b(extend(s|ed|ing)?|extension|renew(s|ed|al|ing)?)\b", re.I)


AMEND = re.compile(r"\b(amend(s|ed|ing|ment|ments)?|revised?)\b", re.I)


DEFINITIVE = re.compile(r"\bdefinitive (agreement|deal|contract)", re.I)


NEW = re.compile(
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


_TEXT_CUES = (EXTEND, AMEND, NEW, _PRIOR)


def related(a: AgreementRecord, b: AgreementRecord) -> bool:
    """Same lineage: the two agreements share at least two parties."""
    return len(a.parties & b.parties) >= 2


def own_text(x: AgreementRecord, y: AgreementRecord) -> str:
    # a sentence that is evidence for both agreements cannot tell which one it describes
    return " ".join(sorted(x.quotes - y.quotes))


def _own_cues(x: AgreementRecord, y: AgreementRecord) -> list[str | None]:
    """The first match of each textual cue in *x*'s quotes that are not *y*'s."""
    own = sorted(x.quotes - y.quotes)
    return [
        next((_quote_cues(q)[n] for q in own if _quote_cues(q)[n]), None)
        for n in range(len(_TEXT_CUES))
    ]


@lru_cache(maxsize=1 << 16)
def _quote_cues(quote: str) -> tuple[str | None, ...]:
    """The first match of each textual cue in *quote* (computed once per quote)."""
    return tuple(cue_match(p, quote) for p in _TEXT_CUES)


def cue_match(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return f"cue: {found.group(0).lower()}" if found else None


def later_cues(x: AgreementRecord, y: AgreementRecord) -> list[str]:
    """Why the text says *x* comes after *y* (empty when it does not)."""
    cues: list[str | None] = []
    if y.mou and not x.mou:
        if DK.DefinitiveAgreement in x.classes:
            cues.append("definitive agreement after MOU")
        cues.append(cue_match(DEFINITIVE, own_text(x, y)))
    if y.background and not x.background:
        cues.append("earlier agreement mentioned in passing")
    # "an extension of their supply deal" refers to an earlier deal of the same kind,
    # not to whatever else the same companies signed
    if same_subject(x, y):
        if DK.Amendment in x.classes and DK.Amendment not in y.classes:
            cues.append("amendment")
        cues += _own_cues(x, y)
    return [c for c in cues if c]


def same_subject(x: AgreementRecord, y: AgreementRecord) -> bool:
    """Agreement types overlap (or one side has none, so nothing says they differ)."""
    return not x.types or not y.types or bool(set(x.types) & set(y.types))


_Decision = tuple[int, bool, str, bool]  # (strength, a comes first, reason, inferred)


def _by_date(a: AgreementRecord, b: AgreementRecord) -> _Decision | None:
    if a.own_date is None or b.own_date is None:
        return None
    order = compare_dates(a.own_date[1], b.own_date[1])
    return (0, order < 0, "date", False) if order else None


def _by_document_date(a: AgreementRecord, b: AgreementRecord) -> _Decision | None:
    if (a.own_date and b.own_date) or a.sort_date is None or b.sort_date is None:
        return None
    order = compare_dates(a.sort_date, b.sort_date)
    if not order:
        return None
    second = b if order < 0 else a
    # a published date only bounds its agreement from above: an undated agreement
    # mentioned in passing may be older than anything dated before its article
    if second.own_date is None and second.background:
        return None
    return (1, order < 0, "document date", True)


def _by_link(a: AgreementRecord, b: AgreementRecord) -> _Decision | None:
    for first, second in ((a, b), (b, a)):
        for predicate, other in second.links:
            if other == first.iri:
                return (2, first is a, f"existing dk:{local_name(predicate)} link", False)
    return None


def _by_cue(a: AgreementRecord, b: AgreementRecord) -> _Decision | None:
    a_later, b_later = later_cues(a, b), later_cues(b, a)
    if b_later and not a_later:
        return (3, True, b_later[0], True)
    if a_later and not b_later:
        return (3, False, a_later[0], True)
    return None


def _decide(a: AgreementRecord, b: AgreementRecord) -> _Decision | None:
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


class Order:
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


def sort_key(agreement: AgreementRecord) -> str:
    date = agreement.sort_date
    return f"{date.iso if date else '9999-99-99'} {agreement.iri}"


def order_lineage(
    agreements: dict[URIRef, AgreementRecord], pairs: list[tuple[URIRef, URIRef]]
) -> Order:
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
    edges.sort(key=lambda e: sort_key(agreements[e.earlier]), reverse=True)
    edges.sort(key=lambda e: (e.strength, sort_key(agreements[e.later])))
    order = Order(agreements)
    for edge in edges:
        order.add(edge)
    return order


def unordered_note(a: AgreementRecord, b: AgreementRecord) -> str:
    if a.own_date and b.own_date:
        return f"same date ({a.own_date[1].text} / {b.own_date[1].text}) and no cue orders them"
    return "no dates, document dates or textual cues order them"


def latest_of(candidates: Iterable[URIRef], order: Order) -> list[URIRef]:
    """The candidates no other candidate comes after."""
    pool = set(candidates)
    return sorted(c for c in pool if order.after[c].isdisjoint(pool))
