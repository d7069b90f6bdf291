"""Benchmarks of the pipeline, the persistent store and the query engine (not tests).

    .venv/bin/python bench/run.py                       # 1k and 10k documents, ~10 min
    .venv/bin/python bench/run.py --sizes 1000 --replicate 0   # quick

Writes ``bench/RESULTS.md``. Every measurement runs in a fresh Python process (this
script re-invoked with ``--child``), so peak memory (``ru_maxrss`` of the process and of its
worker processes) belongs to that measurement alone. The articles come from
``bench/generate.py`` (invented companies, deterministic for a seed).

Measured:

* build: read → extract (1 and 2 worker processes) → resolve → map, per phase, in
  documents/s and tokens/s, with peak memory;
* ingest into a persistent store with 2 workers: time, peak memory, size on disk;
* named-query latency on the stores, queried in place (each query's median of 3 runs
  after one warm-up), and the time to open the store; optionally on a store replicated ×N
  from the largest one (IRIs rewritten per copy) to reach 100k documents without
  extracting them. The old way, copying the store's union into memory with the ontology,
  is timed apart on the stores of up to 10,000 documents;
* rdflib's default Memory store against the Oxigraph store on the same graph: parse
  N-Triples, one GROUP BY query, write Turtle;
* ``kg serve`` on the smallest store under load (``bench/serve_load.py``: 50 clients × 30 s
  on 127.0.0.1 by default): requests per second, p50/p99 latency and errors.
* one large document (``bench/big_document.py``, ``--big-sizes`` MB, each size stopped
  after ``--big-timeout`` seconds): time and peak memory of building it.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

GROUP_BY = """
PREFIX dk: <https://w3id.org/dealkg/ontology#>
SELECT ?type (COUNT(DISTINCT ?agreement) AS ?n) WHERE {
  ?agreement a dk:Agreement ; dk:agreementType ?type .
} GROUP BY ?type ORDER BY DESC(?n)
"""


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)  # Linux reports KiB


def _peak_detail() -> dict[str, float]:
    return {
        "peak_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_mb_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


# --------------------------------------------------------------------------- children


def child_build(source: Path, workers: int) -> dict[str, Any]:
    from kg.extract.nlp import load_nlp
    from kg.options import BuildOptions
    from kg.pipeline import build

    started = time.perf_counter()
    if workers == 1:
        load_nlp()  # the workers load theirs inside the extract phase too
    loaded = time.perf_counter()
    kg = build([source], BuildOptions(workers=workers))
    assert kg.report is not None
    stages = dict(kg.report.stages)
    documents, tokens, total = kg.report.documents, kg.report.tokens, kg.report.seconds
    return {
        "documents": documents,
        "tokens": tokens,
        "triples": len(kg.graph),
        "load_s": loaded - started,
        "read_s": stages["read"],
        "extract_s": stages["extract"],
        "resolve_s": stages["resolve"],
        "map_s": stages["map"] + stages["lineage"],
        "total_s": total,
        "docs_per_s": documents / total,
        "tokens_per_s": tokens / total,
        "extract_tokens_per_s": tokens / stages["extract"],
        **_peak_detail(),
    }


def child_ingest(source: Path, store_path: Path, workers: int) -> dict[str, Any]:
    from kg.options import BuildOptions
    from kg.pipeline import ingest
    from kg.store.directory import open_store

    started = time.perf_counter()
    with open_store(store_path) as store:
        report = ingest(store, [str(source)], BuildOptions(workers=workers))
        seconds = time.perf_counter() - started
        quads = sum(store.graph_sizes().values())  # the documents' quads, not the ontology's
    with open_store(store_path) as store:
        disk = store.disk_bytes()
    return {
        "documents": report.documents,
        "tokens": report.tokens,
        "quads": quads,
        "seconds": seconds,
        "docs_per_s": report.documents / seconds,
        "tokens_per_s": report.tokens / seconds,
        "disk_mb": round(disk / 1e6, 1),
        **_peak_detail(),
    }


def child_replicate(source_path: Path, target_path: Path, copies: int) -> dict[str, Any]:
    """A store of *copies* × the source's documents, each copy with its own IRIs."""
    import pyoxigraph as ox

    from kg.store.directory import open_store, open_store_read_only, write_ontology

    started = time.perf_counter()
    pattern = re.compile(
        r"((?:doc|mention|agreement|clause|amount|stated)-[0-9a-f]{16})|(org-[a-z0-9-]+)"
    )
    with open_store_read_only(source_path) as source:
        # the documents' quads (four terms) and their entity facts and support; the
        # ontology is written once below
        lines = [line for line in source.nquads() if _has_graph(line)]
    with open_store(target_path) as target:
        for copy in range(copies):
            suffix = f"{copy:03d}"

            def rename(match: re.Match[str], suffix: str = suffix) -> str:
                # the hash keeps its slot; orgs get a per-copy suffix
                if match.group(1):
                    kind, digest = match.group(1).rsplit("-", 1)
                    return f"{kind}-{digest[:13]}{suffix}"
                return f"{match.group(2)}-r{suffix}"

            text = "\n".join(pattern.sub(rename, line) for line in lines) + "\n"
            target.ox.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        write_ontology(target.ox)
        target.ox.optimize()
        quads = sum(target.graph_sizes().values())
        graphs = len(target.document_graphs())
    with open_store(target_path) as target:
        disk = target.disk_bytes()
    return {
        "documents": graphs,
        "quads": quads,
        "seconds": time.perf_counter() - started,
        "disk_mb": round(disk / 1e6, 1),
        **_peak_detail(),
    }


_COPIED_GRAPHS = tuple(
    f"<https://w3id.org/dealkg/id/{name}"
    for name in ("doc-", "graph-entities>", "graph-entity-support>")
)


def _has_graph(line: str) -> bool:
    """Whether an N-Quads line is one of a document's graph, the entities graph or the
    support graph (its last term names the graph)."""
    return line.rstrip(" .").rsplit(" ", 1)[-1].startswith(_COPIED_GRAPHS)


def _bindings(graph: Any) -> dict[str, Any]:
    """A value for each parameter of the named queries, taken from the data."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    from kg.query.run import run_query

    def first(sparql: str) -> Any:
        rows = run_query(graph, sparql).rows
        return rows[0][0] if rows else None

    busiest = first(
        "SELECT ?o WHERE { ?a dk:hasParty ?o } GROUP BY ?o ORDER BY DESC(COUNT(?a)) LIMIT 1"
    )
    other = first(
        f"SELECT ?p WHERE {{ ?a dk:hasParty <{busiest}> , ?p . FILTER(?p != <{busiest}>) }} "
        "GROUP BY ?p ORDER BY DESC(COUNT(?a)) LIMIT 1"
    )
    agreement = first(
        "SELECT ?a WHERE { ?a dk:hasClause ?c } GROUP BY ?a ORDER BY DESC(COUNT(?c)) LIMIT 1"
    )
    clause_type = first(
        "SELECT ?t WHERE { ?c dk:clauseType ?t } GROUP BY ?t ORDER BY DESC(COUNT(?c)) LIMIT 1"
    )
    return {
        "org1": busiest,
        "org2": other,
        "agreement": agreement,
        "type": clause_type,
        "date": Literal("2026-01-01", datatype=XSD.date),
        "investor": busiest,
        "licensor": busiest,
        "licensee": other,
    }


def child_queries(store_path: Path) -> dict[str, Any]:
    """Named-query latency on the store in place, as `kg query STORE` and `kg serve` run."""
    from kg.query.catalog import named_queries
    from kg.query.run import run_query
    from kg.rdf.ontology import holds_ontology
    from kg.store.directory import open_store_read_only

    started = time.perf_counter()
    store = open_store_read_only(store_path)
    in_place = holds_ontology(store.ox)  # else every query would copy the store
    opened = time.perf_counter()
    values = _bindings(store.ox)
    timings: dict[str, dict[str, float]] = {}
    for name, query in named_queries().items():
        bindings = {p.name: values[p.name] for p in query.params if values.get(p.name) is not None}
        if any(p.required and p.name not in bindings for p in query.params):
            continue
        runs = []
        rows = 0
        for _ in range(4):
            began = time.perf_counter()
            result = run_query(store.ox, query.sparql, bindings)
            runs.append(time.perf_counter() - began)
            rows = len(result.rows)
            if runs[0] > 5:  # a slow query is measured once: repeats would not change much
                break
        repeated = runs[1:] or runs
        timings[name] = {"median_s": statistics.median(repeated), "first_s": runs[0], "rows": rows}
    return {
        "quads": len(store),
        "in_place": in_place,
        "open_s": opened - started,
        "queries": timings,
        **_peak_detail(),
    }


def child_union(store_path: Path) -> dict[str, Any]:
    """The old way: the store's union copied into memory, then the ontology added."""
    from kg.query.run import with_ontology
    from kg.store.directory import store_graph

    started = time.perf_counter()
    union = store_graph(store_path)
    loaded = time.perf_counter()
    with_ontology(union)
    prepared = time.perf_counter()
    return {
        "load_union_s": loaded - started,
        "add_ontology_s": prepared - loaded,
        **_peak_detail(),
    }


def child_compare(store_path: Path, work: Path) -> dict[str, Any]:
    """rdflib's Memory store against Oxigraph on the same N-Triples file."""
    from rdflib import Graph

    from kg.rdf.graphs import new_graph
    from kg.store.directory import store_graph

    data = work / "compare.nt"
    store_graph(store_path).serialize(data, format="ox-nt")
    results: dict[str, Any] = {"bytes": data.stat().st_size}
    for label, oxigraph, parse_format, write_format in (
        ("rdflib Memory", False, "nt", "turtle"),
        ("Oxigraph (oxrdflib)", True, "ox-nt", "ox-turtle"),
    ):
        graph = new_graph() if oxigraph else Graph()
        began = time.perf_counter()
        graph.parse(data, format=parse_format)
        parsed = time.perf_counter()
        rows = list(graph.query(GROUP_BY))
        queried = time.perf_counter()
        graph.serialize(work / "compare.ttl", format=write_format)
        written = time.perf_counter()
        results[label] = {
            "triples": len(graph),
            "parse_s": parsed - began,
            "group_by_s": queried - parsed,
            "group_by_rows": len(rows),
            "turtle_s": written - queried,
        }
        del graph
    return results


# --------------------------------------------------------------------------- driver


UNION_MAX_DOCUMENTS = 10_000
"""Largest store whose union is also copied the old way (328 s and 9.5 GB at 100k)."""


def _run_child(*args: str) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    print("  $", " ".join(command[2:]), flush=True)
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child failed ({' '.join(args)}):\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - began
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="kg benchmarks")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--build-sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--replicate", type=int, default=100_000, help="0 to skip")
    parser.add_argument("--compare-size", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench"))
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--serve-clients", type=int, default=50)
    parser.add_argument("--serve-seconds", type=float, default=30.0, help="0 to skip")
    parser.add_argument("--serve-workers", type=int, default=2)
    parser.add_argument("--big-sizes", type=float, nargs="*", default=[1, 5, 20])
    parser.add_argument("--big-timeout", type=float, default=600, help="seconds per size")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child)))
        return
    run_all(args)
    print(f"wrote {args.out}")


def _child(argv: list[str]) -> dict[str, Any]:
    kind, *rest = argv
    if kind == "build":
        return child_build(Path(rest[0]), int(rest[1]))
    if kind == "ingest":
        return child_ingest(Path(rest[0]), Path(rest[1]), int(rest[2]))
    if kind == "replicate":
        return child_replicate(Path(rest[0]), Path(rest[1]), int(rest[2]))
    if kind == "queries":
        return child_queries(Path(rest[0]))
    if kind == "union":
        return child_union(Path(rest[0]))
    if kind == "compare":
        return child_compare(Path(rest[0]), Path(rest[1]))
    if kind == "serve-load":
        from serve_load import load_test

        return load_test(Path(rest[0]), int(rest[1]), float(rest[2]), int(rest[3]))
    raise SystemExit(f"unknown child {kind}")


def _save(results: dict[str, Any], args: argparse.Namespace) -> None:
    """Write the report after every step, so a long run that is stopped keeps its rows."""
    args.out.write_text(report(results, args), encoding="utf-8")
    (args.work / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    import shutil

    from generate import write_jsonl

    work: Path = args.work
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    results: dict[str, Any] = {"build": {}, "ingest": {}, "queries": {}, "big": {}}
    _big_documents(args, results)
    sources = {}
    for size in sorted(set(args.sizes) | set(args.build_sizes) | {args.compare_size}):
        sources[size] = write_jsonl(work / f"articles-{size}.jsonl", size, args.seed)
    for size in args.build_sizes:
        for workers in (1, 2):
            print(f"build {size} documents, {workers} worker(s)", flush=True)
            results["build"][f"{size}/{workers}"] = _run_child(
                "build", str(sources[size]), str(workers)
            )
            _save(results, args)
    stores = {}
    for size in args.sizes:
        print(f"ingest {size} documents, 2 workers", flush=True)
        stores[size] = work / f"store-{size}"
        results["ingest"][str(size)] = _run_child(
            "ingest", str(sources[size]), str(stores[size]), "2"
        )
        print(f"queries on {size} documents", flush=True)
        results["queries"][str(size)] = _run_child("queries", str(stores[size]))
        if size <= UNION_MAX_DOCUMENTS:
            print(f"union copy of {size} documents (the old way)", flush=True)
            results["queries"][str(size)]["union"] = _run_child("union", str(stores[size]))
        _save(results, args)
    compare_store = stores.get(args.compare_size)
    if compare_store is not None:
        print(f"rdflib Memory vs Oxigraph on {args.compare_size} documents", flush=True)
        results["compare"] = _run_child("compare", str(compare_store), str(work))
        results["compare"]["documents"] = args.compare_size
        _save(results, args)
    if args.serve_seconds > 0 and stores:
        smallest = min(stores)
        print(f"kg serve under load: {args.serve_clients} clients on {smallest} docs", flush=True)
        results["serve"] = _run_child(
            "serve-load",
            str(stores[smallest]),
            str(args.serve_clients),
            str(args.serve_seconds),
            str(args.serve_workers),
        )
        results["serve"]["documents"] = smallest
        _save(results, args)
    if args.replicate:
        largest = max(args.sizes)
        copies = max(1, args.replicate // largest)
        target = work / f"store-{largest * copies}-replicated"
        print(f"replicate {largest} × {copies}", flush=True)
        results["replicate"] = _run_child(
            "replicate", str(stores[largest]), str(target), str(copies)
        )
        results["replicate"]["copies"] = copies
        results["replicate"]["from"] = largest
        print(f"queries on {largest * copies} documents", flush=True)
        _save(results, args)
        results["queries"][f"{largest * copies} (replicated)"] = _run_child("queries", str(target))
        _save(results, args)
    return results


def _big_documents(args: argparse.Namespace, results: dict[str, Any]) -> None:
    from big_document import measure, write_document

    over: float | None = None
    for size in sorted(args.big_sizes):
        if over is not None:  # a larger document cannot be faster: not waited for
            results["big"][f"{size:g}"] = {"not_run": f"{over:g} MB ran over the timeout"}
            continue
        path = write_document(args.work / f"document-{size:g}MB.txt", size, args.seed)
        print(f"build one {size:g} MB document (at most {args.big_timeout:g} s)", flush=True)
        results["big"][f"{size:g}"] = measure(path, args.big_timeout)
        if "timeout_s" in results["big"][f"{size:g}"]:
            over = size
        _save(results, args)


# --------------------------------------------------------------------------- report


def _f(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `bench/run.py` on {time.strftime('%Y-%m-%d')} — "
        f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}. "
        "Synthetic articles from `bench/generate.py` (seed "
        f"{args.seed}); every row is a fresh process, so peak memory is its own.",
        "",
        "## Build (read → extract → resolve → map)",
        "",
        "| documents | workers | tokens | triples | extract s | resolve s | map s | total s "
        "| docs/s | tokens/s | extract tokens/s | peak MB (main / worker) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, r in results["build"].items():
        size, workers = key.split("/")
        lines.append(
            f"| {int(size):,} | {workers} | {r['tokens']:,} | {r['triples']:,} | "
            f"{_f(r['extract_s'])} | {_f(r['resolve_s'], 2)} | {_f(r['map_s'])} | "
            f"{_f(r['total_s'])} | {_f(r['docs_per_s'])} | {_f(r['tokens_per_s'], 0)} | "
            f"{_f(r['extract_tokens_per_s'], 0)} | {r['peak_mb_main']:,} / {r['peak_mb_worker']:,} |"
        )
    lines += [
        "",
        "Model loading (about 2 s per process) is outside *total*, inside *extract* for "
        "2 workers (each worker loads its own pipeline).",
        "",
        "## Ingest into a persistent store (2 workers)",
        "",
        "| documents | tokens | quads | seconds | docs/s | tokens/s | on disk MB "
        "| peak MB (main / worker) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size, r in results["ingest"].items():
        lines.append(
            f"| {int(size):,} | {r['tokens']:,} | {r['quads']:,} | {_f(r['seconds'])} | "
            f"{_f(r['docs_per_s'])} | {_f(r['tokens_per_s'], 0)} | {r['disk_mb']:,} | "
            f"{r['peak_mb_main']:,} / {r['peak_mb_worker']:,} |"
        )
    if "replicate" in results:
        r = results["replicate"]
        lines += [
            "",
            f"Replicated store: {r['from']:,} documents × {r['copies']} copies "
            f"(IRIs rewritten per copy) = {r['documents']:,} documents, {r['quads']:,} quads, "
            f"{r['disk_mb']:,} MB on disk, written in {_f(r['seconds'])} s "
            f"(peak {r['peak_mb_main']:,} MB).",
        ]
    lines += ["", "## Named queries", ""]
    sizes = list(results["queries"])
    lines.append("| query | " + " | ".join(f"{s} docs" for s in sizes) + " |")
    lines.append("|---|" + "---|" * len(sizes))
    names = sorted({n for r in results["queries"].values() for n in r["queries"]})
    for name in names:
        cells = []
        for size in sizes:
            q = results["queries"][size]["queries"].get(name)
            cells.append(f"{q['median_s'] * 1000:,.0f} ms ({q['rows']:,} rows)" if q else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    runs = [results["queries"][s] for s in sizes]
    lines.append("| *open store (read-only)* | " + " | ".join(_open_cell(r) for r in runs) + " |")
    lines.append(
        "| *peak MB, in place* | " + " | ".join(f"{r['peak_mb_main']:,}" for r in runs) + " |"
    )
    for label, key in (
        ("*old way: load store union*", "load_union_s"),
        ("*old way: add ontology (copy)*", "add_ontology_s"),
    ):
        cells = [_f(r["union"][key]) + " s" if "union" in r else "not run" for r in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    cells = [f"{r['union']['peak_mb_main']:,}" if "union" in r else "not run" for r in runs]
    lines.append("| *old way: peak MB* | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Median of 3 runs after a warm-up, through `kg.query.run.run_query` on the store opened "
        "read-only and queried in place (the union of its graphs, the ontology in its default "
        "graph), as `kg query STORE` and `kg serve STORE` do; times include converting the rows "
        "to rdflib terms. The *old way* rows time what every query on a store cost before: "
        "copying the union of its graphs into memory, then the ontology; not run on the "
        "largest store (328 s and 9.5 GB at 100,000 documents).",
    ]
    if results.get("big"):
        from big_document import rows

        lines += ["", "## One large document (`bench/big_document.py`)", ""]
        lines += rows(results["big"])
        lines += [
            "",
            "One text file of synthetic deal articles built as one document, in a fresh "
            "process. Its analysis is held whole, so memory grows with its length: `kg build` "
            "skips an article over `--max-document-bytes` (default 1,000,000, what was "
            "measured to work) with a message naming it and how to raise the limit.",
        ]
    if "compare" in results:
        c = results["compare"]
        lines += [
            "",
            f"## rdflib Memory store vs Oxigraph ({c['documents']:,} documents, "
            f"{c['bytes'] / 1e6:,.1f} MB of N-Triples)",
            "",
            "| store | triples | parse N-Triples s | GROUP BY query s | write Turtle s |",
            "|---|---|---|---|---|",
        ]
        for label in ("rdflib Memory", "Oxigraph (oxrdflib)"):
            r = c[label]
            lines.append(
                f"| {label} | {r['triples']:,} | {_f(r['parse_s'], 2)} | "
                f"{_f(r['group_by_s'], 3)} | {_f(r['turtle_s'], 2)} |"
            )
    if "serve" in results:
        lines += serve_report(results["serve"])
    return "\n".join(lines) + "\n"


def serve_report(r: dict[str, Any]) -> list[str]:
    """The section of `kg serve` under load (``bench/serve_load.py``)."""
    errors = ", ".join(f"{k}: {v:,}" for k, v in r["errors"].items()) or "none"
    return [
        "",
        f"## `kg serve` under load ({r['clients']} clients × {r['seconds']:g} s, "
        f"{r['workers']} workers)",
        "",
        "| served | requests | per s | p50 ms | p90 ms | p99 ms | max ms | errors |",
        "|---|---|---|---|---|---|---|---|",
        f"| {r.get('documents', r['target'])} | {r['requests']:,} | {_f(r['per_s'])} | "
        f"{_f(r['p50_ms'])} | {_f(r['p90_ms'])} | {_f(r['p99_ms'])} | {_f(r['max_ms'])} | "
        f"{errors} |",
        "",
        f"Each client keeps one connection and sends the {r['queries']} named queries that "
        "need no parameters in turn (form POST); the server is a `kg serve` process of its "
        "own on 127.0.0.1.",
    ]


def _open_cell(run: dict[str, Any]) -> str:
    cell = f"{run['open_s'] * 1000:,.0f} ms"
    return cell if run.get("in_place", True) else cell + " (no ontology: copied)"


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
