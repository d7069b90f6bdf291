"""HTML pages: trafilatura's main-text extraction plus metadata from the page's head.

trafilatura is only given the markup, never a URL to fetch, so reading stays offline.
Metadata comes from the standard tags (``<title>``, ``rel=canonical``, Open Graph,
``article:published_time``, JSON-LD ``datePublished``) read with the standard library's
parser, so that what counts as the published date is explicit rather than guessed.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import trafilatura

from kg.read.base import Article, Note, Parsed
from kg.read.meta import clean_value, normalise_date
from kg.read.text import tidy


class _HeadParser(HTMLParser):
    """Collects the title, link and meta tags and JSON-LD scripts of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.json_ld: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "title" and not self.title:
            self._in = "title"
        elif tag == "script" and values.get("type", "").lower() == "application/ld+json":
            self._in = "json-ld"
            self.json_ld.append("")
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href") or None
        elif tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key and key not in self.meta and values.get("content"):
                self.meta[key] = values["content"]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "script"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title.append(data)
        elif self._in == "json-ld":
            self.json_ld[-1] += data


def _json_ld_field(scripts: list[str], key: str) -> object:
    """The first value of ``key`` in any JSON-LD object (also inside lists and @graph)."""
    for script in scripts:
        try:
            stack: list[object] = [json.loads(script)]
        except (ValueError, RecursionError):
            continue
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if item.get(key):
                    return item[key]
                stack.extend(value for value in item.values() if isinstance(value, list | dict))
    return None


def _publisher(head: _HeadParser) -> str | None:
    if site := clean_value(head.meta.get("og:site_name")):
        return site
    publisher = _json_ld_field(head.json_ld, "publisher")
    if isinstance(publisher, dict):
        return clean_value(publisher.get("name"))
    return clean_value(publisher) if isinstance(publisher, str) else None


def _title(head: _HeadParser) -> str | None:
    """og:title, else <title> without a trailing " | Site name" (or " - Site name")."""
    if title := clean_value(head.meta.get("og:title")):
        return title
    title = clean_value("".join(head.title))
    site = _publisher(head)
    if title and site:
        for separator in (" | ", " - ", " – ", " — "):
            if title.endswith(separator + site):
                return title[: -len(separator + site)].strip() or title
    return title


def read_html(markup: str, source: str) -> Parsed:
    """The main text of an HTML page, without navigation, scripts and boilerplate."""
    head = _HeadParser()
    try:
        head.feed(markup)
        head.close()
    except (ValueError, AssertionError):  # malformed markup: keep what was collected
        pass
    text = trafilatura.extract(
        markup,
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        deduplicate=False,
    )
    if not text or not text.strip():
        return Parsed(notes=(Note(source, "no main text found in the HTML page"),))
    published_raw = head.meta.get("article:published_time") or _json_ld_field(
        head.json_ld, "datePublished"
    )
    article = Article(
        # trafilatura ends each paragraph with one newline; a blank line keeps paragraphs
        # apart the same way as in the text readers.
        text=tidy(text.replace("\n", "\n\n")),
        source=source,
        title=_title(head),
        url=clean_value(head.canonical or head.meta.get("og:url")),
        publisher=_publisher(head),
        published=normalise_date(published_raw),
        links=(),
    )
    return Parsed((article,))
