"""Run the load, query, write and memory benchmarks side by side on both stores, at the scales asked for, in one
run, each figure against its target (issue #19).

    python -m bench.run                                   # seed and medium, both stores (`make bench`)
    python -m bench.run --scales seed medium large        # `make bench-large`: under 45 minutes on 2 cores
    python -m bench.run --scales seed small --out /tmp/trial

Per store and scale: the load rate (and, below the large scale, the per-row baseline and the unchanged reload,
which cost much and tell little at large), every use case direct and through the API (p50/p95 against 250 ms),
DuckDB's floor (bench/floor), one evidence write (p95 against 200 ms), reads under a 20 % write load (p99 against
3× p50), and the API server's peak RSS (against 4 GiB on the embedded store). A running clock is printed; a scale
whose budget is spent stops cleanly between steps and says so in the results. Every target missed at a scale of
`--profile-at` gets a pyinstrument profile in bench/results/profiles/.

Writes bench/results/run-<started>-<commit>.json and benchmarks.json (the latest), after every store, then
the Markdown tables (bench/report.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
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

from bench import query_latency, report, write_load
from bench.floor.cases import Mismatch
from bench.load_rate import baseline_rate, empty_store_rate, loader_rate
from bench.stores import LOAD_BUFFER_POOL_MB, fresh_store, neo4j_env, reopen, served
from bench.synthetic import SCALES, Graph, cached
from caleido.graph.store import GraphStore
from caleido.loaders.bulk_neo4j import DevServer, bulk_copy_to_neo4j

RESULTS = Path(__file__).parent / "results"
# Seconds per scale, both stores together; the run stops a scale cleanly between steps once they are spent. They
# are a safety limit, not the target: a run that is stopped checks fewer answers against DuckDB, so they leave
# room above what a run takes on a quiet 2-core machine; the run's length is recorded against RUN_MINUTES_TARGET.
# Large: 24 + 36 min for the two stores at 148d408 (run-2026-12-04T1306 stopped Neo4j's writes at 3,300 s).
BUDGETS = {"seed": 420, "tiny": 300, "small": 600, "medium": 1500, "large": 4500}
RUN_MINUTES_TARGET = 45  # issue #19: seed, medium and large on both stores
CHEAP_SCALES = ("seed", "tiny", "small", "medium")  # where the per-row baseline and the reload are measured
# The page cache of the served embedded store: 2 GiB leaves the rest of the 4 GiB target to Python (the app, the
# derived data it reads, the answers it builds); the run records the server's peak RSS beside it.
SERVER_BUFFER_POOL_MB = 2048
MEMORY_TARGET_MB = 4096


class Clock:
    """The run's running clock, and a scale's budget."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.scale_started = self.started
        self.budget = 0.0

    def start_scale(self, budget: float) -> None:
        self.scale_started, self.budget = time.perf_counter(), budget

    def left(self) -> float:
        return self.budget - (time.perf_counter() - self.scale_started)

    def say(self, text: str) -> None:
        minutes, seconds = divmod(int(time.perf_counter() - self.started), 60)
        print(f"[{minutes:02d}:{seconds:02d}] {text}", flush=True)


class BudgetSpent(Exception):
    pass


def step(clock: Clock, out: dict[str, Any], name: str, expected: float = 0.0) -> None:
    """Say a step starts; stop the store's measurements (recorded in `out`) when the scale's budget is spent, or
    would be by a step `expected` to take longer than what is left."""
    if clock.left() <= expected:
        why = f"{clock.left():.0f} s of the scale's budget of {clock.budget:.0f} s were left before: {name}"
        out["stopped"] = why + (f" (expected to take {expected:.0f} s)" if expected else "")
        clock.say(f"    stopped: {out['stopped']}; it and what follows skipped")
        raise BudgetSpent
    clock.say(f"    {name} ({clock.left():.0f} s of the scale's budget left)")


def measure(
    backend: str, scale: str, graph: Graph, args: argparse.Namespace, workdir: Path, neo4j: dict[str, str] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    clock: Clock = args.clock
    try:
        _measure(backend, scale, graph, args, workdir, neo4j, out, clock)
    except BudgetSpent:
        pass
    except Mismatch:
        raise  # an answer that differs from DuckDB's stops the run: that is what the floor is for
    except Exception as exc:  # recorded, and the other store and scales are still measured
        out["stopped"] = f"failed: {type(exc).__name__}: {exc}"
        clock.say(f"    {out['stopped']}; this store's remaining steps skipped")
    return out


def _measure(
    backend: str,
    scale: str,
    graph: Graph,
    args: argparse.Namespace,
    workdir: Path,
    neo4j: dict[str, str] | None,
    out: dict[str, Any],
    clock: Clock,
) -> None:
    cheap = scale in CHEAP_SCALES
    if cheap:
        step(clock, out, "per-row baseline")
        store = fresh_store(backend, workdir, neo4j)
        out["baseline"] = baseline_rate(store, graph)
        store.close()
    bulk = backend == "neo4j" and scale in args.bulk_at and neo4j is not None and "NEO4J_DEV_DIR" in neo4j
    # The rate this store's loader reached at the scale before says whether the load can finish in the budget
    # (the bulk import is another path: no rate of the loader tells its time).
    rate = None if bulk else args.load_rates.get(backend)
    step(clock, out, "load", expected=len(graph.links) / rate if rate else 0.0)
    store = fresh_store(backend, workdir, neo4j)
    if bulk:
        assert neo4j is not None
        store.close()  # the import stops and starts the server
        out["load"] = bulk_load(graph, neo4j)
        store = reopen(backend, "", neo4j)
    else:
        out["load"] = load(store, backend, scale, graph, reload=cheap)
    if not bulk:
        args.load_rates[backend] = out["load"]["links_per_s"]
    clock.say(f"    loaded {out['load']['links_per_s']:,.0f} links/s")
    step(clock, out, "use cases, direct")
    out["direct"] = query_latency.direct(store, args.repeat, budget_s=args.case_budget)
    step(clock, out, "DuckDB floor")
    out["floor"] = floor(store, parquet(graph, scale, workdir, args.parquet_seconds), args.repeat, args.case_budget)
    uri = store.uri
    store.close()  # the embedded store has one owner: the server takes it over
    key = write_load.researcher_key(workdir / "keys.sqlite3")
    buffer_pool = {"CALEIDO_EMBEDDED_BUFFER_POOL_MB": str(args.server_buffer_pool_mb)}
    out["server"] = {"buffer_pool_mb": args.server_buffer_pool_mb if backend == "embedded" else None}
    try:
        with served(uri, workdir, neo4j, buffer_pool) as server:
            try:
                through_server(server.base, key, args, out, clock)
            finally:  # also when the budget ran out: the peak so far
                out["server"]["peak_rss_mb"] = server.peak_rss_mb()
                clock.say(f"    server peak RSS {out['server']['peak_rss_mb']:,.0f} MiB")
    finally:  # also when the server failed or the budget ran out: the misses measured so far are profiled
        if scale in args.profile_at:
            clock.say("    profiles of the targets missed")
            try:
                out["profiles"] = profiles(backend, scale, uri, neo4j, out, args.out / "profiles")
            except Exception as exc:  # recorded; what stopped the server's steps (if anything) is what is raised
                out["profiles_failed"] = f"{type(exc).__name__}: {exc}"
                clock.say(f"    profiles failed: {out['profiles_failed']}")


def through_server(base: str, key: str, args: argparse.Namespace, out: dict[str, Any], clock: Clock) -> None:
    step(clock, out, "use cases, through the API")
    out["api"] = query_latency.via_api(base, args.repeat, budget_s=args.case_budget)
    for name in query_latency.CASES:
        d, a = out["direct"][name], out["api"][name]
        api = report.failure(a) if "error" in a else f"{a['p50_ms']:8.1f} /{a['p95_ms']:8.1f} ms"
        clock.say(f"      {name:<16} direct p50/p95 {d['p50_ms']:8.1f} /{d['p95_ms']:8.1f} ms, API {api}")
    step(clock, out, "evidence writes")
    out["write"] = write_load.evidence_writes(base, key, args.repeat, budget_s=args.case_budget)
    clock.say(f"      write p50/p95 {out['write']['p50_ms']:.1f} / {out['write']['p95_ms']:.1f} ms")
    step(clock, out, f"reads while 20 % write ({args.mixed_seconds:.0f} s)")
    out["mixed"] = write_load.mixed(base, key, args.mixed_seconds)
    mixed = out["mixed"]
    clock.say(
        f"      worst read ({mixed.get('worst_read')}) p50 {mixed.get('read_p50_ms', 0):.1f} ms, "
        f"p99 {mixed.get('read_p99_ms', 0):.1f} ms"
    )


def load(store: GraphStore, backend: str, scale: str, graph: Graph, *, reload: bool) -> dict[str, Any]:
    """The graph into the empty store through the loader (plan_and_write). The embedded store is given the
    whole graph at once, as `caleido load` gives it a folder: COPY FROM, then one rebuild of the derived data,
    judged end to end (the batched loader's rate: `python -m bench.load_rate`)."""
    if backend == "embedded":
        done = empty_store_rate(store, graph)
        seconds = done["load_seconds"] + done["reindex_seconds"]
        return {
            **done,
            "path": "into the empty store (COPY FROM), then one rebuild",
            "links_per_s": done["end_to_end_links_per_s"],
            "load_only_links_per_s": done["links_per_s"],
            "nodes_per_s": done["nodes"] / seconds,
        }
    path = "loader" + (" (Neo4j named by NEO4J_URI: no bulk import)" if (backend, scale) == ("neo4j", "large") else "")
    return {**loader_rate(store, graph, reload=reload), "path": path}


def bulk_load(graph: Graph, neo4j: dict[str, str]) -> dict[str, Any]:
    """The graph into the bench's own empty Neo4j through neo4j-admin database import (BULK's bulk_copy_to_neo4j),
    the derived data rebuilt after it; the rate over every step."""
    server = DevServer(Path(neo4j["NEO4J_DEV_DIR"]), neo4j["NEO4J_PASSWORD"])
    done = bulk_copy_to_neo4j((graph.nodes, graph.links), server, lambda: reopen("neo4j", "", neo4j))
    return {
        "path": "bulk (neo4j-admin database import)",
        "nodes": done.nodes,
        "links": done.links,
        "seconds": done.seconds,
        "nodes_per_s": done.nodes / done.total_seconds,
        "links_per_s": done.links_per_s,
    }


def parquet(graph: Graph, scale: str, workdir: Path, written: dict[str, float]) -> tuple[Path, float]:
    """The scale's graph as Parquet files for DuckDB, written once for both stores (2.5 minutes at large); the
    folder and the seconds writing it took (kept in `written`, by scale)."""
    from bench.floor import parquet as to_parquet

    folder = workdir / f"parquet-{scale}"
    if scale not in written:
        written[scale] = to_parquet.from_graph(graph, folder).seconds
    return folder, written[scale]


def floor(store: GraphStore, written: tuple[Path, float], repeat: int, budget_s: float) -> dict[str, Any]:
    """DuckDB's answer and time for every case beside Caleido's (bench/floor, FLOOR's), on the unchanged graph
    as Parquet (`parquet`): bench.floor.measure.measure (it raises when an answer differs)."""
    from bench.floor import measure as floor_measure

    folder, seconds = written
    found: dict[str, Any] = floor_measure.measure(store, folder, repeat=repeat, budget_s=budget_s)
    return {**found, "parquet_seconds": seconds}


def profiles(
    backend: str, scale: str, uri: str, neo4j: dict[str, str] | None, out: dict[str, Any], folder: Path
) -> dict[str, str]:
    """A profile of one direct call of every case that missed its target, direct or through the API, and of
    one evidence write if it missed its own; the files by case."""
    names = sorted(set(query_latency.missed(out.get("direct", {}))) | set(query_latency.missed(out.get("api", {}))))
    write_missed = out.get("write", {}).get("p95_ms", 0) > write_load.WRITE_TARGET_MS
    if not names and not write_missed:
        return {}
    stem = f"{scale}-{backend}"
    store = reopen(backend, uri, neo4j, LOAD_BUFFER_POOL_MB)  # as the direct calls it profiles were made
    try:
        saved = query_latency.profile(store, names, folder, stem)
        if write_missed:
            saved["write"] = write_load.profile_write(store, folder, stem)
    finally:
        store.close()
    return saved


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
    """The most memory this process has held so far (the generated nodes; Ladybug runs inside it while loading
    and the direct calls; Neo4j and the API server do not)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def budgets(given: list[str]) -> dict[str, float]:
    out: dict[str, float] = dict(BUDGETS)
    for item in given:
        scale, _, seconds = item.partition("=")
        out[scale] = float(seconds)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", default=["seed", "medium"], choices=list(SCALES))
    parser.add_argument("--backends", nargs="+", default=["embedded", "neo4j"], choices=["embedded", "neo4j"])
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per use case (after 2 warm-up calls)")
    parser.add_argument("--case-budget", type=float, default=10.0, help="seconds of timed calls per case (at least 3)")
    parser.add_argument("--mixed-seconds", type=float, default=20.0, help="length of the mixed read/write load")
    parser.add_argument("--budget", nargs="*", default=[], help="seconds for a scale, e.g. large=1800")
    parser.add_argument("--minutes", type=float, help="the whole run's limit: no scale's budget goes past it")
    parser.add_argument("--profile-at", nargs="*", default=["large"], help="scales whose missed targets are profiled")
    parser.add_argument(
        "--bulk-at", nargs="*", default=["medium", "large"], help="scales Neo4j is loaded at by its bulk import"
    )
    parser.add_argument("--server-buffer-pool-mb", type=int, default=SERVER_BUFFER_POOL_MB)
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results (a trial run elsewhere)")
    args = parser.parse_args()
    args.clock = clock = Clock()
    args.load_rates = {}
    args.parquet_seconds = {}
    limits = budgets(args.budget)
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
        "targets": {
            "use_case_p95_ms": query_latency.TARGET_MS,
            "write_p95_ms": write_load.WRITE_TARGET_MS,
            "mixed_read_p99_over_p50": write_load.MIXED_RATIO_TARGET,
            "server_peak_rss_mb_embedded": MEMORY_TARGET_MB,
            "run_minutes": RUN_MINUTES_TARGET,
        },
        "budgets_s": {s: limits[s] for s in args.scales},
        "minutes": args.minutes,
        "scales": {},
    }
    stamp = results["started"].replace(":", "").removesuffix("Z")[:15]
    run_file = args.out / f"run-{stamp}-{results['commit'].split()[0]}.json"
    args.out.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        # After every store, so a run that dies later (memory, at the large scale) keeps what it measured.
        results["seconds"] = time.perf_counter() - clock.started
        text = json.dumps(results, indent=1) + "\n"
        run_file.write_text(text)
        (args.out / "benchmarks.json").write_text(text)

    try:
        for scale in args.scales:
            run_left = args.minutes * 60 - (time.perf_counter() - clock.started) if args.minutes else math.inf
            clock.start_scale(min(limits[scale], run_left))
            clock.say(f"{scale}: generating (or reading the cached graph)")
            started = time.perf_counter()
            graph = cached(scale)  # the links wait in a file (LinkSpill): at large they would not fit in memory
            # The nodes stay alive for the whole scale: keep them out of the collector's way, or every full
            # collection during a direct call walks them too (the API server does not hold them).
            gc.collect()
            gc.freeze()
            took = time.perf_counter() - started
            clock.say(f"{scale}: {len(graph.nodes):,} nodes, {len(graph.links):,} links ({took:.0f} s)")
            entry: dict[str, Any] = {
                "nodes": len(graph.nodes),
                "links": len(graph.links),
                "generate_seconds": took,
                "budget_s": clock.budget,
                "stores": {},
            }
            results["scales"][scale] = entry
            for backend in args.backends:
                clock.say(f"  {scale} / {backend}")
                speed = calibration_seconds()  # again before every store: a shared machine's speed drifts
                entry["stores"][backend] = measured = measure(backend, scale, graph, args, workdir, neo4j)
                measured["calibration_seconds"] = speed
                measured["bench_peak_rss_mb"] = peak_rss_mb()
                save()
            entry["seconds"] = time.perf_counter() - clock.scale_started
            shutil.rmtree(workdir / f"parquet-{scale}", ignore_errors=True)
            del graph
            gc.unfreeze()
            save()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    clock.say(f"done: {run_file}")
    report.write([results], args.out)


if __name__ == "__main__":
    main()
