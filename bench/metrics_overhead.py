"""What the metrics cost (caleido.api.metrics): each use case called on a store with the metrics' observer
listening and without, and a request through the app with its timing middleware and without, alternating
call by call in one run so that both sides see the same machine.

    .venv/bin/python -m bench.metrics_overhead --scale small --repeat 30

Prints p50 and p95 of each side and their ratio; the JSON goes to stdout's last line.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from bench.load_rate import loader_rate
from bench.query_latency import CASES, percentiles
from bench.stores import fresh_store
from bench.synthetic import generate
from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.api.metrics import Metrics
from caleido.graph import metrics_hooks
from caleido.graph.store import Entry, GraphStore, entry_time
from caleido.settings import Settings


def side_by_side(off: Callable[[], Any], on: Callable[[], Any], repeat: int) -> dict[str, Any]:
    """p50/p95 of `off` and `on`, called in turns (which goes first alternates), after one warm-up each."""
    off()
    on()
    times: dict[str, list[float]] = {"off": [], "on": []}
    for i in range(repeat):
        for side, call in (("off", off), ("on", on)) if i % 2 == 0 else (("on", on), ("off", off)):
            started = time.perf_counter()
            call()
            times[side].append(time.perf_counter() - started)
    out: dict[str, Any] = {side: percentiles(seconds) for side, seconds in times.items()}
    out["ratio_p50"] = out["on"]["p50_ms"] / out["off"]["p50_ms"]
    return out


def observed(call: Callable[[], Any], observer: metrics_hooks.Observer) -> Callable[[], Any]:
    def run() -> Any:
        metrics_hooks.add_observer(observer)
        try:
            return call()
        finally:
            metrics_hooks.remove_observer(observer)

    return run


class Reads(metrics_hooks.Observer):
    def __init__(self) -> None:
        self.count = 0

    def read(self, store: str, query: str, seconds: float, failed: bool) -> None:
        self.count += 1


def reads_of(call: Callable[[], Any]) -> int:
    """How many catalogue queries one call makes: each pays the hook once."""
    reads = Reads()
    observed(call, reads)()
    return reads.count


def observation_us(calls: int = 100_000) -> dict[str, float]:
    """What the hooks add per read and per request, in microseconds: the observer's work and the timing
    around it, without the noise of the query (the figure behind the side-by-side ratios)."""
    metrics = Metrics()
    started = time.perf_counter()
    for _ in range(calls):
        metrics.read("embedded", "SEARCH", 0.001, False)
    read = (time.perf_counter() - started) / calls * 1e6
    started = time.perf_counter()
    for _ in range(calls):
        metrics.requests.labels("/api/v1/nodes/{node_id}", "GET", "2xx").observe(0.001)
    request = (time.perf_counter() - started) / calls * 1e6
    return {"read_us": read, "request_us": request}


def store_cases(store: GraphStore, repeat: int) -> dict[str, Any]:
    observer = Metrics()
    out: dict[str, Any] = {}
    for name, (case, _) in CASES.items():

        def call(c: Callable[[GraphStore], Any] = case) -> Any:
            return c(store)

        out[name] = side_by_side(call, observed(call, observer), repeat)
        out[name]["reads"] = reads_of(call)
    count = iter(range(10**9))

    def write() -> None:  # one entry, in a transaction of its own: the smallest write
        n = next(count)
        store.put_entries([Entry("bench:metrics", f"e{n}", "bench", entry_time(), {"n": n})])

    out["write"] = side_by_side(write, observed(write, observer), repeat)
    return out


def request_cases(store: GraphStore, workdir: Path, repeat: int) -> dict[str, Any]:
    """The middleware alone: /healthz touches no store; the apps are not started, so no observer listens."""
    keys = KeyStore(workdir / "keys.sqlite3")
    plain = TestClient(create_app(Settings(metrics=False), store=store, keys=keys))
    timed = TestClient(create_app(Settings(metrics=True), store=store, keys=keys))
    # 10 times as many: a request is short, and its noise (the test client's thread hop) large
    return {"healthz": side_by_side(lambda: plain.get("/healthz"), lambda: timed.get("/healthz"), 10 * repeat)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", help="tiny, small, medium (bench.synthetic)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="metrics-overhead-") as tmp:
        workdir = Path(tmp)
        store = fresh_store("embedded", workdir)
        loaded = loader_rate(store, generate(args.scale))
        print(f"embedded, {args.scale}: {loaded['nodes']:,} nodes, {loaded['links']:,} links", flush=True)
        result: dict[str, Any] = {"scale": args.scale, "observation": observation_us()}
        result["store"] = store_cases(store, args.repeat)
        result["requests"] = request_cases(store, workdir, args.repeat)
        store.close()
    for group in ("store", "requests"):
        for name, sides in result[group].items():
            off, on = sides["off"], sides["on"]
            reads = f"   {sides['reads']} reads" if "reads" in sides else ""
            print(
                f"  {name:<14} off p50 {off['p50_ms']:8.3f} ms p95 {off['p95_ms']:8.3f}   "
                f"on p50 {on['p50_ms']:8.3f} ms p95 {on['p95_ms']:8.3f}   on/off {sides['ratio_p50']:.3f}{reads}"
            )
    cost = result["observation"]
    print(f"  one observation: a read {cost['read_us']:.2f} µs, a request {cost['request_us']:.2f} µs")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
