"""kg.store.http: the one HTTP client, against a real server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kg.errors import OptionsError
from kg.store.http import FORM, ServerError, SparqlClient, check_server_url, with_query


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path.startswith("/refuse"):
            self.send_response(418)
            self.end_headers()
            self.wfile.write(b"no tea here")
            return
        self.send_response(200)
        self.end_headers()
        self.wfile.write(self.headers.get("Content-Type", "").encode() + b"|" + body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_update_is_sent_form_encoded(server: str) -> None:
    client = SparqlClient(None, None, 5.0)
    answer = client.post_query(f"{server}/sparql", "ASK {}")
    assert answer == f"{FORM}|query=ASK+%7B%7D".encode()
    client.post_update(f"{server}/update", "CLEAR ALL")
    assert client.requests == 2


def test_a_refusal_carries_the_status_and_the_servers_words(server: str) -> None:
    with pytest.raises(ServerError, match="HTTP 418.*no tea here") as caught:
        SparqlClient(None, None, 5.0).post_query(f"{server}/refuse", "ASK {}")
    assert caught.value.status == 418


def test_a_server_that_is_not_there_has_no_status_and_the_callers_error_class() -> None:
    class Mine(ServerError):
        pass

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = SparqlClient(None, None, 5.0, Mine)
    with pytest.raises(Mine, match="cannot reach the server") as caught:
        client.post_query(f"http://127.0.0.1:{port}/sparql", "ASK {}")
    assert caught.value.status is None


def test_a_url_check_raises_the_error_the_caller_names() -> None:
    with pytest.raises(OptionsError, match="--endpoint 'ftp://x/' is not an http"):
        check_server_url("ftp://x/", "--endpoint", OptionsError)
    check_server_url("https://example.org:8890/sparql")  # a good URL passes


def test_query_parameters_are_added_to_those_a_url_has() -> None:
    assert with_query("http://h/store", {"graph": "urn:a b"}) == "http://h/store?graph=urn%3Aa+b"
    assert with_query("http://h/store?x=1", {"graph": "g"}) == "http://h/store?x=1&graph=g"
