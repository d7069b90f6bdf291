"""An agreement's own date: the dates in its sentences that may date a deal, and the
dateline of a wire story."""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Span as SpacySpan

from kg.extract.dates import DateMatch, find_dates
from kg.extract.deals.grouping import Draft
from kg.extract.nlp import doc_text
from kg.models import DateValue, Document

AT_THE_TIME = re.compile(r"^\W*(?:at\s+(?:the|that)\s+time|back\s+then|then)\b", re.I)


_NOT_DEAL_DATE = re.compile(r"\b(by|posted|published|updated|copyright|©)\W*$", re.I)


SIGNING = re.compile(r"\b(signed|entered into|agreed|inked|struck|announced|finali[sz]ed)\b", re.I)


# A dateline opening a wire story: "May 17 (Reuters) -", "PARIS, June 3 (AP) —".
_DATELINE = re.compile(
    r"^\W*(?:[A-Z][A-Za-z .]+,\s*)?([A-Z][a-z]{2,8}\.? \d{1,2})\s*\([A-Za-z ]+\)\s*[-–—]"
)


# "targets for years 2022, 2023 and 2024", "through 2030": years a term covers
_TERM_YEARS = re.compile(
    r"\b(?:for|through|until|till|to)\s+(?:the\s+)?(?:(?:fiscal|calendar)\s+)?(?:years?\s+)"
    r"(?:\d{4}\s*(?:,|and|-|–|to)?\s*)*$|\b(?:through|until|till)\s+$",
    re.I,
)


def deal_dates(
    sentence: SpacySpan, dates_of: Callable[[SpacySpan], list[DateMatch]]
) -> list[DateMatch]:
    """The dates in *sentence* that may date a deal: points in time, not publication
    stamps, not the years a term covers."""
    text = doc_text(sentence.doc)
    return [
        d
        for d in dates_of(sentence)
        if d.kind == "point"
        and not _NOT_DEAL_DATE.search(text[max(0, d.start - 24) : d.start])
        and not _TERM_YEARS.search(text[max(0, d.start - 40) : d.start])
    ]


def agreement_date(
    draft: Draft, dates_of: Callable[[SpacySpan], list[DateMatch]], document: Document
) -> list[DateValue]:
    """The agreement's own date: the first date stated in a sentence naming the deal, else
    in a sentence about it that says it was signed or entered into, else the dateline of a
    wire story announcing it. Never the publication date."""
    for frame in draft.frames:
        for date in deal_dates(frame.sentence, dates_of):
            role = "signed" if re.search(r"\bsigned\b", frame.sentence.text, re.I) else "announced"
            return [DateValue(date.iso, date.precision, role=role)]
    for sentence in draft.context:
        if SIGNING.search(sentence.text):
            for date in deal_dates(sentence, dates_of):
                return [DateValue(date.iso, date.precision, role="signed")]
    return _dateline_date(document)


def _dateline_date(document: Document) -> list[DateValue]:
    match = _DATELINE.match(document.text[:120])
    if match is None or not document.published:
        return []
    found = find_dates(match.group(1), document.published)
    return [DateValue(found[0].iso, found[0].precision)] if found else []
