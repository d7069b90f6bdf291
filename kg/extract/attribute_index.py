"""The model's attribute rules applied through dictionaries instead of spaCy's Matcher.

``en_core_web_sm``'s ``attribute_ruler`` maps fine tags to parts of speech and fixes a few
words' lemmas and morphology with about 180 one- or two-token rules, each of which
compares a token's tag, lower-case form, dependency or whitespace to fixed values (or
sets of them, or a regular expression). spaCy's Matcher tries every rule on every token:
0.8 s per 30,000 tokens here, a tenth of the pipeline. :class:`IndexedAttributeRules`
files the rules under the word (else the tag) their first token requires, so each token
is checked against the few rules that can start on it (0.4 s), and then applies the
matches exactly as the attribute ruler does: in rule order, a later rule overriding an
earlier one, each setting its attributes on the token at its index.

The model's rules are read from its own ``attribute_ruler`` when the pipeline is loaded
(:func:`index_attribute_rules`); a rule using anything else than the comparisons above
leaves the model's component in place.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc, Token
from spacy.tokens._retokenize import set_token_attrs

__all__ = ["IndexedAttributeRules", "index_attribute_rules"]

_READERS: dict[str, Callable[[Token], object]] = {
    "TAG": lambda token: token.tag_,
    "LOWER": lambda token: token.lower_,
    "ORTH": lambda token: token.text,
    "DEP": lambda token: token.dep_,
    "IS_SPACE": lambda token: token.is_space,
}
_INDEXED = ("LOWER", "TAG")  # the attributes rules are filed under, by preference


class UnsupportedRule(ValueError):
    """A rule compares something the index does not: the model's component stays."""


@dataclass(frozen=True)
class _Check:
    read: Callable[[Token], object]
    values: frozenset[object] | None = None  # the value is one of these
    pattern: re.Pattern[str] | None = None  # or the text value matches this
    negated: bool = False  # or, for NOT_IN, is none of the values

    def passes(self, token: Token) -> bool:
        value = self.read(token)
        if self.pattern is not None:
            return isinstance(value, str) and self.pattern.search(value) is not None
        return self.values is not None and (value in self.values) != self.negated


@dataclass(frozen=True)
class _Rule:
    order: int
    checks: tuple[tuple[_Check, ...], ...]  # one tuple of checks per token of the rule
    index: int
    attrs: dict[Any, Any]

    def matches_at(self, token: Token) -> bool:
        if not all(check.passes(token) for check in self.checks[0]):
            return False
        if len(self.checks) == 1:
            return True
        doc = token.doc
        if token.i + len(self.checks) > len(doc):
            return False
        return all(
            check.passes(doc[token.i + offset])
            for offset, checks in enumerate(self.checks[1:], start=1)
            for check in checks
        )


class IndexedAttributeRules:
    """The rules of an :class:`AttributeRuler`, filed by the tag or word they start with."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.filed: dict[tuple[str, object], list[_Rule]] = defaultdict(list)
        self.unfiled: list[_Rule] = []
        for order, pattern in enumerate(ruler.patterns):
            # a rule of several patterns matches where any of them does
            for tokens in cast(list[list[dict[str, Any]]], pattern["patterns"]):
                rule = _Rule(
                    order=order,
                    checks=tuple(_checks(token) for token in tokens),
                    index=ruler.indices[order],
                    attrs=ruler.attrs[order],
                )
                self._file(rule, tokens[0])

    def _file(self, rule: _Rule, first: dict[str, Any]) -> None:
        """File *rule* under each value its first token's word (else tag) may have, so
        that a token meets only the rules it can start."""
        for key in _INDEXED:
            expected = first.get(key)
            if isinstance(expected, str):
                self.filed[(key, expected)].append(rule)
                return
            if isinstance(expected, dict) and set(expected) == {"IN"}:
                for value in expected["IN"]:
                    self.filed[(key, value)].append(rule)
                return
        self.unfiled.append(rule)

    def __call__(self, doc: Doc) -> Doc:
        # (rule order, start, end) once each, as spaCy's Matcher reports a rule's matches
        found: dict[tuple[int, int, int], _Rule] = {}
        for token in doc:
            for rule in self._candidates(token):
                if rule.matches_at(token):
                    found.setdefault((rule.order, token.i, token.i + len(rule.checks)), rule)
        for (order, start, end), rule in sorted(found.items(), key=lambda item: item[0]):
            # the index counts from the rule's end when negative, as in a Span
            position = (start if rule.index >= 0 else end) + rule.index
            if not start <= position < end:
                raise ValueError(f"attribute rule {order}: index {rule.index} is outside its match")
            set_token_attrs(doc[position], rule.attrs)
        return doc

    def _candidates(self, token: Token) -> list[_Rule]:
        return (
            self.filed.get(("TAG", token.tag_), [])
            + self.filed.get(("LOWER", token.lower_), [])
            + self.unfiled
        )


def _checks(token: dict[str, Any]) -> tuple[_Check, ...]:
    checks = []
    for attr, expected in token.items():
        if attr not in _READERS:
            raise UnsupportedRule(f"attribute {attr!r}")
        if isinstance(expected, dict) and set(expected) == {"IN"}:
            checks.append(_Check(_READERS[attr], values=frozenset(expected["IN"])))
        elif isinstance(expected, dict) and set(expected) == {"NOT_IN"}:
            values = frozenset(expected["NOT_IN"])
            checks.append(_Check(_READERS[attr], values=values, negated=True))
        elif isinstance(expected, dict) and set(expected) == {"REGEX"}:
            checks.append(_Check(_READERS[attr], pattern=re.compile(expected["REGEX"])))
        elif isinstance(expected, dict):
            raise UnsupportedRule(f"operator {sorted(expected)!r}")
        else:
            checks.append(_Check(_READERS[attr], values=frozenset([expected])))
    return tuple(checks)


def index_attribute_rules(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Put :class:`IndexedAttributeRules` over the rules of *nlp*'s attribute ruler in its
    place (under the name ``kg_attribute_rules``) and remove the ruler.

    Returns False, leaving the pipeline as it is, when there is no such component or one
    of its rules cannot be indexed.
    """
    if name not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe(name)
    if not isinstance(ruler, AttributeRuler):
        return False
    try:  # the component indexes the ruler's rules as it is made
        nlp.add_pipe("kg_attribute_rules", before=name, config={"source": name})
    except UnsupportedRule:
        return False
    nlp.remove_pipe(name)
    return True


@Language.factory("kg_attribute_rules", default_config={"source": "attribute_ruler"})
def _make_component(nlp: Language, name: str, source: str) -> IndexedAttributeRules:
    ruler = nlp.get_pipe(source)
    assert isinstance(ruler, AttributeRuler)
    return IndexedAttributeRules(ruler)
