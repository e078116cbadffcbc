"""Neo4j reads, side by side: the use cases with every row read as a record of its own (the driver's usual way)
against the rows collected into one record (what Neo4jStore.read does), call after call on one server and one
graph, so the machine's drift hits both alike.

    python -m bench.neo4j_reads                    # the medium graph, 15 calls per use case and way
    python -m bench.neo4j_reads --scale seed --repeat 5

Starts its own Neo4j unless NEO4J_URI is set (that server is emptied), like bench.run. Writes
bench/results/neo4j-reads.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.load_rate import loader_rate
from bench.query_latency import CASES
from bench.run import commit
from bench.stores import fresh_store, neo4j_env
from bench.synthetic import generate
from caleido.graph.neo4j_store import Neo4jStore, _native
from caleido.graph.queries import Query
from caleido.graph.store import GraphStore

RESULTS = Path(__file__).parent / "results"


class PerRecordReads(Neo4jStore):
    """The baseline: each row of a read comes as a record of its own."""

    def read(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        text = query.bind(self.dialect, params)
        return [{key: _native(value) for key, value in record.items()} for record in self._records(text, params)]


def compare(ways: dict[str, GraphStore], repeat: int) -> dict[str, dict[str, float]]:
    """p50 per use case and way; the ways take turns on every call."""
    out: dict[str, dict[str, float]] = {}
    for name, (call, _) in CASES.items():
        seconds: dict[str, list[float]] = {way: [] for way in ways}
        for _ in range(2):  # warm-up: plans cached, pages in memory
            for store in ways.values():
                call(store)
        for _ in range(repeat):
            for way, store in ways.items():
                started = time.perf_counter()
                call(store)
                seconds[way].append(time.perf_counter() - started)
        out[name] = {way: statistics.median(times) * 1000 for way, times in seconds.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    neo4j = neo4j_env()
    workdir = Path(tempfile.mkdtemp(prefix="caleido-bench-"))
    graph = generate(args.scale, spill=workdir / "links.pickle")
    store = fresh_store("neo4j", workdir, neo4j)
    loader_rate(store, graph)
    ways: dict[str, GraphStore] = {
        "per record": PerRecordReads(neo4j["NEO4J_URI"], neo4j["NEO4J_USER"], neo4j["NEO4J_PASSWORD"]),
        "collected": store,
    }
    p50 = compare(ways, args.repeat)
    for way in ways.values():
        way.close()
    result = {
        "started": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit(),
        "scale": args.scale,
        "nodes": len(graph.nodes),
        "links": len(graph.links),
        "repeat": args.repeat,
        "p50_ms": p50,
    }
    args.out.mkdir(exist_ok=True)
    (args.out / "neo4j-reads.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"| use case ({args.scale}) | per record p50 ms | collected p50 ms | collected ÷ per record |")
    print("|---|---:|---:|---:|")
    for name, row in p50.items():
        before, after = row["per record"], row["collected"]
        print(f"| {name} | {before:.1f} | {after:.1f} | {after / before:.2f} |")


if __name__ == "__main__":
    main()
