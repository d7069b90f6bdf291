"""Where extraction tasks run: one ``concurrent.futures.Executor`` seam.

:func:`open_executor` gives the executor a build extracts on, and how many tasks to keep
in flight on it: nothing (``workers=1``: extract in this process), a local process pool
(``--workers N``) or a Dask distributed cluster (``--scheduler tcp://HOST:8786``, through
``distributed.Client(...).get_executor()``). The extraction code submits the same task to
either and never asks which one runs it.

Every worker loads the spaCy pipeline once: :func:`kg.extract.nlp.load_nlp` is cached per
process, and a process pool's worker, like a Dask worker process, lives for the whole build.

A local pool's workers die with the build: a worker asks the kernel for SIGKILL when its
parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``) and a watchdog thread exits when its parent
pid changes (everywhere else, and the case the kernel's signal misses: a parent killed
before the worker made the call). Without them, a SIGKILLed ``kg build --workers 2``
leaves its two workers running spaCy for nobody.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from kg.errors import OptionsError

SCHEDULER_ENV = "KG_DASK_SCHEDULER"
"""The environment variable naming a Dask scheduler (``tcp://HOST:8786``) to extract on."""

DASK_RETRIES = 3
"""Times a task is resubmitted when its Dask worker dies under it."""

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WATCHDOG_SECONDS = 0.5


@dataclass(frozen=True)
class TaskPool:
    """An executor and the number of tasks to keep in flight on it: enough queued work to
    keep every worker busy, and no more (a million documents never sit in memory)."""

    executor: Executor
    window: int
    where: str


@contextmanager
def open_executor(
    workers: int = 1,
    scheduler: str | None = None,
    *,
    share: Callable[[], AbstractContextManager[object]] | None = None,
) -> Iterator[TaskPool | None]:
    """The executor extraction runs on, shut down on leaving (``None``: run in this process).

    :param workers: local worker processes; ignored with *scheduler*.
    :param scheduler: the address of a Dask scheduler, ``tcp://HOST:8786``.
    :param share: entered in this process just before a local pool forks its workers and
        left once they are running, so that what it loads (the spaCy pipeline) is shared
        copy-on-write instead of loaded again by every worker; not used where the workers
        are not forked (Dask, platforms that spawn).
    :raises OptionsError: for ``workers < 1``, a *scheduler* without the ``dask`` extra
        installed, or a scheduler that cannot be reached.
    """
    if workers < 1:
        raise OptionsError(f"workers must be at least 1, not {workers}")
    if scheduler:
        with _dask_pool(scheduler) as pool:
            yield pool
    elif workers == 1:
        yield None
    else:
        with _process_pool(workers, share) as pool:
            yield pool


# --------------------------------------------------------------------------- local pool


@contextmanager
def _process_pool(
    workers: int, share: Callable[[], AbstractContextManager[object]] | None = None
) -> Iterator[TaskPool]:
    # Forked where the platform can: spawn and forkserver re-import the caller's __main__
    # (breaking scripts without a __main__ guard), and forking shares a loaded pipeline.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        if share is not None and method == "fork":
            with share():
                # A pool that forks starts every worker at its first task: start them now,
                # while what *share* loaded is in this process to be inherited.
                executor.submit(os.getpid).result()
        # four chunks a worker: the workers keep extracting while the parent writes a batch
        yield TaskPool(executor, window=4 * workers, where=f"{workers} local processes")
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def die_with_parent(parent: int) -> None:
    """Make this process end when process *parent* does (a pool worker's initializer)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the call above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCHDOG_SECONDS)
    os._exit(1)  # no cleanup to run: the worker holds no file, the parent is gone


# --------------------------------------------------------------------------- Dask


@contextmanager
def _dask_pool(scheduler: str) -> Iterator[TaskPool]:
    client = _dask_client(scheduler)
    try:
        threads = sum(client.nthreads().values())
        # pure=False: two equal chunks are two tasks (keys need no hashing of documents);
        # retries: a task whose worker died is run again elsewhere
        executor = client.get_executor(pure=False, retries=DASK_RETRIES)
        yield TaskPool(executor, window=max(2, 2 * threads), where=f"Dask at {scheduler}")
    finally:
        client.close()


def _dask_client(scheduler: str) -> Any:
    try:
        from distributed import Client
    except ImportError as exc:
        raise OptionsError(
            f"--scheduler {scheduler} needs Dask: install it with `pip install 'kg[dask]'`"
        ) from exc
    try:
        return Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise OptionsError(
            f"cannot reach the Dask scheduler at {scheduler}: {exc}; start one with "
            f"`dask scheduler` (and workers with `dask worker {scheduler}`), or check "
            f"--scheduler / {SCHEDULER_ENV}"
        ) from exc
