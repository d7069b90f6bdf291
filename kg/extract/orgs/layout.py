"""Where a document's layout says a name is no mention (datelines, bylines, headlines,
listings, credit lines), and where the text names the source of the news."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.nlp import SPANS_KEY
from kg.extract.orgs.lexicon import lexicon, shapes

_DASHES = "-–—"


def blocked_ranges(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Datelines, bylines and title-case headlines: names there are not mentions."""
    rule_spans = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else []
    blocked = [(s.start_char, s.end_char) for s in rule_spans if s.label_ == "SOURCE"]
    blocked.extend(_byline_ranges(text))
    blocked.extend(_headline_ranges(text))
    blocked.extend(_ticker_ranges(text))
    blocked.extend(_dateline_ranges(text))
    return blocked


def _dateline_ranges(text: str) -> list[tuple[int, int]]:
    """Wire datelines: "OSLO, Sept 9 (Wire) - ", "Lindmoor [Northshire], May 2 (Wire): ".

    The place, region and outlet opening the story name no party. A colon ends one only
    with a country, a date or an outlet, or after an all-caps place ("Update: …" is none).
    """
    ranges = []
    for match in shapes().dateline.finditer(text):
        if match.group("end") == ":" and not (
            match.group("country")
            or match.group("day")
            or match.group("outlet")
            or match.group("place").isupper()
        ):
            continue
        ranges.append((match.start("place"), match.end("end")))
    return ranges


def _byline_ranges(text: str) -> list[tuple[int, int]]:
    """Short lines starting with "By ": the names in them are authors and outlets."""
    return [(m.start(), m.end()) for m in shapes().byline.finditer(text)]


def _ticker_ranges(text: str) -> list[tuple[int, int]]:
    """Brackets of stock exchange listings: the exchange and the symbol name no party."""
    return [(m.start(), m.end()) for m in shapes().listing.finditer(text)]


def _headline_ranges(text: str) -> list[tuple[int, int]]:
    """Title-case lines ("Acme Partners With Borealis", "Acme Wins a Contract for the
    Borealis Plant"): capitals there say nothing. Short function words, which title case
    leaves in lower case, are not counted."""
    function_words = lexicon().function_words
    ranges = []
    for match in re.finditer(r"(?m)^[^\n]+$", text):
        line = match.group().strip()
        words = re.findall(r"[A-Za-z][\w'’-]*", line)
        if line.endswith((".", "!", "?", ":", ";", ",")) or not 4 <= len(words) <= 25:
            continue
        content = [w for w in words if w not in function_words]
        if content and sum(w[0].isupper() for w in content) >= 0.8 * len(content):
            ranges.append((match.start(), match.end()))
    return ranges


def is_dateline_head(span: SpacySpan, text: str) -> bool:
    """A name opening a line and followed by a dash ("Outlet - Story") is a source."""
    line_start = text.rfind("\n", 0, span.start_char) + 1
    if text[line_start : span.start_char].strip():
        return False
    after = text[span.end_char : span.end_char + 3].lstrip(" ")
    return bool(after) and after[0] in _DASHES


def is_credit_line(span: SpacySpan, text: str) -> bool:
    """ "… the end of the story. – Outlet.com": a name after a dash closing its line
    credits the source of the text."""
    line_start = text.rfind("\n", 0, span.start_char) + 1
    before = text[line_start : span.start_char]
    line_end = text.find("\n", span.end_char)
    after = text[span.end_char : len(text) if line_end < 0 else line_end].strip()
    return bool(shapes().credit_dash.search(before)) and after in {"", "."}


def attributed_ranges(doc: Doc) -> list[tuple[int, int, str]]:
    """Where the text names the source of the news ("according to X", "X, citing …"),
    with the pattern's id."""
    rule_spans = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else []
    return [(s.start_char, s.end_char, s.id_) for s in rule_spans if s.label_ == "ATTRIBUTION"]


def outlet_ranges(attributed: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    # "Acme reported a profit": a company reports too, so only the other cues name outlets
    return [(start, end) for start, end, rule in attributed if rule != "reported"]


def inside(start: int, end: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(low <= start and end <= high for low, high in ranges)
