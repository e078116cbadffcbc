"""Shared fixtures (helpers to import are in tests/helpers.py). Stores are real: an on-disk Ladybug database
per test (never ':memory:', which lost primary-key lookups after a failed COPY) and a real Neo4j server
(NEO4J_URI, tests/neo4j_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore
from tests.helpers import BACKENDS, MINI, load, open_backend

LOAD_TIME = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Every store test runs on each backend with the same fixtures (the conformance suite)."""
    with open_backend(request.param, tmp_path) as opened:
        yield opened


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """One load time, so rows loaded into two stores are equal to the letter."""
    monkeypatch.setattr("caleido.loaders.load.now_utc", lambda: LOAD_TIME)


@pytest.fixture
def mini_store(store: GraphStore, fixed_clock: None) -> GraphStore:
    load(store, MINI)
    return store


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    """A real key store in a temporary SQLite file."""
    return KeyStore(tmp_path / "keys.sqlite3")
