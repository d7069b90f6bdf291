"""Character spans found by overlap or containment in constant time per question.

A long document has thousands of mentions; asking "does this span overlap one already
taken?" by scanning all of them made the organisation rules quadratic in the document's
length. Spans are filed in fixed-size blocks of characters, so a question looks only at
the spans filed in the blocks it touches, and answers exactly what the scan answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

_BLOCK = 64
"""Characters per block: a little over a long name, so most spans sit in one or two."""

T = TypeVar("T")


class SpanIndex(Generic[T]):
    """Spans ``[start, end)`` of character offsets, each with a value, in insertion order."""

    def __init__(self, items: Iterable[tuple[int, int, T]] = ()) -> None:
        self._items: list[tuple[int, int, T]] = []
        self._blocks: dict[int, list[int]] = {}
        for start, end, value in items:
            self.add(start, end, value)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, start: int, end: int, value: T) -> None:
        """File one span (an empty span is filed at its offset)."""
        number = len(self._items)
        self._items.append((start, end, value))
        for block in _blocks(start, end):
            self._blocks.setdefault(block, []).append(number)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int, T]]:
        """The spans ``s, e`` with ``s < end and start < e``, in the order they were added."""
        found = {
            number
            for block in _blocks(start, end)
            for number in self._blocks.get(block, ())
            if self._items[number][0] < end and start < self._items[number][1]
        }
        return [self._items[number] for number in sorted(found)]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any span ``s, e`` has ``s < end and start < e``."""
        return any(
            self._items[number][0] < end and start < self._items[number][1]
            for block in _blocks(start, end)
            for number in self._blocks.get(block, ())
        )

    def contains(self, start: int, end: int) -> bool:
        """Whether any span ``low, high`` has ``low <= start and end <= high``."""
        if end < start:  # an inverted question: answered as the scan answers it
            return any(low <= start and end <= high for low, high, _ in self._items)
        # a span holding [start, end) holds the character at *start*, or ends right at an
        # empty *start* (filed in the block before) or is empty there itself
        numbers = {
            *self._blocks.get(start // _BLOCK, ()),
            *self._blocks.get((start - 1) // _BLOCK, ()),
        }
        return any(
            self._items[number][0] <= start and end <= self._items[number][1] for number in numbers
        )


def _blocks(start: int, end: int) -> Iterator[int]:
    # a span [start, end) touches the blocks of its first and last character; an empty
    # one the block of its offset
    return iter(range(start // _BLOCK, max(start, end - 1) // _BLOCK + 1))
