"""Where a build's time goes, phase by phase, in one process (not a test).

    .venv/bin/python bench/build_phases.py --count 300            # synthetic articles
    .venv/bin/python bench/build_phases.py --texts ../shared/corpus/dev --repeat 5
    .venv/bin/python bench/build_phases.py --count 1000 --compare   # both SHACL engines

Runs the stages ``kg build --workers 1`` runs (read, extract in this process, resolve, map,
lineage, write the Turtle, render the map, validate) one by one and prints each stage's CPU
seconds (``time.process_time``: on a shared machine wall time measures the neighbours) and
share of the whole, and the validation result's size so two runs can be compared.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

T = TypeVar("T")


def _documents(args: argparse.Namespace, work: Path) -> list[Path]:
    if args.texts is None:
        from generate import write_jsonl

        return [write_jsonl(work / "articles.jsonl", args.count, args.seed)]
    texts = sorted(Path(args.texts).glob("*.txt"))
    paths = []
    for copy in range(args.repeat):
        for text in texts:
            path = work / f"{copy:03d}_{text.name}"
            path.write_text(text.read_text(encoding="utf-8"), encoding="utf-8")
            paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="synthetic articles")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--texts", help="a folder of .txt articles instead of synthetic ones")
    parser.add_argument("--repeat", type=int, default=1, help="copies of each text")
    parser.add_argument("--no-html", action="store_true", help="skip the map")
    parser.add_argument(
        "--engine",
        choices=("kg", "pyshacl"),
        default="kg",
        help="the SHACL engine to validate with",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also validate with the other engine (not counted in the build) and compare reports",
    )
    args = parser.parse_args()

    from kg.extract.nlp import load_nlp
    from kg.knowledge import KnowledgeGraph
    from kg.lineage.link import link_lineage
    from kg.options import BuildOptions
    from kg.pipeline import extraction_stream
    from kg.rdf.mapping import to_graph
    from kg.rdf.ontology import validate
    from kg.read.documents import read_documents
    from kg.resolve import resolve_extractions

    load_nlp()
    phases: list[tuple[str, float]] = []
    clock = time.process_time  # CPU seconds: the machine is shared, wall time is noisy

    def timed(name: str, work: Callable[[], T]) -> T:
        started = clock()
        value = work()
        phases.append((name, clock() - started))
        return value

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inputs = _documents(args, work)
        read = timed("read", lambda: read_documents(inputs))
        options = BuildOptions(workers=1)
        extractions = timed("extract", lambda: list(extraction_stream(read.documents, options)))
        resolved = timed("resolve", lambda: resolve_extractions(extractions))
        graph = timed("map", lambda: to_graph(resolved))
        lineage = timed("lineage", lambda: link_lineage(graph))
        kg = KnowledgeGraph(graph, valid_times=lineage.valid_times)  # as a build hands it over
        timed("turtle", lambda: kg.write_turtle(work / "kg.ttl"))
        if not args.no_html:
            timed("html", lambda: kg.render_html(work / "kg.html"))
        result = timed("validate", lambda: validate(graph, engine=args.engine))
        if not args.no_html:  # not counted: the map of the same graph re-read, as `kg render`
            started = clock()
            KnowledgeGraph(graph).render_html(work / "again.html")
            reread_map = clock() - started
        if args.compare:
            other = "pyshacl" if args.engine == "kg" else "kg"
            started = clock()
            other_result = validate(graph, engine=other)
            other_seconds = clock() - started
    documents, tokens = len(read.documents), sum(e.tokens for e in extractions)
    total = sum(seconds for _, seconds in phases)
    print(
        f"{documents} documents, {tokens} tokens, {len(kg)} triples, "
        f"{len(result.violations)} validation results (conforms: {result.conforms})"
    )
    for name, seconds in phases:
        print(f"  {name:10s} {seconds:8.2f} CPU s  {100 * seconds / total:5.1f}%")
    print(
        f"  {'total':10s} {total:8.2f} CPU s ({1000 * total / max(tokens, 1):.3f} s per 1k tokens)"
    )
    if not args.no_html:
        print(f"  the same map with its valid times computed again: {reread_map:.2f} CPU s")
    if args.compare:
        same = "identical" if other_result == result else "DIFFERENT"
        print(f"  validation with {other}: {other_seconds:.2f} CPU s, report {same}")


if __name__ == "__main__":
    main()
