"""The matchers built from the rule files and their matches bucketed by sentence;
evidence spans quoted from the document."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.errors import PatternError
from kg.extract.rules import load_rules
from kg.extract.token_patterns import TokenPatterns, UnsupportedPattern
from kg.models import Document, Span

# Rule files compiled: every (label, start, end) their patterns match in a doc.
RuleMatcher = Callable[[Doc], list[tuple[str, int, int]]]
RULE_FILES = ("deals.jsonl", "clauses.jsonl", "background.jsonl")


def matcher_of(nlp: Language, *file_names: str) -> RuleMatcher:
    """The patterns of *file_names* as one truth table (:mod:`kg.extract.token_patterns`),
    or through spaCy's Matcher when a test needs it; the same matches either way. With
    several files, each label is the file's stem, ``/`` and the rule's label.

    :raises PatternError: a pattern is not valid spaCy pattern syntax (file and label named).
    """
    labelled = [
        (f"{Path(name).stem}/{row['label']}" if len(file_names) > 1 else str(row["label"]), row)
        for name in file_names
        for row in load_rules(name).patterns
    ]
    try:
        patterns = TokenPatterns(nlp.vocab)
        for label, row in labelled:
            patterns.add(label, percent_spellings(row["pattern"]))
        return patterns
    except UnsupportedPattern:
        return _spacy_matcher(nlp, labelled)
    except ValueError as exc:
        raise PatternError(f"{', '.join(file_names)}: {exc}") from exc


def _spacy_matcher(nlp: Language, labelled: list[tuple[str, dict[str, Any]]]) -> RuleMatcher:
    matcher = Matcher(nlp.vocab, validate=True)
    for label, row in labelled:
        matcher.add(label, percent_spellings(row["pattern"]))
    strings = nlp.vocab.strings

    def matches(doc: Doc) -> list[tuple[str, int, int]]:
        # allow_missing: tokens outside the focused sentences carry no tags
        return [(strings[key], start, end) for key, start, end in matcher(doc, allow_missing=True)]

    return matches


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
def _rule_matcher(vocab_id: int, nlp: Language) -> RuleMatcher:
    return matcher_of(nlp, *RULE_FILES)


@dataclass(frozen=True)
class RuleMatches:
    """The deal, clause and background rules' matches in one doc, one index per file."""

    deals: MatchIndex
    clauses: MatchIndex
    background: MatchIndex


def rule_matches(doc: Doc, nlp: Language, sentence_starts: list[int]) -> RuleMatches:
    """The matches of the deal, clause and background rules in *doc*: one table for the
    three files, so that the doc's attributes are read once."""
    by_file: dict[str, list[tuple[str, int, int]]] = {Path(n).stem: [] for n in RULE_FILES}
    for label, start, end in _rule_matcher(id(nlp.vocab), nlp)(doc):
        stem, _, own = label.partition("/")
        by_file[stem].append((own, start, end))
    return RuleMatches(
        deals=MatchIndex(by_file["deals"], sentence_starts),
        clauses=MatchIndex(by_file["clauses"], sentence_starts),
        background=MatchIndex(by_file["background"], sentence_starts),
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
    """The matches of one run over the whole document, bucketed by sentence (running a
    matcher per sentence costs several times more)."""

    def __init__(self, matches: list[tuple[str, int, int]], sentence_starts: list[int]) -> None:
        self.by_sentence: dict[int, list[tuple[str, int, int]]] = {}
        for label, start, end in matches:
            first = sentence_starts[bisect.bisect_right(sentence_starts, start) - 1]
            self.by_sentence.setdefault(first, []).append((label, start, end))

    def of(self, sentence: SpacySpan) -> list[tuple[str, int, int]]:
        return [m for m in self.by_sentence.get(sentence.start, []) if m[2] <= sentence.end]


def in_region(region: tuple[int, int] | None, offset: int) -> bool:
    return region is None or region[0] <= offset < region[1]
