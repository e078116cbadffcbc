"""Shared fixtures. Stores are real: an on-disk Ladybug database per test (never ':memory:',
see TECH-NOTES A.3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from caleido.graph.embedded import EmbeddedStore
from caleido.graph.store import GraphStore
from caleido.loaders.load import LoadReport, load_paths

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
BAD = FIXTURES / "bad"
TEST_AGENT = "test-suite"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GraphStore]:
    opened = EmbeddedStore(tmp_path / "store")
    yield opened
    opened.close()


@pytest.fixture
def mini_store(store: GraphStore) -> GraphStore:
    load_paths(store, [MINI], TEST_AGENT)
    return store


def load(store: GraphStore, *paths: Path) -> LoadReport:
    return load_paths(store, list(paths), TEST_AGENT)
