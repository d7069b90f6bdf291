"""The sentence-by-sentence pass that turns a parsed document into agreements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.amounts import (
    AmountMatch,
    find_amounts,
)
from kg.extract.dates import DateMatch, find_dates
from kg.extract.deals.anaphora import Antecedents
from kg.extract.deals.arguments import ArgumentReader, DealGroup, deal_groups, token_mentions
from kg.extract.deals.background import (
    Background,
    about_an_earlier_deal,
    background_agreements,
    background_mentions,
)
from kg.extract.deals.build import build_agreement
from kg.extract.deals.dating import DealDate, deal_dates, sums_up_deals, time_anaphor
from kg.extract.deals.frames import (
    Frame,
    continues_a_deal,
    definite_kinds,
    frame_types,
    has_generic,
    only_definite,
    only_transaction_words,
    role_noun,
    separate_deal,
    states_a_view,
)
from kg.extract.deals.grouping import frame_kind_of, group_frames, upgrade_forms
from kg.extract.deals.kinds import STRONG_TYPES
from kg.extract.deals.matching import MatchIndex, rule_matches
from kg.extract.deals.parties import (
    OrgLookup,
    acting_separately,
    described_ranges,
    distinct_orgs,
    party_mentions,
)
from kg.extract.deals.terms import sentence_terms
from kg.extract.nlp import doc_text, span_text
from kg.models import Agreement, Document


def extract_agreements(
    doc: Doc, document: Document, lookup: OrgLookup, nlp: Language
) -> tuple[Agreement, ...]:
    """All agreements stated in *document* (parsed as *doc*), with clauses and evidence."""
    frames: list[Frame] = []
    context: dict[int, list[SpacySpan]] = {}
    background: list[Background] = []
    date_cache: dict[int, list[DateMatch]] = {}

    def dates_of(sentence: SpacySpan) -> list[DateMatch]:
        if sentence.start not in date_cache:
            found = find_dates(span_text(sentence), document.published, base=sentence.start_char)
            if not found and sentence.start > 0:
                before = doc[sentence.start - 1].sent
                # "At the time, the company raised …": the time the sentence before states;
                # "… similar moves this year. A bought B and C bought D": the deals it sums up
                if time_anaphor(sentence) or (sums_up_deals(before) and deals.of(sentence)):
                    found = dates_of(before)
            date_cache[sentence.start] = found
        return date_cache[sentence.start]

    amount_cache: dict[int, list[AmountMatch]] = {}

    def amounts_of(sentence: SpacySpan) -> list[AmountMatch]:
        if sentence.start not in amount_cache:
            # a unit price ("$1.50 per share") is never a deal's amount nor a clause's
            found = find_amounts(span_text(sentence), base=sentence.start_char)
            amount_cache[sentence.start] = [m for m in found if not m.per_share]
        return amount_cache[sentence.start]

    sentences = list(doc.sents)
    starts = [s.start for s in sentences]
    indexes = rule_matches(doc, nlp, starts)
    deals, clause_index, background_index = indexes.deals, indexes.clauses, indexes.background

    def recent_parties(offset: int) -> list[str]:
        earlier = [f for f in frames if f.sentence.start_char < offset]
        return list(earlier[-1].parties) if earlier else []

    every = [
        m
        for m in lookup.orgs_between(0, len(doc_text(doc)))
        if m[2] not in lookup.sources and not any(a <= m[0] < b for a, b in lookup.attributions)
    ]
    antecedents = Antecedents(doc, every, recent_parties)
    for sentence in sentences:
        parties = distinct_orgs(lookup, sentence)
        described = described_ranges(sentence)
        # "the research firm backed by Borealis": no deal word in a description states a deal
        # cues of a deal or of its terms: a clause "agreed that …" holding one names a deal
        cues = [*deals.of(sentence), *clause_index.of(sentence)]
        matches = [
            m
            for m in deals.of(sentence)
            if not any(a <= doc[m[1]].idx < b for a, b in described)
            and not states_a_view(doc[m[1] : m[2]].root, cues)
        ]
        mentions = background_index.of(sentence)
        named = party_mentions(lookup, sentence)
        if parties or len(named) < 2:  # not a sentence listing examples of partners
            background.extend(
                background_mentions(sentence, parties, mentions, matches, dates_of(sentence))
            )
        past = [m for m in mentions if m[0] == "past"]
        if past:
            # The sentence is about an earlier agreement; its deal words and dates must
            # not be read as the main deal's, unless it also names a new kind of deal.
            matches = [m for m in matches if not any(p[1] <= m[1] < p[2] for p in past)]
        types, mou, amendment, definitive = frame_types(sentence, matches)
        if past:
            # only a new deal of a distinct kind, or an extension or amendment of the earlier
            # one ("a three-year extension of their earlier alliance"), is a deal too
            has_trigger = bool(mou or amendment or set(types) & STRONG_TYPES)
        else:
            has_trigger = bool(types or mou or amendment or has_generic(matches))
        # the dates of its signing or announcing: another such date is another deal (a
        # completion date may be the same deal's)
        dated = [] if past else deal_dates(sentence, dates_of, document.published)
        points = {d.match.iso for d in dated if d.role != "completed"}
        years = {d[:4] for d in points}
        groups = []
        if has_trigger:
            reader = ArgumentReader(sentence, token_mentions(sentence, named), antecedents)
            separately = acting_separately(sentence)
            groups = deal_groups(reader, matches, separately)
        if groups:
            separate = separate_deal(sentence)
            own_dates = _dates_of_groups(groups, dated, sentence.start_char)
            fallback = (types, mou, amendment, definitive) if len(groups) == 1 else None
            for group in groups:
                frames.append(
                    _group_frame(sentence, group, matches, fallback, years, separate, own_dates)
                )
        elif not about_an_earlier_deal(sentence, past) and _states_terms(
            sentence, matches, clause_index, amounts_of, dates_of, document.published
        ):
            # terms, figures, or when "we entered into the agreement" of a deal named nearby
            context.setdefault(sentence.start, []).append(sentence)

    def named_in(sentence: SpacySpan) -> set[str]:
        return {key for _, _, key in party_mentions(lookup, sentence)}

    drafts = group_frames(frames, context, named_in)
    upgrade_forms(drafts, deals)
    main = [
        build_agreement(index, draft, document, lookup, clause_index, dates_of, amounts_of)
        for index, draft in enumerate(drafts)
    ]
    extra = background_agreements(background, drafts, document, len(main))
    return tuple(main + extra)


def _group_frame(
    sentence: SpacySpan,
    group: DealGroup,
    matches: list[tuple[str, int, int]],
    fallback: tuple[Counter[str], bool, bool, bool] | None,
    years: set[str],
    separate: bool,
    own_dates: dict[int, list[DealDate]],
) -> Frame:
    """The frame of one deal *group* of *sentence*: its kinds from its own deal words
    (*fallback*, the sentence's, when the sentence states one deal whose words name none)."""
    doc = sentence.doc
    own = [m for m in matches if doc[m[1] : m[2]].root in group.triggers]
    # the kinds its words for the deal name; a word for a party's role ("as its
    # preferred supplier") names one only when it names both sides
    cores = [m for m in own if doc[m[1] : m[2]].root in group.cores]
    kinds, mou_here, amendment_here, definitive_here = frame_types(sentence, own)
    naming = [m for m in own if m in cores or not role_noun(doc[m[1] : m[2]].root)]
    if frame_types(sentence, naming)[0]:
        kinds = frame_types(sentence, naming)[0]
    if not (kinds or mou_here or amendment_here) and fallback is not None:
        kinds, mou_here, amendment_here, definitive_here = fallback
    anaphoric = (
        not (mou_here or amendment_here)
        and (not kinds or only_transaction_words(sentence, own))
        and only_definite(sentence, own)
    )
    naming_kinds = frame_types(
        sentence, [m for m in cores or own if not role_noun(doc[m[1] : m[2]].root)]
    )[0]
    return Frame(
        sentence,
        group.parties,
        kinds,
        mou_here,
        amendment_here,
        definitive_here,
        years,
        separate,
        anaphoric,
        group.region,
        {d.match.iso for d in own_dates[id(group)] if d.role != "completed"},
        definite_kinds(sentence, own),
        frame_kind_of(naming_kinds),
        continues_a_deal(sentence, own),
        tuple(t.i for t in group.triggers),
        tuple(own_dates[id(group)]),
    )


def _states_terms(
    sentence: SpacySpan,
    matches: list[tuple[str, int, int]],
    clause_index: MatchIndex,
    amounts_of: Callable[[SpacySpan], list[AmountMatch]],
    dates_of: Callable[[SpacySpan], list[DateMatch]],
    published: str | None,
) -> bool:
    """Whether a sentence with no deal of its own states terms, figures, or when "we
    entered into the agreement" of a deal named nearby (a context sentence)."""
    return bool(
        clause_index.of(sentence)
        or amounts_of(sentence)
        or any(sentence_terms(sentence, dates_of(sentence)))
        or (
            matches
            and any(
                d.role in {"signed", "announced"} for d in deal_dates(sentence, dates_of, published)
            )
        )
    )


def _dates_of_groups(
    groups: list[DealGroup], dated: list[DealDate], sentence_start: int
) -> dict[int, list[DealDate]]:
    """Each deal's dates: those in its part of the sentence, else those of a deal of the
    sentence with the same first party ("A in June agreed to sell X to B and completed the
    sale of Y to C": both in June); a time the sentence takes from the one before is every
    deal's."""
    own = {
        id(g): [
            d
            for d in dated
            if g.region is None
            or g.region[0] <= d.match.start < g.region[1]
            or d.match.start < sentence_start
        ]
        for g in groups
    }
    for group in groups:
        if not own[id(group)]:
            sharing = [
                g
                for g in groups
                if g is not group and own[id(g)] and g.parties[0] == group.parties[0]
            ]
            if sharing:
                own[id(group)] = list(own[id(sharing[0])])
    return own
