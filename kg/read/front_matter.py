"""YAML front matter, read defensively: no alias expansion, bounded nesting, plain values.

Front matter comes from whoever wrote the file, so the loader refuses what can only hurt:
aliases (a kilobyte of nested ``*refs`` expands to gigabytes, "billion laughs") and nesting
deeper than any metadata needs (the composer recurses once per level). Timestamps stay
text, so a date that is no calendar day (``2020-02-30``, year 0) is judged by
:func:`kg.read.meta.normalise_date` exactly as the same date in quotes is. Every value is
then made plain and ordered (:func:`plain`): a ``!!set`` gives the same metadata under any
hash seed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

MAX_DEPTH = 32
"""Deepest nesting of collections accepted in front matter."""


class FrontMatterRefused(ValueError):
    """Front matter that is valid YAML but that kg will not expand or convert."""


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and deep nesting while composing, before any value
    is built, and keeps timestamps as the text they were written as."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise FrontMatterRefused(
                f"front matter uses a YAML alias (*{event.anchor}, line "
                f"{event.start_mark.line + 2}); aliases are refused because expanding them "
                "can exhaust memory: write the value out"
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise FrontMatterRefused(
                    f"front matter is nested more than {MAX_DEPTH} levels deep "
                    f"(line {mark.line + 2})"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)

_CONVERSION_ERRORS = (ValueError, TypeError, OverflowError, ArithmeticError)


def load_front_matter(text: str) -> object:
    """The value of a front-matter block, made :func:`plain`.

    :raises yaml.YAMLError: the block is not valid YAML.
    :raises FrontMatterRefused: it uses aliases, nests too deeply, or holds a value that
        its tag cannot convert (``!!float abc``, ``!!int x``, bad ``!!binary``).
    """
    try:
        return plain(yaml.load(text, Loader=_FrontMatterLoader))  # noqa: S506 (SafeLoader)
    except FrontMatterRefused:
        raise
    except RecursionError as error:
        raise FrontMatterRefused("front matter is nested too deeply") from error
    except _CONVERSION_ERRORS as error:
        raise FrontMatterRefused(
            f"front matter holds a value YAML cannot convert ({error})"
        ) from error


def plain(value: object) -> object:
    """``value`` with every collection in a fixed order: mappings by key, sets sorted (as
    lists); tuples become lists. Scalars are kept with their type."""
    if isinstance(value, dict):
        items = [(_key(key), plain(item)) for key, item in value.items()]
        return dict(sorted(items, key=lambda pair: pair[0]))
    if isinstance(value, (set, frozenset)):
        return sorted((plain(item) for item in value), key=_order)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _key(key: object) -> str:
    return key if isinstance(key, str) else _scalar_text(plain(key))


def _order(value: object) -> tuple[str, str]:
    """A total order over mixed values: by kind, then by their text."""
    return type(value).__name__, _scalar_text(value)


def _scalar_text(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return "[" + ", ".join(map(_scalar_text, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar_text(v)}" for k, v in value.items()) + "}"
    return str(value)


_SCALAR = (str, int, float, dt.date)


def text_value(value: object) -> str | None:
    """A metadata text field from a plain value: scalars as text, a list of scalars joined
    with ", "; None for a mapping, nested lists or bytes (they are no text)."""
    if isinstance(value, _SCALAR):
        return _scalar_text(value)
    if isinstance(value, list) and all(isinstance(item, _SCALAR) for item in value):
        return ", ".join(_scalar_text(item) for item in value) if value else None
    return None
