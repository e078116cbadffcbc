"""What tests import: fixture paths, the backends, and helpers that load, authorise and serve. The fixtures
themselves live in the conftest.py files."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

from caleido.api.keys import KeyStore
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.queries import Param, Query
from caleido.graph.schema import node_classes
from caleido.graph.store import GraphStore
from caleido.loaders.copy import copy_store
from caleido.loaders.load import LoadReport, load_paths
from caleido.loaders.sources import SEED_FOLDER

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
BAD = FIXTURES / "bad"
TEST_AGENT = "test-suite"

BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def open_backend(backend: str, tmp_path: Path) -> GraphStore:
    """An empty store of the given backend: a fresh Ladybug folder, or the test Neo4j wiped."""
    if backend == "embedded":
        return EmbeddedStore(tmp_path / "store")
    from tests.neo4j_server import neo4j_server  # imports the driver only when Neo4j is tested

    server = neo4j_server()
    server.wipe()
    return server.open()


@contextmanager
def seeded_store(backend: str, folder: Path) -> Iterator[GraphStore]:
    """The seed in a store of the given backend, closed afterwards (Neo4j: the test server wiped, and the seed
    copied there from an embedded store in `folder`, as `caleido copy` does)."""
    store: GraphStore = EmbeddedStore(folder / "embedded")
    load_paths(store, [SEED_FOLDER], "caleido-seed-curators")
    if backend == "neo4j":
        embedded, store = store, open_backend("neo4j", folder)
        copy_store(embedded, store)
        embedded.close()
    try:
        yield store
    finally:
        store.close()


def load(store: GraphStore, *paths: Path) -> LoadReport:
    return load_paths(store, list(paths), TEST_AGENT)


def agent_of(keys: KeyStore, name: str) -> str:
    """How writes made with the key of this name are signed (key:<id>:<role>)."""
    (info,) = [k for k in keys.list() if k.name == name]
    return info.agent


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


def plain(answer: BaseModel | list[BaseModel] | dict[str, BaseModel]) -> Any:
    """A use case's answer as the API serialises it (dicts keyed by the public names `class`, `from`), so tests
    compare it with plain literals."""
    if isinstance(answer, list):
        return [item.model_dump(by_alias=True) for item in answer]
    if isinstance(answer, dict):
        return {key: item.model_dump(by_alias=True) for key, item in answer.items()}
    return answer.model_dump(by_alias=True)


def query_parameters(query: Query, ids: list[str], **by_name: Any) -> dict[str, Any]:
    """A value for every parameter the query declares, from its kind (the ids given, both statuses, every class,
    no filter, the text "a", the first 1,000 rows), or the one given by name. A new query needs nothing here."""
    by_kind: dict[Param, Any] = {
        Param.IDS: ids,
        Param.NAMES: [cls.name for cls in node_classes()],
        Param.STATUSES: ["accepted", "proposed"],
        Param.TERM: "",
        Param.TEXT: "a",
        Param.FLAG: False,
        Param.SKIP: 0,
        Param.LIMIT: 1000,
    }
    return {name: by_name[name] if name in by_name else by_kind[kind] for name, kind in query.params.items()}
