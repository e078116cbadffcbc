"""Shared fixtures. Stores are real: an on-disk Ladybug database per test (never ':memory:',
which lost primary-key lookups after a failed COPY) and a real Neo4j server (NEO4J_URI, tests/neo4j_server.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.store import GraphStore
from caleido.loaders.load import LoadReport, load_paths

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
BAD = FIXTURES / "bad"
TEST_AGENT = "test-suite"
LOAD_TIME = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def open_backend(backend: str, tmp_path: Path) -> GraphStore:
    """An empty store of the given backend: a fresh Ladybug folder, or the test Neo4j wiped."""
    if backend == "embedded":
        return EmbeddedStore(tmp_path / "store")
    from tests.neo4j_server import neo4j_server  # imports the driver only when Neo4j is tested

    server = neo4j_server()
    server.wipe()
    return server.open()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Every store test runs on each backend with the same fixtures (the conformance suite)."""
    opened = open_backend(request.param, tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """One load time, so rows loaded into two stores are equal to the letter."""
    monkeypatch.setattr("caleido.loaders.load.now_utc", lambda: LOAD_TIME)


@pytest.fixture
def mini_store(store: GraphStore, fixed_clock: None) -> GraphStore:
    load_paths(store, [MINI], TEST_AGENT)
    return store


def load(store: GraphStore, *paths: Path) -> LoadReport:
    return load_paths(store, list(paths), TEST_AGENT)


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    """A real key store in a temporary SQLite file."""
    return KeyStore(tmp_path / "keys.sqlite3")


@pytest.fixture
def api(store: GraphStore, keys: KeyStore) -> Iterator[TestClient]:
    """The app over the test store (each backend), with its lifespan run."""
    with TestClient(create_app(store=store, keys=keys)) as client:
        yield client


def bearer(keys: KeyStore, role: str, name: str | None = None) -> dict[str, str]:
    plain, _ = keys.create(name or f"test-{role}", role)
    return {"Authorization": f"Bearer {plain}"}


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """The app under a real uvicorn on a free loopback port, for as long as the block runs; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the test server did not start")
        thread.join(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
