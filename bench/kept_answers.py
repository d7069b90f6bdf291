"""Kept answers against in-place answers on a store (not a test).

    .venv/bin/python bench/kept_answers.py refresh STORE   # (re)build its kept answers
    .venv/bin/python bench/kept_answers.py queries STORE   # first page and whole answer

``refresh`` rebuilds the kept answers of a store written without them (as `bench/run.py`
writes and replicates stores) and prints the CPU seconds and the file's size; ``queries``
runs every named query in place and from the kept answers, first page (``--limit 100``)
and whole answer, and prints CPU and wall seconds of each (one run each after a warm-up
of the store's caches by the first query). Prints JSON lines.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def refresh(path: Path) -> dict[str, Any]:
    from kg.query.refresh import refresh_answers
    from kg.store.answers import ANSWERS_FILE
    from kg.store.directory import open_store

    cpu, wall = _cpu(), time.perf_counter()
    with open_store(path) as store:
        store.changes.everything = True
        report = refresh_answers(store)
    return {
        "documents": report.documents,
        "rows": report.rows,
        "cpu_s": round(_cpu() - cpu, 1),
        "wall_s": round(time.perf_counter() - wall, 1),
        "answers_mb": round((path / ANSWERS_FILE).stat().st_size / 1e6, 1),
        "load": os.getloadavg()[0],
    }


def queries(path: Path) -> dict[str, Any]:
    from run import _bindings

    from kg.query.catalog import named_queries
    from kg.query.run import run_named_query
    from kg.store.directory import open_store_read_only

    results: dict[str, Any] = {}
    with open_store_read_only(path) as store:
        values = _bindings(store.ox)
        for name, query in named_queries().items():
            bindings = {
                p.name: values[p.name] for p in query.params if values.get(p.name) is not None
            }
            if any(p.required and p.name not in bindings for p in query.params):
                continue
            row: dict[str, Any] = {"kept": query.keep.kept}
            for label, target in (("kept", store), ("in_place", store.ox)):
                for window, limit in (("page", 100), ("whole", None)):
                    cpu, wall = _cpu(), time.perf_counter()
                    result = run_named_query(target, name, bindings, limit=limit)
                    row[f"{label}_{window}_cpu_s"] = round(_cpu() - cpu, 3)
                    row[f"{label}_{window}_wall_s"] = round(time.perf_counter() - wall, 3)
                    row[f"{label}_{window}_rows"] = len(result.rows)
                    row[f"{label}_notes"] = list(result.notes)
            results[name] = row
            print(json.dumps({name: row}), flush=True)
    results["load"] = os.getloadavg()[0]
    return results


if __name__ == "__main__":
    kind, store_path = sys.argv[1], Path(sys.argv[2])
    print(json.dumps((refresh if kind == "refresh" else queries)(store_path)), flush=True)
