"""The timeline view: the agreements of one company, or between two, in lineage order, and
the clauses in force on a date.

``timeline(graph, orgs, as_of)`` reads the lineage of one or two organisations and, with
``as_of``, lists the clauses in force on that date. The semantics are those of
``ontology/queries/terms-in-force.rq`` (ONTOLOGY.md CQ2 plus ``signedOn`` in the start
fallback and whole-agreement ``dk:supersedes``), with two additions: a removal clause
(``dk:isNegated true``) is never a term, and a clause whose start is unknown is listed
apart instead of being dropped. ``timeline`` only reads: it applies the links that
:func:`kg.lineage.link.link_lineage` would add without writing them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rdflib import Graph, URIRef

from kg.errors import QueryError
from kg.lineage.link import (
    LINK_PREDICATES,
    Conflict,
    Lineage,
    Ordering,
    UnorderedPair,
    find_conflicts,
    orderings,
    unordered_pairs,
)
from kg.lineage.order import latest_of
from kg.rdf.snapshot import (
    AGREEMENT_LINKS,
    AgreementRecord,
    ClauseRecord,
    DateRecord,
    Source,
    local_name,
)
from kg.rdf.vocab import DKCT, sparql_prologue


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
        if wanted in (str(org), local_name(org)) or local_name(org) == f"org-{wanted}":
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


def _exclusivity(agreement: AgreementRecord) -> str | None:
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


def _row(lineage: Lineage, position: int, iri: URIRef, keep: set[URIRef]) -> TimelineRow:
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
        if k.source == str(iri) and k.predicate in AGREEMENT_LINKS.values()
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
            for a in latest_of(
                (p for p in lineage.order.graph.predecessors(iri) if p in keep), lineage.order
            )
        ),
        amounts=tuple(sorted(money)),
        stake=", ".join(stakes) or None,
        exclusivity=_exclusivity(agreement),
        until=max(ends, key=lambda d: d.iso).text if ends else None,
        links=tuple(sorted(f"{local_name(p)} {o}" for p, o in links)),
        sources=agreement.sources,
    )


def _clause_start(
    clause: ClauseRecord, agreement: AgreementRecord
) -> tuple[str, DateRecord] | None:
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

    def __init__(self, lineage: Lineage) -> None:
        agreements = lineage.agreements
        self.agreements = agreements
        self.owner = {c.iri: a for a in agreements.values() for c in a.clauses}
        self.clauses = {c.iri: c for a in agreements.values() for c in a.clauses}
        records = {
            (str(a.iri), local_name(p), str(o)) for a in agreements.values() for p, o in a.links
        }
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

    def start_of(self, how: str, node: URIRef) -> DateRecord | None:
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


def _values(clause: ClauseRecord) -> tuple[str, ...]:
    values = [f"{clause.percentage}%"] if clause.percentage else []
    values += [label for _, _, label in clause.amounts]
    if clause.exclusive is not None:
        values.append("exclusive" if clause.exclusive else "non-exclusive")
    if clause.scope:
        values.append(f"scope: {clause.scope}")
    return tuple(values)


def _notes(
    clause: ClauseRecord,
    agreement: AgreementRecord,
    undated: list[str],
    conflicts: list[Conflict],
    day: str,
) -> list[str]:
    notes = []
    if _clause_start(clause, agreement) is None:
        notes.append(f"start unknown: in force only if it started by {day}")
        if agreement.doc_date is not None:
            notes.append(f"reported on {agreement.doc_date.text}")
    notes += ["may have ended: " + u for u in undated]
    for conflict in conflicts:
        if clause.type is not None and conflict.term == local_name(clause.type):
            others = [a for a in conflict.agreements if a != str(agreement.iri)]
            if len(others) < len(conflict.agreements):
                notes.append(f"conflicting value in {', '.join(others)}")
    return notes


def _clause_record(
    clause: ClauseRecord, agreement: AgreementRecord, notes: list[str]
) -> ClauseInForce:
    start = _clause_start(clause, agreement)
    return ClauseInForce(
        agreement=str(agreement.iri),
        clause=str(clause.iri),
        clause_type=local_name(clause.type) if clause.type else "unknown",
        label=clause.label,
        start=start[1].text if start else None,
        start_property=start[0] if start else None,
        until=clause.valid_until.text if clause.valid_until else None,
        values=_values(clause),
        note="; ".join(notes),
    )


def _in_force(
    lineage: Lineage, selected: list[URIRef], day: str, conflicts: list[Conflict]
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
    lineage = Lineage(graph)
    keep = {iri for iri, a in lineage.agreements.items() if all(p in a.parties for p in parties)}
    selected = [iri for iri in lineage.sequence if iri in keep]
    conflicts = [c for c in find_conflicts(lineage) if set(map(URIRef, c.agreements)) <= keep]
    in_force, unknown = _in_force(lineage, selected, day, conflicts) if day else ((), ())
    return Timeline(
        organizations=tuple(str(p) for p in parties),
        as_of=day,
        rows=tuple(_row(lineage, n + 1, iri, keep) for n, iri in enumerate(selected)),
        orderings=orderings(lineage, keep),
        unordered=unordered_pairs(lineage, keep),
        conflicts=tuple(conflicts),
        in_force=in_force,
        unknown_start=unknown,
    )
