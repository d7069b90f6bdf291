"""JSON Lines and JSON: one document per record.

A record is an object with a ``text`` string and optionally the metadata fields of front
matter (``title``, ``source_url``/``url``, ``published``, ``publisher``, ``retrieved``). Bad
records are reported with their line (JSONL) or index (JSON); the good ones are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from kg.read.base import Article, Note, Parsed, repair_surrogates
from kg.read.text import metadata_fields, normalise_newlines

# Turns one record's text into articles (lets a record hold a news-feed page too).
TextReader = Callable[[str, str], Parsed]


def _repaired(value: object) -> tuple[object, bool]:
    """A JSON value with lone surrogates replaced by U+FFFD, and whether there were any."""
    if isinstance(value, str):
        text, count = repair_surrogates(value)
        return text, count > 0
    if isinstance(value, list):
        items = [_repaired(item) for item in value]
        return [item for item, _ in items], any(changed for _, changed in items)
    if isinstance(value, dict):
        pairs = {key: _repaired(item) for key, item in value.items()}
        return {key: item for key, (item, _) in pairs.items()}, any(
            changed for _, changed in pairs.values()
        )
    return value, False


def _surrogate_repairs(
    record: dict[str, object], source: str, where: str
) -> tuple[dict[str, object], list[Note]]:
    """The record with lone surrogates (``"\\ud800"``: half of a UTF-16 pair, no character,
    not encodable as UTF-8) replaced by U+FFFD, and a warning naming the fields repaired."""
    repaired: dict[str, object] = {}
    fields = []
    for key, value in record.items():
        name, renamed = repair_surrogates(str(key))
        repaired[name.lower()], changed = _repaired(value)
        if changed or renamed:
            fields.append(name)
    if not fields:
        return repaired, []
    message = (
        f"{where}: lone surrogate escapes (half of a UTF-16 pair, e.g. \\ud800) in "
        f"{', '.join(fields)} replaced by U+FFFD"
    )
    return repaired, [Note(source, message, True)]


def _record(value: object, source: str, where: str, read_body: TextReader) -> Parsed:
    if not isinstance(value, dict):
        return Parsed(notes=(Note(source, f"{where}: not a JSON object"),))
    value, repairs = _surrogate_repairs(value, source, where)
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        return Parsed(notes=(*repairs, Note(source, f'{where}: no "text" string')))
    fields, notes = metadata_fields(value, source)
    notes = [*repairs, *notes]
    body = read_body(normalise_newlines(text), f"{source}{where_suffix(where)}")
    articles = []
    for article in body.articles:
        # Record fields win over what the text reader found, except for split pages.
        if article.part_of is None:
            article = replace(
                article,
                title=fields["title"] or article.title,
                url=fields["url"] or article.url,
                publisher=fields["publisher"] or article.publisher,
                published=fields["published"] or article.published,
                retrieved=fields["retrieved"] or article.retrieved,
            )
        articles.append(article)
    return Parsed(tuple(articles), (*notes, *body.notes))


def where_suffix(where: str) -> str:
    """``line 3`` → ``:3``; ``item 2`` → ``[2]``: how a record is named in Document.source."""
    kind, _, number = where.partition(" ")
    return f":{number}" if kind == "line" else f"[{number}]"


def read_jsonl(text: str, source: str, read_body: TextReader) -> Parsed:
    """One record per non-empty line; invalid lines are reported with their number."""
    articles: list[Article] = []
    notes: list[Note] = []
    for number, line in enumerate(normalise_newlines(text).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as error:
            notes.append(Note(source, f"line {number}: invalid JSON ({_reason(error)})"))
            continue
        parsed = _record(value, source, f"line {number}", read_body)
        articles.extend(parsed.articles)
        notes.extend(parsed.notes)
    if not articles and not notes:
        notes.append(Note(source, "no records"))
    return Parsed(tuple(articles), tuple(notes))


def read_json(text: str, source: str, read_body: TextReader) -> Parsed:
    """A JSON array of records or a single record."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        return Parsed(notes=(Note(source, f"invalid JSON ({_reason(error)})"),))
    if isinstance(value, dict):
        return _record(value, source, "item 0", read_body)
    if not isinstance(value, list):
        return Parsed(notes=(Note(source, "JSON is neither an object nor an array of objects"),))
    articles: list[Article] = []
    notes: list[Note] = []
    for index, item in enumerate(value):
        parsed = _record(item, source, f"item {index}", read_body)
        articles.extend(parsed.articles)
        notes.extend(parsed.notes)
    if not articles and not notes:
        notes.append(Note(source, "no records"))
    return Parsed(tuple(articles), tuple(notes))


def holds_records(text: str, kind: str) -> bool:
    """Whether JSON (*kind* ``json``) or JSON Lines (``jsonl``) *text* is shaped like article
    records: an object with a ``text`` field, or an array or lines holding one. Text that
    does not parse counts as a (broken) record file, so its problems are still reported."""
    if kind == "json":
        try:
            values = [json.loads(text)]
        except (ValueError, RecursionError):
            return True
        if isinstance(values[0], list):
            values = values[0]
    else:
        values = []
        for line in normalise_newlines(text).split("\n"):
            if not line.strip():
                continue
            try:
                values.append(json.loads(line))
            except (ValueError, RecursionError):
                return True
    return any(isinstance(value, dict) and "text" in value for value in values)


def _reason(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    return type(error).__name__
