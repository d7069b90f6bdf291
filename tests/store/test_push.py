"""Pushing a store to a real Virtuoso open-source virtuoso, resuming, verifying, querying back."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib.namespace
from rdflib import Literal
from rdflib.term import Node

from kg.pipeline import ingest
from kg.query.catalog import load_named_query, named_queries
from kg.query.run import Target, run_query, with_ontology
from kg.store.directory import PersistentStore, open_store, store_graph
from kg.store.push import PushError, PushReport, push, remote_counts, sparql_select_json
from kg.store.remove import remove

sys.path.insert(0, str(Path(__file__).parents[1]))
from virtuoso import PASSWORD, USER, VirtuosoServer, available  # noqa: E402

pytestmark = pytest.mark.skipif(available() is not None, reason=available() or "")

DOCUMENTS = {
    "a.txt": (
        "Acme Robotics Inc. signed a licensing agreement with Borealis Therapeutics on "
        "March 3, 2025. Borealis Therapeutics will pay Acme Robotics Inc. an upfront payment "
        "of $25 million and royalties of 8% on net sales through 2031."
    ),
    "b.txt": (
        "Borealis Therapeutics and Cinder Materials Ltd. announced a supply agreement worth "
        "$40 million on June 2, 2025. The agreement grants Cinder Materials Ltd. exclusive "
        "rights in Europe."
    ),
    "c.txt": "Delta Quarry Group agreed to acquire Ember Foods Ltd. for $300 million in cash.",
    "d.txt": (
        "Fjord Analytics AG will invest €12 million in Acme Robotics Inc. in exchange for a "
        "15% stake, the companies said on April 9, 2024."
    ),
}
# Every named query that runs without bindings (a virtuoso cannot take Oxigraph's
# substitutions). All are duplicate-safe, so Virtuoso's default graph, the union of every
# pushed graph with each organisation repeated per document, gives the same answers.
ROUND_TRIP = tuple(
    name
    for name, query in named_queries().items()
    if not any(param.required for param in query.params)
)
_NUMERIC = {str(rdflib.namespace.XSD[t]) for t in ("integer", "decimal", "double", "float")}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    virtuoso = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    virtuoso.start()
    try:
        yield virtuoso
    finally:
        virtuoso.stop()  # always, whatever the tests did


def _inputs(folder: Path, names: tuple[str, ...] = ("a.txt", "b.txt", "c.txt")) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        (folder / name).write_text(DOCUMENTS[name] + "\n", encoding="utf-8")
        paths.append(str(folder / name))
    return paths


def _store(tmp_path: Path, names: tuple[str, ...] = ("a.txt", "b.txt", "c.txt")) -> PersistentStore:
    store = open_store(tmp_path / "store")
    ingest(store, _inputs(tmp_path / "in", names))
    return store


def _gsp(virtuoso: VirtuosoServer, store: PersistentStore, *, resume: bool = True) -> PushReport:
    return push(
        store,
        virtuoso.sparql,
        graph_store_url=virtuoso.graph_store,
        update_url=virtuoso.sparql_auth,
        user=USER,
        password=PASSWORD,
        resume=resume,
    )


def test_push_sends_every_graph_and_the_counts_match(
    virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    with _store(tmp_path) as store:
        report = push(
            store,
            virtuoso.sparql,
            graph_store_url=virtuoso.graph_store,
            user=USER,
            password=PASSWORD,
        )
        assert report.method == "graph-store"
        # three documents, the ontology, the lineage, entities and entity support graphs
        assert report.sent == 7
        assert report.verified and not report.mismatches
        sizes = store.graph_sizes()
        assert remote_counts(virtuoso.sparql, list(sizes)) == sizes
        again = push(
            store,
            virtuoso.sparql,
            graph_store_url=virtuoso.graph_store,
            user=USER,
            password=PASSWORD,
        )
        assert again.sent == 0 and again.skipped == 7 and again.verified


def test_push_resumes_with_what_changed_and_prunes_removed_documents(
    virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    paths = _inputs(tmp_path / "in", ("a.txt", "b.txt", "c.txt", "d.txt"))
    with open_store(tmp_path / "store") as store:
        ingest(store, paths[:2])
        first = _gsp(virtuoso, store)
        # two documents, the ontology, the lineage graph (valid times), entities and support
        assert first.sent == 6
        ingest(store, paths[2:])  # two more documents since the last push
        second = _gsp(virtuoso, store)
        # the new documents, the lineage graph (now with their valid times), the entities
        # and support graphs (their organisations)
        assert second.sent == 5 and second.skipped == 3 and second.verified
        [removed] = remove(store, paths[2]).graphs
        third = _gsp(virtuoso, store)
        assert third.verified
        assert remote_counts(virtuoso.sparql, [removed]) == {}
        # Acme's graph d was untouched by removing c: still there, unchanged
        sizes = store.graph_sizes()
        assert remote_counts(virtuoso.sparql, list(sizes)) == sizes


def test_sparql_update_is_the_fallback_without_a_graph_store(
    virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    with _store(tmp_path, ("c.txt", "d.txt")) as store:
        report = push(
            store,
            virtuoso.sparql,
            graph_store_url=virtuoso.base + "/no-graph-store-here",
            update_url=virtuoso.sparql_auth,
            user=USER,
            password=PASSWORD,
            resume=False,
        )
        assert report.method == "update"
        assert report.verified and report.sent == 6  # with the lineage and entity graphs
        small = push(
            store,
            virtuoso.sparql,
            update_url=virtuoso.sparql_auth,
            user=USER,
            password=PASSWORD,
            resume=False,
            batch_triples=10,  # documents split over many INSERT DATA requests
        )
        assert small.method == "update" and small.verified
        assert small.requests > report.requests


def test_wrong_password_is_a_clear_error(virtuoso: VirtuosoServer, tmp_path: Path) -> None:
    with _store(tmp_path, ("c.txt",)) as store, pytest.raises(PushError, match="HTTP 401"):
        push(
            store,
            virtuoso.sparql,
            graph_store_url=virtuoso.graph_store,
            user=USER,
            password="not-the-password",
            resume=False,
        )


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    with _store(tmp_path, ("c.txt",)) as store, pytest.raises(PushError, match="cannot reach"):
        push(store, "http://127.0.0.1:9/sparql", graph_store_url="http://127.0.0.1:9/gsp")


def _cell(value: Node | None) -> object:
    if value is None:
        return None
    if isinstance(value, Literal) and str(value.datatype) in _NUMERIC:
        return Decimal(str(value)).normalize()
    return _unordered(str(value))


def _remote_cell(cell: dict[str, str] | None) -> object:
    if cell is None:
        return None
    if cell.get("datatype") in _NUMERIC:
        return Decimal(cell["value"]).normalize()
    return _unordered(cell["value"])


def _unordered(text: str) -> object:
    # GROUP_CONCAT has no defined order: compare its parts as a sorted tuple; over no
    # values Virtuoso gives "" where Oxigraph leaves the variable unbound
    if not text:
        return None
    parts = re.split(r"[;,] ", text)
    return tuple(sorted(parts)) if len(parts) > 1 else text


def _same_answers(virtuoso: VirtuosoServer, local_graph: Target) -> None:
    answered = 0
    for name in ROUND_TRIP:
        sparql = load_named_query(name).sparql
        local = run_query(local_graph, sparql)
        remote = sparql_select_json(virtuoso.sparql, sparql)
        mine = sorted((tuple(_cell(v) for v in row) for row in local.rows), key=repr)
        theirs = sorted(
            (tuple(_remote_cell(row.get(v)) for v in local.variables) for row in remote), key=repr
        )
        assert theirs == mine, name
        answered += bool(mine)
    assert answered >= len(ROUND_TRIP) - 2, "too few local answers to compare"


def test_named_queries_answer_the_same_on_virtuoso(
    virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    with _store(tmp_path, tuple(DOCUMENTS)) as store:
        _gsp(virtuoso, store, resume=False)
        _same_answers(virtuoso, store.ox)  # the store in place against Virtuoso's union


@pytest.mark.slow
def test_one_graph_push_answers_the_same_on_virtuoso(
    virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    # a fresh virtuoso state: the per-document graphs of other tests would add up
    with VirtuosoServer(tmp_path / "virtuoso") as own, _store(tmp_path, tuple(DOCUMENTS)) as store:
        union = store_graph(store)
        report = push(
            union,
            own.sparql,
            graph_store_url=own.graph_store,
            user=USER,
            password=PASSWORD,
            graph_name="https://example.org/graphs/deals",
        )
        assert report.verified and report.sent == 2
        _same_answers(own, with_ontology(union))


def _wipe(virtuoso: VirtuosoServer, graphs: list[str]) -> None:
    """Drop *graphs* on the server behind kg's back, as a wiped or restored server would."""
    import urllib.parse
    import urllib.request

    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, virtuoso.base + "/", USER, PASSWORD)
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
    update = " ; ".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs)
    body = urllib.parse.urlencode({"update": update}).encode()
    with opener.open(urllib.request.Request(virtuoso.sparql_auth, data=body), timeout=60):
        pass
    assert remote_counts(virtuoso.sparql, graphs) == {}


def test_resume_against_a_wiped_server_says_to_use_no_resume(
    virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    with _store(tmp_path, ("a.txt", "b.txt")) as store:
        first = _gsp(virtuoso, store)
        # two documents, the ontology, the lineage, entities and entity support graphs
        assert first.verified and first.sent == 6
        graphs = list(store.graph_sizes())
    _wipe(virtuoso, graphs)
    command = [
        "push",
        str(tmp_path / "store"),
        "--endpoint",
        virtuoso.sparql,
        "--graph-store",
        virtuoso.graph_store,
        "--update-url",
        virtuoso.sparql_auth,
        "--user",
        USER,
        "--password",
        PASSWORD,
    ]
    refused = CliRunner().invoke(cli, command)
    assert refused.exit_code == 1, refused.output
    assert "Traceback" not in refused.output
    assert "5 of the 6 graphs an earlier push sent" in refused.output  # the ontology stayed
    assert "Run again with --no-resume" in refused.output
    assert remote_counts(virtuoso.sparql, graphs) == {}  # nothing was sent half-way
    resent = CliRunner().invoke(cli, [*command, "--no-resume"])
    assert resent.exit_code == 0, resent.output
    assert resent.output.startswith("6 graphs sent, 0 unchanged")
    with open_store(tmp_path / "store") as store:
        assert remote_counts(virtuoso.sparql, graphs) == store.graph_sizes()
