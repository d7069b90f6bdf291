"""The timeline view: the agreements of one company, or between two, in order, and the
clauses in force on a date, as known on another.

``timeline(graph, orgs, as_of, known_at)`` reads the lineage of one or two organisations
and, with ``as_of``, lists the clauses in force on that date. "In force" is the one rule of
:func:`kg.lineage.validity.standing` over the valid times the lineage stage materialises
(and ``terms-in-force.rq`` and the map apply): binding, started by the date (stated or
inferred from the announcing article's date), not past its end, not superseded or
terminated by something that started by the date. A clause whose start is unknown is
listed apart. With ``known_at``, only documents published by that date count: what an
analyst reading the news that day would have said. ``timeline`` only reads: it computes
the links and valid times :func:`kg.lineage.link.link_lineage` would add without writing
them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
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
from kg.lineage.validity import Standing, ValidTime, standing
from kg.query.names import resolve_organization
from kg.rdf.snapshot import (
    AGREEMENT_LINKS,
    AgreementRecord,
    ClauseRecord,
    Source,
    local_name,
    select,
)
from kg.rdf.vocab import DKCT


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
    date_property: str | None  # "announcedOn" / "signedOn" / "effectiveFrom" / "issued"
    date_inferred: bool  # True when the date is the announcing article's published date
    order_inferred: bool  # True when the position comes from document dates or cues
    ordered_after: tuple[str, ...]  # "<agreement> (<reason>)" for each direct predecessor
    counterparties: tuple[str, ...]  # labels of the parties other than the organisations asked
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
    agreement_label: str
    clause: str
    clause_type: str
    label: str | None
    start: str | None  # at its stated precision, None when unknown
    start_property: (
        str | None
    )  # "validFrom" / "effectiveFrom" / "signedOn" / "announcedOn" / "issued"
    start_inferred: bool  # True when the start is the announcing article's published date
    source: str | None  # the document the start comes from: its title (or URL) and date
    until: str | None
    values: tuple[str, ...]  # "exclusive", "27%", "USD 1000000000", "scope: …"
    note: str  # why it is listed where it is


@dataclass(frozen=True)
class Timeline:
    """The lineage of one or two organisations, and the terms in force on ``as_of``."""

    organizations: tuple[str, ...]
    as_of: str | None
    known_at: str | None
    rows: tuple[TimelineRow, ...]
    orderings: tuple[Ordering, ...]
    unordered: tuple[UnorderedPair, ...]
    conflicts: tuple[Conflict, ...]
    in_force: tuple[ClauseInForce, ...]
    unknown_start: tuple[ClauseInForce, ...]  # in force only if they started by as_of

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _as_of(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise QueryError(f"as-of date {value!r} is not a date; use YYYY-MM-DD")


def _day(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise QueryError(f"{what} date {value!r} is not a date; use YYYY-MM-DD")


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


class _View:
    """What the rows and notes need: the lineage, its valid times, and labels."""

    def __init__(self, graph: Graph, lineage: Lineage, times: Mapping[URIRef, ValidTime]):
        self.lineage = lineage
        self.times = times
        self.orgs = _org_labels(graph)
        self.owner = {c.iri: a for a in lineage.agreements.values() for c in a.clauses}
        self.clauses = {c.iri: c for a in lineage.agreements.values() for c in a.clauses}

    def name(self, node: URIRef) -> str:
        """A clause or agreement as a reader knows it: its label, its agreement, its date."""
        if node in self.clauses:
            clause, agreement = self.clauses[node], self.owner[node]
            what = clause.label or _words(local_name(clause.type) if clause.type else "clause")
            return f"\u2018{what}\u2019 of {agreement.label}"
        found = self.lineage.agreements.get(node)
        return found.label if found else local_name(node)

    def ended_by(self, node: URIRef) -> str:
        how = "superseded" if node in self.clauses else "ended"
        return f"{how} by {self.name(node)} ({self.when(node)})"

    def when(self, node: URIRef) -> str:
        time = self.times.get(node)
        if time is None or time.start is None:
            return "start unknown"
        return time.start.text + (" (inferred)" if time.start_inferred else "")

    def source(self, time: ValidTime) -> str | None:
        """The document the start comes from, as its title (or URL) and published date."""
        if time.start_source is None:
            return None
        for source in self.lineage.agreements[time.agreement].sources:
            if source.document == str(time.start_source):
                title = source.title or source.url or local_name(time.start_source)
                return f"{title} ({source.published})" if source.published else title
        return local_name(time.start_source)


def _org_labels(graph: Graph) -> dict[URIRef, str]:
    query = "SELECT ?o ?l WHERE { ?o a dk:Organization . OPTIONAL { ?o rdfs:label ?l } }"
    labels: dict[URIRef, str] = {}
    for org, label in select(graph, query):
        if isinstance(org, URIRef):
            labels[org] = min(labels.get(org, str(label or local_name(org))), str(label or ""))
            labels[org] = labels[org] or local_name(org)
    return labels


def _words(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def _row(
    view: _View, position: int, iri: URIRef, keep: set[URIRef], asked: Sequence[URIRef]
) -> TimelineRow:
    lineage = view.lineage
    agreement = lineage.agreements[iri]
    own = agreement.own_date
    time = view.times[iri]
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
    inferred = own is None and time.start_inferred and time.start is not None
    date = own[1].text if own else (time.start.text if inferred and time.start else "unknown")
    return TimelineRow(
        position=position,
        agreement=str(iri),
        label=agreement.label,
        kind=agreement.kind,
        types=agreement.types,
        status=agreement.status,
        date=date,
        date_property=own[0] if own else ("issued" if inferred else None),
        date_inferred=inferred,
        order_inferred=own is None,
        ordered_after=tuple(
            f"{a} ({lineage.order.graph.edges[a, iri]['reason']})"
            for a in latest_of(
                (p for p in lineage.order.graph.predecessors(iri) if p in keep), lineage.order
            )
        ),
        counterparties=tuple(
            sorted(view.orgs.get(p, local_name(p)) for p in agreement.parties if p not in asked)
        ),
        amounts=tuple(sorted(money)),
        stake=", ".join(stakes) or None,
        exclusivity=_exclusivity(agreement),
        until=max(ends, key=lambda d: d.iso).text if ends else None,
        links=tuple(sorted(f"{local_name(p)} {o}" for p, o in links)),
        sources=agreement.sources,
    )


def _values(clause: ClauseRecord) -> tuple[str, ...]:
    values = [f"{clause.percentage}%"] if clause.percentage else []
    values += [label for _, _, label in clause.amounts]
    if clause.exclusive is not None:
        values.append("exclusive" if clause.exclusive else "non-exclusive")
    if clause.scope:
        values.append(f"scope: {clause.scope}")
    return tuple(values)


def _notes(
    view: _View,
    clause: ClauseRecord,
    agreement: AgreementRecord,
    found: Standing,
    conflicts: list[Conflict],
    day: str,
) -> list[str]:
    notes = []
    time = view.times[clause.iri]
    if time.start is None:
        notes.append(f"start unknown: in force only if it started by {day}")
        if time.reported:
            notes.append("reported on " + ", ".join(d.text for _, d in time.reported))
    notes += [f"may have ended: {view.ended_by(e)}" for e in found.open_enders]
    for conflict in conflicts:
        if clause.type is not None and conflict.term == local_name(clause.type):
            others = [URIRef(a) for a in conflict.agreements if a != str(agreement.iri)]
            if len(others) < len(conflict.agreements):
                named = ", ".join(
                    f"{view.name(o)} ({view.when(o)}; {view.source(view.times[o])})" for o in others
                )
                notes.append(f"conflicting value in {named}")
    return notes


def _clause_record(
    view: _View, clause: ClauseRecord, agreement: AgreementRecord, notes: list[str]
) -> ClauseInForce:
    time = view.times[clause.iri]
    return ClauseInForce(
        agreement=str(agreement.iri),
        agreement_label=agreement.label,
        clause=str(clause.iri),
        clause_type=local_name(clause.type) if clause.type else "unknown",
        label=clause.label,
        start=time.start.text if time.start else None,
        start_property=local_name(time.start_basis) if time.start_basis else None,
        start_inferred=time.start_inferred,
        source=view.source(time),
        until=time.end.text if time.end else None,
        values=_values(clause),
        note="; ".join(notes),
    )


def _in_force(
    view: _View,
    selected: list[URIRef],
    day: str,
    known_at: str | None,
    conflicts: list[Conflict],
) -> tuple[tuple[ClauseInForce, ...], tuple[ClauseInForce, ...]]:
    """The clauses of *selected* in force on *day*, and those whose start is unknown."""
    in_force: list[ClauseInForce] = []
    unknown: list[ClauseInForce] = []
    for iri in selected:
        agreement = view.lineage.agreements[iri]
        for clause in agreement.clauses:
            found = standing(view.times[clause.iri], day, view.times, known_at)
            if found.state not in ("in force", "start unknown"):
                continue
            notes = _notes(view, clause, agreement, found, conflicts, day)
            record = _clause_record(view, clause, agreement, notes)
            (in_force if found.state == "in force" else unknown).append(record)
    return tuple(in_force), tuple(unknown)


def _date_order(view: _View, sequence: list[URIRef]) -> list[URIRef]:
    """One company's agreements by date (stated, else inferred, else its article's), lineage
    order breaking ties, so agreements of different lineages interleave by date."""
    position = {iri: n for n, iri in enumerate(sequence)}

    def key(iri: URIRef) -> tuple[str, int]:
        time, agreement = view.times[iri], view.lineage.agreements[iri]
        date = agreement.own_date[1] if agreement.own_date else time.start or agreement.sort_date
        return (date.iso if date else "9999-99-99", position[iri])

    return sorted(sequence, key=key)


def timeline(
    graph: Graph,
    orgs: Sequence[str],
    as_of: str | None = None,
    known_at: str | None = None,
) -> Timeline:
    """The agreements of one organisation (by date), or between two (in lineage order).

    :param orgs: one or two labels, aliases, IRIs or ``org-…`` keys.
    :param as_of: ``YYYY-MM-DD``; when given, the clauses in force on that date.
    :param known_at: ``YYYY-MM-DD``; when given, only what documents published by that
        date state (agreements, clauses, and what supersedes or ends them).
    :raises QueryError: for an unknown organisation, a bad date or not 1–2 organisations.
    """
    if not 1 <= len(orgs) <= 2:
        raise QueryError(f"give one or two organisations, not {len(orgs)}")
    day = _day(as_of, "as-of")
    known = _day(known_at, "known-at")
    parties = [resolve_organization(graph, name) for name in orgs]
    lineage = Lineage(graph)
    view = _View(graph, lineage, lineage.valid_times())
    keep = {
        iri
        for iri, a in lineage.agreements.items()
        if all(p in a.parties for p in parties) and view.times[iri].known_at(known)
    }
    selected = [iri for iri in lineage.sequence if iri in keep]
    if len(parties) == 1:
        selected = _date_order(view, selected)
    conflicts = [c for c in find_conflicts(lineage) if set(map(URIRef, c.agreements)) <= keep]
    in_force, unknown = _in_force(view, selected, day, known, conflicts) if day else ((), ())
    return Timeline(
        organizations=tuple(str(p) for p in parties),
        as_of=day,
        known_at=known,
        rows=tuple(_row(view, n + 1, iri, keep, parties) for n, iri in enumerate(selected)),
        orderings=orderings(lineage, keep),
        unordered=unordered_pairs(lineage, keep),
        conflicts=tuple(conflicts),
        in_force=in_force,
        unknown_start=unknown,
    )
