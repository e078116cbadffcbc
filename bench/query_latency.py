"""Latency of the use cases: called on the store directly, and through the HTTP API on loopback."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx

from caleido.api.routes import COVERAGE_PAGE, GAPS_PAGE, PARTNERS_PAGE
from caleido.graph import usecases
from caleido.graph.store import GraphStore

MUNICIPALITY = "GM0363"  # Amsterdam
CENTRE = "rf-complotdenken"  # a risk factor of the seed, present at every scale
SEARCH = "vertrouwen"

# name -> (direct call, API path with the same parameters)
CASES: dict[str, tuple[Callable[[GraphStore], Any], str]] = {
    # The API's default page sizes, so both sides do the same work.
    "coverage": (lambda s: usecases.coverage(s, limit=COVERAGE_PAGE), "/api/v1/coverage"),
    "gaps": (lambda s: usecases.gaps(s, limit=GAPS_PAGE), "/api/v1/gaps"),
    "partners": (
        lambda s: usecases.partners(s, MUNICIPALITY, limit=PARTNERS_PAGE),
        f"/api/v1/partners?municipality={MUNICIPALITY}",
    ),
    "neighbourhood": (
        lambda s: usecases.neighbourhood(s, CENTRE, depth=2, limit=200),
        f"/api/v1/nodes/{CENTRE}/neighbourhood?depth=2&limit=200",
    ),
    "search": (lambda s: usecases.search(s, SEARCH), f"/api/v1/search?q={SEARCH}"),
}


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "p50_ms": statistics.median(ms),
        "p95_ms": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))],
        "n": len(ms),
    }


def _timed(call: Callable[[], Any], repeat: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def direct(store: GraphStore, repeat: int, warmup: int = 2) -> dict[str, dict[str, float]]:
    out = {}
    for name, (call, _) in CASES.items():

        def run(c: Callable[[GraphStore], Any] = call) -> None:
            c(store)

        out[name] = percentiles(_timed(run, repeat, warmup))
    return out


def via_api(base: str, repeat: int, warmup: int = 2) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=base, timeout=300) as client:
        for name, (_, path) in CASES.items():

            def get(p: str = path) -> None:
                client.get(p).raise_for_status()

            out[name] = percentiles(_timed(get, repeat, warmup))
            out[name]["bytes"] = len(client.get(path).content)
    return out
