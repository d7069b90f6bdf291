"""kg.pipeline: one build path, one BuildOptions record, honoured by every destination."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.errors import OptionsError
from kg.options import BuildOptions
from kg.pipeline import build, build_documents, ingest_into
from kg.read.documents import read_documents
from kg.store.directory import store_graph

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def focused() -> dict[bool, Graph]:
    """The seed built in this process with focus on and off (the two differ on the seed)."""
    return {focus: build([SEEDS], BuildOptions(focus=focus)).graph for focus in (True, False)}


def test_focus_changes_the_seed_graph(focused: dict[bool, Graph]) -> None:
    # what makes the tests below able to fail: a dropped --focus gives the other graph
    assert not isomorphic(focused[True], focused[False])


@pytest.mark.slow
@pytest.mark.parametrize("focus", [True, False])
def test_focus_is_honoured_on_several_workers(focus: bool, focused: dict[bool, Graph]) -> None:
    graph = build([SEEDS], BuildOptions(focus=focus, workers=2)).graph
    assert isomorphic(graph, focused[focus])


@pytest.mark.parametrize("focus", [True, False])
def test_focus_is_honoured_by_a_store(
    focus: bool, focused: dict[bool, Graph], tmp_path: Path
) -> None:
    report = ingest_into(tmp_path / "store", [SEEDS], BuildOptions(focus=focus))
    assert report.documents == 6
    assert isomorphic(store_graph(tmp_path / "store"), focused[focus])


def test_build_documents_is_build_without_the_read(focused: dict[bool, Graph]) -> None:
    read = read_documents([SEEDS])
    kg = build_documents(read.documents, BuildOptions(focus=True))
    assert isomorphic(kg.graph, focused[True])
    assert kg.report is not None and kg.report.documents == len(read.documents)
    assert [stage for stage, _ in kg.report.stages] == ["extract", "resolve", "map", "lineage"]


def test_a_build_reports_the_seconds_of_each_stage(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Acme Robotics invested $5 million in Borealis Labs.")
    report = build([tmp_path]).report
    assert report is not None
    assert [stage for stage, _ in report.stages] == ["read", "extract", "resolve", "map", "lineage"]
    assert sum(seconds for _, seconds in report.stages) <= report.seconds


@pytest.mark.parametrize(
    ("options", "message"),
    [({"workers": 0}, "workers must be at least 1"), ({"max_bytes": 0}, "max_bytes")],
)
def test_options_out_of_range_are_errors(options: dict[str, int], message: str) -> None:
    with pytest.raises(OptionsError, match=message):
        BuildOptions(**options)  # type: ignore[arg-type]
