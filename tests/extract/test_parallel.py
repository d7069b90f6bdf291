"""Extraction on worker processes gives exactly the sequential result, in input order."""

from __future__ import annotations

import pytest
from rdflib.compare import isomorphic

from kg.errors import KGError
from kg.extract.documents import extract_documents
from kg.extract.parallel import extract_parallel, iter_extractions
from kg.models import Document
from kg.options import BuildOptions
from kg.pipeline import build_documents

_PARTIES = (
    ("Acme Robotics Inc.", "Borealis Therapeutics"),
    ("Cinder Materials Ltd.", "Delta Quarry Group"),
    ("Ember Foods Ltd.", "Fjord Analytics AG"),
    ("Borealis Therapeutics", "Gantry Logistics plc"),
)
_TEMPLATES = (
    "{a} signed a licensing agreement with {b} on March {day}, 2025. {b} will pay {a} an "
    "upfront payment of ${amount} million and royalties of {pct}% through 2031.",
    "{a} agreed to acquire {b} for ${amount} million in cash. The deal is expected to close "
    "in the second quarter of 2026.",
    "{a} and {b} announced a supply agreement worth ${amount} million on June {day}, 2024. "
    "The agreement grants {b} exclusive rights in Europe.",
)


def _documents(count: int) -> list[Document]:
    documents = []
    for n in range(count):
        a, b = _PARTIES[n % len(_PARTIES)]
        text = _TEMPLATES[n % len(_TEMPLATES)].format(
            a=a, b=b, day=n % 27 + 1, amount=10 + n, pct=n % 9 + 2
        )
        documents.append(Document(id=f"doc-{n:016x}", text=text, source=f"generated-{n}"))
    return documents


@pytest.mark.slow
def test_two_workers_give_the_same_graph_as_one() -> None:
    documents = _documents(20)
    sequential, tokens = extract_documents(documents)
    parallel = extract_parallel(documents, workers=2, chunk_size=3)
    assert [e.document.id for e in parallel] == [d.id for d in documents]
    assert parallel == sequential
    assert sum(e.tokens for e in parallel) == tokens
    one = build_documents(documents).graph
    two = build_documents(documents, BuildOptions(workers=2)).graph
    assert len(one) > 100
    assert isomorphic(one, two)


def test_progress_counts_every_document_once() -> None:
    documents = _documents(5)
    seen: list[int] = []
    extract_parallel(documents, workers=1, progress=lambda done, _total: seen.append(done))
    assert seen == [1, 2, 3, 4, 5]


@pytest.mark.slow
def test_iter_extractions_streams_a_generator() -> None:
    documents = _documents(4)
    streamed = list(iter_extractions(iter(documents), workers=2, chunk_size=1))
    assert [e.document.id for e in streamed] == [d.id for d in documents]


def test_workers_must_be_positive() -> None:
    with pytest.raises(KGError, match="at least 1"):
        extract_parallel(_documents(1), workers=0)
