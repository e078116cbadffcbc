"""The map of the Netherlands (/kaart): server time and size of the page over the seed, side by side with the
kaleidoscope (/) for a ratio. Requests go through the whole app (FastAPI's TestClient: routing, the read
policy, the use case on the store, the template), repeated; the first request, which also draws the
geometry once for the process, is reported on its own.

    .venv/bin/python -m bench.map_page [--repeats 30] [--out bench/results]

Target (issue 17): at most 1 MB, under 300 ms on the server.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.embedded import EmbeddedStore
from caleido.loaders.load import load_paths
from caleido.loaders.sources import SEED_FOLDER

TARGET_MS = 300.0
TARGET_BYTES = 1_000_000
WARM_UP = 3
PAGES = {
    "map": "/kaart",
    "map-factor": "/kaart?target=rf-politieke-vervreemding",
    "map-recognised-outlines": "/kaart?measure=recognised&outline=safety-region&outline=ggd-region&outline=police-unit",
    "map-en": "/kaart?lang=en&include_proposed=true",
    "kaleidoscope": "/",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(client: TestClient, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    answer = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")
    return elapsed, len(answer.content)


def run(repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder) / "store")
        load_paths(store, [SEED_FOLDER], "bench:map-page")
        with TestClient(create_app(store=store, keys=KeyStore(Path(folder) / "keys.sqlite3"))) as client:
            first_ms, _ = timed(client, PAGES["map"])  # draws the geometry for the process
            results: dict[str, Any] = {}
            for name, path in PAGES.items():
                for _ in range(WARM_UP):
                    timed(client, path)
                times, size = [], 0
                for _ in range(repeats):
                    elapsed, size = timed(client, path)
                    times.append(elapsed)
                results[name] = {
                    "path": path,
                    "median_ms": round(statistics.median(times), 1),
                    "p95_ms": round(percentile(times, 0.95), 1),
                    "bytes": size,
                }
        store.close()
    plain = results["kaleidoscope"]["median_ms"]
    for name, found in results.items():
        found["ratio_to_kaleidoscope"] = round(found["median_ms"] / plain, 2)
        if name.startswith("map"):
            found["target"] = {
                "median_under_300_ms": found["median_ms"] < TARGET_MS,
                "p95_under_300_ms": found["p95_ms"] < TARGET_MS,
                "at_most_1_MB": found["bytes"] <= TARGET_BYTES,
            }
    return {"first_request_ms": round(first_ms, 1), "pages": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    report = {
        "benchmark": "map_page",
        "run": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "repeats": args.repeats,
        "warm_up": WARM_UP,
        "store": "embedded (seed)",
        "load_average": [round(v, 2) for v in os.getloadavg()],  # the machine is shared: read p95 with it
        **run(args.repeats),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "map-page.json").write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
