"""Which organisations of a sentence may be parties at all: not outlets cited as sources,
not names inside a description of someone ("…, backed by A, …"), not examples of someone's
partners. Who a deal is between is read from the parse by :mod:`.arguments`."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from spacy.tokens import Span as SpacySpan

from kg.extract.deals.lexicon import lexicon
from kg.extract.nlp import doc_text, span_text


class OrgLookup(Protocol):
    """What the deal extractor needs from organisation recognition: the organisation
    mentions in a character range, and the organisations named only as the source of
    the news ("Outlet reported…"), which are never parties."""

    @property
    def sources(self) -> frozenset[str]: ...

    @property
    def attributions(self) -> tuple[tuple[int, int], ...]: ...

    def orgs_between(self, start: int, end: int) -> list[tuple[int, int, str]]: ...


def party_mentions(lookup: OrgLookup, sentence: SpacySpan) -> list[tuple[int, int, str]]:
    """The organisations a sentence names that may be parties of its deal: not outlets
    cited as sources (anywhere, or here), not those in a clause describing someone ("…, co-founded by former
    Acme staff, …", "…, backed by Borealis, …")."""
    described = described_ranges(sentence) + list(lookup.attributions)
    return [
        m
        for m in lookup.orgs_between(sentence.start_char, sentence.end_char)
        if m[2] not in lookup.sources and not any(a <= m[0] < b for a, b in described)
    ]


def described_ranges(sentence: SpacySpan) -> list[tuple[int, int]]:
    """Character ranges of the clauses describing someone in *sentence*."""
    base = sentence.start_char
    found = _matched_ranges(lexicon().regex("description"), span_text(sentence))
    return [(base + start, base + end) for start, end in found]


@lru_cache(maxsize=256)
def _matched_ranges(pattern: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    # asked several times per sentence (its parties, its deal words, each deal's parties)
    return tuple(m.span() for m in pattern.finditer(text))


def acting_separately(sentence: SpacySpan) -> bool:
    """ "A and B separately agreed to sell their respective units to C": one deal each."""
    return lexicon().regex("separately").search(span_text(sentence)) is not None


def distinct_orgs(lookup: OrgLookup, sentence: SpacySpan) -> list[str]:
    """The organisations a sentence names as possible parties, in order.

    None when every one is an example in one list ("collaborations with other players,
    including A, B and C"): examples of someone's partners are not partners of each other.
    """
    mentions = party_mentions(lookup, sentence)
    if _all_examples(doc_text(sentence.doc), mentions):
        return []
    return list(dict.fromkeys(key for _, _, key in mentions))


def _all_examples(text: str, mentions: list[tuple[int, int, str]]) -> bool:
    if len(mentions) < 2:
        return False
    first = mentions[0][0]
    if not lexicon().regex("examples_before").search(text[max(0, first - 30) : first]):
        return False
    gaps = [text[a[1] : b[0]] for a, b in zip(mentions, mentions[1:], strict=False)]
    return all(lexicon().regex("coordination").match(gap) or not gap.strip() for gap in gaps)
