"""Time and peak memory of building ONE large document (not tests).

    .venv/bin/python bench/big_document.py --sizes 1 5        # MB; 20 takes many minutes
    .venv/bin/python bench/big_document.py --sizes 1 5 20 --timeout 1800

Each size is one ``.txt`` file of synthetic deal articles (``bench/generate.py``, seed 7)
joined by blank lines, built by :func:`kg.pipeline.build` in a fresh process (this script
re-invoked with ``--child``), so the peak memory (``ru_maxrss``) is that build's alone. A
size that does not finish within ``--timeout`` seconds is reported as such. The figures
set ``kg build --max-document-bytes``'s default
(:data:`kg.read.documents.DEFAULT_MAX_DOCUMENT_BYTES`). ``bench/run.py --big-sizes 1 5``
runs the same measurement as its "one large document" section.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def write_document(path: Path, megabytes: float, seed: int = 7) -> Path:
    """One text file of at least *megabytes* MB (10**6 bytes) of synthetic articles."""
    from generate import articles

    target = int(megabytes * 1_000_000)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        for item in articles(max(8, target // 500), seed):
            paragraph = item["text"] + "\n\n"
            handle.write(paragraph)
            written += len(paragraph.encode("utf-8"))
            if written >= target:
                break
    return path


def child(path: Path) -> dict[str, Any]:
    from kg.extract.nlp import load_nlp
    from kg.options import BuildOptions
    from kg.pipeline import build

    load_nlp()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    size = path.stat().st_size + 1
    kg = build([path], BuildOptions(max_bytes=size, max_document_bytes=size))
    assert kg.report is not None and kg.report.documents == 1, kg.report
    return {
        "bytes": path.stat().st_size,
        "tokens": kg.report.tokens,
        "triples": len(kg.graph),
        "seconds": time.perf_counter() - started,
        "stages": dict(kg.report.stages),
        "model_mb": round(before, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def measure(path: Path, timeout: float) -> dict[str, Any]:
    """:func:`child` on *path* in a fresh process; ``{"timeout_s": …}`` when it runs over."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"bytes": path.stat().st_size, "timeout_s": timeout}
    if done.returncode != 0:
        return {"bytes": path.stat().st_size, "failed": done.stderr[-500:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def rows(results: dict[str, dict[str, Any]]) -> list[str]:
    """Markdown table rows for ``results`` (MB size → measure's result)."""
    lines = [
        "| document MB | tokens | triples | seconds | tokens/s | peak MB (model loaded: MB) |",
        "|---|---|---|---|---|---|",
    ]
    for size, r in results.items():
        if "not_run" in r:
            lines.append(f"| {size} | not run: {r['not_run']} | | | | |")
        elif "timeout_s" in r:
            lines.append(f"| {size} | – | – | over {r['timeout_s']:,.0f} | – | – |")
        elif "failed" in r:
            lines.append(f"| {size} | failed: {r['failed'].splitlines()[-1]} | | | | |")
        else:
            lines.append(
                f"| {size} | {r['tokens']:,} | {r['triples']:,} | {r['seconds']:,.1f} | "
                f"{r['tokens'] / r['seconds']:,.0f} | {r['peak_mb']:,} ({r['model_mb']:,}) |"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 0.25, 1])
    parser.add_argument("--timeout", type=float, default=900, help="seconds per size")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench-big"))
    parser.add_argument("--child", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    results = {}
    for size in args.sizes:
        path = write_document(args.work / f"document-{size:g}MB.txt", size)
        print(f"build one {size:g} MB document", flush=True)
        results[f"{size:g}"] = measure(path, args.timeout)
        print(json.dumps(results[f"{size:g}"]), flush=True)
    print("\n".join(rows(results)))


if __name__ == "__main__":
    main()
