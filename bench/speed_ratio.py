"""The build against the model's own cost: issue 24's targets, side by side in one run.

    .venv/bin/python bench/speed_ratio.py                       # 1,000 generated + dev variants
    .venv/bin/python bench/speed_ratio.py --count 300 --repeat 1 --article-copies 1  # quick look
    .venv/bin/python bench/speed_ratio.py --write               # also into bench/RESULTS.md

On the same texts, each configuration in a fresh Python process (this script with
``--child``), run round-robin so that neighbours on a shared machine weigh on each alike,
medians of ``--repeat`` runs:

* ``plain-1``: ``en_core_web_sm`` with all six components, ``nlp.pipe(batch_size=16)`` in
  one process (model loading included, as a build includes it);
* ``plain-2``: the same with ``n_process=2``;
* ``kg-1`` / ``kg-2``: :func:`kg.pipeline.build_to` as ``kg build --workers 1`` / ``2``
  (Turtle, the map, SHACL validation: what ``kg build`` does by default for 1,000 documents);
* ``kg-1-bare`` / ``kg-2-bare``: the same without validation and without the map (other
  work on those stages then does not blur these figures).

Two corpora: generated articles (``bench/generate.py``, ``--count``) and "article-like"
text: the dev corpus's articles (``--texts``), each copy with its paragraphs rotated so that
every copy is a document of its own (the ids are content hashes) with the same sentences.

Printed per configuration: wall seconds, tokens per second (the plain pipeline's token count
for every configuration: the same texts), CPU seconds of the process and of its children
(``resource.getrusage``; pool workers and spaCy's ``n_process`` workers are waited for, so
they count). Then the targets: ``kg-2`` wall / ``plain-1`` wall (target ≤ 0.8, goal 0.6);
kg's CPU beyond the model's as a share of the build's (``(kg-1 CPU − plain-1 CPU) / kg-1
CPU``, target ≤ 35%); and, from one more ``kg-2`` run sampled every 0.2 s from /proc, how
busy the two cores were per stage: the parent's and the workers' CPU seconds over the
stage's wall seconds (1.0 = one core busy all the stage long).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

CONFIGS = ("plain-1", "plain-2", "kg-1", "kg-2", "kg-1-bare", "kg-2-bare")
CORES = 2
BATCH = 16
_TICKS = os.sysconf("SC_CLK_TCK")
_MARK = "<!-- speed_ratio.py -->"


# --------------------------------------------------------------------------- inputs


def article_variants(folder: Path, copies: int, out: Path) -> Path:
    """``out`` as JSON lines: every ``*.txt`` of *folder* *copies* times, copy k with its
    paragraphs rotated by k (a document of its own, the same sentences)."""
    with out.open("w", encoding="utf-8") as handle:
        for path in sorted(folder.glob("*.txt")):
            paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
            for copy in range(copies):
                shift = copy % max(1, len(paragraphs))
                text = "\n\n".join(paragraphs[shift:] + paragraphs[:shift])
                record = {"text": text, "source": f"{path.name}#copy{copy}"}
                handle.write(json.dumps(record) + "\n")
    return out


def _texts(source: Path) -> list[str]:
    with source.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


# --------------------------------------------------------------------------- CPU


def _usage() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its waited-for children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class Timeline:
    """This process's and its children's CPU seconds, sampled every *period* seconds."""

    def __init__(self, period: float = 0.2) -> None:
        self.period = period
        self.samples: list[tuple[float, float, float]] = []  # (time, parent s, workers s)
        self._workers: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        me = os.getpid()
        for pid in _children(me):
            self._workers[pid] = max(self._workers.get(pid, 0.0), _proc_cpu(pid))
        parent = sum(_usage()[:1])
        self.samples.append((time.perf_counter(), parent, sum(self._workers.values())))

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            self.sample()

    def __enter__(self) -> Timeline:
        self.busy_start = _machine_busy()
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
        busy, total = _machine_busy()
        self.machine = (busy - self.busy_start[0]) / max(1, total - self.busy_start[1])

    def between(self, start: float, end: float) -> tuple[float, float]:
        """CPU seconds of the parent and of the workers between *start* and *end*."""

        def at(moment: float) -> tuple[float, float]:
            before = [s for s in self.samples if s[0] <= moment] or self.samples[:1]
            return before[-1][1], before[-1][2]

        (p0, w0), (p1, w1) = at(start), at(end)
        return p1 - p0, w1 - w0


# --------------------------------------------------------------------------- children


def child(source: Path, config: str, timeline: bool) -> dict[str, Any]:
    texts = _texts(source)
    cpu0 = _usage()
    started = time.perf_counter()
    result: dict[str, Any] = {"config": config, "documents": len(texts)}
    if config.startswith("plain"):
        nlp = _plain_model()
        result["components"] = list(nlp.pipe_names)
        processes = 2 if config == "plain-2" else 1
        result["tokens"] = sum(
            len(doc) for doc in nlp.pipe(texts, batch_size=BATCH, n_process=processes)
        )
    else:
        result.update(_kg_build(source, config, timeline, started))
    result["wall_s"] = time.perf_counter() - started
    cpu1 = _usage()
    result["parent_cpu_s"] = cpu1[0] - cpu0[0]
    result["children_cpu_s"] = cpu1[1] - cpu0[1]
    result["cpu_s"] = result["parent_cpu_s"] + result["children_cpu_s"]
    return result


def _plain_model() -> Any:
    """``en_core_web_sm`` as its package ships it (or its MIT re-upload, as kg loads it)."""
    import importlib.util

    import spacy

    from kg.extract.nlp import DEFAULT_MODELS

    name = next((m for m in DEFAULT_MODELS if importlib.util.find_spec(m)), DEFAULT_MODELS[0])
    return spacy.load(name)


def _kg_build(source: Path, config: str, timeline: bool, started: float) -> dict[str, Any]:
    from kg.options import BuildOptions
    from kg.pipeline import build_to

    workers = 2 if config.startswith("kg-2") else 1
    bare = config.endswith("bare")
    marks: list[tuple[str, float, float | None]] = []

    def on_stage(stage: str, seconds: float | None) -> None:
        marks.append((stage, time.perf_counter(), seconds))

    with tempfile.TemporaryDirectory() as out, Timeline() as line:
        outputs = build_to(
            [source],
            out,
            BuildOptions(workers=workers),
            html=not bare,
            validate=not bare,
            on_stage=on_stage,
            force=True,
        )
    found: dict[str, Any] = {
        "kg_tokens": outputs.report.tokens,
        "triples": len(outputs.kg.graph),
        "stages": [[stage, seconds] for stage, _, seconds in marks if seconds is not None],
        "map_s": outputs.map_seconds,  # drawn in a child alongside write and validate
    }
    if timeline:
        found["busy"] = _stage_busy(line, marks, started)
        found["machine_busy"] = line.machine
    return found


def _stage_busy(
    line: Timeline, marks: list[tuple[str, float, float | None]], started: float
) -> list[dict[str, Any]]:
    """Per stage: its wall seconds and how many cores' worth the parent and workers used."""
    rows = []
    begun: dict[str, float] = {}
    for stage, moment, seconds in marks:
        if seconds is None:
            begun[stage] = moment
            continue
        start = begun.pop(stage, moment - seconds)
        parent, workers = line.between(start, moment)
        rows.append(
            {"stage": stage, "wall_s": moment - start, "parent": parent, "workers": workers}
        )
    end = line.samples[-1][0]
    parent, workers = line.between(started, end)
    rows.append(
        {"stage": "whole build", "wall_s": end - started, "parent": parent, "workers": workers}
    )
    return rows


def _run_child(source: Path, config: str, timeline: bool = False) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(source), config]
    if timeline:
        command.append("--timeline")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{config} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- report


def measure(source: Path, repeat: int, configs: tuple[str, ...]) -> dict[str, Any]:
    """Every configuration *repeat* times, round-robin; medians per configuration, and one
    sampled ``kg-2`` run."""
    runs: dict[str, list[dict[str, Any]]] = {c: [] for c in configs}
    load_before = os.getloadavg()
    for round_ in range(repeat):
        for config in configs:
            print(f"  {source.name}: {config} ({round_ + 1}/{repeat})", flush=True)
            runs[config].append(_run_child(source, config))
    sampled = _run_child(source, "kg-2", timeline=True) if "kg-2" in configs else None
    medians = {}
    for config, results in runs.items():
        medians[config] = {
            key: statistics.median(r[key] for r in results)
            for key in ("wall_s", "cpu_s", "parent_cpu_s", "children_cpu_s")
        }
        medians[config]["runs"] = [round(r["wall_s"], 2) for r in results]
        maps = [r["map_s"] for r in results if r.get("map_s") is not None]
        if maps:
            medians[config]["map_s"] = statistics.median(maps)
    tokens = next(r["tokens"] for r in runs.get("plain-1", runs.get("plain-2", [{}])))
    return {
        "source": source.name,
        "documents": runs[configs[0]][0]["documents"],
        "tokens": tokens,
        "medians": medians,
        "sampled": sampled,
        "load": [load_before, os.getloadavg()],
    }


def table(measured: dict[str, Any]) -> str:
    tokens = measured["tokens"]
    m = measured["medians"]
    lines = [
        "| configuration | wall s (runs) | tokens/s | CPU s (parent + children) |",
        "|---|---|---|---|",
    ]
    for config, row in m.items():
        runs = ", ".join(f"{w:.1f}" for w in row["runs"])
        lines.append(
            f"| {config} | {row['wall_s']:.1f} ({runs}) | {tokens / row['wall_s']:,.0f} | "
            f"{row['cpu_s']:.1f} ({row['parent_cpu_s']:.1f} + {row['children_cpu_s']:.1f}) |"
        )
    lines.append("")
    lines += _targets(m)
    for config, row in m.items():
        if "map_s" in row:
            lines.append(
                f"- the map in `{config}`: {row['map_s']:.1f} CPU s, drawn in a forked "
                "process while the Turtle is written and validated"
            )
    if measured["sampled"] is not None:
        lines += ["", *_busy_table(measured["sampled"])]
    (l1, _, _), (l2, _, _) = measured["load"]
    lines += ["", f"Load average (1 min) {l1:.1f} before, {l2:.1f} after, on 2 cores."]
    return "\n".join(lines)


def _targets(m: dict[str, Any]) -> list[str]:
    lines = []
    plain = m.get("plain-1")
    if plain is None:
        return lines
    for config in ("kg-2", "kg-2-bare"):
        if config in m:
            ratio = m[config]["wall_s"] / plain["wall_s"]
            cpu_ratio = m[config]["cpu_s"] / plain["cpu_s"]
            lines.append(
                f"- `{config}` / `plain-1`: **{ratio:.2f}** of the wall time "
                f"(target ≤ 0.8, goal 0.6); CPU {cpu_ratio:.2f}×"
            )
    for config in ("kg-1", "kg-1-bare", "kg-2", "kg-2-bare"):
        if config in m:
            beyond = (m[config]["cpu_s"] - plain["cpu_s"]) / m[config]["cpu_s"]
            lines.append(
                f"- kg's CPU beyond the model in `{config}`: **{100 * beyond:.0f}%** "
                "of the build's (target ≤ 35%)"
            )
    return lines


def _busy_table(sampled: dict[str, Any]) -> list[str]:
    lines = [
        f"Cores during one `kg build --workers 2` ({sampled['wall_s']:.1f} s wall; CPU seconds "
        "of the parent and of the two workers over the stage's wall seconds, 2.0 = both cores "
        f"busy throughout; all CPUs of the machine {100 * sampled['machine_busy']:.0f}% busy "
        "meanwhile, neighbours included):",
        "",
        "| stage | wall s | parent busy | workers busy | both cores used |",
        "|---|---|---|---|---|",
    ]
    for row in sampled["busy"]:
        wall = max(row["wall_s"], 1e-9)
        parent, workers = row["parent"] / wall, row["workers"] / wall
        lines.append(
            f"| {row['stage']} | {row['wall_s']:.1f} | {parent:.2f} | {workers:.2f} | "
            f"{100 * (parent + workers) / CORES:.0f}% |"
        )
    return lines


def write_results(text: str, path: Path = HERE / "RESULTS.md") -> None:
    """Put *text* into *path* between two markers (replacing an earlier run's)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{_MARK}\n{text}\n{_MARK}"
    if old.count(_MARK) >= 2:
        head, _, rest = old.partition(_MARK)
        _, _, tail = rest.partition(_MARK)
        new = head + block + tail
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        result = child(Path(sys.argv[2]), sys.argv[3], "--timeline" in sys.argv)
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="generated articles")
    parser.add_argument("--texts", type=Path, default=HERE.parent.parent / "shared/corpus/dev")
    parser.add_argument("--article-copies", type=int, default=8, help="0: skip them")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--write", action="store_true", help="write into bench/RESULTS.md")
    args = parser.parse_args()
    from generate import write_jsonl

    configs = tuple(args.configs.split(","))
    work = Path(tempfile.mkdtemp(prefix="kg-speed-"))
    sources = [write_jsonl(work / "generated.jsonl", args.count)]
    if args.article_copies and args.texts.is_dir():
        sources.append(
            article_variants(args.texts, args.article_copies, work / "article-like.jsonl")
        )
    parts = [
        "## Speed against the model (issue 24 targets)",
        "",
        "`bench/speed_ratio.py` (in `make bench`); see its docstring. Each configuration a fresh "
        f"process, medians of {args.repeat}, run round-robin.",
    ]
    for source in sources:
        measured = measure(source, args.repeat, configs)
        title = (
            f"{measured['documents']:,} generated articles"
            if source.name.startswith("generated")
            else f"{measured['documents']:,} article-like documents (dev articles, "
            f"{args.article_copies} copies with rotated paragraphs)"
        )
        parts += ["", f"### {title}, {measured['tokens']:,} tokens", "", table(measured)]
        print("\n".join(parts[-3:]), flush=True)
    if args.write:
        write_results("\n".join(parts))


if __name__ == "__main__":
    main()
