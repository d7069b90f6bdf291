"""The pipeline, composed: read → extract → resolve → map → lineage, into a graph or a store.

This module only composes the stages (one package each); it holds no stage logic. One
stream serves both destinations: :func:`extraction_stream` reads and extracts with a
:class:`kg.options.BuildOptions`, and its extractions are either resolved and mapped into
an in-memory graph (:func:`build_documents`, :func:`build`, :func:`build_to`) or written
into a store, resolved against what it holds (:func:`ingest`, :func:`ingest_into`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import InputError
from kg.extract.documents import long_sentence_warning
from kg.extract.parallel import iter_extractions
from kg.knowledge import KnowledgeGraph
from kg.lineage.link import link_lineage
from kg.models import BuildReport, Document, Extraction, Problem
from kg.options import DEFAULTS, BuildOptions, ProgressCallback
from kg.rdf.graphs import writable_folder
from kg.rdf.mapping import to_graph
from kg.read.documents import ReadLog, iter_documents, read_documents
from kg.resolve import resolve_extractions
from kg.store.directory import PersistentStore, open_store
from kg.store.ingest import BATCH_DOCUMENTS, IngestReport, ingest_extractions


def extraction_stream(
    documents: Iterable[Document],
    options: BuildOptions = DEFAULTS,
    progress: ProgressCallback | None = None,
) -> Iterator[Extraction]:
    """Extractions of *documents* in input order (per-document organisation keys), on
    ``options.workers`` processes with ``options.model`` and ``options.focus``."""
    total = len(documents) if isinstance(documents, list | tuple) else 0
    return iter_extractions(
        documents,
        model=options.model,
        workers=options.workers,
        focus=options.focus,
        progress=progress,
        total=total,
    )


class _Stages:
    """Seconds per stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.seconds: list[tuple[str, float]] = []

    def done(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds.append((stage, now - self.last))
        self.last = now


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
    extractions = list(extraction_stream(documents, options, progress))
    stages.done("extract")
    resolved = resolve_extractions(extractions)
    stages.done("resolve")
    graph = to_graph(resolved)
    stages.done("map")
    link_lineage(graph)
    stages.done("lineage")
    report = BuildReport(
        documents=len(documents),
        problems=tuple(problems),
        warnings=tuple(warnings),
        tokens=sum(e.tokens for e in extractions),
        seconds=time.perf_counter() - stages.started,
        stages=tuple(stages.seconds),
    )
    return KnowledgeGraph(graph, report=report)


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
    read = read_documents(
        list(inputs),
        max_bytes=options.max_bytes,
        max_document_bytes=options.max_document_bytes,
        strict=options.strict,
    )
    warnings = [*read.warnings, *_long_sentence_warnings(read.documents)]
    stages.done("read")
    return _build(read.documents, options, progress, stages, read.problems, warnings)


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
    """What ``kg build`` wrote: the graph, its files, and its validation result."""

    kg: KnowledgeGraph
    report: BuildReport
    turtle: Path
    html: Path | None
    violations: int | None  # None when validation was skipped

    def summary(self) -> str:
        stats = self.kg.stats()
        files = ", ".join(str(p) for p in (self.turtle, self.html) if p is not None)
        return (
            f"{stats.documents} documents, {stats.organizations} organizations, "
            f"{stats.agreements} agreements, {stats.clauses} clauses, {stats.triples} triples "
            f"in {self.report.seconds:.1f} s → {files}"
        )


def build_to(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    options: BuildOptions = DEFAULTS,
    progress: ProgressCallback | None = None,
    *,
    html: bool = True,
    validate: bool = True,
    max_nodes: int = 2000,
) -> BuildOutputs:
    """Build *inputs* and write ``OUT/kg.ttl`` (and ``OUT/kg.html``), validating the graph.

    Outputs are written atomically, so an interrupted build never leaves half a file.

    :raises kg.errors.InputError: when no input gave a document (nothing is written).
    :raises kg.errors.GraphError: *out_dir* cannot be written (checked before reading).
    """
    out = writable_folder(out_dir)
    kg = build(inputs, options, progress)
    assert kg.report is not None
    if kg.report.documents == 0:
        # never replace a good kg.ttl with an empty one because every input failed
        reasons = "; ".join(str(p) for p in kg.report.problems) or "no documents in the inputs"
        raise InputError(f"nothing to build, {out_dir} left unchanged: {reasons}")
    kg.write_turtle(out / "kg.ttl")
    html_path = out / "kg.html" if html else None
    if html_path is not None:
        kg.render_html(html_path, max_nodes=max_nodes)
    violations = len(kg.validate().violations) if validate else None
    return BuildOutputs(kg, kg.report, out / "kg.ttl", html_path, violations)


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
    """
    started = time.perf_counter()
    log = ReadLog()
    read = iter_documents(
        list(inputs),
        max_bytes=options.max_bytes,
        max_document_bytes=options.max_document_bytes,
        strict=options.strict,
    )
    extractions = extraction_stream(_warn_long_sentences(log.documents(read), log), options)
    report = ingest_extractions(store, extractions, batch_size=batch_size, progress=progress)
    return replace(
        report,
        problems=tuple(log.problems),
        warnings=tuple(log.warnings),
        seconds=time.perf_counter() - started,
    )


def ingest_into(
    path: str | Path,
    inputs: Sequence[str | Path],
    options: BuildOptions = DEFAULTS,
    progress: ProgressCallback | None = None,
    *,
    wait: bool = False,
    batch_size: int = BATCH_DOCUMENTS,
) -> IngestReport:
    """Open (or create) the store at *path*, :func:`ingest` *inputs* and close it again.

    :raises kg.store.directory.StoreError: when another process is writing the store
        (unless *wait*).
    """
    with open_store(path, wait=wait) as store:
        return ingest(store, inputs, options, progress, batch_size=batch_size)
