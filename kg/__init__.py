"""kg: build knowledge graphs of corporate deals from news articles and press releases.

>>> from kg import build
>>> kg = build(["seeds/"])          # doctest: +SKIP
>>> kg.write_turtle("output/kg.ttl")  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from kg.errors import KGError

if TYPE_CHECKING:
    from kg.knowledge import GraphStats, KnowledgeGraph
    from kg.options import BuildOptions
    from kg.pipeline import build, build_documents, ingest_into
    from kg.read.documents import read_documents

__all__ = [
    "BuildOptions",
    "GraphStats",
    "KGError",
    "KnowledgeGraph",
    "build",
    "build_documents",
    "ingest_into",
    "read_documents",
]

# Imported on first use: the pipeline pulls in spaCy (about a second), which commands
# that only read a graph or a store never need.
_LAZY = {
    "GraphStats": "kg.knowledge",
    "KnowledgeGraph": "kg.knowledge",
    "BuildOptions": "kg.options",
    "build": "kg.pipeline",
    "build_documents": "kg.pipeline",
    "ingest_into": "kg.pipeline",
    "read_documents": "kg.read.documents",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
