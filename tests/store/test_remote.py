"""`kg build --endpoint`: documents written straight into a real Virtuoso on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.pipeline import build, ingest, ingest_endpoint
from kg.query.run import run_query
from kg.store.directory import open_store
from kg.store.push import sparql_select
from kg.store.remote import Endpoint, EndpointError

sys.path.insert(0, str(Path(__file__).parents[1]))
from store.test_push import DOCUMENTS  # noqa: E402
from virtuoso import PASSWORD, USER, VirtuosoServer, available  # noqa: E402

pytestmark = pytest.mark.skipif(available() is not None, reason=available() or "")

FIRST_QUERY = (
    "PREFIX dk: <https://w3id.org/dealkg/ontology#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?name WHERE { ?o a dk:Organization ; rdfs:label ?name }"
)
"""The README's first query, as a server takes it (no predeclared prefixes)."""


@pytest.fixture()
def virtuoso(tmp_path: Path) -> Iterator[VirtuosoServer]:
    server = VirtuosoServer(tmp_path / "virtuoso")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _inputs(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return [str(folder / name) for name in sorted(DOCUMENTS)]


def _endpoint(virtuoso: VirtuosoServer, *, graph_store: bool = True) -> Endpoint:
    return Endpoint(
        virtuoso.sparql,
        update=virtuoso.sparql_auth,
        graph_store=virtuoso.graph_store if graph_store else None,
        user=USER,
        password=PASSWORD,
    )


def _server_sizes(virtuoso: VirtuosoServer) -> dict[str, int]:
    rows = sparql_select(
        virtuoso.sparql,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/dealkg/id/')) } GROUP BY ?g",
    )
    return {row["g"]: int(row["n"]) for row in rows}


def _local_sizes(inputs: list[str], tmp_path: Path) -> dict[str, int]:
    with open_store(tmp_path / "reference") as store:
        ingest(store, inputs, batch_size=1)
        return store.graph_sizes()


@pytest.mark.parametrize("graph_store", [True, False], ids=["graph-store", "update"])
def test_a_build_into_a_server_holds_what_a_store_holds(
    virtuoso: VirtuosoServer, tmp_path: Path, graph_store: bool
) -> None:
    inputs = _inputs(tmp_path / "in")
    report = ingest_endpoint(_endpoint(virtuoso, graph_store=graph_store), inputs, batch_size=2)
    assert report.documents == 4 and report.replaced == 0 and report.quads > 0
    # graph for graph what a local store of the same documents holds: documents, the
    # entities graph, the support graph and the lineage graph
    assert _server_sizes(virtuoso) == _local_sizes(inputs, tmp_path)
    # the README's first query: the same rows as on the file, each organisation once
    on_server = sorted(row["name"] for row in sparql_select(virtuoso.sparql, FIRST_QUERY))
    on_file = sorted(str(row[0]) for row in run_query(build(inputs).graph, FIRST_QUERY).rows)
    assert on_server == on_file and len(on_file) == len(set(on_file))
    again = ingest_endpoint(_endpoint(virtuoso, graph_store=graph_store), inputs)
    assert again.documents == 0 and again.replaced == 4  # all there: nothing extracted or sent


def test_a_server_gone_mid_build_is_a_clear_error_and_a_rerun_completes_it(
    virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    inputs = _inputs(tmp_path / "in")

    def stop_after_first_batch(done: int, _total: int) -> None:
        if done == 1:
            virtuoso.stop()

    with pytest.raises(EndpointError, match="cannot be reached .* re-run the same command"):
        ingest_endpoint(_endpoint(virtuoso), inputs, progress=stop_after_first_batch, batch_size=1)
    virtuoso.start()
    rerun = ingest_endpoint(_endpoint(virtuoso), inputs, batch_size=1)
    assert rerun.replaced == 1 and rerun.documents == 3  # only the missing documents
    assert _server_sizes(virtuoso) == _local_sizes(inputs, tmp_path)


def test_a_server_refusing_writes_says_so(virtuoso: VirtuosoServer, tmp_path: Path) -> None:
    anonymous = Endpoint(virtuoso.sparql)  # the read-only endpoint takes no update
    with pytest.raises(EndpointError, match="HTTP"):
        ingest_endpoint(anonymous, _inputs(tmp_path / "in"))


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


def test_kg_build_and_kg_query_with_an_endpoint(virtuoso: VirtuosoServer, tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    server = ["--user", USER, "--password", PASSWORD]
    gsp = ["--graph-store", virtuoso.graph_store, "--update-url", virtuoso.sparql_auth]
    written = _cli("build", *inputs, "--endpoint", virtuoso.sparql, *gsp, *server)
    assert "4 documents (0 already there)" in written
    built = tmp_path / "out"
    _cli("build", *inputs, "--out", str(built), "--no-html", "--no-validate")
    first = "SELECT ?name WHERE { ?o a dk:Organization ; rdfs:label ?name } ORDER BY ?name"
    remote = _cli("query", "--endpoint", virtuoso.sparql, first, "--format", "csv")
    assert remote == _cli("query", str(built / "kg.ttl"), first, "--format", "csv")
    named = ["--name", "companies-by-deals", "--format", "csv"]
    assert _cli("query", "--endpoint", virtuoso.sparql, *named) == _cli(
        "query", str(built / "kg.ttl"), *named
    )
    # parameters used in FILTERs and projected, bound as the local engine binds them
    orgs = ["--bind", "org1=org-acme-robotics", "--bind", "org2=org-borealis-therapeutics"]
    bound = ["--name", "agreements-between", *orgs, "--format", "csv"]
    on_file = _cli("query", str(built / "kg.ttl"), *bound)
    assert on_file.count("\n") >= 2  # the header and a row at least
    assert _cli("query", "--endpoint", virtuoso.sparql, *bound) == on_file
    # the commands that read a whole graph take the server's data as they take the file
    timeline = ["Acme Robotics", "--as-of", "2026-01-01", "--format", "json"]
    assert _cli("timeline", "--endpoint", virtuoso.sparql, *timeline) == _cli(
        "timeline", str(built / "kg.ttl"), *timeline
    )
    rendered = _cli("render", "--endpoint", virtuoso.sparql, "-o", str(tmp_path / "map.html"))
    assert (
        rendered.split("→")[0]
        == _cli("render", str(built / "kg.ttl"), "-o", str(tmp_path / "file.html")).split("→")[0]
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("nowhere", "is not an http:// or https:// URL"),
        ("ftp://127.0.0.1/sparql", "is not an http:// or https:// URL"),
        ("http://", "names no host"),
        ("http://[::1/sparql", "is not a valid URL (Invalid IPv6 URL)"),
        ("http://127.0.0.1:99999/sparql", "is not a valid URL (Port out of range"),
        ("http://127.0.0.1:0/sparql", "port 0 is no server's port"),
    ],
)
@pytest.mark.parametrize("option", ["--endpoint", "--update-url", "--graph-store"])
def test_a_server_url_that_cannot_be_one_is_refused_before_any_work(
    tmp_path: Path, option: str, url: str, reason: str
) -> None:
    # the same check and words as `kg push` (kg.store.http.check_server_url)
    server = [] if option == "--endpoint" else ["--endpoint", "http://127.0.0.1:1/sparql"]
    args = ["build", *_inputs(tmp_path / "in"), *server, option, url]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert f"Error: {option} {url!r}" in result.output and reason in result.output
    assert "Traceback" not in result.output


def test_kg_remove_on_a_server_leaves_what_a_store_leaves(
    virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    inputs = _inputs(tmp_path / "in")
    ingest_endpoint(_endpoint(virtuoso), inputs, batch_size=2)
    with open_store(tmp_path / "reference") as store:
        ingest(store, inputs, batch_size=2)
    gone = inputs[0]  # a licence whose two companies are named by other documents too
    auth = ["--update-url", virtuoso.sparql_auth, "--user", USER, "--password", PASSWORD]
    removed = _cli("remove", "--endpoint", virtuoso.sparql, *auth, gone)
    assert removed == _cli("remove", str(tmp_path / "reference"), gone)
    assert "1 document graph, " in removed
    with open_store(tmp_path / "reference") as store:
        left = store.graph_sizes()
    # graph for graph: the document gone, entity facts and lineage recomputed alike
    assert _server_sizes(virtuoso) == left
    on_server = sorted(row["name"] for row in sparql_select(virtuoso.sparql, FIRST_QUERY))
    on_file = sorted(str(row[0]) for row in run_query(build(inputs[1:]).graph, FIRST_QUERY).rows)
    assert on_server == on_file
    missing = CliRunner().invoke(cli, ["remove", "--endpoint", virtuoso.sparql, *auth, gone])
    assert missing.exit_code == 1 and "no such document on" in missing.output


def test_kg_remove_says_what_it_needs() -> None:
    alone = CliRunner().invoke(cli, ["remove", "output/store"])
    assert alone.exit_code == 2 and "at least one document" in alone.output
    stray = CliRunner().invoke(cli, ["remove", "s", "doc-1", "--user", "u"])
    assert stray.exit_code == 2 and "go with --endpoint" in stray.output
