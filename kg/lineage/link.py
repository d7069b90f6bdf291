"""Deal lineage over time: order agreements and link them.

``link_lineage(graph)`` runs after mapping. Agreements that share at least two parties
form a lineage; they are ordered by their own dates, else by their source documents'
published dates (marked ``dk:dateInferredFromDocument true``), else by textual cues in
their evidence quotes ("extends", "amended", "definitive agreement", "prior", …).
Consecutive agreements are then linked (``dk:extends``/``dk:amends``/``dk:supersedes``)
and later clauses supersede or terminate earlier ones (``dk:supersedesClause``,
``dk:terminatesClause``). History is append-only: nothing is deleted or overwritten, and
a second run adds nothing. Conflicting values (two documents, same deal, same time,
different terms) are kept and reported, never resolved.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.lineage.order import (
    AMEND,
    DEFINITIVE,
    EXTEND,
    NEW,
    cue_match,
    later_cues,
    latest_of,
    order_lineage,
    own_text,
    related,
    same_subject,
    sort_key,
    unordered_note,
)
from kg.lineage.validity import (
    VALID_TIME_PREDICATES,
    ValidTime,
    valid_time_triples,
    valid_times,
)
from kg.rdf.snapshot import AgreementRecord, ClauseRecord, Snapshot, compare_dates, local_name
from kg.rdf.types import cumulative_clauses
from kg.rdf.vocab import DK, DKCT

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
    valid_times: tuple[ValidTime, ...] = ()  # of every agreement and clause (kg.lineage.validity)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- a snapshot of the graph ----------------------------------------------------------

# Money and commitments add up ("a further $10 billion"): a later one of the same type
# does not replace the earlier, only an explicit removal (isNegated) ends it.
_CUMULATIVE = cumulative_clauses()
_EXCLUSIVE_KINDS = frozenset({DKCT.Exclusivity, DKCT.LicenseGrant})
_NON_EXCLUSIVE_KINDS = frozenset({DKCT.NonExclusivity, DKCT.LicenseGrant, DKCT.Exclusivity})

_STOP = frozenset({"the", "a", "an", "of", "for", "and", "to", "in", "on", "its", "their"})


# --- ordering a lineage -----------------------------------------------------------------


# --- links between agreements and clauses ---------------------------------------------


def _link_kind(later: AgreementRecord, earlier: AgreementRecord) -> tuple[URIRef, str] | None:
    """Which agreement link the text supports from *later* to *earlier*, if any."""
    text = own_text(later, earlier)
    if earlier.mou:
        if DK.DefinitiveAgreement in later.classes:
            return DK.supersedes, "definitive agreement after MOU"
        cue = cue_match(DEFINITIVE, text)
        return (DK.supersedes, cue) if cue else None
    if not same_subject(later, earlier):
        return None
    if cue := cue_match(EXTEND, text):
        return DK.extends, cue
    if DK.Amendment in later.classes:
        return DK.amends, "amendment"
    if cue := cue_match(AMEND, text):
        return DK.amends, cue
    if cue := cue_match(NEW, text):
        return DK.supersedes, cue
    return None


def _linked(a: AgreementRecord, b: AgreementRecord) -> bool:
    return any(o == b.iri for _, o in a.links) or any(o == a.iri for _, o in b.links)


class Lineage:
    """Orders every lineage of a graph and plans the links it implies (writes nothing)."""

    def __init__(self, graph: Graph) -> None:
        self.agreements = Snapshot(graph).agreements
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
                if related(self.agreements[a], self.agreements[b])
            }
        )
        self.order = order_lineage(self.agreements, self.pairs)
        self.sequence = list(
            nx.lexicographical_topological_sort(
                self.order.graph, key=lambda iri: sort_key(self.agreements[iri])
            )
        )
        self.links = self._agreement_links() + self._clause_links()

    def valid_times(self) -> dict[URIRef, ValidTime]:
        """The valid and reporting time of every agreement and clause, with the planned links."""
        planned = [(k.source, k.predicate, k.target) for k in self.links]
        return valid_times(self.agreements, planned)

    def predecessors(self, iri: URIRef) -> list[AgreementRecord]:
        later = self.agreements[iri]
        return [
            self.agreements[a]
            for a in sorted(self.order.before[iri])
            if related(self.agreements[a], later)
        ]

    def _agreement_links(self) -> list[Link]:
        links = []
        for iri in self.sequence:
            later = self.agreements[iri]
            if later.mou:  # a non-binding MOU changes nothing
                continue
            before = self.predecessors(iri)
            for group in ([a for a in before if a.mou], [a for a in before if not a.mou]):
                latest = latest_of((a.iri for a in group), self.order)
                if len(latest) != 1:
                    continue  # several unordered candidates: the text does not say which
                earlier = self.agreements[latest[0]]
                kind = None if _linked(later, earlier) else _link_kind(later, earlier)
                if kind is not None:
                    reason = kind[1] + _inferred_suffix(later, earlier)
                    links.append(Link(str(iri), local_name(kind[0]), str(earlier.iri), reason))
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
        self,
        later: AgreementRecord,
        clause: ClauseRecord,
        group: list[AgreementRecord],
        terminated: set[URIRef],
    ) -> list[Link]:
        matches = [
            (agreement.iri, old, reason)
            for agreement in group
            for old in agreement.clauses
            if not old.negated and old.iri not in terminated
            if (reason := _replaces(clause, old))
        ]
        latest = set(latest_of((a for a, _, _ in matches), self.order))
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


def _inferred_suffix(later: AgreementRecord, earlier: AgreementRecord) -> str:
    """Flag a change whose direction rests on document dates or cues, not stated dates."""
    return "" if later.own_date and earlier.own_date else " (order inferred)"


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP}


def _same_matter(new: ClauseRecord, old: ClauseRecord) -> bool:
    for x, y in ((new.obligor, old.obligor), (new.beneficiary, old.beneficiary)):
        if x is not None and y is not None and x != y:
            return False
    if new.scope and old.scope:
        return bool(_words(new.scope) & _words(old.scope))
    return True


def _replaces(new: ClauseRecord, old: ClauseRecord) -> str | None:
    """Why clause *new* (of a later agreement) replaces or removes *old*, if it does."""
    if new.type is None or old.type is None or not _same_matter(new, old):
        return None
    if new.negated:
        return f"removes {local_name(new.type)}" if new.type == old.type else None
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
        return f"later {local_name(new.type)}"
    return None


# --- conflicts ---------------------------------------------------------------------------


def _clause_value(clause: ClauseRecord) -> str | None:
    parts = [f"{clause.percentage}%"] if clause.percentage else []
    parts += [f"{currency} {value}" for currency, value, _ in clause.amounts]
    if clause.exclusive is not None:
        parts.append("exclusive" if clause.exclusive else "non-exclusive")
    return ", ".join(parts) or None


def _value_conflicts(a: AgreementRecord, b: AgreementRecord) -> list[Conflict]:
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
                    local_name(clause_type),
                    (str(a.iri), str(b.iri)),
                    tuple("; ".join(sorted(v)) for v in values),
                    "two sources give different values at the same date; both kept",
                )
            )
    return conflicts


def _money_of(agreement: AgreementRecord) -> set[tuple[str, str]]:
    money = {(c, v) for c, v, _ in agreement.amounts}
    money |= {(c, v) for clause in agreement.clauses for c, v, _ in clause.amounts}
    return {m for m in money if m[1] not in ("0", "")}


def _same_deal(a: AgreementRecord, b: AgreementRecord) -> bool:
    """Two reports of one deal: same form, shared type and exact amount, no cue between."""
    return (
        a.kind == b.kind
        and (not a.types or not b.types or bool(set(a.types) & set(b.types)))
        and bool(_money_of(a) & _money_of(b))
        and not later_cues(a, b)
        and not later_cues(b, a)
    )


def find_conflicts(lineage: Lineage) -> list[Conflict]:
    conflicts = []
    for a_iri, b_iri in lineage.pairs:
        a, b = lineage.agreements[a_iri], lineage.agreements[b_iri]
        if a.own_date is None or b.own_date is None or not a.docs.isdisjoint(b.docs):
            continue  # only different documents can disagree
        if compare_dates(a.own_date[1], b.own_date[1]) == 0:
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


def orderings(lineage: Lineage, keep: set[URIRef] | None = None) -> tuple[Ordering, ...]:
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


def unordered_pairs(lineage: Lineage, keep: set[URIRef] | None = None) -> tuple[UnorderedPair, ...]:
    gaps = []
    for a, b in lineage.pairs:
        if keep is not None and not (a in keep and b in keep):
            continue
        if not lineage.order.precedes(a, b) and not lineage.order.precedes(b, a):
            note = unordered_note(lineage.agreements[a], lineage.agreements[b])
            gaps.append(UnorderedPair(str(a), str(b), note))
    return tuple(gaps)


def _inferred_dates(lineage: Lineage) -> list[URIRef]:
    """Undated agreements placed by a document's published date."""
    marked = set()
    for a, b, data in lineage.order.graph.edges(data=True):
        if data["reason"] == "document date":
            marked |= {x for x in (a, b) if lineage.agreements[x].own_date is None}
    return sorted(marked)


def link_lineage(graph: Graph) -> LineageReport:
    """Order the agreements of each lineage, add the links and change records they imply,
    and materialise every agreement's and clause's valid and reporting time.

    Links are append-only and idempotent: only triples not yet in *graph* are added. Valid
    times are derived state: those no longer implied are replaced.
    """
    lineage = Lineage(graph)
    times = lineage.valid_times()
    derived = set(valid_time_triples(times))
    # read the valid-time triples once and compare sets, rather than asking the store
    # about each derived triple (tens of thousands of lookups in a large build)
    present = {(s, p, o) for p in VALID_TIME_PREDICATES for s, o in graph.subject_objects(p)}
    for triple in present - derived:  # no longer implied
        graph.remove(triple)
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
    new: list[tuple[URIRef, URIRef, Node]] = [t for link, t in planned if link in added]
    new += marks
    new += sorted(derived - present)
    graph.addN((s, p, o, graph) for s, p, o in new)
    return LineageReport(
        links=tuple(added),
        orderings=orderings(lineage),
        unordered=unordered_pairs(lineage),
        conflicts=tuple(find_conflicts(lineage)),
        dates_inferred=tuple(str(s) for s, _, _ in marks),
        valid_times=tuple(times[iri] for iri in sorted(times)),
    )


# --- timeline ------------------------------------------------------------------------------
