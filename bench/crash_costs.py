"""What crash safety costs the embedded store, measured side by side (bench/results/LOG.md, "Crash safety"):

- the mark of acknowledged writes (caleido/graph/embedded_log.py): a synced 12-byte write after every commit,
  timed on single-finding writes with the mark and with it switched off;
- the checkpoint threshold (`CHECKPOINT_THRESHOLD` in caleido/graph/embedded.py): the load rate at medium
  scale, and how long opening takes after a crash, when Ladybug replays the log it left (a crash image: the
  files copied while the store is open, as kill -9 leaves them).

    python -m bench.crash_costs [--thresholds 1024 256] [--rounds 2] [--writes 300] [--only-writes]

Writes bench/results/crash-costs.json (crash-costs-writes.json with --only-writes). Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import caleido.graph.embedded as embedded
from bench.load_rate import loader_rate
from bench.synthetic import generate
from caleido.graph.embedded_log import LogFiles, LogMark
from caleido.graph.sync import plan_and_write
from caleido.ontology.records import NodeRow

RESULTS = Path(__file__).parent / "results"


def threshold_run(graph: Any, threshold_mib: int, workdir: Path) -> dict[str, Any]:
    embedded.CHECKPOINT_THRESHOLD = threshold_mib * 2**20
    folder, image = workdir / f"load-{threshold_mib}", workdir / f"image-{threshold_mib}"
    store = embedded.EmbeddedStore(folder)
    rate = loader_rate(store, graph)
    shutil.copytree(folder, image)  # the files as a kill -9 now would leave them
    log_bytes = LogFiles(image / embedded.DB_FILE).log_length()
    started = time.perf_counter()
    store.close()
    close_seconds = time.perf_counter() - started
    started = time.perf_counter()
    embedded.EmbeddedStore(image).close()
    reopen_seconds = time.perf_counter() - started
    shutil.rmtree(folder)
    shutil.rmtree(image)
    return {
        "threshold_mib": threshold_mib,
        "links_per_s": round(rate["links_per_s"]),
        "nodes_per_s": round(rate["nodes_per_s"]),
        "close_seconds": round(close_seconds, 2),
        "log_mib_at_crash": round(log_bytes / 2**20, 1),
        "open_after_crash_seconds": round(reopen_seconds, 2),
    }


def single_writes(graph: Any, writes: int, workdir: Path, marked: bool) -> dict[str, Any]:
    """Single-node writes, one commit each, as the API's POST /findings makes them; milliseconds per write."""
    advance = LogMark.advance
    if not marked:
        LogMark.advance = lambda self: None  # type: ignore[method-assign]
    folder = workdir / f"writes-{marked}"
    try:
        with embedded.EmbeddedStore(folder) as store:
            nodes: list[NodeRow] = [n for n in graph.nodes if n.cls == "Organisation"][:writes]
            times = []
            for node in nodes:
                started = time.perf_counter()
                plan_and_write(store, [node], [])
                times.append(time.perf_counter() - started)
    finally:
        LogMark.advance = advance  # type: ignore[method-assign]
        shutil.rmtree(folder)
    times.sort()
    return {
        "mark": marked,
        "writes": len(times),
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p99_ms": round(times[int(len(times) * 0.99) - 1] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--thresholds", nargs="+", type=int, default=[1024, 256], help="MiB, measured in turn")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only-writes", action="store_true", help="the mark's cost only, without the loads")
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    graph = generate("small" if args.only_writes else "medium")
    results: dict[str, Any] = {"thresholds": [], "single_writes": []}
    with tempfile.TemporaryDirectory(prefix="caleido-crash-costs-") as tmp:
        workdir = Path(tmp)
        for round_ in range(args.rounds):
            for marked in (True, False) if round_ % 2 else (False, True):  # turn about: the first run warms up
                results["single_writes"].append(single_writes(graph, args.writes, workdir, marked))
                print(results["single_writes"][-1], flush=True)
            for threshold in [] if args.only_writes else args.thresholds:
                results["thresholds"].append(threshold_run(graph, threshold, workdir))
                print(results["thresholds"][-1], flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    name = "crash-costs-writes.json" if args.only_writes else "crash-costs.json"
    (args.out / name).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
