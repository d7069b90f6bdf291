"""`kg serve` as a user runs it: a real process, its printed URLs, its options, its signals."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from kg.store.remove import remove_from

pytestmark = pytest.mark.slow  # starts `kg serve` and its worker processes

FIXTURE = Path(__file__).parents[1] / "fixtures" / "export" / "deals.ttl"


class Served:
    """A `kg serve` process, started and read until it prints where it listens."""

    def __init__(self, *args: str, tmp: Path) -> None:
        env = {**os.environ, "TMPDIR": str(tmp)}  # where its temporary copy goes
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", *args, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        self.lines: list[str] = []
        for line in self.process.stdout:
            self.lines.append(line)
            if "Ctrl-C" in line:
                break
        else:
            pytest.fail("kg serve exited before serving:\n" + "".join(self.lines))
        self.urls = re.findall(r"http://[^\s]+", "".join(self.lines))
        self._reader = threading.Thread(target=self._read, args=(self.process.stdout,))
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.append(line)

    def wait_for(self, text: str, timeout_s: float = 120) -> str:
        """The first line holding *text* (waiting for it, bounded)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            time.sleep(0.1)
        pytest.fail(f"kg serve never printed {text!r}:\n" + "".join(self.lines))

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        children: list[int] = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            children += [int(c) for c in (task / "children").read_text().split()]
        return [
            child
            for child in children
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(30)
        self._reader.join(30)
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for server in started:
        server.stop()


def test_workers_option_sets_the_number_of_query_processes(
    served: list[Served], tmp_path: Path
) -> None:
    server = Served(str(FIXTURE), "--workers", "3", tmp=tmp_path)
    served.append(server)
    assert len(server.worker_pids()) == 3


def test_the_printed_urls_answer(served: list[Served], tmp_path: Path) -> None:
    server = Served(str(FIXTURE), tmp=tmp_path)
    served.append(server)
    endpoint, page = server.urls
    assert endpoint.endswith("/sparql") and page.endswith("/")
    with urllib.request.urlopen(endpoint + "?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D") as response:
        assert response.status == 200 and b"true" in response.read()
    with urllib.request.urlopen(page) as response:
        assert response.status == 200 and b"<textarea" in response.read()


def documents(endpoint: str) -> int:
    query = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dk:SourceDocument }"
    with urllib.request.urlopen(endpoint + "?" + urllib.parse.urlencode({"query": query})) as r:
        return int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])


def test_hangup_reloads_a_store_and_nothing_else_does(
    served: list[Served], tmp_path: Path, article_store: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(article_store, store)
    server = Served(str(store), "--workers", "2", tmp=tmp_path)
    served.append(server)
    assert f"kill -HUP {server.process.pid}" in server.wait_for("Ctrl-C")
    endpoint = server.urls[0]
    assert documents(endpoint) == 2
    remove_from(store, [str(article_store.parent / "licence.txt")])
    assert [documents(endpoint) for _ in range(4)] == [2] * 4
    server.process.send_signal(signal.SIGHUP)
    server.wait_for("Reloaded")
    assert [documents(endpoint) for _ in range(4)] == [1] * 4


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"


def wait_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + 60
    while any(process_exists(pid) for pid in pids):
        assert time.monotonic() < deadline, "the workers outlived their server"
        time.sleep(0.1)


@pytest.mark.parametrize("kind", ["file", "store"])
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_server_leaves_no_temporary_copy_and_no_worker(
    served: list[Served], tmp_path: Path, article_store: Path, kind: str, stop: int
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    server = Served(str(FIXTURE if kind == "file" else article_store), tmp=temp)
    served.append(server)
    copies = list(temp.glob("kg-serve-*"))
    assert len(copies) == 1 and any(copies[0].iterdir())
    workers = server.worker_pids()
    server.process.send_signal(stop)
    assert server.process.wait(60) == 0
    server.wait_for("Stopped")
    assert list(temp.iterdir()) == []
    wait_gone(workers)


def test_after_sigkill_the_workers_end_and_the_next_server_removes_the_copy(
    served: list[Served], tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    killed = Served(str(FIXTURE), tmp=temp)
    served.append(killed)
    workers = killed.worker_pids()
    (left,) = temp.glob("kg-serve-*")
    killed.process.kill()
    killed.process.wait(30)
    wait_gone(workers)  # their pipe to the server closes: they stop waiting for queries
    assert left.exists()  # nothing runs on SIGKILL...
    served.append(Served(str(FIXTURE), tmp=temp))
    assert not left.exists()  # ...so the next server removes what the killed one left
    assert len(list(temp.glob("kg-serve-*"))) == 1
