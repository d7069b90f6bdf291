"""An agreement's own date: the date its signing or announcing verb carries.

Every point date of a deal sentence gets a role from the verb it belongs to in the parse:
``signed`` ("signed on March 3"), ``announced`` ("the companies said on Monday"),
``completed`` ("completed the purchase on Tuesday"), or none of these (a date of the deal
noun, "the May 2019 agreement"). A date that belongs to a launch, a delivery, a production
start or any other event ("the first episodes arrive in March 2031", "deliveries will start
in 2021") is no date of the deal, nor is a date after the article's own. The agreement
takes the best of its dates: a signing first, then the first announcing or other date of
the deal, a completion only when the text gives no other, else the dateline of a wire
story.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.extract.dates import DateMatch, find_dates
from kg.extract.deals.lexicon import lexicon
from kg.extract.nlp import doc_text, span_text
from kg.models import DateValue, Document

# How far up the parse a date looks for the verb it belongs to.
_HOPS = 5
_RANK = {"signed": 0, "announced": 1, "of_deal": 1, "stated": 1, "completed": 2}


@dataclass(frozen=True)
class DealDate:
    """A date of a deal sentence and what it dates: "signed", "announced", "completed",
    "of_deal" (a word for the deal carries it) or "stated" (by no verb of those)."""

    match: DateMatch
    role: str

    @property
    def rank(self) -> int:
        return _RANK[self.role]


def time_anaphor(sentence: SpacySpan) -> bool:
    """ "At the time, the company raised …": a sentence whose time is the one just told."""
    return lexicon().regex("time_anaphor").match(span_text(sentence)) is not None


def sums_up_deals(sentence: SpacySpan) -> bool:
    """ "… follows similar moves in the market this year", "a string of takeovers last
    year": a plural word for deals, the sentence that may date the deals listed next."""
    series = lexicon().word("series_nouns")
    return any(t.tag_ == "NNS" and t.lemma_.lower() in series for t in sentence)


def deal_dates(
    sentence: SpacySpan,
    dates_of: Callable[[SpacySpan], list[DateMatch]],
    published: str | None = None,
) -> list[DealDate]:
    """The dates of *sentence* that may date its deal, with their roles: points in time,
    not publication stamps, not after *published*, not another event's."""
    text = doc_text(sentence.doc)
    stamp = lexicon().regex("not_deal_date")
    found: list[DealDate] = []
    for date in dates_of(sentence):
        if date.kind != "point" or stamp.search(text[max(0, date.start - 24) : date.start]):
            continue
        if published and date.iso[:4] > published[:4]:
            continue  # "will pre-pay in 2022 and 2023": a later year is a term, not the deal's
        role = _role(sentence, date)
        if role is not None:
            found.append(DealDate(date, role))
    return found


def _role(sentence: SpacySpan, date: DateMatch) -> str | None:
    span = sentence.doc.char_span(date.start, date.end, alignment_mode="expand")
    if span is None or not len(span):
        return "stated"
    words = lexicon()
    token: Token = span.root
    for _ in range(_HOPS):
        if token.head == token:
            break
        token = token.head
        if token.pos_ == "NOUN" and token.lemma_.lower() in words.word("dated_nouns"):
            return "of_deal"  # "Halvard's investment in late 2021", "the May 2019 agreement"
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        lemma = token.lemma_.lower()
        if lemma in words.word("other_event_verbs"):
            return None  # "the first episodes arrive in March 2031"
        if lemma in words.word("signing_verbs"):
            return "signed"
        if lemma in words.word("announcing_verbs") or lemma in words.word("reporting_verbs"):
            return "announced"
        if lemma in words.word("completing_verbs"):
            return "completed"
        return "stated"
    return "stated"


def agreement_date(
    frames: Sequence[Sequence[DealDate]],
    context: Sequence[Sequence[DealDate]],
    document: Document,
) -> list[DateValue]:
    """The agreement's own date from the dates of its deal sentences (*frames*, in order)
    and of the sentences about it (*context*): the best ranked, first stated; from context
    only a signing, an announcing or a date of a word for the deal; else the dateline of a wire story. Never the
    publication date."""
    stated = [d for dates in frames for d in dates]
    stated += [
        d for dates in context for d in dates if d.role in {"signed", "announced", "of_deal"}
    ]
    if stated:
        best = min(stated, key=lambda d: d.rank)  # min keeps the first of equal rank
        role = "signed" if best.role == "signed" else "announced"
        return [DateValue(best.match.iso, best.match.precision, role=role)]
    return _dateline_date(document)


def _dateline_date(document: Document) -> list[DateValue]:
    match = lexicon().regex("dateline").match(document.text[:120])
    if match is None or not document.published:
        return []
    found = find_dates(match.group(1), document.published)
    return [DateValue(found[0].iso, found[0].precision)] if found else []


def mention_date(
    sentence: SpacySpan, start: int, end: int, dates: list[DateMatch]
) -> DateMatch | None:
    """The date an earlier deal named in passing carries ("their earlier contract, agreed in
    May 2004, foresaw deliveries in 2007" is May 2004): the first point date that belongs to
    the mention's words (tokens *start*–*end*) or to a verb describing them."""
    doc = sentence.doc
    for date in dates:
        if date.kind != "point":
            continue
        span = doc.char_span(date.start, date.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        token: Token = span.root
        for _ in range(_HOPS):
            if start <= token.i < end:
                return date
            if token.pos_ in {"VERB", "AUX"} and token.dep_ in {"acl", "relcl"}:
                if start <= token.head.i < end:
                    return date  # "the original licence, signed in March 2018"
                break
            if token.pos_ in {"VERB", "AUX"}:
                signing = lexicon().word("signing_verbs") | lexicon().word("announcing_verbs")
                subjects = [c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
                if token.lemma_.lower() in signing and any(start <= c.i < end for c in subjects):
                    return date  # "the previous agreement was signed in 2006"
                break
            if token.head == token:
                break
            token = token.head
    return None
