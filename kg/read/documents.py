"""Read input documents: files, directories, globs and standard input → Documents.

Every input problem (missing path, binary or empty file, invalid JSON line…) becomes a
:class:`kg.models.Problem` naming the input, and the rest of the batch goes on; ``strict``
turns the first problem into an :class:`kg.errors.InputError`. Warnings (input kept, e.g.
decoded from a legacy encoding) are reported apart and never fail a build.

Documents are identified by a hash of their cleaned text, so an article given twice (even
under another file name) is read once: the first source wins. Order is deterministic: the
inputs' order, and sorted paths within a directory or glob.
"""

from __future__ import annotations

import glob
import json
import os
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import charset_normalizer

from kg.errors import InputError
from kg.models import Document, Problem
from kg.read.base import Note, Parsed, display_name, to_document
from kg.read.feed import is_feed_page, read_feed_page
from kg.read.html import read_html
from kg.read.records import holds_records, read_json, read_jsonl
from kg.read.text import read_text

__all__ = [
    "DEFAULT_MAX_DOCUMENT_BYTES",
    "KNOWN_EXTENSIONS",
    "ReadLog",
    "ReadResult",
    "ReadWarning",
    "iter_documents",
    "read_documents",
]

KNOWN_EXTENSIONS = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".json": "json",
}
STDIN = "-"
_STDIN_NAME = "<stdin>"
_SNIFF = 8192
# Signatures of common binary formats, to name what was given instead of text.
_MAGIC = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive (or Office document)",
    b"\x1f\x8b": "gzip archive",
}
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

DEFAULT_MAX_DOCUMENT_BYTES = 1_000_000
"""Largest article text (UTF-8 bytes) built by default: what was measured to work
(bench/big_document.py, one document of synthetic deal news, 2 cores: 1 MB in 54 s at
545 MB peak, 5 MB in 369 s at 1.6 GB; memory grows with the document, about 300 MB per MB,
because its analysis is held whole). Real articles are a few KB; a file of many articles (JSON
Lines, a feed page) is limited by ``max_bytes`` alone, and its memory does not grow."""


@dataclass(frozen=True)
class ReadWarning(Problem):
    """Something odd about an input that was read anyway."""


@dataclass(frozen=True)
class ReadResult:
    """The documents read, the inputs skipped (problems) and the ones kept with a warning."""

    documents: tuple[Document, ...]
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()


@dataclass
class ReadLog:
    """The inputs a streaming read skipped (problems) or kept with a warning."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def documents(self, items: Iterable[Document | Problem]) -> Iterator[Document]:
        """The documents of a :func:`kg.read.documents.iter_documents` stream; the rest is logged."""
        for item in items:
            if isinstance(item, Document):
                yield item
            elif isinstance(item, ReadWarning):
                self.warnings.append(item)
            else:
                self.problems.append(item)


def read_documents(
    inputs: Sequence[str | Path],
    *,
    max_bytes: int = 20_000_000,
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    strict: bool = False,
    stdin: IO[bytes] | None = None,
) -> ReadResult:
    """Read every input into Documents, collecting problems and warnings.

    :param inputs: files, directories (walked recursively), glob patterns or ``-`` (stdin).
    :param max_bytes: files larger than this are refused.
    :param max_document_bytes: an article whose text is larger than this is skipped.
    :param strict: raise :class:`InputError` at the first problem instead of skipping.
    :param stdin: the stream ``-`` reads; defaults to ``sys.stdin.buffer``.
    """
    documents: list[Document] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    items = iter_documents(
        inputs,
        max_bytes=max_bytes,
        max_document_bytes=max_document_bytes,
        strict=strict,
        stdin=stdin,
    )
    for item in items:
        if isinstance(item, Document):
            documents.append(item)
        elif isinstance(item, ReadWarning):
            warnings.append(item)
        else:
            problems.append(item)
    return ReadResult(tuple(documents), tuple(problems), tuple(warnings))


def iter_documents(
    inputs: Sequence[str | Path],
    *,
    max_bytes: int = 20_000_000,
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    strict: bool = False,
    stdin: IO[bytes] | None = None,
) -> Iterator[Document | Problem]:
    """Stream Documents, Problems and ReadWarnings (a Problem subclass) in input order."""
    seen: set[str] = set()
    not_records: dict[str, int] = {}  # walked folder → JSON files that hold no article records
    for target in _targets(inputs):
        if isinstance(target, Problem):
            yield _checked(target, strict)
            continue
        if isinstance(target, _Walked):
            parsed = _read_file(target.path, max_bytes, records_only=True)
            if parsed is _NOT_RECORDS:
                not_records[target.root] = not_records.get(target.root, 0) + 1
                continue
        elif isinstance(target, Path):
            parsed = _read_file(target, max_bytes)
        else:
            parsed = _read_stdin(stdin if stdin is not None else sys.stdin.buffer, max_bytes)
        for article in parsed.articles:
            document = to_document(article)
            if document.id in seen:  # the same text again: first source wins, silently
                continue
            seen.add(document.id)
            size = len(document.text.encode("utf-8"))
            if size > max_document_bytes:
                yield _checked(
                    Problem(document.source, _too_long(size, max_document_bytes)), strict
                )
            else:
                yield document
        for note in parsed.notes:
            issue = (ReadWarning if note.warning else Problem)(note.source, note.message)
            yield _checked(issue, strict)
    for root, count in not_records.items():
        files = (
            "1 JSON file is not an article record"
            if count == 1
            else (f"{count} JSON files are not article records")
        )
        yield ReadWarning(root, f'{files} (no "text" field): skipped')


def _checked(problem: Problem, strict: bool) -> Problem:
    if strict and not isinstance(problem, ReadWarning):
        raise InputError(str(problem))
    return problem


# --- Expanding inputs -------------------------------------------------------------------


@dataclass(frozen=True)
class _Walked:
    """A file found by walking the folder *root*: read only when it holds article records
    (a folder of articles may also hold annotation or configuration JSON)."""

    path: Path
    root: str


_NOT_RECORDS = Parsed()
"""What reading a walked JSON file that holds no article records gives."""


def _targets(inputs: Sequence[str | Path]) -> Iterator[Path | _Walked | str | Problem]:
    """Each input as files to read (a Path named, or found by walking a folder), ``-``,
    or the Problem that prevents it."""
    for raw in inputs:
        name = str(raw)
        if name == STDIN:
            yield STDIN
            continue
        path = Path(name)
        try:
            if path.is_dir():
                yield from _walk(path)
            elif os.path.lexists(path):
                yield path
            elif glob.has_magic(name):
                yield from _expand_glob(name)
            else:
                yield Problem(name, "no such file or directory")
        except OSError as error:
            yield Problem(name, _os_message(error))


def _walk(root: Path) -> Iterator[_Walked | Problem]:
    """Files with known extensions under ``root``, sorted; hidden entries are skipped."""
    found: list[tuple[tuple[str, ...], Path]] = []

    def failed(error: OSError) -> None:
        found.append(((), Path(error.filename or root)))

    for folder, dirs, files in os.walk(root, onerror=failed):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for file in files:
            path = Path(folder, file)
            if not file.startswith(".") and path.suffix.lower() in KNOWN_EXTENSIONS:
                found.append((path.relative_to(root).parts, path))
    if not found:
        yield ReadWarning(str(root), "directory holds no readable files (" + _known() + ")")
    for parts, path in sorted(found):
        # A folder os.walk could not list is reported, not read.
        if parts:
            yield _Walked(path, str(root))
        else:
            yield Problem(str(path), "permission denied (cannot list directory)")


def _expand_glob(pattern: str) -> Iterator[Path | _Walked | Problem]:
    matches = sorted(glob.glob(pattern, recursive=True))
    files = [Path(m) for m in matches if not Path(m).is_dir()]
    readable = [f for f in files if f.suffix.lower() in KNOWN_EXTENSIONS]
    folders = [Path(m) for m in matches if Path(m).is_dir()]
    if not readable and not folders:
        yield Problem(pattern, "no readable files match this pattern (" + _known() + ")")
        return
    for match in matches:
        path = Path(match)
        if path.is_dir():
            yield from _walk(path)
        elif path.suffix.lower() in KNOWN_EXTENSIONS:
            yield path


def _known() -> str:
    return ", ".join(sorted(KNOWN_EXTENSIONS))


def _os_message(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    return error.strerror or type(error).__name__


# --- Reading bytes ----------------------------------------------------------------------


def _problem(source: str, message: str) -> Parsed:
    return Parsed(notes=(Note(source, message),))


def _read_file(path: Path, max_bytes: int, *, records_only: bool = False) -> Parsed:
    source = display_name(path)
    parsed = _read_named_file(path, source, max_bytes, records_only)
    if source == str(path):
        return parsed
    renamed = Note(source, "file name is not UTF-8: recorded with \\x escapes for its bytes", True)
    return Parsed(parsed.articles, (renamed, *parsed.notes))


def _read_named_file(path: Path, source: str, max_bytes: int, records_only: bool) -> Parsed:
    kind = KNOWN_EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        found = path.suffix or "no extension"
        return _problem(source, f"unknown file type ({found}); known types: {_known()}")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return _problem(source, "not a regular file")
        if info.st_size > max_bytes:
            return _problem(source, _too_big(info.st_size, max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        return _problem(source, _os_message(error))
    if len(data) > max_bytes:  # the file grew after stat
        return _problem(source, _too_big(len(data), max_bytes))
    return _parse_bytes(data, source, kind, records_only=records_only)


def _too_long(size: int, limit: int) -> str:
    return (
        f"article of {size:,} bytes is over the limit of {limit:,} bytes per document "
        "(one article is analysed whole: 1 MB took about 2 minutes and 570 MB, and memory "
        "grows by about 370 MB per MB); skipped. Raise the limit with "
        "--max-document-bytes N (max_document_bytes), or split the article into several files"
    )


def _too_big(size: int, max_bytes: int) -> str:
    return (
        f"{size:,} bytes is over the limit of {max_bytes:,} bytes (max_bytes); skipped. "
        "Raise it with --max-bytes N"
    )


def _read_stdin(stream: IO[bytes], max_bytes: int) -> Parsed:
    try:
        data = stream.read(max_bytes + 1)
    except (OSError, ValueError) as error:  # ValueError: the stream is closed
        return _problem(_STDIN_NAME, f"cannot read standard input ({error})")
    if len(data) > max_bytes:
        return _problem(_STDIN_NAME, f"over the limit of {max_bytes:,} bytes (max_bytes)")
    return _parse_bytes(data, _STDIN_NAME, "auto")


def _parse_bytes(data: bytes, source: str, kind: str, *, records_only: bool = False) -> Parsed:
    decoded = _decode(data, source)
    if isinstance(decoded, Parsed):
        return decoded
    text, warnings = decoded
    if kind == "auto":
        kind = _sniff(text)
    if records_only and kind in ("json", "jsonl") and not holds_records(text, kind):
        return _NOT_RECORDS
    parsed = _parse_text(text, source, kind)
    return Parsed(parsed.articles, (*warnings.notes, *parsed.notes))


def _parse_text(text: str, source: str, kind: str) -> Parsed:
    if kind == "html":
        return read_html(text, source)
    if kind == "jsonl":
        return read_jsonl(text, source, _read_plain)
    if kind == "json":
        return read_json(text, source, _read_plain)
    return _read_plain(text, source)


def _read_plain(text: str, source: str) -> Parsed:
    """Text or Markdown, split first when it is a news-feed page."""
    return read_feed_page(text, source) if is_feed_page(text) else read_text(text, source)


def _sniff(text: str) -> str:
    """The format of standard input, from its content."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        return "html"
    lines = [line for line in stripped.splitlines() if line.strip()]
    if lines and all(_is_json_object(line) for line in lines):
        return "jsonl"
    if stripped.startswith(("[", "{")) and _is_json(stripped):
        return "json"
    return "text"


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _decode(data: bytes, source: str) -> tuple[str, Parsed] | Parsed:
    """The text of ``data``, with a warning when it was not UTF-8; or the Problem."""
    if not data.strip():
        return _problem(source, "file is empty" if not data else "file holds only whitespace")
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            return _problem(source, f"binary file ({kind}), not text")
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), Parsed(notes=(Note(source, "decoded as UTF-16", True),))
        except UnicodeDecodeError:
            return _problem(source, "invalid UTF-16 text")
    if b"\x00" in data[:_SNIFF]:
        return _problem(source, "binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
        notes: Parsed = Parsed()
    except UnicodeDecodeError:
        legacy = _decode_legacy(data)
        if legacy is None:
            return _problem(source, "not text: no character encoding fits its bytes")
        text, encoding = legacy
        notes = Parsed(notes=(Note(source, f"not UTF-8; decoded as {encoding}", True),))
    if _mostly_control(text):
        return _problem(source, "binary file (control characters), not text")
    return text, notes


def _decode_legacy(data: bytes) -> tuple[str, str] | None:
    """Text in a legacy encoding, and the encoding's name.

    charset_normalizer tells multi-byte encodings (GB18030, Shift JIS…) apart well, but
    among single-byte code pages it often picks a Baltic or Central European one for short
    Western text. News in this project's languages is overwhelmingly Windows-1252 when not
    UTF-8, so a single-byte guess is replaced by cp1252 whenever cp1252 decodes the bytes.
    """
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and len(str(best)) != len(data):  # multi-byte: trust the guess
        return str(best), best.encoding
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return (str(best), best.encoding) if best is not None else None


def _mostly_control(text: str) -> bool:
    """More than 1% control characters (other than whitespace) means this is not prose."""
    sample = text[:_SNIFF]
    controls = sum(
        1 for char in sample if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v"
    )
    return controls > max(1, len(sample) // 100)
