"""The floor at a scale, on the embedded store: load a synthetic graph, write its Parquet files, check every use
case's answer against DuckDB's and time both (bench.floor.measure).

    python -m bench.floor.run --scales small medium --repeat 10

Writes bench/results/floor.json (one entry per scale) and prints Caleido / DuckDB per use case."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.floor import parquet
from bench.floor.measure import measure
from bench.query_latency import MUNICIPALITY
from bench.run import commit
from bench.stores import fresh_store
from bench.synthetic import generate
from caleido.graph.sync import plan_and_write
from caleido.loaders.copy import chunks

RESULTS = Path(__file__).parents[1] / "results" / "floor.json"
BATCH = 50_000


def run_scale(scale: str, repeat: int, workdir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    graph = generate(scale)
    out: dict[str, Any] = {"nodes": len(graph.nodes), "links": len(graph.links)}
    out["generate_s"] = round(time.perf_counter() - started, 1)
    written = parquet.from_graph(graph, workdir / f"{scale}-parquet")
    out["parquet_s"] = round(written.seconds, 2)
    store = fresh_store("embedded", workdir)
    try:
        started = time.perf_counter()
        for nodes in chunks(graph.nodes, BATCH):
            plan_and_write(store, nodes, [])
        for links in chunks(graph.links, BATCH):
            plan_and_write(store, [], links)
        out["store_load_s"] = round(time.perf_counter() - started, 1)
        out |= measure(store, written.folder, repeat=repeat)
    finally:
        store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", default=["small", "medium"])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    results: dict[str, Any] = {"commit": commit(), "municipality": MUNICIPALITY, "repeat": args.repeat, "scales": {}}
    with tempfile.TemporaryDirectory(prefix="floor-") as tmp:
        for scale in args.scales:
            entry = results["scales"][scale] = run_scale(scale, args.repeat, Path(tmp))
            print(
                f"{scale}: {entry['nodes']} nodes, {entry['links']} links; Parquet {entry['parquet_s']} s, "
                f"DuckDB load {entry['duckdb_load_s']} s"
            )
            for name, case in entry["cases"].items():
                print(
                    f"  {name:<16} Caleido p50 {case['caleido']['p50_ms']:8.1f} ms  DuckDB p50 "
                    f"{case['duckdb']['p50_ms']:8.1f} ms  ratio {case['ratio_p50']:6.2f}  p95 ratio {case['ratio_p95']}"
                )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
