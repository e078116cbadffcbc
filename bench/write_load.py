"""Writes through the API: one evidence write at a time (a finding with two evidence links, the derived data
maintained inside the write), and reads while a fifth of the requests write (bench/api_load.py's mixed load,
with a few clients: the machine has two cores).

Targets (issue #19 point 2): the write's p95 at most WRITE_TARGET_MS; under the mixed load, read p99 at most
MIXED_RATIO_TARGET times read p50.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from bench.api_load import finding_body, run_load
from bench.query_latency import CENTRE, percentiles, timed_calls
from caleido.api import schemas
from caleido.api.evidence_routes import record_finding
from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore

WRITE_TARGET_MS = 200.0
MIXED_RATIO_TARGET = 3.0
INTERVENTION = "int-brede-aanpak"  # a seed intervention, present at every scale
MIXED_CLIENTS = 4


def researcher_key(keys_file: Path) -> str:
    """A researcher's key in the key store the served API reads (CALEIDO_KEYS_FILE)."""
    key, _ = KeyStore(keys_file).create("bench", "researcher")
    return key


def evidence_body(n: int) -> dict[str, Any]:
    """The n-th finding, new each time, evidence for a factor and an intervention (two EVIDENCE_FOR links)."""
    evidence = {"factor": CENTRE, "intervention": INTERVENTION, "direction": "supports"}
    return {**finding_body("Bench write", 0, n), "evidence": evidence}


def evidence_writes(base: str, key: str, repeat: int, warmup: int = 2, budget_s: float = 20.0) -> dict[str, Any]:
    """p50/p95 of POST /api/v1/findings with two evidence links (fewer than `repeat` calls when they pass
    `budget_s`, as for the reads)."""
    written = iter(range(warmup + repeat))
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=300) as client:

        def write() -> None:
            response = client.post("/api/v1/findings", json=evidence_body(next(written)))
            if response.status_code != 201:
                raise RuntimeError(f"evidence write refused: {response.status_code} {response.text[:300]}")

        for _ in range(warmup):
            write()
        times = timed_calls(write, repeat, budget_s)
    return {**percentiles(times), "target_ms": WRITE_TARGET_MS}


def mixed(base: str, key: str, seconds: float, clients: int = MIXED_CLIENTS) -> dict[str, Any]:
    """Reads while 20 % of requests write: per kind of read its p50, p99 and their ratio; the target is judged on
    the worst kind (`read_*`), since reads of all kinds pooled mix a 2 ms search with a 50 ms partner list and
    their ratio says more about the mix than about waiting behind writes (kept as `pooled`); write p50/p99, lost
    writes."""
    result = run_load(base, key, seconds=seconds, clients=clients)
    reads = sorted(s * 1000 for kind, v in result.latencies.items() if kind != "write" for s in v)
    per_read = {
        kind: _spread(sorted(s * 1000 for s in times))
        for kind, times in sorted(result.latencies.items())
        if kind != "write" and times
    }
    writes = sorted(s * 1000 for s in result.latencies.get("write", []))
    out: dict[str, Any] = {
        "seconds": round(result.seconds, 1),
        "clients": clients,
        "reads": len(reads),
        "writes": len(writes),
        "errors": len(result.errors),
        "first_errors": result.errors[:3],
        "writes_lost": len(result.lost),
        "ratio_target": MIXED_RATIO_TARGET,
    }
    if per_read:
        worst = max(per_read, key=lambda kind: per_read[kind]["read_p99_over_p50"])
        out |= {**per_read[worst], "worst_read": worst, "per_read": per_read, "pooled": _spread(reads)}
    if writes:
        out |= {"write_p50_ms": statistics.median(writes), "write_p99_ms": writes[round(0.99 * (len(writes) - 1))]}
    return out


def _spread(ms: list[float]) -> dict[str, float]:
    """p50, p99 and their ratio of sorted latencies in ms."""
    p50, p99 = statistics.median(ms), ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return {"read_p50_ms": p50, "read_p99_ms": p99, "read_p99_over_p50": p99 / p50, "n": len(ms)}


def profile_write(store: GraphStore, folder: Path, stem: str) -> str:
    """A pyinstrument profile of one evidence write straight into the store (what the route calls)."""
    from pyinstrument import Profiler

    body = schemas.FindingIn.model_validate(evidence_body(int(time.time())))
    profiler = Profiler(interval=0.002)
    with profiler:
        record_finding(store, body, "key:bench")
    path = folder / f"{stem}-write.txt"
    path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return f"{folder.name}/{path.name}"
