"""Latency of the use cases: called on the store directly, and through the HTTP API (or page) on loopback.

Every case has the issue's target (TARGET_MS at p95, issue #19 point 2), direct and through the API. A case that
misses it at a scale asked for (`bench.run --profile-at`) gets a pyinstrument profile of one direct call.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from caleido.api.routes import COVERAGE_PAGE, GAPS_PAGE, PARTNERS_PAGE
from caleido.graph import usecases
from caleido.graph.store import GraphStore
from caleido.graph.usecases.map_measures import map_measure
from caleido.graph.usecases.signals import match_signal
from caleido.loaders.signal_lexicon import seed_lexicon

MUNICIPALITY = "GM0363"  # Amsterdam
CENTRE = "rf-complotdenken"  # a risk factor of the seed, present at every scale
FACTOR = "pf-vertrouwen-overheid"  # a protective factor of the seed with findings at every scale (36 at small)
SEARCH = "vertrouwen"
SIGNAL = "jongere trekt zich terug en deelt complotfilmpjes"  # the API's own example
TARGET_MS = 250.0  # p95, direct and through the API, at the large scale

# name -> (direct call, API path with the same parameters)
CASES: dict[str, tuple[Callable[[GraphStore], Any], str]] = {
    # The API's default page sizes, so both sides do the same work.
    "coverage": (lambda s: usecases.coverage(s, limit=COVERAGE_PAGE), "/api/v1/coverage"),
    "gaps": (lambda s: usecases.gaps(s, limit=GAPS_PAGE), "/api/v1/gaps"),
    "partners": (
        lambda s: usecases.partners(s, MUNICIPALITY, usecases.PartnerQuery(limit=PARTNERS_PAGE)),
        f"/api/v1/partners?municipality={MUNICIPALITY}",
    ),
    "signals": (
        lambda s: match_signal(s, SIGNAL, seed_lexicon(), limit=10),
        f"/api/v1/signals/match?text={quote(SIGNAL)}",
    ),
    "neighbourhood": (
        lambda s: usecases.neighbourhood(s, CENTRE, depth=2, limit=200),
        f"/api/v1/nodes/{CENTRE}/neighbourhood?depth=2&limit=200",
    ),
    "search": (lambda s: usecases.search(s, SEARCH), f"/api/v1/search?q={SEARCH}"),
    # The pages: their use case direct, and the whole HTML page (the map also draws 342 outlines).
    "map": (lambda s: map_measure(s, "providers"), "/kaart"),
    "brief": (lambda s: usecases.brief(s, MUNICIPALITY), f"/gemeente/{MUNICIPALITY}"),
    "factor_evidence": (lambda s: usecases.target_cell(s, FACTOR), f"/api/v1/coverage/factor?id={FACTOR}"),
}


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "p50_ms": statistics.median(ms),
        "p95_ms": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))],
        "p99_ms": ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))],
        "n": len(ms),
    }


def _timed(call: Callable[[], Any], repeat: int, warmup: int, budget_s: float = 10.0) -> list[float]:
    """`repeat` timed calls after `warmup`, fewer when calls are so slow that they pass `budget_s` (at least 3
    unless they pass 1.5 times it): a case far off its target says so in a few calls, and is profiled."""
    started = time.perf_counter()
    for _ in range(warmup):
        call()
        if time.perf_counter() - started > budget_s / 4:
            break  # one slow warm-up call is enough
    return timed_calls(call, repeat, budget_s)


def timed_calls(call: Callable[[], Any], repeat: int, budget_s: float) -> list[float]:
    times: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
        spent = sum(times)
        if (len(times) >= 3 and spent > budget_s) or spent > 1.5 * budget_s:
            break
    return times


def direct(store: GraphStore, repeat: int, warmup: int = 2, budget_s: float = 20.0) -> dict[str, dict[str, float]]:
    out = {}
    for name, (call, _) in CASES.items():

        def run(c: Callable[[GraphStore], Any] = call) -> None:
            c(store)

        out[name] = percentiles(_timed(run, repeat, warmup, budget_s))
    return out


def via_api(base: str, repeat: int, warmup: int = 2, budget_s: float = 20.0) -> dict[str, dict[str, Any]]:
    """Every case through the API: its percentiles and the size of its response; a case the server does not
    answer (its deadline passed: 503) is recorded with the error and how long it took, and the others go on."""
    out: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=base, timeout=300) as client:
        for name, (_, path) in CASES.items():
            sizes: list[int] = []

            def get(p: str = path, sizes: list[int] = sizes) -> None:
                response = client.get(p)
                response.raise_for_status()
                sizes.append(len(response.content))

            started = time.perf_counter()
            try:
                out[name] = {**percentiles(_timed(get, repeat, warmup, budget_s)), "bytes": sizes[-1]}
            except httpx.HTTPError as exc:
                out[name] = {"error": _failure(exc), "seconds": round(time.perf_counter() - started, 1)}
    return out


def _failure(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}: {exc.response.text[:200]}"
    return f"{type(exc).__name__}: {exc}"


def missed(measured: dict[str, dict[str, Any]], target_ms: float = TARGET_MS) -> list[str]:
    """The cases that missed the target at p95, or failed."""
    return [name for name, m in measured.items() if "error" in m or m["p95_ms"] > target_ms]


def profile(store: GraphStore, names: list[str], folder: Path, stem: str) -> dict[str, str]:
    """A pyinstrument profile (text, the frames that took the time) of one direct call of each case named;
    the file names, relative to `folder`'s parent, by case."""
    from pyinstrument import Profiler

    folder.mkdir(parents=True, exist_ok=True)
    saved = {}
    for name in names:
        profiler = Profiler(interval=0.002)
        with profiler:
            CASES[name][0](store)
        path = folder / f"{stem}-{name}.txt"
        path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        saved[name] = f"{folder.name}/{path.name}"
    return saved
