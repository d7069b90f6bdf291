"""kg.extract.deals.grouping attaches context sentences in one sweep; the same choice as
asking every draft for every sentence (the former rule, kept here as the reference)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.deals.grouping import Draft, _attach_context

_PARTIES = ["a", "b", "c", "d"]


def _reference(
    drafts: list[Draft], context: dict[int, list[Any]], named: dict[int, set[str]]
) -> None:
    for sentence_start, sentences in sorted(context.items()):
        names = named[sentence_start]
        best = None
        for draft in drafts:
            if any(f.sentence.start <= sentence_start for f in draft.frames):
                last = max(
                    f.sentence.start for f in draft.frames if f.sentence.start <= sentence_start
                )
                rank = (bool(names & set(draft.parties)), last)
                if best is None or rank > best[0]:
                    best = (rank, draft)
        chosen = best[1] if best else (drafts[0] if drafts else None)
        if chosen is not None:
            chosen.context.extend(sentences)


def _sentence(start: int) -> Any:
    return SimpleNamespace(start=start)


def _drafts(spec: list[tuple[list[str], list[int]]]) -> list[Draft]:
    return [
        Draft(
            parties=list(parties), frames=[SimpleNamespace(sentence=_sentence(s)) for s in starts]
        )  # type: ignore[misc]
        for parties, starts in spec
    ]


_DRAFT = st.tuples(
    st.lists(st.sampled_from(_PARTIES), max_size=3),
    st.lists(st.integers(0, 30), min_size=1, max_size=4),
)


@settings(max_examples=500, deadline=None)
@given(
    spec=st.lists(_DRAFT, max_size=6),
    sentences=st.dictionaries(
        st.integers(0, 35), st.frozensets(st.sampled_from(_PARTIES), max_size=2), max_size=8
    ),
)
def test_the_same_drafts_get_the_same_sentences(
    spec: list[tuple[list[str], list[int]]], sentences: dict[int, frozenset[str]]
) -> None:
    named = {start: set(names) for start, names in sentences.items()}
    ours, theirs = _drafts(spec), _drafts(spec)
    context = {start: [_sentence(start)] for start in sentences}
    _attach_context(ours, context, lambda sentence: named[sentence.start])
    _reference(theirs, context, named)
    assert [[s.start for s in d.context] for d in ours] == [
        [s.start for s in d.context] for d in theirs
    ]


def test_ties_and_sentences_before_any_deal() -> None:
    drafts = _drafts([(["a", "b"], [5]), (["c", "d"], [5]), (["a", "c"], [9])])
    context = {2: [_sentence(2)], 6: [_sentence(6)], 7: [_sentence(7)], 12: [_sentence(12)]}
    named = {2: set(), 6: set(), 7: {"d"}, 12: {"b"}}
    _attach_context(drafts, context, lambda sentence: named[sentence.start])
    # 2: before any frame → the first draft; 6: two drafts end at 5 → the earlier one;
    # 7: names d → the draft with d; 12: names b → the draft with b, though another is later
    assert [[s.start for s in d.context] for d in drafts] == [[2, 6, 12], [7], []]
