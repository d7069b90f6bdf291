"""The SPARQL endpoint, end to end with a real client (SPARQLWrapper) over real HTTP."""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from SPARQLWrapper import (
    CSV,
    JSON,
    POST,
    POSTDIRECTLY,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.errors import GraphError
from kg.rdf.graphs import load_graph, new_graph
from kg.serve.checks import refusal
from kg.serve.server import SparqlServer, choose_media_type, is_loopback, make_server

FIXTURE = Path(__file__).parents[1] / "fixtures" / "export" / "deals.ttl"
PREFIXES = (
    "PREFIX dk: <https://w3id.org/dealkg/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
ORGS = (
    PREFIXES
    + "SELECT ?org ?label WHERE { ?org a dk:Organization ; rdfs:label ?label } ORDER BY ?label"
)
PARTIES = PREFIXES + "CONSTRUCT { ?a dk:hasParty ?o } WHERE { ?a a dk:Agreement ; dk:hasParty ?o }"
# four copies of every triple joined with no shared variable, then a regex on each row:
# 133^4 ≈ 3e8 rows, far beyond a one-second budget
PATHOLOGICAL = (
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
    "FILTER(regex(concat(str(?c), str(?f), str(?i), str(?l)), '^(x+x+)+y$')) }"
)
ORG_LABELS = ["Acme Robotics", "Borealis Therapeutics", "Cinder Grid"]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph(FIXTURE)


def started(endpoint: SparqlServer) -> Iterator[SparqlServer]:
    try:
        endpoint.start()
        yield endpoint
    finally:
        endpoint.stop()


@pytest.fixture(scope="module")
def endpoint(graph: Graph) -> Iterator[SparqlServer]:
    yield from started(make_server(graph, max_request_bytes=50_000))


@pytest.fixture(scope="module")
def strict_endpoint(graph: Graph) -> Iterator[SparqlServer]:
    """A one-second budget, five-row results and CORS for one origin."""
    endpoint = make_server(
        graph, timeout_s=1.0, max_results=5, cors_origin="https://maps.example.org", workers=2
    )
    yield from started(endpoint)


def client(endpoint: SparqlServer, query: str, fmt: str = JSON) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(endpoint.url)
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    return wrapper


def raw(wrapper: SPARQLWrapper) -> tuple[str, bytes]:
    response = wrapper.query().response
    return response.headers["Content-Type"], response.read()


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def json_result(wrapper: SPARQLWrapper) -> dict[str, Any]:
    result = wrapper.queryAndConvert()
    assert isinstance(result, dict)
    return result


def raw_request(
    endpoint: SparqlServer, method: str, path: str, body: bytes = b"", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    host, port = urllib.parse.urlsplit(endpoint.url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# ------------------------------------------------------------------ SELECT / ASK


@pytest.mark.parametrize("method", [None, URLENCODED, POSTDIRECTLY])
def test_select_json_over_get_and_both_posts(endpoint: SparqlServer, method: str | None) -> None:
    wrapper = client(endpoint, ORGS)
    if method is not None:
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(method)
    result = wrapper.queryAndConvert()
    assert isinstance(result, dict)
    assert result["head"]["vars"] == ["org", "label"]
    labels = [b["label"]["value"] for b in result["results"]["bindings"]]
    assert labels == ORG_LABELS


def test_select_xml(endpoint: SparqlServer) -> None:
    content_type, body = raw(client(endpoint, ORGS, XML))
    assert content_type.startswith("application/sparql-results+xml")
    assert body.count(b"<result>") == 3
    assert b"Borealis Therapeutics" in body


def test_select_csv(endpoint: SparqlServer) -> None:
    content_type, body = raw(client(endpoint, ORGS, CSV))
    assert content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["org", "label"]
    assert [r[1] for r in rows[1:]] == ORG_LABELS


def test_select_tsv(endpoint: SparqlServer) -> None:
    content_type, body = raw(client(endpoint, ORGS, TSV))
    assert content_type.startswith("text/tab-separated-values")
    lines = body.decode("utf-8").strip("\n").split("\n")
    assert lines[0].split("\t") == ["?org", "?label"]
    assert len(lines) == 4 and '"Cinder Grid"' in lines[3]


def test_ask(endpoint: SparqlServer) -> None:
    yes = client(endpoint, PREFIXES + "ASK { ?x a dk:Clause }").queryAndConvert()
    no = client(endpoint, PREFIXES + "ASK { ?x a dk:Amendment }").queryAndConvert()
    assert isinstance(yes, dict) and isinstance(no, dict)
    assert (yes["boolean"], no["boolean"]) == (True, False)


def test_accept_header_alone_negotiates(endpoint: SparqlServer) -> None:
    url = endpoint.url + "?" + urllib.parse.urlencode({"query": ORGS})
    status, headers, body = http_get(url, {"Accept": "text/csv;q=0.5, text/tab-separated-values"})
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    status, headers, body = http_get(url, {"Accept": "image/png"})
    assert status == 406 and b"application/sparql-results+json" in body


# --------------------------------------------------------------------- CONSTRUCT


def expected_parties(graph: Graph) -> Graph:
    result = new_graph()
    for triple in graph.query(PARTIES):
        result.add(triple)  # type: ignore[arg-type]
    return result


def test_construct_turtle(endpoint: SparqlServer, graph: Graph) -> None:
    content_type, body = raw(client(endpoint, PARTIES, TURTLE))
    assert content_type.startswith("text/turtle")
    parsed = new_graph().parse(data=body.decode("utf-8"), format="turtle")
    assert len(parsed) == 4
    assert isomorphic(parsed, expected_parties(graph))


def test_construct_n_triples(endpoint: SparqlServer, graph: Graph) -> None:
    wrapper = client(endpoint, PARTIES, TURTLE)
    wrapper.setOnlyConneg(True)
    wrapper.addCustomHttpHeader("Accept", "application/n-triples")
    content_type, body = raw(wrapper)
    assert content_type.startswith("application/n-triples")
    parsed = new_graph().parse(data=body.decode("utf-8"), format="nt")
    assert isomorphic(parsed, expected_parties(graph))


# ---------------------------------------------------------------------- refusals


def test_update_is_refused(endpoint: SparqlServer) -> None:
    wrapper = client(endpoint, "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    wrapper.setMethod(POST)
    with pytest.raises(urllib.error.HTTPError) as caught:
        wrapper.query()
    assert caught.value.code == 403
    assert b"read-only" in caught.value.read()
    # the graph is unchanged
    result = client(endpoint, "ASK { <urn:x:a> ?p ?o }").queryAndConvert()
    assert isinstance(result, dict) and result["boolean"] is False


def test_update_body_and_load_are_refused(endpoint: SparqlServer) -> None:
    status, _, body = raw_request(
        endpoint,
        "POST",
        "/sparql",
        b"CLEAR ALL",
        **{"Content-Type": "application/sparql-update"},
    )
    assert status == 403 and b"read-only" in body
    load = urllib.parse.urlencode({"query": "LOAD <http://127.0.0.1:9/x.ttl>"})
    assert http_get(f"{endpoint.url}?{load}")[0] == 403


def test_service_is_refused(endpoint: SparqlServer) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(urllib.error.HTTPError) as caught:
        client(endpoint, query).query()
    assert caught.value.code == 403
    assert b"SERVICE" in caught.value.read()


def test_bad_query_is_400_with_the_parser_message(endpoint: SparqlServer) -> None:
    with pytest.raises(QueryBadFormed):
        client(endpoint, "SELECT ?x WHERE { ?x ").query()
    status, _, body = http_get(endpoint.url + "?query=SELEKT")
    assert status == 400 and body.strip()


def test_missing_query_is_400(endpoint: SparqlServer) -> None:
    assert http_get(endpoint.url)[0] == 400


def test_oversized_request_is_413(endpoint: SparqlServer) -> None:
    padding = "#" + "x" * 60_000 + "\n"
    body = urllib.parse.urlencode({"query": padding + ORGS}).encode()
    status, _, message = raw_request(
        endpoint,
        "POST",
        "/sparql",
        body,
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413 and b"50000" in message
    # a normal request still works afterwards
    assert json_result(client(endpoint, ORGS))["head"]["vars"] == ["org", "label"]


@pytest.mark.parametrize(
    "path", ["/../etc/passwd", "/sparql/../../etc/passwd", "/%2e%2e/etc/passwd", "/static/x.js"]
)
def test_other_paths_are_404(endpoint: SparqlServer, path: str) -> None:
    status, _, body = raw_request(endpoint, "GET", path)
    assert status == 404
    assert b"root:" not in body


def test_query_page(endpoint: SparqlServer) -> None:
    status, headers, body = http_get(endpoint.url.removesuffix("sparql"))
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    page = body.decode("utf-8")
    assert "<textarea" in page and "&lt;https://w3id.org/dealkg/ontology#&gt;" in page
    assert "http://" not in page.replace("http://www.w3.org", "")  # no external resources


def test_no_cors_header_unless_configured(endpoint: SparqlServer) -> None:
    _, headers, _ = http_get(endpoint.url + "?" + urllib.parse.urlencode({"query": ORGS}))
    assert "Access-Control-Allow-Origin" not in headers


# ------------------------------------------------------------------------ limits


def test_runaway_query_is_stopped_and_server_stays_up(strict_endpoint: SparqlServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        client(strict_endpoint, PATHOLOGICAL).query()
    assert caught.value.code == 503
    assert b"1 s limit" in caught.value.read()
    # the next query is answered (by the other worker, or by the replacement)
    result = client(strict_endpoint, PREFIXES + "ASK { ?x a dk:Organization }").queryAndConvert()
    assert isinstance(result, dict) and result["boolean"] is True
    labels = json_result(client(strict_endpoint, ORGS))
    assert [b["label"]["value"] for b in labels["results"]["bindings"]] == ORG_LABELS


def test_result_size_limit(strict_endpoint: SparqlServer) -> None:
    with pytest.raises(Exception) as caught:  # SPARQLWrapper maps 500 to EndPointInternalError
        client(strict_endpoint, "SELECT * WHERE { ?s ?p ?o }").query()
    assert "limit of 5" in str(caught.value)


def test_cors_when_configured(strict_endpoint: SparqlServer) -> None:
    _, headers, _ = http_get(strict_endpoint.url + "?" + urllib.parse.urlencode({"query": ORGS}))
    assert headers["Access-Control-Allow-Origin"] == "https://maps.example.org"
    status, headers, _ = raw_request(strict_endpoint, "OPTIONS", "/sparql")
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


@pytest.mark.slow
def test_stop_ends_the_workers(graph: Graph) -> None:
    endpoint = make_server(graph, workers=2).start()
    try:
        pids = endpoint.worker_pids
        assert len(pids) == 2 and all(process_alive(pid) for pid in pids)
        assert json.loads(raw(client(endpoint, ORGS))[1])["head"]["vars"] == ["org", "label"]
    finally:
        endpoint.stop()
    assert endpoint.worker_pids == ()
    assert not any(process_alive(pid) for pid in pids)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(endpoint.url + "?query=ASK%7B%7D", timeout=5)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0 only checks that the process exists
    except ProcessLookupError:
        return False
    return True


# ------------------------------------------------------------------ pure helpers


def test_binds_loopback_by_default(graph: Graph) -> None:
    endpoint = make_server(graph)
    try:
        assert endpoint.url.startswith("http://127.0.0.1:")
    finally:
        endpoint.stop()


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
    ],
)
def test_is_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_invalid_limits_are_refused(graph: Graph) -> None:
    with pytest.raises(GraphError, match="positive"):
        make_server(graph, timeout_s=0)


@pytest.mark.parametrize(
    ("kind", "fmt", "accept", "expected"),
    [
        ("select", None, None, "application/sparql-results+json"),
        ("select", "csv", "application/sparql-results+json", "text/csv"),
        ("select", None, "application/xml, */*;q=0.1", "application/sparql-results+xml"),
        ("ask", None, "text/html", None),
        ("construct", "json", "application/n-triples", "application/n-triples"),
        ("construct", None, "*/*", "text/turtle"),
        ("construct", "n3", None, "text/turtle"),
        (
            "select",
            None,
            "text/csv;q=0, text/tab-separated-values;q=0.2",
            "text/tab-separated-values",
        ),
    ],
)
def test_choose_media_type(
    kind: str, fmt: str | None, accept: str | None, expected: str | None
) -> None:
    assert choose_media_type(kind, fmt, accept) == expected


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", False),
        ('SELECT * WHERE { ?s ?p "SERVICE" }', False),
        ("SELECT ?service WHERE { ?service <urn:x:SERVICE> ?o } # SERVICE", False),
        ("PREFIX ex: <urn:x:> SELECT * WHERE { ?s ex:service ?o }", False),
        ("SELECT * WHERE { ?s ?p ?o . SERVICE\n<http://x/> { ?a ?b ?c } }", True),
        ("SELECT * WHERE { SERVICE SILENT ?endpoint { ?a ?b ?c } }", True),
        ("select * where { service <http://x/> { ?s ?p ?o } }", True),
        ("PREFIX a: <urn:a#> DELETE WHERE { ?s ?p ?o }", True),
        ("LOAD <http://example.org/x>", True),
    ],
)
def test_refusal(query: str, refused: bool) -> None:
    assert (refusal(query) is not None) is refused


def test_describe_answers_a_graph(endpoint: SparqlServer) -> None:
    query = "DESCRIBE <https://w3id.org/dealkg/id/org-cinder-grid>"
    content_type, body = raw(client(endpoint, query, TURTLE))
    assert content_type.startswith("text/turtle")
    described = new_graph().parse(data=body.decode("utf-8"), format="turtle")
    assert any(str(o) == "Cinder Grid" for o in described.objects())


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_query_page_in_a_browser(endpoint: SparqlServer) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium on PATH")
    markup = "<b id='injected'>bold</b>"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(endpoint.url.removesuffix("sparql"))
            page.click("button")
            page.wait_for_selector("table td")
            assert "Cinder Grid–Borealis Therapeutics supply" in page.inner_text("#out")
            # a result holding markup is shown as text, never parsed as HTML
            page.fill("#q", f'SELECT ?x WHERE {{ BIND("{markup}" AS ?x) }}')
            page.click("button")
            # (the page's CSP forbids eval, so wait with a locator, not wait_for_function)
            page.locator("#out td", has_text="bold").wait_for()
            assert page.inner_text("#out td") == markup
            assert page.query_selector("#injected") is None
            assert errors == []
        finally:
            browser.close()
