from __future__ import annotations

import gc
import weakref

from kg.heap import COLLECT_EVERY, held_heap, settle
from kg.models import Document
from kg.pipeline import build_documents


def test_settle_freezes_only_inside_held_heap_and_the_outermost_end_unfreezes() -> None:
    assert gc.get_freeze_count() == 0
    settle()
    assert gc.get_freeze_count() == 0  # outside: nothing frozen
    with held_heap():
        kept = [[n] for n in range(1000)]
        settle()
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)
        with held_heap():
            settle()
        assert gc.get_freeze_count() >= frozen  # an inner end leaves the outer's freeze
    assert gc.get_freeze_count() == 0


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _frozen_garbage() -> weakref.ref[_Cycle]:
    """A reference cycle frozen by :func:`settle` and then dropped: garbage only the
    collector can free (call inside :func:`held_heap`)."""
    cycle = _Cycle()
    alive = weakref.ref(cycle)
    settle()
    del cycle
    return alive


def test_cyclic_garbage_made_while_frozen_is_collected_after_the_build() -> None:
    with held_heap():
        alive = _frozen_garbage()
        gc.collect()
        assert alive() is not None  # frozen: the collector does not look at it
    gc.collect()
    assert alive() is None  # unfrozen at the end, and collected


def test_a_build_leaves_nothing_frozen() -> None:
    text = "Acme Robotics Inc. signed a supply agreement with Borealis Therapeutics in May 2025."
    graph = build_documents([Document(id="doc-0000000000000001", text=text, source="a")]).graph
    assert len(graph) > 0
    assert gc.get_freeze_count() == 0


def test_a_long_stream_of_settles_still_collects_its_cyclic_garbage() -> None:
    with held_heap():
        alive = _frozen_garbage()
        for _ in range(COLLECT_EVERY - 2):
            settle()
        assert alive() is not None
        settle()  # the COLLECT_EVERY-th: everything collected, then frozen again
        assert alive() is None
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
