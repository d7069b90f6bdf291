"""The generic word lists the organisation rules use (``kg/patterns/non_organizations.json``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from kg.extract.rules import PATTERNS_DIR, load_json_rules


@dataclass(frozen=True)
class Lexicon:
    """The generic word lists of ``non_organizations.json``."""

    generic: frozenset[str]
    boilerplate: frozenset[str]
    calendar: frozenset[str]
    legal_suffixes: frozenset[str]
    unit_heads: frozenset[str]
    descriptors: frozenset[str]
    org_nouns: frozenset[str]
    deal_verbs: tuple[str, ...]
    product_nouns: frozenset[str]
    person_titles: frozenset[str]
    splitters: frozenset[str]
    product_heads: frozenset[str]
    non_company_heads: frozenset[str]
    product_verbs: frozenset[str]
    separate_unit_heads: frozenset[str]
    facility_nouns: frozenset[str]
    creator_nouns: frozenset[str]

    @cached_property
    def name_ends(self) -> frozenset[str]:
        """Words a company name may end with: industry words, unit heads, legal suffixes."""
        return self.descriptors | self.unit_heads | self.legal_suffixes


@lru_cache(maxsize=1)
def lexicon(path: Path = PATTERNS_DIR / "non_organizations.json") -> Lexicon:
    data = load_json_rules(path)
    return Lexicon(
        generic=frozenset(word.lower() for word in data["generic_terms"]),
        boilerplate=frozenset(data["boilerplate_first_words"]),
        calendar=frozenset(word.lower() for word in data["calendar_words"]),
        legal_suffixes=frozenset(data["legal_suffixes"]),
        unit_heads=frozenset(word.lower() for word in data["unit_heads"]),
        descriptors=frozenset(word.lower() for word in data["name_descriptors"]),
        org_nouns=frozenset(data["org_nouns"]),
        deal_verbs=tuple(data["deal_verb_prefixes"]),
        product_nouns=frozenset(data["product_context_nouns"]),
        person_titles=frozenset(data["person_titles"]),
        splitters=frozenset(data["name_splitters"]),
        product_heads=frozenset(data["product_heads"]),
        non_company_heads=frozenset(data["non_company_heads"]),
        product_verbs=frozenset(data["product_verbs"]),
        separate_unit_heads=frozenset(word.lower() for word in data["separate_unit_heads"]),
        facility_nouns=frozenset(data["facility_nouns"]),
        creator_nouns=frozenset(data["creator_nouns"]),
    )
