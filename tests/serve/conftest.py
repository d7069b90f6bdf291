"""Fixtures of the endpoint tests: a listener on 127.0.0.1, a store of real articles."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.pipeline import ingest
from kg.store.directory import open_store

sys.path.insert(0, str(Path(__file__).parent))
from serving import ARTICLES, Listener  # noqa: E402


@pytest.fixture(scope="session")
def listener() -> Iterator[Listener]:
    server = Listener()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def article_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding two real articles (one named graph each); don't modify it."""
    root = tmp_path_factory.mktemp("served-store")
    inputs = []
    for name, text in ARTICLES.items():
        (root / name).write_text(text + "\n", encoding="utf-8")
        inputs.append(root / name)
    with open_store(root / "store") as store:
        ingest(store, inputs)
    return root / "store"
