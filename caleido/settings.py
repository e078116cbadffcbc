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
    """Every setting, read from the environment (`CALEIDO_` + the field's name in capitals, unless it names its
    variable). The descriptions are the README's settings table: `python -m caleido.settings_doc README.md`."""

    # populate_by_name: Settings(neo4j_user=...) in code sets the field (by its alias only, the environment won).
    model_config = SettingsConfigDict(env_prefix="CALEIDO_", extra="ignore", populate_by_name=True)

    store: str = Field(
        default=DEFAULT_STORE,
        description="Where the graph is kept: `embedded:FOLDER` (Ladybug, no server) or a Neo4j URI "
        "(`neo4j://`, `neo4j+s://` for Aura, `bolt://`).",
    )
    user: str = Field(
        default=_default_agent(),
        description="Recorded as `added_by` on what the CLI loads, unless `caleido load --by` names someone.",
    )

    # Neo4j login: the names every Neo4j tool reads, so no CALEIDO_ prefix.
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER", description="The Neo4j login's user.")
    neo4j_password: SecretStr = Field(
        default=SecretStr(""), validation_alias="NEO4J_PASSWORD", description="The Neo4j login's password."
    )
    neo4j_database: str | None = Field(
        default=None, validation_alias="NEO4J_DATABASE", description="The Neo4j database; unset: the server's default."
    )
    neo4j_max_pool_size: int = Field(default=50, ge=1, description="The most connections the Neo4j driver keeps.")
    neo4j_acquisition_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds to wait for a usable Neo4j connection: a free pooled one, or a new one including "
        "the Bolt handshake.",
    )
    neo4j_connection_timeout: float = Field(
        default=10.0, gt=0, description="Seconds for the TCP connect of a new Neo4j connection."
    )
    neo4j_max_connection_lifetime: float = Field(
        default=300.0,
        gt=0,
        description="Seconds a Neo4j connection is kept. Keep it below the idle timeout of load balancers and "
        "firewalls, which otherwise leave defunct connections.",
    )
    neo4j_retry_seconds: float = Field(
        default=5.0,
        ge=0,
        description="Seconds the driver retries a transaction on a transient error or a lost server before the "
        "API answers 503 with Retry-After: the bound on how long a request waits while Neo4j is down.",
    )

    embedded_buffer_pool_mb: int = Field(
        default=2048,
        ge=0,
        description="MiB the embedded store (Ladybug) may cache pages and hold running queries in; 0 for "
        "Ladybug's own default, about 80 % of the machine's memory, which it keeps once used. A read that does "
        "not fit answers 503 with Retry-After; a write that does not fit says so and writes nothing. Each "
        "request at work (`CALEIDO_WORKER_THREADS`) holds its share, so raise one with the other.",
    )

    # The HTTP service.
    host: str = Field(default="127.0.0.1", description="The address `caleido serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="The port `caleido serve` listens on.")
    require_key_for_reads: bool = Field(
        default=False,
        description="Whether reading needs an API key too (writes always do): the read routes, exports, the "
        "pages (a sign-in form keeps the key in a cookie) and the details of `/readyz`. `/healthz` stays open.",
    )
    keys_file: Path = Field(
        default=Path("./data/keys.sqlite3"),
        description="The SQLite file that keeps the hashes of the API keys (`caleido keys create`).",
    )
    worker_threads: int = Field(
        default=8,
        ge=1,
        description="Requests the API works on at once (its thread pool); more wait their turn. More than a "
        "few per core buys no speed, and on the embedded store every running query takes its part of the page "
        "cache.",
    )
    max_header_bytes: int = Field(
        default=64 * 1024,
        ge=1024,
        description="The largest request line plus headers `caleido serve` reads, in bytes; more gets 431 (414 "
        "when the request line alone is longer), before any of it reaches the app.",
    )
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        description="The largest request body the API accepts, in bytes, on every route (a CSV import "
        "included); a larger one gets 413 as soon as that much has arrived, chunked or not, before the key is "
        "checked.",
    )
    import_job_rows: int = Field(
        default=2000,
        ge=0,
        description="An evidence import of more rows than this runs as a job: the API answers 202 Accepted with the "
        "job's URL (GET /api/v1/jobs/{id}) instead of making the client wait past the request deadline.",
    )
    request_timeout_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Seconds a request waits for its answer to start; then 503 with Retry-After. It bounds the "
        "wait while a store hangs (a Neo4j shutting down holds open transactions up to its own 10 s). A write "
        "cut off this way may still land: `POST /api/v1/findings` and imports are idempotent, so sending it "
        "again is safe.",
    )

    grade_needs_two_curators: bool = Field(
        default=False,
        description="Whether a grade is accepted by two different curators: a graded finding (a `grade` other "
        "than `not-assessed`) or a revision that sets a grade stays proposed after the first acceptance, which "
        "is logged as one of two; the second by the same curator gets 409, the second by another accepts.",
    )

    metrics: bool = Field(
        default=True,
        description="Whether `GET /metrics` answers in the Prometheus text format (`on` or `off`): request "
        "latency per route, store query and write times, rows written, rebuilds of derived data. As open as the "
        "reads (`CALEIDO_REQUIRE_KEY_FOR_READS`); on a public address, let the proxy keep it for the scraper.",
    )

    # The SPARQL endpoint (caleido.sparql).
    sparql_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Seconds a SPARQL query may take (`/api/v1/sparql`), waiting for a free place included; "
        "then 503 with Retry-After and its answer is dropped. Keep it below `CALEIDO_REQUEST_TIMEOUT_SECONDS`.",
    )
    sparql_max_rows: int = Field(
        default=10_000,
        ge=1,
        description="The most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) a SPARQL answer holds; a longer "
        "answer is cut there and says so in its `Caleido-Truncated` header.",
    )
    sparql_max_running: int = Field(
        default=2,
        ge=1,
        description="SPARQL queries evaluated at once. The engine (pyoxigraph) cannot stop a query, so one past "
        "its time limit keeps its place until it ends: this bounds the cores such queries can take; a query "
        "that finds no free place within its time limit gets 503 with Retry-After.",
    )


def get_settings() -> Settings:
    return Settings()
