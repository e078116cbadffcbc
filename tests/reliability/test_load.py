"""A bounded load on `caleido serve`, on each store: 50 concurrent clients on loopback, mixed reads and
evidence writes, for CALEIDO_LOAD_SECONDS (15 s in `make test`; `make load` runs 60 s). Zero errors, and
every write the API acknowledged can be read back afterwards. Throughput and p99 are written to
test-output/load-<store>.json (figures belong in bench/, not in assertions)."""

from __future__ import annotations

import json
import os
from pathlib import Path

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
