"""Plain text and Markdown: YAML front matter and Markdown clean-up.

The cleaned text is what later stages index into, so every transformation happens here,
before the Document exists: links become their text (URLs kept in ``links``), escapes and
heading markers go, whitespace is tidied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from kg.read.base import Article, Note, Parsed
from kg.read.front_matter import FrontMatterRefused, load_front_matter, plain, text_value
from kg.read.meta import clean_value, normalise_date

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"\n]*\")?\s*\)")
# Link text may itself hold escaped brackets (\[ \]), which must not end the text early.
_LINK = re.compile(r"\[((?:\\.|[^\]\\\n])+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Cleaned:
    """Markdown turned into plain text, with the link targets it contained."""

    text: str
    links: tuple[str, ...]


def normalise_newlines(text: str) -> str:
    """Unix newlines and no byte-order mark, so offsets mean the same on every platform."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def clean_markdown(text: str) -> Cleaned:
    """Strip Markdown syntax that is not part of the prose."""
    links: list[str] = []

    def keep_text(match: re.Match[str]) -> str:
        if match[2] and match[2] not in links:
            links.append(match[2])
        return match[1]

    def keep_url(match: re.Match[str]) -> str:
        if match[1] not in links:
            links.append(match[1])
        return match[1]

    text = _IMAGE.sub(keep_text, text)
    text = _LINK.sub(keep_text, text)
    text = _AUTOLINK.sub(keep_url, text)
    text = _HEADING.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _ESCAPE.sub(r"\1", text)
    return Cleaned(tidy(text), tuple(links))


def tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, no outer blank space."""
    text = _TRAILING_SPACE.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def split_front_matter(text: str, source: str) -> tuple[dict[str, object], str, list[Note]]:
    """The YAML front matter as a mapping, the body after it, and notes on malformed YAML.

    :raises FrontMatterRefused: valid YAML that kg will not expand or convert (the
        document is skipped: its metadata cannot be trusted and may be an attack).
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text, []
    body = text[match.end() :]
    try:
        data = load_front_matter(match[1])
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        return {}, body, [Note(source, f"front matter is not valid YAML{where}; ignored", True)]
    if data is None:
        return {}, body, []
    if not isinstance(data, dict):
        return {}, body, [Note(source, "front matter is not a mapping; ignored", True)]
    return {str(key).lower(): value for key, value in data.items()}, body, []


# Each text field and the keys that may hold it, in order of preference.
_TEXT_FIELDS = {"title": ("title",), "url": ("source_url", "url"), "publisher": ("publisher",)}


def metadata_fields(
    data: dict[str, object], source: str
) -> tuple[dict[str, str | None], list[Note]]:
    """The metadata fields this project knows, from front matter or a JSON record.

    Values are made :func:`~kg.read.front_matter.plain` first (sets sorted), so the same
    record gives the same fields under any hash seed; a field that is no text (a mapping,
    nested lists) is ignored with a warning.
    """
    data = {key: plain(value) for key, value in data.items()}
    notes = []
    texts: dict[str, str | None] = {}
    for field, keys in _TEXT_FIELDS.items():
        raw = next((data[key] for key in keys if data.get(key) not in (None, "")), None)
        texts[field] = clean_value(text_value(raw))
        if raw is not None and text_value(raw) is None:
            notes.append(Note(source, f"{field} is not text ({_kind(raw)}); ignored", True))
    fields = {
        **texts,
        "published": normalise_date(data.get("published")),
        "retrieved": normalise_date(data.get("retrieved")),
    }
    for key in ("published", "retrieved"):
        raw = data.get(key)
        if fields[key] is None and clean_value(raw) is not None and not isinstance(raw, bool):
            notes.append(Note(source, f"unrecognised {key} date {str(raw)!r}; ignored", True))
    return fields, notes


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list of collections"
    if isinstance(value, bytes):
        return "binary data"
    return type(value).__name__


def read_text(text: str, source: str) -> Parsed:
    """A .txt or .md document: front matter, then the Markdown-cleaned body."""
    text = normalise_newlines(text)
    try:
        data, body, notes = split_front_matter(text, source)
    except FrontMatterRefused as refused:
        return Parsed(notes=(Note(source, f"{refused}; skipped"),))
    fields, field_notes = metadata_fields(data, source)
    cleaned = clean_markdown(body)
    if not cleaned.text:
        empty = "no text after the front matter" if data else "no text"
        return Parsed(notes=(*notes, *field_notes, Note(source, empty)))
    article = Article(text=cleaned.text, source=source, links=cleaned.links, **fields)
    return Parsed((article,), (*notes, *field_notes))
