"""API keys and roles: a small SQLite key store and the FastAPI dependencies that guard routes.

A key looks like ``cal_<id>_<secret>``: ``id`` is 8 public characters used to find the row, ``secret`` is
``secrets.token_urlsafe(32)`` (256 random bits). Only a SHA-256 hash of the whole key is stored; the plain
key is shown once, when it is created, and never stored or logged.

Routes use the dependencies, for example::

    Researcher = Annotated[KeyInfo, Depends(require_role("researcher"))]

    @router.post("/findings")
    def add_finding(body: FindingIn, key: Researcher) -> ...:
        ...  # record key.agent ("key:<name>") as added_by

The app must set ``app.state.keys`` to a :class:`KeyStore` (see :func:`attach_keys`).
"""

from __future__ import annotations

import builtins
import functools
import hashlib
import hmac
import re
import secrets
import sqlite3
import string
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from caleido.errors import CaleidoError, StoreError
from caleido.settings import get_settings

KEY_PREFIX = "cal"
KEY_ID_LENGTH = 8
NAME_MAX_LENGTH = 100
# Lower-case letters and digits only: no "_" (the separator in the key) and no case confusion when read aloud.
_ID_ALPHABET = string.ascii_lowercase + string.digits
_ID_PATTERN = re.compile(rf"[a-z0-9]{{{KEY_ID_LENGTH}}}")
# token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; "_" may occur in the secret, so the id is taken
# from a fixed position rather than by splitting on every "_".
_KEY_PATTERN = re.compile(rf"{KEY_PREFIX}_([a-z0-9]{{{KEY_ID_LENGTH}}})_([A-Za-z0-9_-]{{43}})")
# One hash scheme today; stored per row so a later scheme can be introduced without breaking old keys.
_HASH_SCHEME = "sha256"
_SCHEMA_VERSION = 1


# --- settings -------------------------------------------------------------------------------------------


# --- roles and errors -----------------------------------------------------------------------------------


class Role(StrEnum):
    """Roles in rising order of power: a higher role may do whatever a lower one may."""

    READER = "reader"
    RESEARCHER = "researcher"
    CURATOR = "curator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ROLE_ORDER.index(self)

    def allows(self, needed: Role) -> bool:
        """True when a key with this role may do what `needed` may."""
        return self.rank >= needed.rank


_ROLE_ORDER: tuple[Role, ...] = (Role.READER, Role.RESEARCHER, Role.CURATOR, Role.ADMIN)
ROLE_NAMES: tuple[str, ...] = tuple(role.value for role in _ROLE_ORDER)


class InvalidKeyInput(CaleidoError, ValueError):
    """A key name, role or id that cannot be accepted; nothing was written."""


class KeyStoreError(StoreError):
    """The key file could not be created, read or written."""


def parse_role(value: str | Role) -> Role:
    """The role named by `value` (case-insensitive), or InvalidKeyInput naming the roles there are."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidKeyInput(f"unknown role {value!r}; use one of: {', '.join(ROLE_NAMES)}") from None


def validate_name(name: str) -> str:
    """The name with surrounding spaces removed; 1-100 printable characters (names end up in tables and logs)."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidKeyInput("the key name is empty; give a name that says who or what uses the key")
    if len(cleaned) > NAME_MAX_LENGTH:
        raise InvalidKeyInput(f"the key name has {len(cleaned)} characters; use at most {NAME_MAX_LENGTH}")
    # isprintable() rejects control characters, line breaks, tabs and invisible format characters such as
    # bidi overrides, which could make a name in a table or log line look like something else.
    if not cleaned.isprintable():
        bad = next(ch for ch in cleaned if not ch.isprintable())
        raise InvalidKeyInput(
            f"the key name contains the non-printable character U+{ord(bad):04X}; use letters, digits, "
            "spaces and punctuation only"
        )
    return cleaned


# --- the store ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyInfo:
    """What is known about a key, never its secret."""

    key_id: str
    name: str
    role: Role
    created_at: str  # UTC, "YYYY-MM-DDTHH:MM:SSZ"
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def agent(self) -> str:
        """How writes made with this key are attributed (added_by)."""
        return f"key:{self.name}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash_key(plain_key: str) -> str:
    # A single SHA-256 is the standard for high-entropy random tokens (GitHub and Stripe style): with 256
    # random bits nobody can guess or brute-force a key from its hash, so the deliberate slowness of
    # scrypt/bcrypt/PBKDF2, which protects low-entropy passwords, would buy nothing and would cost real CPU
    # time on every request. The whole key is hashed so the stored hash is bound to its id.
    return hashlib.sha256(plain_key.encode("ascii")).hexdigest()


_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS api_keys (
    key_id      TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ({", ".join(f"'{r}'" for r in ROLE_NAMES)})),
    hash_scheme TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
)
"""


class KeyStore:
    """API keys in a SQLite file, safe to share between threads and processes.

    Each operation opens its own short-lived connection: sqlite3 connections must not be shared between
    threads, and SQLite's own file locking (WAL mode, with a busy timeout) serialises writers across
    processes, so `caleido keys create` can run while the service is serving.
    """

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._busy_timeout = busy_timeout
        self._ready = False
        self._ready_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"KeyStore({str(self.path)!r})"

    # -- public operations

    def create(self, name: str, role: str | Role) -> tuple[str, KeyInfo]:
        """A new key: the plain key (show it once, never store it) and its info."""
        clean_name = validate_name(name)
        clean_role = parse_role(role)
        created_at = _now()
        for _ in range(10):  # an id collision is very unlikely (36**8 ids), so a few retries are plenty
            key_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(KEY_ID_LENGTH))
            plain_key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
            try:
                with self._connect(write=True) as db:
                    db.execute(
                        "INSERT INTO api_keys (key_id, name, role, hash_scheme, secret_hash, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (key_id, clean_name, clean_role.value, _HASH_SCHEME, _hash_key(plain_key), created_at),
                    )
            except sqlite3.IntegrityError:
                continue
            return plain_key, KeyInfo(key_id, clean_name, clean_role, created_at)
        raise KeyStoreError(f"could not find a free key id in {self.path}; try again")

    def verify(self, plain_key: str) -> KeyInfo | None:
        """The info of an active key matching `plain_key`; None for a malformed, unknown or revoked key."""
        info = self.match(plain_key)
        return info if info is not None and info.active else None

    def match(self, plain_key: str) -> KeyInfo | None:
        """Like verify, but also returns revoked keys, so a caller can tell their holder why they fail."""
        found = _KEY_PATTERN.fullmatch(plain_key)
        if found is None:
            return None
        with self._connect() as db:
            row = db.execute(
                "SELECT key_id, name, role, created_at, revoked_at, hash_scheme, secret_hash"
                " FROM api_keys WHERE key_id = ?",
                (found.group(1),),
            ).fetchone()
        if row is None or row[5] != _HASH_SCHEME:
            return None
        # Constant-time comparison, so response timing says nothing about how much of a hash matched.
        if not hmac.compare_digest(_hash_key(plain_key), row[6]):
            return None
        return _info(row)

    def get(self, key_id: str) -> KeyInfo | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT key_id, name, role, created_at, revoked_at FROM api_keys WHERE key_id = ?", (key_id,)
            ).fetchone()
        return None if row is None else _info(row)

    def list(self, *, include_revoked: bool = True) -> builtins.list[KeyInfo]:
        """All keys, oldest first, without secrets or hashes."""
        query = "SELECT key_id, name, role, created_at, revoked_at FROM api_keys"
        if not include_revoked:
            query += " WHERE revoked_at IS NULL"
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY created_at, key_id").fetchall()
        return [_info(row) for row in rows]

    def revoke(self, key_id: str) -> bool:
        """Revoke a key; True if it was active, False if there is no such key or it was already revoked.

        The row is kept (revoked_at set), so who held a key stays known after it is revoked.
        """
        if not _ID_PATTERN.fullmatch(key_id):
            return False
        with self._connect(write=True) as db:
            cursor = db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (_now(), key_id)
            )
            return cursor.rowcount == 1

    # -- the file

    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One connection for one transaction: committed when the block ends, rolled back on error."""
        self._ensure_ready()
        try:
            db = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise KeyStoreError(f"cannot open the key file {self.path}: {exc}") from exc
        try:
            # A writer takes the write lock up front (IMMEDIATE), so two writers queue on the busy timeout
            # instead of one failing with "database is locked" when it upgrades a read lock. Readers take no
            # write lock, so under WAL they never wait for a writer.
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield db
            db.execute("COMMIT")
        except sqlite3.IntegrityError:
            db.execute("ROLLBACK")
            raise
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise KeyStoreError(f"the key file {self.path} could not be read or written: {exc}") from exc
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def _ensure_ready(self) -> None:
        """Create the folder, the file and the table on first use (once per KeyStore object)."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # Owner-only: the file holds no secrets, but key names and roles are nobody else's business.
                self.path.touch(mode=0o600, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
            except (OSError, sqlite3.Error) as exc:
                raise KeyStoreError(f"cannot create the key file {self.path}: {exc}") from exc
            try:
                # WAL lets readers (every authenticated request) run while a key is being written. The mode is
                # stored in the file, so it is only switched when it is not WAL yet.
                if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    db.execute("PRAGMA journal_mode=WAL")
                db.execute("BEGIN IMMEDIATE")
                db.execute(_SCHEMA)
                db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise KeyStoreError(f"cannot prepare the key file {self.path}: {exc}") from exc
            finally:
                db.close()
            self._ready = True


def _info(row: tuple[Any, ...]) -> KeyInfo:
    return KeyInfo(key_id=row[0], name=row[1], role=Role(row[2]), created_at=row[3], revoked_at=row[4])


def open_key_store(path: str | Path | None = None) -> KeyStore:
    """The key store at `path`, or at the configured file (CALEIDO_KEYS_FILE, default ./data/keys.sqlite3)."""
    return KeyStore(path if path is not None else get_settings().keys_file)


# --- FastAPI dependencies -------------------------------------------------------------------------------


def attach_keys(app: FastAPI, keys: KeyStore, *, require_key_for_reads: bool | None = None) -> None:
    """Give the app its key store and read policy (None: from CALEIDO_REQUIRE_KEY_FOR_READS)."""
    app.state.keys = keys
    app.state.require_key_for_reads = (
        get_settings().require_key_for_reads if require_key_for_reads is None else require_key_for_reads
    )


# Declared as security schemes so /docs offers "Authorize" and the OpenAPI document says which routes need a key.
_bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearerKey",
    bearerFormat="cal_<id>_<secret>",
    description="An API key: `Authorization: Bearer KEY`. Created with `caleido keys create`.",
)
_header_scheme = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="apiKeyHeader",
    description="The same API key in an `X-API-Key` header, for clients that cannot set Authorization.",
)
_HOW_TO_SEND = "Send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"


def _unauthorized(detail: str, *, error: str | None = None) -> HTTPException:
    # RFC 6750: a 401 names the scheme; error="invalid_token" tells a client its key, not the request, is wrong.
    challenge = 'Bearer realm="caleido"' + (f', error="{error}"' if error else "")
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": challenge})


def _presented_key(request: Request) -> str | None:
    """The key the client sent, None when it sent none; 401 when the headers are unusable."""
    authorization = request.headers.get("authorization")
    header_key = request.headers.get("x-api-key")
    bearer_key: str | None = None
    if authorization is not None:
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise _unauthorized(
                f"The Authorization header must be 'Bearer KEY'. {_HOW_TO_SEND}.", error="invalid_request"
            )
        bearer_key = credentials.strip()
    if header_key is not None:
        header_key = header_key.strip()
        if not header_key:
            raise _unauthorized(f"The X-API-Key header is empty. {_HOW_TO_SEND}.", error="invalid_request")
    if bearer_key is not None and header_key is not None and bearer_key != header_key:
        raise _unauthorized(
            "The Authorization and X-API-Key headers carry different keys; send the key in one of them.",
            error="invalid_request",
        )
    return bearer_key if bearer_key is not None else header_key


def _key_store(request: Request) -> KeyStore:
    keys = getattr(request.app.state, "keys", None)
    if not isinstance(keys, KeyStore):  # a wiring mistake in the app, reported as a server error
        raise RuntimeError("app.state.keys is not set; call caleido.api.keys.attach_keys(app, store)")
    return keys


def _authenticate(request: Request, plain_key: str) -> KeyInfo:
    info = _key_store(request).match(plain_key)
    if info is None:
        raise _unauthorized(
            "The API key is not valid. Check that it was copied whole (it starts with 'cal_'), "
            "or ask an admin for a new key.",
            error="invalid_token",
        )
    if not info.active:
        raise _unauthorized(
            f"The API key {info.key_id} ('{info.name}') was revoked at {info.revoked_at}; ask an admin for a new key.",
            error="invalid_token",
        )
    request.state.api_key = info  # lets logging and middleware say who made the request, without the secret
    return info


def _authorize(info: KeyInfo, needed: Role) -> KeyInfo:
    if not info.role.allows(needed):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=(
                f"This needs a key with role {needed.value} or higher; key {info.key_id} ('{info.name}') has "
                f"role {info.role.value}. Ask an admin for a key with role {needed.value}."
            ),
            headers={"WWW-Authenticate": 'Bearer realm="caleido", error="insufficient_scope"'},
        )
    return info


def require_role(role: str | Role) -> Callable[..., KeyInfo]:
    """A dependency that returns the caller's KeyInfo when its key has `role` or a higher one.

    401 (with WWW-Authenticate) when no key, a malformed, unknown or revoked key is sent; 403 when the key's
    role is too low. A plain `def`, so FastAPI runs the SQLite lookup in its thread pool, off the event loop.
    The same function is returned for the same role, so `app.dependency_overrides[require_role("curator")]`
    works.
    """
    return _role_dependency(parse_role(role))  # a typo in a route's role fails at import time, not on a request


@functools.cache  # keyed on the parsed Role, so "curator" and Role.CURATOR give the one same dependency
def _role_dependency(needed: Role) -> Callable[..., KeyInfo]:
    def dependency(
        request: Request,
        # Only for the OpenAPI document (security schemes); the headers are read by _presented_key.
        _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer_scheme)],
        _header: Annotated[str | None, Security(_header_scheme)],
    ) -> KeyInfo:
        plain_key = _presented_key(request)
        if plain_key is None:
            raise _unauthorized(
                f"This needs an API key with role {needed.value} or higher. {_HOW_TO_SEND}; an admin creates "
                f"one with 'caleido keys create --role {needed.value} --name NAME'."
            )
        return _authorize(_authenticate(request, plain_key), needed)

    dependency.__name__ = f"require_{needed.value}"
    return dependency


def _reads_need_key(request: Request) -> bool:
    """The read policy: set by attach_keys, else the app's settings, else the environment, never open by mistake."""
    state = request.app.state
    required = getattr(state, "require_key_for_reads", None)
    if required is None:
        required = getattr(getattr(state, "settings", None), "require_key_for_reads", None)
    if required is None:
        required = get_settings().require_key_for_reads
    return bool(required)


def optional_reader(request: Request) -> KeyInfo | None:
    """The dependency for read routes: open by default, the reader role when reads require a key.

    A key that is sent is always checked, also when reads are open, so a client with a wrong or revoked key
    finds out at once instead of on its first write.
    """
    plain_key = _presented_key(request)
    if plain_key is not None:
        return _authorize(_authenticate(request, plain_key), Role.READER)
    if _reads_need_key(request):
        raise _unauthorized(
            f"This service requires an API key for reading. {_HOW_TO_SEND}; an admin creates one with "
            "'caleido keys create --role reader --name NAME'."
        )
    return None
