"""kg.render.aside: the map drawn in a forked child while the build goes on."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import GraphError
from kg.rdf.graphs import load_graph
from kg.render.aside import render_aside
from kg.render.map import render_html

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "deals.ttl"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph(FIXTURE)


def test_forked_map_is_the_same_page_with_the_same_stats(graph: Graph, tmp_path: Path) -> None:
    pending = render_aside(graph, tmp_path / "forked.html")
    assert pending.pid is not None and pending.pid != os.getpid()
    forked = pending.wait()
    here = render_html(graph, tmp_path / "here.html")
    assert forked == here
    assert (tmp_path / "forked.html").read_bytes() == (tmp_path / "here.html").read_bytes()


def test_without_fork_the_map_is_drawn_here_on_wait(graph: Graph, tmp_path: Path) -> None:
    pending = render_aside(graph, tmp_path / "kg.html", fork=False)
    assert pending.pid is None
    assert not (tmp_path / "kg.html").exists()  # nothing happens before wait()
    assert pending.wait().nodes > 0
    assert (tmp_path / "kg.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_child_sees_the_graph_as_it_was_when_it_started(tmp_path: Path) -> None:
    graph = load_graph(FIXTURE)
    expected = render_html(graph, tmp_path / "before.html")
    pending = render_aside(graph, tmp_path / "kg.html")
    graph.remove((None, None, None))  # the parent goes on with its graph
    assert pending.wait() == expected
    assert (tmp_path / "kg.html").read_bytes() == (tmp_path / "before.html").read_bytes()


def test_an_error_in_the_child_is_raised_in_the_parent(graph: Graph, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    pending = render_aside(graph, blocker / "kg.html")
    with pytest.raises(GraphError, match="cannot write"):
        pending.wait()


def test_a_child_that_dies_is_reported_with_its_exit(graph: Graph, tmp_path: Path) -> None:
    pending = render_aside(graph, tmp_path / "kg.html")
    assert pending.pid is not None
    os.kill(pending.pid, signal.SIGKILL)
    try:
        stats = pending.wait()
    except GraphError as exc:  # killed before it answered: the usual case
        assert "could not be written" in str(exc) and "exit code -9" in str(exc)
        assert not (tmp_path / "kg.html").exists()
    else:  # the map was written before the signal landed
        assert stats.nodes > 0 and (tmp_path / "kg.html").exists()


def test_cancel_stops_the_child_and_leaves_no_map(graph: Graph, tmp_path: Path) -> None:
    pending = render_aside(graph, tmp_path / "kg.html")
    pid = pending.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # held before it can write, so cancelling is what stops it
    pending.cancel()
    assert not (tmp_path / "kg.html").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
