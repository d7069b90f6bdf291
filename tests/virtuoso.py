"""Start and stop a throw-away Virtuoso open-source server for the push tests.

The server gets its own minimal ini (the packaged one points at system paths that clash
when copied): database, transaction log and temp files under a temporary directory, SQL
and HTTP ports on 127.0.0.1 only, picked free at start. ``VirtuosoServer.start`` waits
until ``/sparql`` answers; ``stop`` ends exactly the process it started.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BINARY = "virtuoso-t"
USER = "dba"
PASSWORD = "dba"  # the fresh database's default administrator
_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 0
DirsAllowed = {dir}
ThreadsPerQuery = 2
MaxQueryMem = 500M

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 4
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def available() -> str | None:
    """Why Virtuoso tests cannot run here, or None when they can."""
    if shutil.which(BINARY) is None:
        return (
            f"{BINARY} is not installed: `apt-get install virtuoso-opensource` "
            "(Debian) to run the push round-trip tests"
        )
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class VirtuosoServer:
    """One virtuoso-t process on 127.0.0.1 with its database in *directory*."""

    directory: Path
    http_port: int = field(default_factory=_free_port)
    sql_port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        """The query endpoint (anonymous, read-only)."""
        return f"{self.base}/sparql"

    @property
    def sparql_auth(self) -> str:
        """The query and update endpoint behind digest auth."""
        return f"{self.base}/sparql-auth"

    @property
    def graph_store(self) -> str:
        """The Graph Store HTTP Protocol endpoint behind digest auth."""
        return f"{self.base}/sparql-graph-crud-auth"

    def start(self, timeout: float = 60.0) -> VirtuosoServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        ini = self.directory / "virtuoso.ini"
        ini.write_text(
            _INI.format(dir=self.directory, sql_port=self.sql_port, http_port=self.http_port),
            encoding="utf-8",
        )
        log = (self.directory / "stdout.log").open("wb")
        self.process = subprocess.Popen(
            [BINARY, "-f", "-c", str(ini)],
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C of the test run is not sent to it twice
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited at start:\n{self.log_tail()}")
            if self._answers():
                return self
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"virtuoso-t did not serve /sparql within {timeout} s")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.sparql}?query=ASK%7B%7D", timeout=2) as reply:
                return bool(reply.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def log_tail(self, lines: int = 20) -> str:
        path = self.directory / "stdout.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """End the server process this object started (and only it)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # virtuoso-t checkpoints and exits on TERM
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
