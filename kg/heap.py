"""Python's cyclic garbage collector kept off the objects a build holds to its end.

A build's heap grows stage by stage (extractions, resolved records, the lineage's
records) and most of it lives until the build returns. Every full collection walks all of
it again: in a 1,000-document build, collections took 0.46 of the map stage's 1.31 CPU s
and 0.73 of the lineage stage's 2.05 s. So, inside :func:`held_heap`, :func:`settle`
(called as each stage begins) moves what is alive to the collector's permanent generation
(``gc.freeze``), and leaving the outermost :func:`held_heap` moves it back
(``gc.unfreeze``): cyclic garbage made meanwhile is collected then, not kept for good.
Reference counting frees everything else as usual. One build at a time per process: the
depth below is not shared between threads.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

COLLECT_EVERY = 16
"""Settles between two full collections inside one :func:`held_heap`: a long stream (a store
ingest settles after every batch) still frees its cyclic garbage now and then, so it cannot
pile up over a million documents, and a file build (a few settles) never pays for one."""

_depth = 0
_settles = 0


@contextmanager
def held_heap() -> Iterator[None]:
    """Let :func:`settle` freeze the heap until the outermost of these ends; a build's
    entry points wear it as a decorator (``@held_heap()``)."""
    global _depth, _settles
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            _settles = 0
            gc.unfreeze()


def settle() -> None:
    """Leave the objects alive now out of cyclic collection (only inside :func:`held_heap`);
    every :data:`COLLECT_EVERY` calls, collect everything first."""
    global _settles
    if not _depth:
        return
    _settles += 1
    if _settles % COLLECT_EVERY == 0:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
