"""kg.extract.intervals.SpanIndex answers exactly what a scan of every span answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.intervals import SpanIndex

_OFFSET = st.integers(min_value=0, max_value=400)
_SPAN = st.tuples(_OFFSET, st.integers(min_value=0, max_value=150)).map(
    lambda pair: (pair[0], pair[0] + pair[1])
)


@settings(max_examples=300, deadline=None)
@given(spans=st.lists(_SPAN, max_size=40), questions=st.lists(_SPAN, max_size=20))
def test_every_question_gets_the_scans_answer(
    spans: list[tuple[int, int]], questions: list[tuple[int, int]]
) -> None:
    index = SpanIndex((start, end, n) for n, (start, end) in enumerate(spans))
    listed = [(start, end, n) for n, (start, end) in enumerate(spans)]
    for start, end in [*questions, *spans]:
        overlapping = [(s, e, n) for s, e, n in listed if s < end and start < e]
        assert index.overlapping(start, end) == overlapping
        assert index.overlaps(start, end) == bool(overlapping)
        assert index.contains(start, end) == any(s <= start and end <= e for s, e, _ in listed)


def test_spans_at_block_edges_and_empty_ones() -> None:
    index: SpanIndex[str] = SpanIndex([(60, 64, "a"), (64, 64, "empty"), (10, 200, "long")])
    # by the scan's own test (s < end and start < e) an empty span inside the question overlaps it
    assert [v for *_, v in index.overlapping(63, 65)] == ["a", "empty", "long"]
    assert index.contains(64, 64)  # held by "a"'s end, the empty span and "long"
    assert not SpanIndex([(60, 64, "a")]).contains(65, 65)
    assert SpanIndex([(60, 64, "a")]).contains(64, 64)
    assert not index.overlaps(300, 400) and len(index) == 3
