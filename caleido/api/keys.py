"""API keys and roles: a small SQLite key store. The FastAPI dependencies that check a request's key
against a role are in caleido.api.deps.

A key looks like ``cal_<id>_<secret>``: ``id`` is 8 public characters used to find the row, ``secret`` is
``secrets.token_urlsafe(32)`` (256 random bits). Only a SHA-256 hash of the whole key is stored; the plain
key is shown once, when it is created, and never stored or logged.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import re
import secrets
import sqlite3
import string
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from caleido.errors import InvalidKeyInput, KeyStoreError
from caleido.settings import Settings

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


# --- roles ----------------------------------------------------------------------------------------------


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
        """How writes made with this key are attributed (added_by, reviewed_by, the review log): its public id
        and role, never its name, which is free text (often a person's) and would be published with every
        node and export."""
        return f"key:{self.key_id}:{self.role.value}"


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


def open_key_store(settings: Settings) -> KeyStore:
    """The key store at the configured file (CALEIDO_KEYS_FILE, default ./data/keys.sqlite3)."""
    return KeyStore(settings.keys_file)
