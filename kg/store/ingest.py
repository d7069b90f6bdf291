"""A persistent, incrementally updated knowledge graph: one named graph per document.

Writing a store: ingest, removal, cross-document lineage. The store directory itself (its
layout, lock, opening and reading) is :mod:`kg.store.directory`.

Each source document's facts live in a named graph whose name is the document's own IRI
(``dkid:doc-<hash>``): its ``dk:SourceDocument`` node, mentions, agreements, clauses,
amounts, and the organisation and product nodes it mentions (type, label, the aliases *it*
uses). Re-ingesting a document replaces its graph and nothing else; removing a document
drops its graph, so a fact stays exactly as long as one document still states it.

The default graph holds the core ontology and the concept schemes, rewritten by every
ingest that finds them missing or outdated. Queries run on the store in place
(:func:`kg.query.run.run_query` on ``store.ox``) over the union of all graphs, default graph
included; a triple several documents state is then seen once per document graph, so the
named queries are written to be duplicate-safe (DISTINCT rows, COUNT(DISTINCT …)).

Organisations are resolved across the whole store with the rules of :mod:`kg.resolve`: a
new document's organisation that matches one already stored gets the stored key and name.
Stored organisations are never re-keyed (that would rewrite other documents' graphs), so
when a new document links two stored organisations, the smaller key wins for it and the
two stay apart.

Crash safety: a batch of documents is written in one Oxigraph transaction (``extend`` or
one SPARQL update), so a process killed at any point leaves each document's graph wholly
old or wholly new. Two writers are kept apart by an advisory lock taken before Oxigraph
opens its RocksDB files.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import combinations, islice
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg.extract.orgs import OrgFindings, core, lexicon
from kg.extract.parallel import iter_extractions
from kg.lineage.link import LINK_PREDICATES, link_lineage
from kg.models import Document, Extraction, Organization, Problem
from kg.pipeline import canonical_organizations, rekey_extraction
from kg.rdf.graphs import graph_of, select
from kg.rdf.iris import iri_for
from kg.rdf.mapping import doc_key, to_graph
from kg.rdf.vocab import DK, ID, PREFIXES, sparql_prologue
from kg.read.documents import ReadWarning, iter_documents
from kg.resolve import resolve_across
from kg.store.directory import (
    LINEAGE_GRAPH,
    PersistentStore,
    StoreError,
    is_store,
    open_store,
    write_ontology,
)

BATCH_DOCUMENTS = 64
"""Documents resolved and written per transaction."""

ProgressCallback = Callable[[int, int], None]
"""Called with (documents written, 0): the total of a stream is not known in advance."""

LINEAGE_CHUNK_DOCUMENTS = 1000
"""Documents read into memory at once to relink lineages (whole lineages per chunk)."""
_ORG_PREFIX = str(ID) + "org-"
_DOC_PREFIX = str(ID) + "doc-"
_STORE_DOC_ID = "doc-store"  # the pseudo-document holding stored organisations


@dataclass(frozen=True)
class IngestReport:
    """What an ingest read, wrote and skipped."""

    documents: int
    replaced: int
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    tokens: int
    quads: int
    seconds: float


@dataclass(frozen=True)
class RemoveReport:
    """The document graphs a removal dropped and how many quads went with them."""

    graphs: tuple[str, ...]
    quads: int


# --------------------------------------------------------------------------- ingest


def ingest(
    store: PersistentStore,
    inputs: Sequence[str | Path],
    *,
    model: str | None = None,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_DOCUMENTS,
    max_bytes: int = 20_000_000,
    strict: bool = False,
) -> IngestReport:
    """Read *inputs* into *store*, one named graph per document, replacing older versions.

    Documents stream from :func:`kg.read.documents.iter_documents` and are extracted (on *workers*
    processes), resolved against the organisations already stored, and written in
    batches of *batch_size* documents, each batch in one transaction. The ontology in
    the default graph is brought up to date first (:func:`write_ontology`).

    :raises StoreError: when *store* was opened read-only.
    :raises kg.errors.InputError: with *strict*, at the first unreadable input.
    """
    if not store.writable:
        raise StoreError(f"{store.path}: opened read-only; open it with open_store() to write")
    started = time.perf_counter()
    write_ontology(store.ox)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    documents = _documents_only(
        iter_documents(list(inputs), max_bytes=max_bytes, strict=strict), problems, warnings
    )
    extractions = iter_extractions(documents, model=model, workers=workers)
    index = OrgIndex.from_store(store.ox)
    written = replaced = tokens = quads = 0
    touched: set[str] = set()
    for batch in _batches(extractions, batch_size):
        resolved = resolve_batch(batch, index)
        touched |= _parties_of(store.ox, [document_iri(e.document.id) for e in resolved])
        counts = _write_batch(store.ox, resolved)
        touched |= {p for e in resolved for a in e.agreements for p in a.parties}
        index.add(o for e in resolved for o in e.organizations)
        written += len(batch)
        replaced += counts[0]
        quads += counts[1]
        tokens += sum(e.tokens for e in batch)
        if progress is not None:
            progress(written, 0)
    relink_lineage(store.ox, touched)
    store.ox.flush()
    return IngestReport(
        documents=written,
        replaced=replaced,
        problems=tuple(problems),
        warnings=tuple(warnings),
        tokens=tokens,
        quads=quads,
        seconds=time.perf_counter() - started,
    )


def _parties_of(store: ox.Store, graphs: Sequence[str]) -> set[str]:
    """The keys of the parties of the agreements in the document graphs *graphs*."""
    if not graphs:
        return set()
    values = " ".join(f"<{g}>" for g in graphs)
    query = (
        sparql_prologue()
        + f"SELECT DISTINCT ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?a dk:hasParty ?o }} }}"
    )
    return {o.removeprefix(_ORG_PREFIX) for (o,) in select(store, query) if o is not None}


def _lineage_triples(store: ox.Store, graphs: Sequence[str]) -> Iterable[ox.Triple]:
    """What :func:`kg.lineage.link.link_lineage` reads of *graphs*: agreements, clauses and
    amounts, the mentions that are their evidence, and the documents without their texts
    (organisation mentions and texts are most of a document graph)."""
    if not graphs:
        return []
    values = " ".join(f"<{g}>" for g in graphs)
    query = sparql_prologue() + (
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?g { " + values + " } GRAPH ?g { "
        "{ ?s a ?kind . FILTER(?kind IN (dk:Agreement, dk:Clause, dk:MonetaryAmount, "
        "dk:SourceDocument)) } UNION { ?deal a ?kind ; dk:evidence ?s . "
        "FILTER(?kind IN (dk:Agreement, dk:Clause, dk:MonetaryAmount)) } "
        "?s ?p ?o . FILTER(?p != nif:isString) } }"
    )
    triples = store.query(query)
    assert isinstance(triples, ox.QueryTriples)
    return triples


def relink_lineage(
    store: ox.Store, parties: Iterable[str], *, chunk_size: int = LINEAGE_CHUNK_DOCUMENTS
) -> int:
    """Recompute the lineage links of every agreement one of *parties* (org keys) is in.

    An agreement's lineage (what it extends, amends or supersedes, which clauses it
    supersedes) depends on the other agreements between the same companies, in any
    document. The documents holding those agreements are read into memory a chunk of
    whole lineages at a time (about *chunk_size* documents, so memory stays bounded),
    linked by :func:`kg.lineage.link.link_lineage`, and the links of their agreements in the
    lineage graph replaced, one transaction per chunk. Returns the number of links written.
    """
    keys = sorted(set(parties))
    if not keys:
        return 0
    written = sum(
        _relink_documents(store, graphs) for graphs in _lineage_chunks(store, keys, chunk_size)
    )
    # the links of agreements no document states any more (a removed document's)
    store.update(
        f"DELETE {{ GRAPH <{LINEAGE_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{LINEAGE_GRAPH}> "
        f"{{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?g {{ ?s a ?kind }} "
        f"FILTER(?g != <{LINEAGE_GRAPH}>) }} }}"
    )
    return written


def _lineage_chunks(store: ox.Store, keys: Sequence[str], size: int) -> list[list[str]]:
    """The document graphs holding agreements of *keys*, in chunks of about *size* that
    never split a lineage: agreements sharing two parties are always in one chunk."""
    values = " ".join(f"<{iri_for('org', key)}>" for key in keys)
    query = sparql_prologue() + (
        f"SELECT DISTINCT ?g ?a ?o WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g "
        "{ ?a a dk:Agreement ; dk:hasParty ?p , ?o } }"
    )
    parties: dict[tuple[str, str], set[str]] = {}
    for g, agreement, party in select(store, query):
        if g is not None and agreement is not None and party is not None and g != LINEAGE_GRAPH:
            parties.setdefault((g, agreement), set()).add(party)
    # a lineage is a connected set of agreements; agreements meet through a party pair
    components = nx.Graph()
    for (g, _agreement), members in parties.items():
        components.add_node(g)
        for pair in combinations(sorted(members), 2):
            components.add_edge(g, pair)
    chunks: list[list[str]] = []
    for component in sorted(
        (sorted(n for n in c if isinstance(n, str)) for c in nx.connected_components(components)),
        key=lambda graphs: graphs[0],
    ):
        if chunks and len(chunks[-1]) + len(component) <= size:
            chunks[-1].extend(component)
        else:
            chunks.append(component)
    return chunks


def _relink_documents(store: ox.Store, graphs: Sequence[str]) -> int:
    """Link the agreements of the document graphs *graphs* (whole lineages) and replace
    their links in the lineage graph, in one transaction."""
    documents = graph_of(_lineage_triples(store, graphs))
    subjects = {
        str(s) for s in documents.subjects(RDF.type, DK.Agreement) if isinstance(s, URIRef)
    } | {str(s) for s in documents.subjects(RDF.type, DK.Clause) if isinstance(s, URIRef)}
    report = link_lineage(documents)
    triples = [
        f"<{link.source}> <{LINK_PREDICATES[link.predicate]}> <{link.target}> ."
        for link in report.links
    ] + [
        f"<{iri}> <{DK.dateInferredFromDocument}> {Literal(True).n3()} ."
        for iri in report.dates_inferred
    ]
    operations = []
    if subjects:
        values = " ".join(f"<{s}>" for s in sorted(subjects))
        operations.append(
            f"DELETE {{ GRAPH <{LINEAGE_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s "
            f"{{ {values} }} GRAPH <{LINEAGE_GRAPH}> {{ ?s ?p ?o }} }}"
        )
    if triples:
        operations.append(f"INSERT DATA {{ GRAPH <{LINEAGE_GRAPH}> {{ {' '.join(triples)} }} }}")
    if operations:
        store.update(" ;\n".join(operations))  # one transaction: old links out, new links in
    return len(triples)


def _documents_only(
    items: Iterable[Document | Problem], problems: list[Problem], warnings: list[Problem]
) -> Iterator[Document]:
    for item in items:
        if isinstance(item, Document):
            yield item
        elif isinstance(item, ReadWarning):
            warnings.append(item)
        else:
            problems.append(item)


def _batches(items: Iterable[Extraction], size: int) -> Iterator[list[Extraction]]:
    iterator = iter(items)
    while batch := list(islice(iterator, max(1, size))):
        yield batch


def document_iri(document_id: str) -> URIRef:
    """The IRI of a document, which is also the name of its graph."""
    return iri_for("doc", doc_key(document_id))


def _write_batch(store: ox.Store, extractions: Sequence[Extraction]) -> tuple[int, int]:
    """Write each extraction's graph, replacing older versions; all in one transaction.

    Returns (documents replaced, quads written).
    """
    graphs = [(document_iri(e.document.id), _document_quads(e)) for e in extractions]
    existing = [g for g, _ in graphs if store.contains_named_graph(ox.NamedNode(str(g)))]
    quads = [q for _, qs in graphs for q in qs]
    if not existing:
        store.extend(quads)  # one transaction
    else:
        # DROP and INSERT in one update, which Oxigraph applies as one transaction, so a
        # crash never leaves a document without its graph.
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in existing)
        inserts = "\n".join(
            f"GRAPH <{g}> {{\n" + "\n".join(f"{q.triple} ." for q in qs) + "\n}" for g, qs in graphs
        )
        store.update(f"{drops}INSERT DATA {{\n{inserts}\n}}")
    return len(existing), len(quads)


def _document_quads(extraction: Extraction) -> list[ox.Quad]:
    graph = to_graph([extraction])
    name = ox.NamedNode(str(document_iri(extraction.document.id)))
    source: ox.Store = graph.store._inner  # type: ignore[attr-defined]
    return [ox.Quad(q.subject, q.predicate, q.object, name) for q in source]


# --------------------------------------------------------------------------- resolution


class OrgIndex:
    """The stored organisations, indexed by the names and initials resolution compares."""

    def __init__(self) -> None:
        self.orgs: dict[str, Organization] = {}
        self._by_name: dict[str, set[str]] = {}
        self._by_initials: dict[str, set[str]] = {}
        self._by_caps_alias: dict[str, set[str]] = {}

    @classmethod
    def from_store(cls, store: ox.Store) -> OrgIndex:
        index = cls()
        query = sparql_prologue() + (
            "SELECT ?org ?name ?alias WHERE { ?org a dk:Organization ; skos:prefLabel ?name ."
            " OPTIONAL { ?org skos:altLabel ?alias } }"
        )
        names: dict[str, set[str]] = {}
        aliases: dict[str, set[str]] = {}
        for iri, name, alias in select(store, query, union=True):
            if iri is None or name is None or not iri.startswith(_ORG_PREFIX):
                continue
            key = iri.removeprefix(_ORG_PREFIX)
            names.setdefault(key, set()).add(name)
            if alias is not None:
                aliases.setdefault(key, set()).add(alias)
        for key, labels in names.items():
            canonical = min(labels)  # one label unless two runs disagreed; pick stably
            others = tuple(sorted((aliases.get(key, set()) | labels) - {canonical}))
            index.add([Organization(key=key, name=canonical, aliases=others)])
        return index

    def add(self, orgs: Iterable[Organization]) -> None:
        """Record organisations written to the store (their aliases accumulate)."""
        lex = lexicon()
        for org in orgs:
            known = self.orgs.get(org.key)
            if known is not None:
                extra = [a for a in (org.name, *org.aliases) if a != known.name]
                org = replace(known, aliases=tuple(dict.fromkeys([*known.aliases, *extra])))
            self.orgs[org.key] = org
            for name in _core_names(org, lex):
                self._by_name.setdefault(name, set()).add(org.key)
            initials = _initials(org)
            if initials:
                self._by_initials.setdefault(initials, set()).add(org.key)
            for alias in _caps_aliases(org):
                self._by_caps_alias.setdefault(alias.lower(), set()).add(org.key)

    def relevant(self, orgs: Iterable[Organization]) -> list[Organization]:
        """Stored organisations that resolution could merge with any of *orgs*."""
        lex = lexicon()
        keys: set[str] = set()
        for org in orgs:
            for name in _core_names(org, lex):
                keys |= self._by_name.get(name, set())
            for alias in _caps_aliases(org):
                keys |= self._by_initials.get(alias.lower(), set())
            initials = _initials(org)
            if initials:
                keys |= self._by_caps_alias.get(initials, set())
                keys |= self._by_initials.get(initials, set())  # for initials uniqueness
        return [self.orgs[k] for k in sorted(keys)]


def _core_names(org: Organization, lex: Any) -> set[str]:
    return {core(name, lex) for name in (org.name, *org.aliases)} - {""}


def _initials(org: Organization) -> str:
    words = [w for w in core(org.name).split() if w not in ("of", "and", "&")]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def _caps_aliases(org: Organization) -> list[str]:
    return [a for a in org.aliases if re.fullmatch(r"[A-Z]{2,6}", a)]


def resolve_batch(batch: Sequence[Extraction], index: OrgIndex) -> list[Extraction]:
    """Resolve *batch*'s organisations among themselves and against the stored ones.

    A group that contains a stored organisation takes its key and name; other groups get
    keys exactly as :func:`kg.pipeline.resolve_extractions` gives them. Each document
    keeps only the aliases it uses itself, so removing a document removes its aliases.
    """
    stored = index.relevant(o for e in batch for o in e.organizations)
    pseudo = Extraction(
        document=Document(id=_STORE_DOC_ID, text="", source="<store>"),
        organizations=tuple(stored),
    )
    everything = [pseudo, *batch]
    findings = [
        OrgFindings(organizations=e.organizations, products=e.products, mentions=())
        for e in everything
    ]
    mapping = resolve_across(findings)
    keep: dict[str, str] = {}  # group key → smallest stored key in the group
    for org in stored:
        group = mapping[org.key]
        keep[group] = min(keep.get(group, org.key), org.key)
    mapping = {key: keep.get(group, group) for key, group in mapping.items()}
    canonical = canonical_organizations(everything, mapping)
    return [_own_aliases(e, rekey_extraction(e, mapping, canonical)) for e in batch]


def _own_aliases(original: Extraction, rekeyed: Extraction) -> Extraction:
    orgs = tuple(
        replace(
            new,
            aliases=tuple(dict.fromkeys(n for n in (old.name, *old.aliases) if n != new.name)),
        )
        for old, new in zip(original.organizations, rekeyed.organizations, strict=True)
    )
    return replace(rekeyed, organizations=orgs)


# --------------------------------------------------------------------------- remove


def remove(store: PersistentStore, doc_ref: str) -> RemoveReport:
    """Remove the document(s) *doc_ref* names, and every fact only they stated.

    *doc_ref* is a document id (``doc-…``), its IRI (full or ``dkid:doc-…``), or the source
    path it was read from (every document read from that path).

    :raises StoreError: when nothing in the store matches, or the store is read-only.
    """
    if not store.writable:
        raise StoreError(f"{store.path}: opened read-only; open it with open_store() to write")
    graphs = find_documents(store, doc_ref)
    if not graphs:
        raise StoreError(
            f"{doc_ref}: no such document in {store.path} "
            "(give a document id doc-…, its IRI, or the source path it was ingested from)"
        )
    sizes = store.graph_sizes()
    touched = _parties_of(store.ox, graphs)
    drops = " ;\n".join(f"DROP GRAPH <{g}>" for g in graphs)
    store.ox.update(drops)  # one transaction for all of them
    relink_lineage(store.ox, touched)
    store.ox.flush()
    return RemoveReport(tuple(graphs), sum(sizes.get(g, 0) for g in graphs))


def find_documents(store: PersistentStore, doc_ref: str) -> list[str]:
    """The graph IRIs of the documents *doc_ref* names (see :func:`remove`)."""
    graphs = set(store.document_graphs())
    ref = doc_ref.strip()
    candidates = {ref, ref.strip("<>")}
    if ref.startswith("dkid:"):
        candidates.add(PREFIXES["dkid"] + ref.removeprefix("dkid:"))
    if re.fullmatch(r"(doc-)?[0-9a-f]{6,}", ref):
        candidates.add(_DOC_PREFIX + ref.removeprefix("doc-"))
    found = sorted(candidates & graphs)
    return found or _documents_from_source(store, ref)


def _documents_from_source(store: PersistentStore, ref: str) -> list[str]:
    query = sparql_prologue() + (
        "SELECT DISTINCT ?g ?source WHERE { GRAPH ?g { ?d a dk:SourceDocument ;"
        " dct:source ?source . FILTER(?d = ?g) } }"
    )
    wanted = {ref, _resolved(ref)}
    found = set()
    for graph, source in select(store.ox, query):
        if graph is None or source is None:
            continue
        # "file.jsonl:3", "file.json[2]", "page.txt#similar-2": parts of a file go with it
        path = _RECORD_SUFFIX.sub("", source)
        if source in wanted or path in wanted or _resolved(path) in wanted:
            found.add(graph)
    return sorted(found)


_RECORD_SUFFIX = re.compile(r"(?::\d+|\[\d+\]|#[\w-]+)$")


def _resolved(text: str) -> str:
    try:
        return str(Path(text).resolve())
    except (OSError, RuntimeError, ValueError):
        return text


def ingest_into(
    path: str | Path,
    inputs: Sequence[str | Path],
    *,
    wait: bool = False,
    **options: Any,
) -> IngestReport:
    """Open (or create) the store at *path*, ingest *inputs* and close it again.

    :raises StoreError: when another process is writing the store (unless *wait*).
    """
    with open_store(path, wait=wait) as store:
        return ingest(store, inputs, **options)


def remove_from(path: str | Path, refs: Sequence[str], *, wait: bool = False) -> list[RemoveReport]:
    """Remove each document *refs* names (id, IRI or source path) from the store at *path*."""
    if not is_store(path):
        raise StoreError(
            f"{path}: not a kg store (create one with `kg build INPUT --store {path}`)"
        )
    with open_store(path, create=False, wait=wait) as store:
        return [remove(store, ref) for ref in refs]
