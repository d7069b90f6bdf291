"""How organisation names compare and display: cores, initials, canonical names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.extract.orgs.lexicon import Lexicon, lexicon, shapes

POSSESSIVE = re.compile(r"['’]s?$")


def core(name: str, lex: Lexicon | None = None) -> str:
    """The comparison form of an organisation name: ``"Acme Corp.'s"`` → ``"acme"``."""
    lex = lex or lexicon()
    words = re.sub(r"['’]s\b", "", name.replace("’", "'")).split()
    while words and words[0].lower() in lex.articles:
        words = words[1:]
    while len(words) > 1 and re.sub(r"[^a-z]", "", words[-1].lower()) in lex.legal_suffixes:
        words = words[:-1]
    joined = " ".join(words).lower()
    return re.sub(r"\s+", " ", re.sub(r"[^\w&\s]", "", joined)).strip()


def canonical_name(surfaces: Sequence[str], lex: Lexicon | None = None) -> str:
    """The longest surface form without article, possessive and legal suffix."""
    lex = lex or lexicon()
    forms = [display_name(s, lex) for s in surfaces]
    names = [f for f in forms if not shapes().short_display.fullmatch(f)] or forms
    return max(names, key=lambda f: (len(f.split()), len(f), -names.index(f)))


def display_name(surface: str, lex: Lexicon) -> str:
    words = re.sub(r"['’]s\b", "", surface).split()
    if len(words) > 1 and words[0].lower() == "the" and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and re.sub(r"[^a-z]", "", words[-1].lower()) in lex.legal_suffixes:
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
    words = re.sub(r"[^\w&\s]", " ", re.sub(r"['’]s\b", "", surface).lower()).split()
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
