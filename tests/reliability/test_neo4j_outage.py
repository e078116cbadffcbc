"""Neo4j goes away under load and comes back: `caleido serve` answers 503 problem+json with Retry-After
while it is down (never a 500, never a request held longer than the retry bound), recovers without a
restart once it is back, and every write it acknowledged is there afterwards.

The test runs its own Neo4j (scripts/neo4j-dev with NEO4J_DEV_DIR=.cache/neo4j-outage), so stopping
it leaves the suite's server alone. It runs when the Neo4j tests run (NEO4J_URI set, or required in CI).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bench.api_load import finding_body, unreadable
from caleido.api.keys import KeyStore
from caleido.graph.neo4j_store import Neo4jStore
from caleido.loaders.sources import SEED_FOLDER
from tests.helpers import load
from tests.reliability.served import caleido_serve, neo4j_dev, own_neo4j_server

pytestmark = pytest.mark.neo4j

OWN_NEO4J = "neo4j-outage"  # the folder under .cache/ of this test's server
# The server under test retries for RETRY_SECONDS, waits ACQUIRE_SECONDS at most for a connection, and
# answers 503 after DEADLINE_SECONDS whatever it waits for (a Neo4j shutting down holds open transactions).
RETRY_SECONDS = 3.0
CONNECT_SECONDS = 2.0
ACQUIRE_SECONDS = 4.0
DEADLINE_SECONDS = 8.0
LONGEST_ANSWER = DEADLINE_SECONDS + 4  # plus scheduling on a busy 2-core machine
WRITERS = 4


@pytest.fixture
def own_neo4j() -> Iterator[dict[str, str]]:
    with own_neo4j_server(OWN_NEO4J) as variables:
        yield variables


@dataclass
class Traffic:
    """What the writers saw, answer by answer."""

    answers: list[tuple[float, int, float, str]] = field(default_factory=list)  # (at, status, seconds, body)
    acknowledged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)


def write_until_stopped(url: str, key: str, writer: int, traffic: Traffic) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
        n = 0
        while not traffic.stop.is_set():
            n += 1
            started = time.monotonic()
            try:
                response = http.post("/api/v1/findings", json=finding_body("Outage test", writer, n))
            except httpx.HTTPError as exc:
                with traffic.lock:
                    traffic.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            took = time.monotonic() - started
            with traffic.lock:
                traffic.answers.append((started, response.status_code, took, response.text[:300]))
                if response.status_code == 201:
                    traffic.acknowledged.append(response.json()["id"])
                elif response.status_code == 503:
                    assert response.headers["content-type"] == "application/problem+json"
                    assert int(response.headers["retry-after"]) > 0
            time.sleep(0.05)


def wait_until(check: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


def test_an_outage_gives_503_with_retry_after_then_recovers_without_losing_writes(
    own_neo4j: dict[str, str], tmp_path: Path
) -> None:
    uri, user, password = own_neo4j["NEO4J_URI"], own_neo4j["NEO4J_USER"], own_neo4j["NEO4J_PASSWORD"]
    store = Neo4jStore(uri, user, password)
    load(store, SEED_FOLDER)
    store.close()
    keys_file = tmp_path / "keys.sqlite3"
    key, _ = KeyStore(keys_file).create("outage-test", "researcher")
    server_env = {
        "NEO4J_USER": user,
        "NEO4J_PASSWORD": password,
        "CALEIDO_NEO4J_RETRY_SECONDS": str(RETRY_SECONDS),
        "CALEIDO_NEO4J_CONNECTION_TIMEOUT": str(CONNECT_SECONDS),
        "CALEIDO_NEO4J_ACQUISITION_TIMEOUT": str(ACQUIRE_SECONDS),
        "CALEIDO_REQUEST_TIMEOUT_SECONDS": str(DEADLINE_SECONDS),
    }
    traffic = Traffic()
    with caleido_serve(uri, keys_file, tmp_path / "serve.log", **server_env) as served:
        writers = [
            threading.Thread(target=write_until_stopped, args=(served.url, key, i, traffic), daemon=True)
            for i in range(WRITERS)
        ]
        for writer in writers:
            writer.start()
        assert wait_until(lambda: len(traffic.acknowledged) >= 5, 60), traffic.answers[-5:]

        went_down = time.monotonic()
        neo4j_dev(OWN_NEO4J, "stop")
        assert wait_until(lambda: any(a[1] == 503 and a[0] > went_down for a in traffic.answers), 60)
        ready = httpx.get(served.url + "/readyz", timeout=60)
        assert ready.status_code == 503 and ready.headers["content-type"] == "application/problem+json"
        time.sleep(3)  # a while down, under load

        came_back = time.monotonic()
        neo4j_dev(OWN_NEO4J, "start")
        assert wait_until(lambda: httpx.get(served.url + "/readyz", timeout=60).status_code == 200, 120)
        assert wait_until(lambda: any(a[1] == 201 and a[0] > came_back for a in traffic.answers), 60)
        traffic.stop.set()
        for writer in writers:
            writer.join(120)

        statuses = {a[1] for a in traffic.answers}
        assert traffic.errors == []  # every request got an answer (no dropped connection, no timeout)
        assert statuses <= {201, 503}, [a for a in traffic.answers if a[1] not in (201, 503)][:3]
        slowest = max(a[2] for a in traffic.answers)
        timeline = sorted((round(a[0] - went_down, 1), a[1], round(a[2], 1)) for a in traffic.answers if a[2] > 2)
        assert slowest < LONGEST_ANSWER, (slowest, round(came_back - went_down, 1), timeline)
        assert served.process.poll() is None  # the same server process throughout
        lost = unreadable(served.url, key, traffic.acknowledged)
    assert lost == []
    assert any(a[1] == 503 for a in traffic.answers)
    record = Path(os.environ.get("CALEIDO_TEST_OUTPUT", "test-output")) / "outage.log"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(
        f"down {came_back - went_down:.1f} s; {len(traffic.answers)} answers: "
        f"{sum(a[1] == 201 for a in traffic.answers)} x 201, {sum(a[1] == 503 for a in traffic.answers)} x 503; "
        f"slowest {slowest:.1f} s (deadline {DEADLINE_SECONDS:g} s); "
        f"{len(set(traffic.acknowledged))} acknowledged writes, all readable\n",
        encoding="utf-8",
    )
