"""The persistent store: per-document graphs, idempotent re-ingest, removal, crash safety, lock."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import PROV, RDF, SKOS, XSD
from rdflib.term import Node

from kg.extract.documents import extract_documents
from kg.lineage.link import LINK_PREDICATES
from kg.pipeline import build, ingest
from kg.query.run import run_named_query, run_query
from kg.rdf.ontology import holds_ontology
from kg.rdf.vocab import DK
from kg.read.documents import read_documents
from kg.store.directory import (
    LINEAGE_GRAPH,
    StoreError,
    is_store,
    open_store,
    open_store_read_only,
    store_dataset,
    store_graph,
    write_ontology,
)
from kg.store.entities import ENTITIES_GRAPH, SUPPORT_GRAPH
from kg.store.ingest import _document_quads
from kg.store.lineage import relink_lineage
from kg.store.remove import find_documents, remove

ACME_BOREALIS = (
    "Acme Robotics Inc. signed a licensing agreement with Borealis Therapeutics on "
    "March 3, 2025. Under the deal, Borealis Therapeutics will pay Acme Robotics Inc. "
    "an upfront payment of $25 million and royalties of 8% on net sales through 2031.\n"
)
BOREALIS_CINDER = (
    "Borealis Therapeutics and Cinder Materials Ltd. announced a supply agreement worth "
    "$40 million on June 2, 2025. The agreement grants Cinder Materials Ltd. exclusive "
    "rights in Europe.\n"
)
DELTA_EMBER = "Delta Quarry Group agreed to acquire Ember Foods Ltd. for $300 million in cash.\n"


def _corpus(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"a": ACME_BOREALIS, "b": BOREALIS_CINDER, "c": DELTA_EMBER}
    paths = {}
    for name, text in files.items():
        paths[name] = folder / f"{name}.txt"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def _org_labels(store_path: Path) -> set[str]:
    graph = store_graph(store_path)
    return {
        str(graph.value(org, SKOS.prefLabel)) for org in graph.subjects(RDF.type, DK.Organization)
    }


def test_ingest_writes_one_graph_per_document_and_reingest_is_idempotent(tmp_path: Path) -> None:
    paths = _corpus(tmp_path / "in")
    store_path = tmp_path / "store"
    with open_store(store_path) as store:
        first = ingest(store, [str(p) for p in paths.values()])
        dump = store.nquads()
        graphs = store.document_graphs()
        assert first.documents == 3 and first.replaced == 0
        assert len(graphs) == 3
        second = ingest(store, [str(p) for p in paths.values()])
        assert second.replaced == 3
        assert store.nquads() == dump
    assert is_store(store_path)
    # a new process sees the same store: it persisted
    with open_store(store_path) as store:
        assert store.nquads() == dump


def test_reingesting_one_document_touches_only_its_graph(tmp_path: Path) -> None:
    paths = _corpus(tmp_path / "in")
    with open_store(tmp_path / "store") as store:
        ingest(store, [str(p) for p in paths.values()])
        sizes = store.graph_sizes()
        before = store.nquads()
        report = ingest(store, [str(paths["b"])])
        assert report.documents == 1 and report.replaced == 1
        assert store.graph_sizes() == sizes
        assert store.nquads() == before


def test_single_batch_ingest_equals_a_build(tmp_path: Path) -> None:
    paths = _corpus(tmp_path / "in")
    inputs = [str(p) for p in paths.values()]
    with open_store(tmp_path / "store") as store:
        ingest(store, inputs)
        union = store_graph(store)
    built = build(inputs).graph
    assert set(union) == set(built)


def test_shared_organisation_resolves_to_the_stored_key(tmp_path: Path) -> None:
    paths = _corpus(tmp_path / "in")
    with open_store(tmp_path / "store") as store:
        ingest(store, [str(paths["a"])])
        ingest(store, [str(paths["b"])])  # a later run names Borealis again
        graph = store_graph(store)
        dataset = store_dataset(store)
        borealis = [
            org
            for org in graph.subjects(RDF.type, DK.Organization)
            if "Borealis" in str(graph.value(org, SKOS.prefLabel))
        ]
        assert len(borealis) == 1
        # both documents' graphs hold evidence for the same Borealis node...
        query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{borealis[0]}> <{DK.evidence}> ?m }} }}"
        holding = {str(row[0]) for row in dataset.query(query)}  # type: ignore[index]
        assert len(holding) == 2 and ENTITIES_GRAPH not in holding
        # ...and what Borealis is, is said once, in the entities graph
        query = (
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{borealis[0]}> a <{DK.Organization}> }} }}"
        )
        holding = {str(row[0]) for row in dataset.query(query)}  # type: ignore[index]
        assert holding == {ENTITIES_GRAPH}


_FIRST_QUERY = "SELECT ?name WHERE { ?o a dk:Organization ; rdfs:label ?name }"
"""The README's first query: no DISTINCT, so a name stated twice shows twice."""


def _rows(target: Graph | ox.Store) -> list[str]:
    return sorted(str(row[0]) for row in run_query(target, _FIRST_QUERY).rows)


def test_the_first_query_gives_the_same_rows_on_a_file_and_a_store(tmp_path: Path) -> None:
    paths = _corpus(tmp_path / "in")
    inputs = [str(p) for p in paths.values()]
    built = _rows(build(inputs).graph)
    with open_store(tmp_path / "store") as store:
        ingest(store, inputs[:1])  # Borealis stored by one run, named again by the next
        ingest(store, inputs[1:])
        stored = _rows(store.ox)
        assert stored == built
        assert len(built) == len(set(built))  # each organisation's name once
        assert any(name.startswith("Borealis") for name in built)
        remove(store, str(paths["b"]))  # Cinder only in b; Borealis still in a
        after = _rows(store.ox)
    assert after == _rows(build([inputs[0], inputs[2]]).graph)
    assert not any(name.startswith("Cinder") for name in after)
    assert any(name.startswith("Borealis") for name in after)


def _entities_match_their_support(store: ox.Store, documents: set[str]) -> bool:
    """The entities graph is exactly the union of the facts its support graph holds, and
    the support graph speaks only of *documents*."""
    stated = (
        f"GRAPH <{SUPPORT_GRAPH}> {{ ?n <{RDF.subject}> ?s ; <{RDF.predicate}> ?p ; "
        f"<{RDF.object}> ?o ; <{PROV.wasDerivedFrom}> ?d }}"
    )
    entity = f"GRAPH <{ENTITIES_GRAPH}> {{ ?s ?p ?o }}"
    others = ", ".join(f"<{d}>" for d in sorted(documents))
    strays = (
        f"ASK {{ {entity} FILTER NOT EXISTS {{ {stated} }} }}",
        f"ASK {{ {stated} FILTER NOT EXISTS {{ {entity} }} }}",
        f"ASK {{ {stated} FILTER(?d NOT IN ({others})) }}",
    )
    return bool(store.query(f"ASK {{ {entity} }}")) and not any(store.query(q) for q in strays)


def test_remove_keeps_facts_another_document_states(tmp_path: Path) -> None:
    paths = _corpus(tmp_path / "in")
    store_path = tmp_path / "store"
    with open_store(store_path) as store:
        ingest(store, [str(p) for p in paths.values()])
    labels = _org_labels(store_path)
    for name in ("Acme Robotics", "Borealis Therapeutics", "Cinder Materials"):
        assert any(label.startswith(name) for label in labels), (name, labels)
    with open_store(store_path) as store:
        report = remove(store, str(paths["a"]))
        assert len(report.graphs) == 1 and report.quads > 0
        assert len(store.document_graphs()) == 2
    after = _org_labels(store_path)
    assert not any(label.startswith("Acme") for label in after)  # only document a named it
    assert any(label.startswith("Borealis") for label in after)  # document b still does
    graph = store_graph(store_path)
    assert not any("Acme" in str(o) for o in graph.objects(None, SKOS.altLabel))
    with open_store(store_path) as store:
        [remaining] = find_documents(store, str(paths["c"]))
        doc_id = "doc-" + remaining.rsplit("doc-", 1)[1]
        assert remove(store, doc_id).graphs == (remaining,)
        with pytest.raises(StoreError, match="no such document"):
            remove(store, str(paths["a"]))


def test_remove_then_reingest_restores_the_store(tmp_path: Path) -> None:
    paths = _corpus(tmp_path / "in")
    with open_store(tmp_path / "store") as store:
        ingest(store, [str(p) for p in paths.values()])
        dump = store.nquads()
        iri = find_documents(store, str(paths["c"]))[0]
        remove(store, f"<{iri}>")
        assert store.nquads() != dump
        ingest(store, [str(paths["c"])])
        assert store.nquads() == dump


def test_a_directory_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="not a kg store"):
        open_store(tmp_path / "other")
    with pytest.raises(StoreError, match="not a kg store"):
        open_store_read_only(tmp_path / "other")


# --------------------------------------------------------------------------- processes

_HOLDER = textwrap.dedent(
    """
    import sys
    from kg.store.directory import open_store
    store = open_store(sys.argv[1])
    print("locked", flush=True)
    sys.stdin.readline()
    store.close()
    """
)


@pytest.mark.slow
def test_a_second_writer_fails_clearly_or_waits(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    paths = _corpus(tmp_path / "in")
    with open_store(store_path) as store:
        ingest(store, [str(paths["c"])])
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(store_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match=r"another process \(pid \d+\) is writing"):
            open_store(store_path)
        # readers are not blocked by a writer
        assert len(store_graph(store_path)) > 0
        holder.stdin.write("done\n")
        holder.stdin.flush()
        with open_store(store_path, wait=True, timeout=60) as store:
            assert len(store.document_graphs()) == 1
    finally:
        holder.kill()
        holder.communicate()  # waits and closes the pipes


def _many_documents(folder: Path, count: int) -> Path:
    names = [
        "Acme Robotics Inc.",
        "Borealis Therapeutics",
        "Cinder Materials Ltd.",
        "Delta Quarry Group",
        "Ember Foods Ltd.",
        "Fjord Analytics AG",
    ]
    lines = []
    for n in range(count):
        a, b = names[n % len(names)], names[(n * 5 + 1) % len(names)]
        text = (
            f"{a} signed a supply agreement with {b} worth ${n + 3} million on "
            f"May {n % 27 + 1}, 2024. {b} will pay royalties of {n % 9 + 2}% through 2030."
        )
        lines.append(json.dumps({"text": text, "title": f"Deal {n}"}))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "many.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


_KILLED = textwrap.dedent(
    """
    import sys
    from kg.store.directory import open_store
    from kg.pipeline import ingest
    store = open_store(sys.argv[1])
    ingest(store, [sys.argv[2]], batch_size=2,
           progress=lambda done, _total: print(done, flush=True))
    print("finished", flush=True)
    """
)


@pytest.mark.slow
def test_a_killed_ingest_leaves_a_consistent_store(tmp_path: Path) -> None:
    source = _many_documents(tmp_path / "in", 40)
    reference_path = tmp_path / "reference"
    with open_store(reference_path) as reference:
        ingest(reference, [str(source)], batch_size=2)
        expected = reference.nquads()
    killed_path = tmp_path / "killed"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED, str(killed_path), str(source)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    for line in child.stdout:  # let a few batches land, then kill mid-run
        if line.strip() == "finished" or int(line) >= 6:
            break
    child.send_signal(signal.SIGKILL)
    child.communicate()  # waits and closes the pipe
    with open_store(killed_path) as store:
        graphs = store.document_graphs()
        assert len(graphs) >= 6
        # every document graph present is complete: identical to the reference's
        by_graph = {g: [q for q in expected if f"<{g}> ." in q] for g in graphs}
        kept = sorted(
            f"{q} ."
            for q in store.ox
            if q.graph_name != ox.DefaultGraph() and str(q.graph_name)[1:-1] in graphs
        )
        assert kept == sorted(q for qs in by_graph.values() for q in qs)
        assert _entities_match_their_support(store.ox, set(graphs))
        assert holds_ontology(store.ox)  # written before the first batch
        ingest(store, [str(source)], batch_size=2)  # finishing the job gives the same store
        assert store.nquads() == expected


LINEAGE = Path(__file__).resolve().parents[1] / "fixtures" / "lineage"


def _links(graph: Graph) -> set[tuple[Node, Node, Node]]:
    return {
        (s, p, o)
        for p in [*LINK_PREDICATES.values(), DK.dateInferredFromDocument]
        for s, o in graph.subject_objects(p)
    }


def test_a_store_growing_one_document_at_a_time_links_agreements_like_a_build(
    tmp_path: Path,
) -> None:
    files = sorted(str(p) for p in LINEAGE.iterdir())
    built = build(files).graph
    with open_store(tmp_path / "store") as store:
        for file in files:
            ingest(store, [file])
        assert LINEAGE_GRAPH not in store.document_graphs()
        derived = [LINEAGE_GRAPH, ENTITIES_GRAPH, SUPPORT_GRAPH]
        assert store.data_graphs() == [*store.document_graphs(), *derived]  # kg push
        union = store_graph(store)
        # relinking in the smallest chunks never splits a lineage: the same links
        before = store.nquads()
        relink_lineage(store.ox, ["acme-robotics", "borealis-labs"], chunk_size=1)
        assert store.nquads() == before
        as_of = {"date": Literal("2026-03-01", datatype=XSD.date)}
        in_place = run_named_query(store.ox, "terms-in-force", as_of)
    assert _links(built)  # the fixture has extensions, supersessions and a superseded clause
    assert _links(union) == _links(built)
    from_build = run_named_query(built, "terms-in-force", as_of)
    assert sorted(in_place.rows) == sorted(from_build.rows)


def test_removing_a_document_takes_its_lineage_links_and_reingest_restores_them(
    tmp_path: Path,
) -> None:
    files = sorted(str(p) for p in LINEAGE.iterdir())
    definitive = next(f for f in files if "definitive" in f)
    with open_store(tmp_path / "store") as store:
        ingest(store, files)
        full = store.nquads()
        remove(store, definitive)
        without = _links(store_graph(store))
        ingest(store, [definitive])
        assert store.nquads() == full
    assert without == _links(build([f for f in files if f != definitive]).graph)


def test_a_store_from_before_the_entities_graph_is_upgraded_by_the_next_ingest(
    tmp_path: Path,
) -> None:
    paths = _corpus(tmp_path / "in")
    inputs = [str(p) for p in paths.values()]
    with open_store(tmp_path / "store") as store:
        # what kg wrote before: every document graph with its organisations' names
        old = [
            quad
            for document in read_documents(inputs[:2]).documents
            for quad in _document_quads(extract_documents([document])[0][0])
        ]
        store.ox.extend(old)
        write_ontology(store.ox)  # queried in place, as the store is
        assert len(_rows(store.ox)) > len(set(_rows(store.ox)))  # names once per document
        ingest(store, inputs[2:])
        assert _rows(store.ox) == _rows(build(inputs).graph)
        assert _entities_match_their_support(store.ox, set(store.document_graphs()))
