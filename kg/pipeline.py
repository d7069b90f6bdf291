"""The pipeline, composed: read → extract → resolve → map → lineage, into a graph or a store.

This module only composes the stages (one package each); it holds no stage logic. One
stream serves both destinations: :func:`extraction_stream` reads and extracts with a
:class:`kg.options.BuildOptions`, and its extractions are either resolved and mapped into
an in-memory graph (:func:`build_documents`, :func:`build`, :func:`build_to`) or written
into a store, resolved against what it holds (:func:`ingest`, :func:`ingest_into`).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from kg import options as _settings
from kg.errors import InputError, OutputError
from kg.extract.documents import long_sentence_warning
from kg.extract.parallel import iter_extractions
from kg.heap import held_heap, settle
from kg.knowledge import KnowledgeGraph
from kg.lineage.link import link_lineage
from kg.models import BuildReport, Document, Extraction, Problem
from kg.options import DEFAULTS, BuildOptions, ProgressCallback, StageCallback
from kg.query.refresh import refresh_answers
from kg.rdf.graphs import writable_folder
from kg.rdf.iris import iri_for
from kg.rdf.mapping import doc_key, to_graph
from kg.rdf.ontology import validate as validate_graph
from kg.read.documents import ReadLog, ReadResult, iter_documents, read_documents
from kg.render.aside import render_aside
from kg.resolve import resolve_extractions
from kg.store.directory import PersistentStore, StoreError, is_store, open_store
from kg.store.ingest import (
    BATCH_DOCUMENTS,
    IngestReport,
    document_iri,
    documents_graph,
    ingest_extractions,
)
from kg.store.remote import Endpoint, RemoteStore, ingest_remote
from kg.store.remove import RemoveReport, remove
from kg.words import plural


def extraction_stream(
    documents: Iterable[Document],
    options: BuildOptions = DEFAULTS,
    progress: ProgressCallback | None = None,
) -> Iterator[Extraction]:
    """Extractions of *documents* in input order (per-document organisation keys), on
    ``options.workers`` processes (or the Dask cluster at ``options.scheduler``) with
    ``options.model`` and ``options.focus``."""
    total = len(documents) if isinstance(documents, list | tuple) else 0
    return iter_extractions(
        documents,
        model=options.model,
        workers=options.workers,
        scheduler=options.scheduler,
        focus=options.focus,
        progress=progress,
        total=total,
    )


class _Stages:
    """Seconds per stage, in the order the stages ran, told to *on_stage* as they go."""

    def __init__(self, on_stage: StageCallback | None = None) -> None:
        self.started = self.last = time.perf_counter()
        self.seconds: list[tuple[str, float]] = []
        self.on_stage = on_stage

    def begin(self, stage: str) -> None:
        settle()  # what earlier stages left is mostly kept to the end: no collector walks
        self.last = time.perf_counter()
        if self.on_stage is not None:
            self.on_stage(stage, None)

    def done(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds.append((stage, now - self.last))
        self.last = now
        if self.on_stage is not None:
            self.on_stage(stage, self.seconds[-1][1])

    def total(self) -> float:
        return time.perf_counter() - self.started


@held_heap()
def build_documents(
    documents: Sequence[Document],
    options: BuildOptions = DEFAULTS,
    progress: ProgressCallback | None = None,
    *,
    problems: Sequence[Problem] = (),
    warnings: Sequence[Problem] = (),
) -> KnowledgeGraph:
    """Extract, resolve, map and link *documents* (already read) into a knowledge graph.

    The report's ``stages`` times extract, resolve, map and lineage; *problems* and
    *warnings* (of the read that gave *documents*) are carried into the report.
    """
    stages = _Stages()
    return _build(documents, options, progress, stages, problems, warnings)


def _build(
    documents: Sequence[Document],
    options: BuildOptions,
    progress: ProgressCallback | None,
    stages: _Stages,
    problems: Sequence[Problem],
    warnings: Sequence[Problem],
) -> KnowledgeGraph:
    stages.begin("extract")
    extractions = list(extraction_stream(documents, options, progress))
    stages.done("extract")
    stages.begin("resolve")
    resolved = resolve_extractions(extractions)
    stages.done("resolve")
    stages.begin("map")
    graph = to_graph(resolved)
    stages.done("map")
    stages.begin("lineage")
    lineage = link_lineage(graph)
    stages.done("lineage")
    report = BuildReport(
        documents=len(documents),
        problems=tuple(problems),
        warnings=tuple(warnings),
        tokens=sum(e.tokens for e in extractions),
        seconds=stages.total(),
        stages=tuple(stages.seconds),
    )
    # the map reads each term's valid time from the lineage just computed, not again
    return KnowledgeGraph(graph, report=report, valid_times=lineage.valid_times)


@held_heap()
def build(
    inputs: Sequence[str | Path],
    options: BuildOptions = DEFAULTS,
    progress: ProgressCallback | None = None,
) -> KnowledgeGraph:
    """Read *inputs*, extract deals, resolve organisations and return the knowledge graph.

    Inputs that cannot be read are listed in ``report.problems`` (or raise
    :class:`kg.errors.InputError` with ``options.strict``); the rest are still built.
    """
    stages = _Stages()
    read, warnings = _read_stage(inputs, options, stages)
    return _build(read.documents, options, progress, stages, read.problems, warnings)


def _read_stage(
    inputs: Sequence[str | Path], options: BuildOptions, stages: _Stages
) -> tuple[ReadResult, list[Problem]]:
    """Read every input at once (a file build), with its warnings and over-long sentences."""
    stages.begin("read")
    read = read_documents(
        list(inputs),
        max_bytes=options.max_bytes,
        max_document_bytes=options.max_document_bytes,
        strict=options.strict,
    )
    warnings = [*read.warnings, *_long_sentence_warnings(read.documents)]
    stages.done("read")
    return read, warnings


def _iter_inputs(
    inputs: Sequence[str | Path], options: BuildOptions
) -> Iterator[Document | Problem]:
    """The inputs read one by one (store and server builds stream them)."""
    return iter_documents(
        list(inputs),
        max_bytes=options.max_bytes,
        max_document_bytes=options.max_document_bytes,
        strict=options.strict,
    )


def _long_sentence_warnings(documents: Iterable[Document]) -> Iterator[Problem]:
    for document in documents:
        if (warning := long_sentence_warning(document)) is not None:
            yield warning


def _warn_long_sentences(documents: Iterable[Document], log: ReadLog) -> Iterator[Document]:
    """*documents*, each one with over-long sentences logged as a warning on its way."""
    for document in documents:
        log.warnings.extend(_long_sentence_warnings([document]))
        yield document


@dataclass(frozen=True)
class BuildOutputs:
    """What ``kg build`` wrote: the graph, its files, and its validation result.

    ``html_skipped`` says why no map was written when the build was too large for one by
    default (None when the map was written or not wanted).
    """

    kg: KnowledgeGraph
    report: BuildReport
    turtle: Path
    html: Path | None
    violations: int | None  # SHACL results of severity Violation; None when not validated
    html_skipped: str | None = None
    seconds: float = 0.0  # the whole build: reading to validation, model loading included
    stages: tuple[tuple[str, float], ...] = ()  # every stage, writing and validation too
    map_seconds: float | None = None  # CPU seconds drawing the map took, in its own process

    def summary(self) -> str:
        stats = self.kg.stats()
        files = ", ".join(str(p) for p in (self.turtle, self.html) if p is not None)
        return (
            f"{plural(stats.documents, 'document')}, "
            f"{plural(stats.organizations, 'organization')}, "
            f"{plural(stats.agreements, 'agreement')}, {plural(stats.clauses, 'clause')}, "
            f"{plural(stats.triples, 'triple')} in {self.seconds:.1f} s → {files}"
        )


def default_out_dir(inputs: Sequence[str | Path], root: str | Path = "output") -> Path:
    """``output/NAME``, NAME from the first input: a folder's name, a file's stem, a glob's
    folder, ``stdin`` for ``-``; so a build without an explicit folder never lands on the
    graph of other inputs (nor on a checkout's committed ``output/kg.ttl``)."""
    first = str(inputs[0]) if inputs else "-"
    if first == "-":
        return Path(root, "stdin")
    literal = re.split(r"[*?[]", first, maxsplit=1)[0]  # the part of a glob before a wildcard
    path = Path(literal or ".").resolve()
    if literal != first and not literal.endswith(("/", os.sep)):
        path = path.parent  # 'docs/a*.txt' is named after docs
    name = path.name if path.is_dir() else path.stem
    return Path(root, name or "graph")


@held_heap()
def build_to(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    options: BuildOptions = DEFAULTS,
    progress: ProgressCallback | None = None,
    *,
    html: bool | None = None,
    validate: bool = True,
    max_nodes: int = 2000,
    force: bool = False,
    map_max_documents: int | None = None,
    on_stage: StageCallback | None = None,
) -> BuildOutputs:
    """Build *inputs* and write ``OUT/kg.ttl`` (and ``OUT/kg.html``), validating the graph.

    Outputs are written atomically, so an interrupted build never leaves half a file.
    The map is drawn by :func:`kg.render.aside.render_aside` in a forked child while this
    process writes the Turtle and validates (its stage is the wait after them). With *html*
    None the map is written for builds of up to *map_max_documents* documents (default
    :data:`kg.options.MAP_MAX_DOCUMENTS`); True always writes it, False never.

    Unless *force*, an ``OUT/kg.ttl`` built from other inputs (no source file and no
    document in common with this build) is not replaced: pointing two builds at one folder
    by mistake must not destroy the first graph.

    :raises kg.errors.InputError: when no input gave a document (nothing is written).
    :raises kg.errors.OutputError: when ``OUT/kg.ttl`` holds a graph of other inputs.
    :raises kg.errors.GraphError: *out_dir* cannot be written (checked before reading).
    """
    out = writable_folder(out_dir)
    stages = _Stages(on_stage)
    read, warnings = _read_stage(inputs, options, stages)
    if not force and read.documents:
        _refuse_foreign_graph(out / "kg.ttl", read.documents)
    kg = _build(read.documents, options, progress, stages, read.problems, warnings)
    assert kg.report is not None
    if kg.report.documents == 0:
        # never replace a good kg.ttl with an empty one because every input failed
        reasons = "; ".join(str(p) for p in kg.report.problems) or "no documents in the inputs"
        raise InputError(f"nothing to build, {out_dir} left unchanged: {reasons}")
    documents = kg.report.documents
    if map_max_documents is None:
        map_max_documents = _settings.MAP_MAX_DOCUMENTS  # read now: a test may lower it
    too_large = html is None and documents > map_max_documents
    html_path = out / "kg.html" if html or (html is None and not too_large) else None
    # the map is drawn in a forked child on the other core while this process writes the
    # Turtle and validates (nothing they do changes the graph); its stage is the wait after
    pending = (
        render_aside(
            kg.graph,
            html_path,
            fork=options.scheduler is None,  # a Dask client's threads must not be forked
            max_nodes=max_nodes,
            valid_times=kg.valid_times(),
        )
        if html_path is not None
        else None
    )
    violations = None
    map_seconds = None
    try:
        stages.begin("write")
        kg.write_turtle(out / "kg.ttl")
        stages.done("write")
        if validate:
            stages.begin("validate")
            violations = len(kg.validate().errors)
            stages.done("validate")
        if pending is not None:
            stages.begin("render")
            map_seconds = pending.wait().seconds
            stages.done("render")
    finally:
        if pending is not None:
            pending.cancel()  # after wait() a no-op; after a failure, no orphan child
    skipped = (
        f"no map written: {documents:,} documents is more than {map_max_documents:,} "
        f"(ask for it with --html, or later with `kg render {out / 'kg.ttl'}`)"
        if too_large
        else None
    )
    return BuildOutputs(
        kg,
        kg.report,
        out / "kg.ttl",
        html_path,
        violations,
        skipped,
        seconds=stages.total(),
        stages=tuple(stages.seconds),
        map_seconds=map_seconds,
    )


_DCT_SOURCE = ox.NamedNode(str(DCTERMS.source))


def _refuse_foreign_graph(turtle: Path, documents: Sequence[Document]) -> None:
    """Raise when *turtle* exists and shares no source file or document with *documents*.

    Reads the graph as a stream and stops at the first source or document in common, so
    rebuilding the same inputs over a large graph does not parse all of it first.
    """
    if not turtle.is_file():
        return
    ours = {d.source.split("#", 1)[0] for d in documents}
    our_ids = {str(iri_for("doc", doc_key(d.id))) for d in documents}
    example: str | None = None
    try:
        for triple in ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE):
            if triple.predicate == _DCT_SOURCE and isinstance(triple.object, ox.Literal):
                source = triple.object.value.split("#", 1)[0]
                if source in ours or triple.subject.value in our_ids:
                    return
                example = source if example is None else min(example, source)
    except (OSError, SyntaxError) as exc:
        raise OutputError(
            f"{turtle} exists and is not a graph kg can read ({exc}); "
            "choose another --out, or give --force to replace it"
        ) from exc
    if example is None:
        return  # an empty graph: nothing to lose
    raise OutputError(
        f"{turtle} holds a graph built from other inputs (e.g. {example}); "
        f"not replacing it: choose another --out, or give --force to replace it"
    )


def ingest(
    store: PersistentStore,
    inputs: Sequence[str | Path],
    options: BuildOptions = DEFAULTS,
    progress: ProgressCallback | None = None,
    *,
    batch_size: int = BATCH_DOCUMENTS,
) -> IngestReport:
    """Read *inputs* into *store*, one named graph per document, replacing older versions.

    Documents stream from :func:`kg.read.documents.iter_documents` through the same
    extraction as a build (:func:`extraction_stream`) into
    :func:`kg.store.ingest.ingest_extractions`, so memory stays bounded whatever the input.

    :raises kg.store.directory.StoreError: when *store* was opened read-only.
    :raises kg.errors.InputError: with ``options.strict``, at the first unreadable input.

    The named queries' kept answers (:mod:`kg.query.kept`) are brought up to date with
    the documents written before it returns.
    """
    report = _ingest(store, inputs, options, progress, batch_size, [])
    refresh_answers(store)
    return report


def _ingest(
    store: PersistentStore,
    inputs: Sequence[str | Path],
    options: BuildOptions,
    progress: ProgressCallback | None,
    batch_size: int,
    written: list[str],
) -> IngestReport:
    started = time.perf_counter()
    log = ReadLog()
    read = _iter_inputs(inputs, options)
    documents = _warn_long_sentences(log.documents(read), log)
    extractions = _noting_ids(extraction_stream(documents, options), written)
    report = ingest_extractions(store, extractions, batch_size=batch_size, progress=progress)
    return replace(
        report,
        problems=tuple(log.problems),
        warnings=tuple(log.warnings),
        seconds=time.perf_counter() - started,
    )


def _noting_ids(extractions: Iterable[Extraction], ids: list[str]) -> Iterator[Extraction]:
    for extraction in extractions:
        ids.append(extraction.document.id)
        yield extraction


@held_heap()
def ingest_into(
    path: str | Path,
    inputs: Sequence[str | Path],
    options: BuildOptions = DEFAULTS,
    progress: ProgressCallback | None = None,
    *,
    wait: bool = False,
    batch_size: int = BATCH_DOCUMENTS,
    validate: bool = True,
    on_stage: StageCallback | None = None,
) -> IngestReport:
    """Open (or create) the store at *path*, :func:`ingest` *inputs* and close it again;
    with *validate*, check the documents written against the SHACL shapes, as a build
    checks its graph (``report.violations``); ``report.stages`` times ingest and validate.

    :raises kg.store.directory.StoreError: when another process is writing the store
        (unless *wait*).
    """
    stages = _Stages(on_stage)
    written: list[str] = []
    with open_store(path, wait=wait) as store:
        stages.begin("ingest")
        report = _ingest(store, inputs, options, progress, batch_size, written)
        stages.done("ingest")
        stages.begin("answers")
        refresh_answers(store)
        stages.done("answers")
        violations = None
        if validate and written:
            stages.begin("validate")
            violations = len(validate_graph(documents_graph(store, written)).errors)
            stages.done("validate")
    return replace(
        report, violations=violations, seconds=stages.total(), stages=tuple(stages.seconds)
    )


def ingest_endpoint(
    endpoint: Endpoint,
    inputs: Sequence[str | Path],
    options: BuildOptions = DEFAULTS,
    progress: ProgressCallback | None = None,
    *,
    batch_size: int = BATCH_DOCUMENTS,
) -> IngestReport:
    """Read *inputs* into the SPARQL server at *endpoint*, one named graph per document
    (:mod:`kg.store.remote`), as :func:`ingest` does into a local store.

    Documents whose graph the server already holds (the same text: document IRIs are
    content hashes) are neither extracted nor sent again, so re-running a build that
    stopped completes only the missing documents; they count in ``report.replaced``.

    :raises kg.store.remote.EndpointError: when the server refuses a write or goes away.
    """
    started = time.perf_counter()
    server = RemoteStore(endpoint)
    present = server.document_graphs()
    log = ReadLog()
    read = _iter_inputs(inputs, options)
    skipped = 0

    def missing(documents: Iterable[Document]) -> Iterator[Document]:
        nonlocal skipped
        for document in documents:
            if str(document_iri(document.id)) in present:
                skipped += 1
            else:
                yield document

    documents = _warn_long_sentences(missing(log.documents(read)), log)
    extractions = extraction_stream(documents, options)
    report = ingest_remote(server, extractions, batch_size=batch_size, progress=progress)
    return replace(
        report,
        replaced=skipped,
        problems=tuple(log.problems),
        warnings=tuple(log.warnings),
        seconds=time.perf_counter() - started,
    )


def remove_documents(
    path: str | Path, refs: Sequence[str], *, wait: bool = False
) -> list[RemoveReport]:
    """Remove each document *refs* names (id, IRI or source path) from the store at *path*
    (:func:`kg.store.remove.remove`) and bring its kept answers up to date.

    :raises kg.store.directory.StoreError: when *path* is not a store, or another process
        is writing it (unless *wait*).
    """
    if not is_store(path):
        raise StoreError(
            f"{path}: not a kg store (create one with `kg build INPUT --store {path}`)"
        )
    with open_store(path, create=False, wait=wait) as store:
        try:
            return [remove(store, ref) for ref in refs]
        finally:
            refresh_answers(store)  # also after a reference that matched nothing
