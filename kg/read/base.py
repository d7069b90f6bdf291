"""What every reader returns: articles (text plus metadata) and notes about the input.

Readers never build :class:`kg.models.Document` themselves: :func:`to_document` does, so the
content-hash id and the language are computed in one place, from the final cleaned text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kg.models import Document
from kg.read.meta import guess_language


@dataclass(frozen=True)
class Article:
    """One article's cleaned text and the metadata a reader found for it."""

    text: str
    source: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    retrieved: str | None = None
    part_of: str | None = None
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Note:
    """Something wrong with an input: a problem (input skipped) or a warning (input kept)."""

    source: str
    message: str
    warning: bool = False


@dataclass(frozen=True)
class Parsed:
    """A reader's output for one input."""

    articles: tuple[Article, ...] = ()
    notes: tuple[Note, ...] = ()


def content_id(text: str) -> str:
    """``doc-`` plus the first 16 hex digits of the SHA-256 of ``text`` (UTF-8)."""
    return "doc-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# NUL and the non-characters U+FFFE/U+FFFF are valid in a Python string but not in
# every RDF parser (Raptor truncates or rejects them): they never reach a Document.
_UNSAFE = dict.fromkeys(map(ord, "\x00\ufffe\uffff"))


def _safe(value: str | None) -> str | None:
    return value.translate(_UNSAFE) if value is not None else None


def to_document(article: Article) -> Document:
    """Freeze an article into a Document; its text is final from here on."""
    text = article.text.translate(_UNSAFE)
    return Document(
        id=content_id(text),
        text=text,
        source=article.source,
        title=_safe(article.title),
        url=_safe(article.url),
        publisher=_safe(article.publisher),
        published=article.published,
        retrieved=article.retrieved,
        language=guess_language(text),
        part_of=article.part_of,
        links=article.links,
    )
