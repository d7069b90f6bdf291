"""kg.pipeline: one build path, one BuildOptions record, honoured by every destination."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

import kg.options
from kg.cli import cli
from kg.errors import OptionsError
from kg.options import BuildOptions
from kg.pipeline import build, build_documents, build_to, ingest_into
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


def _three_articles(folder: Path) -> list[str]:
    folder.mkdir()
    texts = [
        "Quorvane Robotics signed a supply agreement with Belltide Foods on Monday.",
        "Ostrel Analytics agreed to acquire Minaro Labs for $40 million in cash.",
        "Tessaly Energy and Vornic Materials formed a joint venture in Europe.",
    ]
    for number, text in enumerate(texts):
        (folder / f"article-{number}.txt").write_text(text + "\n", encoding="utf-8")
    return [str(folder)]


def test_a_build_above_the_map_size_writes_no_map_unless_asked(tmp_path: Path) -> None:
    seeds = _three_articles(tmp_path / "in")
    small = build_to(seeds, tmp_path / "small", map_max_documents=3)
    assert small.html is not None and small.html.is_file() and small.html_skipped is None
    large = build_to(seeds, tmp_path / "large", map_max_documents=2, validate=False)
    assert large.html is None and not (tmp_path / "large" / "kg.html").exists()
    assert large.turtle.is_file()
    assert large.html_skipped is not None
    assert "3 documents is more than 2" in large.html_skipped
    assert "--html" in large.html_skipped and "kg render" in large.html_skipped
    asked = build_to(seeds, tmp_path / "asked", html=True, map_max_documents=2, validate=False)
    assert asked.html is not None and asked.html.is_file() and asked.html_skipped is None
    refused = build_to(seeds, tmp_path / "refused", html=False, validate=False)
    assert refused.html is None and refused.html_skipped is None


def test_kg_build_says_how_to_ask_for_a_map_it_did_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = _three_articles(tmp_path / "in")
    monkeypatch.setattr(kg.options, "MAP_MAX_DOCUMENTS", 2)
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", *seeds, "--out", str(out), "--no-validate"])
    assert result.exit_code == 0, result.output
    assert "no map written" in result.stderr and "--html" in result.stderr
    assert not (out / "kg.html").exists()
    result = runner.invoke(cli, ["build", *seeds, "--out", str(out), "--no-validate", "--html"])
    assert result.exit_code == 0, result.output
    assert (out / "kg.html").is_file() and "no map written" not in result.stderr
