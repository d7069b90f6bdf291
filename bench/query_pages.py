"""Named queries on a store in place: the whole answer against its first page (not a test).

    .venv/bin/python bench/query_pages.py STORE [--limit 100]

For each named query (parameters bound as ``bench/run.py`` binds them: the busiest party
and its most frequent counterparty), prints the seconds for the whole answer and for the
first page of ``--limit`` rows (``run_named_query(..., limit=N)``, as ``kg query --limit``),
each the median of three runs after a warm-up (one run when a query takes over 5 s). Wall
time: a query's cost is mostly reading terms back from disk.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def _median_seconds(run: Any) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(4):
        started = time.perf_counter()
        rows = len(run().rows)
        times.append(time.perf_counter() - started)
        if times[0] > 5:
            break
    return statistics.median(times[1:] or times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args()

    from run import _bindings

    from kg.query.catalog import named_queries
    from kg.query.run import run_named_query
    from kg.store.directory import open_store_read_only

    with open_store_read_only(args.store) as store:
        values = _bindings(store.ox)
        print(f"| query | whole answer | first {args.limit} rows |")
        print("|---|---|---|")
        for name, query in named_queries().items():
            bindings = {p.name: values[p.name] for p in query.params if values.get(p.name)}
            if any(p.required and p.name not in bindings for p in query.params):
                continue
            whole, rows = _median_seconds(
                lambda name=name, bindings=bindings: run_named_query(store.ox, name, bindings)
            )
            page, _ = _median_seconds(
                lambda name=name, bindings=bindings: run_named_query(
                    store.ox, name, bindings, limit=args.limit
                )
            )
            print(f"| {name} | {whole * 1000:,.0f} ms ({rows:,} rows) | {page * 1000:,.0f} ms |")


if __name__ == "__main__":
    main()
