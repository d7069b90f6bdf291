"""Whole-word occurrences of many names in one long text, without a scan per name.

``re.finditer(r"(?<![\\w-])NAME(?![\\w-])", text)`` once per name is linear in the text for
each name, so quadratic in a long document (whose names grow with it). A match can only
start where a run of word characters starts after neither a word character nor a hyphen,
and that run is then exactly the name's own leading run (the name goes on with a non-word
character, or ends where the look-ahead forbids one). So the word starts are indexed once
by their run, and each name is checked only where its leading run stands: the same
matches, in the same order, as the regex.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_WORD_START = re.compile(r"(?<![\w-])\w+")
_LEADING_RUN = re.compile(r"\w+")
_WORD_OR_HYPHEN = re.compile(r"[\w-]")


class WholeWords:
    """The texts's word starts, by the run of word characters that begins there."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: dict[str, list[int]] = {}
        for match in _WORD_START.finditer(text):
            self._starts.setdefault(match.group(), []).append(match.start())

    def find(self, name: str) -> Iterator[tuple[int, int]]:
        """The spans of *name* as ``re.finditer(rf"(?<![\\w-]){re.escape(name)}(?![\\w-])")``
        finds them: non-overlapping, left to right."""
        lead = _LEADING_RUN.match(name)
        if not name or lead is None:  # a name that does not start with a word character
            pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
            yield from (m.span() for m in pattern.finditer(self.text))
            return
        text, size, free = self.text, len(name), 0
        for start in self._starts.get(lead.group(), ()):
            end = start + size
            if (
                start >= free
                and text.startswith(name, start)
                and not _WORD_OR_HYPHEN.match(text, end)
            ):
                free = end  # finditer goes on after a match
                yield start, end
