"""No request forgery through the endpoint: SERVICE in any spelling reaches no listener, and
requests through a foreign Host name (DNS rebinding) or with ambiguous framing are refused."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import textwrap
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.rdf.graphs import load_graph
from kg.serve.checks import OUTBOUND, refusal
from kg.serve.server import SparqlServer, make_server

sys.path.insert(0, str(Path(__file__).parent))
from serving import LEAK_MARKER, Listener, address, send_raw  # noqa: E402

pytestmark = pytest.mark.slow  # every test here starts an endpoint's worker processes

FIXTURE = Path(__file__).parents[1] / "fixtures" / "export" / "deals.ttl"

# {url} is the listener's URL, {base} the same without the path, {port} its port
BYPASSES = {
    "plain": "SELECT * WHERE { SERVICE <{url}> { ?a ?b ?c } }",
    "lower case": "select * where { service <{url}> { ?a ?b ?c } }",
    "escaped local name": (
        "PREFIX e: <http://e.example/> SELECT * WHERE { ?s e:p\\#x ?o . SERVICE <{url}> { ?a ?b ?c } }"
    ),
    "escaped local name, union": (
        "PREFIX e: <http://e.example/> SELECT * WHERE { { ?s e:p\\#x ?o } UNION { SERVICE <{url}> "
        "{ ?a ?b ?c } } }"
    ),
    "unicode escape u": "SELECT * WHERE { \\u0053ERVICE <{url}> { ?a ?b ?c } }",
    "unicode escape U": "SELECT * WHERE { \\U00000053\\u0045RVICE <{url}> { ?a ?b ?c } }",
    "escaped IRI": "SELECT * WHERE { SERVICE <http\\u003A//127.0.0.1:{port}/sparql> { ?a ?b ?c } }",
    "comment before": "SELECT * WHERE { # a comment } \n SERVICE <{url}> { ?a ?b ?c } }",
    "comment inside": "SELECT * WHERE { SERVICE # <not-this>\n <{url}> { ?a ?b ?c } }",
    "hash in a string": 'SELECT * WHERE { BIND("#" AS ?h) SERVICE <{url}> { ?a ?b ?c } }',
    "quote in a string": 'SELECT * WHERE { BIND("\\"" AS ?q) SERVICE <{url}> { ?a ?b ?c } }',
    "long string": "SELECT * WHERE { BIND('''x\n#''' AS ?q) SERVICE <{url}> { ?a ?b ?c } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <{url}> { ?a ?b ?c } }",
    "variable endpoint": "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE ?e { ?a ?b ?c } }",
    "bound endpoint": 'SELECT * WHERE { BIND(IRI("{url}") AS ?e) SERVICE SILENT ?e { ?a ?b ?c } }',
    "prefixed endpoint": "PREFIX l: <{base}> SELECT * WHERE { SERVICE l:sparql { ?a ?b ?c } }",
    "relative endpoint": "BASE <{base}> SELECT * WHERE { SERVICE <sparql> { ?a ?b ?c } }",
    "nested sub-selects": (
        "SELECT * WHERE { { SELECT * WHERE { { SELECT ?a WHERE { SERVICE <{url}> "
        "{ ?a ?b ?c } } } } } }"
    ),
    "filter exists": "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <{url}> { ?a ?b ?c } } }",
    "optional": "SELECT * WHERE { OPTIONAL { SERVICE <{url}> { ?a ?b ?c } } }",
    "minus": "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <{url}> { ?s ?b ?c } } }",
    "graph": "SELECT * WHERE { GRAPH ?g { SERVICE <{url}> { ?a ?b ?c } } }",
    "ask": "ASK { SERVICE <{url}> { ?a ?b ?c } }",
    "construct": "CONSTRUCT { ?a ?b ?c } WHERE { SERVICE <{url}> { ?a ?b ?c } }",
    "describe": "DESCRIBE ?a WHERE { SERVICE <{url}> { ?a ?b ?c } }",
    "oxigraph only syntax": (
        "SELECT * WHERE { SERVICE <{url}> { ?a ?b ?c } FILTER(ADJUST(?x, ?y)) }"
    ),
}


def spelled(template: str, listener: Listener) -> str:
    base = listener.url.removesuffix("sparql")
    values = {"url": listener.url, "base": base, "port": str(listener.port)}
    query = template
    for key, value in values.items():
        query = query.replace("{" + key + "}", value)
    return query


@pytest.fixture(scope="module", params=["file", "store"])
def endpoint(request: pytest.FixtureRequest, article_store: Path) -> Iterator[SparqlServer]:
    source = load_graph(FIXTURE) if request.param == "file" else article_store
    server = make_server(source, timeout_s=20).start()
    try:
        yield server
    finally:
        server.stop()


def ask(endpoint: SparqlServer, query: str, method: str) -> tuple[int, bytes]:
    host, port = address(endpoint)
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        if method == "GET":
            connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
        elif method == "form":
            body = urllib.parse.urlencode({"query": query})
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            connection.request("POST", "/sparql", body=body, headers=headers)
        else:
            headers = {"Content-Type": "application/sparql-query"}
            connection.request("POST", "/sparql", body=query.encode(), headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("method", ["GET", "form", "direct"])
@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_service_reaches_no_listener(
    endpoint: SparqlServer, listener: Listener, name: str, method: str
) -> None:
    before = listener.connections
    status, body = ask(endpoint, spelled(BYPASSES[name], listener), method)
    assert status == 403, body
    assert LEAK_MARKER.encode() not in body
    assert listener.connections == before, f"{name}: the endpoint connected to the listener"


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_every_spelling_is_refused_by_the_checker_alone(listener: Listener, name: str) -> None:
    refused = refusal(spelled(BYPASSES[name], listener))
    assert refused is not None and refused.status == 403
    # found in the parse tree, or not readable by the checker (and so not run)
    assert refused.reason == OUTBOUND or not refused.checked


def test_what_the_checker_cannot_read_is_refused_and_syntax_errors_say_where(
    endpoint: SparqlServer,
) -> None:
    status, body = ask(endpoint, "SELECT * WHERE { ?s ?p ?o FILTER(ADJUST(?x, ?y)) }", "GET")
    assert status == 403 and b"does not read" in body
    status, body = ask(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMT 5", "GET")
    assert status == 400 and b"line 1, column" in body


def test_the_engine_itself_cannot_reach_the_listener(listener: Listener) -> None:
    """Even a SERVICE query handed straight to Oxigraph, with no check in front, makes no
    connection from a process that installed the sandbox (as every worker does)."""
    script = textwrap.dedent(
        f"""
        import pyoxigraph
        from kg.serve.sandbox import deny_network
        assert deny_network()
        store = pyoxigraph.Store()
        silent = list(store.query("SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?a ?b ?c }} }}"))
        try:
            list(store.query("SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?a ?b ?c }} }}"))
        except OSError as exc:
            print("refused:", exc)
        print(len(silent), "silent rows")
        """
    )
    before = listener.connections
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "refused:" in done.stdout and LEAK_MARKER not in done.stdout
    assert listener.connections == before


def test_ordinary_queries_still_run(endpoint: SparqlServer) -> None:
    status, body = ask(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "GET")
    assert status == 200
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 0
    # a syntax error is still reported by the engine, with its position
    status, body = ask(endpoint, "SELECT ?x WHERE { ?x ", "GET")
    assert status == 400 and b"line 1" in body


# ---------------------------------------------------------------- Host and framing


def request_with_host(endpoint: SparqlServer, host: str) -> int:
    host_ip, port = address(endpoint)
    connection = http.client.HTTPConnection(host_ip, port, timeout=30)
    try:
        connection.putrequest("GET", "/sparql?query=ASK%7B%7D", skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_foreign_host_name_is_refused(endpoint: SparqlServer) -> None:
    port = address(endpoint)[1]
    assert request_with_host(endpoint, f"attacker.example:{port}") == 403
    assert request_with_host(endpoint, f"127.0.0.1.attacker.example:{port}") == 403
    assert request_with_host(endpoint, f"localhost:{port + 1}") == 403
    assert request_with_host(endpoint, f"127.0.0.1:{port}") == 200
    assert request_with_host(endpoint, f"localhost:{port}") == 200
    # the page is protected too: a rebinding page would read it first
    status = send_raw(endpoint, f"GET / HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n".encode())
    assert status.startswith(b"HTTP/1.1 403")


def test_a_missing_or_repeated_host_is_refused(endpoint: SparqlServer) -> None:
    port = address(endpoint)[1]
    missing = send_raw(endpoint, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n\r\n")
    assert missing.startswith(b"HTTP/1.1 400")
    twice = send_raw(
        endpoint,
        f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Host: evil.example:{port}\r\n\r\n".encode(),
    )
    assert twice.startswith(b"HTTP/1.1 400")


def test_allowed_host_names_are_answered(article_store: Path) -> None:
    with make_server(article_store, allowed_hosts=frozenset({"kg.internal"})) as server:
        port = address(server)[1]
        assert request_with_host(server, f"kg.internal:{port}") == 200
        assert request_with_host(server, f"other.internal:{port}") == 403


def _post(port: int, query: bytes, *lengths: int, extra: str = "") -> bytes:
    head = f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "Content-Type: application/sparql-query\r\n"
    head += "".join(f"Content-Length: {n}\r\n" for n in lengths) + extra + "\r\n"
    return head.encode() + query


def test_duplicate_content_length_is_refused(endpoint: SparqlServer) -> None:
    port = address(endpoint)[1]
    query = b"ASK {}"
    assert send_raw(endpoint, _post(port, query, len(query))).startswith(b"HTTP/1.1 200")
    for lengths in [(len(query), len(query)), (len(query), 2)]:
        answer = send_raw(endpoint, _post(port, query, *lengths))
        assert answer.startswith(b"HTTP/1.1 400"), answer
        assert b"Content-Length" in answer


def test_transfer_encoding_is_refused(endpoint: SparqlServer) -> None:
    port = address(endpoint)[1]
    chunked = _post(port, b"6\r\nASK {}\r\n0\r\n\r\n", extra="Transfer-Encoding: chunked\r\n")
    assert send_raw(endpoint, chunked).startswith(b"HTTP/1.1 501")
