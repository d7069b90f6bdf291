"""Counts in words for the messages the library and the CLI print."""

from __future__ import annotations


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 document``, ``2 documents``, ``0 documents``: a count with its noun in the right
    number (*plural_form* for a noun that does not take an -s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {plural_form or noun + 's'}"
