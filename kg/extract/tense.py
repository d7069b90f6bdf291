"""How a deal sentence reports its deal: the tense and aspect of its main verb, and
whether that reports the deal as news of the day.

News reports a deal it announces in the present ("extend their partnership"), the present
perfect ("have signed"), the progressive ("is investing"), the future ("will invest"), a
past tense of an announcing verb ("unveiled", "announced") or of any verb placed on the day
("today signed"), and in reported speech ("said it had agreed", the backshifted present
perfect). A plain past ("signed a contract") or a past perfect ("had signed") outside
reported speech may be history, so it is never taken as news. The lineage stage dates an
agreement reported as new by its article's published date when the text states no date
(:mod:`kg.lineage.validity`); everything here only reads the parse.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.extract.rules import PATTERNS_DIR, load_rules

RULES_PATH = PATTERNS_DIR / "tense.json"

_NEWS_TENSES = frozenset({"present", "present perfect", "present progressive", "future"})
_PAST_TENSES = frozenset({"past", "past progressive"})


@dataclass(frozen=True)
class Report:
    """The tense and aspect of a deal sentence's main verb, and whether it reports news."""

    tense: str | None  # "present", "present perfect", "past", "future", … or None (no verb)
    new: bool


@dataclass(frozen=True)
class _Rules:
    announcing: frozenset[str]
    reporting: frozenset[str]
    now: frozenset[str]
    this: frozenset[str]
    future: frozenset[str]


@lru_cache(maxsize=1)
def _rules(path: Path = RULES_PATH) -> _Rules:
    data = load_rules(path).data

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data[key])

    return _Rules(
        announcing=words("announcing_verbs"),
        reporting=words("reporting_verbs"),
        now=words("now_words"),
        this=words("this_words"),
        future=words("future_modals"),
    )


def deal_report(sentence: SpacySpan) -> Report:
    """How *sentence* reports its deal (see the module's docstring)."""
    rules = _rules()
    verb, reported = _main_verb(sentence, rules)
    if verb is None:
        return Report(None, False)
    tense = _tense(verb, rules)
    if tense in _NEWS_TENSES:
        return Report(tense, True)
    on_the_day = verb.lemma_.lower() in rules.announcing or _placed_today(sentence, rules)
    if tense in _PAST_TENSES:
        return Report(tense, on_the_day or reported)
    return Report(tense, tense == "past perfect" and reported)


def _main_verb(sentence: SpacySpan, rules: _Rules) -> tuple[Token | None, bool]:
    """The sentence's main verb, or the verb of what a reporting verb reports (then True)."""
    root = sentence.root
    if root.pos_ not in ("VERB", "AUX"):
        return None, False
    if root.lemma_.lower() in rules.reporting:
        said = [c for c in root.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
        if said:
            return said[0], True
    return root, False


def _tense(verb: Token, rules: _Rules) -> str | None:
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in rules.future for a in auxiliaries):
        return "future"
    if any(a.tag_ == "MD" for a in auxiliaries):
        return "conditional"  # "would", "could", "may": not a deal made
    have = [a for a in auxiliaries if a.lemma_.lower() == "have"]
    if have:
        return "past perfect" if have[0].tag_ == "VBD" else "present perfect"
    be = [a for a in auxiliaries if a.lemma_.lower() == "be"]
    past = (be[0].tag_ if be else verb.tag_) in ("VBD", "VBN")
    if verb.tag_ == "VBG":
        return "past progressive" if past else "present progressive"
    if verb.tag_ in ("VBZ", "VBP", "VB", "VBD", "VBN"):
        return "past" if past else "present"
    return None


def _placed_today(sentence: SpacySpan, rules: _Rules) -> bool:
    """ "today", "now", "this week": the sentence puts its event on the article's day."""
    words = [t.lower_ for t in sentence]
    if any(w in rules.now for w in words):
        return True
    return any(a == "this" and b in rules.this for a, b in zip(words, words[1:], strict=False))
