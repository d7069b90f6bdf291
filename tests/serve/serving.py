"""Helpers of the endpoint tests: the articles of a served store, a listener that records
every connection, raw HTTP requests."""

from __future__ import annotations

import socket
import threading
import urllib.parse

from kg.serve.server import SparqlServer

ARTICLES = {
    "licence.txt": (
        "Acme Robotics Inc. signed a licensing agreement with Borealis Therapeutics on "
        "March 3, 2025. Borealis Therapeutics will pay Acme Robotics Inc. an upfront payment "
        "of $25 million."
    ),
    "supply.txt": (
        "Borealis Therapeutics and Cinder Materials Ltd. announced a supply agreement worth "
        "$40 million on June 2, 2025."
    ),
}

LEAK_MARKER = "answered-by-the-listener"
_LEAK_ANSWER = (
    '{"head":{"vars":["a","b","c"]},"results":{"bindings":[{"a":{"type":"literal","value":"'
    + LEAK_MARKER
    + '"}}]}}'
).encode()


class Listener:
    """A TCP server on 127.0.0.1 that counts connections and answers like a SPARQL endpoint.

    If the endpoint ever fetched a SERVICE URL pointing here, the count would rise and the
    caller would see the marker in its answer.
    """

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self._socket.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    header = (
                        "HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                        f"Content-Length: {len(_LEAK_ANSWER)}\r\nConnection: close\r\n\r\n"
                    )
                    conn.sendall(header.encode() + _LEAK_ANSWER)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._socket.close()
        self._thread.join(5)


def address(endpoint: SparqlServer) -> tuple[str, int]:
    host, port = urllib.parse.urlsplit(endpoint.url).netloc.rsplit(":", 1)
    return host, int(port)


def send_raw(endpoint: SparqlServer, request: bytes) -> bytes:
    """Send *request* bytes as they are and return everything the server answers."""
    with socket.create_connection(address(endpoint), timeout=30) as conn:
        conn.sendall(request)
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
    return b"".join(chunks)


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False
