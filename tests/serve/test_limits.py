"""Denial of service: memory and result limits, JSON errors, the listen backlog, workers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from kg.rdf.graphs import load_graph
from kg.serve.server import make_server

sys.path.insert(0, str(Path(__file__).parent))
from serving import address  # noqa: E402

pytestmark = pytest.mark.slow  # every test here starts an endpoint's worker processes

FIXTURE = Path(__file__).parents[1] / "fixtures" / "export" / "deals.ttl"
# a 1 KB query whose string doubles 30 times: 16 GB if nothing stops it
_BINDS = ['BIND("0123456789abcdef" AS ?x0)'] + [
    f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(30)
]
MEMORY_BOMB = "SELECT (STRLEN(?x30) AS ?n) WHERE { " + " ".join(_BINDS) + " }"


def get(url: str, query: str) -> tuple[int, str, bytes]:
    full = url + "?" + urllib.parse.urlencode({"query": query})
    try:
        with urllib.request.urlopen(full, timeout=120) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def error_of(body: bytes) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(body)["error"]
    return error


@pytest.mark.parametrize("limit_mb", [200, 1024])
def test_a_query_past_the_memory_limit_is_stopped_and_its_worker_replaced(
    limit_mb: int,
) -> None:
    """200 MB is passed gradually (the server's watch), 1 GB in one allocation (the
    address-space cap); either way the client is told, and the next query is answered."""
    graph = load_graph(FIXTURE)
    with make_server(graph, workers=1, timeout_s=60, max_memory_mb=limit_mb) as server:
        before = server.worker_pids
        status, content_type, body = get(server.url, MEMORY_BOMB)
        assert status == 503 and content_type == "application/json"
        error = error_of(body)
        assert error["status"] == 503
        assert f"limit of {limit_mb} MB of memory" in error["message"]
        status, _, body = get(server.url, "ASK { ?s ?p ?o }")
        assert status == 200 and json.loads(body)["boolean"] is True
        assert server.worker_pids != before


def test_a_result_past_the_size_limit_is_refused() -> None:
    with make_server(load_graph(FIXTURE), max_result_bytes=2_000) as server:
        status, content_type, body = get(server.url, "SELECT * WHERE { ?s ?p ?o }")
        assert status == 500 and content_type == "application/json"
        assert "limit of 2,000 bytes" in error_of(body)["message"]
        status, _, _ = get(server.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        assert status == 200


def test_errors_are_json_with_status_and_message() -> None:
    with make_server(load_graph(FIXTURE)) as server:
        status, content_type, body = get(server.url, "SELECT ?x WHERE { ?x ")
        assert status == 400 and content_type == "application/json"
        error = error_of(body)
        assert error["status"] == 400 and "syntax error" in error["message"]
        status, content_type, body = get(server.url, "LOAD <http://127.0.0.1:1/x>")
        assert (status, content_type) == (403, "application/json")
        assert "read-only" in error_of(body)["message"]


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs ss (iproute2)")
def test_the_listen_backlog_is_not_five() -> None:
    with make_server(load_graph(FIXTURE)) as server:
        port = address(server)[1]
        listing = subprocess.run(
            ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True
        ).stdout.split()
        # for a listening socket, ss shows the backlog in the Send-Q column
        assert listing[0] == "LISTEN" and int(listing[2]) >= 128
