"""Caleido beside its floor: per use case, DuckDB's answer checked equal to Caleido's, then both timed warm.

DuckDB runs on one connection with the Parquet files loaded into tables (bench.floor.duck); the loading is timed
once, apart. Caleido is timed calling the use case on the store directly (as bench.query_latency's `direct`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from bench.floor.cases import CASES, Case, check
from bench.floor.duck import Floor
from bench.query_latency import _timed, percentiles
from caleido.graph.store import GraphStore


def measure(
    store: GraphStore,
    parquet_folder: Path,
    cases: Sequence[Case] = CASES,
    repeat: int = 20,
    budget_s: float = 10.0,
) -> dict[str, Any]:
    """{"duckdb_load_s": .., "storage": "tables", "cases": {name: {"duckdb": {p50_ms, p95_ms, n}, "caleido": {..},
    "ratio_p50": caleido / duckdb, "ratio_p95": .., "equal": true}}}; raises bench.floor.cases.Mismatch when an
    answer differs. A side whose calls pass `budget_s` stops early (bench.query_latency.timed_calls)."""
    floor = Floor(parquet_folder)
    try:
        out: dict[str, Any] = {"duckdb_load_s": round(floor.load_seconds, 3), "storage": "tables", "cases": {}}
        for case in cases:
            check(case.name, case.normalise(case.caleido(store)), case.floor(floor))
            duck = percentiles(_timed(partial(case.floor, floor), repeat, 1, budget_s))
            # The check's call warmed Caleido's side up already.
            caleido = percentiles(_timed(partial(case.caleido, store), repeat, 0, budget_s))
            out["cases"][case.name] = {
                "duckdb": duck,
                "caleido": caleido,
                "ratio_p50": round(caleido["p50_ms"] / duck["p50_ms"], 2),
                "ratio_p95": round(caleido["p95_ms"] / duck["p95_ms"], 2),
                "equal": True,
            }
        return out
    finally:
        floor.close()
