"""Push a store (or a graph) to any SPARQL 1.1 server, resumably, and verify the counts.

Each named graph of a :class:`kg.store.directory.PersistentStore` (one per document, plus the
ontology and concept schemes when asked) is sent with the SPARQL 1.1 Graph Store HTTP
Protocol: ``PUT`` of N-Triples to ``GRAPH_STORE?graph=IRI`` replaces the graph, further
``POST`` requests append to it when it is larger than one batch. A server without a Graph
Store endpoint gets SPARQL Update instead: ``DROP SILENT GRAPH`` and ``INSERT DATA``,
several small graphs per request. Either way pushing twice gives the same server state.

Resuming: every graph sent is recorded (with a fingerprint of its content) in a small
append-only log next to the store, ``push-<endpoint hash>.log``; a later push skips the
graphs whose fingerprint is unchanged. Verification counts the triples of every pushed
graph on the server with ``COUNT`` queries (many graphs per query) and compares.

HTTP goes through :mod:`kg.store.http` (the standard library, basic or digest auth).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from kg.rdf.graphs import to_oxigraph_triple
from kg.rdf.ontology import ontology_triples
from kg.store.directory import PersistentStore
from kg.store.http import N_TRIPLES, ServerError, SparqlClient, check_server_url, with_query

Method = TypingLiteral["auto", "graph-store", "update"]
_COUNT_GRAPHS_PER_QUERY = 200
_MISSING_ENDPOINT = (404, 405, 415, 501)


class PushError(ServerError):
    """The server refused a request, could not be reached, or holds other counts."""


@dataclass(frozen=True)
class GraphPush:
    """One graph: its IRI, local triple count, count on the server, whether it was sent."""

    graph: str
    triples: int
    remote: int | None
    sent: bool


@dataclass(frozen=True)
class PushReport:
    """What a push sent, skipped (already there) and verified."""

    endpoint: str
    method: str
    graphs: tuple[GraphPush, ...]
    requests: int
    seconds: float

    @property
    def sent(self) -> int:
        return sum(1 for g in self.graphs if g.sent)

    @property
    def skipped(self) -> int:
        return sum(1 for g in self.graphs if not g.sent)

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    @property
    def mismatches(self) -> tuple[GraphPush, ...]:
        return tuple(g for g in self.graphs if g.remote is not None and g.remote != g.triples)

    @property
    def verified(self) -> bool:
        return all(g.remote == g.triples for g in self.graphs)


@dataclass(frozen=True)
class Payload:
    """One graph to send: its IRI and its N-Triples lines."""

    graph: str
    lines: tuple[str, ...]  # N-Triples lines, sorted
    blank_nodes: bool = False  # then never split: a blank node is local to one request

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for line in self.lines:
            digest.update(line.encode("utf-8") + b"\n")
        return digest.hexdigest()[:32]


# --------------------------------------------------------------------------- public API


def _check_resumed(client: SparqlClient, endpoint: str, pushed: Sequence[str]) -> None:
    """Refuse to resume when the server lost graphs the resume log says it holds.

    A server wiped, restored from a backup or replaced since the last push would have
    those graphs skipped and then counted at the end: the push would fail with differing
    counts and no hint. Checked before anything is sent, from the log alone (the graphs'
    contents are not needed, so a large store is not read twice).

    :raises PushError: a graph the log records as sent is not on the server.
    """
    if not pushed:
        return
    counts = remote_counts(endpoint, pushed, client=client)
    lost = [graph for graph in pushed if graph not in counts]
    if lost:
        shown = ", ".join(lost[:3]) + (f" and {len(lost) - 3} more" if len(lost) > 3 else "")
        raise PushError(
            f"{len(lost)} of the {len(pushed)} graphs an earlier push sent to {endpoint} are "
            f"no longer on the server ({shown}): it was wiped or restored since. "
            "Run again with --no-resume to send every graph."
        )


def _check_urls(endpoint: str, graph_store_url: str | None, update_url: str | None) -> None:
    for option, url in (
        ("--endpoint", endpoint),
        ("--graph-store", graph_store_url),
        ("--update-url", update_url),
    ):
        if url is not None:
            check_server_url(url, option, PushError)


def push(
    source: PersistentStore | Graph,
    endpoint: str,
    *,
    graph_store_url: str | None = None,
    update_url: str | None = None,
    user: str | None = None,
    password: str | None = None,
    batch_triples: int = 50_000,
    resume: bool = True,
    method: Method = "auto",
    graph_name: str | None = None,
    include_ontology: bool = True,
    state_path: str | Path | None = None,
    verify: bool = True,
    prune: bool = True,
    timeout: float = 120.0,
) -> PushReport:
    """Send every named graph of *source* to the SPARQL server at *endpoint*.

    :param source: an open store (each document graph is sent) or an rdflib Graph (sent
        as the one graph *graph_name*).
    :param endpoint: the SPARQL query URL, used for verification (and for updates when no
        *update_url* is given).
    :param graph_store_url: the Graph Store Protocol URL (``…?graph=IRI`` is appended); by
        default *method* ``auto`` uses SPARQL Update when it is not given.
    :param user: with *password*, credentials for HTTP basic or digest auth.
    :param batch_triples: most triples per request.
    :param resume: skip graphs a previous push to this endpoint already sent unchanged.
    :param include_ontology: also send the ontology and concept schemes (in the
        ontology's own graph), so that the named queries work on the server.
    :param prune: delete from the server the graphs an earlier push sent whose documents
        have since been removed from the store (known from the resume log).
    :param state_path: where the resume log lives; defaults to the store directory (a
        plain Graph has no resume log unless one is given).
    :raises PushError: when the server refuses a request or cannot be reached.
    """
    _check_urls(endpoint, graph_store_url, update_url)
    started = time.perf_counter()
    client = SparqlClient(user, password, timeout, PushError)
    payloads = _payloads(source, graph_name, include_ontology)
    state = _State.open(_state_file(source, endpoint, state_path), enabled=resume)
    chosen = _choose_method(method, graph_store_url)
    if verify:
        _check_resumed(client, endpoint, sorted(state.pushed()))
    results: list[GraphPush] = []
    pending: list[Payload] = []
    for payload in payloads:
        if state.done(payload):
            results.append(GraphPush(payload.graph, len(payload.lines), None, False))
            continue
        pending.append(payload)
        results.append(GraphPush(payload.graph, len(payload.lines), None, True))
        if sum(len(p.lines) for p in pending) >= batch_triples or chosen != "update":
            chosen = _send(
                client, pending, chosen, endpoint, graph_store_url, update_url, batch_triples, state
            )
            pending = []
    if pending:
        chosen = _send(
            client, pending, chosen, endpoint, graph_store_url, update_url, batch_triples, state
        )
    if prune and isinstance(source, PersistentStore):
        # documents removed from the store since the last push leave the server too
        stale = sorted(state.pushed() - {r.graph for r in results})
        _delete(client, stale, graph_store_url, update_url or endpoint, state)
        results += [GraphPush(graph, 0, None, True) for graph in stale]
    if verify:
        counts = remote_counts(endpoint, [r.graph for r in results], client=client)
        results = [GraphPush(r.graph, r.triples, counts.get(r.graph, 0), r.sent) for r in results]
    return PushReport(
        endpoint=endpoint,
        method=chosen,
        graphs=tuple(results),
        requests=client.requests,
        seconds=time.perf_counter() - started,
    )


def remote_counts(
    endpoint: str,
    graphs: Sequence[str],
    *,
    user: str | None = None,
    password: str | None = None,
    client: SparqlClient | None = None,
) -> dict[str, int]:
    """Triples per graph on the server, by graph IRI (graphs it lacks are absent)."""
    client = client or SparqlClient(user, password, 120.0, PushError)
    counts: dict[str, int] = {}
    for start in range(0, len(graphs), _COUNT_GRAPHS_PER_QUERY):
        chunk = graphs[start : start + _COUNT_GRAPHS_PER_QUERY]
        values = " ".join(f"<{g}>" for g in chunk)
        query = (
            "SELECT ?g (COUNT(*) AS ?n) WHERE { VALUES ?g { " + values + " } "
            "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        for row in sparql_select(endpoint, query, client=client):
            counts[row["g"]] = int(row["n"])
    return counts


def sparql_select(
    endpoint: str,
    query: str,
    *,
    user: str | None = None,
    password: str | None = None,
    client: SparqlClient | None = None,
) -> list[dict[str, str]]:
    """Run a SELECT query on *endpoint*; each row maps variable → the value's lexical form."""
    return [
        {name: cell["value"] for name, cell in row.items()}
        for row in sparql_select_json(endpoint, query, user=user, password=password, client=client)
    ]


def sparql_select_json(
    endpoint: str,
    query: str,
    *,
    user: str | None = None,
    password: str | None = None,
    client: SparqlClient | None = None,
) -> list[dict[str, dict[str, str]]]:
    """Run a SELECT query; rows as in the SPARQL JSON results format (type, value, …)."""
    client = client or SparqlClient(user, password, 120.0, PushError)
    data = client.post_query(endpoint, query)
    try:
        parsed = json.loads(data)
        rows: list[dict[str, dict[str, str]]] = parsed["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as exc:
        raise PushError(f"{endpoint}: not a SPARQL JSON result: {data[:200]!r}") from exc
    return rows


# --------------------------------------------------------------------------- payloads


def _payloads(
    source: PersistentStore | Graph, graph_name: str | None, include_ontology: bool
) -> Iterator[Payload]:
    if include_ontology:
        yield ontology_payload()
    if isinstance(source, PersistentStore):
        for iri in source.data_graphs():
            quads = list(source.ox.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
            lines = tuple(sorted(f"{q.triple} ." for q in quads))
            yield Payload(iri, lines, any(_has_blank(q.triple) for q in quads))
        return
    if not graph_name:
        raise PushError("pushing a single graph needs a graph name (--graph IRI)")
    triples = [to_oxigraph_triple(s, p, o) for s, p, o in source]
    lines = tuple(sorted(f"{t} ." for t in triples))
    yield Payload(graph_name, lines, any(_has_blank(t) for t in triples))


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def ontology_payload() -> Payload:
    """The ontology and concept schemes as one graph, named by the owl:Ontology IRI."""
    triples = ontology_triples()
    names = sorted(str(s) for s, p, o in triples if p == RDF.type and o == OWL.Ontology)
    if not names:
        raise PushError("the ontology declares no owl:Ontology IRI to name its graph")
    converted = [to_oxigraph_triple(s, p, o) for s, p, o in triples]
    lines = tuple(sorted({f"{t} ." for t in converted}))
    return Payload(names[0], lines, any(_has_blank(t) for t in converted))


# --------------------------------------------------------------------------- sending


def _choose_method(method: Method, graph_store_url: str | None) -> str:
    if method == "graph-store" and not graph_store_url:
        raise PushError("method graph-store needs a Graph Store URL (--graph-store URL)")
    if method == "auto":
        return "graph-store" if graph_store_url else "update"
    return method


def _send(
    client: SparqlClient,
    payloads: Sequence[Payload],
    method: str,
    endpoint: str,
    graph_store_url: str | None,
    update_url: str | None,
    batch_triples: int,
    state: _State,
) -> str:
    """Send *payloads*; returns the method used (graph-store falls back to update)."""
    if method == "graph-store" and graph_store_url:
        try:
            for payload in payloads:
                _send_graph_store(client, graph_store_url, payload, batch_triples)
                state.record(payload)
            return method
        except _EndpointMissing:
            method = "update"  # no Graph Store endpoint there: SPARQL Update does it all
    url = update_url or endpoint
    for group in _groups(payloads, batch_triples):
        send_update(client, url, group, batch_triples)
        for payload in group:
            state.record(payload)
    return method


def _send_graph_store(client: SparqlClient, url: str, payload: Payload, batch: int) -> None:
    target = with_query(url, {"graph": payload.graph})
    for index, chunk in enumerate(_chunks(payload, batch)):
        # the first request replaces the graph, the rest append to it
        verb = "PUT" if index == 0 else "POST"
        try:
            client.request(verb, target, _nt_body(chunk), {"Content-Type": N_TRIPLES})
        except ServerError as exc:
            if index == 0 and exc.status in _MISSING_ENDPOINT:
                raise _EndpointMissing(str(exc)) from exc
            raise


def send_update(client: SparqlClient, url: str, group: Sequence[Payload], batch: int) -> None:
    """Replace the graphs of *group*: small ones all in one request, big ones in chunks."""
    small = [p for p in group if len(p.lines) <= batch or p.blank_nodes]
    if small:
        drops = "".join(f"DROP SILENT GRAPH <{p.graph}> ;\n" for p in small)
        client.post_update(url, drops + _inserts(small))
    for payload in group:
        if payload in small:
            continue
        for index, chunk in enumerate(_chunks(payload, batch)):
            drop = f"DROP SILENT GRAPH <{payload.graph}> ;\n" if index == 0 else ""
            client.post_update(url, drop + _inserts([Payload(payload.graph, tuple(chunk))]))


def _inserts(payloads: Sequence[Payload]) -> str:
    """One update inserting *payloads*: INSERT DATA for every triple without a blank node,
    and a template with an empty WHERE for those with one, since INSERT DATA may not hold
    blank nodes on every server (Virtuoso refuses them). Only the few blank-node triples go
    through the template: a server compiles a template to code, and a large one is refused
    (Virtuoso: "the length of generated SQL text has exceeded 10000 lines")."""
    data: list[tuple[str, list[str]]] = []
    templates: list[tuple[str, list[str]]] = []
    for payload in payloads:
        blank = [line for line in payload.lines if payload.blank_nodes and _BLANK.search(line)]
        plain = (
            [line for line in payload.lines if not _BLANK.search(line)] if blank else payload.lines
        )
        if plain:
            data.append((payload.graph, list(plain)))
        if blank:
            templates.append((payload.graph, blank))
    parts = []
    if data:
        graphs = "\n".join(f"GRAPH <{g}> {{\n" + "\n".join(lines) + "\n}" for g, lines in data)
        parts.append(f"INSERT DATA {{\n{graphs}\n}}")
    for graph, lines in templates:
        triples = "\n".join(lines)
        parts.append(f"INSERT {{ GRAPH <{graph}> {{\n{triples}\n}} }} WHERE {{}}")
    return " ;\n".join(parts)


_BLANK = re.compile(r"^_:|\s_:\S+ \.$")
"""An N-Triples line with a blank node as subject or object."""


def _delete(
    client: SparqlClient,
    graphs: Sequence[str],
    graph_store_url: str | None,
    update_url: str,
    state: _State,
) -> None:
    for graph in graphs:
        if graph_store_url:
            try:
                client.request("DELETE", with_query(graph_store_url, {"graph": graph}), b"", {})
            except ServerError as exc:
                if exc.status != 404:  # already gone is fine
                    raise
        else:
            client.post_update(update_url, f"DROP SILENT GRAPH <{graph}>")
        state.forget(graph)


def _groups(payloads: Sequence[Payload], batch: int) -> Iterator[list[Payload]]:
    group: list[Payload] = []
    size = 0
    for payload in payloads:
        if group and size + len(payload.lines) > batch:
            yield group
            group, size = [], 0
        group.append(payload)
        size += len(payload.lines)
    if group:
        yield group


def _chunks(payload: Payload, size: int) -> Iterator[Sequence[str]]:
    lines = payload.lines
    if not lines or payload.blank_nodes:
        yield lines
        return
    for start in range(0, len(lines), max(1, size)):
        yield lines[start : start + size]


def _nt_body(lines: Iterable[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode("utf-8")


class _EndpointMissing(PushError):
    """The Graph Store URL answered that it does not exist or does not take this."""


# --------------------------------------------------------------------------- resume state


def _state_file(
    source: PersistentStore | Graph, endpoint: str, state_path: str | Path | None
) -> Path | None:
    if state_path is not None:
        return Path(state_path)
    if isinstance(source, PersistentStore):
        digest = hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:12]
        return source.path / f"push-{digest}.log"
    return None


class _State:
    """An append-only log of ``fingerprint graph`` lines: what the server holds.

    Later lines win; a ``-`` fingerprint records a graph deleted from the server.
    """

    def __init__(self, path: Path | None, graphs: dict[str, str]) -> None:
        self.path = path
        self._graphs = graphs

    @classmethod
    def open(cls, path: Path | None, *, enabled: bool) -> _State:
        graphs: dict[str, str] = {}
        if path is not None and enabled and path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                fingerprint, _, graph = line.partition(" ")
                if graph:  # a line cut short by a crash has no graph: ignored
                    graphs[graph] = fingerprint
        if path is not None and not enabled:
            path.unlink(missing_ok=True)
        return cls(path, {g: f for g, f in graphs.items() if f != "-"})

    def done(self, payload: Payload) -> bool:
        return self._graphs.get(payload.graph) == payload.fingerprint

    def pushed(self) -> set[str]:
        """The graphs a previous push sent and no later push deleted."""
        return set(self._graphs)

    def record(self, payload: Payload) -> None:
        self._write(payload.fingerprint, payload.graph)

    def forget(self, graph: str) -> None:
        self._write("-", graph)

    def _write(self, fingerprint: str, graph: str) -> None:
        if fingerprint == "-":
            self._graphs.pop(graph, None)
        else:
            self._graphs[graph] = fingerprint
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(f"{fingerprint} {graph}\n")


def push_path(
    source: str | Path, endpoint: str, *, graph_name: str | None = None, **options: Any
) -> PushReport:
    """Push a store directory (one named graph per document) or a graph file (as the one
    graph *graph_name*, default: the file's URI) to the SPARQL server at *endpoint*."""
    from kg.rdf.graphs import load_graph
    from kg.store.directory import is_store, open_store_read_only

    _check_urls(endpoint, options.get("graph_store_url"), options.get("update_url"))
    if is_store(source):
        with open_store_read_only(source) as store:
            return push(store, endpoint, graph_name=graph_name, **options)
    graph = load_graph(source)
    name = graph_name or Path(source).resolve().as_uri()
    return push(graph, endpoint, graph_name=name, **options)
