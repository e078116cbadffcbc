"""Latency of the reach use cases (partners, the map's measures for all municipalities, the municipal brief,
signal matching) called on one store directly: `python -m bench.reach_latency --scale medium --backend embedded
--store DIR` generates and loads the scale into DIR the first time (into an emptied Neo4j for `--backend
neo4j`, with NEO4J_URI/USER/PASSWORD set) and reuses it after; `--profile` prints a pyinstrument profile of
one call of each."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.load_rate import loader_rate
from bench.query_latency import MUNICIPALITY, _timed, percentiles
from bench.stores import wipe_neo4j
from bench.synthetic import generate
from caleido.graph import usecases
from caleido.graph.derived.reach import DOING, REACH
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.neo4j_store import Neo4jStore
from caleido.graph.store import Entry, GraphStore, entry_time
from caleido.graph.usecases.brief import brief
from caleido.graph.usecases.map_measures import map_measure
from caleido.graph.usecases.signals import match_signal
from caleido.loaders.signal_lexicon import seed_lexicon
from caleido.settings import get_settings

SIGNALS = ("complotfilmpjes op school", "wantrouwen tegen de overheid")
FACTOR = "rf-complotdenken"

CASES: dict[str, Callable[[GraphStore], Any]] = {
    "partners": lambda s: usecases.partners(s, MUNICIPALITY, usecases.PartnerQuery(limit=50)),
    "partners_factor": lambda s: usecases.partners(s, MUNICIPALITY, usecases.PartnerQuery(targets=[FACTOR], limit=50)),
    "partners_proposed": lambda s: usecases.partners(
        s, MUNICIPALITY, usecases.PartnerQuery(include_proposed=True, limit=50)
    ),
    "map_providers": lambda s: map_measure(s, "providers"),
    "map_providers_factor": lambda s: map_measure(s, "providers", target=FACTOR),
    "map_recognised": lambda s: map_measure(s, "recognised"),
    "brief": lambda s: brief(s, MUNICIPALITY),
    "signal_0": lambda s: match_signal(s, SIGNALS[0], seed_lexicon()),
    "signal_1": lambda s: match_signal(s, SIGNALS[1], seed_lexicon()),
}


def open_loaded(backend: str, scale: str, folder: Path) -> GraphStore:
    """The store holding the scale, loaded once (a marker file says it is)."""
    marker = folder / f"loaded-{backend}-{scale}"
    store: GraphStore
    if backend == "embedded":
        store = EmbeddedStore(folder / "db", buffer_pool_mb=get_settings().embedded_buffer_pool_mb)
    else:
        import os

        env = {k: os.environ[k] for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD")}
        if not marker.exists():
            wipe_neo4j(env)
        store = Neo4jStore(env["NEO4J_URI"], env["NEO4J_USER"], env["NEO4J_PASSWORD"])
    if not marker.exists():
        started = time.perf_counter()
        loaded = loader_rate(store, generate(scale))
        print(f"loaded {scale} in {time.perf_counter() - started:.0f} s: {loaded['links']} links", flush=True)
        marker.write_text(json.dumps(loaded))
    return store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--backend", default="embedded", choices=("embedded", "neo4j"))
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--derive", default="", help="families whose entries to store first (reach,doing): until reindex"
    )
    args = parser.parse_args()
    args.store.mkdir(parents=True, exist_ok=True)
    store = open_loaded(args.backend, args.scale, args.store)
    if args.derive:
        started = time.perf_counter()
        for family in [f for f in (REACH, DOING) if f.kind.removeprefix("derived:") in args.derive.split(",")]:
            bodies = family.compute(store.read, family.all_keys(store.read))
            store.put_entries([Entry(family.kind, key, key, entry_time(), body) for key, body in bodies.items()])
        print(f"derived entries stored in {time.perf_counter() - started:.1f} s", flush=True)
    results = {}
    for name in args.cases.split(","):
        call = CASES[name]
        if args.profile:
            from pyinstrument import Profiler

            call(store)
            with Profiler() as profiler:
                call(store)
            print(profiler.output_text(unicode=False, color=False, show_all=False))
            continue
        results[name] = percentiles(_timed(partial(call, store), args.repeat, warmup=1))
        print(f"{name:22} p50 {results[name]['p50_ms']:9.1f} ms  p95 {results[name]['p95_ms']:9.1f} ms", flush=True)
    if args.out and results:
        args.out.write_text(json.dumps({"scale": args.scale, "backend": args.backend, "cases": results}, indent=1))


if __name__ == "__main__":
    main()
