"""The two ways to ask the embedded store about the nodes with given ids (caleido.graph.queries.EACH_ID), side by
side on one store: as one `IN $ids` list, and looked up one by one (UNWIND, `{id: one_id}`), for lists of 100 to
20,000 organisations, with the queries a rebuild and the partner finder send (REASONS, PROGRAMME_LINKS) and the
lookup of the nodes alone. It chose MANY_IDS, the length from which the store looks them up one by one.

    python -m bench.id_lookup --scale medium            # generated (cached) and loaded into a new store
    python -m bench.id_lookup --store /path/to/store    # an embedded store loaded already

Writes bench/results/id-lookup-<scale or store name>.json: per query and length, the seconds of each way (the
median of --repeat calls, the two ways called in turn)."""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.stores import LOAD_BUFFER_POOL_MB
from bench.synthetic import cached
from caleido.graph import queries
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.sync import plan_and_write
from tests.helpers import query_parameters

RESULTS = Path(__file__).parent / "results"
LENGTHS = (100, 1000, 2000, 20000)
NODES_ALONE = queries.ORGANISATION_TYPES  # the lookup without links to follow


def measure(store: EmbeddedStore, repeat: int) -> dict[str, Any]:
    ids = sorted(row["id"] for row in store.read(queries.ORGANISATION_IDS))
    out: dict[str, Any] = {"organisations": len(ids), "many_ids": queries.MANY_IDS, "queries": {}}
    for query in (queries.REASONS, queries.PROGRAMME_LINKS, NODES_ALONE):
        found = out["queries"][query.name] = {}
        for length in (n for n in LENGTHS if n <= len(ids)):
            step = len(ids) // length
            params = query_parameters(query, ids[::step][:length], statuses=["accepted"], targets=[""])
            texts = {"list": query.render("embedded", 0), "one_by_one": query.render("embedded", queries.MANY_IDS)}
            seconds: dict[str, list[float]] = {way: [] for way in texts}
            rows: dict[str, int] = {}
            for _ in range(repeat):
                for way, text in texts.items():
                    started = time.perf_counter()
                    rows[way] = len(store._rows(text, params))  # the text itself, not the store's choice
                    seconds[way].append(time.perf_counter() - started)
            assert rows["list"] == rows["one_by_one"], (query.name, length, rows)
            found[str(length)] = {
                "rows": rows["list"],
                **{f"{way}_s": round(statistics.median(s), 4) for way, s in seconds.items()},
            }
            print(query.name, length, found[str(length)], flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--scale", help="a synthetic scale, loaded into a new store (COPY FROM, no derived data)")
    where.add_argument("--store", type=Path, help="an embedded store loaded already")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.store:
        store, name = EmbeddedStore(args.store, buffer_pool_mb=4096), args.store.name
    else:
        graph = cached(args.scale)
        store = EmbeddedStore(Path(tempfile.mkdtemp(prefix="id-lookup-")) / "store", buffer_pool_mb=LOAD_BUFFER_POOL_MB)
        plan_and_write(store, list(graph.nodes), list(graph.links), derive=False, into_empty=True)
        name = args.scale
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    result = {"started": started, "store": name, **measure(store, args.repeat)}
    store.close()
    path = RESULTS / f"id-lookup-{name}.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
