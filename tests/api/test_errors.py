"""One error table (caleido.errors): each error answers with its own status over HTTP, a fault to fix (500)
kept apart from a store to wait for (503 with Retry-After) and from what the client can fix (4xx).

Everything is real: key files and stores in tmp_path, the app made by create_app, HTTP through TestClient.
"""

from __future__ import annotations

import inspect
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from caleido import errors
from caleido.api import problems
from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.errors import CaleidoError, StoreBusy, StoreError, StoreUnavailable
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.neo4j_store import Neo4jStore
from caleido.settings import Settings
from tests.helpers import FIXTURES, bearer, load, serve

PROBLEM = "application/problem+json"
WELL_FORMED_KEY = "cal_abcdefgh_" + "x" * 43
FINDING = {
    "statement": {"en": "A finding sent to a store that cannot take it"},
    "source": {"citation": "Doe, J. (2024). A test study.", "locator": "table 2"},
}
ERRORS = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, CaleidoError)]


def test_every_error_has_a_status_the_openapi_document_explains() -> None:
    # A client reads what each status means from the routes' `responses`; 500 is never declared.
    assert len(ERRORS) >= 14
    for error in ERRORS:
        assert error.status == 500 or error.status in problems._WHEN, error
        assert error.title and error.__doc__, error


def test_a_store_to_wait_for_is_503_with_retry_after_and_a_fault_is_500_without() -> None:
    transient = [e for e in ERRORS if issubclass(e, StoreUnavailable)]
    assert {StoreUnavailable, StoreBusy} <= set(transient)
    assert all(e.status == 503 and e.retry_after for e in transient)
    faults = [e for e in ERRORS if issubclass(e, StoreError) and not issubclass(e, StoreUnavailable)]
    assert {StoreError, errors.KeyStoreError} <= set(faults)
    assert all(e.status == 500 and e.retry_after is None for e in faults)


def test_a_broken_key_file_is_a_500_not_a_503(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = tmp_path / "keys.sqlite3"
    broken.write_bytes(b"this is not an SQLite database\n" * 200)
    with (
        EmbeddedStore(tmp_path / "store") as store,
        TestClient(create_app(store=store, keys=KeyStore(broken))) as client,
    ):
        for response in (
            client.post("/api/v1/findings", json=FINDING, headers={"Authorization": f"Bearer {WELL_FORMED_KEY}"}),
            client.get("/api/v1/model", headers={"X-API-Key": WELL_FORMED_KEY}),
        ):
            assert response.status_code == 500 and response.headers["content-type"] == PROBLEM
            assert "retry-after" not in response.headers
            body = response.json()
            assert body["status"] == 500 and body["title"] == "Store error"
            assert str(broken) not in response.text and "sqlite" not in response.text.lower()  # internals stay in
    assert any(r.levelname == "ERROR" and f"the key file {broken}" in r.getMessage() for r in caplog.records)


def test_a_write_to_a_store_opened_read_only_is_a_500_not_a_503(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    EmbeddedStore(tmp_path / "store").close()
    keys = KeyStore(tmp_path / "keys.sqlite3")
    with (
        EmbeddedStore(tmp_path / "store", read_only=True) as store,
        TestClient(create_app(store=store, keys=keys)) as client,
    ):
        response = client.post("/api/v1/findings", json=FINDING, headers=bearer(keys, "researcher"))
        assert response.status_code == 500, response.text
        assert response.headers["content-type"] == PROBLEM and "retry-after" not in response.headers
        assert "read-only" not in response.text  # logged, not told
        assert any(r.levelname == "ERROR" and "opened read-only" in r.getMessage() for r in caplog.records)
        assert client.get("/readyz").status_code == 200  # reads still answer


def test_a_store_held_by_another_process_is_unavailable() -> None:
    # The embedded store raises StoreBusy when another process owns it (tests/graph/test_embedded_store.py).
    response = problems.problem_for(StoreBusy("the embedded store is in use by another process"))
    assert response.status_code == 503 and response.headers["retry-after"] == str(StoreBusy.retry_after)
    assert b"another process" not in response.body


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_neo4j_is_unavailable_not_a_fault() -> None:
    with pytest.raises(StoreUnavailable, match="cannot reach Neo4j") as caught:
        Neo4jStore(f"bolt://127.0.0.1:{_free_port()}", connection_timeout=2)
    response = problems.problem_for(caught.value)
    assert response.status_code == 503 and int(response.headers["retry-after"]) > 0
    assert b"127.0.0.1" not in response.body


def test_a_request_past_the_deadline_is_503_with_retry_after(tmp_path: Path) -> None:
    settings = Settings(request_timeout_seconds=1e-6)
    with (
        EmbeddedStore(tmp_path / "store") as store,
        TestClient(create_app(settings, store=store, keys=KeyStore(tmp_path / "keys.sqlite3"))) as client,
    ):
        response = client.get("/healthz")  # not the store: no query left running when the store closes
    assert response.status_code == 503 and response.headers["content-type"] == PROBLEM
    assert int(response.headers["retry-after"]) > 0 and "No answer within 1e-06 s" in response.json()["detail"]


@pytest.mark.neo4j
def test_an_unknown_class_is_a_500_fault_on_neo4j() -> None:
    from tests.neo4j_server import neo4j_server  # imports the driver only when Neo4j is tested

    with neo4j_server().open() as neo4j, pytest.raises(StoreError, match="unknown class") as caught:
        neo4j.fetch_nodes("NoSuchClass", ["x"])
    assert not isinstance(caught.value, StoreUnavailable)
    assert problems.problem_for(caught.value).status_code == 500


def test_a_page_answers_the_error_table_as_html(tmp_path: Path) -> None:
    with (
        EmbeddedStore(tmp_path / "store") as store,
        TestClient(create_app(store=store, keys=KeyStore(tmp_path / "keys.sqlite3"))) as client,
    ):
        for url, status, shown in (
            ("/explore/no-such-node?lang=en", 404, "no-such-node"),  # NotFound from the use case
            ("/coverage?axis=diagonal", 422, "axis kan niet &#39;diagonal&#39;"),  # InvalidParameter, in Dutch
        ):
            response = client.get(url)
            assert response.status_code == status and shown in response.text
            assert response.headers["content-type"].startswith("text/html")
            assert "Content-Security-Policy" in response.headers


def test_a_full_page_cache_is_503_with_retry_after_not_500(tmp_path: Path) -> None:  # R5
    with EmbeddedStore(tmp_path / "store") as store:
        load(store, FIXTURES / "usecases")
    keys = KeyStore(tmp_path / "keys.sqlite3")
    with (
        EmbeddedStore(tmp_path / "store", buffer_pool_mb=14) as store,  # opens, and no more
        TestClient(create_app(store=store, keys=keys)) as client,
    ):
        for url in (
            "/api/v1/gaps?limit=1000",
            "/api/v1/nodes/rf-1/neighbourhood?depth=3",
            "/api/v1/partners?municipality=GM0344",
            "/readyz",
        ):
            response = client.get(url)
            assert response.status_code == 503 and response.headers["content-type"] == PROBLEM, (url, response.text)
            assert int(response.headers["retry-after"]) > 0 and "page cache" not in response.text


def test_broken_json_says_what_to_fix_without_calling_an_offset_a_field(tmp_path: Path) -> None:  # R11
    keys = KeyStore(tmp_path / "keys.sqlite3")
    with (
        EmbeddedStore(tmp_path / "store") as store,
        TestClient(create_app(store=store, keys=keys)) as client,
    ):
        response = client.post(
            "/api/v1/findings",
            content=b'{"statement":',
            headers={**bearer(keys, "researcher"), "Content-Type": "application/json"},
        )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [{"field": "", "message": "not valid JSON: Expecting value at character 13"}]
    assert body["detail"] == "Fix the body: not valid JSON: Expecting value at character 13"


@pytest.mark.parametrize("digits", ["²", "١٢", "１２"])
def test_numbers_in_other_scripts_are_422_naming_the_parameter(tmp_path: Path, digits: str) -> None:  # I2
    with (
        EmbeddedStore(tmp_path / "store") as store,
        TestClient(create_app(store=store, keys=KeyStore(tmp_path / "keys.sqlite3"))) as client,
    ):
        for url, name in (
            (f"/api/v1/nodes/x/neighbourhood?depth={digits}", "depth"),
            (f"/api/v1/gaps?limit={digits}", "limit"),
            (f"/api/v1/coverage?offset={digits}", "offset"),
        ):
            response = client.get(url)
            assert response.status_code == 422 and response.json()["errors"][0]["field"] == name, response.text
        for url, name in ((f"/coverage?page={digits}", "page"), (f"/explore/x?depth={digits}", "depth")):
            response = client.get(url)
            assert response.status_code == 422 and f"{name} kan niet &#39;{digits}&#39;" in response.text


def _answer(sock: socket.socket) -> tuple[int, bytes]:
    """One HTTP/1.1 answer with a Content-Length, read off a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536) or b"<closed>"
        assert not data.endswith(b"<closed>"), data
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += sock.recv(65536)
    return int(head.split()[1]), body


def test_an_unexpected_error_is_500_and_keeps_the_connection(tmp_path: Path) -> None:  # I3
    with EmbeddedStore(tmp_path / "store") as store:
        app = create_app(store=store, keys=KeyStore(tmp_path / "keys.sqlite3"))

        @app.get("/fails")
        def fails() -> None:
            raise RuntimeError("a bug, in the middle of a request")

        with serve(app) as url, socket.create_connection((urlsplit(url).hostname, urlsplit(url).port)) as sock:
            sock.sendall(b"GET /fails HTTP/1.1\r\nHost: test\r\n\r\n")
            status, body = _answer(sock)
            assert status == 500 and b"Something went wrong" in body and b"a bug" not in body
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")  # the same connection
            assert _answer(sock) == (200, b'{"status":"ok"}')
