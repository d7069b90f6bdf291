"""The deal extractor's word lists and cue phrases: data in ``kg/patterns/deal_lexicon.json``.

The file holds two tables. ``words`` maps a list name to lower-case words or phrases (the
nouns that describe a company, the prepositions that introduce a party, the verbs that deny
a deal…); ``regexes`` maps a name to a case-insensitive regular expression for the few cues
that need more than a list. Both are read and checked once by :func:`load_deal_lexicon`:
a missing or unknown list, an empty entry or a regex that does not compile raises
:class:`kg.errors.PatternError` naming the file and the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import PatternError
from kg.extract.rules import PATTERNS_DIR, load_rules

LEXICON_PATH = PATTERNS_DIR / "deal_lexicon.json"

# Every list the extractor reads; the file must define exactly these.
WORD_LISTS = (
    "agreement_nouns",
    "amount_verbs",
    "announcing_verbs",
    "bystander_words",
    "company_descriptions",
    "company_objects",
    "completing_verbs",
    "compute_objects",
    "dated_nouns",
    "definite_determiners",
    "denial_verbs",
    "exclusive_heads",
    "facility_nouns",
    "first_person",
    "generic_deal_nouns",
    "group_descriptions",
    "helping_verbs",
    "holder_nouns",
    "holding_verbs",
    "income_words",
    "level_verbs",
    "non_deal_heads",
    "non_stake_words",
    "not_buying_verbs",
    "opinion_verbs",
    "other_event_verbs",
    "partnership_forms",
    "party_prepositions",
    "payment_nouns",
    "plan_verbs",
    "plural_pronouns",
    "purchase_verbs",
    "reporting_verbs",
    "research_funding_verbs",
    "research_words",
    "right_nouns",
    "right_objects",
    "role_nouns",
    "scope_words",
    "series_nouns",
    "signing_verbs",
    "singular_pronouns",
    "stake_nouns",
    "symmetric_kinds",
    "temporal_prepositions",
    "term_nouns",
    "term_verbs",
    "transaction_words",
    "unit_nouns",
    "vague_time_words",
    "worth_verbs",
)
REGEXES = (
    "about_the_deal",
    "borrowed_after",
    "borrowed_before",
    "compute_words",
    "coordination",
    "dateline",
    "described_after",
    "description",
    "enterprise_value_before",
    "examples_before",
    "holdings_before",
    "negation_before",
    "not_deal_date",
    "payment",
    "percent",
    "previously",
    "quotation",
    "removal_before",
    "separate_deal",
    "separately",
    "split",
    "status_completed",
    "status_non_binding",
    "status_proposed",
    "status_reported",
    "status_signed",
    "status_terminated",
    "time_anaphor",
    "trigger_acquisition",
    "trigger_investment",
    "trigger_license",
    "trigger_sponsorship",
    "trigger_supply",
    "worth_before",
)


@dataclass(frozen=True)
class DealLexicon:
    """The checked tables of ``deal_lexicon.json``."""

    words: dict[str, frozenset[str]]
    regexes: dict[str, re.Pattern[str]]

    def word(self, name: str) -> frozenset[str]:
        return self.words[name]

    def regex(self, name: str) -> re.Pattern[str]:
        return self.regexes[name]


def load_deal_lexicon(path: str | Path | None = None) -> DealLexicon:
    """Read and check the deal lexicon at *path* (default: the packaged file).

    :raises PatternError: the file is missing or not JSON, a list or regex is missing,
        unknown or malformed; the message names the file and the entry.
    """
    path = Path(path) if path is not None else LEXICON_PATH
    data = dict(load_rules(path).data)
    words = _table(data, "words", WORD_LISTS, path)
    regexes = _table(data, "regexes", REGEXES, path)
    return DealLexicon(
        words={name: _word_list(value, name, path) for name, value in words.items()},
        regexes={name: _regex(value, name, path) for name, value in regexes.items()},
    )


def _table(data: dict[str, Any], key: str, names: Iterable[str], path: Path) -> dict[str, Any]:
    table = data.get(key)
    if not isinstance(table, dict):
        raise PatternError(f"{path}: key {key!r} must be an object")
    entries = {k: v for k, v in table.items() if not k.startswith("//")}
    missing = sorted(set(names) - set(entries))
    unknown = sorted(set(entries) - set(names))
    if missing:
        raise PatternError(f"{path}: {key!r} lacks {', '.join(missing)}")
    if unknown:
        raise PatternError(f"{path}: {key!r} has unknown entries {', '.join(unknown)}")
    return entries


def _word_list(value: object, name: str, path: Path) -> frozenset[str]:
    if not isinstance(value, list) or not value:
        raise PatternError(f"{path}: words[{name!r}] must be a non-empty list")
    for word in value:
        if not isinstance(word, str) or not word.strip() or word != word.lower():
            raise PatternError(
                f"{path}: words[{name!r}] holds {word!r}; entries are non-empty lower-case strings"
            )
    return frozenset(value)


def _regex(value: object, name: str, path: Path) -> re.Pattern[str]:
    if isinstance(value, list) and value and all(isinstance(part, str) for part in value):
        value = "".join(value)  # a long expression may be written in parts
    if not isinstance(value, str) or not value:
        raise PatternError(f"{path}: regexes[{name!r}] must be a non-empty string or list")
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise PatternError(f"{path}: regexes[{name!r}] does not compile ({exc})") from exc


@cache
def lexicon() -> DealLexicon:
    """The packaged deal lexicon, read once."""
    return load_deal_lexicon()


def word_regex(words: Iterable[str]) -> str:
    """An alternation of *words* bounded so it never matches inside a longer word."""
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return rf"(?<![\w-])(?:{alternation})(?![\w-])"
