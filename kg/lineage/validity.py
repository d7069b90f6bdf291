"""Valid time and reporting time of every agreement and clause, and the one rule of
"in force on D, as known at K".

A term's *valid time* runs from its start to its end:

- start: what the text states (a clause's ``dk:validFrom``, else its agreement's
  ``dk:effectiveFrom``, ``dk:signedOn`` or ``dk:announcedOn``); else, for an agreement the
  text reports as new (``dk:reportedAsNew``, :mod:`kg.extract.tense`), the published date
  of its article, marked inferred; else unknown. A background mention never gets its
  article's date.
- end: what the text states (the earliest of ``dk:validUntil``, a term clause's
  ``dk:durationYears`` from its start, the agreement's ``dk:expiresOn``); and, from the
  lineage, the start of a later binding clause that supersedes it or of a later agreement
  that terminates it or replaces its whole agreement (``dk:endedBy``).

Its *reporting time* is the published date of each document that states it.

:func:`valid_times` computes all of it once, from the agreements and the lineage links;
:func:`valid_time_triples` is what the lineage stage materialises (``ontology/dealkg.ttl``,
"Valid time and reporting time"), so the named query ``terms-in-force``, ``kg timeline``
and the map all decide "in force" from the same facts. :func:`standing` is the rule in
Python; ``terms-in-force.rq`` applies the same date comparisons, and the map's slider
compares a day with :func:`in_force_interval`, the days the rule finds a term in force.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node

from kg.rdf.snapshot import AgreementRecord, ClauseRecord, DateRecord
from kg.rdf.vocab import DK, DKCT, PRECISIONS

VALID_TIME_PREDICATES = (
    DK.isBinding,
    DK.startsOn,
    DK.startsOnPrecision,
    DK.startInferred,
    DK.startSource,
    DK.startBasis,
    DK.endsOn,
    DK.endsOnPrecision,
    DK.endBasis,
    DK.endedBy,
    DK.reportedOn,
)
"""The properties :func:`valid_time_triples` writes (and a relink replaces)."""

_AGREEMENT_STARTS = (
    ("effectiveFrom", DK.effectiveFrom),
    ("signedOn", DK.signedOn),
    ("announcedOn", DK.announcedOn),
)


@dataclass(frozen=True)
class ValidTime:
    """When an agreement or clause holds (valid time) and when sources said so (reporting)."""

    node: URIRef
    agreement: URIRef  # the agreement itself, or the clause's agreement
    binding: bool
    start: DateRecord | None
    start_inferred: bool
    start_basis: URIRef | None  # dk:validFrom … dk:announcedOn, or dct:issued when inferred
    start_source: URIRef | None  # the document stating the start (or whose date it is)
    end: DateRecord | None  # inclusive
    end_basis: URIRef | None  # dk:validUntil, dk:durationYears or dk:expiresOn
    ended_by: tuple[URIRef, ...]  # later clauses or agreements that end it from their start
    reported: tuple[tuple[URIRef, DateRecord], ...]  # (document, published date), by date

    def known_at(self, day: str | None) -> bool:
        """Whether a document published by *day* states it (always, with no *day*)."""
        return day is None or any(date.iso <= day for _, date in self.reported)


@dataclass(frozen=True)
class Standing:
    """Where a term stands on a day: ``state`` is ``"in force"``, ``"start unknown"``,
    ``"not started"``, ``"ended"``, ``"superseded"``, ``"not binding"`` or ``"not known"``."""

    state: str
    ended_by: URIRef | None = None  # what superseded or terminated it
    open_enders: tuple[URIRef, ...] = ()  # enders of unknown start: it may have ended


def standing(
    time: ValidTime,
    day: str,
    times: Mapping[URIRef, ValidTime],
    known_at: str | None = None,
) -> Standing:
    """The one rule of "in force on *day*" (``YYYY-MM-DD``), from the documents published
    by *known_at* only when given: binding, known, started by *day* (stated or inferred),
    not past its end, and no known ender that started by *day*. A term whose start is
    unknown is ``"start unknown"`` unless something ended it."""
    if not time.known_at(known_at):
        return Standing("not known")
    if not time.binding:
        return Standing("not binding")
    if time.end is not None and time.end.iso < day:
        return Standing("ended")
    undated = []
    for ender in time.ended_by:
        other = times.get(ender)
        if other is None or not other.known_at(known_at):
            continue
        if other.start is None:
            undated.append(ender)
        elif other.start.iso <= day:
            return Standing("superseded", ender)
    if time.start is None:
        return Standing("start unknown", open_enders=tuple(undated))
    if time.start.iso > day:
        return Standing("not started")
    return Standing("in force", open_enders=tuple(undated))


def ended_on(time: ValidTime, times: Mapping[URIRef, ValidTime]) -> DateRecord | None:
    """The earliest start of what ends *time* (it is in force until the day before)."""
    starts = [s for e in time.ended_by if e in times if (s := times[e].start) is not None]
    return min(starts, key=lambda d: d.iso) if starts else None


def in_force_interval(
    time: ValidTime, times: Mapping[URIRef, ValidTime]
) -> tuple[str | None, str | None] | None:
    """The days on which :func:`standing` (with no *known_at*) finds *time* in force or of
    unknown start, as one interval ``[first, stop)`` of ISO dates (``None``: unbounded), or
    ``None`` when it never is (not binding). Pages that filter by a day compare the day
    with this interval instead of re-deriving the rule."""
    if not time.binding:
        return None
    stops = []
    if time.end is not None:
        stops.append((dt.date.fromisoformat(time.end.iso) + dt.timedelta(days=1)).isoformat())
    ended = ended_on(time, times)
    if ended is not None:
        stops.append(ended.iso)
    return (time.start.iso if time.start else None, min(stops) if stops else None)


# --- computing valid times -----------------------------------------------------------------


def valid_times(
    agreements: Mapping[URIRef, AgreementRecord],
    links: Iterable[tuple[str, str, str]] = (),
) -> dict[URIRef, ValidTime]:
    """The valid and reporting time of every agreement and clause of *agreements*.

    :param links: ``(source, predicate local name, target)`` lineage links planned on top
        of those the records already hold (``supersedes``, ``supersedesClause``,
        ``terminatesClause``; others are ignored).
    """
    enders = _enders(agreements, links)
    times: dict[URIRef, ValidTime] = {}
    for iri in sorted(agreements):
        agreement = agreements[iri]
        own = _agreement_time(agreement, tuple(sorted(enders.get(iri, ()))))
        times[iri] = own
        for clause in agreement.clauses:
            found = tuple(sorted(enders.get(clause.iri, ())))
            times[clause.iri] = _clause_time(clause, agreement, own, found)
    return times


def binding(agreement: AgreementRecord) -> bool:
    """An MOU or an agreement whose status is non-binding binds nobody."""
    return not agreement.mou and agreement.status != "NonBinding"


def _enders(
    agreements: Mapping[URIRef, AgreementRecord], planned: Iterable[tuple[str, str, str]]
) -> dict[URIRef, set[URIRef]]:
    """Who ends what: a binding clause that supersedes a clause, a binding agreement that
    terminates a clause or supersedes a whole agreement (and so all its clauses)."""
    owner = {c.iri: a for a in agreements.values() for c in a.clauses}
    records = {(a.iri, p, o) for a in agreements.values() for p, o in a.links}
    records |= {(a.iri, DK.terminatesClause, o) for a in agreements.values() for o in a.terminates}
    records |= {
        (c.iri, DK.supersedesClause, o)
        for a in agreements.values()
        for c in a.clauses
        for o in c.supersedes
    }
    records |= {(URIRef(s), DK[p], URIRef(o)) for s, p, o in planned}
    enders: dict[URIRef, set[URIRef]] = defaultdict(set)
    for source, how, target in records:
        if how == DK.supersedes and source in agreements and target in agreements:
            if binding(agreements[source]):
                enders[target].add(source)
                for clause in agreements[target].clauses:
                    enders[clause.iri].add(source)
        elif how == DK.supersedesClause and source in owner and binding(owner[source]):
            enders[target].add(source)  # MOU terms never replace binding ones
        elif how == DK.terminatesClause and source in agreements and binding(agreements[source]):
            enders[target].add(source)
    return enders


def _agreement_time(agreement: AgreementRecord, enders: tuple[URIRef, ...]) -> ValidTime:
    start, inferred, basis, source = _agreement_start(agreement)
    return ValidTime(
        node=agreement.iri,
        agreement=agreement.iri,
        binding=binding(agreement),
        start=start,
        start_inferred=inferred,
        start_basis=basis,
        start_source=source,
        end=agreement.expires,
        end_basis=DK.expiresOn if agreement.expires else None,
        ended_by=enders,
        reported=agreement.published,
    )


def _agreement_start(
    agreement: AgreementRecord,
) -> tuple[DateRecord | None, bool, URIRef | None, URIRef | None]:
    """(start, inferred, basis, source document): stated, else the announcing article's."""
    first = agreement.published[0][0] if agreement.published else _first(agreement.docs)
    for name, prop in _AGREEMENT_STARTS:
        date = agreement.date_of(name)
        if date is not None:
            return date, False, prop, first
    if agreement.reported_new and not agreement.background and agreement.published:
        document, published = agreement.published[0]
        return published, True, DCTERMS.issued, document
    return None, False, None, None


def _clause_time(
    clause: ClauseRecord,
    agreement: AgreementRecord,
    own: ValidTime,
    enders: tuple[URIRef, ...],
) -> ValidTime:
    reported = tuple((doc, date) for doc, date in agreement.published if doc in clause.docs) or (
        agreement.published if not clause.docs else ()
    )
    start: DateRecord | None = own.start
    basis: URIRef | None = own.start_basis
    inferred, source = own.start_inferred, own.start_source
    if clause.valid_from is not None:
        start, inferred, basis = clause.valid_from, False, DK.validFrom
        source = reported[0][0] if reported else own.start_source
    ends = [(clause.valid_until, DK.validUntil)]
    if clause.type == DKCT.ExpirationDate and clause.years and start is not None:
        ends.append((_after_years(start, clause.years), DK.durationYears))
    ends.append((agreement.expires, DK.expiresOn))
    dated = [(d, b) for d, b in ends if d is not None]
    end, end_basis = min(dated, key=lambda e: e[0].iso) if dated else (None, None)
    return ValidTime(
        node=clause.iri,
        agreement=agreement.iri,
        binding=own.binding and not clause.negated,
        start=start,
        start_inferred=inferred,
        start_basis=basis,
        start_source=source,
        end=end,
        end_basis=end_basis,
        ended_by=enders,
        reported=reported,
    )


def _after_years(start: DateRecord, years: float) -> DateRecord:
    """The last day of a term of *years* from *start* ("a 10-year term")."""
    day = dt.date.fromisoformat(start.iso)
    months = day.month - 1 + round(years * 12)
    year, month = day.year + months // 12, months % 12 + 1
    try:
        end = dt.date(year, month, day.day)
    except ValueError:  # 29 February in a year that has none
        end = dt.date(year, month, 28) + dt.timedelta(days=1)
    return DateRecord((end - dt.timedelta(days=1)).isoformat(), start.precision)


def _first(docs: Iterable[URIRef]) -> URIRef | None:
    ordered = sorted(docs)
    return ordered[0] if ordered else None


# --- materialising ---------------------------------------------------------------------------


def valid_time_triples(times: Mapping[URIRef, ValidTime]) -> Iterator[tuple[URIRef, URIRef, Node]]:
    """The triples of *times* (see ``ontology/dealkg.ttl``), in a stable order."""
    for node in sorted(times):
        time = times[node]
        yield node, DK.isBinding, Literal(time.binding)
        if time.start is not None:
            yield node, DK.startsOn, _date(time.start)
            yield node, DK.startsOnPrecision, PRECISIONS[time.start.precision]
            yield node, DK.startInferred, Literal(time.start_inferred)
            if time.start_basis is not None:
                yield node, DK.startBasis, time.start_basis
            if time.start_source is not None:
                yield node, DK.startSource, time.start_source
        if time.end is not None:
            yield node, DK.endsOn, _date(time.end)
            yield node, DK.endsOnPrecision, PRECISIONS[time.end.precision]
            if time.end_basis is not None:
                yield node, DK.endBasis, time.end_basis
        for ender in time.ended_by:
            yield node, DK.endedBy, ender
        for date in sorted({d.iso for _, d in time.reported}):
            yield node, DK.reportedOn, Literal(date, datatype=XSD.date)


def _date(date: DateRecord) -> Literal:
    return Literal(date.iso, datatype=XSD.date)
