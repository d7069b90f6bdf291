"""Building one :class:`~kg.models.Agreement` from a draft: type, form, roles, status,
dates, amounts and clauses."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from spacy.tokens import Span as SpacySpan

from kg.extract.amounts import (
    AmountMatch,
    SizeWords,
    amount_kind,
    find_unquantified,
)
from kg.extract.dates import DateMatch
from kg.extract.deals.clauses import fits_agreement, same_clause, sentence_clauses, with_obligors
from kg.extract.deals.dating import agreement_date, deal_dates
from kg.extract.deals.frames import Frame
from kg.extract.deals.grouping import Draft
from kg.extract.deals.kinds import (
    EACH_PARTY_ROLE,
    ROLE_NAMES,
    TYPE_PRIORITY,
    agreement_name,
    agreement_status,
)
from kg.extract.deals.lexicon import lexicon
from kg.extract.deals.matching import MatchIndex, evidence_span, in_region
from kg.extract.deals.money import (
    amount_record,
    deal_amount,
    describes_something_else,
    elsewhere_in_the_parse,
    unquantified,
)
from kg.extract.deals.parties import OrgLookup, party_mentions
from kg.extract.nlp import doc_text, span_text
from kg.extract.tense import deal_report
from kg.models import Agreement, Amount, Clause, Document, Span
from kg.rdf.iris import slugify


def _agreement_type(draft: Draft) -> tuple[tuple[str, ...], str | None]:
    totals: Counter[str] = Counter()
    for frame in draft.frames:
        totals.update(frame.types)
    types = tuple(kind for kind in TYPE_PRIORITY if totals[kind])
    if (
        types
        and types[0] == "supply"
        and "partnership" not in types
        and any(
            lexicon().regex("compute_words").search(span_text(f.sentence)) for f in draft.frames
        )
    ):
        # a supply deal for cloud services or compute capacity is a cloud commitment
        # (one described as a partnership stays a partnership)
        types = ("cloud_commitment", *types)
    form = None
    # A definitive agreement that restructures an earlier deal is still definitive: it
    # supersedes rather than amends (the lineage step links it to what it replaces).
    if any(f.mou for f in draft.frames):
        form = "mou"
    elif any(f.definitive for f in draft.frames):
        form = "definitive"
    elif any(f.amendment for f in draft.frames):
        form = "amendment"
    return (types or ("other",)), form


def _roles(draft: Draft, lookup: OrgLookup, types: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Roles from word order around the first trigger of each kind (passives reversed)."""
    primary = types[0] if types else "other"
    if primary in EACH_PARTY_ROLE:
        return tuple((EACH_PARTY_ROLE[primary], p) for p in draft.parties)
    if primary not in ROLE_NAMES:
        return ()
    for frame in draft.frames:
        if primary not in frame.types:
            continue
        # only its own parties around the word: "A bought B and C" is two deals, each
        # with its own target
        mentions = [m for m in party_mentions(lookup, frame.sentence) if m[2] in frame.parties]
        trigger = _first_trigger_char(frame.sentence, primary)
        before = [m for m in mentions if m[1] <= trigger]
        after = [m for m in mentions if m[0] >= trigger]
        if before and after and before[-1][2] != after[0][2]:
            return _ordered_roles(frame, primary, before[-1], after[0])
    return ()


def _ordered_roles(
    frame: Frame, kind: str, before: tuple[int, int, str], after: tuple[int, int, str]
) -> tuple[tuple[str, str], ...]:
    """The two roles of *kind* for the parties named *before* and *after* its word, in
    the active order unless the words between say otherwise ("by", "from")."""
    first, second = before[2], after[2]
    text_between = doc_text(frame.sentence.doc)[before[1] : after[0]].lower()
    if re.search(r"\b(by|from)\s*$", text_between) or " by " in text_between[-6:]:
        first, second = second, first
    if kind == "license" and "from" in text_between.split()[-2:]:
        first, second = second, first
    a, b = ROLE_NAMES[kind]
    return ((a, first), (b, second))


def _first_trigger_char(sentence: SpacySpan, kind: str) -> int:
    """Where the sentence's first word for a deal of *kind* starts (its start if none); a
    type without a cue regex of its own is found by its name ("lease")."""
    words = lexicon().regexes.get(f"trigger_{kind}") or re.compile(
        rf"\b{re.escape(kind.replace('_', ' '))}", re.I
    )
    match = words.search(span_text(sentence))
    return sentence.start_char + (match.start() if match else 0)


def build_agreement(
    index: int,
    draft: Draft,
    document: Document,
    lookup: OrgLookup,
    clause_index: MatchIndex,
    dates_of: Callable[[SpacySpan], list[DateMatch]],
    amounts_of: Callable[[SpacySpan], list[AmountMatch]],
) -> Agreement:
    types, form = _agreement_type(draft)
    frame_text = " ".join(span_text(f.sentence) for f in draft.frames)
    amounts: list[Amount] = []
    clauses: list[Clause] = []
    frame_starts = {f.sentence.start for f in draft.frames}
    sizes: list[tuple[SizeWords, Span]] = []
    regions = {f.sentence.start: f.region for f in draft.frames if f.region is not None}
    for sentence in draft.sentences:
        region = regions.get(sentence.start)
        found = [a for a in amounts_of(sentence) if in_region(region, a.start)]
        evidence = evidence_span(document, sentence.start_char, sentence.end_char)
        triggers = frozenset(
            i for f in draft.frames if f.sentence.start == sentence.start for i in f.triggers
        )
        acquisition = bool(types) and types[0] == "acquisition"
        investment = "investment" in types
        for match in found:
            if describes_something_else(match, doc_text(sentence.doc), price=acquisition):
                continue
            if elsewhere_in_the_parse(match, sentence, investment, triggers):
                continue
            kind = amount_kind(span_text(sentence), match, base=sentence.start_char)
            if sentence.start not in frame_starts and not deal_amount(kind, match, sentence, found):
                continue  # a figure near the deal (revenue, valuation, funds raised) is not its amount
            # the same figure restated later is one amount; two in one sentence ("$12
            # million upfront and another $12 million on approval") are two
            if not any(
                a.value == match.value
                and a.currency == match.currency
                and a.span is not None
                and not evidence.start <= a.span.start < evidence.end
                for a in amounts
            ):
                amounts.append(amount_record(match, evidence, kind))
        if sentence.start in frame_starts:
            sizes.extend(
                (size, evidence)
                for size in find_unquantified(span_text(sentence), sentence.start_char)
            )
        labelled = [
            m for m in clause_index.of(sentence) if in_region(region, sentence.doc[m[1]].idx)
        ]
        orgs_here = party_mentions(lookup, sentence)
        for clause in sentence_clauses(
            sentence,
            labelled,
            document,
            found,
            dates_of(sentence),
            sentence.start in frame_starts,
            orgs_here,
            draft.parties,
        ):
            # a clause restated in a later sentence is the same clause; two in one
            # sentence ("A and B each hold 30%") are two
            same = [
                i
                for i, c in enumerate(clauses)
                if same_clause(clause, c) and c.evidence.start != clause.evidence.start
            ]
            if not same:
                clauses.append(clause)
            elif clause.amount is not None and clauses[same[0]].amount is None:
                clauses[same[0]] = clause  # "the $300 million investment" says more
            elif clause.until is not None and clauses[same[0]].until is None:
                clauses[same[0]] = clause  # "the licence … was extended until 2031" too
    amounts.extend(unquantified(sizes, amounts, doc_text(draft.frames[0].sentence.doc)))
    clauses = [c for c in clauses if fits_agreement(c, types, frame_starts, draft)]
    roles = _roles(draft, lookup, types)
    clauses = [with_obligors(c, roles) for c in clauses]
    key = f"{document.id.removeprefix('doc-')}-{index + 1}"
    parties = tuple(draft.parties)
    roles = tuple((role, org) for role, org in roles if org in parties)
    report = deal_report(draft.frames[0].sentence)
    return Agreement(
        key=slugify(key),
        types=types,
        parties=parties,
        evidence=tuple(
            evidence_span(document, f.sentence.start_char, f.sentence.end_char)
            for f in draft.frames
        ),
        form=form,
        roles=roles,
        status=agreement_status(frame_text, form),
        dates=tuple(
            agreement_date(
                [list(f.dated) for f in draft.frames],
                [deal_dates(c, dates_of, document.published) for c in draft.context],
                document,
            )
        ),
        amounts=tuple(amounts),
        clauses=tuple(clauses),
        background=False,
        name=agreement_name(types, form, parties),
        reported_new=report.new,
        tense=report.tense,
    )
