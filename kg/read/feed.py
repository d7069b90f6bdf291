"""News-feed pages: one saved page holding a main article and a list of similar articles.

The layout, recognised by its marker lines and never by file name::

    <title>
    <publisher>
    Summary
    <summary paragraph>
    <lead paragraph(s)>
    Original Article
    View Cached Full Text
    Cached at: MM/DD/YY, HH:MM PM
    # <title> Source: [url](url) <full text>
    Similar Articles
    <title> / <publisher> / <summary paragraph>   (repeated, blank lines between)

Each article becomes its own Article, so facts never mix across them. The main article's
text is its lead paragraph(s) followed by the cached full text (the lead is dropped when the
full text already contains it); the page's summary is the aggregator's paraphrase, not the
article's words, and is used only when the page has neither lead nor full text. Each similar
article's text is its summary paragraph. All of them carry ``part_of`` = the page's id, the
content hash of the whole page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.read.base import Article, Note, Parsed, content_id
from kg.read.meta import clean_value
from kg.read.text import clean_markdown, normalise_newlines

_SUMMARY = "Summary"
_ORIGINAL = "Original Article"
_VIEW_CACHED = "View Cached Full Text"
_SIMILAR = "Similar Articles"
_CACHED_AT = re.compile(r"Cached at:\s*(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b.*", re.IGNORECASE)
# "# Title Source: [url](url) body…" with the heading either on one line with the body or alone.
_SOURCE = re.compile(
    r"\A#{1,6}[ \t]*(?P<title>[^\n]*?)\s*Source:\s*"
    r"(?:\[[^\]\n]*\]\((?P<link>[^)\s]+)\)|(?P<bare>\S+))\s*(?P<body>.*)\Z",
    re.DOTALL,
)
_HEADING_LINE = re.compile(r"\A#{1,6}[ \t]+(?P<title>[^\n]*)\n?(?P<body>.*)\Z", re.DOTALL)
# An entry title or a publisher name is a short line; a summary is made of sentences.
_SHORT = 160


@dataclass(frozen=True)
class _Sections:
    """The page cut at its marker lines; each field is a list of paragraphs."""

    header: list[str]
    summary: list[str]
    cached: list[str]
    cached_at: str | None
    similar: list[str]


def is_feed_page(text: str) -> bool:
    """True when the text has the marker lines of a news-feed page."""
    lines = {line.strip() for line in text.split("\n")}
    has_cache = _VIEW_CACHED in lines or any(_CACHED_AT.fullmatch(line) for line in lines)
    return _SUMMARY in lines and has_cache


def _paragraphs(lines: list[str]) -> list[str]:
    """Blocks of non-blank lines, each joined into one string."""
    blocks: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    return blocks


def _index(lines: list[str], start: int, wanted: set[str], default: int) -> int:
    for i in range(start, len(lines)):
        stripped = lines[i].strip()
        if stripped in wanted or (_CACHED_AT.fullmatch(stripped) and "Cached at:" in wanted):
            return i
    return default


def _sections(text: str) -> _Sections:
    lines = text.split("\n")
    summary_at = _index(lines, 0, {_SUMMARY}, len(lines))
    cached_from = _index(lines, summary_at + 1, {_ORIGINAL, _VIEW_CACHED, "Cached at:"}, len(lines))
    similar_at = _index(lines, cached_from, {_SIMILAR}, len(lines))
    cached_lines: list[str] = []
    cached_at = None
    for line in lines[cached_from:similar_at]:
        stripped = line.strip()
        if match := _CACHED_AT.fullmatch(stripped):
            cached_at = _retrieved(match) if cached_at is None else cached_at
        elif stripped not in (_ORIGINAL, _VIEW_CACHED):
            cached_lines.append(line)
    return _Sections(
        header=_paragraphs(lines[:summary_at]),
        summary=_paragraphs(lines[summary_at + 1 : cached_from]),
        cached=["\n".join(cached_lines).strip()] if "".join(cached_lines).strip() else [],
        cached_at=cached_at,
        similar=_paragraphs(lines[similar_at + 1 :]),
    )


def _retrieved(match: re.Match[str]) -> str | None:
    """MM/DD/YY (or MM/DD/YYYY) as ISO; two-digit years are this century's."""
    month, day, year = int(match[1]), int(match[2]), int(match[3])
    year = year + 2000 if year < 100 else year
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@dataclass(frozen=True)
class _FullText:
    title: str | None
    url: str | None
    body: str


def _full_text(raw: str) -> _FullText:
    """Split the cached full text into its heading title, Source: URL and body."""
    if match := _SOURCE.match(raw):
        url = match["link"] or match["bare"]
        return _FullText(clean_value(match["title"]), url, match["body"])
    if match := _HEADING_LINE.match(raw):
        return _FullText(clean_value(match["title"]), None, match["body"])
    return _FullText(None, None, raw)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _main_article(sections: _Sections, source: str, page_id: str) -> Article | None:
    full = _full_text(sections.cached[0]) if sections.cached else _FullText(None, None, "")
    body = clean_markdown(full.body)
    lead = clean_markdown("\n\n".join(sections.summary[1:]))
    parts = [body.text]
    if lead.text and _squash(lead.text) not in _squash(body.text):
        parts.insert(0, lead.text)
    found = [full.url] if full.url else []
    links = tuple(dict.fromkeys([*found, *lead.links, *body.links]))
    text = "\n\n".join(part for part in parts if part)
    if not text and sections.summary:
        summary = clean_markdown(sections.summary[0])
        text, links = summary.text, summary.links
    if not text:
        return None
    header = sections.header
    return Article(
        text=text,
        source=f"{source}#main",
        title=clean_value(header[0]) if header else full.title,
        url=full.url,
        publisher=clean_value(header[1]) if len(header) > 1 else None,
        retrieved=sections.cached_at,
        part_of=page_id,
        links=links,
    )


def _is_short(block: str) -> bool:
    """Could be an entry's title or publisher: one short line not ending a sentence."""
    return len(block) <= _SHORT and "\n" not in block and not block.endswith(".")


def _similar_entries(blocks: list[str]) -> list[tuple[str, str, str]]:
    """(title, publisher, summary) triples; a summary runs until the next short/short pair."""
    entries: list[tuple[str, str, str]] = []
    i = 0
    while i + 2 < len(blocks):
        title, publisher, summary = blocks[i], blocks[i + 1], [blocks[i + 2]]
        i += 3
        while i < len(blocks) and not (
            _is_short(blocks[i]) and i + 1 < len(blocks) and _is_short(blocks[i + 1])
        ):
            summary.append(blocks[i])
            i += 1
        entries.append((title, publisher, "\n\n".join(summary)))
    return entries


def read_feed_page(text: str, source: str) -> Parsed:
    """One Article for the page's main article and one per similar-article entry."""
    text = normalise_newlines(text)
    page_id = content_id(text)
    sections = _sections(text)
    articles: list[Article] = []
    notes: list[Note] = []
    main = _main_article(sections, source, page_id)
    if main is None:
        notes.append(Note(source, "news-feed page has no main article text", True))
    else:
        articles.append(main)
    entries = _similar_entries(sections.similar)
    for number, (title, publisher, summary) in enumerate(entries, start=1):
        cleaned = clean_markdown(summary)
        articles.append(
            Article(
                text=cleaned.text,
                source=f"{source}#similar-{number}",
                title=clean_markdown(title).text or None,
                publisher=clean_value(publisher),
                part_of=page_id,
                links=cleaned.links,
            )
        )
    leftover = len(sections.similar) - sum(
        2 + len(summary.split("\n\n")) for _, _, summary in entries
    )
    if leftover > 0:
        notes.append(
            Note(source, f"{leftover} trailing line(s) under Similar Articles ignored", True)
        )
    return Parsed(tuple(articles), tuple(notes))
