"""Settings from the environment, with defaults that work on a laptop."""

from __future__ import annotations

import getpass
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_STORE = "embedded:./data/caleido"


def _default_agent() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALEIDO_", extra="ignore")

    store: str = DEFAULT_STORE
    user: str = _default_agent()  # recorded as added_by on what the CLI loads

    # Neo4j login: the names every Neo4j tool reads, so no CALEIDO_ prefix.
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(default=SecretStr(""), validation_alias="NEO4J_PASSWORD")
    neo4j_database: str | None = Field(default=None, validation_alias="NEO4J_DATABASE")  # None: the server's default
    # Driver pool (CALEIDO_NEO4J_*); times in seconds.
    neo4j_max_pool_size: int = Field(default=50, ge=1)
    # Longest wait for a usable connection: a free pooled one, or a new one including the Bolt handshake.
    neo4j_acquisition_timeout: float = Field(default=30.0, gt=0)
    neo4j_connection_timeout: float = Field(default=10.0, gt=0)  # the TCP connect of a new connection
    # Below the idle timeout of load balancers and firewalls, which otherwise leave defunct connections.
    neo4j_max_connection_lifetime: float = Field(default=300.0, gt=0)
    # How long the driver retries a transaction on a transient error or a lost server before the API
    # answers 503 with Retry-After: the bound on how long a request waits while Neo4j is down.
    neo4j_retry_seconds: float = Field(default=5.0, ge=0)

    # Memory the embedded store (Ladybug) may cache pages in, in MiB; 0 keeps Ladybug's own default, about
    # 80 % of the machine's memory, which is too much beside a Neo4j server or other services.
    embedded_buffer_pool_mb: int = Field(default=0, ge=0)

    # The HTTP service (CALEIDO_HOST, CALEIDO_PORT, ...).
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    require_key_for_reads: bool = False
    keys_file: Path = Path("./data/keys.sqlite3")  # hashes of the API keys (caleido keys create)
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    # The longest a request waits for its answer to start; then 503 with Retry-After. It bounds the wait
    # while a store hangs (a Neo4j shutting down holds open transactions up to its own 10 s). A write cut
    # off this way may still land: POST /findings and imports are idempotent, so sending it again is safe.
    request_timeout_seconds: float = Field(default=60.0, gt=0)


def get_settings() -> Settings:
    return Settings()
