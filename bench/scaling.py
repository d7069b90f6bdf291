"""Scaling out: the same build on the local process pool and on a 2-worker Dask LocalCluster.

    .venv/bin/python bench/scaling.py --count 300          # a few minutes on 2 cores
    .venv/bin/python bench/scaling.py --count 1000 --write  # also writes bench/SCALING.md

Each configuration runs in a fresh Python process (this script with ``--child``) on the
same generated articles (``bench/generate.py``): ``kg build`` in one process, with
``--workers 2``, and with ``--scheduler`` on a ``distributed.LocalCluster`` of two
single-threaded worker processes on 127.0.0.1 (started before the clock starts, as a
standing cluster would be). Printed per configuration: documents/s, the extract phase and
the rest, and CPU utilisation: the CPU seconds of the build's own processes (the parent,
its pool workers or Dask workers, sampled from /proc) over wall time × 2 cores, the
parent's share of it, and the workers' CPU per document (model loading included; for one
process, the whole build's). The machine may be shared, so only the build's own processes count.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

CORES = 2
_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


class CpuSampler:
    """CPU seconds of a set of processes, sampled every 0.2 s so that workers that exit
    before the end still count (their last sample)."""

    def __init__(self, pids: Any) -> None:
        self._pids = pids  # a callable giving the pids to watch
        self.seconds: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.2)

    def sample(self) -> None:
        for pid in self._pids():
            self.seconds[pid] = max(self.seconds.get(pid, 0.0), _cpu_seconds(pid))

    def __enter__(self) -> CpuSampler:
        self.sample()
        self._start = dict(self.seconds)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sample()
        self._stop.set()
        self._thread.join()

    def used(self) -> dict[int, float]:
        return {pid: s - self._start.get(pid, 0.0) for pid, s in self.seconds.items()}


def child(source: Path, mode: str) -> dict[str, Any]:
    from kg.extract.nlp import load_nlp
    from kg.options import BuildOptions
    from kg.pipeline import build

    cluster = None
    worker_pids: set[int] = set()
    if mode == "dask":
        import logging

        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        with Client(cluster) as client:
            worker_pids = set(client.run(os.getpid).values())
        options = BuildOptions(scheduler=cluster.scheduler_address)
    elif mode == "pool":
        options = BuildOptions(workers=2)
    else:
        load_nlp()
        options = BuildOptions()
    me = os.getpid()
    watched = (lambda: {me} | worker_pids) if mode == "dask" else (lambda: {me} | _descendants(me))
    started = time.perf_counter()
    with CpuSampler(watched) as cpu:
        kg = build([source], options)
    wall = time.perf_counter() - started
    if cluster is not None:
        cluster.close()
    assert kg.report is not None
    stages = dict(kg.report.stages)
    used = cpu.used()
    total_cpu = sum(used.values())
    return {
        "mode": mode,
        "documents": kg.report.documents,
        "tokens": kg.report.tokens,
        "triples": len(kg.graph),
        "wall_s": wall,
        "extract_s": stages["extract"],
        "after_extract_s": wall - stages["extract"] - stages["read"],
        "docs_per_s": kg.report.documents / wall,
        "extract_docs_per_s": kg.report.documents / stages["extract"],
        "cpu_s": total_cpu,
        "parent_cpu_s": used.get(me, 0.0),
        "utilisation": total_cpu / (wall * CORES),
        # extraction CPU per document, model loading included: what one worker costs
        "worker_ms_per_doc": 1000
        * (total_cpu - (used.get(me, 0.0) if mode != "one" else 0.0))
        / max(1, kg.report.documents),
    }


def _run(source: Path, mode: str) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(source), mode]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| executor | documents | wall s | docs/s | extract s | extract docs/s | after extract s "
        "| CPU s (parent) | utilisation of 2 cores | worker CPU ms/doc | tokens per worker CPU s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    names = {"one": "one process", "pool": "local pool, 2 processes", "dask": "Dask, 2 workers"}
    for r in rows:
        lines.append(
            f"| {names[r['mode']]} | {r['documents']:,} | {r['wall_s']:.1f} | "
            f"{r['docs_per_s']:.1f} | {r['extract_s']:.1f} | {r['extract_docs_per_s']:.1f} | "
            f"{r['after_extract_s']:.1f} | {r['cpu_s']:.1f} ({r['parent_cpu_s']:.1f}) | "
            f"{100 * r['utilisation']:.0f}% | {r['worker_ms_per_doc']:.0f} | "
            f"{r['tokens'] / max(1e-9, r['worker_ms_per_doc'] * r['documents'] / 1000):,.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(Path(sys.argv[2]), sys.argv[3])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--modes", default="one,pool,dask")
    parser.add_argument("--write", action="store_true", help="write bench/SCALING.md")
    args = parser.parse_args()
    from generate import write_jsonl

    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"kg-scaling-{args.count}"
    work.mkdir(parents=True, exist_ok=True)
    source = write_jsonl(work / "articles.jsonl", args.count)
    rows = []
    for mode in args.modes.split(","):
        print(f"{mode}: {args.count} documents", flush=True)
        rows.append(_run(source, mode))
    text = table(rows)
    by_mode = {r["mode"]: r for r in rows}
    if "pool" in by_mode and "dask" in by_mode:
        overhead = by_mode["dask"]["extract_s"] / by_mode["pool"]["extract_s"] - 1
        text += f"\n\nDask's overhead on extraction against the local pool: {100 * overhead:+.0f}%."
    load = os.getloadavg()[0]
    text += f"\n\nLoad average at the end: {load:.1f} on {os.cpu_count()} cores (a shared machine: "
    text += "wall times and utilisation suffer from other processes, CPU per document does not)."
    print(text)
    if args.write:
        (HERE / "SCALING.md").write_text(
            f"# Scaling out ({args.count} generated articles, {CORES} cores)\n\n"
            "`python bench/scaling.py --count N --write`; see the script's docstring.\n\n"
            + text
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
