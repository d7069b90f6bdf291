"""The sentence-by-sentence pass that turns a parsed document into agreements."""

from __future__ import annotations

from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.amounts import (
    AmountMatch,
    find_amounts,
)
from kg.extract.dates import DateMatch, find_dates
from kg.extract.deals.background import (
    Background,
    about_an_earlier_deal,
    background_agreements,
    background_mentions,
)
from kg.extract.deals.build import build_agreement
from kg.extract.deals.dating import AT_THE_TIME, SIGNING, deal_dates
from kg.extract.deals.frames import (
    SEPARATE_DEAL,
    Frame,
    frame_types,
    has_generic,
    only_definite,
    only_transaction_words,
    point_years,
)
from kg.extract.deals.grouping import group_frames, upgrade_forms
from kg.extract.deals.kinds import STRONG_TYPES
from kg.extract.deals.matching import MatchIndex, matchers_for
from kg.extract.deals.parties import (
    THE_PARTIES,
    OrgLookup,
    antecedent_of,
    described_ranges,
    distinct_orgs,
    party_groups,
    party_mentions,
)
from kg.models import Agreement, Document


def extract_agreements(
    doc: Doc, document: Document, lookup: OrgLookup, nlp: Language
) -> tuple[Agreement, ...]:
    """All agreements stated in *document* (parsed as *doc*), with clauses and evidence."""
    matchers = matchers_for(id(nlp.vocab), nlp)
    frames: list[Frame] = []
    context: dict[int, list[SpacySpan]] = {}
    background: list[Background] = []
    date_cache: dict[int, list[DateMatch]] = {}

    def dates_of(sentence: SpacySpan) -> list[DateMatch]:
        if sentence.start not in date_cache:
            found = find_dates(sentence.text, document.published, base=sentence.start_char)
            if not found and AT_THE_TIME.match(sentence.text) and sentence.start > 0:
                # "At the time, the company raised …": the time the sentence before states
                found = dates_of(doc[sentence.start - 1].sent)
            date_cache[sentence.start] = found
        return date_cache[sentence.start]

    amount_cache: dict[int, list[AmountMatch]] = {}

    def amounts_of(sentence: SpacySpan) -> list[AmountMatch]:
        if sentence.start not in amount_cache:
            # a unit price ("$1.50 per share") is never a deal's amount nor a clause's
            found = find_amounts(sentence.text, base=sentence.start_char)
            amount_cache[sentence.start] = [m for m in found if not m.per_share]
        return amount_cache[sentence.start]

    sentences = list(doc.sents)
    starts = [s.start for s in sentences]
    deals = MatchIndex(matchers.deals, doc, starts)
    clause_index = MatchIndex(matchers.clauses, doc, starts)
    background_index = MatchIndex(matchers.background, doc, starts)
    for sentence in sentences:
        parties = distinct_orgs(lookup, sentence)
        described = described_ranges(sentence)
        # "the research firm backed by Borealis": no deal word in a description states a deal
        matches = [
            m for m in deals.of(sentence) if not any(a <= doc[m[1]].idx < b for a, b in described)
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
        years = set() if past else point_years(deal_dates(sentence, dates_of))
        if document.published:
            # "will pre-pay in 2022 and 2023": later years are terms, not when a deal was made
            years = {year for year in years if year <= document.published[:4]}
        antecedent: list[str] = []
        if len(parties) == 1 and has_trigger:
            # "Borealis had offered to buy the company": the company named just before
            antecedent = antecedent_of(sentence, lookup, parties[0])
            parties = parties + antecedent
        elif (
            not parties
            and (mou or set(types) & STRONG_TYPES)
            and frames
            and THE_PARTIES.match(sentence.text)
        ):
            # "The two companies also signed a memorandum …": the parties just named
            antecedent = list(frames[-1].parties)
            parties = antecedent
        if len(parties) >= 2 and has_trigger:
            separate = bool(SEPARATE_DEAL.search(sentence.text))
            anaphoric = (
                not (mou or amendment)
                and (not types or only_transaction_words(sentence, matches))
                and only_definite(sentence, matches)
            )
            groups = (
                [(parties, None, None)] if antecedent else party_groups(sentence, lookup, matches)
            )
            for group, own, region in groups:
                frames.append(
                    Frame(
                        sentence,
                        group,
                        Counter({own: 1}) if own else types,
                        mou,
                        amendment,
                        definitive,
                        years,
                        separate,
                        anaphoric,
                        region,
                    )
                )
        elif not about_an_earlier_deal(sentence, past) and (
            clause_index.of(sentence)
            or amounts_of(sentence)
            or (matches and SIGNING.search(sentence.text) and deal_dates(sentence, dates_of))
        ):
            # terms, figures, or when "we entered into the agreement" of a deal named nearby
            context.setdefault(sentence.start, []).append(sentence)

    drafts = group_frames(frames, context)
    upgrade_forms(drafts, deals)
    main = [
        build_agreement(index, draft, document, lookup, clause_index, dates_of, amounts_of)
        for index, draft in enumerate(drafts)
    ]
    extra = background_agreements(background, drafts, document, len(main))
    return tuple(main + extra)
