"""The import graph of kg: no circle between modules or between stage packages, no shims.

Every import counts, also those inside functions and under ``TYPE_CHECKING``: a lazy
import hides a circle from Python but not from a reader.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "kg"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _owner(name: str) -> str | None:
    """The kg module *name* (a module or a name inside one) belongs to."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imported(module: str, tree: ast.Module) -> Iterator[str]:
    is_package = MODULES[module].name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                anchor = here[: len(here) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
        else:
            continue
        for name in names:
            owner = _owner(name)
            if owner is not None and name.startswith("kg") and owner != module:
                yield owner


@functools.cache
def _tree(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(encoding="utf-8"))


@functools.cache
def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module in MODULES:
        graph.add_edges_from((module, target) for target in _imported(module, _tree(module)))
    return graph


def _stage(module: str) -> str:
    """``kg.extract.orgs`` → ``kg.extract``; a top-level module is its own unit."""
    return ".".join(module.split(".")[:2])


def _cycles(graph: nx.DiGraph) -> list[list[str]]:
    return sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)


def test_the_graph_is_read_from_the_package() -> None:
    graph = import_graph()
    assert graph.number_of_nodes() > 40
    assert ("kg.pipeline", "kg.extract.parallel") in graph.edges


def test_no_module_imports_itself_through_others() -> None:
    assert _cycles(import_graph()) == []


def test_no_circle_between_stage_packages() -> None:
    stages = nx.DiGraph()
    for a, b in import_graph().edges:
        if _stage(a) != _stage(b):
            stages.add_edge(_stage(a), _stage(b))
    assert _cycles(stages) == []


def test_the_stages_import_no_later_stage() -> None:
    """read → extract → resolve → lineage → store: a stage never imports a later one; the
    RDF layer under them imports none of them; and no stage imports the orchestrator or
    the ways the graph is used."""
    order = ["kg.read", "kg.extract", "kg.resolve", "kg.lineage", "kg.store"]
    uses = {"kg.pipeline", "kg.knowledge", "kg.query", "kg.network", "kg.render"}
    uses |= {"kg.export", "kg.serve", "kg.evaluate", "kg.cli"}
    for a, b in import_graph().edges:
        source, target = _stage(a), _stage(b)
        if source in order and target in order:
            assert order.index(target) <= order.index(source), f"{a} imports {b}"
        if source == "kg.rdf":
            assert target not in order, f"{a} imports {b}"
        if source in order or source == "kg.rdf":
            assert target not in uses, f"{a} imports {b}"


def test_no_module_re_exports_another_modules_names() -> None:
    """``from x import name as name`` (a re-export shim) is not how modules are found."""
    shims = [
        f"{module}: {alias.name}"
        for module in MODULES
        for node in ast.walk(_tree(module))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg")
        for alias in node.names
        if alias.asname == alias.name
    ]
    assert shims == []
