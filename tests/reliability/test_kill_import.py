"""kill -9 at random points of a large evidence import through the API, on each store: the store opens again,
holds every write acknowledged before the kill, and holds the import whole or not at all (trial row D9).

Each point: `caleido serve` on a seeded store takes a few single findings (each answered 201), then a CSV import
of ROWS new findings; the test kills, at a random point, the process that writes the store: `caleido serve`
itself on the embedded store, the Neo4j server under it otherwise (a Neo4j of the test's own, restarted after).
Most points fall inside the import's commit: the kill comes once the store's log has grown by a random share of
what a whole import adds to it (measured by a first, undisturbed import); every third point falls at a random
moment of the request instead (reading, checking or writing). The same store takes every point in turn, so
each opening after a kill is also a store that was recovered before.

`make test` runs CALEIDO_CRASH_POINTS=2 points per store, `make crash` 10 with larger imports; each run writes
what every point saw to crash-import-<store>.json in CALEIDO_CRASH_RECORD (`make crash`: bench/results/), or
else in the test output folder.
"""

from __future__ import annotations

import json
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.api_load import finding_body
from caleido.api.keys import KeyStore
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.neo4j_store import Neo4jStore
from caleido.graph.store import GraphStore
from caleido.loaders.evidence import read_evidence_csv
from caleido.loaders.sources import SEED_FOLDER
from tests.helpers import load
from tests.reliability.evidence_csv import evidence_csv
from tests.reliability.served import Served, caleido_serve, neo4j_dev

POINTS = int(os.environ.get("CALEIDO_CRASH_POINTS", "2"))
ROWS = int(os.environ.get("CALEIDO_CRASH_ROWS", "800"))
SEED = int(os.environ.get("CALEIDO_CRASH_SEED", str(time.time_ns() % 1_000_000)))
SINGLE_WRITES = 5  # acknowledged findings before each import
OWN_NEO4J = "neo4j-crash"  # the folder under .cache/ of this test's Neo4j
SEED_FACTORS = ("rf-eerdere-ervaringen-geweld", "rf-wanhoop-uitzichtloosheid", "rf-financiele-problemen")
IMPORT_SECONDS = 900  # the request deadline the server is given: validating many rows takes a while


@dataclass
class Target:
    """A store to crash: how to watch its log, kill the process that writes it, bring it back and open it."""

    name: str
    uri: str
    env: dict[str, str]
    log_bytes: Callable[[], int]
    kill: Callable[[Served], None]
    restart: Callable[[], None]
    open: Callable[[], GraphStore]


@dataclass
class Point:
    """What one kill point saw: where the kill landed and what the reopened store held."""

    point: int
    mode: str  # "commit": after the log grew by `target_bytes`; "moment": `target_seconds` into the request
    target_bytes: int = 0
    target_seconds: float = 0.0
    killed_after_seconds: float = 0.0
    log_growth_at_kill: int = 0
    import_answer: str = ""
    import_rows_kept: int = -1
    acknowledged: int = 0
    acknowledged_kept: int = 0
    open_seconds: float = 0.0


def folder_bytes(folder: Path, pattern: str) -> int:
    return sum(path.stat().st_size for path in folder.glob(pattern) if path.exists())


@pytest.fixture
def embedded_target(tmp_path: Path) -> Iterator[Target]:
    folder = tmp_path / "store"
    with EmbeddedStore(folder) as store:
        load(store, SEED_FOLDER)
    yield Target(
        "embedded",
        f"embedded:{folder}",
        {},
        lambda: folder_bytes(folder, "caleido.lbdb.wal*"),
        lambda served: served.process.send_signal(signal.SIGKILL),
        lambda: None,
        lambda: EmbeddedStore(folder),
    )


@pytest.fixture
def neo4j_target() -> Iterator[Target]:
    from tests.neo4j_server import neo4j_server

    neo4j_server()  # skips (or, when required, fails) like every Neo4j test when Neo4j testing is off
    login = dict(line.split("=", 1) for line in neo4j_dev(OWN_NEO4J, "start", "--reset").split())
    logs = Path(__file__).resolve().parents[2] / ".cache" / OWN_NEO4J / "home" / "data" / "transactions" / "neo4j"

    def open_store() -> GraphStore:
        return Neo4jStore(login["NEO4J_URI"], login["NEO4J_USER"], login["NEO4J_PASSWORD"])

    def kill(served: Served) -> None:
        neo4j_dev(OWN_NEO4J, "kill")  # the server under `caleido serve`, which goes on answering 503

    def restart() -> None:
        neo4j_dev(OWN_NEO4J, "start")  # Neo4j recovers from its own transaction log

    try:
        with open_store() as store:
            load(store, SEED_FOLDER)
        yield Target(
            "neo4j",
            login["NEO4J_URI"],
            {"NEO4J_USER": login["NEO4J_USER"], "NEO4J_PASSWORD": login["NEO4J_PASSWORD"]},
            lambda: folder_bytes(logs, "neostore.transaction.db*"),
            kill,
            restart,
            open_store,
        )
    finally:
        neo4j_dev(OWN_NEO4J, "stop")


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def target(request: pytest.FixtureRequest) -> Target:
    target: Target = request.getfixturevalue(f"{request.param}_target")
    return target


@dataclass
class Import:
    """An import request running in a thread of its own."""

    url: str
    key: str
    name: str
    data: bytes
    answer: str = ""
    done: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self._post, daemon=True).start()

    def _post(self) -> None:
        try:
            response = httpx.post(
                f"{self.url}/api/v1/evidence/import",
                files={"file": (self.name, self.data, "text/csv")},
                headers={"Authorization": f"Bearer {self.key}"},
                timeout=IMPORT_SECONDS + 60,
            )
            self.answer = str(response.status_code)
        except httpx.HTTPError as exc:
            self.answer = type(exc).__name__
        finally:
            self.done.set()


def single_writes(url: str, key: str, point: int) -> list[str]:
    acknowledged = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
        for n in range(SINGLE_WRITES):
            response = http.post("/api/v1/findings", json=finding_body("Kill test", point, n))
            assert response.status_code == 201, response.text
            acknowledged.append(response.json()["id"])
    return acknowledged


def reference_import(target: Target, served: Served, key: str) -> tuple[float, int]:
    """An undisturbed import: how long it takes and how much it adds to the store's log."""
    before, started = target.log_bytes(), time.monotonic()
    request = Import(served.url, key, "reference.csv", evidence_csv("reference", ROWS, SEED_FACTORS))
    request.start()
    assert request.done.wait(IMPORT_SECONDS + 120) and request.answer == "200", request.answer
    return time.monotonic() - started, target.log_bytes() - before


def kill_during_import(target: Target, served: Served, key: str, point: Point, data: bytes, timeout: float) -> None:
    before = target.log_bytes()
    request = Import(served.url, key, f"point-{point.point}.csv", data)
    started = time.monotonic()
    request.start()
    if point.mode == "commit":
        while target.log_bytes() - before < point.target_bytes and not request.done.is_set():
            if time.monotonic() - started > timeout:
                break
            time.sleep(0.0002)
    else:
        request.done.wait(point.target_seconds)
    point.killed_after_seconds = round(time.monotonic() - started, 3)
    point.log_growth_at_kill = target.log_bytes() - before
    target.kill(served)
    request.done.wait(IMPORT_SECONDS + 60)
    point.import_answer = request.answer


def check(target: Target, point: Point, data: bytes, acknowledged: list[str]) -> None:
    """The store opens, holds every acknowledged finding whole, and the import whole or not at all."""
    started = time.monotonic()
    store = target.open()
    point.open_seconds = round(time.monotonic() - started, 2)
    try:
        _, planned = read_evidence_csv(store, f"point-{point.point}.csv", data.decode())
        ids = [row.finding for row in planned]
        kept = store.fetch_nodes("Finding", ids)
        point.import_rows_kept = len(kept)
        reported = store.fetch_links("REPORTED_IN", [(i, row["source"]) for i, row in kept.items()])
        found = store.fetch_nodes("Finding", acknowledged)
        point.acknowledged, point.acknowledged_kept = len(acknowledged), len(found)
        whole = store.fetch_links("REPORTED_IN", [(i, row["source"]) for i, row in found.items()])
    finally:
        store.close()
    assert sorted(found) == sorted(acknowledged), asdict(point)
    assert len(whole) == len(found), asdict(point)  # each acknowledged finding with its link to its source
    assert len(kept) in (0, len(ids)), asdict(point)  # the import whole or not at all
    assert len(reported) == len(kept), asdict(point)
    if point.import_answer == "200":
        assert len(kept) == len(ids), asdict(point)


def test_a_kill_at_random_points_of_an_import_keeps_every_acknowledged_write_and_no_partial_import(
    target: Target, tmp_path: Path
) -> None:
    keys_file = tmp_path / "keys.sqlite3"
    key, _ = KeyStore(keys_file).create("kill-test", "researcher")
    env = {
        **target.env,
        "CALEIDO_REQUEST_TIMEOUT_SECONDS": str(IMPORT_SECONDS),
        "CALEIDO_MAX_UPLOAD_BYTES": str(2 * len(evidence_csv("size", ROWS, SEED_FACTORS))),
        "CALEIDO_NEO4J_RETRY_SECONDS": "2",
    }
    rng = random.Random(SEED)
    acknowledged: list[str] = []
    with caleido_serve(target.uri, keys_file, tmp_path / "serve-reference.log", **env) as served:
        seconds, growth = reference_import(target, served, key)
    assert growth > 0
    points: list[Point] = []
    try:
        for number in range(POINTS):
            point = Point(number, "moment" if number % 3 == 2 else "commit")
            point.target_bytes, point.target_seconds = rng.randint(1, growth), round(rng.uniform(0, seconds), 2)
            points.append(point)
            data = evidence_csv(f"point {number} of run {SEED}", ROWS, SEED_FACTORS)
            with caleido_serve(target.uri, keys_file, tmp_path / f"serve-{number}.log", **env) as served:
                acknowledged += single_writes(served.url, key, number)
                kill_during_import(target, served, key, point, data, timeout=3 * seconds + 30)
            target.restart()
            check(target, point, data, acknowledged)
    finally:
        record(target, seconds, growth, points)


def record(target: Target, seconds: float, growth: int, points: list[Point]) -> None:
    folder = os.environ.get("CALEIDO_CRASH_RECORD") or os.environ.get("CALEIDO_TEST_OUTPUT", "test-output")
    out = Path(folder) / f"crash-import-{target.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {
        "run": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "store": target.name,
        "seed": SEED,
        "rows": ROWS,
        "reference_import_seconds": round(seconds, 2),
        "reference_log_growth": growth,
        "points": [asdict(p) for p in points],
    }
    out.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
