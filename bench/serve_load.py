"""Load test of `kg serve`: many clients on 127.0.0.1 for a bounded time (not a test).

    .venv/bin/python bench/serve_load.py output/kg.ttl                  # 50 clients × 30 s
    .venv/bin/python bench/serve_load.py STORE --clients 20 --seconds 5 --workers 4

The server runs as its own `kg serve` process (so the clients' threads do not share its
interpreter); each client keeps one HTTP/1.1 connection open and sends the named queries
that need no parameters, in turn, as form POSTs, until the time is up. Prints (and returns,
for ``bench/run.py``) the requests answered, throughput, latency percentiles and the errors
by kind. Clients are capped at 200 and the duration at 120 s: a bench, not a weapon.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

MAX_CLIENTS = 200
MAX_SECONDS = 120.0


def _queries() -> list[str]:
    from kg.query.catalog import named_queries

    return [
        q.sparql
        for _, q in sorted(named_queries().items())
        if not any(p.required for p in q.params)
    ]


class _Server:
    def __init__(self, target: Path, workers: int, timeout_s: float) -> None:
        command = [
            sys.executable,
            "-m",
            "kg",
            "serve",
            str(target),
            "--port",
            "0",
            "--workers",
            str(workers),
            "--timeout",
            str(timeout_s),
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert self.process.stdout is not None
        seen = []
        for line in self.process.stdout:
            seen.append(line)
            if "Ctrl-C" in line:
                break
        found = re.search(r"http://([\d.]+):(\d+)/sparql", "".join(seen))
        if found is None:
            self.stop()
            raise SystemExit("kg serve did not start:\n" + "".join(seen))
        self.host, self.port = found[1], int(found[2])
        # keep reading its log, or a full pipe would block the server
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(30)


def _client(
    host: str,
    port: int,
    queries: list[str],
    offset: int,
    until: float,
    latencies: list[float],
    errors: Counter[str],
) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=60)
    n = offset
    while time.monotonic() < until:
        body = urllib.parse.urlencode({"query": queries[n % len(queries)]})
        n += 1
        began = time.perf_counter()
        try:
            connection.request(
                "POST",
                "/sparql",
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors[type(exc).__name__] += 1
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=60)
            continue
        latencies.append(time.perf_counter() - began)
        if response.status != 200:
            errors[f"HTTP {response.status}"] += 1
    connection.close()


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def load_test(
    target: Path, clients: int = 50, seconds: float = 30.0, workers: int = 2
) -> dict[str, Any]:
    """Serve *target* and hit it with *clients* for *seconds*; the figures as a dict."""
    clients = max(1, min(clients, MAX_CLIENTS))
    seconds = max(1.0, min(seconds, MAX_SECONDS))
    queries = _queries()
    server = _Server(target, workers, timeout_s=10.0)
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    try:
        until = time.monotonic() + seconds
        began = time.perf_counter()
        threads = [
            threading.Thread(
                target=_client,
                args=(server.host, server.port, queries, i, until, latencies, errors),
                daemon=True,
            )
            for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 120)
        elapsed = time.perf_counter() - began
    finally:
        server.stop()
    ordered = sorted(latencies)
    return {
        "target": str(target),
        "clients": clients,
        "seconds": round(elapsed, 1),
        "workers": workers,
        "queries": len(queries),
        "requests": len(ordered),
        "per_s": round(len(ordered) / elapsed, 1),
        "p50_ms": round(_percentile(ordered, 0.50) * 1000, 1),
        "p90_ms": round(_percentile(ordered, 0.90) * 1000, 1),
        "p99_ms": round(_percentile(ordered, 0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else None,
        "errors": dict(sorted(errors.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="load test of kg serve on 127.0.0.1")
    parser.add_argument("target", type=Path, help="a graph file or a store folder")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(load_test(args.target, args.clients, args.seconds, args.workers), indent=2))


if __name__ == "__main__":
    main()
