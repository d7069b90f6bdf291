"""Format readers used by :mod:`kg.read`; each turns one input's text into Articles."""

from __future__ import annotations

from kg.readers.base import Article, Note, Parsed, content_id, to_document
from kg.readers.feed import is_feed_page, read_feed_page
from kg.readers.html import read_html
from kg.readers.records import read_json, read_jsonl
from kg.readers.text import clean_markdown, read_text

__all__ = [
    "Article",
    "Note",
    "Parsed",
    "clean_markdown",
    "content_id",
    "is_feed_page",
    "read_feed_page",
    "read_html",
    "read_json",
    "read_jsonl",
    "read_text",
    "to_document",
]
