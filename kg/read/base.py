"""What every reader returns: articles (text plus metadata) and notes about the input.

Readers never build :class:`kg.models.Document` themselves: :func:`to_document` does, so the
content-hash id and the language are computed in one place, from the final cleaned text.
"""

from __future__ import annotations

import hashlib
import os
import re
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


# A surrogate code point on its own (JSON's "\\ud800", a file name that is not UTF-8 read
# with surrogateescape) is no character: UTF-8 cannot encode it, so neither can any RDF file.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def repair_surrogates(value: str) -> tuple[str, int]:
    """``value`` with every lone surrogate replaced by U+FFFD, and how many there were."""
    return _LONE_SURROGATE.subn("\ufffd", value)


def display_name(path: object) -> str:
    """A path as text that UTF-8 can encode: bytes of a non-UTF-8 name are written as
    ``\\xe9`` escapes (the name on disk is unchanged; only its record in the graph)."""
    name = str(path)
    if not _LONE_SURROGATE.search(name):
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _safe(value: str | None) -> str | None:
    if value is None:
        return None
    return repair_surrogates(value.translate(_UNSAFE))[0]


def to_document(article: Article) -> Document:
    """Freeze an article into a Document; its text is final from here on.

    Readers repair lone surrogates with a warning; the repair here is the backstop that
    keeps the content hash (UTF-8) and every serialisation from failing whatever a reader
    passed on.
    """
    text = repair_surrogates(article.text.translate(_UNSAFE))[0]
    return Document(
        id=content_id(text),
        text=text,
        source=display_name(article.source),
        title=_safe(article.title),
        url=_safe(article.url),
        publisher=_safe(article.publisher),
        published=article.published,
        retrieved=article.retrieved,
        language=guess_language(text),
        part_of=_safe(article.part_of),
        links=tuple(repair_surrogates(link)[0] for link in article.links),
    )
