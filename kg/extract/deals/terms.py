"""Terms and territories from the parse, not from lists of phrasings.

* A **term** is a stated duration or end date of the agreement: any duration the duration
  parser finds (:func:`kg.extract.dates.find_durations`) or any end date the date parser
  marks ``until``, when it belongs to a word for the deal ("a 12-year lease", "an initial
  term of five years", "the 30-year operation of the concession") or to a verb of lasting
  ("the contract should last at least 12 years", "spans eight years", "runs until 2029",
  "renewed until 2031"). A duration that belongs to something else (deliveries "spread
  over five years", savings "over the next ten years") is no term.
* A **territory** is the geographic scope of a right, a licence, an exclusivity, a
  distribution or a supply area ("exclusive rights in Japan", "distribute across
  Scandinavia", "a network sharing agreement in Portugal", "all markets outside China"),
  never the place of a plant, a project, an office or a dateline.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.extract.dates import DateMatch, find_durations
from kg.extract.deals.lexicon import lexicon
from kg.extract.nlp import doc_text, span_text

# How far up the parse a duration or a place looks for the word it belongs to.
_HOPS = 5
# A place may sit deep in the noun phrase of the right it is the scope of.
_SCOPE_HOPS = 6
# Dependency links a duration or place climbs through to reach its word.
_CLIMB = frozenset(
    {"prep", "pobj", "npadvmod", "nummod", "amod", "compound", "quantmod", "dobj", "attr",
     "advmod", "nmod", "appos", "conj", "pcomp", "oprd", "acomp", "dep"}
)  # fmt: skip


@dataclass(frozen=True)
class Term:
    """A term the sentence states: its words, its length in years (if stated in years or
    whole years of months) and its end date (if any)."""

    start: int  # character offsets of the duration or date
    end: int
    text: str
    years: Decimal | None
    until: DateMatch | None


def sentence_terms(sentence: SpacySpan, dates: list[DateMatch]) -> Iterator[Term]:
    """The durations and end dates of *sentence* that belong to the deal."""
    base = sentence.start_char
    for duration in find_durations(span_text(sentence), base=base):
        token = _token_at(sentence, duration.start, duration.end)
        if token is not None and _belongs_to_the_deal(token):
            years = _years(duration.value, duration.unit)
            yield Term(duration.start, duration.end, duration.text, years, None)
    for date in dates:
        if date.kind != "until":
            continue
        token = _token_at(sentence, date.start, date.end)
        if token is not None and _belongs_to_the_deal(token):
            # the words say what the date is: "through 2032", not "2032"
            start = token.head.idx if token.head.dep_ == "prep" else date.start
            start = min(start, date.start)
            text = doc_text(sentence.doc)[start : date.end] if start >= base else date.text
            yield Term(start, date.end, text, None, date)


def _years(value: int, unit: str) -> Decimal | None:
    if unit == "year":
        return Decimal(value)
    if unit == "month" and value % 12 == 0:
        return Decimal(value // 12)
    return None


def _token_at(sentence: SpacySpan, start: int, end: int) -> Token | None:
    span = sentence.doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _belongs_to_the_deal(token: Token) -> bool:
    """Whether a duration or end date hangs on a word for the deal or a verb of lasting,
    before any other verb or noun that would make it something else's."""
    words = lexicon()
    nouns, verbs = words.word("term_nouns"), words.word("term_verbs")
    current, hops = token, 0
    while hops <= _HOPS:
        lemma = current.lemma_.lower()
        if hops > 0:
            if current.pos_ in {"VERB", "AUX"}:
                return lemma in verbs or _has_deal_subject(current, nouns)
            if current.pos_ in {"NOUN", "PROPN"} and lemma in nouns:
                return True
            if current.pos_ == "NOUN" and _of_a_deal(current, nouns):
                return True  # "the 30-year operation of the concession"
        if current.dep_ not in _CLIMB or current.head == current:
            return False
        current, hops = current.head, hops + 1
    return False


def _has_deal_subject(verb: Token, nouns: frozenset[str]) -> bool:
    """ "The contract will run for ten years", "the agreement covers upgrades for three
    years": a verb whose subject is the deal carries the deal's duration."""
    return any(
        c.dep_ in {"nsubj", "nsubjpass"} and c.lemma_.lower() in nouns for c in verb.children
    )


def _of_a_deal(noun: Token, nouns: frozenset[str]) -> bool:
    for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
        if any(o.lemma_.lower() in nouns for o in prep.children if o.dep_ == "pobj"):
            return True
    return False


# --------------------------------------------------------------------------- territory


def is_scope(place: SpacySpan) -> bool:
    """Whether a place phrase ("in Japan", "across Scandinavia", "outside China") is the
    scope of a right, licence, exclusivity, distribution or supply area: the word it
    belongs to in the parse (or that word's modifier) is one of those, before a word for a
    facility, a project or an office."""
    words = lexicon()
    scope, facilities = words.word("scope_words"), words.word("facility_nouns")
    preposition = place[0]
    current, hops = preposition.head, 0
    if len(place) == 1 and preposition.lemma_.lower() in scope:
        # "an exclusive worldwide licence" (not "its global chief", "cooperation globally"):
        # a word for a scope must qualify a right, a licence or an exclusivity
        return (
            current.lemma_.lower() in words.word("exclusive_heads") and current.i != preposition.i
        )
    if preposition.dep_ not in {"prep", "advmod", "amod"}:
        current = preposition
    while hops <= _SCOPE_HOPS:
        lemma = current.lemma_.lower()
        if lemma in facilities:
            return False
        if current.pos_ in {"VERB", "AUX"} and lemma not in scope:
            if current.dep_ not in {"acl", "relcl"}:
                return False  # "engineers who work in Berlin": the place of something else
            # "a licence deal covering all shows outside the US": the deal the clause
            # describes is what the place is the scope of
        if lemma in scope or any(
            c.dep_ in {"amod", "compound", "advmod"} and c.lemma_.lower() in scope
            for c in current.children
        ):
            return True
        if current.dep_ not in _CLIMB | {"acl", "relcl"} or current.head == current:
            return False
        current, hops = current.head, hops + 1
    return False
