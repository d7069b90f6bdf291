"""The map written alongside the rest of a build, in a forked process.

After extraction a build's remaining stages (write the Turtle, validate, render the map)
run in one process on one core while the other idles. The map needs nothing those stages
change, so :func:`render_aside` forks a child that renders it from the parent's graph as
it stands (copy-on-write: nothing is pickled or re-read) while the parent writes and
validates; :meth:`PendingMap.wait` collects its stats. The page is the same bytes either
way: the child runs :func:`kg.render.map.render_html` on the same graph.

Where a process cannot fork (not POSIX), or threads of other libraries may hold locks a
child would inherit (a Dask client), the map is rendered in this process at
:meth:`PendingMap.wait` instead, exactly as before.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from kg.errors import GraphError, KGError
from kg.lineage.validity import ValidTime
from kg.render.map import RenderStats, render_html


class PendingMap:
    """A map being written; :meth:`wait` returns its stats or raises what went wrong."""

    def __init__(
        self,
        graph: Graph,
        path: Path,
        options: dict[str, Any],
        process: Any = None,
        reply: Connection | None = None,
    ) -> None:
        self._graph, self._path, self._options = graph, path, options
        self._process, self._reply = process, reply

    @property
    def pid(self) -> int | None:
        """The child's process id, or None when the map is rendered in this process."""
        return None if self._process is None else int(self._process.pid)

    def wait(self) -> RenderStats:
        """The map's stats once it is written.

        :raises kg.errors.KGError: what rendering raised (in the child or here).
        :raises kg.errors.GraphError: when the child died before it answered.
        """
        if self._process is None:
            return render_html(self._graph, self._path, **self._options)
        assert self._reply is not None
        try:
            answer = self._reply.recv() if self._reply.poll(None) else None
        except EOFError:  # the child died without a word (killed, out of memory)
            answer = None
        finally:
            self._process.join()
            self._reply.close()
        if isinstance(answer, RenderStats):
            return answer
        if isinstance(answer, KGError):
            raise answer
        detail = answer if isinstance(answer, str) else f"exit code {self._process.exitcode}"
        raise GraphError(f"the map {self._path} could not be written: {detail}")

    def cancel(self) -> None:
        """Stop the child (the build failed elsewhere); the map is not written."""
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
            if self._process.is_alive():  # ignoring SIGTERM (a stuck write): make sure
                self._process.kill()
                self._process.join()
        if self._reply is not None:
            self._reply.close()


def render_aside(
    graph: Graph,
    path: str | Path,
    *,
    fork: bool = True,
    max_nodes: int = 2000,
    valid_times: Mapping[URIRef, ValidTime] | None = None,
) -> PendingMap:
    """Start writing the map of *graph* to *path* in a forked child (when *fork* and the
    platform can). The child sees *graph* as it was when it started: what the caller
    changes afterwards is not on the map."""
    options: dict[str, Any] = {"max_nodes": max_nodes, "valid_times": valid_times}
    target = Path(path)
    if not fork or "fork" not in multiprocessing.get_all_start_methods():
        return PendingMap(graph, target, options)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_render_child, args=(graph, target, options, send), daemon=True
    )
    process.start()
    send.close()  # the parent keeps only its reading end: EOF when the child is gone
    return PendingMap(graph, target, options, process, receive)


def _render_child(graph: Graph, path: Path, options: dict[str, Any], send: Connection) -> None:
    # Everything inherited stays alive until this child exits: keep the cyclic collector
    # to what the map allocates (a third of the map's CPU otherwise, and no copy-on-write
    # of the parent's pages by the collector's bookkeeping).
    gc.freeze()
    try:
        answer: object = render_html(graph, path, **options)
    except KGError as exc:
        answer = exc
    except Exception as exc:  # noqa: BLE001 - told to the parent, which raises it
        answer = f"{type(exc).__name__}: {exc}"
    send.send(answer)
    send.close()
