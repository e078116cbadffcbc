"""Run the load and query benchmarks side by side on both stores, at the scales asked for, in one run.

    python -m bench.run                      # seed and medium, both stores
    python -m bench.run --scales seed medium large --repeat 10

Writes bench/results/benchmarks.json, then the Markdown table and charts (bench/report.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import query_latency, report
from bench.load_rate import baseline_rate, loader_rate
from bench.stores import fresh_store, neo4j_env, served
from bench.synthetic import generate

RESULTS = Path(__file__).parent / "results"


def measure(backend: str, graph: Any, repeat: int, workdir: Path, neo4j: dict[str, str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    store = fresh_store(backend, workdir, neo4j)
    out["baseline"] = baseline_rate(store, graph)
    store.close()
    store = fresh_store(backend, workdir, neo4j)
    out["load"] = loader_rate(store, graph)
    rates = out["load"]["links_per_s"], out["baseline"]["links_per_s"]
    print(f"    load {rates[0]:.0f} links/s, baseline {rates[1]:.0f}", flush=True)
    out["direct"] = query_latency.direct(store, repeat)
    uri = store.uri
    store.close()  # the embedded store has one owner: the server takes it over
    with served(uri, workdir, neo4j) as base:
        out["api"] = query_latency.via_api(base, repeat)
    for name in query_latency.CASES:
        p50 = out["direct"][name]["p50_ms"], out["api"][name]["p50_ms"]
        print(f"    {name:<14} direct p50 {p50[0]:8.1f} ms, api {p50[1]:8.1f} ms", flush=True)
    return out


def calibration_seconds() -> float:
    """The median time of a fixed pure-Python loop: how fast this machine was during the run, so that runs on
    different (shared) machines can be compared. It is no benchmark of Caleido."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        times.append(time.perf_counter() - started)
    return sorted(times)[1]


def commit() -> str:
    """The code measured: the commit checked out, marked when the working tree differs from it."""
    git = ["git", "-C", str(Path(__file__).parent)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode:
        return "unknown (not a git checkout)"
    dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    return head.stdout.strip() + (" with local changes" if dirty.stdout.strip() else "")


def peak_rss_mb() -> float:
    """The most memory this process has held so far (Ladybug runs inside it; Neo4j and the API do not)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", default=["seed", "medium"])
    parser.add_argument("--backends", nargs="+", default=["embedded", "neo4j"])
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per use case (after 2 warm-up calls)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results (a trial run elsewhere)")
    args = parser.parse_args()
    neo4j = neo4j_env() if "neo4j" in args.backends else None
    workdir = Path(tempfile.mkdtemp(prefix="caleido-bench-"))
    results: dict[str, Any] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "calibration_seconds": calibration_seconds(),
        },
        "repeat": args.repeat,
        "scales": {},
    }
    try:
        for scale in args.scales:
            started = time.perf_counter()
            # The links wait in a file (LinkSpill): at the large scale they would not fit in memory.
            spill = workdir / f"{scale}-links.pickle"
            graph = generate(scale, spill=spill)
            # The nodes stay alive for the whole scale: keep them out of the collector's way, or every full
            # collection during a direct call walks them too (the API server does not hold them).
            gc.collect()
            gc.freeze()
            took = time.perf_counter() - started
            print(f"{scale}: {len(graph.nodes)} nodes, {len(graph.links)} links ({took:.0f} s)", flush=True)
            entry: dict[str, Any] = {
                "nodes": len(graph.nodes),
                "links": len(graph.links),
                "generate_seconds": took,
                "stores": {},
            }
            results["scales"][scale] = entry
            for backend in args.backends:
                print(f"  {backend}", flush=True)
                speed = calibration_seconds()  # again before every store: a shared machine's speed drifts
                entry["stores"][backend] = measure(backend, graph, args.repeat, workdir, neo4j)
                entry["stores"][backend]["calibration_seconds"] = speed
                entry["stores"][backend]["bench_peak_rss_mb"] = peak_rss_mb()
                # Written after every store, so a run that dies later (memory, at the large scale) keeps it.
                args.out.mkdir(exist_ok=True)
                (args.out / "benchmarks.json").write_text(json.dumps(results, indent=1) + "\n")
            spill.unlink()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report.write([results], args.out)


if __name__ == "__main__":
    main()
