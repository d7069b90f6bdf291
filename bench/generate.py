"""Synthetic deal articles for benchmarks: invented companies, templated sentences.

Deterministic for a seed: ``python bench/generate.py OUT_DIR --count 1000 --seed 7`` writes
``OUT_DIR/articles.jsonl`` (one ``{"title", "text", "published", "source"}`` object a
line). Companies are built from invented syllables so none is a real firm; the sentences
vary the deal verb, agreement type, amounts, dates and clauses the way deal news does.
The articles are for measuring speed and memory, not extraction quality.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

_SYLLABLES = (
    "ac ar bo ca del fen gal hex io jun kar lum mer nor ob pax quo ren sol tor ul vex "
    "wyn xan yor zel bri cor dra el fyr gor hal isa jor kel"
).split()
_NOUNS = (
    "Robotics Therapeutics Biosciences Networks Semiconductors Energy Logistics Analytics "
    "Pharma Materials Systems Dynamics Foods Aerospace Software Genomics Mobility Labs"
).split()
_SUFFIXES = ("Inc.", "Corp.", "Ltd.", "plc", "AG", "SA", "Holdings", "Group", "GmbH", "LLC")
_TERRITORIES = ("Europe", "North America", "Japan", "Latin America", "China", "the Nordics")
_FIELDS = ("oncology", "battery storage", "industrial automation", "rare diseases", "cloud")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()

_OPENERS = (
    "{a} has signed a {kind} agreement with {b} worth {amount}.",
    "{a} and {b} announced on {date} a {kind} agreement valued at {amount}.",
    "{a} said it entered into an exclusive {kind} agreement with {b}.",
    "{a} agreed to acquire {b} for {amount} in cash.",
    "{b} signed a memorandum of understanding with {a} to explore a {kind} partnership.",
    "{a} will invest {amount} in {b} in exchange for a {pct}% stake.",
)
_CLAUSES = (
    "Under the terms, {b} will pay {a} an upfront payment of {amount2}.",
    "{a} is eligible for milestone payments of up to {amount2}.",
    "{b} will pay royalties of {pct2}% on net sales through {year}.",
    "The agreement grants {b} exclusive rights to commercialise the products in {territory}.",
    "The deal is expected to close in the {quarter} quarter of {year}, subject to "
    "regulatory approval.",
    "The agreement runs until {date2} and may be renewed for two further years.",
    "{a} retains the rights outside {territory}.",
    "The companies will share development costs equally.",
    "Either party may terminate the agreement with six months' notice.",
)
_FILLER = (
    "The partnership focuses on {field}.",
    "Shares of {a} rose {pct2}% in early trading.",
    "{b} was founded in {founded} and employs about {staff} people.",
    "Analysts said the transaction strengthens the company's position in {field}.",
    "The financial terms were described as customary for the sector.",
)
_KINDS = ("licensing", "supply", "distribution", "research collaboration", "joint venture")


def company(rng: random.Random) -> str:
    """An invented company name such as ``Delfen Robotics Inc.``."""
    stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{stem} {rng.choice(_NOUNS)} {rng.choice(_SUFFIXES)}"


def _amount(rng: random.Random) -> str:
    value = rng.choice((rng.randint(2, 950), round(rng.uniform(1.1, 9.9), 1)))
    unit = "million" if isinstance(value, int) else "billion"
    return f"{rng.choice(('$', '€', '£'))}{value} {unit}"


def _date(rng: random.Random, year: int) -> str:
    return f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {year}"


def article(rng: random.Random, companies: list[str], number: int) -> dict[str, str]:
    """One article: an opening deal sentence, two to five clauses, some filler."""
    a, b = rng.sample(companies, 2)
    year = rng.randint(2018, 2027)
    values = {
        "a": a,
        "b": b,
        "kind": rng.choice(_KINDS),
        "amount": _amount(rng),
        "amount2": _amount(rng),
        "pct": str(rng.randint(5, 49)),
        "pct2": str(rng.randint(2, 18)),
        "date": _date(rng, year),
        "date2": _date(rng, year + rng.randint(2, 9)),
        "year": str(year + rng.randint(1, 8)),
        "quarter": rng.choice(("first", "second", "third", "fourth")),
        "territory": rng.choice(_TERRITORIES),
        "field": rng.choice(_FIELDS),
        "founded": str(rng.randint(1950, 2015)),
        "staff": str(rng.randint(40, 9000)),
    }
    sentences = [rng.choice(_OPENERS)]
    sentences += rng.sample(_CLAUSES, rng.randint(2, 5))
    sentences += rng.sample(_FILLER, rng.randint(1, 3))
    paragraphs = [" ".join(s.format(**values) for s in sentences[i : i + 3]) for i in (0, 3, 6)]
    return {
        "title": f"{a.split()[0]} and {b.split()[0]} sign {values['kind']} deal",
        "text": "\n\n".join(p for p in paragraphs if p),
        "published": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "source": f"synthetic-{number:07d}",
    }


def articles(count: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """*count* articles; companies recur (a pool of count/4) so resolution has work."""
    rng = random.Random(seed)
    companies = sorted({company(rng) for _ in range(max(8, count // 4))})
    for number in range(count):
        yield article(rng, companies, number)


def write_jsonl(path: Path, count: int, seed: int = 7) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for item in articles(count, seed):
            handle.write(json.dumps(item) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output directory")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(write_jsonl(args.out / "articles.jsonl", args.count, args.seed))


if __name__ == "__main__":
    main()
