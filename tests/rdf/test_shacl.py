"""kg.rdf.shacl, kg's own SHACL engine: pySHACL's report on every graph, and no shape it
cannot check.

Every comparison runs the real pySHACL (``validate(..., engine="pyshacl")``) next to kg's
engine on the same graph and requires the identical ValidationResult: the violations in
order (focus node, path, message, severity, component, value, shape) and the report text.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

import kg.rdf.ontology
from kg.errors import OntologyError
from kg.rdf import vocab
from kg.rdf.graphs import load_graph
from kg.rdf.ontology import (
    ONTOLOGY_DIR,
    ValidationResult,
    concept_schemes_graph,
    ontology_graph,
    shapes_graph,
    validate,
)
from kg.rdf.shacl import Shapes

EXAMPLE = ONTOLOGY_DIR / "examples" / "example.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes" / "dealkg-shapes.ttl"
EX = vocab.ID  # fresh nodes get IRIs in the instance namespace, as kg's own do
_CI = bool(os.environ.get("CI"))


def example() -> Graph:
    graph = Graph()
    graph.parse(EXAMPLE)
    return graph


def same_report(graph: Graph) -> ValidationResult:
    """kg's report on *graph*, after checking that pySHACL's is identical."""
    ours = validate(graph, engine="kg")
    reference = validate(graph, engine="pyshacl")
    if ours != reference:
        only_ours = set(ours.violations) - set(reference.violations)
        only_theirs = set(reference.violations) - set(ours.violations)
        pytest.fail(
            f"kg and pySHACL differ (conforms {ours.conforms} / {reference.conforms}):\n"
            + "".join(f"  only kg: {v!r}\n" for v in only_ours)
            + "".join(f"  only pySHACL: {v!r}\n" for v in only_theirs)
        )
    return ours


# --------------------------------------------------------------------------- real graphs


def test_example_graph_both_ways() -> None:
    assert same_report(example()).violations == ()
    assert same_report(load_graph(EXAMPLE)).violations == ()  # offsets as xsd:integer


def test_seed_build(seed_build: Path) -> None:
    result = same_report(load_graph(seed_build / "kg.ttl"))
    assert result.conforms


def test_golden_seed_graph() -> None:
    same_report(load_graph(Path(__file__).parents[2] / "output" / "kg.ttl"))


@pytest.mark.slow
def test_dev_corpus_build(dev_build: Path) -> None:
    result = same_report(load_graph(dev_build / "kg.ttl"))
    assert result.conforms


# --------------------------------------------------------------------------- every component fires

# The mutations are derived from the shapes file itself: for each shape that reports (a
# node shape with targets and its property shapes) and each of its constraints, the graph
# is changed so that the constraint fails on one focus node. A new constraint in the shapes
# without a mutation here fails test_every_constraint_of_the_shapes_has_a_case.

COMPONENTS: dict[Node, URIRef] = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
}

_SHAPES = shapes_graph()
_CONTEXT = ontology_graph()  # classes and scheme members a value may be taken from


def _reporting_shapes() -> Iterator[tuple[Node, Node]]:
    """(node shape with targets, shape) for the node shape and each of its property shapes."""
    for top in sorted(set(_SHAPES.subjects(SH.targetClass, None)), key=str):
        yield top, top
        for prop in sorted(_SHAPES.objects(top, SH.property), key=str):
            yield top, prop


def _cases() -> list[tuple[Node, Node, Node]]:
    return [
        (top, shape, key)
        for top, shape in _reporting_shapes()
        for key in sorted(set(_SHAPES.predicates(shape)) & set(COMPONENTS), key=str)
    ]


def _case_id(case: tuple[Node, Node, Node]) -> str:
    top, shape, key = case
    path = _SHAPES.value(shape, SH.path)
    where = _SHAPES.qname(str(top)).split(":")[-1]
    if path is not None:
        inverse = _SHAPES.value(path, SH.inversePath)
        where += "-" + ("^" + inverse.n3() if inverse else path.n3()).rsplit("#", 1)[-1]
    if isinstance(shape, URIRef):
        where = _SHAPES.qname(str(shape)).split(":")[-1]
    return f"{where}-{str(key).rsplit('#', 1)[-1]}"


def _subclasses(cls: Node) -> set[Node]:
    return {c for c in _CONTEXT.transitive_subjects(RDFS.subClassOf, cls) if c is not None}


def _instances(graph: Graph, shape: Node) -> list[Node]:
    classes = {c for t in _SHAPES.objects(shape, SH.targetClass) for c in _subclasses(t)}
    return sorted({s for c in classes for s in graph.subjects(RDF.type, c)}, key=str)


class Path_:
    """A property shape's path on the data graph: read and replace a focus node's values."""

    def __init__(self, shape: Node) -> None:
        path = _SHAPES.value(shape, SH.path)
        inverse = _SHAPES.value(path, SH.inversePath) if isinstance(path, BNode) else None
        predicate = inverse if inverse is not None else path
        assert predicate is not None
        self.predicate: Node = predicate
        self.inverse = inverse is not None

    def values(self, graph: Graph, focus: Node) -> list[Node]:
        if self.inverse:
            return sorted(graph.subjects(self.predicate, focus), key=str)
        return sorted(graph.objects(focus, self.predicate), key=str)

    def add(self, graph: Graph, focus: Node, value: Node) -> None:
        graph.add(
            (value, self.predicate, focus) if self.inverse else (focus, self.predicate, value)
        )

    def set(self, graph: Graph, focus: Node, values: list[Node]) -> None:
        for old in self.values(graph, focus):
            triple = (old, self.predicate, focus) if self.inverse else (focus, self.predicate, old)
            graph.remove(triple)
        for value in values:
            self.add(graph, focus, value)

    def sample(self, graph: Graph, shape: Node) -> Node:
        """A value this shape accepts: one the graph uses for the path, else one built from
        the shape's sh:in, sh:datatype or sh:class."""
        for s, o in sorted(graph.subject_objects(self.predicate), key=str):
            return s if self.inverse else o
        listed = _SHAPES.value(shape, SH["in"])
        if listed is not None:
            return next(iter(Collection(_SHAPES, listed)))
        datatype = _SHAPES.value(shape, SH.datatype)
        if datatype is not None:
            return _literal_of(datatype, 0)
        cls = _SHAPES.value(shape, SH["class"])
        if cls is not None:
            members = sorted(_CONTEXT.subjects(RDF.type, cls), key=str)
            if members:
                return members[0]
            return sorted(graph.subjects(RDF.type, cls), key=str)[0]
        return EX["sample-value"]


def _literal_of(datatype: Any, n: int) -> Literal:
    if datatype == XSD.date:
        return Literal(date(2030, 1, 1) + timedelta(days=n))
    if datatype == XSD.boolean:
        return Literal(n % 2 == 0)
    if datatype == XSD.decimal:
        return Literal(Decimal(n) / 2)
    if datatype in (XSD.integer, XSD.nonNegativeInteger):
        return Literal(n, datatype=datatype)
    if datatype == XSD.anyURI:
        return Literal(f"https://example.org/{n}", datatype=XSD.anyURI)
    return Literal(f"value {n}", datatype=datatype if datatype != XSD.string else None)


def _variant(value: Node, n: int) -> Node:
    """Another value like *value* (same kind and datatype), different for each *n*."""
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, bool):
            return Literal(not python if n % 2 else python)
        if isinstance(python, date):
            return Literal(python + timedelta(days=n), datatype=value.datatype)
        if isinstance(python, int | Decimal):
            return Literal(python + n, datatype=value.datatype)
        return Literal(f"{value} {n}", datatype=value.datatype, lang=value.language)
    return URIRef(f"{value}-variant-{n}")


def _break_property(graph: Graph, shape: Node, key: Node, focus: Node) -> None:
    """Change *graph* so that the constraint *key* of property shape *shape* fails on *focus*."""
    path = Path_(shape)
    values = path.values(graph, focus)
    param: Any = _SHAPES.value(shape, key)
    if key == SH.minCount:
        path.set(graph, focus, [])
    elif key == SH.maxCount:
        first = values[0] if values else path.sample(graph, shape)
        wanted = int(param) + 1
        extra = [_variant(first, n) for n in range(1, wanted + 1)]
        path.set(graph, focus, [*values, *extra][: max(wanted, len(values))] or extra)
        while len(path.values(graph, focus)) < wanted:
            path.add(graph, focus, _variant(first, len(path.values(graph, focus)) + 7))
    elif key == SH["class"]:
        path.add(graph, focus, EX["node-of-no-class"])
    elif key == SH.datatype:
        path.add(graph, focus, Literal(42) if param == XSD.string else Literal("forty-two"))
    elif key == SH.nodeKind:
        path.add(graph, focus, Literal("a literal, not a node"))
    elif key == SH["in"]:
        path.add(graph, focus, EX["not-listed"])
    elif key in (SH.minInclusive, SH.maxInclusive):
        step = -1 if key == SH.minInclusive else 1
        path.set(graph, focus, [Literal(param.toPython() + step, datatype=param.datatype)])
    elif key == SH.pattern:
        candidates = ["lower case", "!", "12345", "A"]
        bad = next(c for c in candidates if not re.search(str(param), c))
        path.set(graph, focus, [Literal(bad)])
    elif key in (SH.lessThan, SH.lessThanOrEquals):
        sample = values[0] if values else path.sample(graph, shape)
        high, low = _variant(sample, 30), _variant(sample, 10)
        path.set(graph, focus, [high])
        graph.set((focus, param, low))
    elif key == SH.hasValue:
        path.set(graph, focus, [v for v in values if v != param])
    elif key == SH["or"]:
        # the alternatives here are datatypes: a plain string fails every one
        path.set(graph, focus, [Literal("neither alternative")])
    elif key == SH.node:
        # a fresh node of the right class, with none of the properties the node shape asks for
        fresh = EX["fresh-concept"]
        for cls in _SHAPES.objects(shape, SH["class"]):
            graph.add((fresh, RDF.type, cls))
        path.set(graph, focus, [fresh])
    else:
        raise AssertionError(f"no mutation for {key} on a property shape")


def _break_node(graph: Graph, shape: Node, key: Node, focus: Node) -> None:
    """Change *graph* so that the constraint *key* of node shape *shape* fails on *focus*."""
    if key == SH["not"]:
        negated = _SHAPES.value(shape, SH["not"])
        cls = _SHAPES.value(negated, SH["class"])
        assert cls is not None, "mutations know sh:not of an sh:class only"
        graph.add((focus, RDF.type, cls))
    elif key == SH["or"]:
        listed: Any = _SHAPES.value(shape, SH["or"])
        for alternative in Collection(_SHAPES, listed):
            inner = sorted(set(_SHAPES.predicates(alternative)) & set(COMPONENTS), key=str)
            assert _SHAPES.value(alternative, SH.path) is not None and inner
            _break_property(graph, alternative, inner[0], focus)
    else:
        raise AssertionError(f"no mutation for {key} on a node shape")


def _broken(case: tuple[Node, Node, Node]) -> tuple[Graph, Node]:
    top, shape, key = case
    graph = example()
    instances = _instances(graph, top)
    assert instances, f"the example has no focus node for {top}"
    focus = instances[len(instances) // 2]
    if shape == top:
        _break_node(graph, shape, key, focus)
    else:
        _break_property(graph, shape, key, focus)
    return graph, focus


CASES = _cases()


def test_every_constraint_of_the_shapes_has_a_case() -> None:
    # every shape that reports, and every constraint parameter on it, is in CASES; the keys
    # kg's engine implements all have a mutation (COMPONENTS)
    assert len(CASES) > 120
    constraint_keys = {k for _, _, k in CASES}
    assert constraint_keys == set(COMPONENTS) - {SH.hasValue}  # sh:hasValue only nested
    nested_keys = {
        k
        for s in _SHAPES.subjects()
        for k in _SHAPES.predicates(s)
        if k in COMPONENTS and s not in {shape for _, shape, _ in CASES}
    }
    assert SH.hasValue in nested_keys  # fires inside sh:node and sh:or (cases below)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_each_constraint_fires_the_same_in_both_engines(case: tuple[Node, Node, Node]) -> None:
    graph, focus = _broken(case)
    result = same_report(graph)
    _, shape, key = case
    fired = {(v.focus_node, v.shape, v.component) for v in result.violations}
    assert (focus, shape, kg.rdf.ontology.compact(COMPONENTS[key])) in fired, result.text


def test_all_mutations_at_once() -> None:
    # the mutations interfere (a value removed by one, retyped by another): still one report
    graph = example()
    for case in CASES[::3]:
        part, _ = _broken(case)
        graph += part - example()
    result = same_report(graph)
    assert len(result.errors) > 30


# --------------------------------------------------------------------------- random damage

_EXAMPLE_TRIPLES = sorted(example(), key=lambda t: tuple(map(str, t)))
_NODES = sorted({t[0] for t in _EXAMPLE_TRIPLES}, key=str)
_CLASSES = sorted({t[2] for t in _EXAMPLE_TRIPLES if t[1] == RDF.type}, key=str)
_ODD_VALUES: list[Node] = [
    Literal("text"),
    Literal("text", lang="en"),
    Literal(-1),
    Literal(7, datatype=XSD.nonNegativeInteger),
    Literal("-3", datatype=XSD.nonNegativeInteger),  # ill-typed
    Literal("not a date", datatype=XSD.date),  # ill-typed
    Literal(date(1999, 12, 31)),
    Literal("2040-02-29T10:00:00", datatype=XSD.dateTime),
    Literal(Decimal("100.5")),
    Literal(Decimal("0")),
    Literal(1.5),
    Literal(True),
    Literal("USD"),
    Literal("usd", datatype=XSD.string),
    Literal("https://example.org/", datatype=XSD.anyURI),
    vocab.DKDP.Year,
    sorted(concept_schemes_graph().subjects(RDF.type, vocab.DK.ClauseType), key=str)[0],
    sorted(concept_schemes_graph().subjects(RDF.type, vocab.DK.AgreementType), key=str)[0],
    EX["stranger"],
    BNode("stranger-blank"),
]


def _damage(graph: Graph, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
    triples = sorted(graph, key=lambda t: tuple(map(str, t)))
    kind = draw(st.sampled_from(["remove", "copy", "retype", "odd", "move", "type"]))
    s, p, o = draw(st.sampled_from(triples))
    if kind == "remove":
        graph.remove((s, p, o))
    elif kind == "copy":  # the same value on another node: duplicates, wrong classes
        graph.add((draw(st.sampled_from(_NODES)), p, o))
    elif kind == "retype" and isinstance(o, Literal):
        datatype = draw(st.sampled_from([XSD.string, XSD.integer, XSD.date, XSD.decimal]))
        graph.remove((s, p, o))
        graph.add((s, p, Literal(str(o), datatype=datatype)))
    elif kind == "odd":  # a literal of another kind, a stranger, a blank node
        graph.remove((s, p, o))
        graph.add((s, p, draw(st.sampled_from(_ODD_VALUES))))
    elif kind == "move":  # another value of the same property: dates out of order, ...
        others = sorted({v for v in graph.objects(None, p)}, key=str)
        graph.remove((s, p, o))
        graph.add((s, p, draw(st.sampled_from(others))))
    elif kind == "type":
        graph.add((s, RDF.type, draw(st.sampled_from(_CLASSES))))


@settings(
    max_examples=30,
    deadline=None,
    derandomize=_CI,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_randomly_damaged_graphs_get_the_same_report(data: st.DataObject) -> None:
    graph = example()
    for _ in range(data.draw(st.integers(1, 12))):
        _damage(graph, data.draw)
    try:
        ours = validate(graph, engine="kg")
    except OntologyError as exc:  # a blank node under sh:lessThan: pySHACL refuses it too
        with pytest.raises(OntologyError):
            validate(graph, engine="pyshacl")
        assert "cannot validate" in str(exc)
        return
    assert ours == same_report(graph)


# --------------------------------------------------------------------------- refused shapes

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

REFUSED = [
    ("target-node", "ex:S sh:targetNode ex:a ; sh:message 'm' .", "sh:targetNode"),
    (
        "qualified",
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ ] ; "
        "sh:qualifiedMinCount 1 ; sh:message 'm' ] .",
        "sh:qualifiedMinCount",
    ),
    ("closed", "ex:S sh:targetClass ex:C ; sh:closed true ; sh:message 'm' .", "sh:closed"),
    ("and", "ex:S sh:targetClass ex:C ; sh:and ( [ sh:datatype xsd:string ] ) .", "sh:and"),
    (
        "sequence-path",
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ; "
        "sh:message 'm' ] .",
        "a path other than an IRI",
    ),
    (
        "flags",
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern 'a' ; "
        "sh:flags 'i' ; sh:message 'm' ] .",
        "sh:flags",
    ),
    (
        "no-message",
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "no sh:message",
    ),
    (
        "deactivated",
        "ex:S sh:targetClass ex:C ; sh:deactivated true ; sh:message 'm' .",
        "sh:deactivated",
    ),
    (
        "recursive",
        "ex:S sh:targetClass ex:C ; sh:message 'm' ; sh:property [ sh:path ex:p ; sh:node ex:S ; "
        "sh:message 'm' ] .",
        "recursive",
    ),
    (
        "custom-severity",
        "ex:S sh:targetClass ex:C ; sh:severity ex:Bad ; sh:message 'm' .",
        "severity",
    ),
    (
        "sparql-left-in",
        "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT $this {}' ] .",
        "sh:sparql",
    ),
    (
        "unknown-key",
        "ex:S sh:targetClass ex:C ; sh:uniqueLang true ; sh:message 'm' .",
        "sh:uniqueLang",
    ),
    (
        "count-on-node-shape",
        "ex:S sh:targetClass ex:C ; sh:minCount 1 ; sh:message 'm' .",
        "sh:minCount on a node shape",
    ),
]


@pytest.mark.parametrize(
    ("turtle", "fragment"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_unsupported_shapes_are_refused_at_load(turtle: str, fragment: str) -> None:
    graph = Graph().parse(data=PREFIXES + turtle, format="turtle")
    with pytest.raises(OntologyError, match=re.escape(fragment)) as caught:
        Shapes.load(graph, source="test-shapes.ttl")
    assert "test-shapes.ttl" in str(caught.value)
    assert "--engine pyshacl" in str(caught.value)  # says what to do


def test_the_project_shapes_load() -> None:
    shapes = shapes_graph()
    kg.rdf.ontology._take_sparql_constraints(shapes)
    assert len(Shapes.load(shapes).top) == len(set(shapes.subjects(SH.targetClass, None)))


def test_validate_refuses_a_shapes_file_with_an_unsupported_feature(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    copy = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, copy)
    shapes = copy / "shapes" / "dealkg-shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    shapes.write_text(
        text.replace(
            "dksh:ProductShape a sh:NodeShape ;",
            "dksh:ProductShape a sh:NodeShape ; sh:closed true ;",
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(kg.rdf.ontology, "ONTOLOGY_DIR", copy)
    with pytest.raises(OntologyError, match=r"dealkg-shapes\.ttl: .*ProductShape.*sh:closed"):
        validate(example())
    # the reference still checks it (rdf:type is no property the shape names)
    assert validate(example(), engine="pyshacl").violations


def test_unknown_engine_is_an_error() -> None:
    with pytest.raises(OntologyError, match="unknown SHACL engine 'rudof'"):
        validate(example(), engine="rudof")


@pytest.mark.parametrize("load", [example, lambda: load_graph(EXAMPLE)], ids=["memory", "oxigraph"])
def test_a_blank_node_in_a_result_is_the_graphs_own(load: Callable[[], Graph]) -> None:
    # the SPARQL constraints used to run on a re-parsed copy that renamed blank nodes, so
    # a result named a blank node the graph does not hold (and another on each run)
    graph = load()
    agreement = URIRef(str(EX) + "agreement-acme-borealis-2024")
    holder = BNode("holder")
    graph.add((agreement, vocab.DK.acquirer, holder))
    result = same_report(graph)
    values = {v.value for v in result.violations if v.component == "sh:SPARQLConstraintComponent"}
    assert values == {holder}
    assert (agreement, vocab.DK.acquirer, holder) in graph


def test_engine_keeps_the_data_graph_unchanged() -> None:
    graph = example()
    before = set(graph)
    validate(graph)
    assert set(graph) == before and len(concept_schemes_graph()) > 0
