"""The amounts of a deal: which figures in its sentences are the deal's and which describe
something else (a company's size, a valuation, a loan, a unit price)."""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan

from kg.extract.amounts import (
    UNQUANTIFIED,
    AmountMatch,
    SizeWords,
    amount_kind,
)
from kg.extract.deals.kinds import DEAL_AMOUNT_KINDS
from kg.extract.nlp import doc_text
from kg.models import Amount, Span


def pick_amount(
    amounts: list[AmountMatch], kind: str, sentence: str, base: int, cue: int | None = None
) -> AmountMatch | None:
    """The amount a clause cue states: the nearest one of its kind, else the nearest one
    (the only one, without *cue*); never a figure that describes something else (a
    valuation, a company's size, a loan).

    :param cue: the cue's character offset (absolute, like the amounts').
    """
    text = " " * base + sentence
    usable = [m for m in amounts if not describes_something_else(m, text)]
    # "€385 million (around $415 million)": the figure stated, not its conversion
    usable = [m for m in usable if not _converted(m, usable, text)] or usable
    if cue is None:
        of_kind = [m for m in usable if amount_kind(sentence, m, base=base) == kind]
        return of_kind[0] if of_kind else (usable[0] if len(usable) == 1 else None)
    by_distance = sorted(usable, key=lambda m: min(abs(m.start - cue), abs(m.end - cue)))
    of_kind = [m for m in by_distance if amount_kind(sentence, m, base=base) == kind]
    near = [m for m in by_distance if min(abs(m.start - cue), abs(m.end - cue)) <= _NEAR_CHARS]
    chosen = of_kind or near
    return chosen[0] if chosen else None


def _converted(match: AmountMatch, others: list[AmountMatch], text: str) -> bool:
    """Whether *match* is a conversion in brackets right after another amount."""
    before = text[max(0, match.start - 12) : match.start]
    if "(" not in before:
        return False
    opening = match.start - len(before) + before.rindex("(")
    return any(0 <= opening - o.end <= 2 for o in others if o is not match)


# How far (characters) a clause cue reaches for its amount when no amount has its kind.
_NEAR_CHARS = 60


def amount_record(match: AmountMatch, evidence: Span, kind: str) -> Amount:
    span = Span(evidence.doc_id, match.start, match.end, match.text)
    return Amount(
        value=match.value,
        currency=match.currency,
        text=match.text,
        qualifier=match.qualifier,
        kind=kind,
        span=span,
    )


def unquantified(
    sizes: list[tuple[SizeWords, Span]], amounts: list[Amount], text: str
) -> list[Amount]:
    """Sizes in words from the deal's own sentences, one per currency the figures lack:
    "a multibillion-dollar investment" says something only when no dollar figure does."""
    kept: list[Amount] = []
    for size, evidence in sizes:
        if any(a.currency == size.currency for a in amounts + kept):
            continue
        sentence = text[evidence.start : evidence.end]
        kept.append(
            Amount(
                value=None,
                currency=size.currency,
                text=size.text,
                qualifier=UNQUANTIFIED,
                kind=amount_kind(sentence, size, base=evidence.start),
                span=Span(evidence.doc_id, size.start, size.end, size.text),
            )
        )
    return kept


_PAYMENT = re.compile(r"\b(pay|pays|paid|paying|payment|payments|fee|fees|consideration)\b", re.I)


_PREVIOUSLY = re.compile(
    r"\b(previously|had raised|had invested|had received|prior to|last year|a year ago)\b",
    re.I,
)


_ABOUT_THE_DEAL = re.compile(
    r"\b(the|this) (deal|transaction|agreement|acquisition|merger|contract|partnership|lease|"
    r"concession|licen[cs]e|pact)\b",
    re.I,
)


# Figures that describe something other than a deal: "a $25 billion startup" (a size),
# "which has $100 billion in cash" (holdings), "$1.50 per share" (a unit price).
_DESCRIBED_AFTER = re.compile(
    r"^\s*(-\s*)?(startup|start-up|company|firm|giant|business|unicorn|group|conglomerate|"
    r"maker|corporation|market|industry|economy)\b|^\s*(per|a|an)\s+(share|dollar|unit)\b",
    re.I,
)


_HOLDINGS_BEFORE = re.compile(
    r"\b(has|have|had|sits on)\s+(more than|over|about|nearly|some|roughly|around)?\s*$",
    re.I,
)


# "pushed its market capitalization to $500 billion", "a valuation of about $2 billion":
# what a company is worth is not an amount of the deal.
_WORTH_BEFORE = re.compile(
    r"\b(market (capitali[sz]ation|cap|value)|valuation|enterprise value)\b[^.;$€£¥]{0,25}$"
    # "the round values the company at $900 million" (not "a deal valued at": its price)
    r"|\bvalu(e|es|ing)\s+(\S+\s+){1,4}at\s+(about|around|roughly|nearly|some|"
    r"approximately|more than|over|close to)?\s*$",
    re.I,
)


# "a new €800 million term loan from a bank", "a bond of $1 billion": money borrowed to
# pay for the deal is not an amount of the deal itself.
_BORROWED_AFTER = re.compile(
    r"^\s*(-\s*)?((term|bridge|syndicated|revolving|senior|secured)\s+)*"
    r"(loan|loans|credit\s+facility|credit\s+line|bond|bonds|notes|debt\s+facility)\b",
    re.I,
)


_BORROWED_BEFORE = re.compile(
    r"\b(loan|credit facility|credit line|bond|bonds|notes|borrowed|borrowing)\s+"
    r"(of|worth|totall?ing)?\s*$",
    re.I,
)


_ELSE_AFTER = (_DESCRIBED_AFTER, _BORROWED_AFTER)


_ELSE_BEFORE = (_HOLDINGS_BEFORE, _WORTH_BEFORE, _BORROWED_BEFORE)


def describes_something_else(match: AmountMatch, text: str) -> bool:
    after = text[match.end : match.end + 40]
    before = text[max(0, match.start - 40) : match.start]
    return any(p.search(after) for p in _ELSE_AFTER) or any(p.search(before) for p in _ELSE_BEFORE)


def deal_amount(
    kind: str, match: AmountMatch, sentence: SpacySpan, found: list[AmountMatch]
) -> bool:
    """Whether an amount in a sentence that does not itself state the deal is one of its
    amounts: a deal kind of amount, a payment, or a conversion in brackets right after one."""
    text = doc_text(sentence.doc)
    if _PREVIOUSLY.search(sentence.text):
        return False
    if kind in DEAL_AMOUNT_KINDS or _PAYMENT.search(sentence.text):
        return True
    if _ABOUT_THE_DEAL.search(sentence.text):
        return True
    bracketed = text[max(0, match.start - 2) : match.start].strip().endswith("(")
    return bracketed and any(other.end <= match.start for other in found)
