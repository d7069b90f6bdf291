"""The map a build writes uses the valid times its lineage stage computed, and is the same
page as one rendered later from the Turtle the build wrote (which orders the lineage anew)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from kg.knowledge import KnowledgeGraph
from kg.lineage.link import Lineage
from kg.pipeline import build
from kg.rdf.vocab import DK
from kg.render.map import html_for

ROOT = Path(__file__).parents[2]
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


def _sources() -> list[Path]:
    sources = [ROOT / "seeds", ROOT / "seeds" / "dated"]
    return sources + ([DEV_CORPUS] if DEV_CORPUS.is_dir() else [])


@pytest.mark.parametrize("source", _sources(), ids=lambda p: p.name)
def test_build_map_equals_map_of_written_graph(source: Path, tmp_path: Path) -> None:
    built = build([source])
    times = built.valid_times()
    assert times, "a build hands its valid times over"
    assert dict(times) == Lineage(built.graph).valid_times()
    built.render_html(tmp_path / "built.html")
    built.write_turtle(tmp_path / "kg.ttl")
    reread = KnowledgeGraph.load(tmp_path / "kg.ttl")
    assert reread.valid_times() is None  # a loaded graph has none: the map computes them
    reread.render_html(tmp_path / "reread.html")
    assert (tmp_path / "built.html").read_bytes() == (tmp_path / "reread.html").read_bytes()


def test_changed_graph_no_longer_uses_build_valid_times() -> None:
    built = build([ROOT / "seeds"])
    before = html_for(built.graph, valid_times=built.valid_times())
    agreement = next(iter(built.graph.subjects(predicate=DK.hasClause)))
    # a stated end date changes the agreement's valid time, so stale times would show
    built.graph.add((agreement, DK.validUntil, Literal("2001-01-01", datatype=XSD.date)))
    assert built.valid_times() is None
    page = html_for(built.graph, valid_times=built.valid_times())
    assert page != before
    assert page == html_for(built.graph)
    assert '"2001-01-01"' in page
