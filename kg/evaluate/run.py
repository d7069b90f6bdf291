"""The evaluation driver: build the gold folders' articles, write their facts and score them."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.errors import EvalError
from kg.evaluate.facts import facts_by_source, write_facts
from kg.evaluate.score import EvalReport, check_floor, gold_files_in, load_floor, score_paths
from kg.models import Problem
from kg.options import BuildOptions, ProgressCallback


def predict_facts(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    model: str | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[list[Path], tuple[Problem, ...]]:
    """Build *inputs* and write their facts files; returns the files and skipped inputs."""
    graph, problems = _build_facts_graph(inputs, model, progress)
    return write_facts(graph, out_dir), problems


def facts_of(
    inputs: Sequence[str | Path],
    *,
    model: str | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[dict[str, dict[str, Any]], tuple[Problem, ...]]:
    """The facts of each input file by its stem (what :func:`predict_facts` writes), and
    the skipped inputs."""
    graph, problems = _build_facts_graph(inputs, model, progress)
    return facts_by_source(graph), problems


def _build_facts_graph(
    inputs: Sequence[str | Path], model: str | None, progress: ProgressCallback | None
) -> tuple[Graph, tuple[Problem, ...]]:
    from kg.pipeline import build

    kg = build(inputs, BuildOptions(model=model), progress)
    return kg.graph, kg.report.problems if kg.report is not None else ()


def evaluate_gold(
    gold_dirs: Sequence[str | Path],
    pred_dir: str | Path | None = None,
    *,
    floor_path: str | Path | None = None,
    model: str | None = None,
) -> tuple[EvalReport, list[str]]:
    """Score predictions against every ``*.gold.json`` of *gold_dirs*.

    Without *pred_dir*, the ``<stem>.txt`` next to each gold file is built first (all
    together, as a user would). With *floor_path*, also returns the metrics whose F1
    dropped more than 0.01 below the floor.
    """
    gold_files = [path for folder in gold_dirs for path in gold_files_in(folder)]
    if pred_dir is not None:
        report = score_paths(gold_files, pred_dir)
    else:
        texts = [g.with_name(g.name.removesuffix(".gold.json") + ".txt") for g in gold_files]
        missing = [str(t) for t in texts if not t.is_file()]
        if missing:
            raise EvalError(f"no article text for gold file(s): {', '.join(missing)}")
        with tempfile.TemporaryDirectory(prefix="kg-eval-") as tmp:
            predict_facts(texts, tmp, model=model)
            report = score_paths(gold_files, tmp)
    failures = check_floor(report, load_floor(floor_path)) if floor_path is not None else []
    return report, failures
