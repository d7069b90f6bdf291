"""Extraction on several processes: the same extractions as sequential, in input order.

spaCy releases no GIL worth having for ``en_core_web_sm``, so parallelism means processes.
Each worker process loads the pipeline once (:func:`kg.extract.nlp.load_nlp` is cached per
process) and receives documents in small chunks. At most ``2 × workers`` chunks are in
flight at any time, so a stream of a million documents never sits in memory twice:
``multiprocessing.Pool.imap`` would not do, its feeder thread drains the whole input.

Workers are forked where the platform can (Linux, macOS): ``spawn`` and ``forkserver``
re-import the caller's ``__main__`` module, which breaks any script without an
``if __name__ == "__main__"`` guard, and forking shares an already loaded pipeline copy-on-
write. The forked workers only run spaCy and the extractors; they never touch the parent's
open Oxigraph store, so its threads being absent in the child is harmless.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from kg.errors import KGError
from kg.extract.documents import extract_documents
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
) -> list[Extraction]:
    """Extractions of *documents* (per-document organisation keys), in input order.

    Gives exactly what :func:`kg.extract.documents.extract_documents` gives, whatever *workers*.
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
) -> Iterator[Extraction]:
    """Stream extractions of *documents* in input order, on *workers* processes.

    ``workers=1`` runs in this process (no pool, no pickling). *focus* is
    :func:`kg.extract.nlp.plan_chunks`'s, the same on every worker.

    :raises KGError: for ``workers < 1``; a worker's own KGError (e.g. a missing model)
        is raised here unchanged.
    """
    if workers < 1:
        raise KGError(f"workers must be at least 1, not {workers}")
    chunks = _chunks(documents, chunk_size)
    done = 0
    results = (
        map(_extract_chunk_local(model, focus), chunks)
        if workers == 1
        else _pooled(chunks, model=model, workers=workers, focus=focus)
    )
    for extractions in results:
        for extraction in extractions:
            done += 1
            if progress is not None:
                progress(done, total)
            yield extraction


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
    chunks: Iterator[list[Document]], *, model: str | None, workers: int, focus: bool | None
) -> Iterator[list[Extraction]]:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    window = 2 * workers  # enough queued work to keep every worker busy, no more
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[list[Extraction]]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(_extract_chunk, chunk, model, focus))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:  # a consumer that stopped early: drop queued work
                future.cancel()
