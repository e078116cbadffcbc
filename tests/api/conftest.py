"""Fixtures of the API tests: the app over the test store, and the same with the use-case fixtures loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore
from tests.helpers import FIXTURES, load


@pytest.fixture
def api(store: GraphStore, keys: KeyStore) -> Iterator[TestClient]:
    """The app over the test store (each backend), with its lifespan run."""
    with TestClient(create_app(store=store, keys=keys)) as client:
        yield client


@pytest.fixture
def client(store: GraphStore, api: TestClient) -> TestClient:
    """The app over a store holding tests/fixtures/usecases."""
    load(store, FIXTURES / "usecases")
    return api
