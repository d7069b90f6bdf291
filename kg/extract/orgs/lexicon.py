"""The generic word lists organisation recognition reads (``kg/patterns/non_organizations.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from kg.errors import PatternError
from kg.extract.rules import PATTERNS_DIR, load_json_rules


@dataclass(frozen=True)
class Lexicon:
    """The generic word lists of ``non_organizations.json`` (no company names)."""

    generic: frozenset[str]
    boilerplate: frozenset[str]
    calendar: frozenset[str]
    legal_suffixes: frozenset[str]
    unit_heads: frozenset[str]
    descriptors: frozenset[str]
    business_nouns: frozenset[str]  # lemmas of nouns for a kind of organisation
    role_nouns: frozenset[str]  # roles a company or a person may play ("sponsor", "rival")
    member_nouns: frozenset[str]  # what belongs to an organisation ("shares", "engineers")
    subsidiary_nouns: frozenset[str]  # "a subsidiary of", "a unit of"
    deal_verbs: tuple[str, ...]
    product_nouns: frozenset[str]
    person_titles: frozenset[str]
    splitters: frozenset[str]
    product_heads: frozenset[str]
    non_company_heads: frozenset[str]
    head_first_non_company: frozenset[str]
    product_verbs: frozenset[str]
    separate_unit_heads: frozenset[str]
    facility_nouns: frozenset[str]
    creator_nouns: frozenset[str]

    @cached_property
    def name_ends(self) -> frozenset[str]:
        """Words a company name may end with: industry words, unit heads, legal suffixes."""
        return self.descriptors | self.unit_heads | self.legal_suffixes

    @cached_property
    def organisation_nouns(self) -> frozenset[str]:
        """Nouns that never start a product name: kinds of organisation and their members."""
        return self.business_nouns | self.role_nouns | self.member_nouns


def _words(data: Mapping[str, Any], key: str, path: Path) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise PatternError(f"{path}: {key!r} must be a list of non-empty strings")
    return value


def _lower(data: Mapping[str, Any], key: str, path: Path) -> frozenset[str]:
    return frozenset(word.lower() for word in _words(data, key, path))


@lru_cache(maxsize=1)
def lexicon(path: Path = PATTERNS_DIR / "non_organizations.json") -> Lexicon:
    """The word lists at *path*, validated.

    :raises PatternError: the file is missing or malformed, or a list is missing.
    """
    data = load_json_rules(path)

    def words(key: str) -> frozenset[str]:
        return frozenset(_words(data, key, path))

    def lower(key: str) -> frozenset[str]:
        return _lower(data, key, path)

    return Lexicon(
        generic=lower("generic_terms"),
        boilerplate=words("boilerplate_first_words"),
        calendar=lower("calendar_words"),
        legal_suffixes=words("legal_suffixes"),
        unit_heads=lower("unit_heads"),
        descriptors=lower("name_descriptors"),
        business_nouns=lower("business_nouns"),
        role_nouns=lower("role_nouns"),
        member_nouns=lower("member_nouns"),
        subsidiary_nouns=lower("subsidiary_nouns"),
        deal_verbs=tuple(_words(data, "deal_verb_prefixes", path)),
        product_nouns=words("product_context_nouns"),
        person_titles=words("person_titles"),
        splitters=words("name_splitters"),
        product_heads=words("product_heads"),
        non_company_heads=words("non_company_heads"),
        head_first_non_company=words("head_first_non_company"),
        product_verbs=words("product_verbs"),
        separate_unit_heads=lower("separate_unit_heads"),
        facility_nouns=words("facility_nouns"),
        creator_nouns=words("creator_nouns"),
    )
