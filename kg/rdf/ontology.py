"""The DealKG ontology, concept schemes and SHACL shapes: load them and validate graphs.

The files live in the top-level ``ontology/`` folder of a checkout; a wheel carries the
same folder as ``kg/_ontology`` (``force-include`` in ``pyproject.toml``). The concept
schemes are not copied into built graphs (``ontology/DATA.md``), so validation and
queries add them to the data first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from kg.errors import OntologyError
from kg.rdf.graphs import new_graph, rdflib_rows, to_oxigraph_term, typed_triples
from kg.rdf.shacl import Shapes
from kg.rdf.vocab import PREFIXES, bind_prefixes


def _find_ontology_dir() -> Path:
    # A checkout has ontology/ next to the package; an installed wheel has kg/_ontology.
    package = Path(__file__).resolve().parents[1]
    checkout = package.parent / "ontology"
    if (checkout / CORE_FILE).is_file():
        return checkout
    return package / "_ontology"


CORE_FILE = "dealkg.ttl"
SCHEME_FILES = ("clause-types.ttl", "agreement-types.ttl", "concepts.ttl")
ALIGNMENTS_FILE = "alignments.ttl"
SHAPES_FILE = "shapes/dealkg-shapes.ttl"
ONTOLOGY_DIR = _find_ontology_dir()
"""The folder holding ``dealkg.ttl``, the concept schemes, shapes and named queries."""

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result.

    ``path`` is the property path in SPARQL syntax (``dk:hasParty``, ``^dk:hasClause``)
    or ``None`` for node-level results; ``severity`` is ``"Violation"``, ``"Warning"``
    or ``"Info"``; ``component`` names the SHACL constraint that failed
    (``"sh:MinCountConstraintComponent"``).
    """

    focus_node: Node
    path: str | None
    message: str
    severity: str
    component: str
    value: Node | None = None
    shape: Node | None = None

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.severity}: <{self.focus_node}>{where}: {self.message}"

    def to_dict(self) -> dict[str, str | None]:
        """Plain JSON values (``kg validate --format json``)."""
        return {
            "focus": str(self.focus_node),
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
            "component": self.component,
            "value": str(self.value) if self.value is not None else None,
            "shape": str(self.shape) if self.shape is not None else None,
        }


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of :func:`validate`.

    ``conforms`` is False only when there is a result of severity ``Violation``
    (warnings are allowed). ``violations`` holds every result, errors first, in a stable
    order; ``text`` is a human-readable report (``Conforms: …`` then one line per result).
    """

    conforms: bool
    violations: tuple[Violation, ...]
    text: str

    @property
    def errors(self) -> tuple[Violation, ...]:
        """The results of severity ``Violation``."""
        return tuple(v for v in self.violations if v.severity == "Violation")

    @property
    def warnings(self) -> tuple[Violation, ...]:
        """The results of severity ``Warning``."""
        return tuple(v for v in self.violations if v.severity == "Warning")


def _path(name: str) -> Path:
    path = ONTOLOGY_DIR / name
    if not path.is_file():
        raise OntologyError(
            f"{path}: ontology file missing; reinstall kg or restore the ontology/ folder"
        )
    return path


@functools.lru_cache(maxsize=32)
def _cached_triples(path: Path, mtime_ns: int) -> tuple[Triple, ...]:
    # Parsed once per file version: every caller gets a fresh Graph, but the Turtle
    # of ~1,500 triples is not re-parsed for each query or validation.
    del mtime_ns  # part of the cache key only
    graph = Graph(bind_namespaces="none")
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many types; all mean "not valid Turtle"
        raise OntologyError(f"{path}: not valid Turtle: {exc}") from exc
    return tuple(graph)


def _file_triples(name: str) -> tuple[Triple, ...]:
    path = _path(name)
    return _cached_triples(path, path.stat().st_mtime_ns)


def _graph_of(names: Iterable[str]) -> Graph:
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    for name in names:
        for triple in _file_triples(name):
            graph.add(triple)
    return graph


def ontology_graph() -> Graph:
    """The core ontology plus every concept scheme (not the alignments), in a new Graph.

    :raises OntologyError: when a file is missing or does not parse.
    """
    return _graph_of((CORE_FILE, *SCHEME_FILES))


def concept_schemes_graph() -> Graph:
    """The concept schemes only (clause types, agreement types, statuses, ...)."""
    return _graph_of(SCHEME_FILES)


def alignments_graph() -> Graph:
    """The mappings to FIBO, schema.org, ELI, gist, ODRL and Wikidata (not loaded by default)."""
    return _graph_of((ALIGNMENTS_FILE,))


def shapes_graph() -> Graph:
    """The SHACL shapes (``ontology/shapes/dealkg-shapes.ttl``) in a new Graph."""
    return _graph_of((SHAPES_FILE,))


def ontology_triples() -> tuple[Triple, ...]:
    """The triples of :func:`ontology_graph`, without building a Graph (cached)."""
    return tuple(t for name in (CORE_FILE, *SCHEME_FILES) for t in _file_triples(name))


@functools.lru_cache(maxsize=4)
def _canonical_quads(versions: tuple[int, ...]) -> frozenset[ox.Quad]:
    del versions  # part of the cache key only
    quads: list[ox.Quad] = []
    for name in (CORE_FILE, *SCHEME_FILES):
        try:
            quads += ox.parse(path=str(_path(name)), format=ox.RdfFormat.TURTLE)
        except SyntaxError as exc:
            raise OntologyError(f"{_path(name)}: not valid Turtle: {exc}") from exc
    dataset = ox.Dataset(quads)
    # Parsers give blank nodes random labels; RDFC-1.0 labels them by content, so writing
    # the ontology into a store twice (in two processes) gives identical quads.
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return frozenset(dataset)


def ontology_quads() -> frozenset[ox.Quad]:
    """The triples of :func:`ontology_graph` as default-graph Oxigraph quads.

    Blank nodes carry canonical (RDFC-1.0) labels: the same files always give the same
    quads, which is what lets a store tell whether it holds the current ontology.

    :raises OntologyError: when a file is missing or does not parse.
    """
    names = (CORE_FILE, *SCHEME_FILES)
    return _canonical_quads(tuple(_path(name).stat().st_mtime_ns for name in names))


def holds_ontology(store: ox.Store) -> bool:
    """Whether the default graph of *store* is exactly the current ontology and schemes.

    A store written by an older version of kg, or whose ontology files have changed
    since, does not: its roll-ups and kind look-ups could give other answers.
    """
    wanted = ontology_quads()
    held = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return frozenset(held) == wanted


def with_ontology(graph: Graph) -> Graph:
    """A new Oxigraph graph holding *graph*'s triples plus the ontology and concept schemes."""
    combined = oxigraph_copy(graph)
    combined.addN((s, p, o, combined) for s, p, o in ontology_triples())
    return combined


def oxigraph_copy(graph: Graph) -> Graph:
    """A copy of *graph* in a new Oxigraph-backed graph.

    Goes through N-Triples bytes rather than triple by triple: Oxigraph dumps and
    bulk-loads 200,000 triples in under a second, against six through the rdflib bridge.
    """
    copy = new_graph()
    data = graph.serialize(format="ox-nt", encoding="utf-8")
    copy.parse(data=data, format="ox-nt", transactional=False)
    return copy


ENGINES = ("kg", "pyshacl")
"""The SHACL engines :func:`validate` can run the core constraints with: kg's own
(:mod:`kg.rdf.shacl`, the default) and pySHACL, the reference it is checked against."""


def validate(graph: Graph, *, engine: str = "kg") -> ValidationResult:
    """Validate *graph* against the DealKG shapes.

    The core SHACL constraints run on the data with the concept schemes added
    (``sh:class dk:ClauseType`` needs the scheme instances) and the core ontology's axioms
    (so that ``sh:targetClass dk:Agreement`` also reaches ``dk:DefinitiveAgreement``
    nodes); no inference is run, because RDFS range inference would make ``sh:class``
    checks pass vacuously. *engine* ``"kg"`` (default) checks them with
    :mod:`kg.rdf.shacl`, ``"pyshacl"`` with pySHACL (about ten times slower); both give
    the same report.

    SHACL-SPARQL constraints (``sh:sparql``) are evaluated here in both cases, once per
    constraint over all focus nodes on Oxigraph: pySHACL re-parses the query for every
    focus node (about 0.1 s each), which would take minutes on a graph with thousands of
    mentions. Warnings do not make the graph non-conforming.

    :raises OntologyError: when the ontology or shapes cannot be loaded, the shapes use a
        SHACL feature kg's engine does not check, or *engine* is unknown.
    """
    if engine not in ENGINES:
        raise OntologyError(f"unknown SHACL engine {engine!r}: use one of {', '.join(ENGINES)}")
    shapes = shapes_graph()
    checks = _take_sparql_constraints(shapes)
    if engine == "pyshacl":
        conforms, core = _pyshacl_results(graph, shapes)
    else:
        conforms, core = _kg_results(graph)
    extra = _run_sparql_constraints(checks, graph) if checks else ()
    violations = _sorted((*core, *extra))
    conforms = conforms and not any(v.severity == "Violation" for v in extra)
    return ValidationResult(conforms, violations, _report_text(conforms, violations))


def _kg_results(graph: Graph) -> tuple[bool, list[Violation]]:
    engine, path_texts = _compiled_shapes(*_shapes_version())
    conforms, results = engine.validate(typed_triples(graph), _validation_context())
    return conforms, [
        Violation(
            focus_node=r.focus,
            path=None if r.path is None else path_texts[r.path],
            message="; ".join(sorted(str(m) for m in r.messages)) or "constraint not satisfied",
            severity=_local(r.severity),
            component=compact(r.component),
            value=r.value,
            shape=r.shape,
        )
        for r in results
    ]


def _shapes_version() -> tuple[Path, int]:
    path = _path(SHAPES_FILE)
    return path, path.stat().st_mtime_ns


@functools.lru_cache(maxsize=4)
def _compiled_shapes(path: Path, mtime_ns: int) -> tuple[Shapes, dict[Node, str]]:
    # Compiled once per shapes file version, from the same parsed triples (so the same
    # blank nodes) that shapes_graph() gives pySHACL: both engines name the same shapes.
    del mtime_ns  # part of the cache key only
    shapes = shapes_graph()
    _take_sparql_constraints(shapes)
    engine = Shapes.load(shapes, source=str(path))
    texts = {node: path_text(shapes, node) for node in shapes.objects(None, SH.path)}
    return engine, texts


# pySHACL copies these from the ontology into the data (its "inoculation"): RDFS and OWL
# axioms, not labels in other vocabularies or the schemes' SKOS statements
_AXIOM_NAMESPACES = (str(RDFS), str(OWL))


@functools.lru_cache(maxsize=4)
def _axioms(versions: tuple[int, ...]) -> tuple[Triple, ...]:
    del versions  # part of the cache key only
    schemes = [t for name in SCHEME_FILES for t in _file_triples(name)]
    axioms = [
        (s, p, o)
        for s, p, o in ontology_triples()
        if str(p).startswith(_AXIOM_NAMESPACES)
        or (p == RDF.type and str(o).startswith(_AXIOM_NAMESPACES))
    ]
    return tuple(dict.fromkeys((*schemes, *axioms)))


def _validation_context() -> tuple[Triple, ...]:
    """The concept schemes and the ontology's axioms, added to the data for validation."""
    names = (CORE_FILE, *SCHEME_FILES)
    return _axioms(tuple(_path(name).stat().st_mtime_ns for name in names))


def _pyshacl_results(graph: Graph, shapes: Graph) -> tuple[bool, list[Violation]]:
    """The core constraints checked by pySHACL, on a copy in rdflib's Memory store with the
    concept schemes added (pySHACL is about four times slower through the Oxigraph
    bridge), the core ontology passed as ``ont_graph``."""
    from pyshacl import validate as shacl_validate  # heavy import, only when validating

    shapes = _without_contexts(shapes)
    data = Graph(bind_namespaces="none")
    data.addN((s, p, o, data) for s, p, o in typed_triples(graph))
    for name in SCHEME_FILES:
        data.addN((s, p, o, data) for s, p, o in _file_triples(name))
    try:
        conforms, report, text = shacl_validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology_graph(),
            inference="none",
            allow_warnings=True,
            abort_on_first=False,
            meta_shacl=False,
            advanced=False,
            js=False,
            # *data* is this call's own copy: pySHACL may add the ontology's axioms to it
            # rather than clone it first (a second copy of every triple)
            inplace=True,
        )
    except Exception as exc:  # pySHACL reports broken shapes with its own error types
        raise OntologyError(f"{ONTOLOGY_DIR / SHAPES_FILE}: cannot validate: {exc}") from exc
    if not isinstance(report, Graph):
        raise OntologyError(f"{ONTOLOGY_DIR / SHAPES_FILE}: cannot validate: {text}")
    return bool(conforms), _violations(report)


def _without_contexts(shapes: Graph) -> Graph:
    """*shapes* copied into rdflib's SimpleMemory store, prefixes kept.

    pySHACL reads a shape's triples again each time it validates a value node against it
    (250,000 reads for 300 documents); a store that keeps no graph names per triple answers
    them faster (pySHACL about 15% faster overall), and a shapes graph is one graph.
    """
    copy = Graph(store="SimpleMemory", bind_namespaces="none")
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace)
    copy.addN((s, p, o, copy) for s, p, o in shapes)
    return copy


def _report_text(conforms: bool, violations: tuple[Violation, ...]) -> str:
    lines = [f"Conforms: {conforms}", f"Results ({len(violations)}):"]
    lines += [f"  {v}" for v in violations]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _SparqlCheck:
    """One ``sh:sparql`` constraint of a node shape, lifted out of pySHACL's hands."""

    shape: Node
    constraint: Node
    target_classes: tuple[URIRef, ...]
    select: str
    prefixes: dict[str, str]
    messages: tuple[str, ...]
    severity: str


def _take_sparql_constraints(shapes: Graph) -> list[_SparqlCheck]:
    """Remove every ``sh:sparql`` link from *shapes* and return the constraints."""
    checks = []
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        select = shapes.value(constraint, SH.select)
        targets = tuple(t for t in shapes.objects(shape, SH.targetClass) if isinstance(t, URIRef))
        if select is None or not targets:
            raise OntologyError(
                f"{ONTOLOGY_DIR / SHAPES_FILE}: SPARQL constraint {constraint} needs sh:select "
                "and a node shape with sh:targetClass"
            )
        severity = shapes.value(constraint, SH.severity) or shapes.value(shape, SH.severity)
        checks.append(
            _SparqlCheck(
                shape=shape,
                constraint=constraint,
                target_classes=targets,
                select=str(select),
                prefixes=_declared_prefixes(shapes, constraint),
                messages=tuple(sorted(str(m) for m in shapes.objects(constraint, SH.message))),
                severity=_local(severity) if severity is not None else "Violation",
            )
        )
        shapes.remove((shape, SH.sparql, constraint))
    return checks


def _declared_prefixes(shapes: Graph, constraint: Node) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                prefixes[str(prefix)] = str(namespace)
    return prefixes


def _run_sparql_constraints(checks: list[_SparqlCheck], graph: Graph) -> list[Violation]:
    store, name, blanks = _sparql_target(graph)
    widen = _subclass_closure(graph)  # the ontology's axioms widen sh:targetClass
    found: list[Violation] = []
    for check in checks:
        for this, path, value in _sparql_solutions(store, name, blanks, widen, check):
            found.append(
                Violation(
                    focus_node=this,
                    path=None if path is None else compact(path),
                    message=_fill_message(check, this, path, value),
                    severity=check.severity,
                    component="sh:SPARQLConstraintComponent",
                    value=value,
                    shape=check.shape,
                )
            )
    return found


_GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def _sparql_target(graph: Graph) -> tuple[ox.Store, _GraphName, dict[Node, Node]]:
    """An Oxigraph store holding *graph*'s triples, the graph's name in it, and the blank
    nodes that had to be renamed (Oxigraph's label → the graph's blank node).

    An Oxigraph-backed graph is queried where it is (no copy); another is copied keeping
    its blank node labels, so a result names the graph's own blank nodes.
    """
    inner = getattr(graph.store, "_inner", None)
    if isinstance(inner, ox.Store) and isinstance(graph.identifier, BNode | URIRef):
        name: _GraphName = (
            ox.BlankNode(str(graph.identifier))
            if isinstance(graph.identifier, BNode)
            else ox.NamedNode(str(graph.identifier))
        )
        return inner, name, {}
    renamed: dict[Node, Node] = {}
    labels: dict[Node, ox.BlankNode] = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if not isinstance(node, BNode):
            return to_oxigraph_term(node)
        found = labels.get(node)
        if found is None:
            try:
                found = ox.BlankNode(str(node))
            except ValueError:  # not a label Oxigraph accepts: a fresh one, mapped back
                found = ox.BlankNode()
                renamed[BNode(found.value)] = node
            labels[node] = found
        return found

    store = ox.Store()
    store.bulk_extend(
        ox.Quad(term(s), term(p), term(o), ox.DefaultGraph())  # type: ignore[arg-type]
        for s, p, o in graph
    )
    return store, ox.DefaultGraph(), renamed


def _subclass_closure(graph: Graph) -> Callable[[Iterable[URIRef]], list[Node]]:
    """The classes below some classes along ``rdfs:subClassOf`` (the ontology's axioms and
    the graph's own), the classes included."""
    below: dict[Node, list[Node]] = {}
    axioms = (t for t in ontology_triples() if t[1] == RDFS.subClassOf)
    for sub, _, sup in (*axioms, *graph.triples((None, RDFS.subClassOf, None))):
        below.setdefault(sup, []).append(sub)

    def widen(classes: Iterable[URIRef]) -> list[Node]:
        seen: dict[Node, None] = dict.fromkeys(classes)
        todo = list(seen)
        while todo:
            for sub in below.get(todo.pop(), ()):
                if sub not in seen:
                    seen[sub] = None
                    todo.append(sub)
        return sorted(seen, key=str)

    return widen


def _sparql_solutions(
    store: ox.Store,
    name: _GraphName,
    blanks: dict[Node, Node],
    widen: Callable[[Iterable[URIRef]], list[Node]],
    check: _SparqlCheck,
) -> list[tuple[Node, Node | None, Node | None]]:
    # SHACL pre-binds $this to each focus node; binding it instead to every instance of
    # the target classes (and their subclasses) gives the same solutions in one query.
    inner = re.sub(r"\$this\b", "?this", check.select)
    classes = " ".join(c.n3() for c in widen(check.target_classes))
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(check.prefixes.items()))
    query = (
        f"{prologue}SELECT DISTINCT ?this ?path ?value WHERE {{\n"
        f"  VALUES ?targetClass {{ {classes} }}\n"
        "  ?this a ?targetClass .\n"
        f"  {{ {inner} }}\n}}"
    )
    try:
        solutions = store.query(query, default_graph=name)
    except (SyntaxError, RuntimeError, ValueError, OSError) as exc:
        raise OntologyError(
            f"{ONTOLOGY_DIR / SHAPES_FILE}: SPARQL constraint {check.constraint}: {exc}"
        ) from exc
    assert isinstance(solutions, ox.QuerySolutions)
    rows = [
        tuple(blanks.get(t, t) if t is not None else None for t in row)
        for row in rdflib_rows(solutions)
    ]
    return [(row[0], row[1], row[2]) for row in rows if row[0] is not None]


def _fill_message(check: _SparqlCheck, this: Node, path: Node | None, value: Node | None) -> str:
    text = "; ".join(check.messages) or "SPARQL constraint not satisfied"
    for name, term in (("$this", this), ("?this", this), ("?path", path), ("?value", value)):
        text = text.replace("{" + name + "}", "" if term is None else compact(term))
    return text


_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def _violations(report: Graph) -> list[Violation]:
    # pySHACL also reports the nested results behind an sh:node failure (as sh:detail);
    # the top-level result already names the focus node and the message
    details = set(report.objects(None, SH.detail))
    nodes = [n for n in report.subjects(RDF.type, SH.ValidationResult) if n not in details]
    return [_violation(report, node) for node in nodes]


def _sorted(violations: Iterable[Violation]) -> tuple[Violation, ...]:
    found = list(violations)
    found.sort(
        key=lambda v: (
            _SEVERITY_ORDER.get(v.severity, 3),
            str(v.focus_node),
            v.path or "",
            v.message,
            str(v.value),
            v.component,
            str(v.shape),
        )
    )
    return tuple(found)


def _violation(report: Graph, node: Node) -> Violation:
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    severity = report.value(node, SH.resultSeverity)
    component = report.value(node, SH.sourceConstraintComponent)
    messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
    return Violation(
        focus_node=focus if focus is not None else Literal(""),
        path=None if path is None else path_text(report, path),
        message="; ".join(messages) or "constraint not satisfied",
        severity=_local(severity) if severity is not None else "Violation",
        component=compact(component) if component is not None else "",
        value=report.value(node, SH.value),
        shape=report.value(node, SH.sourceShape),
    )


def _local(term: Node) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def compact(term: Node) -> str:
    """*term* as a prefixed name when a project prefix (or ``sh:``) covers it, else ``<iri>``."""
    text = str(term)
    for prefix, namespace in (*PREFIXES.items(), ("sh", str(SH))):
        local = text.removeprefix(namespace)
        if local != text and local and all(c.isalnum() or c in "-_." for c in local):
            return f"{prefix}:{local}"
    return f"<{text}>" if isinstance(term, URIRef) else text


def path_text(graph: Graph, path: Node) -> str:
    """A SHACL property path node of *graph* in SPARQL property-path syntax."""
    if isinstance(path, URIRef):
        return compact(path)
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + path_text(graph, inverse)
        for predicate, suffix in (
            (SH.zeroOrMorePath, "*"),
            (SH.oneOrMorePath, "+"),
            (SH.zeroOrOnePath, "?"),
        ):
            inner = graph.value(path, predicate)
            if inner is not None:
                return f"({path_text(graph, inner)}){suffix}"
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return (
                "(" + "|".join(path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
            )
        if graph.value(path, RDF.first) is not None:
            return "/".join(path_text(graph, p) for p in Collection(graph, path))
    return str(path)
