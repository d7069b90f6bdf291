from __future__ import annotations

import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, XSD

from kg.errors import GraphError
from kg.rdf.graphs import (
    _sort_prefix_lines,
    load_graph,
    new_graph,
    triple_count,
    turtle_bytes,
    typed_triples,
    write_atomic,
    write_turtle,
)
from kg.rdf.iris import iri_for, slugify
from kg.rdf.vocab import DK


def _sample() -> Graph:
    graph = new_graph()
    org = iri_for("org", "acme-robotics")
    graph.add((org, RDF.type, DK.Organization))
    graph.add((org, RDFS.label, Literal('Acme "Robotics" \\ Inc.\n@prefix x: <y> .')))
    graph.add((iri_for("clause", "c1"), DK.percentage, Literal(Decimal("27.5"))))
    return graph


def test_store_is_oxigraph() -> None:
    assert type(new_graph().store).__name__ == "OxigraphStore"


def test_turtle_is_deterministic_and_reparses_with_two_parsers(tmp_path: Path) -> None:
    first = turtle_bytes(_sample())
    assert first == turtle_bytes(_sample())
    path = tmp_path / "g.ttl"
    write_turtle(_sample(), path)
    assert isomorphic(load_graph(path), _sample())
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == 3
    plain = Graph().parse(data=first.decode(), format="turtle")
    assert len(plain) == 3


def test_prefix_lines_are_sorted() -> None:
    lines = [
        line for line in turtle_bytes(_sample()).decode().splitlines() if line.startswith("@prefix")
    ]
    assert lines == sorted(lines)


def test_load_graph_errors(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="no such graph file"):
        load_graph(tmp_path / "missing.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle <", encoding="utf-8")
    with pytest.raises(GraphError, match="not valid turtle"):
        load_graph(bad)


def test_write_atomic_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "out" / "kg.ttl"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["kg.ttl"]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Borealis Widgets & Co.", "borealis-widgets-co"),
        ("Borealis Therapeutics", "borealis-therapeutics"),
        ("  ACME  ", "acme"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slugify_never_empty_and_distinct_for_non_latin_names() -> None:
    a, b = slugify("東京電力"), slugify("関西電力")
    assert a and b and a != b
    assert len(slugify("x" * 500)) < 80


def test_iri_for_refuses_raw_text_and_unknown_kinds() -> None:
    assert str(iri_for("org", "acme")).endswith("/id/org-acme")
    with pytest.raises(ValueError, match="not a slug"):
        iri_for("org", "<script>")
    with pytest.raises(ValueError, match="unknown IRI kind"):
        iri_for("person", "acme")


def test_write_atomic_gives_ordinary_file_permissions(tmp_path: Path) -> None:
    import os

    target = tmp_path / "kg.ttl"
    write_atomic(target, b"x")
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


# A writer that rewrites one file for ever, each version whole only when complete:
# "version N" lines, then "end N".
_WRITER = """
import sys
from kg.rdf.graphs import write_atomic

path, size = sys.argv[1], int(sys.argv[2])
version = 0
while True:
    version += 1
    line = b"version %d\\n" % version
    write_atomic(path, line * (size // len(line)) + b"end %d\\n" % version)
"""


def _whole(data: bytes) -> bool:
    """Whether *data* is the first file or one complete version of the writer's."""
    if data == b"before\n":
        return True
    lines = data.rstrip(b"\n").split(b"\n")
    version = lines[0].removeprefix(b"version ")
    return lines[-1] == b"end " + version and set(lines[:-1]) == {b"version " + version}


def _kill_while_writing(target: Path, delay: float) -> bool:
    """Start the writer, SIGKILL it *delay* seconds after its first temporary file shows;
    True when the kill landed in the middle of a write."""

    def temporaries() -> set[Path]:
        return set(target.parent.glob(f".{target.name}.*.tmp"))

    left = temporaries()  # what earlier kills left behind
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(target), "16000000"])
    try:
        deadline = time.monotonic() + 60
        while not temporaries() - left:
            assert writer.poll() is None and time.monotonic() < deadline, "the writer never wrote"
            time.sleep(0.001)
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait(30)
    # a killed write leaves its temporary file behind (a finished one renamed it)
    return bool(temporaries() - left)


@pytest.mark.slow
def test_a_killed_write_leaves_the_old_file_or_the_new_one_never_half(tmp_path: Path) -> None:
    target = tmp_path / "kg.ttl"
    target.write_bytes(b"before\n")
    caught = False
    for delay in (0.0, 0.02, 0.1, 0.25):
        caught |= _kill_while_writing(target, delay)
        assert _whole(target.read_bytes()), f"{target} left half written by a kill at +{delay} s"
    assert caught, "no kill landed while the file was being written"
    write_atomic(target, b"after\n")  # what the kills left behind never stops the next write
    assert target.read_bytes() == b"after\n"


def test_typed_triples_are_the_graphs_own_triples() -> None:
    graph = new_graph()
    subject, other = URIRef("urn:ex:s"), BNode("b1")
    graph.add((subject, URIRef("urn:ex:plain"), Literal("plain")))
    graph.add((subject, URIRef("urn:ex:typed"), Literal("typed", datatype=XSD.string)))
    graph.add((subject, URIRef("urn:ex:lang"), Literal("chat", lang="fr")))
    graph.add((subject, URIRef("urn:ex:n"), Literal(7)))
    graph.add((subject, URIRef("urn:ex:b"), other))
    graph.add((other, URIRef("urn:ex:n"), Literal("2024-01-02", datatype=XSD.date)))
    memory = Graph()
    for triple in graph:
        memory.add(triple)
    for source in (graph, memory):
        found = list(typed_triples(source))
        assert len(found) == len(set(found)) == 6
        assert set(found) == set(source)


def test_turtle_of_an_oxigraph_graph_is_the_turtle_of_the_same_triples_elsewhere() -> None:
    # turtle_bytes sorts an Oxigraph-backed graph on Oxigraph's own terms: the order (and
    # so the bytes) must be rdflib's, language tags, datatypes and blank nodes included
    graph = _sample()
    org = iri_for("org", "acme-robotics")
    graph.add((org, RDFS.label, Literal("Acme", lang="en")))
    graph.add((org, RDFS.label, Literal("Acme GmbH", lang="de")))
    graph.add((org, DK.signedOn, Literal("2001-02-03", datatype=XSD.date)))
    graph.add((org, RDFS.comment, Literal("2001-02-03")))
    graph.add((org, DK.evidence, BNode("b1")))
    graph.add((org, RDF.type, DK.Product))
    memory = Graph()
    for triple in graph:
        memory.add(triple)
    assert turtle_bytes(graph) == turtle_bytes(memory)


def _example_triples(count: int) -> list[tuple[URIRef, URIRef, Literal]]:
    return [(URIRef(f"urn:kg:s{i % 7}"), RDFS.label, Literal(f"name {i}")) for i in range(count)]


def test_triple_count_is_the_length_of_a_graph_alone_in_its_store() -> None:
    graph = new_graph()
    assert triple_count(graph) == 0
    for triple in _example_triples(25):
        graph.add(triple)
    graph.add(_example_triples(1)[0])  # the same triple again is still one
    assert triple_count(graph) == len(graph) == 25
    graph.remove((URIRef("urn:kg:s0"), None, None))
    assert triple_count(graph) == len(graph) == 21


def test_triple_count_counts_one_graph_of_a_store_holding_several() -> None:
    graph = new_graph()
    for triple in _example_triples(10):
        graph.add(triple)
    other = Graph(store=graph.store, identifier=URIRef("urn:kg:other"))
    for triple in _example_triples(4):
        other.add(triple)
    default = Graph(store=graph.store, identifier=DATASET_DEFAULT_GRAPH_ID)
    default.add((URIRef("urn:kg:d"), RDFS.label, Literal("in the default graph")))
    assert (triple_count(graph), triple_count(other), triple_count(default)) == (10, 4, 1)
    assert [triple_count(g) for g in (graph, other, default)] == [len(graph), len(other), 1]


def test_triple_count_of_a_graph_in_another_store() -> None:
    graph = Graph()
    for triple in _example_triples(3):
        graph.add(triple)
    assert triple_count(graph) == 3


def _former_sort_prefix_lines(data: bytes) -> bytes:
    """The prefix sort as it was written first (every line split), to compare with."""
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    return b"\n".join(sorted(lines[:n]) + lines[n:])


_TURTLE_LINES = st.lists(
    st.sampled_from(
        [b"@prefix b: <urn:b#> .", b"@prefix a: <urn:a#> .", b"", b"a:x a b:Y .", b"@prefix"]
    )
    | st.binary(max_size=12),
    max_size=8,
)


@given(_TURTLE_LINES)
def test_prefix_lines_sort_as_when_every_line_was_split(lines: list[bytes]) -> None:
    data = b"\n".join(lines)
    assert _sort_prefix_lines(data) == _former_sort_prefix_lines(data)
