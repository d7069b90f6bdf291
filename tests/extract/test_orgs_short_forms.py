"""kg.extract.orgs.classify finds short forms of strong names through an index; the same
answer as scanning every strong name for every mention (the former rule, the reference)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.orgs.classify import _LongerNames
from kg.extract.orgs.names import clips

_WORDS = ["borealis", "tech", "technologies", "inc", "north", "tandem", "net", "network"]


def _reference(key: str, start: int, strong: set[str], first_seen: dict[str, int]) -> bool:
    words = key.split()
    longer = [
        name
        for name in strong
        if first_seen.get(name, start) < start
        and (
            clips(key, name)
            or len(name.split()) > len(words)
            and (name.split()[: len(words)] == words or name.split()[-len(words) :] == words)
        )
    ]
    return len(longer) == 1


_NAME = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(
    strong=st.sets(_NAME, max_size=8),
    seen=st.dictionaries(_NAME, st.integers(0, 20), max_size=10),
    keys=st.lists(st.tuples(st.one_of(_NAME, st.just(" ")), st.integers(0, 25)), max_size=10),
)
def test_the_same_answer_as_scanning_every_name(
    strong: set[str], seen: dict[str, int], keys: list[tuple[str, int]]
) -> None:
    first_seen = {**{name: 0 for name in strong if len(name) % 2}, **seen}
    index = _LongerNames(strong, first_seen)
    for key, start in keys:
        assert index.short_form_of_one(key, start) == _reference(key, start, strong, first_seen)


def test_short_forms() -> None:
    strong = {"borealis technologies", "tandem network inc"}
    first_seen = {"borealis technologies": 0, "tandem network inc": 3}
    index = _LongerNames(strong, first_seen)
    assert index.short_form_of_one("borealis", 10)  # first word
    assert index.short_form_of_one("borealis tech", 10)  # last word clipped
    assert index.short_form_of_one("network inc", 10)  # last words
    assert not index.short_form_of_one("borealis", 0)  # not after the long name
    assert not index.short_form_of_one("borealis technologies", 10)  # the name itself
