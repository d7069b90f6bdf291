"""The amounts of a deal: which figures in its sentences are the deal's and which describe
something else (a company's size, a valuation, a loan, a unit price)."""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.extract.amounts import (
    UNQUANTIFIED,
    AmountMatch,
    SizeWords,
    amount_kind,
)
from kg.extract.deals.kinds import DEAL_AMOUNT_KINDS
from kg.extract.deals.lexicon import lexicon
from kg.extract.nlp import doc_text, span_text
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


def _regex(name: str) -> re.Pattern[str]:
    return lexicon().regex(name)


def _words(name: str) -> frozenset[str]:
    return lexicon().word(name)


def describes_something_else(match: AmountMatch, text: str, price: bool = False) -> bool:
    """Whether a figure describes something other than a deal: a company's size ("a $25
    billion startup"), its holdings ("which has $100 billion in cash"), a valuation, a
    loan that finances the deal, a unit price. With *price* (an acquisition), an enterprise
    value is the deal's price ("agreed to buy B at an enterprise value of $640 million")."""
    after = text[match.end : match.end + 40]
    before = text[max(0, match.start - 40) : match.start]
    if any(_regex(name).search(after) for name in ("described_after", "borrowed_after")):
        return True
    if price and _regex("enterprise_value_before").search(before):
        return False
    names = ("holdings_before", "worth_before", "enterprise_value_before", "borrowed_before")
    return any(_regex(name).search(before) for name in names)


def elsewhere_in_the_parse(
    match: AmountMatch,
    sentence: SpacySpan,
    investment: bool,
    triggers: frozenset[int] = frozenset(),
) -> bool:
    """Whether the parse puts a figure outside the deal: the worth of a stake someone holds
    ("holds a $5 billion stake", "the stake would exceed $100 billion"), a figure in a
    clause about another time ("after it announced plans to sell $2 billion of assets"),
    money a party raised from others (unless the deal is that investment)."""
    token = _token_of(match, sentence)
    if token is None:
        return False
    stakes, holding = _words("stake_nouns"), _words("holding_verbs")
    head = token
    while head.dep_ in {"compound", "nummod", "quantmod", "amod", "nmod"} and head.head != head:
        head = head.head
        if head.lemma_.lower() in stakes:
            verb = head.head
            return verb.lemma_.lower() in holding or head.dep_ in {"nsubj", "attr"}
    if head.dep_ in {"dobj", "attr", "acomp"} and head.head.lemma_.lower() in _words("worth_verbs"):
        subjects = [c for c in head.head.children if c.dep_ == "nsubj"]
        if any(c.lemma_.lower() in stakes for c in subjects):
            return True  # "the stake would exceed $100 billion"
    if _a_level_to_reach(head):
        return True
    temporal = _words("temporal_prepositions")
    for ancestor in [token, *token.ancestors]:
        timed = (ancestor.dep_ == "prep" and ancestor.lower_ in temporal) or (
            ancestor.dep_ == "advcl"
            and any(c.dep_ == "mark" and c.lower_ in temporal for c in ancestor.children)
        )
        if timed:
            # another event's figure, unless that event is the deal ("after A acquired B
            # for $400 million", the deal's own words inside)
            return not any(t.i in triggers for t in ancestor.subtree)
        if not investment and ancestor.lemma_.lower() == "raise" and ancestor.pos_ == "VERB":
            return True  # "B raised $30 million from funds": not this deal's money
    return False


def _a_level_to_reach(head: Token) -> bool:
    """ "help A reach a combined payment volume of $6 billion", "hit annual sales of €1.5
    billion": the size of a measure a business is to reach, not a price; "a deal that could
    reach $400 million" (the figure itself is the object) is the deal's value."""
    if head.dep_ != "pobj" or head.head.lower_ != "of":
        return False
    measure = head.head.head
    verb = measure.head
    return (
        measure.dep_ == "dobj"
        and verb.pos_ == "VERB"
        and verb.lemma_.lower() in _words("level_verbs")
    )


def stated_for_a_deal(match: AmountMatch, sentence: SpacySpan) -> bool:
    """ "a $6 million top-up agreed in the spring": a figure the parse ties to a deal verb."""
    token = _token_of(match, sentence)
    if token is None:
        return False
    verbs = _words("amount_verbs")
    head = token
    while head.dep_ in {"compound", "nummod", "quantmod", "amod", "nmod"} and head.head != head:
        head = head.head
    if any(c.dep_ in {"acl", "relcl"} and c.lemma_.lower() in verbs for c in head.children):
        return True
    after = head.right_edge.i + 1
    if after < sentence.end:
        following = sentence.doc[after]  # a participle the parser hung elsewhere
        if following.tag_ in {"VBN", "VBD"} and following.lemma_.lower() in verbs:
            return True
    return head.dep_ in {"dobj", "pobj"} and head.head.lemma_.lower() in verbs


def _planned(match: AmountMatch, sentence: SpacySpan) -> bool:
    """ "… after it announced plans to sell $2 billion of assets": a plan's figure."""
    token = _token_of(match, sentence)
    plans = _words("plan_verbs")
    return token is not None and any(a.lemma_.lower() in plans for a in token.ancestors)


def _token_of(match: AmountMatch, sentence: SpacySpan) -> Token | None:
    span = sentence.doc.char_span(match.start, match.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def deal_amount(
    kind: str, match: AmountMatch, sentence: SpacySpan, found: list[AmountMatch]
) -> bool:
    """Whether an amount in a sentence that does not itself state the deal is one of its
    amounts: a deal kind of amount, a payment, a figure tied to a deal verb, or a
    conversion in brackets right after one."""
    text = doc_text(sentence.doc)
    if _regex("previously").search(span_text(sentence)) or _planned(match, sentence):
        return False
    if kind in DEAL_AMOUNT_KINDS or _regex("payment").search(span_text(sentence)):
        return True
    if _regex("about_the_deal").search(span_text(sentence)) or stated_for_a_deal(match, sentence):
        return True
    bracketed = text[max(0, match.start - 2) : match.start].strip().endswith("(")
    return bracketed and any(other.end <= match.start for other in found)
