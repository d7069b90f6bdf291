"""A served store is one snapshot for every worker until an explicit reload."""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.serve.server import SparqlServer, make_server
from kg.store.remove import remove_from

pytestmark = pytest.mark.slow  # every test here starts an endpoint's worker processes

DOCUMENTS = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dk:SourceDocument }"
RUNAWAY = (
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
    "FILTER(regex(concat(str(?c), str(?f), str(?i), str(?l)), '^(x+x+)+y$')) }"
)


def count(server: SparqlServer) -> int:
    url = server.url + "?" + urllib.parse.urlencode({"query": DOCUMENTS})
    with urllib.request.urlopen(url, timeout=60) as response:
        return int(json.loads(response.read())["results"]["bindings"][0]["n"]["value"])


def wait_until_all_idle(server: SparqlServer, workers: int) -> None:
    """Wait (bounded) until every worker, replacements included, takes queries."""
    deadline = time.monotonic() + 120
    while server.idle_workers < workers:
        assert time.monotonic() < deadline, "the workers did not come back"
        time.sleep(0.2)


@pytest.fixture()
def store_copy(article_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(article_store, copy)
    return copy


def test_replaced_workers_serve_the_same_snapshot_until_reload(
    store_copy: Path, article_store: Path
) -> None:
    with make_server(store_copy, workers=2, timeout_s=2) as server:
        assert count(server) == 2
        remove_from(store_copy, [str(article_store.parent / "licence.txt")])
        # a runaway query gets its worker killed; the replacement opens the store anew
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(
                server.url + "?" + urllib.parse.urlencode({"query": RUNAWAY}), timeout=60
            )
        assert caught.value.code == 503
        caught.value.close()
        wait_until_all_idle(server, 2)
        # one query, one answer, whichever worker takes it (the queue takes them in turn)
        assert [count(server) for _ in range(6)] == [2] * 6
        old_pids = set(server.worker_pids)
        server.reload()
        assert [count(server) for _ in range(6)] == [1] * 6
        assert not old_pids & set(server.worker_pids)


def test_a_failed_reload_keeps_the_old_snapshot(store_copy: Path) -> None:
    with make_server(store_copy, workers=1) as server:
        shutil.rmtree(store_copy)
        with pytest.raises(Exception, match="not a kg store"):
            server.reload()
        assert count(server) == 2


def test_stop_removes_every_snapshot(store_copy: Path, tmp_path: Path) -> None:
    before = set(Path(tempfile_dir()).glob("kg-serve-*"))
    server = make_server(store_copy, workers=1).start()
    server.reload()
    server.stop()
    assert set(Path(tempfile_dir()).glob("kg-serve-*")) <= before


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()
