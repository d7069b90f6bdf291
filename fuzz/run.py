"""Fuzz the whole pipeline with generated documents: ``python fuzz/run.py --count 10000``.

Documents are random mixtures of deal-like sentences (built from word lists, with
hostile company names and amounts), random Unicode noise, and HTML/JSON/Markdown
wrappers with hostile metadata. Each batch goes through the readers, extraction
(``nlp.pipe`` batches), resolution, mapping, deterministic Turtle, a re-parse with
Oxigraph and the HTML map. A batch that fails is retried one document at a time, and
every failing input is saved to ``fuzz/failures/`` with its traceback. The run prints
how many inputs were tried, the failures and the slowest input, and exits 1 when any
input failed. Generation is seeded, so ``--seed`` reproduces a run exactly.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FAILURES = Path(__file__).resolve().parent / "failures"

COMPANY_WORDS = (
    "Acme Borealis Cinder Delta Ember Fjord Granite Helix Ionic Juniper Krios Lumen "
    "Meridian Nimbus Orion Pylon Quanta Rivet Solace Tundra Umbra Vortex Willow Xenon "
    "Yarrow Zephyr"
).split()
COMPANY_KINDS = "Robotics Therapeutics Energy Systems Labs Bank Foods Motors Pharma Grid".split()
SUFFIXES = ["Inc.", "Ltd.", "GmbH", "S.A.", "plc", "Corp.", "Holdings", "LLC", "AG", ""]
VERBS = [
    "signed a licensing agreement with",
    "agreed to acquire",
    "will invest {amount} in",
    "entered into a strategic partnership with",
    "acquired a {percent} stake in",
    "terminated its supply agreement with",
    "signed a memorandum of understanding with",
    "extended its distribution deal with",
    "granted exclusive rights in {place} to",
    "will pay {amount} upfront and up to {amount} in milestones to",
    "amended its {year} agreement with",
    "merged with",
]
TAILS = [
    ".",
    " on {date}.",
    " through {year}.",
    " for {amount}.",
    ", the companies said on {date}.",
    " in a deal valued at about {amount}.",
    "",
]
PLACES = ["Europe", "Japan", "North America", "the EU", "Latin America", "China"]
MONTHS = "January February March April May June July August September October November December"
CURRENCIES = ["$", "US$", "€", "£", "¥", "₹", "CHF ", "EUR ", "USD ", "$$", "", "€$"]
SCALES = ["", " million", " billion", "m", "bn", " trillion", "k", " thousand"]
# Fragments that break naive serialisers, templates and query builders (the same list
# as the property tests).
HOSTILE: list[str] = json.loads(
    (
        Path(__file__).resolve().parent.parent
        / "tests"
        / "fixtures"
        / "robustness"
        / "hostile.json"
    ).read_text(encoding="utf-8")
)
# Ranges of code points for noise; surrogates (D800–DFFF) cannot be encoded.
NOISE_RANGES = [(0x20, 0x7E), (0x00, 0x1F), (0xA0, 0x24F), (0x370, 0x3FF), (0x590, 0x6FF)]
NOISE_RANGES += [(0x2000, 0x206F), (0x20A0, 0x20BF), (0x3040, 0x30FF), (0x1F300, 0x1F64F)]


# ------------------------------------------------------------------ generation


@dataclass(frozen=True)
class Case:
    """One generated input: the raw content and how it is read (txt, md, html, json, doc)."""

    index: int
    kind: str
    content: str


def _company(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return "".join(rng.choice(HOSTILE) for _ in range(rng.randint(1, 3))) + " Inc."
    words = [rng.choice(COMPANY_WORDS)]
    if rng.random() < 0.6:
        words.append(rng.choice(COMPANY_KINDS))
    words.append(rng.choice(SUFFIXES))
    name = " ".join(w for w in words if w)
    if rng.random() < 0.1:
        name = rng.choice(HOSTILE) + name + rng.choice(HOSTILE)
    return name


def _amount(rng: random.Random) -> str:
    # now and then an absurdly long number: amounts must not overflow Decimal precision
    digits = str(rng.randint(0, 10 ** rng.choice([rng.randint(1, 12)] * 49 + [40])))
    if rng.random() < 0.3:
        digits = f"{int(digits):,}"
    if rng.random() < 0.2:
        digits += "." + str(rng.randint(0, 99))
    return rng.choice(CURRENCIES) + digits + rng.choice(SCALES)


def _date(rng: random.Random) -> str:
    month = rng.choice(MONTHS.split())
    return rng.choice(
        [
            f"{month} {rng.randint(1, 31)}, {rng.randint(1990, 2040)}",
            f"{rng.randint(1990, 2040)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"{month} {rng.randint(1990, 2040)}",
            f"Q{rng.randint(1, 4)} {rng.randint(1990, 2040)}",
        ]
    )


def _fill(template: str, rng: random.Random) -> str:
    makers: tuple[tuple[str, Callable[[], str]], ...] = (
        ("{amount}", lambda: _amount(rng)),
        ("{percent}", lambda: f"{rng.randint(0, 120)}%"),
        ("{date}", lambda: _date(rng)),
        ("{year}", lambda: str(rng.randint(1990, 2040))),
        ("{place}", lambda: rng.choice(PLACES)),
    )
    for name, make in makers:
        while name in template:
            template = template.replace(name, make(), 1)
    return template


def deal_sentence(rng: random.Random) -> str:
    verb = _fill(rng.choice(VERBS), rng)
    return f"{_company(rng)} {verb} {_company(rng)}{_fill(rng.choice(TAILS), rng)}"


def noise(rng: random.Random, size: int) -> str:
    chars = []
    for _ in range(size):
        low, high = rng.choice(NOISE_RANGES)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


FILLER = [
    "The weather was mild and the harvest was good. ",
    "x" * 500,
    "1,",
    "| ",
    "😀",
    "SELECT * WHERE { ?s ?p ?o } ",
]


def long_body(rng: random.Random) -> str:
    """A 12,000–16,000 character text, usually with no deal vocabulary at all."""
    filler = rng.choice(FILLER)
    text = filler * (rng.randint(12_000, 16_000) // len(filler) + 1)
    return text if rng.random() < 0.7 else deal_sentence(rng) + " " + text


def body(rng: random.Random, max_chars: int, long_share: float = 0.0) -> str:
    if rng.random() < long_share:
        return long_body(rng)
    parts: list[str] = []
    while sum(len(p) for p in parts) < rng.randint(20, max_chars):
        roll = rng.random()
        if roll < 0.65:
            parts.append(deal_sentence(rng))
        elif roll < 0.85:
            parts.append(noise(rng, rng.randint(1, 60)))
        elif roll < 0.95:
            parts.append(rng.choice(HOSTILE))
        else:
            parts.append(rng.choice(CURRENCIES) * rng.randint(1, 30) + "9" * rng.randint(1, 20))
    separator = rng.choice([" ", "\n", "\n\n", "", "  "])
    return separator.join(parts)


def _meta(rng: random.Random) -> str:
    return rng.choice([_company(rng), noise(rng, 20), rng.choice(HOSTILE) * 3, "T" * 300])


def wrap(rng: random.Random, text: str) -> tuple[str, str]:
    """(*text* wrapped in a random format with hostile metadata, kind)."""
    kind = rng.choice(["doc", "doc", "txt", "md", "html", "json", "jsonl"])
    title, publisher = _meta(rng), _meta(rng)
    url = rng.choice(["javascript:alert(1)", "https://example.org/a?<b>", _meta(rng), ""])
    if kind == "md":
        front = f'---\ntitle: "{title.replace(chr(34), "")}"\ndate: {_date(rng)}\n---\n'
        return front + "# " + title + "\n\n" + text, kind
    if kind == "html":
        return (
            f"<html><head><title>{title}</title>"
            f'<meta property="og:url" content="{url}">'
            f'<meta name="publisher" content="{publisher}"></head>'
            f"<body><article><h1>{title}</h1><p>{text}</p></article>"
            f"<script>var x = '{text[:50]}';</script></body></html>"
        ), kind
    record = {"text": text, "title": title, "url": url, "publisher": publisher}
    record["published"] = rng.choice([_date(rng), "not a date", "9999-99-99", ""])
    if kind == "json":
        return json.dumps(record, ensure_ascii=rng.random() < 0.5), kind
    if kind == "jsonl":
        return json.dumps(record) + "\n" + json.dumps({**record, "text": text[::-1]}), kind
    return text, kind


def generate(seed: int, count: int, max_chars: int, long_share: float = 0.002) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        content, kind = wrap(rng, body(rng, max_chars, long_share))
        cases.append(Case(index, kind, content))
    return cases


# --------------------------------------------------------------------- running


@dataclass
class Summary:
    tried: int = 0
    documents: int = 0
    tokens: int = 0
    triples: int = 0
    failures: list[str] = field(default_factory=list)
    slowest: tuple[float, int] = (0.0, -1)


def read_case(case: Case) -> list[object]:
    """The Documents the real readers make of *case* (``doc`` skips the readers)."""
    from kg.models import Document
    from kg.read.base import to_document
    from kg.read.html import read_html
    from kg.read.records import read_json, read_jsonl
    from kg.read.text import read_text

    source = f"fuzz-{case.index}.{case.kind}"
    if case.kind == "doc":
        digest = hashlib.sha256(case.content.encode("utf-8")).hexdigest()[:16]
        return [Document(id=f"doc-{digest}", text=case.content, source=source)]
    readers: dict[str, Callable[[str, str], object]] = {
        "txt": read_text,
        "md": read_text,
        "html": read_html,
        "json": lambda t, s: read_json(t, s, read_text),
        "jsonl": lambda t, s: read_jsonl(t, s, read_text),
    }
    parsed = readers[case.kind](case.content, source)
    return [to_document(article) for article in parsed.articles]  # type: ignore[attr-defined]


def run_batch(cases: Sequence[Case], check_html: bool) -> tuple[int, int, list[float]]:
    """Run *cases* end to end; returns (documents, triples, seconds per case)."""
    import pyoxigraph as ox

    from kg.models import Document
    from kg.pipeline import build_documents
    from kg.rdf.graphs import turtle_bytes
    from kg.render.map import html_for

    documents: list[Document] = []
    owner: list[int] = []
    for position, case in enumerate(cases):
        for doc in read_case(case):
            assert isinstance(doc, Document)
            documents.append(doc)
            owner.append(position)
    seconds = [0.0] * len(cases)
    marks = [time.perf_counter()]

    def progress(done: int, _total: int) -> None:
        now = time.perf_counter()
        seconds[owner[done - 1]] += now - marks[-1]
        marks.append(now)

    graph = build_documents(documents, progress=progress).graph
    data = turtle_bytes(graph)
    reparsed = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    if len(reparsed) != len(graph):
        raise AssertionError(f"Turtle re-parse gave {len(reparsed)} triples, not {len(graph)}")
    texts = {doc.text for doc in documents}
    literal_texts = {
        t.object.value
        for t in reparsed
        if t.predicate.value.endswith("#isString") and isinstance(t.object, ox.Literal)
    }
    if literal_texts != texts:
        raise AssertionError("document texts did not round-trip through Turtle")
    if check_html:
        _check_html(html_for(graph))
    return len(documents), len(graph), seconds


_BASELINE_SCRIPTS: list[int] = []


def _check_html(page: str) -> None:
    from kg.rdf.graphs import new_graph
    from kg.render.map import html_for

    if not _BASELINE_SCRIPTS:
        _BASELINE_SCRIPTS.append(html_for(new_graph()).lower().count("<script"))
    if page.lower().count("<script") != _BASELINE_SCRIPTS[0]:
        raise AssertionError("the map page has a <script> element that is not the template's")
    for raw in ("<img src=x", "</script><script>", "\u2028", "\u2029"):
        if raw in page:
            raise AssertionError(f"raw {raw!r} in the map page")


def save_failure(case: Case, error: BaseException) -> str:
    FAILURES.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(f"{case.kind}\0{case.content}".encode()).hexdigest()[:12]
    path = FAILURES / f"{case.kind}-{digest}.json"
    record = {
        "kind": case.kind,
        "content": case.content,
        "error": f"{type(error).__name__}: {error}",
        "traceback": "".join(traceback.format_exception(error)),
    }
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return f"{path.name}: {type(error).__name__}: {str(error)[:120]}"


def run(cases: Sequence[Case], batch: int, html_every: int, log: Callable[[str], None]) -> Summary:
    summary = Summary()
    started = time.perf_counter()
    for number, first in enumerate(range(0, len(cases), batch)):
        chunk = cases[first : first + batch]
        check_html = html_every > 0 and number % html_every == 0
        try:
            results = [(chunk, run_batch(chunk, check_html))]
        except Exception:  # noqa: BLE001 - find the failing inputs one at a time
            results = []
            for case in chunk:
                try:
                    results.append(([case], run_batch([case], check_html)))
                except Exception as error:  # noqa: BLE001 - record every failure
                    summary.failures.append(save_failure(case, error))
        for done, (documents, triples, seconds) in results:
            summary.documents += documents
            summary.triples += triples
            for case, spent in zip(done, seconds, strict=True):
                summary.slowest = max(summary.slowest, (spent, case.index))
        summary.tried += len(chunk)
        if number % 20 == 0:
            elapsed = time.perf_counter() - started
            log(
                f"{summary.tried}/{len(cases)} inputs, {len(summary.failures)} failures, {elapsed:.0f} s"
            )
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=1000, help="documents to generate")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same run)")
    parser.add_argument("--batch", type=int, default=64, help="documents per pipeline batch")
    parser.add_argument("--max-chars", type=int, default=400, help="rough size of a document")
    parser.add_argument("--html-every", type=int, default=10, help="render the map every N batches")
    parser.add_argument(
        "--long-share", type=float, default=0.002, help="share of 12–16k-character documents"
    )
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    cases = generate(args.seed, args.count, args.max_chars, args.long_share)
    from kg.extract.nlp import load_nlp

    load_nlp()  # load once before timing inputs
    summary = run(cases, args.batch, args.html_every, log)
    elapsed = time.perf_counter() - started
    slow_seconds, slow_index = summary.slowest
    print(
        f"inputs tried: {summary.tried}\n"
        f"documents read: {summary.documents}\n"
        f"triples: {summary.triples}\n"
        f"failures: {len(summary.failures)}"
        + (f" (saved in {FAILURES})" if summary.failures else "")
        + f"\nslowest input: #{slow_index} ({cases[slow_index].kind}, "
        f"{len(cases[slow_index].content)} chars) {slow_seconds:.2f} s"
        f"\ntotal: {elapsed:.0f} s ({summary.tried / max(elapsed, 1e-9):.0f} inputs/s)"
    )
    for line in summary.failures[:20]:
        print("  " + line)
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
