"""Graphs on the Oxigraph store: create, load, and write deterministic Turtle.

Every graph the tool builds lives in oxrdflib's Oxigraph store (the same rdflib API,
10–30× faster than rdflib's Memory store at a million triples). Turtle is written by
sorting the triples and handing them to Oxigraph's serializer, which groups a
subject's consecutive triples; the result is byte-identical for the same graph.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import GraphError
from kg.rdf.vocab import PREFIXES, bind_prefixes

RDF_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".xml": "xml",
}


def new_graph() -> Graph:
    """An empty rdflib Graph backed by an in-memory Oxigraph store, project prefixes bound."""
    return bind_prefixes(Graph(store="Oxigraph", bind_namespaces="none"))


def oxigraph_store(graph: Graph) -> ox.Store | None:
    """The Oxigraph store under *graph* (None when it lives in another rdflib store)."""
    inner = getattr(graph.store, "_inner", None)
    if isinstance(inner, ox.Store) and isinstance(graph.identifier, BNode | URIRef):
        return inner
    return None


def oxigraph_name(graph: Graph) -> ox.NamedNode | ox.BlankNode:
    """The name *graph*'s triples carry in its Oxigraph store."""
    if isinstance(graph.identifier, BNode):
        return ox.BlankNode(str(graph.identifier))
    return ox.NamedNode(str(graph.identifier))


def triple_count(graph: Graph) -> int:
    """``len(graph)``, counted by Oxigraph when *graph* is the only graph of its store.

    oxrdflib counts a graph with a ``COUNT(DISTINCT ...)`` query (about 0.35 s for 140k
    triples); a store holding one graph and nothing in its default graph counts its quads
    in a few milliseconds, and they are the graph's triples (a graph holds each once).
    """
    store = oxigraph_store(graph)
    if store is None or graph.identifier == DATASET_DEFAULT_GRAPH_ID:
        return len(graph)
    name = oxigraph_name(graph)
    alone = list(islice(store.named_graphs(), 2)) == [name]
    if alone and next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None:
        return len(store)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, name))


def graph_of(triples: Iterable[ox.Triple]) -> Graph:
    """A new graph (as :func:`new_graph`) holding *triples*, each once, loaded in bulk."""
    graph = new_graph()
    inner: ox.Store = graph.store._inner  # type: ignore[attr-defined]
    name = ox.BlankNode(str(graph.identifier))
    inner.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    return graph


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """The rdflib term of an Oxigraph one; simple literals stay plain (``Literal("x")``).

    :raises ValueError: for a quoted triple, which rdflib has no term for.
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise ValueError(f"cannot return the quoted triple {term} as an rdflib term")


def rdflib_rows(
    solutions: ox.QuerySolutions, taken: Iterable[ox.QuerySolution] | None = None
) -> list[tuple[Node | None, ...]]:
    """The rows of *solutions* (or the part *taken* of them) as rdflib terms, each distinct
    term converted once.

    Results repeat terms (an organisation on every row of its deals), and building rdflib
    terms (IRI checks, literal parsing) is the costly part of reading a result.
    """
    width = range(len(solutions.variables))
    cache: dict[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, Node] = {}
    rows = []
    for solution in solutions if taken is None else taken:
        row: list[Node | None] = []
        for index in width:
            term = solution[index]
            if term is None:
                row.append(None)
                continue
            converted = cache.get(term)
            if converted is None:
                converted = cache[term] = rdflib_term(term)
            row.append(converted)
        rows.append(tuple(row))
    return rows


def typed_triples(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of *graph* with the terms rdflib's own iteration gives (a string literal
    keeps its ``xsd:string`` datatype), each distinct term of an Oxigraph-backed graph
    converted once: terms repeat (a subject on each of its triples), and converting through
    the rdflib bridge one triple at a time is the cost of copying a graph."""
    inner = getattr(graph.store, "_inner", None)
    if not isinstance(inner, ox.Store) or not isinstance(graph.identifier, BNode | URIRef):
        yield from graph
        return
    name = (
        ox.BlankNode(str(graph.identifier))
        if isinstance(graph.identifier, BNode)
        else ox.NamedNode(str(graph.identifier))
    )
    cache: dict[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, Node] = {}

    def converted(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        found = cache.get(term)
        if found is None:
            if isinstance(term, ox.Literal) and term.datatype.value == _XSD_STRING:
                found = Literal(term.value, datatype=XSD.string)
            else:
                found = rdflib_term(term)
            cache[term] = found
        return found

    for quad in inner.quads_for_pattern(None, None, None, name):
        yield converted(quad.subject), converted(quad.predicate), converted(quad.object)


def select_rows(graph: Graph, sparql: str) -> list[tuple[Node | None, ...]]:
    """The rows of a SELECT on *graph*: straight from Oxigraph when the graph lives in an
    Oxigraph store (several times faster than rdflib's result rows), else through rdflib."""
    inner = getattr(graph.store, "_inner", None)
    if isinstance(inner, ox.Store) and isinstance(graph.identifier, BNode | URIRef):
        name: ox.NamedNode | ox.BlankNode = (
            ox.BlankNode(str(graph.identifier))
            if isinstance(graph.identifier, BNode)
            else ox.NamedNode(str(graph.identifier))
        )
        solutions = inner.query(sparql, default_graph=name)
        if isinstance(solutions, ox.QuerySolutions):
            return rdflib_rows(solutions)
    return [tuple(row) for row in graph.query(sparql)]  # type: ignore[arg-type]


def select(store: ox.Store, query: str, *, union: bool = False) -> list[list[str | None]]:
    """Rows of a SELECT query on *store*: each cell the term's value, or None if unbound.

    :param union: match patterns outside ``GRAPH`` against the union of all graphs.
    """
    solutions = store.query(query, use_default_graph_as_union=union)
    assert isinstance(solutions, ox.QuerySolutions)
    width = len(solutions.variables)
    return [
        [None if solution[i] is None else solution[i].value for i in range(width)]
        for solution in solutions
    ]


def union_graph(store: ox.Store, *, exclude: Sequence[str] = ()) -> Graph:
    """The union of the named graphs of *store* but *exclude* (IRIs), each triple once,
    as a new graph.

    The default graph is left out: a persistent store keeps the ontology there, and the
    union stands for the data (what ``kg export`` writes and ``kg stats`` counts).
    """
    skip = f" FILTER(?g NOT IN ({', '.join(f'<{g}>' for g in exclude)}))" if exclude else ""
    triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}{skip} }}")
    assert isinstance(triples, ox.QueryTriples)
    return graph_of(triples)


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file (format from its extension, Turtle by default) into a new graph;
    a folder holding ``kg.ttl`` (what ``kg build`` writes) is that graph.

    :raises GraphError: when the file is missing or does not parse.
    """
    path = Path(path)
    if path.is_dir():
        if not (path / "kg.ttl").is_file():
            raise GraphError(
                f"{path}: a folder without kg.ttl (nor a store); give a graph file, or the "
                "folder `kg build INPUT --out DIR` or `kg build INPUT --store DIR` wrote"
            )
        path = path / "kg.ttl"
    if not path.is_file():
        raise GraphError(f"{path}: no such graph file (build one with `kg build INPUT --out DIR`)")
    rdf_format = RDF_FORMATS.get(path.suffix.lower(), "turtle")
    graph = new_graph()
    try:
        graph.parse(path, format="ox-" + rdf_format if rdf_format != "json-ld" else rdf_format)
    except Exception as exc:  # parsers raise many types; all mean "not valid RDF"
        raise GraphError(f"{path}: not valid {rdf_format}: {exc}") from exc
    return graph


def to_oxigraph_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise GraphError(f"cannot serialise RDF term {term!r}")


# Characters that some readers take for line ends although the RDF syntaxes do not
# (Python's str.splitlines, JavaScript, Unicode-aware editors): written raw inside a
# literal, they cut it in two for those readers. Escaped as UCHAR (\\u2028), valid in every
# N-Triples/Turtle/TriG/N-Quads string and IRI, and in JSON strings.
LINE_SEPARATORS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}
_LINE_SEPARATOR_BYTES = {k.encode("utf-8"): v.encode("ascii") for k, v in LINE_SEPARATORS.items()}


def escape_line_separators(data: bytes) -> bytes:
    """Serialised RDF or JSON (UTF-8) with U+2028, U+2029 and U+0085 written as escapes.

    Only for syntaxes where these characters can occur inside strings or IRIs alone,
    where ``\\uXXXX`` means the same character.
    """
    for raw, escaped in _LINE_SEPARATOR_BYTES.items():
        data = data.replace(raw, escaped)
    return data


def ntriples_term(term: Node) -> str:
    """*term* written as in N-Triples (Oxigraph's canonical form, every escape applied,
    line separators too: see :data:`LINE_SEPARATORS`).

    :raises GraphError: for a term N-Triples cannot hold.
    """
    text = str(to_oxigraph_term(term))
    for raw, escaped in LINE_SEPARATORS.items():
        text = text.replace(raw, escaped)
    return text


def to_oxigraph_triple(s: Node, p: Node, o: Node) -> ox.Triple:
    """An rdflib triple as a pyoxigraph Triple."""
    return ox.Triple(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o))  # type: ignore[arg-type]


def _sort_key(triple: tuple[Node, Node, Node]) -> tuple[str, ...]:
    s, p, o = triple
    # rdf:type first within a subject reads best; otherwise plain lexical order
    p_key = "" if str(p) == PREFIXES["rdf"] + "type" else str(p)
    return (str(s), p_key, type(o).__name__, str(o), str(getattr(o, "datatype", "") or ""))


def sorted_triples(graph: Graph) -> list[tuple[Node, Node, Node]]:
    """The graph's triples in a stable order (subject, then predicate with rdf:type first)."""
    return sorted(graph, key=_sort_key)


_TYPE_NAMES = {ox.NamedNode: "URIRef", ox.BlankNode: "BNode", ox.Literal: "Literal"}
_RDF_TYPE = PREFIXES["rdf"] + "type"


def _ox_sort_key(quad: ox.Quad) -> tuple[str, ...]:
    """:func:`_sort_key` of the rdflib triple *quad* reads as, computed on Oxigraph terms."""
    o = quad.object
    predicate = quad.predicate.value
    datatype = ""
    if isinstance(o, ox.Literal):
        # rdflib reads a simple literal with the datatype xsd:string, a language-tagged
        # one without a datatype
        datatype = "" if o.language else o.datatype.value
    subject = quad.subject
    return (
        str(subject) if isinstance(subject, ox.Triple) else subject.value,
        "" if predicate == _RDF_TYPE else predicate,
        _TYPE_NAMES.get(type(o), type(o).__name__),
        str(o) if isinstance(o, ox.Triple) else o.value,
        datatype,
    )


def _sorted_oxigraph_triples(store: ox.Store, name: ox.NamedNode | ox.BlankNode) -> list[ox.Triple]:
    """:func:`sorted_triples` of a graph in an Oxigraph store, without rdflib terms."""
    quads = sorted(store.quads_for_pattern(None, None, None, name), key=_ox_sort_key)
    return [q.triple for q in quads]  # built in Rust: half the time of ox.Triple(s, p, o)


def turtle_bytes(graph: Graph) -> bytes:
    """Deterministic Turtle for *graph*: sorted triples, the project's prefixes only,
    line separators escaped (:func:`escape_line_separators`)."""
    store = oxigraph_store(graph)
    triples: Iterable[ox.Triple] = (
        _sorted_oxigraph_triples(store, oxigraph_name(graph))
        if store is not None
        else (to_oxigraph_triple(s, p, o) for s, p, o in sorted_triples(graph))
    )
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert data is not None
    return escape_line_separators(_sort_prefix_lines(data))


def _sort_prefix_lines(data: bytes) -> bytes:
    # Oxigraph writes the @prefix lines in hash-map order, which changes between
    # processes; put them in a fixed order so the file is byte-identical.
    # Only the leading lines are split off: splitting the whole file costs a list of every line.
    lines: list[bytes] = []
    position = 0
    while data.startswith(b"@prefix ", position):
        end = data.find(b"\n", position)
        if end < 0:
            return b"\n".join(sorted([*lines, data[position:]]))
        lines.append(data[position:end])
        position = end + 1
    return b"\n".join([*sorted(lines), data[position:]])


def os_reason(error: OSError, path: str | Path | None = None) -> str:
    """What an OSError says, with the path it concerns when that is not *path*:
    "Not a directory: 'out'"."""
    reason = error.strerror or type(error).__name__
    if error.filename is None or str(error.filename) == str(path):
        return reason
    return f"{reason}: {str(error.filename)!r}"


def _make_folder(folder: Path) -> None:
    """mkdir -p, saying "Not a directory" (not "File exists") when a file is in the way."""
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    folder.mkdir(parents=True, exist_ok=True)


def writable_folder(folder: str | Path) -> Path:
    """*folder*, created if need be, once a file could be created in it.

    Checked before long work so that a build fails at once, not after extracting.

    :raises GraphError: the folder cannot be created or written.
    """
    folder = Path(folder)
    try:
        _make_folder(folder)
        with tempfile.TemporaryFile(dir=folder, prefix=".kg-write-check."):
            pass
    except OSError as error:
        raise GraphError(f"cannot write to {folder}: {os_reason(error, folder)}") from error
    return folder


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file and a rename.

    A process killed mid-write leaves the old file or the new one, never half of one.

    :raises GraphError: *path* cannot be written (its folder is a file, no permission,
        disk full…); the message names the path and the reason.
    """
    path = Path(path)
    try:
        _write_atomic(path, data)
    except OSError as error:
        raise GraphError(f"cannot write {path}: {os_reason(error, path)}") from error


def _write_atomic(path: Path, data: bytes) -> None:
    _make_folder(path.parent)
    _remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file readable by its owner only; give it the permissions
        # an ordinary new file would have.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


STALE_SECONDS = 3600


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files of writes killed an hour or more ago (never a live write's)."""
    now = time.time()
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if now - stale.stat().st_mtime > STALE_SECONDS:
                stale.unlink()
        except OSError:
            pass  # another process removed or replaced it first


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_turtle(graph: Graph, path: str | Path) -> None:
    """Write *graph* as deterministic Turtle to *path*, atomically."""
    write_atomic(path, turtle_bytes(graph))
