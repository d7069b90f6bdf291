"""kg: build knowledge graphs of corporate deals from news articles and press releases.

>>> from kg import build
>>> kg = build(["seeds/"])          # doctest: +SKIP
>>> kg.write_turtle("output/kg.ttl")  # doctest: +SKIP
"""

from __future__ import annotations

from kg.errors import KGError
from kg.knowledge import GraphStats, KnowledgeGraph
from kg.pipeline import build
from kg.read import read_documents

__all__ = ["GraphStats", "KGError", "KnowledgeGraph", "build", "read_documents"]
