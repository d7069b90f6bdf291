"""Extraction on worker processes gives exactly the sequential result, in input order."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rdflib.compare import isomorphic

from kg.errors import KGError, OptionsError
from kg.extract.documents import extract_documents
from kg.extract.executors import open_executor
from kg.extract.nlp import load_nlp
from kg.extract.parallel import extract_parallel, iter_extractions, pipeline_for_workers
from kg.models import Document
from kg.options import BuildOptions
from kg.pipeline import build_documents

_PARTIES = (
    ("Acme Robotics Inc.", "Borealis Therapeutics"),
    ("Cinder Materials Ltd.", "Delta Quarry Group"),
    ("Ember Foods Ltd.", "Fjord Analytics AG"),
    ("Borealis Therapeutics", "Gantry Logistics plc"),
)
_TEMPLATES = (
    "{a} signed a licensing agreement with {b} on March {day}, 2025. {b} will pay {a} an "
    "upfront payment of ${amount} million and royalties of {pct}% through 2031.",
    "{a} agreed to acquire {b} for ${amount} million in cash. Both boards want the sale "
    "done by the middle of 2026.",
    "{a} and {b} announced a supply agreement worth ${amount} million on June {day}, 2024. "
    "The agreement grants {b} exclusive rights in Europe.",
)


def _documents(count: int) -> list[Document]:
    documents = []
    for n in range(count):
        a, b = _PARTIES[n % len(_PARTIES)]
        text = _TEMPLATES[n % len(_TEMPLATES)].format(
            a=a, b=b, day=n % 27 + 1, amount=10 + n, pct=n % 9 + 2
        )
        documents.append(Document(id=f"doc-{n:016x}", text=text, source=f"generated-{n}"))
    return documents


@pytest.mark.slow
def test_two_workers_give_the_same_graph_as_one() -> None:
    documents = _documents(20)
    sequential, tokens = extract_documents(documents)
    parallel = extract_parallel(documents, workers=2, chunk_size=3)
    assert [e.document.id for e in parallel] == [d.id for d in documents]
    assert parallel == sequential
    assert sum(e.tokens for e in parallel) == tokens
    one = build_documents(documents).graph
    two = build_documents(documents, BuildOptions(workers=2)).graph
    assert len(one) > 100
    assert isomorphic(one, two)


def test_progress_counts_every_document_once() -> None:
    documents = _documents(5)
    seen: list[int] = []
    extract_parallel(documents, workers=1, progress=lambda done, _total: seen.append(done))
    assert seen == [1, 2, 3, 4, 5]


@pytest.mark.slow
def test_iter_extractions_streams_a_generator() -> None:
    documents = _documents(4)
    streamed = list(iter_extractions(iter(documents), workers=2, chunk_size=1))
    assert [e.document.id for e in streamed] == [d.id for d in documents]


def test_workers_must_be_positive() -> None:
    with pytest.raises(KGError, match="at least 1"):
        extract_parallel(_documents(1), workers=0)


_SHARED: list[str] = []
"""Filled by :func:`_loading` in the parent while a pool forks; what a worker sees of it."""


@contextmanager
def _loading() -> Iterator[None]:
    _SHARED.append(f"loaded in {os.getpid()}")
    try:
        yield
    finally:
        _SHARED.clear()


def _what_the_worker_inherited() -> tuple[list[str], int]:
    return list(_SHARED), os.getpid()


@pytest.mark.slow
def test_forked_workers_inherit_what_share_loaded_and_the_parent_drops_it() -> None:
    with open_executor(2, share=_loading) as pool:
        assert pool is not None
        assert _SHARED == []  # left as soon as the workers ran
        seen = [pool.executor.submit(_what_the_worker_inherited).result() for _ in range(8)]
    assert {tuple(shared) for shared, _ in seen} == {(f"loaded in {os.getpid()}",)}
    assert os.getpid() not in {pid for _, pid in seen}


def test_the_pipeline_loaded_for_workers_is_dropped_unless_it_was_loaded_before() -> None:
    load_nlp.cache_clear()
    with pipeline_for_workers(None):
        assert load_nlp.cache_info().currsize == 1
        loaded = weakref.ref(load_nlp(None))
    assert load_nlp.cache_info().currsize == 0
    assert loaded() is None  # freed at once, cycles and all (a build freezes its heap next)
    nlp = load_nlp(None)
    with pipeline_for_workers(None):
        pass
    assert load_nlp(None) is nlp  # still the one loaded before


@pytest.mark.slow
def test_a_missing_model_is_the_same_error_with_workers() -> None:
    documents = _documents(2)
    with pytest.raises(KGError) as one:
        extract_parallel(documents, model="no_such_spacy_model", workers=1)
    with pytest.raises(KGError) as two:
        extract_parallel(documents, model="no_such_spacy_model", workers=2)
    assert str(one.value) == str(two.value)
    assert "no_such_spacy_model: not installed" in str(two.value)


def _local_cluster() -> Any:
    """A real Dask cluster of two single-threaded worker processes on 127.0.0.1."""
    distributed = pytest.importorskip("distributed")
    return distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_graph_as_sequential_and_two_processes() -> None:
    documents = _documents(12)
    sequential = build_documents(documents).graph
    two = build_documents(documents, BuildOptions(workers=2)).graph
    with _local_cluster() as cluster:
        dask = build_documents(documents, BuildOptions(scheduler=cluster.scheduler_address))
        extractions = extract_parallel(documents, scheduler=cluster.scheduler_address)
    assert len(sequential) > 100
    assert isomorphic(sequential, two)
    assert isomorphic(sequential, dask.graph)
    assert extractions == extract_documents(documents)[0]


@pytest.mark.slow  # the client tries to connect for its whole timeout
def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    pytest.importorskip("distributed")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(OptionsError, match="cannot reach the Dask scheduler"):
        extract_parallel(_documents(1), scheduler=address)


def _children(pid: int) -> set[int]:
    """The live (not zombie) processes whose parent is *pid*, from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_the_workers_die_when_the_build_is_killed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for document in _documents(400):
        (corpus / f"{document.source}.txt").write_text(document.text * 20, encoding="utf-8")
    kg = Path(sys.executable).with_name("kg")
    build = subprocess.Popen(
        [str(kg), "build", str(corpus), "--out", str(tmp_path / "out"), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers := _children(build.pid)) < 2:
            assert build.poll() is None, "the build ended before its workers started"
            assert time.monotonic() < deadline, "no worker processes appeared"
            time.sleep(0.1)
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)]
    finally:  # leave no process behind, whatever failed
        for pid in workers | _children(build.pid):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if build.poll() is None:
            build.kill()
            build.wait()


@pytest.mark.slow
def test_a_dask_worker_killed_mid_build_changes_nothing() -> None:
    distributed = pytest.importorskip("distributed")
    documents = _documents(24)
    expected = extract_documents(documents)[0]
    with _local_cluster() as cluster, distributed.Client(cluster) as client:
        victim = sorted(client.run(os.getpid).values())[0]
        killed: list[int] = []

        def kill_a_worker(done: int, _total: int) -> None:
            if done == 2 and not killed:  # the first chunk is in; others are running
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        extractions = extract_parallel(
            documents, scheduler=cluster.scheduler_address, chunk_size=2, progress=kill_a_worker
        )
        assert killed and victim not in client.run(os.getpid).values()  # it did die
    assert [e.document.id for e in extractions] == [d.id for d in documents]  # none twice
    assert extractions == expected


@pytest.mark.slow
def test_kg_build_on_the_cluster_named_by_the_environment_writes_the_same_turtle(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for document in _documents(8):
        (corpus / f"{document.source}.txt").write_text(document.text, encoding="utf-8")
    plain = ["build", str(corpus), "--no-html", "--no-validate", "--out"]
    local = CliRunner().invoke(cli, [*plain, str(tmp_path / "local")], catch_exceptions=False)
    assert local.exit_code == 0, local.output
    with _local_cluster() as cluster:
        env = {"KG_DASK_SCHEDULER": cluster.scheduler_address}
        dask = CliRunner().invoke(
            cli, [*plain, str(tmp_path / "dask")], env=env, catch_exceptions=False
        )
    assert dask.exit_code == 0, dask.output
    turtle = (tmp_path / "local" / "kg.ttl").read_bytes()
    assert len(turtle) > 1000
    assert (tmp_path / "dask" / "kg.ttl").read_bytes() == turtle  # byte for byte
