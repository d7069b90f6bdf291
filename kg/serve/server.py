"""A read-only SPARQL 1.1 Protocol endpoint over one graph, on the standard library only.

``make_server(graph).start()`` serves ``GET /sparql?query=…``, ``POST`` with a form
(``query=…``) and ``POST`` with an ``application/sparql-query`` body, negotiating the
result format from ``format=`` or ``Accept``. ``/`` is a small self-contained query page.

Safety: updates, ``LOAD`` and ``SERVICE`` (outbound requests) are refused; the server
binds to loopback unless the caller passes another host; requests and results have
size limits; only ``/`` and ``/sparql`` exist.

Queries run in worker *processes*, never in the server's threads: a thread cannot be
stopped, and one runaway query would hold the GIL-free Oxigraph engine and a thread
forever. Each worker loads the graph once from an N-Triples file written at start-up, or
opens a snapshot of a persistent store read-only and queries it in place (see
:func:`kg.query.run.run_query`), and then answers queries over a pipe; a worker that misses the
deadline or passes the memory limit is killed and replaced in the background, and the client
gets a 503 that says so.

A store is served as one snapshot, taken at start (a RocksDB checkpoint in the temporary
folder: hard links where it can), that every worker and every replacement opens, so one
query gets one answer whatever is written to the store meanwhile. :meth:`SparqlServer.reload`
(``kill -HUP`` of ``kg serve``) takes a new snapshot and swaps the workers over.
"""

from __future__ import annotations

import html
import json
import logging
import multiprocessing
import os
import queue
import re
import shutil
import signal
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from rdflib import Graph

from kg.errors import GraphError, KGError, QueryError
from kg.serve.checks import Refusal, refusal
from kg.serve.hosts import HostPolicy, is_loopback
from kg.serve.sandbox import deny_network

if TYPE_CHECKING:
    from kg.query.run import Target

log = logging.getLogger(__name__)

SELECT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
"""Media types offered for SELECT and ASK results → short format name."""

GRAPH_KINDS = frozenset({"construct", "describe"})
"""Result kinds that are graphs rather than tables."""

GRAPH_TYPES: dict[str, str] = {"text/turtle": "turtle", "application/n-triples": "nt"}
"""Media types offered for CONSTRUCT and DESCRIBE results."""

# ``format=`` values (SPARQLWrapper sends format=json/xml/csv/tsv/turtle/n3) → media types,
# plus common aliases of the media types clients put in Accept.
_FORMAT_PARAM: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "n3": "text/turtle",  # Turtle is a subset of N3
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
}
_ALIASES: dict[str, str] = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "text/n3": "text/turtle",
    "text/rdf+n3": "text/turtle",
    "text/plain": "application/n-triples",
}


# ------------------------------------------------------------------ negotiation


def _accepted(accept: str) -> list[tuple[float, int, str]]:
    """Media ranges of an Accept header as (-q, position, type), best first."""
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranges.append((-q, position, media))
    return sorted(ranges)


def choose_media_type(kind: str, format_param: str | None, accept: str | None) -> str | None:
    """The media type to answer a *kind* (select/ask/construct) result with, or None (406).

    An applicable ``format=`` wins; then the client's Accept order; ``*/*`` or no
    Accept gives SPARQL JSON (select/ask) or Turtle (graphs).
    """
    offered = GRAPH_TYPES if kind in GRAPH_KINDS else SELECT_TYPES
    default = next(iter(offered))
    if format_param:
        wanted = format_param.strip().lower()
        media = _FORMAT_PARAM.get(wanted, _ALIASES.get(wanted, wanted))
        if media in offered:
            return media
    if not accept:
        return default
    for _, _, media in _accepted(accept):
        media = _ALIASES.get(media, media)
        if media in offered:
            return media
        if media in ("*/*", f"{default.split('/')[0]}/*"):
            return default
    return None


# ---------------------------------------------------------------------- worker


def _as_bytes(data: str | bytes) -> bytes:
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _render(result: Any, media: str) -> bytes:
    """Serialise a ``kg.query.run.QueryResult`` as *media*."""
    from kg.query import formats as q

    if result.kind in GRAPH_KINDS:
        if GRAPH_TYPES[media] == "turtle":
            from kg.rdf.graphs import turtle_bytes

            return turtle_bytes(result.graph)
        from kg.export import ntriples_bytes

        return ntriples_bytes(result.graph)
    formatter = {"json": q.to_json, "xml": q.to_xml, "csv": q.to_csv, "tsv": q.to_tsv}
    return _as_bytes(formatter[SELECT_TYPES[media]](result))


def _result_size(result: Any) -> int:
    if result.kind in GRAPH_KINDS:
        return len(result.graph)
    if result.kind == "ask":
        return 1
    return len(result.rows)


def _answer(graph: Target, job: _Job, offline: bool) -> _Reply:
    from kg.query.run import run_query

    # checked here, under the deadline: rdflib's parser can be slow on a hostile query
    refused = refusal(job.query)
    if refused is not None:
        if not refused.checked:
            refused = _syntax_error_or(refused, job.query, offline)
        return _Reply(refused.status, "text/plain; charset=utf-8", refused.reason.encode())
    try:
        result = run_query(graph, job.query)
    except QueryError as exc:
        return _Reply(HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", _as_bytes(str(exc)))
    size = _result_size(result)
    if size > job.max_results:
        noun = "triples" if result.kind in GRAPH_KINDS else "rows"
        message = (
            f"the result has {size} {noun}, more than this server's limit of "
            f"{job.max_results}; add a LIMIT or narrow the query"
        )
        return _Reply(
            HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", message.encode()
        )
    media = choose_media_type(result.kind, job.format_param, job.accept)
    if media is None:
        offered = GRAPH_TYPES if result.kind in GRAPH_KINDS else SELECT_TYPES
        message = (
            f"cannot answer with {job.accept!r}; this result is offered as {', '.join(offered)}"
        )
        return _Reply(HTTPStatus.NOT_ACCEPTABLE, "text/plain; charset=utf-8", message.encode())
    charset = "" if media.startswith("application/sparql-results") else "; charset=utf-8"
    body = _render(result, media)
    if len(body) > job.max_result_bytes:
        message = (
            f"the result is {_size_text(len(body))}, more than this server's limit of "
            f"{_size_text(job.max_result_bytes)}; add a LIMIT or select fewer columns"
        )
        return _Reply(
            HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", message.encode()
        )
    return _Reply(HTTPStatus.OK, media + charset, body)


def _syntax_error_or(unchecked: Refusal, query: str, offline: bool) -> Refusal:
    """A query the checker cannot read: the engine's syntax error (400) if it has one.

    Only asked of the engine without network access, and on an empty store: nothing a
    query holds can then reach another machine or read the served graph.
    """
    if not offline:
        return Refusal(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {unchecked.detail}")
    import pyoxigraph as ox

    from kg.query.run import QuerySyntaxError, run_query

    try:
        run_query(ox.Store(), query, include_ontology=False)
    except QuerySyntaxError as exc:
        return Refusal(HTTPStatus.BAD_REQUEST, str(exc))
    except (KGError, OSError, RuntimeError, ValueError):
        pass  # it parses: only Oxigraph reads it
    return unchecked


def _size_text(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size:,} bytes"


def _open_worker_target(source: _Source) -> Target:
    """What a worker queries: the graph file's triples with the ontology, or the snapshot."""
    if source.kind == "snapshot":
        return _open_worker_snapshot(source.path)
    return _load_worker_graph(source.path)


def _open_worker_snapshot(database: str) -> Target:
    """The snapshot read-only, queried in place when it holds the ontology (else a copy)."""
    import pyoxigraph as ox

    from kg.query.run import prepare

    try:
        return prepare(ox.Store.read_only(database))
    except OSError as exc:
        raise GraphError(f"{database}: cannot open the store snapshot: {exc}") from exc


def snapshot_store(store_dir: Path, target: Path) -> None:
    """Write a consistent copy of the store's database to *target* (a new directory).

    Oxigraph's backup is a RocksDB checkpoint: hard links to the immutable table files when
    *target* is on the same file system, copies otherwise. Writers may go on meanwhile; the
    copy is the store as it was when opened here.

    :raises GraphError: when the store cannot be opened or copied.
    """
    from kg.store.directory import StoreError, open_store_read_only

    try:
        store = open_store_read_only(store_dir)
    except StoreError as exc:
        raise GraphError(str(exc)) from exc
    try:
        store.ox.backup(str(target))
    except OSError as exc:
        raise GraphError(f"{store_dir}: cannot take a snapshot in {target}: {exc}") from exc
    finally:
        store.close()


def _load_worker_graph(nt_path: str) -> Graph:
    """The served graph plus the ontology and concept schemes, in one Oxigraph graph.

    With the schemes present, every query can use the class hierarchy and skos:broader
    roll-ups, and ``run_query`` queries the graph as is instead of copying it each time.
    Bulk-parsing the file (no transaction) is several times faster than ``load_graph``.
    """
    from kg.rdf.graphs import new_graph
    from kg.rdf.ontology import ontology_triples

    graph = new_graph()
    try:
        graph.parse(nt_path, format="ox-nt", transactional=False)
    except Exception as exc:  # noqa: BLE001 - any parser failure means an unusable file
        raise GraphError(f"{nt_path}: cannot load the served graph: {exc}") from exc
    graph.addN((s, p, o, graph) for s, p, o in ontology_triples())
    return graph


def _cap_address_space(max_memory_bytes: int | None) -> None:
    """Backstop of the server's memory watch: one allocation larger than the limit fails.

    The server reads a busy worker's resident memory ten times a second; a single huge
    allocation could outrun that, so the address space is also capped at what the worker
    holds now plus the limit (resident memory never exceeds the address space).
    """
    if max_memory_bytes is None:
        return
    try:
        import resource

        status = Path("/proc/self/status").read_text(encoding="ascii")
    except (ImportError, OSError):
        return
    match = re.search(r"^VmSize:\s+(\d+) kB", status, re.MULTILINE)
    if match is None:
        return
    cap = int(match[1]) * 1024 + max_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _worker_main(source: _Source, conn: Connection, max_memory_bytes: int | None) -> None:
    """Worker process: load the graph once, then answer jobs until told to stop (None)."""
    # first of all, before the engine starts a thread: no outbound connection, ever
    offline = deny_network()
    # Ctrl-C reaches the whole process group: the server stops its workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # import the engine and rdflib's parser now, not inside the first query's deadline
    import rdflib.plugins.sparql.algebra  # noqa: F401
    import rdflib.plugins.sparql.parser  # noqa: F401

    import kg.query.run  # noqa: F401

    try:
        graph = _open_worker_target(source)
    except KGError as exc:
        conn.send(("failed", str(exc)))
        return
    _cap_address_space(max_memory_bytes)
    conn.send(("ready", offline))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            reply = _answer(graph, job, offline)
        except MemoryError:
            reply = _memory_error(max_memory_bytes)
        except Exception as exc:  # noqa: BLE001 - report any engine failure to the client
            text = f"query failed: {type(exc).__name__}: {exc}"
            reply = _Reply(
                HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", text.encode()
            )
        conn.send(reply)


@dataclass(frozen=True)
class _Source:
    """What workers serve: ``kind`` "graph" (an N-Triples file) or "snapshot" (a copy of a
    store's database that nothing writes, so every worker sees the same data)."""

    kind: str
    path: str


@dataclass(frozen=True)
class _Job:
    query: str
    format_param: str | None
    accept: str | None
    max_results: int
    max_result_bytes: int


@dataclass(frozen=True)
class _Reply:
    status: int
    content_type: str
    body: bytes


@dataclass(eq=False)  # identity semantics: workers live in a set
class _Worker:
    process: SpawnProcess
    conn: Connection


class _WorkerPool:
    """Long-lived query processes over one graph or store; killed and replaced on timeout."""

    def __init__(
        self,
        source: _Source,
        size: int,
        max_memory_bytes: int | None = None,
        startup_timeout_s: float = 120.0,
    ) -> None:
        self._source = source
        self._max_memory = max_memory_bytes
        self._size = size
        self._startup_timeout_s = startup_timeout_s
        self._context = multiprocessing.get_context("spawn")  # fork is unsafe with threads
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.offline = True
        """Whether every worker started so far runs without network (see kg.serve.sandbox)."""

    def start(self) -> None:
        pending = [self._launch() for _ in range(self._size)]
        for worker in pending:
            self._await_ready(worker)
            self._idle.put(worker)

    def _launch(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, args=(self._source, child, self._max_memory), daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        message: tuple[Any, ...] = ("failed", "the worker did not start in time")
        try:
            if worker.conn.poll(self._startup_timeout_s):
                message = worker.conn.recv()
        except EOFError:
            message = ("failed", "the worker exited while loading the graph")
        if message[0] != "ready":
            self._kill(worker)
            raise GraphError(f"SPARQL worker could not load the graph: {message[1]}")
        if not message[1] and self.offline:
            self.offline = False
            log.warning(
                "query workers cannot be denied network access on this system (seccomp): "
                "the SERVICE refusal rests on the query checker alone"
            )

    def _kill(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        if self._closed:
            return

        def spawn() -> None:
            try:
                fresh = self._launch()
                self._await_ready(fresh)
            except (GraphError, OSError) as exc:
                log.error("could not replace a SPARQL worker: %s", exc)
                return
            if self._closed:
                self._kill(fresh)
            else:
                self._idle.put(fresh)

        threading.Thread(target=spawn, name="kg-sparql-respawn", daemon=True).start()

    def run(self, job: _Job, timeout_s: float) -> _Reply:
        """Answer *job* on an idle worker within *timeout_s*.

        A worker that misses the deadline, or whose resident memory passes
        *max_memory_bytes* while it works (checked ten times a second), is killed and
        replaced, and the reply says why; one that stays above the limit after answering
        is replaced too, so its memory is given back.
        """
        max_memory_bytes = self._max_memory
        deadline = time.monotonic() + timeout_s
        try:
            worker = self._idle.get(timeout=timeout_s)
        except queue.Empty:
            return _error(HTTPStatus.SERVICE_UNAVAILABLE, "all query workers are busy; retry later")
        try:
            worker.conn.send(job)
            stopped = self._wait(worker, deadline, timeout_s, max_memory_bytes)
            if stopped is not None:
                self._replace(worker)
                return stopped
            reply: _Reply = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            if max_memory_bytes is not None and worker.process.exitcode == -signal.SIGABRT:
                return _memory_error(max_memory_bytes)  # the engine's allocation failed
            return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "the query worker crashed")
        if self._closed:
            self._end(worker)  # retired while it worked (a reload)
        elif _over(worker, max_memory_bytes):
            self._replace(worker)
        else:
            self._idle.put(worker)
        return reply

    def _wait(
        self, worker: _Worker, deadline: float, timeout_s: float, max_memory_bytes: int | None
    ) -> _Reply | None:
        """Wait for *worker*'s reply; an error reply when it must be stopped first."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return _error(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"the query ran longer than this server's {timeout_s:g} s "
                    "limit and was stopped; narrow it or add a LIMIT",
                )
            if worker.conn.poll(min(_MEMORY_POLL_S, remaining)):
                return None
            if _over(worker, max_memory_bytes):
                return _memory_error(max_memory_bytes)

    def pids(self) -> tuple[int, ...]:
        with self._lock:
            return tuple(sorted(w.process.pid or 0 for w in self._all))

    def idle(self) -> int:
        """How many workers wait for a query now."""
        return self._idle.qsize()

    def retire(self, wait_s: float) -> None:
        """Take no more queries: idle workers end now, busy ones when they have answered
        (those still busy after *wait_s* are killed)."""
        self._closed = True
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            try:
                self._end(self._idle.get(timeout=0.05))
            except queue.Empty:
                with self._lock:
                    if not self._all:
                        return
        self.close()

    def _end(self, worker: _Worker) -> None:
        try:
            worker.conn.send(None)
        except OSError:
            pass
        worker.process.join(2)
        self._kill(worker)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._end(worker)


_MEMORY_POLL_S = 0.1
"""How often a busy worker's memory is read: at 0.5 GB/s growth, 50 MB past the limit."""


def resident_bytes(pid: int) -> int | None:
    """Resident memory of process *pid* (Linux ``/proc``), or None when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/statm").read_text(encoding="ascii").split()
    except OSError:
        return None
    return int(fields[1]) * _PAGE_BYTES


_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _over(worker: _Worker, max_memory_bytes: int | None) -> bool:
    if max_memory_bytes is None or worker.process.pid is None:
        return False
    used = resident_bytes(worker.process.pid)
    return used is not None and used > max_memory_bytes


def _memory_error(max_memory_bytes: int | None) -> _Reply:
    limit = "its" if max_memory_bytes is None else f"{max_memory_bytes // 2**20} MB of"
    return _error(
        HTTPStatus.SERVICE_UNAVAILABLE,
        f"the query needed more than this server's limit of {limit} memory per worker and "
        "was stopped; narrow it or add a LIMIT",
    )


def _error(status: int, message: str) -> _Reply:
    return _Reply(status, "text/plain; charset=utf-8", message.encode("utf-8"))


# ---------------------------------------------------------------------- server


@dataclass(frozen=True)
class ServerConfig:
    """Limits and options of a :class:`SparqlServer`."""

    timeout_s: float = 10.0
    max_request_bytes: int = 1_000_000
    max_results: int = 100_000
    cors_origin: str | None = None
    allowed_hosts: frozenset[str] = frozenset()
    max_memory_mb: int | None = 2048
    """Resident memory a worker may reach while answering (None: no limit)."""
    max_result_bytes: int = 64 * 2**20
    """Size of a serialised result."""
    """Host names answered besides the bound address (e.g. a reverse proxy's public name)."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client never blocks shutdown
    # connections the kernel queues while every handler thread is being started (the
    # default of 5 stalled 50 clients for seconds); Linux caps it at net.core.somaxconn
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], config: ServerConfig) -> None:
        super().__init__(address, _Handler)
        self.config = config
        self.pool: _WorkerPool | None = None
        host, port = self.server_address[:2]
        bound = host.decode() if isinstance(host, bytes) else str(host)
        self.hosts = HostPolicy(
            bound, int(port), frozenset(h.lower() for h in config.allowed_hosts)
        )


_TEMP_PREFIX = "kg-serve-"
_OWNER_FILE = "owner.pid"


def remove_stale_copies(folder: Path | None = None) -> list[Path]:
    """Delete the temporary copies (``kg-serve-*``) left by servers that were killed.

    A copy names the process that made it (``owner.pid``); it is removed only when that
    process no longer exists. Copies without the file, or of a live process, are kept.
    """
    removed = []
    for candidate in Path(folder or tempfile.gettempdir()).glob(_TEMP_PREFIX + "*"):
        try:
            owner = int((candidate / _OWNER_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue
        if owner == os.getpid() or _process_exists(owner):
            continue
        shutil.rmtree(candidate, ignore_errors=True)
        removed.append(candidate)
    if removed:
        log.info("removed %d temporary copies left by killed servers", len(removed))
    return removed


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0 only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


class SparqlServer:
    """A SPARQL endpoint over one graph or store: ``start()``/``stop()``, ``with``, or
    ``serve_forever``."""

    def __init__(
        self, graph: Graph | Path, host: str, port: int, config: ServerConfig, workers: int
    ) -> None:
        self._graph = graph
        self._workers = workers
        self._httpd = _HTTPServer((host, port), config)
        self._thread: threading.Thread | None = None
        self._tmpdir: Path | None = None
        self._reload_lock = threading.RLock()
        self._retiring: list[tuple[_WorkerPool, Path | None]] = []

    @property
    def url(self) -> str:
        """The endpoint's URL, e.g. ``http://127.0.0.1:41234/sparql``."""
        host, port = self._httpd.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/sparql"

    @property
    def page_url(self) -> str:
        """The query page's URL, e.g. ``http://127.0.0.1:41234/``."""
        return self.url.removesuffix("sparql")

    @property
    def worker_pids(self) -> tuple[int, ...]:
        """Process ids of the live query workers (empty before start and after stop)."""
        pool = self._httpd.pool
        return pool.pids() if pool is not None else ()

    @property
    def idle_workers(self) -> int:
        """Workers waiting for a query now (all of them when the server is quiet)."""
        pool = self._httpd.pool
        return pool.idle() if pool is not None else 0

    def start_workers(self) -> None:
        """Start the query workers (once), waiting until each has loaded the graph."""
        with self._reload_lock:
            if self._httpd.pool is None:
                self._httpd.pool, self._tmpdir = self._new_generation()

    def reload(self, graph: Graph | None = None) -> None:
        """Serve a fresh snapshot of the store (or *graph*, on a server of a graph).

        New workers load it while the current ones go on answering; then new queries go
        to the new workers, and the old ones end once they have answered theirs. Until this
        is called, every query sees the snapshot taken at start, whatever is written to the
        store meanwhile (``kg remove``, ``kg build --store``).

        :raises GraphError: when the store cannot be read (the old snapshot stays served),
            or *graph* is given to a server of a store.
        """
        with self._reload_lock:
            if graph is not None:
                if isinstance(self._graph, Path):
                    raise GraphError("a server of a store reloads the store: pass no graph")
                self._graph = graph
            if self._httpd.pool is None:
                raise GraphError("the server is not running")
            pool, tmpdir = self._new_generation()
            old_pool, old_dir = self._httpd.pool, self._tmpdir
            self._httpd.pool, self._tmpdir = pool, tmpdir
            self._retiring.append((old_pool, old_dir))
        threading.Thread(
            target=self._retire, args=(old_pool, old_dir), name="kg-sparql-retire", daemon=True
        ).start()

    def _retire(self, pool: _WorkerPool, tmpdir: Path | None) -> None:
        pool.retire(self._httpd.config.timeout_s + 5)
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        with self._reload_lock:
            if (pool, tmpdir) in self._retiring:
                self._retiring.remove((pool, tmpdir))

    def _new_generation(self) -> tuple[_WorkerPool, Path]:
        """A started pool over a new temporary copy of what is served, and that copy's folder."""
        remove_stale_copies()
        tmpdir = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX))
        (tmpdir / _OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        # whatever way this process ends short of SIGKILL (no stop(), an exception, exit),
        # the copy goes with it; after a SIGKILL, the next server removes it
        weakref.finalize(self, shutil.rmtree, str(tmpdir), True)
        try:
            memory = self._httpd.config.max_memory_mb
            limit = None if memory is None else memory * 2**20
            pool = _WorkerPool(self._write_source(tmpdir), self._workers, limit)
            try:
                pool.start()
            except BaseException:
                pool.close()
                raise
        except BaseException:
            shutil.rmtree(tmpdir, ignore_errors=True)
            raise
        return pool, tmpdir

    def _write_source(self, tmpdir: Path) -> _Source:
        if isinstance(self._graph, Path):
            # one snapshot for every worker (replacements too): no mix of old and new answers
            snapshot = tmpdir / "snapshot"
            snapshot_store(self._graph, snapshot)
            return _Source("snapshot", str(snapshot))
        nt_path = tmpdir / "graph.nt"
        # Oxigraph's own writer: order does not matter here, speed does (a million triples)
        nt_path.write_bytes(self._graph.serialize(format="ox-nt", encoding="utf-8"))
        return _Source("graph", str(nt_path))

    def start(self) -> SparqlServer:
        """Start the workers and serve in a background thread; returns self."""
        self.start_workers()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="kg-sparql-server", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the CLI's ``kg serve``), then clean up."""
        self.start_workers()
        try:
            self._httpd.serve_forever()
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving, end the worker processes and delete the temporary graph file."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(10)
            self._thread = None
        self._httpd.server_close()
        with self._reload_lock:
            generations = [(self._httpd.pool, self._tmpdir), *self._retiring]
            self._httpd.pool, self._tmpdir = None, None
            self._retiring.clear()
        for pool, tmpdir in generations:
            if pool is not None:
                pool.close()
            if tmpdir is not None:
                shutil.rmtree(tmpdir, ignore_errors=True)

    def __enter__(self) -> SparqlServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_server(
    graph: Graph | str | Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    timeout_s: float = 10.0,
    max_request_bytes: int = 1_000_000,
    max_results: int = 100_000,
    cors_origin: str | None = None,
    workers: int = 2,
    allowed_hosts: frozenset[str] = frozenset(),
    max_memory_mb: int | None = 2048,
    max_result_bytes: int = 64 * 2**20,
) -> SparqlServer:
    """A SPARQL endpoint for *graph*, bound to *host*:*port* (0 picks a free port), not started.

    *graph* is a graph, or the directory of a persistent store (``kg build --store``), served
    as a snapshot taken at start until :meth:`SparqlServer.reload`. The default host is
    loopback; pass another address (e.g. ``"0.0.0.0"``) only to expose the graph to other
    machines. *timeout_s* bounds each query,
    *max_request_bytes* each request, *max_results* the rows (or triples) of a result and
    *max_result_bytes* its serialised size; *workers* query processes answer in parallel,
    each replaced when its resident memory passes *max_memory_mb* (None: unlimited);
    *cors_origin* (e.g. ``"*"``) adds ``Access-Control-Allow-Origin``. Requests are answered
    only when their ``Host`` names the bound address (see :mod:`kg.serve.hosts`) or one of
    *allowed_hosts*.

    :raises GraphError: for invalid limits, a directory that is not a store, or a port
        that cannot be bound.
    """
    if not isinstance(graph, Graph):
        graph = _store_directory(graph)
    limits = (timeout_s, max_request_bytes, max_results, workers, max_result_bytes)
    if min(limits) <= 0 or (max_memory_mb is not None and max_memory_mb <= 0):
        raise GraphError(
            "timeout, request size, result rows and bytes, workers and memory must be positive"
        )
    if not is_loopback(host):
        log.warning("SPARQL endpoint bound to %s: reachable from other machines", host)
    config = ServerConfig(
        timeout_s,
        max_request_bytes,
        max_results,
        cors_origin,
        frozenset(allowed_hosts),
        max_memory_mb,
        max_result_bytes,
    )
    try:
        return SparqlServer(graph, host, port, config, workers)
    except OSError as exc:
        raise GraphError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def _store_directory(path: str | Path) -> Path:
    from kg.store.directory import is_store

    if not is_store(path):
        raise GraphError(
            f"{path}: not a kg store (create one with `kg build INPUT --store {path}`)"
        )
    return Path(path)


# --------------------------------------------------------------------- handler


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "kg-sparql/0.1"
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a client may stall mid-request before its connection is dropped

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        log.info("%s %s", self.address_string(), format % args)

    def parse_request(self) -> bool:
        """http.server's parsing, then the headers this server insists on (before routing)."""
        if not super().parse_request():
            return False
        problem = self._header_problem()
        if problem is None:
            return True
        self.close_connection = True  # the framing of what follows cannot be trusted
        self._fail(*problem)
        return False

    def _header_problem(self) -> tuple[int, str] | None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            return HTTPStatus.BAD_REQUEST, "a request needs exactly one Host header"
        if not self.server.hosts.accepts(hosts[0]):
            return (
                HTTPStatus.FORBIDDEN,
                f"Host {hosts[0]!r} does not name this server ({self.server.hosts.bound}:"
                f"{self.server.hosts.port}); requests through another name are refused "
                "(DNS rebinding); allow a name with --allow-host",
            )
        if len(self.headers.get_all("Content-Length") or []) > 1:
            return HTTPStatus.BAD_REQUEST, "more than one Content-Length header"
        if self.headers.get("Transfer-Encoding") is not None:
            return (
                HTTPStatus.NOT_IMPLEMENTED,
                "Transfer-Encoding is not supported; send the body with a Content-Length",
            )
        return None

    # -- responses

    def _send(
        self, status: int, content_type: str, body: bytes, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.server.config.cors_origin is not None:
            self.send_header("Access-Control-Allow-Origin", self.server.config.cors_origin)
            self.send_header("Vary", "Origin")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _fail(self, status: int, message: str) -> None:
        """An error as JSON: ``{"error": {"status": 503, "message": "…"}}``."""
        body = json.dumps({"error": {"status": int(status), "message": message}}, indent=2)
        self._send(status, "application/json", (body + "\n").encode("utf-8"))

    # -- routing

    def _route(self) -> str | None:
        path = urlsplit(self.path).path
        if path in ("/", "/sparql"):
            return path
        self._fail(HTTPStatus.NOT_FOUND, f"not found: only / and /sparql exist here (got {path!r})")
        return None

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self._route()
        if path == "/":
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", _page(), _PAGE_HEADERS)
        elif path == "/sparql":
            if len(self.path) > self.server.config.max_request_bytes:
                self._fail(HTTPStatus.REQUEST_URI_TOO_LONG, "request too large; POST the query")
                return
            self._dispatch(parse_qs(urlsplit(self.path).query), None)

    def do_HEAD(self) -> None:  # noqa: N802
        path = self._route()
        if path == "/":
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", _page(), _PAGE_HEADERS)
        elif path == "/sparql":
            self._send(
                HTTPStatus.METHOD_NOT_ALLOWED,
                "text/plain; charset=utf-8",
                b"use GET or POST\n",
                {"Allow": "GET, POST, OPTIONS"},
            )

    def do_POST(self) -> None:  # noqa: N802
        if self._route() != "/sparql":
            return
        body = self._read_body()
        if body is None:
            return
        params = parse_qs(urlsplit(self.path).query)
        media = self.headers.get_content_type()
        if media == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(body.decode("utf-8"), strict_parsing=False)
            except UnicodeDecodeError:
                self._fail(HTTPStatus.BAD_REQUEST, "the form is not UTF-8")
                return
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            self._dispatch(params, None)
        elif media == "application/sparql-query":
            self._dispatch(params, body)
        elif media == "application/sparql-update":
            self._fail(
                HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is not accepted"
            )
        else:
            self._fail(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "POST a form (application/x-www-form-urlencoded) or application/sparql-query",
            )

    def do_OPTIONS(self) -> None:  # noqa: N802
        if self._route() is None:
            return
        if self.server.config.cors_origin is None:
            self._fail(HTTPStatus.METHOD_NOT_ALLOWED, "cross-origin requests are not enabled")
            return
        preflight = {
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Accept, Content-Type",
            "Access-Control-Max-Age": "600",
        }
        self._send(HTTPStatus.NO_CONTENT, "text/plain", b"", preflight)

    def _read_body(self) -> bytes | None:
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            self.close_connection = True
            self._fail(HTTPStatus.LENGTH_REQUIRED, "POST needs a Content-Length")
            return None
        try:
            length = int(length_text)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._fail(HTTPStatus.BAD_REQUEST, "invalid Content-Length")
            return None
        if length > self.server.config.max_request_bytes:
            # the body stays unread, so this connection cannot carry another request
            self.close_connection = True
            limit = self.server.config.max_request_bytes
            self._fail(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {limit} bytes")
            return None
        return self.rfile.read(length)

    # -- the protocol

    def _dispatch(self, params: dict[str, list[str]], direct_body: bytes | None) -> None:
        if "update" in params:
            self._fail(
                HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is not accepted"
            )
            return
        if direct_body is not None:
            try:
                queries = [direct_body.decode("utf-8")]
            except UnicodeDecodeError:
                self._fail(HTTPStatus.BAD_REQUEST, "the query is not UTF-8")
                return
        else:
            queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            self._fail(HTTPStatus.BAD_REQUEST, "pass exactly one non-empty query (query=…)")
            return
        formats: list[str | None] = [*params.get("format", params.get("output", [])), None]
        config = self.server.config
        accept = self.headers.get("Accept")
        self._run(_Job(queries[0], formats[0], accept, config.max_results, config.max_result_bytes))

    def _run(self, job: _Job) -> None:
        pool = self.server.pool
        if pool is None:
            self._fail(HTTPStatus.SERVICE_UNAVAILABLE, "the server is starting or stopping")
            return
        reply = pool.run(job, self.server.config.timeout_s)
        if reply.status >= 400:
            text = reply.body.decode("utf-8", "replace").rstrip("\n")
            self._fail(reply.status, text)
        else:
            self._send(reply.status, reply.content_type, reply.body)


# ------------------------------------------------------------------------ page

_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'; form-action 'self'"
    ),
    "Cache-Control": "no-store",
}

_EXAMPLE_QUERY = """PREFIX dk: <https://w3id.org/dealkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?agreement ?label WHERE {
  ?agreement a dk:Agreement ; rdfs:label ?label .
} ORDER BY ?label LIMIT 50"""

# Results are shown with textContent only, so nothing a result holds can run as markup.
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title>
<style>
body{{font:15px system-ui,sans-serif;margin:2em;max-width:70em}}
textarea{{width:100%;height:14em;font:13px monospace}}
table{{border-collapse:collapse;margin-top:1em}} td,th{{border:1px solid #bbb;padding:.2em .5em}}
pre{{background:#f4f4f4;padding:.5em;white-space:pre-wrap}}
</style></head><body>
<h1>kg SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 over this knowledge graph. Endpoint: <code>/sparql</code>.</p>
<form id="f" method="get" action="/sparql">
<textarea name="query" id="q">{query}</textarea>
<p><label>Format <select name="format" id="fmt">
<option value="json">SPARQL JSON (table)</option><option value="xml">SPARQL XML</option>
<option value="csv">CSV</option><option value="tsv">TSV</option>
<option value="turtle">Turtle (CONSTRUCT)</option><option value="nt">N-Triples (CONSTRUCT)</option>
</select></label> <button type="submit">Run</button></p>
</form>
<div id="out"></div>
<script>
document.getElementById("f").addEventListener("submit", async function (ev) {{
  ev.preventDefault();
  const out = document.getElementById("out");
  out.textContent = "running…";
  const body = new URLSearchParams({{query: document.getElementById("q").value}});
  const fmt = document.getElementById("fmt").value;
  body.set("format", fmt);
  const resp = await fetch("/sparql", {{method: "POST", body: body}});
  const text = await resp.text();
  out.textContent = "";
  if (resp.ok && fmt === "json") {{
    const data = JSON.parse(text);
    if (data.boolean !== undefined) {{ out.textContent = String(data.boolean); return; }}
    const table = document.createElement("table");
    const head = table.insertRow();
    for (const v of data.head.vars) {{
      const th = document.createElement("th"); th.textContent = v; head.appendChild(th);
    }}
    for (const b of data.results.bindings) {{
      const row = table.insertRow();
      for (const v of data.head.vars) {{ row.insertCell().textContent = b[v] ? b[v].value : ""; }}
    }}
    out.appendChild(table);
  }} else {{
    const pre = document.createElement("pre");
    let shown = text;
    if (!resp.ok) {{
      try {{ shown = JSON.parse(text).error.message; }} catch (e) {{ /* not ours: as sent */ }}
    }}
    pre.textContent = (resp.ok ? "" : "Error " + resp.status + ": ") + shown;
    out.appendChild(pre);
  }}
}});
</script>
</body></html>
"""


def _page() -> bytes:
    return _PAGE.format(query=html.escape(_EXAMPLE_QUERY)).encode("utf-8")
