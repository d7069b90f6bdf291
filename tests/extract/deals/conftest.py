"""Helpers shared by the deal extractor's tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.extract.documents import extract_documents
from kg.models import Document, Extraction
from kg.read.base import content_id
from kg.resolve import resolve_extractions

Extract = Callable[..., Extraction]


def extract_text(text: str, published: str | None = "2024-05-10") -> Extraction:
    """The resolved extraction of one invented article."""
    document = Document(id=content_id(text), text=text, source="test.txt", published=published)
    extractions, _ = extract_documents([document])
    return resolve_extractions(extractions)[0]


@pytest.fixture()
def extract() -> Extract:
    """``extract(text, published="2024-05-10")``: the resolved extraction of *text*."""
    return extract_text
