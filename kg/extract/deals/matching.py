"""The spaCy matchers built from the rule files and their matches bucketed by sentence;
evidence spans quoted from the document."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.rules import load_rules
from kg.models import Document, Span


@dataclass(frozen=True)
class _Matchers:
    deals: Matcher
    clauses: Matcher
    background: Matcher


def _matcher(nlp: Language, file_name: str) -> Matcher:
    matcher = Matcher(nlp.vocab, validate=True)
    for row in load_rules(file_name).patterns:
        matcher.add(str(row["label"]), percent_spellings(row["pattern"]))
    return matcher


_PERCENT_SIGN = {"ORTH": "%"}
_PERCENT_WORDS: tuple[list[dict[str, Any]], ...] = (
    [{"LOWER": {"IN": ["percent", "pct", "pc"]}}],
    [{"LOWER": "per"}, {"LOWER": "cent"}],
)


def percent_spellings(pattern: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A token pattern and, where it has a percent sign, the same pattern with the sign
    spelled "percent", "per cent" or "pct": the words work wherever "%" does."""
    variants = [pattern]
    for index, token in enumerate(pattern):
        if token != _PERCENT_SIGN:
            continue
        variants += [
            [*variant[:index], *words, *variant[index + 1 :]]
            for variant in list(variants)
            for words in _PERCENT_WORDS
        ]
        break  # one sign per pattern
    return variants


@lru_cache(maxsize=4)
def matchers_for(vocab_id: int, nlp: Language) -> _Matchers:
    return _Matchers(
        deals=_matcher(nlp, "deals.jsonl"),
        clauses=_matcher(nlp, "clauses.jsonl"),
        background=_matcher(nlp, "background.jsonl"),
    )


def evidence_span(document: Document, start: int, end: int) -> Span:
    # Trim whitespace so the quote is exactly the sentence's visible text.
    text = document.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(document.id, start, end, text[start:end])


class MatchIndex:
    """One Matcher run over the whole document, its matches bucketed by sentence (running
    a Matcher per sentence costs several times more)."""

    def __init__(self, matcher: Matcher, doc: Doc, sentence_starts: list[int]) -> None:
        self.by_sentence: dict[int, list[tuple[str, int, int]]] = {}
        strings = doc.vocab.strings
        # allow_missing: tokens outside the focused sentences carry no tags
        for match_id, start, end in matcher(doc, allow_missing=True):
            first = sentence_starts[bisect.bisect_right(sentence_starts, start) - 1]
            self.by_sentence.setdefault(first, []).append((strings[match_id], start, end))

    def of(self, sentence: SpacySpan) -> list[tuple[str, int, int]]:
        return [m for m in self.by_sentence.get(sentence.start, []) if m[2] <= sentence.end]


def in_region(region: tuple[int, int] | None, offset: int) -> bool:
    return region is None or region[0] <= offset < region[1]
