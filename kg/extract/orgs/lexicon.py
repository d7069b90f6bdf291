"""The data organisation recognition reads: word lists (``non_organizations.json``) and
shapes of names and layout (``org_shapes.json``), both in ``kg/extract/patterns/``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from kg.errors import PatternError
from kg.extract.rules import PATTERNS_DIR, load_rules


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
    articles: frozenset[str]  # words a name never starts with ("the", "its")
    name_connectors: frozenset[str]  # lower-case words inside names ("of", "and", "de")
    speech_verbs: frozenset[str]  # lemmas: "said", "told" …
    possessive_determiners: frozenset[str]  # "its", "their" …
    job_words: frozenset[str]  # heads of job titles: "Head of …", "Director of …"
    function_words: frozenset[str]  # title case leaves these lower case: "a", "for", "the"

    @cached_property
    def name_ends(self) -> frozenset[str]:
        """Words a company name may end with: industry words, unit heads, legal suffixes."""
        return self.descriptors | self.unit_heads | self.legal_suffixes

    @cached_property
    def core_cache(self) -> dict[str, str]:
        """Names already reduced to their core by :func:`kg.extract.orgs.names.core`."""
        return {}

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
    data = load_rules(path).data

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
        articles=lower("articles"),
        name_connectors=lower("name_connectors"),
        speech_verbs=lower("speech_verbs"),
        possessive_determiners=lower("possessive_determiners"),
        job_words=lower("job_words"),
        function_words=words("function_words"),
    )


@dataclass(frozen=True)
class Shapes:
    """The regular expressions of ``org_shapes.json``: shapes of names and of layout."""

    dateline: re.Pattern[str]  # "CITY, Region [Country], Month day (Outlet) -" opening a line
    byline: re.Pattern[str]  # a short "By …" line
    listing: re.Pattern[str]  # "(NYSE: ACME; TSX: AC)": where shares trade
    credit_dash: re.Pattern[str]  # the dash before a credit closing a line ("… – Outlet")
    ticker: re.Pattern[str]  # a bracketed short name or ticker after a name, group 1
    acronym: re.Pattern[str]  # "ACME", "AcR", "ACM.O": capitals inside a word
    code: re.Pattern[str]  # "b2x": a lower-case short code
    model_name: re.Pattern[str]  # "Zephyr7x", "A320neo": letters, digits, letters
    numbered: re.Pattern[str]  # a fund's or series' number: "3", "II"
    short_display: re.Pattern[str]  # an acronym-like display name, never canonical
    suffix_after: re.Pattern[str]  # ", Inc." after a name: the word in group 1
    pair: re.Pattern[str]  # "Acme-Borealis": two names joined by a hyphen or slash
    and_pair: re.Pattern[str]  # "Acme and Borealis": groups a and b
    owned: re.Pattern[str]  # "'s Widget Pro" after an owner: the product in group 1
    unit_of: re.Pattern[str]  # ", a wholly owned subsidiary of ": the noun in group "noun"
    speech_after: re.Pattern[str]  # " said" after a name: an attribution
    listed_after: re.Pattern[str]  # "-listed" after an exchange's name
    listed_before: re.Pattern[str]  # "listed on the " before an exchange's name
    acronym_core: re.Pattern[str]  # the core of a short all-caps name: "ntc"
    brand_after: re.Pattern[str]  # "-branded", " brand" after a name


@lru_cache(maxsize=1)
def shapes(path: Path = PATTERNS_DIR / "org_shapes.json") -> Shapes:
    """The compiled regular expressions at *path*.

    :raises PatternError: the file is malformed, a regex is missing, unknown or does not
        compile, or names a fragment that does not exist (the message names it).
    """
    data = load_rules(path).data
    fragments, regexes = data.get("fragments", {}), data.get("regexes")
    if not isinstance(fragments, dict) or not isinstance(regexes, dict):
        raise PatternError(f"{path}: 'fragments' and 'regexes' must be objects")
    wanted = {f.name for f in fields(Shapes)}
    missing, unknown = sorted(wanted - set(regexes)), sorted(set(regexes) - wanted)
    if missing or unknown:
        raise PatternError(
            f"{path}: regexes missing: {', '.join(missing) or '-'}; "
            f"unknown: {', '.join(unknown) or '-'}"
        )
    expanded = _expand_fragments(fragments, path)
    compiled: dict[str, re.Pattern[str]] = {}
    for name in wanted:
        try:
            compiled[name] = re.compile(str(regexes[name]) % expanded)
        except (re.error, KeyError, TypeError, ValueError) as exc:
            raise PatternError(f"{path}: regex {name!r} is invalid ({exc})") from exc
    return Shapes(**compiled)


def _expand_fragments(fragments: Mapping[str, Any], path: Path) -> dict[str, str]:
    """Fragments with the fragments they name inserted (three levels deep at most)."""
    expanded = {name: str(value) for name, value in fragments.items()}
    for _ in range(3):
        try:
            expanded = {name: value % expanded for name, value in expanded.items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise PatternError(f"{path}: a fragment is invalid ({exc})") from exc
    return expanded
