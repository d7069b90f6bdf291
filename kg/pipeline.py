"""The whole pipeline: read → extract → resolve → map, composed by :func:`build`."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.errors import InputError
from kg.extract.documents import ProgressCallback, extract_documents
from kg.extract.parallel import extract_parallel
from kg.knowledge import KnowledgeGraph
from kg.lineage.link import link_lineage
from kg.models import Extraction, Problem
from kg.rdf.mapping import to_graph
from kg.read.documents import read_documents
from kg.resolve import resolve_extractions


@dataclass(frozen=True)
class BuildReport:
    """What a build read, skipped and produced, and how long it took."""

    documents: int
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    tokens: int
    seconds: float


def build_graph(extractions: Iterable[Extraction]) -> Graph:
    """Map resolved extractions to one Oxigraph-backed RDF graph, with deal lineage linked
    (amends/supersedes/extends, clause supersession; see :mod:`kg.lineage.link`)."""
    graph = to_graph(extractions)
    link_lineage(graph)
    return graph


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
    *,
    model: str | None = None,
    strict: bool = False,
    max_bytes: int = 20_000_000,
    html: bool = True,
    validate: bool = True,
    max_nodes: int = 2000,
    progress: ProgressCallback | None = None,
    focus: bool | None = None,
    workers: int = 1,
) -> BuildOutputs:
    """Build *inputs* and write ``OUT/kg.ttl`` (and ``OUT/kg.html``), validating the graph.

    Outputs are written atomically, so an interrupted build never leaves half a file.
    """
    kg = build(
        inputs,
        model=model,
        strict=strict,
        max_bytes=max_bytes,
        progress=progress,
        focus=focus,
        workers=workers,
    )
    assert kg.report is not None
    if kg.report.documents == 0:
        # never replace a good kg.ttl with an empty one because every input failed
        reasons = "; ".join(str(p) for p in kg.report.problems) or "no documents in the inputs"
        raise InputError(f"nothing to build, {out_dir} left unchanged: {reasons}")
    out = Path(out_dir)
    kg.write_turtle(out / "kg.ttl")
    html_path = out / "kg.html" if html else None
    if html_path is not None:
        kg.render_html(html_path, max_nodes=max_nodes)
    violations = len(kg.validate().violations) if validate else None
    return BuildOutputs(kg, kg.report, out / "kg.ttl", html_path, violations)


def build(
    inputs: Sequence[str | Path],
    *,
    model: str | None = None,
    strict: bool = False,
    max_bytes: int = 20_000_000,
    progress: ProgressCallback | None = None,
    focus: bool | None = None,
    workers: int = 1,
) -> KnowledgeGraph:
    """Read *inputs*, extract deals, resolve organisations and return the knowledge graph.

    Inputs that cannot be read are listed in ``report.problems`` (or raise
    :class:`kg.errors.InputError` with *strict*); the rest are still built.
    """
    started = time.perf_counter()
    read = read_documents(list(inputs), max_bytes=max_bytes, strict=strict)
    if workers > 1:
        extractions = extract_parallel(
            read.documents, model=model, workers=workers, progress=progress
        )
        tokens = sum(e.tokens for e in extractions)
    else:
        extractions, tokens = extract_documents(
            read.documents, model=model, progress=progress, focus=focus
        )
    graph = build_graph(resolve_extractions(extractions))
    report = BuildReport(
        documents=len(read.documents),
        problems=tuple(read.problems),
        warnings=tuple(getattr(read, "warnings", ())),
        tokens=tokens,
        seconds=time.perf_counter() - started,
    )
    return KnowledgeGraph(graph, report=report)
