"""Kept answers equal in-place answers: for every named query, with and without its
parameters, whole and in pages, on stores after one ingest, after a second overlapping
ingest, after re-ingesting the same files and after a removal (the seed, the dated seed and
a generated multi-document set); and a store whose answers are missing or out of date is
answered in place, and says so.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.cli import cli
from kg.pipeline import ingest, remove_documents
from kg.query.catalog import NamedQuery, load_named_query, named_queries
from kg.query.kept import kept_answer
from kg.query.run import run_named_query, run_query
from kg.rdf.vocab import DKCT, ID
from kg.store.answers import ANSWERS_FILE
from kg.store.directory import PersistentStore, open_store, open_store_read_only
from kg.store.remove import remove

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_9e21863d4afa9de5.txt"
DATED = sorted((ROOT / "seeds" / "dated").glob("*.txt"))
WINDOWS = ((None, 0), (0, 2), (1, 3), (2, 1), (1000, 5))
DAYS = ("2019-12-31", "2024-06-30", "2026-06-30")


# --------------------------------------------------------------------------- comparing


def _values(store: PersistentStore, query: NamedQuery) -> dict[str, list[Node]]:
    """Values worth binding each parameter of *query* to: those its own unbound answer
    holds (so the pages are not empty) and one it does not hold."""
    values: dict[str, list[Node]] = {}
    answer = None
    if not any(p.required for p in query.params):
        answer = run_named_query(store.ox, query.name)
    for param in query.params:
        found: list[Node] = []
        if answer is not None and param.name in answer.variables:
            found = sorted({t for t in answer.column(param.name) if t is not None}, key=str)[:4]
        if param.kind == "organization" and not found:
            found = _parties(store)[:3]
        if param.kind == "clause-type":
            found = [DKCT.LicenseGrant, DKCT.Financial, DKCT.InvestmentCommitment]
        if param.kind == "date":
            found = [Literal(day, datatype=XSD.date) for day in DAYS]
        if param.kind == "agreement":
            found = _agreements(store)[:3]
        values[param.name] = [*found, URIRef(str(ID) + "org-nobody-at-all")]
    return values


def _parties(store: PersistentStore) -> list[Node]:
    sparql = (
        "SELECT ?o (COUNT(?a) AS ?n) WHERE { ?a dk:hasParty ?o } GROUP BY ?o ORDER BY DESC(?n) ?o"
    )
    return [row[0] for row in run_query(store.ox, sparql).rows if row[0] is not None]


def _agreements(store: PersistentStore) -> list[Node]:
    sparql = "SELECT DISTINCT ?a WHERE { ?a dk:hasClause ?c } ORDER BY ?a"
    return [row[0] for row in run_query(store.ox, sparql).rows if row[0] is not None]


def _bindings(store: PersistentStore, query: NamedQuery) -> Iterator[dict[str, Node]]:
    values = _values(store, query)
    required = [p.name for p in query.params if p.required]
    optional = [p.name for p in query.params if not p.required]
    base_sets: list[dict[str, Node]] = [{}]
    for name in required:
        base_sets = [{**b, name: v} for b in base_sets for v in values[name]]
        if len(base_sets) > 12:
            base_sets = base_sets[:12]
    for base in base_sets:
        yield base
        for name in optional:
            for value in values[name]:
                yield {**base, name: value}


def assert_kept_equals_in_place(path: Path) -> int:
    """Every named query, with and without its parameters, whole and in pages: the kept
    answer (read-only, as `kg query` opens a store) is the in-place one, row for row and
    term for term; returns the rows compared."""
    compared = 0
    with open_store_read_only(path) as store:
        for query in named_queries().values():
            for bindings in _bindings(store, query):
                for limit, offset in WINDOWS:
                    expected = run_named_query(
                        store.ox, query.name, bindings, limit=limit, offset=offset
                    )
                    answer = run_named_query(
                        store, query.name, bindings, limit=limit, offset=offset
                    )
                    where = (query.name, bindings, limit, offset)
                    assert answer.notes == (), where
                    assert answer.variables == expected.variables, where
                    assert answer.rows == expected.rows, where
                    for got, want in zip(answer.rows, expected.rows, strict=True):
                        # the same rdflib terms: datatype and language too, not only values
                        assert [_exact(t) for t in got] == [_exact(t) for t in want], where
                    kept = kept_answer(store, query, bindings, limit=limit, offset=offset)
                    assert (kept.rows is not None) == query.keep.kept, where
                    compared += len(expected.rows)
    return compared


def _exact(term: Node | None) -> object:
    if isinstance(term, Literal):
        return (type(term), str(term), term.datatype, term.language)
    return (type(term), term)


def _kept_rows(path: Path) -> dict[str, int]:
    import sqlite3

    connection = sqlite3.connect(path / ANSWERS_FILE)
    try:
        return {
            name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'answers_%'"
            )
        }
    finally:
        connection.close()


def _steps(path: Path, first: list[str], second: list[str], removed: str | None) -> Iterator[str]:
    """Ingest *first*; ingest *second* (overlapping); ingest *second* again; remove
    *removed* (a source path; None: the first document): yield after each step."""
    with open_store(path) as store:
        ingest(store, first)
    yield "one ingest"
    with open_store(path) as store:
        ingest(store, second)
    yield "second overlapping ingest"
    before = _kept_rows(path)
    with open_store(path) as store:
        ingest(store, second)
    assert _kept_rows(path) == before  # re-ingesting never duplicates a kept row
    yield "the same files again"
    if removed is None:
        with open_store_read_only(path) as store:
            removed = store.document_graphs()[0]
    remove_documents(path, [removed])
    yield "after kg remove"


def _check_steps(path: Path, first: list[str], second: list[str], removed: str | None) -> None:
    counts = {}
    for step in _steps(path, first, second, removed):
        counts[step] = assert_kept_equals_in_place(path)
    assert all(counts.values()), counts  # every step had rows to compare


# --------------------------------------------------------------------------- the stores


def test_kept_answers_on_the_seed(tmp_path: Path) -> None:
    # the seed file holds the six stories; the dated files tell some of them again
    _check_steps(tmp_path / "store", [str(SEED)], [str(SEED), *map(str, DATED[:3])], None)


@pytest.mark.slow  # four ingests and every query in five windows at each: a minute
def test_kept_answers_on_the_dated_seed(tmp_path: Path) -> None:
    files = [str(p) for p in DATED]
    _check_steps(tmp_path / "store", files[:4], files[2:], files[3])


@pytest.mark.slow
def test_kept_answers_on_a_generated_set(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import articles

    records = list(articles(36, seed=11))
    files = []
    for part in range(3):
        path = tmp_path / f"part-{part}.jsonl"
        lines = [json.dumps(r) for r in records[part * 12 : (part + 1) * 12]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(str(path))
    _check_steps(tmp_path / "store", files[:2], files[1:], files[0])


# --------------------------------------------------------------------------- out of date


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kept") / "store"
    with open_store(path) as store:
        ingest(store, [str(SEED)])
    return path


def _copy(store: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(store, target)
    return target


def test_a_store_without_kept_answers_is_answered_in_place(
    seed_store: Path, tmp_path: Path
) -> None:
    old = _copy(seed_store, tmp_path)
    (old / ANSWERS_FILE).unlink()  # as a store written by an older kg
    with open_store_read_only(old) as store, open_store_read_only(seed_store) as kept:
        answer = run_named_query(store, "agreements")
        assert answer.rows == run_named_query(kept, "agreements").rows
        assert answer.rows == run_named_query(store.ox, "agreements").rows
        assert answer.notes == (
            "kept answers not used: the store keeps no answers (written by an older kg); "
            "answered in place",
        )
    # its next ingest keeps them
    with open_store(old) as store:
        ingest(store, [str(DATED[0])])
    assert _kept_rows(old)["answers_agreements"] > 0
    assert_kept_equals_in_place(old)


def test_a_store_written_since_is_answered_in_place(seed_store: Path, tmp_path: Path) -> None:
    stale = _copy(seed_store, tmp_path)
    with open_store_read_only(stale) as store:
        before = run_named_query(store, "documents")
        assert before.notes == ()
    with open_store(stale) as store:  # a removal that does not bring the answers along
        remove(store, store.document_graphs()[0])
    with open_store_read_only(stale) as store:
        answer = run_named_query(store, "documents")
        assert answer.rows == run_named_query(store.ox, "documents").rows
        assert len(answer.rows) == len(before.rows) - 1
        assert "the store was written since its answers were kept" in answer.notes[0]
    with open_store(stale) as store:  # the next ingest rebuilds them
        ingest(store, [str(DATED[1])])
    assert_kept_equals_in_place(stale)


def test_a_reader_keeps_to_the_store_it_opened(seed_store: Path, tmp_path: Path) -> None:
    path = _copy(seed_store, tmp_path)
    with open_store_read_only(path) as reader:
        first = run_named_query(reader, "documents")
        remove_documents(path, [reader.document_graphs()[0]])
        # the reader's database is the store as it opened it: so must its answer be
        answer = run_named_query(reader, "documents")
        assert answer.rows == first.rows == run_named_query(reader.ox, "documents").rows
        assert "written after this reader opened it" in answer.notes[0]
    with open_store_read_only(path) as reader:
        assert run_named_query(reader, "documents").notes == ()
        assert len(run_named_query(reader, "documents").rows) == len(first.rows) - 1


def test_cli_query_uses_kept_answers_and_says_when_it_cannot(
    seed_store: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    args = ["query", str(seed_store), "--name", "agreements", "--format", "csv", "--limit", "2"]
    kept = runner.invoke(cli, args)
    assert kept.exit_code == 0, kept.output
    assert "kept answers not used" not in kept.stderr
    old = _copy(seed_store, tmp_path)
    (old / ANSWERS_FILE).unlink()
    in_place = runner.invoke(cli, [args[0], str(old), *args[2:]])
    assert in_place.exit_code == 0, in_place.output
    assert in_place.stdout == kept.stdout
    assert "kept answers not used: the store keeps no answers" in in_place.stderr


def test_kept_queries_are_declared_in_their_headers() -> None:
    kept = {name for name, q in named_queries().items() if q.keep.kept}
    assert {"agreements", "documents", "organizations", "companies-by-deals"} <= kept
    rule = load_named_query("licence-history").keep
    assert (rule.mode, rule.by, rule.filters) == ("per", "clause", ("licensor", "licensee"))
    assert load_named_query("terms-in-force").keep.reason  # says why it runs in place
