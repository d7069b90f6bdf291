"""How organisation names compare and display: cores, initials, canonical names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.extract.orgs.lexicon import Lexicon, lexicon, shapes

POSSESSIVE = re.compile(r"['’]s?$")
_POSSESSIVE_S = re.compile(r"['’]s\b")
_NOT_LETTER = re.compile(r"[^a-z]")
_NOT_NAME_CHARACTER = re.compile(r"[^\w&\s]")
_SPACES = re.compile(r"\s+")
_CORE_CACHE_SIZE = 100_000


def core(name: str, lex: Lexicon | None = None) -> str:
    """The comparison form of an organisation name: ``"Acme Corp.'s"`` → ``"acme"``."""
    lex = lex or lexicon()
    # the rules ask for the core of the same few names many times per document
    cache = lex.core_cache
    found = cache.get(name)
    if found is None:
        if len(cache) >= _CORE_CACHE_SIZE:
            cache.clear()
        found = cache[name] = _core(name, lex)
    return found


def _core(name: str, lex: Lexicon) -> str:
    words = _POSSESSIVE_S.sub("", name.replace("’", "'")).split()
    while words and words[0].lower() in lex.articles:
        words = words[1:]
    while len(words) > 1 and _NOT_LETTER.sub("", words[-1].lower()) in lex.legal_suffixes:
        words = words[:-1]
    joined = " ".join(words).lower()
    return _SPACES.sub(" ", _NOT_NAME_CHARACTER.sub("", joined)).strip()


def canonical_name(surfaces: Sequence[str], lex: Lexicon | None = None) -> str:
    """The longest surface form without article, possessive and legal suffix."""
    lex = lex or lexicon()
    forms = [display_name(s, lex) for s in surfaces]
    names = [f for f in forms if not shapes().short_display.fullmatch(f)] or forms
    return max(names, key=lambda f: (len(f.split()), len(f), -names.index(f)))


def display_name(surface: str, lex: Lexicon) -> str:
    words = _POSSESSIVE_S.sub("", surface).split()
    if len(words) > 1 and words[0].lower() == "the" and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and _NOT_LETTER.sub("", words[-1].lower()) in lex.legal_suffixes:
        if words[-2] in ("&", "and"):
            break  # "Stonebridge & Co": the suffix is part of the name
        words = words[:-1]
    return " ".join(words).rstrip(",")


def initials(name: str) -> str:
    """The first letters of a core's words, connectors left out: "acme widget co" → "awc"."""
    words = [w for w in name.split() if w not in lexicon().name_connectors]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def all_initials(surface: str, lex: Lexicon | None = None) -> set[str]:
    """The initials a name may be shortened to, with and without its legal suffix:
    "Norvik Trading Co." → {"nt", "ntc"}."""
    words = _NOT_NAME_CHARACTER.sub(" ", _POSSESSIVE_S.sub("", surface).lower()).split()
    while words and words[0] in lexicon().articles:
        words = words[1:]
    return {initials(core(surface, lex)), initials(" ".join(words))} - {""}


def clips(short: str, long: str) -> bool:
    """*short* is *long* with its last word cut to a beginning of three letters or more:
    "orvane tech" of "orvane technologies", "tandem net" of "tandem network"."""
    s_words, l_words = short.split(), long.split()
    return (
        len(s_words) == len(l_words) > 1
        and s_words[:-1] == l_words[:-1]
        and len(s_words[-1]) >= 3
        and len(s_words[-1]) < len(l_words[-1])
        and l_words[-1].startswith(s_words[-1])
    )
