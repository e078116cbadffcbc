"""A bounded load on `caleido serve`, on each store: 50 concurrent clients on loopback, mixed reads and
evidence writes, for CALEIDO_LOAD_SECONDS (15 s in `make test`; `make load` runs 60 s). Zero errors, and
every write the API acknowledged can be read back afterwards. Throughput and p99 are written to
test-output/load-<store>.json (figures belong in bench/, not in assertions)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from bench.api_load import run_load
from caleido.api.keys import KeyStore
from tests.reliability.served import caleido_serve

SECONDS = float(os.environ.get("CALEIDO_LOAD_SECONDS", "15"))
CLIENTS = 50


def test_a_bounded_load_has_no_errors_and_loses_no_acknowledged_write(seeded_store_uri: str, tmp_path: Path) -> None:
    keys_file = tmp_path / "keys.sqlite3"
    key, _ = KeyStore(keys_file).create("load-test", "researcher")
    with caleido_serve(seeded_store_uri, keys_file, tmp_path / "serve.log") as served:
        result = run_load(served.url, key, seconds=SECONDS, clients=CLIENTS)
    summary = result.summary()
    out = Path(os.environ.get("CALEIDO_TEST_OUTPUT", "test-output"))
    out.mkdir(parents=True, exist_ok=True)
    backend = "neo4j" if seeded_store_uri.startswith(("bolt", "neo4j")) else "embedded"
    (out / f"load-{backend}.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    assert result.errors == [], summary["first_errors"]
    assert result.acknowledged, "the load wrote nothing"
    assert result.lost == []
    assert set(result.latencies) == {"coverage", "gaps", "partners", "neighbourhood", "search", "write"}


HEALTH_CLIENTS = 100
# A liveness probe's usual timeout is 1-5 s; /healthz took 5-10 s under this load (trial R3), waiting in the thread
# pool. The target is 100 ms p99; how close a run comes depends on how busy the machine is, so the run records its
# p99 beside the machine's own wake-up delay (test-output/healthz-<store>.json) and fails only on starvation.
HEALTH_STARVED_SECONDS = 1.0


def wake_up_delays(stop: threading.Event) -> list[float]:
    """How late a thread of this process wakes from a 10 ms sleep, until `stop`: waiting for a core at all."""
    delays: list[float] = []

    def measure() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            time.sleep(0.01)
            delays.append(time.perf_counter() - started - 0.01)

    threading.Thread(target=measure, daemon=True).start()
    return delays


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.99 * (len(ordered) - 1))]


def test_healthz_answers_at_once_while_100_clients_load_the_server(seeded_store_uri: str, tmp_path: Path) -> None:
    keys_file = tmp_path / "keys.sqlite3"
    key, _ = KeyStore(keys_file).create("load-test", "researcher")
    seconds = min(SECONDS, 10)
    with caleido_serve(seeded_store_uri, keys_file, tmp_path / "serve.log") as served:
        # The clients run in their own process, at the lowest CPU priority: they stand for clients on other
        # machines, and their 100 threads would otherwise delay this probe (and the server) on a small machine.
        command = [sys.executable, "-m", "bench.api_load", "--url", served.url, "--key", key]
        load = subprocess.Popen(
            [*command, "--seconds", str(seconds), "--clients", str(HEALTH_CLIENTS)],
            stdout=subprocess.PIPE,
            preexec_fn=lambda: os.nice(19),
        )
        time.sleep(seconds / 4)  # every client at work
        latencies: list[float] = []
        stop = threading.Event()
        machine = wake_up_delays(stop)
        with httpx.Client(base_url=served.url, timeout=30) as probe:
            while load.poll() is None:
                started = time.perf_counter()
                assert probe.get("/healthz").status_code == 200
                latencies.append(time.perf_counter() - started)
                time.sleep(0.02)
        stop.set()
        summary = json.loads(load.communicate()[0])
    assert summary["requests"] > HEALTH_CLIENTS and summary["errors"] == 0, summary["first_errors"]
    assert len(latencies) > 50
    health, waiting = p99(latencies), p99(machine)
    out = Path(os.environ.get("CALEIDO_TEST_OUTPUT", "test-output"))
    out.mkdir(parents=True, exist_ok=True)
    backend = "neo4j" if seeded_store_uri.startswith(("bolt", "neo4j")) else "embedded"
    figures = {"probes": len(latencies), "p99_s": health, "p50_s": statistics.median(latencies)}
    figures |= {"machine_wake_up_p99_s": waiting, "load_requests": summary["requests"], "clients": HEALTH_CLIENTS}
    (out / f"healthz-{backend}.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    assert health < HEALTH_STARVED_SECONDS, (health, waiting, sorted(latencies)[-5:])
