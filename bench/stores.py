"""Empty stores to measure, and the API served over them on loopback.

Neo4j: the server named by NEO4J_URI (NEO4J_USER, NEO4J_PASSWORD), else a server of its own started with
scripts/neo4j-dev in .cache/neo4j-bench (so the test server is left alone). Either way it is emptied.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from neo4j import GraphDatabase

from caleido.graph.embedded import EmbeddedStore
from caleido.graph.neo4j_store import Neo4jStore
from caleido.graph.store import GraphStore
from caleido.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
BENCH_NEO4J_DIR = ROOT / ".cache" / "neo4j-bench"
# The page cache of the store the bench loads and calls directly: the whole large graph in one COPY FROM does not
# fit the served default of 2 GiB (`caleido load` says so and names CALEIDO_EMBEDDED_BUFFER_POOL_MB). The API
# server that is measured against the 4 GiB target keeps bench.run's SERVER_BUFFER_POOL_MB.
LOAD_BUFFER_POOL_MB = 12288
STARTUP_SECONDS = 300  # opening a large store (and its first checks) on a busy 2-core machine


def neo4j_env() -> dict[str, str]:
    """NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD of the server to measure, starting one if none is named."""
    if os.environ.get("NEO4J_URI"):  # with NEO4J_DEV_DIR when scripts/neo4j-dev runs it: the bulk import may
        names = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DEV_DIR")
        return {k: os.environ[k] for k in names if k in os.environ}
    # In this process's environment, so that the bulk import's restart of the server (bulk_neo4j.DevServer, a
    # child of this process) keeps the bench's memory too: at 512m a medium load passes Neo4j's transaction limit.
    os.environ.setdefault("NEO4J_HEAP", "3g")
    os.environ.setdefault("NEO4J_PAGECACHE", "2g")
    env = {**os.environ, "NEO4J_DEV_DIR": str(BENCH_NEO4J_DIR)}
    script = str(ROOT / "scripts" / "neo4j-dev")
    # --reset stops a server left running (it would keep its old memory settings) and wipes an earlier run's
    # graph with the folder, faster than deleting it row by row.
    out = subprocess.run([script, "start", "--reset"], env=env, check=True, capture_output=True)
    pairs = (line.partition("=") for line in out.stdout.decode().splitlines() if "=" in line)
    return {key: value for key, _, value in pairs} | {"NEO4J_DEV_DIR": str(BENCH_NEO4J_DIR)}  # ours: bulk may import


# Links first, then nodes, a bounded number per transaction: a node's DETACH DELETE takes all its links into its
# transaction, and 20,000 nodes of a medium graph passed Neo4j's transaction memory limit (2.1 GiB of a 3g heap).
WIPES = (
    "MATCH ()-[r]->() WITH r LIMIT 50000 DELETE r RETURN count(*) AS n",
    "MATCH (n) WITH n LIMIT 50000 DELETE n RETURN count(*) AS n",
)


def wipe_neo4j(env: dict[str, str]) -> None:
    auth = (env["NEO4J_USER"], env["NEO4J_PASSWORD"])
    with GraphDatabase.driver(env["NEO4J_URI"], auth=auth, notifications_min_severity="OFF") as driver:
        for query in WIPES:
            while driver.execute_query(query).records[0]["n"]:
                pass


def fresh_store(backend: str, workdir: Path, neo4j: dict[str, str] | None = None) -> GraphStore:
    """An empty store: a new Ladybug folder, or the Neo4j server emptied."""
    if backend == "embedded":
        folder = Path(tempfile.mkdtemp(prefix="store-", dir=workdir))
        return EmbeddedStore(folder, buffer_pool_mb=LOAD_BUFFER_POOL_MB)
    assert neo4j is not None
    wipe_neo4j(neo4j)
    return Neo4jStore(neo4j["NEO4J_URI"], neo4j["NEO4J_USER"], neo4j["NEO4J_PASSWORD"])


def reopen(
    backend: str, uri: str, neo4j: dict[str, str] | None = None, buffer_pool_mb: int | None = None
) -> GraphStore:
    """The store measured, opened again (after the server that owned it has stopped); the embedded store with
    the page cache given, or the settings' own."""
    if backend == "embedded":
        pool = buffer_pool_mb or get_settings().embedded_buffer_pool_mb
        return EmbeddedStore(uri.removeprefix("embedded:"), buffer_pool_mb=pool)
    assert neo4j is not None
    return Neo4jStore(neo4j["NEO4J_URI"], neo4j["NEO4J_USER"], neo4j["NEO4J_PASSWORD"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Server:
    base: str  # the URL
    pid: int

    def peak_rss_mb(self) -> float:
        """The most memory the server process has held so far (VmHWM: its high-water mark, in kB)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmHWM for process {self.pid}")


@contextmanager
def served(
    uri: str, workdir: Path, neo4j: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """`caleido serve` over a store in a subprocess on 127.0.0.1 (`env`: settings of its own, e.g.
    CALEIDO_EMBEDDED_BUFFER_POOL_MB); yields its URL and process id. Its key store is workdir/keys.sqlite3."""
    port = _free_port()
    env = {**os.environ, **(neo4j or {}), "CALEIDO_KEYS_FILE": str(workdir / "keys.sqlite3"), **(env or {})}
    command = [sys.executable, "-m", "caleido", "serve", "--store", uri, "--port", str(port)]
    log = workdir / f"serve-{port}.log"
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"caleido serve did not come up on {base} in {STARTUP_SECONDS} s:\n{tail}")
            time.sleep(0.2)
        yield Server(base, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a request thread still at work (a large brief): it is measured no more
            server.kill()
            server.wait()
