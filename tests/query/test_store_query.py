"""Queries on a persistent store in place: the same answers as on a built graph, no copy.

A store's union repeats an organisation's triples once per document graph that names it;
every named query must still answer exactly as on the single graph `kg build` makes from
the same documents. The store keeps the ontology in its default graph, out of the way of
document graphs, removal and exports.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from itertools import permutations
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, SKOS, XSD
from rdflib.term import Node

from kg.cli import cli
from kg.errors import GraphError
from kg.pipeline import build, ingest
from kg.query.catalog import load_named_query, named_queries
from kg.query.run import QueryResult, prepare, run_named_query, run_query, with_ontology
from kg.rdf.graphs import load_graph, to_oxigraph_term
from kg.rdf.ontology import ONTOLOGY_DIR, holds_ontology, ontology_quads
from kg.rdf.vocab import DK, DKCT, ID
from kg.serve.server import SparqlServer, make_server
from kg.store.directory import (
    LINEAGE_GRAPH,
    PersistentStore,
    open_store,
    open_store_read_only,
    store_graph,
)
from kg.store.entities import ENTITIES_GRAPH, SUPPORT_GRAPH
from kg.store.remove import remove

# Invented companies; several documents name the same ones, so the store repeats their
# type, label and alias triples in each of those documents' graphs.
DOCUMENTS = {
    "a.txt": (
        "Acme Robotics Inc. signed a licensing agreement with Borealis Therapeutics on "
        "March 3, 2025. Under the deal, Borealis Therapeutics will pay Acme Robotics Inc. an "
        "upfront payment of $25 million and royalties of 8% on net sales through 2031."
    ),
    "b.txt": (
        "Borealis Therapeutics and Cinder Materials Ltd. announced a supply agreement worth "
        "$40 million on June 2, 2025. The agreement grants Cinder Materials Ltd. exclusive "
        "rights in Europe."
    ),
    "c.txt": (
        "Fjord Analytics AG will invest €12 million in Acme Robotics Inc. in exchange for a "
        "15% stake, the companies said on April 9, 2024."
    ),
    "d.txt": (
        "Borealis Therapeutics signed a distribution agreement with Harbor Biologics on "
        "February 2, 2026. Harbor Biologics will receive exclusive rights in Canada."
    ),
    "e.txt": (
        "Fjord Analytics AG invested $5 million in Cinder Materials Ltd. on May 1, 2025. "
        "Cinder Materials Ltd. will use the Fjord Lens platform."
    ),
    "f.txt": "Delta Quarry Group agreed to acquire Ember Foods Ltd. for $300 million in cash.",
    "g.txt": (
        "Gantry Cloud and Acme Robotics Inc. signed a memorandum of understanding on compute "
        "capacity. Acme Robotics Inc. committed to buy $90 million of Gantry Cloud computing "
        "capacity over five years."
    ),
}
EXAMPLE = ONTOLOGY_DIR / "examples" / "example.ttl"
DAYS = ("2024-01-01", "2025-06-30", "2026-01-01", "2026-09-30", "2031-12-31")


def _write_inputs(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
        paths.append(str(folder / name))
    return paths


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _write_inputs(tmp_path_factory.mktemp("documents"))


@pytest.fixture(scope="module")
def store_path(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stores") / "store"
    with open_store(path) as store:
        ingest(store, inputs)
    return path


@pytest.fixture(scope="module")
def store(store_path: Path) -> Iterator[PersistentStore]:
    with open_store_read_only(store_path) as opened:
        yield opened


@pytest.fixture(scope="module")
def built(inputs: list[str]) -> Graph:
    """The single graph `kg build` makes of the same documents, with the ontology."""
    return with_ontology(build(inputs).graph)


# --------------------------------------------------------------------------- comparing


def _cell(term: Node | None) -> object:
    # GROUP_CONCAT has no defined order: compare the parts of a joined label as a set
    if isinstance(term, Literal) and term.datatype is None and re.search(r"[;,] ", term):
        return tuple(sorted(re.split(r"[;,] ", str(term))))
    return term


def _rows(result: QueryResult) -> Counter[tuple[object, ...]]:
    assert result.kind == "select"
    return Counter(tuple(_cell(term) for term in row) for row in result.rows)


def _bindings(name: str, graph: Graph) -> Iterator[dict[str, Node]]:
    """Every binding worth trying for the parameters of *name*, with values from *graph*."""
    orgs = sorted(set(graph.subjects(RDF.type, DK.Organization)))
    values: dict[str, list[Node]] = {
        "agreement": sorted(set(graph.subjects(RDF.type, DK.Agreement))),
        "type": [DKCT.LicenseGrant, DKCT.Financial, DKCT.Exclusivity, DKCT.OtherClause],
        "date": [Literal(day, datatype=XSD.date) for day in DAYS],
        "knownAt": [Literal(day, datatype=XSD.date) for day in DAYS],
        "investor": list(orgs),
        "licensor": list(orgs),
        "licensee": list(orgs),
    }
    params = load_named_query(name).param_names
    if params == ("org1", "org2"):
        yield from ({"org1": one, "org2": other} for one, other in permutations(orgs, 2))
        return
    yield {}  # no parameters, or the optional ones left unbound
    for param in params:
        yield from ({param: value} for value in values[param])
    if "knownAt" in params:  # what was known on one day of what was in force on another
        for day, known in permutations(values["date"], 2):
            yield {"date": day, "knownAt": known}


def _assert_same_answers(name: str, in_place: ox.Store | Graph, reference: Graph) -> int:
    answered = 0
    for bindings in _bindings(name, reference):
        if any(p.required and p.name not in bindings for p in load_named_query(name).params):
            continue
        mine = run_named_query(in_place, name, bindings)
        expected = run_named_query(reference, name, bindings)
        assert mine.variables == expected.variables
        assert _rows(mine) == _rows(expected), (name, bindings)
        answered += len(expected.rows)
    return answered


# --------------------------------------------------------------------------- named queries


def test_the_store_holds_the_built_graph(store: PersistentStore, inputs: list[str]) -> None:
    # the premise of the comparisons below: the same facts, repeated across graphs
    assert set(store_graph(store)) == set(build(inputs).graph)
    holders = {
        str(quad.graph_name)
        for quad in store.ox.quads_for_pattern(
            ox.NamedNode("https://w3id.org/dealkg/id/org-acme-robotics"), None, None
        )
    }
    assert len(holders) >= 3


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_in_place_equals_the_built_graph(
    name: str, store: PersistentStore, built: Graph
) -> None:
    _assert_same_answers(name, store.ox, built)


def test_the_documents_give_answers_worth_comparing(store: PersistentStore, built: Graph) -> None:
    for name in (
        "agreements",
        "organizations",
        "companies-by-deals",
        "investment-by-investor",
        "licence-history",
        "deals-by-type-and-year",
        "clause-counts-by-group",
        "clauses-of-type",
        "agreements-between",
        "clause-evidence",
        "products",
        "terms-in-force",
    ):
        assert _assert_same_answers(name, store.ox, built) > 0, name


def _example_store() -> ox.Store:
    """The example graph split into named graphs the way a store splits documents: most
    facts in one graph, some in two, every organisation and product repeated in all."""
    example = load_graph(EXAMPLE)
    shared = set(example.subjects(RDF.type, DK.Organization)) | set(
        example.subjects(RDF.type, DK.Product)
    )
    names = [ox.NamedNode(f"https://example.org/graph/{n}") for n in range(4)]
    store = ox.Store()
    subjects = sorted({s for s in example.subjects() if s not in shared}, key=str)
    for number, subject in enumerate(subjects):
        # most facts in one graph, as in a store; every third subject also in a second,
        # as when two documents state it (or graphs overlap on a server)
        homes = names[number % 4 : number % 4 + (2 if number % 3 == 0 else 1)]
        store.extend(_quads(example, subject, homes))
    for subject in shared:
        store.extend(_quads(example, subject, names))
    store.extend(ontology_quads())
    return store


def _quads(graph: Graph, subject: Node, names: list[ox.NamedNode]) -> list[ox.Quad]:
    return [
        ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), name)  # type: ignore[arg-type]
        for s, p, o in graph.triples((subject, None, None))
        for name in names
    ]


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_on_the_split_example_equals_the_example(name: str) -> None:
    # the example exercises what extraction from a few sentences does not: amendments,
    # supersession, terminations, owned products, investments in several currencies
    split = _example_store()
    assert _assert_same_answers(name, split, with_ontology(load_graph(EXAMPLE))) > 0


def test_plain_patterns_see_a_shared_organisation_once(store: PersistentStore) -> None:
    # documents a, b and d name Borealis; what it is is stated once, in the entities graph
    pattern = "WHERE { dkid:org-borealis-therapeutics rdfs:label ?label }"
    assert len(run_query(store.ox, f"SELECT ?label {pattern}").rows) == 1
    evidence = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { dkid:org-borealis-therapeutics dk:evidence ?m } }"
    )
    assert len(run_query(store.ox, evidence).rows) == 3  # each document its own mentions


# --------------------------------------------------------------------------- the ontology


def test_ingest_writes_the_ontology_into_the_default_graph(store: PersistentStore) -> None:
    assert holds_ontology(store.ox)
    assert all(g.startswith("https://w3id.org/dealkg/id/doc-") for g in store.document_graphs())
    derived = {LINEAGE_GRAPH, ENTITIES_GRAPH, SUPPORT_GRAPH}
    assert store.graph_sizes().keys() == {*store.document_graphs(), *derived}
    union = store_graph(store)  # what export, stats and render read
    assert (DK.Agreement, RDF.type, OWL.Class) not in union
    assert not set(union.subjects(RDF.type, SKOS.Concept))
    bookkeeping = (ox.DefaultGraph(), ox.NamedNode(SUPPORT_GRAPH))
    documents = {
        (q.subject, q.predicate, q.object) for q in store.ox if q.graph_name not in bookkeeping
    }
    assert len(union) == len(documents)


def test_reingest_keeps_one_ontology_and_an_upgrade_refreshes_it(
    inputs: list[str], tmp_path: Path
) -> None:
    with open_store(tmp_path / "store") as store:
        ingest(store, inputs[:3])
        first = store.nquads()
        ingest(store, inputs[:3])
        assert store.nquads() == first  # blank nodes of the ontology keep their labels
        default = list(store.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        assert len(default) == len(ontology_quads())
        # a store written by an older version: part of the ontology missing, one stale triple
        stale = ox.Quad(
            ox.NamedNode(str(DK.Agreement)), ox.NamedNode(str(RDF.type)), ox.Literal("old")
        )
        store.ox.remove(next(iter(ontology_quads())))
        store.ox.add(stale)
        assert not holds_ontology(store.ox)
        ingest(store, [])
        assert holds_ontology(store.ox) and store.nquads() == first


def test_remove_never_removes_the_ontology(inputs: list[str], tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        ingest(store, inputs[:2])
        for path in inputs[:2]:
            remove(store, path)
        assert store.document_graphs() == []
        assert holds_ontology(store.ox)
        assert len(store_graph(store)) == 0


def test_export_of_a_store_has_no_ontology(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "kg.nt"
    result = CliRunner().invoke(cli, ["export", str(store_path), "--format", "nt", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "owl#Class" not in text and "skos/core#ConceptScheme" not in text
    assert "org-acme-robotics" in text


# --------------------------------------------------------------------------- without it


@pytest.fixture()
def bare_store(inputs: list[str], tmp_path: Path) -> Path:
    """A store as an older kg wrote it: the documents, no ontology."""
    path = tmp_path / "bare"
    with open_store(path) as store:
        ingest(store, inputs)
        store.ox.clear_graph(ox.DefaultGraph())
        assert not holds_ontology(store.ox)
    return path


def test_a_store_without_the_ontology_is_answered_through_a_copy(
    bare_store: Path, built: Graph
) -> None:
    with open_store_read_only(bare_store) as store:
        target = prepare(store.ox)
        assert isinstance(target, Graph)  # the copy of the union, with the ontology
        for name in ("clause-counts-by-group", "clauses-of-type", "agreements"):
            _assert_same_answers(name, store.ox, built)
        # the caller's store is left as it was: read-only, still without the ontology
        assert not holds_ontology(store.ox)


def test_a_store_with_the_ontology_is_queried_as_it_is(store: PersistentStore) -> None:
    assert prepare(store.ox) is store.ox


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_pages_of_a_named_query_in_place_are_slices_of_its_answer(
    name: str, store: PersistentStore, built: Graph
) -> None:
    required = [p.name for p in load_named_query(name).params if p.required]
    bindings = max(
        (b for b in _bindings(name, built) if all(p in b for p in required)),
        key=lambda b: len(run_named_query(store.ox, name, b).rows),
    )  # the binding with the longest answer
    whole = run_named_query(store.ox, name, bindings).rows
    for offset, limit in ((0, 2), (1, 3), (len(whole), 2)):
        page = run_named_query(store.ox, name, bindings, limit=limit, offset=offset)
        assert page.rows == whole[offset : offset + limit], (offset, limit)


# --------------------------------------------------------------------------- the CLI


def _cli(*args: str) -> str:
    wide = {"COLUMNS": "400"}  # table cells unfolded
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=wide)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_query_runs_in_place_on_a_store(store_path: Path, bare_store: Path) -> None:
    # Named graphs tell the paths apart: in place, each document graph naming Borealis;
    # through the copy of a store without the ontology (one graph), none.
    query = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { dkid:org-borealis-therapeutics dk:evidence ?m } }"
    )
    assert _cli("query", str(store_path), query, "--format", "csv").count("doc-") == 3
    assert _cli("query", str(bare_store), query, "--format", "csv").count("doc-") == 0
    label = "SELECT ?label WHERE { dkid:org-borealis-therapeutics rdfs:label ?label }"
    assert _cli("query", str(store_path), label, "--format", "csv").count("Borealis") == 1
    named = ["--name", "companies-by-deals", "--format", "csv"]
    assert _cli("query", str(store_path), *named) == _cli("query", str(bare_store), *named)


def test_cli_query_prints_a_page(store_path: Path) -> None:
    base = ["query", str(store_path), "--name", "documents", "--format", "csv"]
    whole = _cli(*base).splitlines()
    assert len(whole) > 3  # a header and the documents
    assert _cli(*base, "--limit", "2").splitlines() == whole[:3]
    assert _cli(*base, "--limit", "2", "--offset", "1").splitlines() == [whole[0], *whole[2:4]]
    refused = CliRunner().invoke(cli, [*base, "--limit", "-1"])
    assert refused.exit_code == 2 and "--limit" in refused.output


def test_cli_query_on_a_store_in_every_format(store_path: Path) -> None:
    base = ["query", str(store_path), "--name", "agreements-between"]
    binds = ["--bind", "org1=org-acme-robotics", "--bind", "org2=org-borealis-therapeutics"]
    table = _cli(*base, *binds)
    assert "Acme Robotics – Borealis Therapeutics" in table
    parsed = json.loads(_cli(*base, *binds, "--format", "json"))
    [row] = parsed["results"]["bindings"]
    assert row["org1"]["value"].endswith("org-acme-robotics")
    assert row["date"] == {"type": "literal", "value": "2025-03-03", "datatype": str(XSD.date)}
    assert "<sparql" in _cli(*base, *binds, "--format", "xml")
    assert len(_cli(*base, *binds, "--format", "csv").splitlines()) == 2  # header and one row
    assert '"2025-03-03"^^<http://www.w3.org/2001/XMLSchema#date>' in _cli(
        *base, *binds, "--format", "tsv"
    )
    ask = "ASK { ?o a dk:Organization }"
    assert _cli("query", str(store_path), ask).strip() == "yes"
    construct = "CONSTRUCT { ?o rdfs:label ?l } WHERE { ?o a dk:Organization ; rdfs:label ?l }"
    turtle = _cli("query", str(store_path), construct)
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 8  # each organisation's label once, however many documents name it
    assert (ID["org-gantry-cloud"], None, None) in graph


def test_cli_query_errors_on_a_store(store_path: Path) -> None:
    result = CliRunner().invoke(cli, ["query", str(store_path), "SELECT ?x WHERE { ?x ?y }"])
    assert result.exit_code == 1 and "SPARQL syntax error at line 1" in result.output
    missing = CliRunner().invoke(cli, ["query", str(store_path), "--name", "clauses-of-type"])
    assert missing.exit_code == 1 and "needs --bind for type" in missing.output


# --------------------------------------------------------------------------- the server


def _served_rows(server: SparqlServer, sparql: str) -> list[dict[str, object]]:
    body = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
    request = urllib.request.Request(
        server.url, data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        data = json.loads(reply.read())
    rows = data["results"]["bindings"]
    return sorted(({k: _cell(Literal(v["value"])) for k, v in r.items()} for r in rows), key=repr)


def _local_rows(target: ox.Store, sparql: str) -> list[dict[str, object]]:
    result = run_query(target, sparql)
    return sorted(
        (
            {
                v: _cell(Literal(str(t)))
                for v, t in zip(result.variables, row, strict=True)
                if t is not None
            }
            for row in result.rows
        ),
        key=repr,
    )


@pytest.mark.parametrize("which", ["with the ontology", "without it"])
@pytest.mark.slow
def test_serve_answers_from_a_store(which: str, store_path: Path, bare_store: Path) -> None:
    path = store_path if which == "with the ontology" else bare_store
    sparql = load_named_query("clause-counts-by-group").sparql
    with make_server(path, workers=1) as server:
        served = _served_rows(server, sparql)
        with open_store_read_only(store_path) as store:
            assert served == _local_rows(store.ox, sparql)
        assert any(str(row["group"]).endswith("Licensing") for row in served)


def test_serve_refuses_a_folder_that_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="not a kg store"):
        make_server(tmp_path)
