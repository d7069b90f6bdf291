"""Extraction on several processes or machines: the same extractions as sequential, in input order.

spaCy releases no GIL worth having for ``en_core_web_sm``, so parallelism means processes:
a local pool (``workers``) or a Dask cluster (``scheduler``), both behind the one executor
seam of :mod:`kg.extract.executors`. Each worker loads the pipeline once
(:func:`kg.extract.nlp.load_nlp` is cached per process) and receives documents in small
chunks. At most the pool's window of chunks is in flight at any time, so a stream of a
million documents never sits in memory twice: ``Executor.map`` would not do, it submits the
whole input at once.

The forked local workers only run spaCy and the extractors; they never touch the parent's
open Oxigraph store, so its threads being absent in the child is harmless.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from functools import partial
from itertools import islice

from kg.errors import KGError
from kg.extract.documents import extract_documents
from kg.extract.executors import TaskPool, open_executor
from kg.extract.nlp import load_nlp
from kg.models import Document, Extraction
from kg.options import ProgressCallback

CHUNK_DOCUMENTS = 16
"""Documents per task: large enough to use ``nlp.pipe`` batching, small enough to balance."""


def extract_parallel(
    documents: Iterable[Document],
    *,
    model: str | None = None,
    workers: int = 2,
    progress: ProgressCallback | None = None,
    chunk_size: int = CHUNK_DOCUMENTS,
    focus: bool | None = None,
    scheduler: str | None = None,
) -> list[Extraction]:
    """Extractions of *documents* (per-document organisation keys), in input order.

    Gives exactly what :func:`kg.extract.documents.extract_documents` gives, whatever
    *workers* or *scheduler*.
    """
    total = len(documents) if isinstance(documents, list | tuple) else 0
    return list(
        iter_extractions(
            documents,
            model=model,
            workers=workers,
            progress=progress,
            chunk_size=chunk_size,
            total=total,
            focus=focus,
            scheduler=scheduler,
        )
    )


def iter_extractions(
    documents: Iterable[Document],
    *,
    model: str | None = None,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    chunk_size: int = CHUNK_DOCUMENTS,
    total: int = 0,
    focus: bool | None = None,
    scheduler: str | None = None,
) -> Iterator[Extraction]:
    """Stream extractions of *documents* in input order, on *workers* local processes or
    on the Dask cluster whose scheduler is at *scheduler* (``tcp://HOST:8786``).

    ``workers=1`` without *scheduler* runs in this process (no pool, no pickling). *focus*
    is :func:`kg.extract.nlp.plan_chunks`'s, the same on every worker.

    :raises KGError: for ``workers < 1`` or an unreachable scheduler; a worker's own
        KGError (e.g. a missing model) is raised here unchanged.
    """
    if workers < 1:
        raise KGError(f"workers must be at least 1, not {workers}")
    chunks = _chunks(documents, chunk_size)
    done = 0
    with open_executor(workers, scheduler, share=partial(pipeline_for_workers, model)) as pool:
        results = (
            map(_extract_chunk_local(model, focus), chunks)
            if pool is None
            else _pooled(chunks, pool, model=model, focus=focus)
        )
        for extractions in results:
            for extraction in extractions:
                done += 1
                if progress is not None:
                    progress(done, total)
                yield extraction


@contextmanager
def pipeline_for_workers(model: str | None) -> Iterator[None]:
    """The pipeline loaded in this process while local workers are forked from it: they
    inherit it instead of each loading it again (about 0.8 CPU s and 60 MB apiece).

    Dropped again on leaving unless it was loaded before: the parent of a pool never runs it.
    """
    loaded_before = load_nlp.cache_info().currsize > 0
    load_nlp(model)
    try:
        yield
    finally:
        if not loaded_before:
            load_nlp.cache_clear()
            # its thinc models hold reference cycles: collect them now, before a build
            # freezes the heap (kg.heap) and would keep them to its end
            gc.collect()


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while chunk := list(islice(iterator, max(1, size))):
        yield chunk


def _extract_chunk_local(
    model: str | None, focus: bool | None
) -> Callable[[list[Document]], list[Extraction]]:
    def run(chunk: list[Document]) -> list[Extraction]:
        return _extract_chunk(chunk, model, focus)

    return run


def _extract_chunk(
    chunk: list[Document], model: str | None, focus: bool | None = None
) -> list[Extraction]:
    """The worker's task (module level so that it pickles by name)."""
    extractions, _tokens = extract_documents(chunk, model=model, focus=focus)
    return extractions


def _pooled(
    chunks: Iterator[list[Document]], pool: TaskPool, *, model: str | None, focus: bool | None
) -> Iterator[list[Extraction]]:
    pending: deque[Future[list[Extraction]]] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.executor.submit(_extract_chunk, chunk, model, focus))
            if len(pending) >= pool.window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:  # a consumer that stopped early: drop queued work
            future.cancel()
