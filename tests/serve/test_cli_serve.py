"""`kg serve` as a user runs it: a real process, its printed URLs, its options, its signals."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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
