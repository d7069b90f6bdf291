"""Exports: every RDF format parses back to the same graph; network and CSV files read back."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.errors import GraphError
from kg.export import ENTITIES_GRAPH, FORMATS, export_graph, named_graphs
from kg.rdf.graphs import load_graph, new_graph
from kg.rdf.vocab import DK, ID

# rdflib 7 warns about its own internal use of ConjunctiveGraph in the TriG/N-Quads/JSON-LD parsers
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning"
)

FIXTURE = Path(__file__).parent / "fixtures" / "export" / "deals.ttl"
DOC_1 = ID["doc-aaaa000000000001"]
DOC_2 = ID["doc-bbbb000000000002"]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph(FIXTURE)


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lost = sorted(only_expected.serialize(format="nt").splitlines())
        gained = sorted(only_actual.serialize(format="nt").splitlines())
        pytest.fail(f"graphs differ\nmissing: {lost[:10]}\nextra: {gained[:10]}")


def reparse(path: Path, rdf_format: str) -> Graph:
    # parse into the Oxigraph store like the source, so literals compare alike
    graph = new_graph()
    graph.parse(path, format=rdf_format)
    return graph


def read_dataset(path: Path, rdf_format: str) -> tuple[dict[str, Graph], Graph]:
    dataset = Dataset()
    dataset.parse(path, format=rdf_format)
    parts: dict[str, Graph] = {}
    union = new_graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        assert g is not None
        name = str(g.identifier) if isinstance(g, Graph) else str(g)
        parts.setdefault(name, new_graph()).add((s, p, o))
        union.add((s, p, o))
    return parts, union


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")],
)
def test_single_graph_formats_round_trip(
    graph: Graph, tmp_path: Path, fmt: str, rdf_format: str
) -> None:
    out = tmp_path / f"graph.{fmt}"
    stats = export_graph(graph, fmt, out)
    assert stats.files == (out,)
    assert stats.triples == len(graph) == 133
    assert_isomorphic(graph, reparse(out, rdf_format))


@pytest.mark.parametrize(("fmt", "rdf_format"), [("nquads", "nquads"), ("trig", "trig")])
def test_dataset_formats_have_one_graph_per_document(
    graph: Graph, tmp_path: Path, fmt: str, rdf_format: str
) -> None:
    out = tmp_path / f"graph.{fmt}"
    stats = export_graph(graph, fmt, out)
    parts, union = read_dataset(out, rdf_format)
    assert_isomorphic(graph, union)
    assert sorted(parts) == sorted([str(DOC_1), str(DOC_2), str(ENTITIES_GRAPH)])
    assert stats.graphs == 3
    # the named graphs partition the triples: no triple is in two graphs
    assert sum(len(part) for part in parts.values()) == len(graph)


def test_named_graph_placement(graph: Graph) -> None:
    split = named_graphs(graph)
    doc1, doc2, shared = split[DOC_1], split[DOC_2], split[ENTITIES_GRAPH]
    agreement_1 = ID["agreement-acme-robotics-borealis-therapeutics-investment"]
    agreement_2 = ID["agreement-cinder-grid-borealis-therapeutics-supply"]
    assert (DOC_1, None, None) in doc1 and (DOC_2, None, None) in doc2
    assert (agreement_1, DK.hasAmount, ID["amount-acme-borealis-250m"]) in doc1
    assert (ID["amount-acme-borealis-250m"], None, None) in doc1
    assert (ID["clause-cinder-borealis-non-exclusivity"], None, None) in doc2
    assert (agreement_2, None, None) in doc2 and (agreement_2, None, None) not in doc1
    assert (ID["mention-bbbb000000000002-0-16"], None, None) in doc2
    # Borealis is named in both documents; it lives once, in the shared graph
    borealis = ID["org-borealis-therapeutics"]
    assert (borealis, None, None) in shared
    assert (borealis, None, None) not in doc1 and (borealis, None, None) not in doc2


def test_trig_names_graphs_after_documents(graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "graph.trig"
    export_graph(graph, "trig", out)
    text = out.read_text(encoding="utf-8")
    assert "dkid:doc-aaaa000000000001 {" in text
    assert "dkid:graph-entities {" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_are_deterministic(graph: Graph, tmp_path: Path, fmt: str) -> None:
    # a graph with the same triples added in reverse order must give the same bytes
    shuffled = new_graph()
    for triple in sorted(graph, key=str, reverse=True):
        shuffled.add(triple)
    first = export_graph(graph, fmt, tmp_path / "a" / f"out.{fmt}")
    second = export_graph(shuffled, fmt, tmp_path / "b" / f"out.{fmt}")
    assert len(first.files) == len(second.files) > 0
    for a, b in zip(first.files, second.files, strict=True):
        assert a.name == b.name
        assert a.read_bytes() == b.read_bytes()


def test_jsonld_uses_the_shipped_context(graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonld"
    export_graph(graph, "jsonld", out)
    text = out.read_text(encoding="utf-8")
    assert '"dk": "https://w3id.org/dealkg/ontology#"' in text
    assert '"hasParty": [' in text  # compacted with the context's terms
    assert "https://w3id.org/dealkg/ontology#hasParty" not in text.split('"@graph"')[1]


def test_graphml_reads_back_with_networkx(graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "graph.graphml"
    stats = export_graph(graph, "graphml", out)
    read = nx.read_graphml(out, force_multigraph=True)
    assert read.is_directed()
    assert read.number_of_nodes() == stats.nodes > 0
    assert read.number_of_edges() == stats.edges > 0
    assert str(ID["org-borealis-therapeutics"]) in read
    assert all(node for node in read.nodes)


def test_gexf_parses(graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "graph.gexf"
    stats = export_graph(graph, "gexf", out)
    root = ET.parse(out).getroot()
    ns = {"g": root.tag.split("}")[0].strip("{")}
    assert len(root.findall(".//g:node", ns)) == stats.nodes > 0
    assert len(root.findall(".//g:edge", ns)) == stats.edges > 0
    read = nx.read_gexf(out)
    assert read.number_of_nodes() == stats.nodes


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_csv_tables(graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    stats = export_graph(graph, "csv", out)
    names = sorted(p.name for p in stats.files)
    assert names == [
        "agreements.csv",
        "amounts.csv",
        "clauses.csv",
        "documents.csv",
        "organizations.csv",
    ]
    orgs = read_csv(out / "organizations.csv")
    assert [o["label"] for o in orgs] == ["Acme Robotics", "Borealis Therapeutics", "Cinder Grid"]
    assert orgs[1]["documents"] == "dkid:doc-aaaa000000000001 | dkid:doc-bbbb000000000002"
    agreements = {a["id"]: a for a in read_csv(out / "agreements.csv")}
    supply = agreements["dkid:agreement-cinder-grid-borealis-therapeutics-supply"]
    # references are the other table's ids: the tables join on them, not on labels
    assert supply["supplier"] == "dkid:org-cinder-grid"
    assert supply["customer"] == "dkid:org-borealis-therapeutics"
    assert supply["party_names"] == "Borealis Therapeutics | Cinder Grid"
    assert {o["id"] for o in orgs} >= set(supply["parties"].split(" | "))
    assert supply["agreement_types"] == "Supply"
    assert supply["effective_from"] == "2031-06-01"
    clauses = read_csv(out / "clauses.csv")
    assert sorted(c["clause_type"] for c in clauses) == ["Exclusivity", "NonExclusivity"]
    (amount,) = read_csv(out / "amounts.csv")
    assert (amount["currency"], amount["kind"], amount["of"]) == (
        "USD",
        "InvestmentAmount",
        "dkid:agreement-acme-robotics-borealis-therapeutics-investment",
    )
    assert amount["of"] in agreements
    assert float(amount["value"]) == 250_000_000
    documents = read_csv(out / "documents.csv")
    assert [d["mentions"] for d in documents] == ["5", "3"]
    assert stats.rows == 3 + 2 + 2 + 1 + 2


def test_unknown_format_is_an_error(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="unknown export format 'excel'"):
        export_graph(graph, "excel", tmp_path / "out")


def test_csv_refuses_a_file_as_directory(graph: Graph, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(GraphError, match="directory"):
        export_graph(graph, "csv", target)


def test_graphml_from_an_empty_graph(tmp_path: Path) -> None:
    stats = export_graph(new_graph(), "graphml", tmp_path / "empty.graphml")
    assert (stats.nodes, stats.edges) == (0, 0)
    assert nx.read_graphml(tmp_path / "empty.graphml").number_of_nodes() == 0


def test_literal_escapes_survive_n_triples(tmp_path: Path) -> None:
    tricky = new_graph()
    tricky.parse(
        data='<urn:x:a> <urn:x:p> "line one\\nline \\"two\\" \\\\ done"@en .\n'
        '<urn:x:a> <urn:x:q> "3.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
        format="nt",
    )
    out = tmp_path / "tricky.nt"
    export_graph(tricky, "nt", out)
    assert_isomorphic(tricky, reparse(out, "nt"))
    assert (URIRef("urn:x:a"), None, None) in reparse(out, "nt")


# --- Hostile literals, read back by three parsers ---------------------------------------

# What the RDF syntaxes allow raw but line-oriented readers split on (U+2028, U+2029,
# U+0085, the old TriG bug), beside the escapes every writer must get right.
HOSTILE = 'a\u2028b\u2029c\x85d\ne\rf\tg"h\\i"""j\'k#l @prefix x: <y> . }{ \ufffd\u00e9\U0001f600'
RAPPER_SYNTAX = {"turtle": "turtle", "nt": "ntriples", "nquads": "nquads", "trig": "trig"}
OX_FORMAT = {
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "jsonld": "JSON_LD",
}
RDFLIB_FORMAT = {"turtle": "turtle", "nt": "nt", "nquads": "nquads", "trig": "trig"}
RDFLIB_FORMAT["jsonld"] = "json-ld"


@pytest.fixture(scope="module")
def hostile_graph(graph: Graph) -> Graph:
    from rdflib import Literal
    from rdflib.namespace import DCTERMS, RDFS

    hostile = Graph()
    for triple in graph:
        hostile.add(triple)
    hostile.add((DOC_1, DCTERMS.title, Literal(HOSTILE)))
    hostile.remove((ID["org-acme-robotics"], RDFS.label, None))  # the map shows this one
    hostile.add((ID["org-acme-robotics"], RDFS.label, Literal(HOSTILE)))
    return hostile


@pytest.mark.parametrize("parser", ["rdflib", "pyoxigraph", "rapper"])
@pytest.mark.parametrize("fmt", sorted(OX_FORMAT))
def test_hostile_literals_parse_back_in_every_rdf_export(
    hostile_graph: Graph, tmp_path: Path, fmt: str, parser: str
) -> None:
    import shutil
    import subprocess

    import pyoxigraph as ox

    out = tmp_path / f"kg.{fmt}"
    export_graph(hostile_graph, fmt, out)
    data = out.read_bytes()
    for char in "\u2028\u2029\x85":
        assert char.encode("utf-8") not in data  # escaped, never raw
    if parser == "rdflib":
        dataset = Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMAT[fmt])
        objects = [q[2] for q in dataset.quads((None, None, None, None))]
    elif parser == "pyoxigraph":
        objects = [q.object for q in ox.parse(data, format=getattr(ox.RdfFormat, OX_FORMAT[fmt]))]
        objects = [o.value for o in objects if isinstance(o, ox.Literal)]
    else:
        rapper = shutil.which("rapper")
        if rapper is None:
            pytest.skip("Raptor's rapper is missing (apt-get install raptor2-utils)")
        if fmt not in RAPPER_SYNTAX:
            pytest.skip(f"rapper has no {fmt} parser")
        done = subprocess.run(
            [
                rapper,
                "--quiet",
                "-i",
                RAPPER_SYNTAX[fmt],
                "-o",
                "ntriples",
                "-",
                "http://b.invalid/",
            ],
            input=data,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
        objects = list(Graph().parse(data=done.stdout, format="nt").objects())
    assert sum(str(o) == HOSTILE for o in objects) == 2  # the title and the label


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_hostile_labels_read_back_from_network_exports(
    hostile_graph: Graph, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"kg.{fmt}"
    export_graph(hostile_graph, fmt, out)
    data = out.read_bytes()
    for char in "\u2028\u2029\x85":
        assert char.encode("utf-8") not in data
    read = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    values = {str(v) for _, attrs in read.nodes(data=True) for v in attrs.values()}
    values |= {str(n) for n in read.nodes}
    # XML normalises a raw \r (and \r\n) in text; every other character comes back
    assert any(HOSTILE.replace("\r", "\n") == v or HOSTILE == v for v in values)
