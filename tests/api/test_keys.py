"""API keys and roles: the SQLite key store, the FastAPI dependencies (caleido.api.deps) on a tiny real app,
and `caleido keys`.

Everything is real: key files in tmp_path, HTTP through TestClient, the CLI through typer's CliRunner.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from caleido.api import problems
from caleido.api.app import create_app
from caleido.api.deps import optional_reader, require_role
from caleido.api.keys import KeyInfo, KeyStore, Role, parse_role
from caleido.api.keys_cli import keys_app
from caleido.errors import InvalidKeyInput
from caleido.graph.embedded import EmbeddedStore
from caleido.settings import Settings

KEY_SHAPE = re.compile(r"cal_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")
UTC_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    return KeyStore(tmp_path / "keys" / "keys.sqlite3")


def file_bytes(path: Path) -> bytes:
    """The database and its WAL and shared-memory files: everything SQLite keeps on disk."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


# --- the store ------------------------------------------------------------------------------------------


def test_create_verify_list_and_revoke(keys: KeyStore) -> None:
    plain, info = keys.create("  Lab Utrecht ", "researcher")
    assert KEY_SHAPE.fullmatch(plain) and plain.startswith(f"cal_{info.key_id}_")
    assert info.name == "Lab Utrecht" and info.role is Role.RESEARCHER and info.active
    assert UTC_SECOND.fullmatch(info.created_at)
    assert info.agent == f"key:{info.key_id}:researcher"  # never the name: free text, published with every write

    assert keys.verify(plain) == info
    assert keys.list() == [info] and keys.get(info.key_id) == info

    assert keys.revoke(info.key_id) is True
    assert keys.verify(plain) is None
    revoked = keys.match(plain)
    assert revoked is not None and not revoked.active and UTC_SECOND.fullmatch(revoked.revoked_at or "")
    assert keys.list() == [revoked] and keys.list(include_revoked=False) == []
    assert keys.revoke(info.key_id) is False  # already revoked
    assert keys.revoke("zzzzzzzz") is False and keys.revoke("not an id") is False


def test_the_file_and_its_folder_are_made_on_first_use_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "keys.sqlite3"
    store = KeyStore(path)
    assert not path.parent.exists()  # nothing happens before the first use
    assert store.list() == []
    assert path.is_file() and path.stat().st_mode & 0o077 == 0
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_only_a_hash_is_stored(keys: KeyStore) -> None:
    plains = [keys.create(f"key {i}", "admin")[0] for i in range(3)]
    stored = file_bytes(keys.path)
    for plain in plains:
        secret = plain.split("_", 2)[2]
        assert plain.encode() not in stored and secret.encode() not in stored
    for listed in keys.list():
        assert not any(plain in repr(listed) for plain in plains)


def test_wrong_tampered_and_malformed_keys_do_not_verify(keys: KeyStore) -> None:
    plain, _ = keys.create("someone", "admin")
    last = "A" if plain[-1] != "A" else "B"
    other, _ = KeyStore(keys.path.with_name("other.sqlite3")).create("elsewhere", "admin")
    for wrong in (plain[:-1] + last, plain + "x", plain.upper(), "", "cal_", "Bearer " + plain, other, "é" * 60):
        assert keys.verify(wrong) is None, wrong


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 101, "at most 100"),
        ("two\nlines", "U+000A"),
        ("bell\x07", "U+0007"),
        ("tab\there", "U+0009"),
        ("evil\u202etxt.exe", "U+202E"),  # a right-to-left override would disguise the name in a table
    ],
)
def test_bad_names_are_refused_with_the_reason(keys: KeyStore, name: str, reason: str) -> None:
    with pytest.raises(InvalidKeyInput, match=re.escape(reason)):
        keys.create(name, "reader")
    assert keys.list() == []


def test_names_may_be_any_printable_text_and_roles_any_case(keys: KeyStore) -> None:
    _, info = keys.create("Gemeente 's-Gravenhage — onderzoek (Zoë)", "Curator")
    assert info.name == "Gemeente 's-Gravenhage — onderzoek (Zoë)" and info.role is Role.CURATOR
    assert keys.create("x" * 100, Role.READER)[1].role is Role.READER


def test_an_unknown_role_is_refused_naming_the_roles(keys: KeyStore) -> None:
    with pytest.raises(InvalidKeyInput, match="use one of: reader, researcher, curator, admin"):
        keys.create("someone", "superuser")
    with pytest.raises(InvalidKeyInput):
        require_role("boss")


def test_roles_are_ordered_and_a_higher_role_may_do_what_a_lower_may() -> None:
    order = [Role.READER, Role.RESEARCHER, Role.CURATOR, Role.ADMIN]
    for i, have in enumerate(order):
        for j, needed in enumerate(order):
            assert have.allows(needed) is (i >= j)
    assert parse_role(" ADMIN ") is Role.ADMIN


def test_concurrent_creates_from_threads_give_unique_working_keys(keys: KeyStore) -> None:
    made: list[tuple[str, KeyInfo]] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def worker(n: int) -> None:
        start.wait()
        for i in range(5):
            created = keys.create(f"thread {n} key {i}", "researcher")
            with lock:
                made.append(created)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 80
    assert len({info.key_id for _, info in made}) == 80 and len({plain for plain, _ in made}) == 80
    assert {info.key_id for info in keys.list()} == {info.key_id for _, info in made}
    assert all(keys.verify(plain) == info for plain, info in made)


def test_several_processes_can_create_keys_in_one_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite3"
    script = (
        "import sys\n"
        "from caleido.api.keys import KeyStore\n"
        "store = KeyStore(sys.argv[1])\n"
        "for i in range(10):\n"
        "    print(store.create(f'process {sys.argv[2]} key {i}', 'reader')[0])\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, str(path), str(n)], stdout=subprocess.PIPE, text=True)
        for n in range(4)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert all(process.returncode == 0 for process in processes)
    plains = [line for output in outputs for line in output.split()]
    store = KeyStore(path)
    assert len(set(plains)) == 40 and len(store.list()) == 40
    assert all(store.verify(plain) is not None for plain in plains)


# --- the dependencies on a real app ---------------------------------------------------------------------


def make_app(keys: KeyStore, *, require_key_for_reads: bool = False) -> FastAPI:
    app = FastAPI()
    problems.install(app)
    # What create_app gives its dependencies: the settings (here only the read policy) and the key store.
    app.state.settings = Settings(require_key_for_reads=require_key_for_reads)
    app.state.keys = keys

    @app.get("/things")
    def read_things(key: Annotated[KeyInfo | None, Depends(optional_reader)]) -> dict[str, str | None]:
        return {"reader": key.agent if key else None}

    @app.post("/things")
    def add_thing(key: Annotated[KeyInfo, Depends(require_role("researcher"))]) -> dict[str, str]:
        return {"added_by": key.agent, "role": key.role.value}

    return app


@pytest.fixture
def client(keys: KeyStore) -> Iterator[TestClient]:
    with TestClient(make_app(keys)) as test_client:
        yield test_client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_bearer_and_x_api_key_both_work_and_name_who_wrote(keys: KeyStore, client: TestClient) -> None:
    plain, info = keys.create("lab", "researcher")
    for headers in (bearer(plain), {"X-API-Key": plain}, {"authorization": f"bearer  {plain} "}):
        response = client.post("/things", headers=headers)
        assert response.status_code == 200, (headers, response.text)
        assert response.json() == {"added_by": f"key:{info.key_id}:researcher", "role": "researcher"}
    both = client.post("/things", headers={**bearer(plain), "X-API-Key": plain})
    assert both.status_code == 200


def test_no_key_is_401_with_a_bearer_challenge_and_says_what_to_do(client: TestClient) -> None:
    response = client.post("/things")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    detail = response.json()["detail"]
    assert "Authorization: Bearer KEY" in detail and "X-API-Key: KEY" in detail and "researcher" in detail


@pytest.mark.parametrize(
    "headers",
    [
        bearer("cal_abcdefgh_" + "x" * 43),  # well-formed, unknown
        bearer("not-a-key"),
        {"X-API-Key": "cal_"},
        {"Authorization": "Basic dXNlcjpwYXNz"},  # another scheme
        {"Authorization": "Bearer"},  # no key after the scheme
        {"X-API-Key": ""},
    ],
)
def test_wrong_or_unusable_keys_are_401(keys: KeyStore, client: TestClient, headers: dict[str, str]) -> None:
    keys.create("lab", "admin")
    response = client.post("/things", headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_a_tampered_key_and_two_different_keys_are_401(keys: KeyStore, client: TestClient) -> None:
    plain, _ = keys.create("lab", "admin")
    other, _ = keys.create("other lab", "admin")
    tampered = plain[:-1] + ("A" if plain[-1] != "A" else "B")
    response = client.post("/things", headers=bearer(tampered))
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert plain not in response.text and tampered not in response.text  # never echo a key back
    two = client.post("/things", headers={**bearer(plain), "X-API-Key": other})
    assert two.status_code == 401 and "different keys" in two.json()["detail"]


def test_a_role_too_low_is_403_and_a_higher_role_is_allowed(keys: KeyStore, client: TestClient) -> None:
    reader, _ = keys.create("viewer", "reader")
    response = client.post("/things", headers=bearer(reader))
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "researcher" in detail and "has role reader" in detail
    for role in ("researcher", "curator", "admin"):
        plain, _ = keys.create(f"{role} key", role)
        allowed = client.post("/things", headers={"X-API-Key": plain})
        assert allowed.status_code == 200 and allowed.json()["role"] == role


def test_a_revoked_key_is_401_and_says_it_was_revoked(keys: KeyStore, client: TestClient) -> None:
    plain, info = keys.create("former lab", "curator")
    assert client.post("/things", headers=bearer(plain)).status_code == 200
    keys.revoke(info.key_id)
    response = client.post("/things", headers=bearer(plain))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert client.get("/things", headers=bearer(plain)).status_code == 401


def test_reads_are_open_by_default_but_a_sent_key_is_checked(keys: KeyStore, client: TestClient) -> None:
    assert client.get("/things").json() == {"reader": None}
    plain, info = keys.create("viewer", "reader")
    assert client.get("/things", headers=bearer(plain)).json() == {"reader": f"key:{info.key_id}:reader"}
    assert client.get("/things", headers=bearer("cal_abcdefgh_" + "x" * 43)).status_code == 401


def test_reads_need_a_reader_key_when_the_setting_says_so(keys: KeyStore) -> None:
    plain, info = keys.create("viewer", "reader")
    with TestClient(make_app(keys, require_key_for_reads=True)) as client:
        response = client.get("/things")
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "requires an API key for reading" in response.json()["detail"]
        assert client.get("/things", headers={"X-API-Key": plain}).json() == {"reader": f"key:{info.key_id}:reader"}


def test_the_read_setting_comes_from_the_environment_when_the_app_is_given_no_settings(
    keys: KeyStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALEIDO_REQUIRE_KEY_FOR_READS", "true")
    with EmbeddedStore(tmp_path / "store") as store, TestClient(create_app(store=store, keys=keys)) as client:
        assert client.get("/api/v1/model").status_code == 401


def test_the_openapi_document_marks_writes_as_needing_a_key(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert set(document["components"]["securitySchemes"]) == {"bearerKey", "apiKeyHeader"}
    assert document["paths"]["/things"]["post"]["security"] == [{"bearerKey": []}, {"apiKeyHeader": []}]
    assert "security" not in document["paths"]["/things"]["get"]
    assert require_role("researcher") is require_role(Role.RESEARCHER)  # one dependency per role


# --- the command line -----------------------------------------------------------------------------------


def run_keys(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(keys_app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_create_prints_the_key_once_and_list_never_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "cli" / "keys.sqlite3"
    code, stdout, stderr = run_keys("create", "--role", "researcher", "--name", "Lab Utrecht", "--keys-file", str(path))
    assert code == 0, stderr
    plain = stdout.strip()
    assert KEY_SHAPE.fullmatch(plain) and stdout == plain + "\n"  # only the key on stdout, for scripts
    assert "cannot be shown again" in stderr and plain not in stderr
    assert KeyStore(path).verify(plain) is not None

    code, listed, _ = run_keys("list", "--keys-file", str(path))
    key_id = plain.split("_")[1]
    secret = plain.split("_", 2)[2]
    assert code == 0 and key_id in listed and "Lab Utrecht" in listed and "researcher" in listed
    assert plain not in listed and secret[:10] not in listed


def test_cli_revoke_and_the_keys_file_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env-keys.sqlite3"
    monkeypatch.setenv("CALEIDO_KEYS_FILE", str(path))
    code, stdout, _ = run_keys("create", "--role", "admin", "--name", "ops")
    assert code == 0 and path.is_file()
    key_id = stdout.strip().split("_")[1]

    code, _, stderr = run_keys("revoke", key_id)
    assert code == 0 and f"Revoked key {key_id}" in stderr
    assert KeyStore(path).verify(stdout.strip()) is None
    code, _, stderr = run_keys("revoke", key_id)
    assert code == 0 and "already revoked" in stderr
    code, listed, _ = run_keys("list", "--active")
    assert code == 0 and key_id not in listed


@pytest.mark.parametrize(
    ("args", "message", "exit_code"),
    [
        (["create", "--role", "boss", "--name", "x"], "use one of: reader, researcher, curator, admin", 1),
        (["create", "--role", "admin", "--name", "bad\x1bname"], "non-printable", 1),
        (["create", "--role", "admin", "--name", ""], "empty", 1),
        (["create", "--role", "admin"], "--name", 2),  # a usage error
        (["revoke", "zzzzzzzz"], "no key with id", 1),
    ],
)
def test_cli_bad_input_exits_1_or_2_with_a_clear_message(
    tmp_path: Path, args: list[str], message: str, exit_code: int
) -> None:
    path = tmp_path / "keys.sqlite3"
    code, stdout, stderr = run_keys(*args, "--keys-file", str(path))
    assert code == exit_code and message in stderr and stdout == ""
    assert not path.exists() or KeyStore(path).list() == []
