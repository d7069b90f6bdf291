"""kg.extract.occurrences.WholeWords finds what the per-name regex finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.occurrences import WholeWords

_PIECES = ["Acme", "Acme-Borealis", "Borealis", "é", "Ünter", "ab", "ab ab", " ", "-", ".", "\n"]


def _regex(text: str, name: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(st.sampled_from([*_PIECES, "x", "1"]), max_size=30).map("".join),
    names=st.lists(
        st.one_of(
            st.lists(st.sampled_from(_PIECES), min_size=1, max_size=3).map("".join),
            st.text(alphabet="ab -.é", max_size=6),
        ),
        max_size=8,
    ),
)
def test_the_same_spans_as_the_regex(text: str, names: list[str]) -> None:
    words = WholeWords(text)
    for name in names:
        assert list(words.find(name)) == _regex(text, name), name


def test_names_within_longer_words_and_repeats() -> None:
    text = "Acme-Borealis and Acme, Acmes; ab ab ab (Acme) -Acme"
    words = WholeWords(text)
    assert [text[s:e] for s, e in words.find("Acme")] == ["Acme", "Acme"]  # not Acmes, -Acme
    assert len(list(words.find("ab ab"))) == 1  # non-overlapping, as finditer
    for name in ("Acme", "ab ab", "Acme-Borealis", "(Acme)", "Borealis"):
        assert list(words.find(name)) == _regex(text, name), name
