"""The Settings an entry point is given are the ones everything below it uses: the store's page cache and
Neo4j login and pool, the key file, the read policy and the limits. The environment is read only by the
entry points (the CLI's commands, `caleido keys`, `create_app` when given no Settings)."""

from __future__ import annotations

import ast
import socket
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import caleido
from caleido.api.app import create_app
from caleido.errors import StoreError, StoreUnavailable
from caleido.graph.embedded import EmbeddedStore
from caleido.settings import Settings
from tests.neo4j_server import Neo4jServer, neo4j_server

ENTRY_POINTS = {"settings.py", "cli.py", "api/app.py", "api/keys_cli.py"}


@pytest.fixture
def other_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An environment that disagrees with the Settings each test hands in."""
    monkeypatch.setenv("CALEIDO_EMBEDDED_BUFFER_POOL_MB", "32")
    monkeypatch.setenv("CALEIDO_KEYS_FILE", str(tmp_path / "from-the-environment.sqlite3"))
    monkeypatch.setenv("CALEIDO_REQUIRE_KEY_FOR_READS", "false")
    monkeypatch.setenv("CALEIDO_NEO4J_CONNECTION_TIMEOUT", "30")
    monkeypatch.setenv("CALEIDO_NEO4J_ACQUISITION_TIMEOUT", "60")
    monkeypatch.setenv("NEO4J_USER", "user-from-the-environment")


def test_create_app_opens_the_store_and_key_file_its_settings_name(tmp_path: Path, other_environment: None) -> None:
    settings = Settings(
        store=f"embedded:{tmp_path / 'store'}",
        embedded_buffer_pool_mb=64,
        keys_file=tmp_path / "given.sqlite3",
        require_key_for_reads=True,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        store = app.state.store.inner  # served with its SPARQL copy kept in step (caleido.sparql)
        assert isinstance(store, EmbeddedStore) and store.buffer_pool_mb == 64
        assert store.folder == tmp_path / "store"
        assert app.state.keys.path == tmp_path / "given.sqlite3"
        assert client.get("/api/v1/model").status_code == 401  # the given read policy, not the environment's
    assert not (tmp_path / "from-the-environment.sqlite3").exists()


def test_create_app_hands_its_neo4j_timeouts_to_the_driver(other_environment: None) -> None:
    # A socket that accepts TCP connections but never speaks Bolt: only the given timeouts end the wait
    # within seconds; the environment's would hold it for a minute.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings = Settings(
            store=f"bolt://127.0.0.1:{silent.getsockname()[1]}",
            neo4j_connection_timeout=1,
            neo4j_acquisition_timeout=2,
        )
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="cannot reach Neo4j"), TestClient(create_app(settings)):
            pass
        assert time.monotonic() - started < 10


@pytest.fixture
def neo4j_login() -> Neo4jServer:
    """The test server's login, read before other_environment changes NEO4J_USER."""
    return neo4j_server()


@pytest.mark.neo4j
def test_create_app_logs_in_to_neo4j_as_its_settings_say(
    tmp_path: Path, neo4j_login: Neo4jServer, other_environment: None
) -> None:
    server = neo4j_login
    given = Settings(
        store=server.uri,
        neo4j_user=server.user,
        neo4j_password=server.password,
        neo4j_database=server.database,
        keys_file=tmp_path / "keys.sqlite3",
    )
    with TestClient(create_app(given)) as client:
        assert client.get("/readyz").status_code == 200
    wrong = given.model_copy(update={"neo4j_user": "someone-configured"})
    with pytest.raises(StoreError, match="refused the login of user 'someone-configured'"):
        with TestClient(create_app(wrong)):
            pass


def test_only_the_entry_points_read_the_environment() -> None:
    package = Path(caleido.__file__).parent
    readers = []
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func if isinstance(node, ast.Call) else None
            reads = (
                (isinstance(called, ast.Name) and called.id in {"get_settings", "Settings", "getenv"})
                or (isinstance(called, ast.Attribute) and called.attr in {"get_settings", "getenv"})
                or (isinstance(node, ast.Attribute) and node.attr == "environ")
            )
            if reads and name not in ENTRY_POINTS:
                readers.append(f"{name}:{node.lineno}")
    assert readers == []
