"""The seed's complete expected graph, compared triple by triple (rdflib.compare).

The golden graphs are the committed output/kg.ttl (the user's seed, built by `make demo`)
and output/dated/kg.ttl (the same six stories as dated articles, seeds/dated/).
After an intended change to extraction, regenerate it with `make golden` and review its
diff before committing it; this test then prints what differs, triple by triple.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

OUTPUT = Path(__file__).resolve().parent.parent / "output"
GOLDEN = OUTPUT / "kg.ttl"


def _report(expected: Graph, actual: Graph) -> str:
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = ["only in golden:"]
    lines += sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in only_expected)[:40]
    lines.append("only in build:")
    lines += sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in only_actual)[:40]
    return "\n".join(lines)


def test_seed_graph_matches_golden(seed_build: Path) -> None:
    expected = Graph().parse(GOLDEN, format="turtle")
    actual = Graph().parse(seed_build / "kg.ttl", format="turtle")
    assert isomorphic(expected, actual), _report(expected, actual)


def test_dated_seed_graph_matches_golden(dated_build: Path) -> None:
    expected = Graph().parse(OUTPUT / "dated" / "kg.ttl", format="turtle")
    actual = Graph().parse(dated_build / "kg.ttl", format="turtle")
    assert isomorphic(expected, actual), _report(expected, actual)
