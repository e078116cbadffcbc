"""Load rates: the project's write path (caleido.graph.sync.plan_and_write, what `caleido load` and
`caleido copy` call) against a naive baseline of one Cypher MERGE statement per row.

The loader writes the nodes and then the links in transactions of BATCH rows, as the resumable batches of
`caleido copy` do: one transaction of 492,000 links went past Neo4j's transaction memory limit
(dbms.memory.transaction.total.max, 70% of a 3 GiB heap) at medium scale, and one of 482,863 nodes past
the limit of a 4 GiB heap at large scale.
The baseline runs on a sample (SAMPLE_LINKS links of every type in proportion, with the nodes at their
ends) in one explicit transaction, so it pays no commit per row: a generous baseline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import islice
from typing import Any

from bench.synthetic import Graph
from caleido.graph.derived.core import reindex
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.neo4j_store import Neo4jStore
from caleido.graph.schema import COMMON_LABEL
from caleido.graph.store import GraphStore
from caleido.graph.sync import WriteReport, plan_and_write
from caleido.loaders.copy import chunks
from caleido.ontology.records import LinkRow, NodeRow

SAMPLE_LINKS = 2_000
BATCH = 50_000
Runner = tuple[Callable[[str, dict[str, Any]], None], Callable[[], None]]


def loader_rate(store: GraphStore, graph: Graph, *, reload: bool = True) -> dict[str, Any]:
    """Nodes then links through the loader, in batches; with `reload`, the unchanged graph once more (it must
    change nothing: minutes at the large scale, so the benchmark keeps it to the smaller ones)."""
    started = time.perf_counter()
    for batch in chunks(graph.nodes, BATCH):
        plan_and_write(store, batch, [])
    nodes_seconds = time.perf_counter() - started
    links_seconds, _ = _write_links(store, graph)
    reload_seconds: float | None = None
    if reload:
        reload_seconds, again = _write_links(store, graph)
        assert not any(report.changed_anything for report in again)  # idempotent: nothing new, nothing written
    counts = store.counts()
    assert (counts.total_nodes, counts.total_links) == (len(graph.nodes), len(graph.links))
    return {
        "nodes": len(graph.nodes),
        "links": len(graph.links),
        "nodes_seconds": nodes_seconds,
        "links_seconds": links_seconds,
        "nodes_per_s": len(graph.nodes) / nodes_seconds,
        "links_per_s": len(graph.links) / links_seconds,
        "unchanged_reload_seconds": reload_seconds,
    }


def empty_store_rate(store: GraphStore, graph: Graph) -> dict[str, Any]:
    """The whole graph as one batch into an empty store, as `caleido load` of a folder sends it: the embedded
    store takes COPY FROM (EmbeddedStore.write_into_empty) with derive=False, then one rebuild of the derived data,
    timed apart. links_per_s counts the load alone, end_to_end_links_per_s the rebuild as well."""
    nodes, links = list(graph.nodes), list(graph.links)  # read from the spill before the clock starts
    started = time.perf_counter()
    plan_and_write(store, nodes, links, derive=False, into_empty=True)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    reindex(store)
    reindex_seconds = time.perf_counter() - started
    counts = store.counts()
    assert (counts.total_nodes, counts.total_links) == (len(nodes), len(links))
    return {
        "nodes": len(nodes),
        "links": len(links),
        "load_seconds": load_seconds,
        "reindex_seconds": reindex_seconds,
        "links_per_s": len(links) / load_seconds,
        "end_to_end_links_per_s": len(links) / (load_seconds + reindex_seconds),
    }


def _write_links(store: GraphStore, graph: Graph) -> tuple[float, list[WriteReport]]:
    """The links in batches of BATCH; the seconds spent writing them (not reading a spilled graph)."""
    seconds, reports = 0.0, []
    for batch in chunks(graph.links, BATCH):
        started = time.perf_counter()
        reports.append(plan_and_write(store, [], batch))
        seconds += time.perf_counter() - started
    return seconds, reports


def sample(graph: Graph, size: int = SAMPLE_LINKS) -> Graph:
    """Every n-th link (all types, in proportion) and the nodes at their ends."""
    step = max(1, len(graph.links) // size)
    links = list(islice(graph.links, 0, step * size, step))
    ends = {i for link in links for i in (link.source_id, link.target_id)}
    return Graph([n for n in graph.nodes if n.id in ends], links)


def baseline_rate(store: GraphStore, graph: Graph) -> dict[str, Any]:
    """One MERGE per row, in one transaction; the rates over the sample's nodes and links."""
    part = sample(graph)
    classes = {n.id: n.cls for n in part.nodes}
    if isinstance(store, EmbeddedStore):
        (run, finish), prefix = _embedded_runner(store), ""
    else:
        assert isinstance(store, Neo4jStore)
        (run, finish), prefix = _neo4j_runner(store), f":{COMMON_LABEL}"
    started = time.perf_counter()
    for node in part.nodes:
        run(*_merge_node(node, prefix))
    nodes_done = time.perf_counter()
    for link in part.links:
        run(*_merge_link(link, classes))
    finish()
    links_done = time.perf_counter()
    assert store.counts().total_links == len(part.links)
    return {
        "nodes": len(part.nodes),
        "links": len(part.links),
        "nodes_per_s": len(part.nodes) / (nodes_done - started),
        "links_per_s": len(part.links) / (links_done - nodes_done),
    }


def _merge_node(node: NodeRow, prefix: str) -> tuple[str, dict[str, Any]]:
    sets = ", ".join(f"x.`{k}` = ${k}" for k in node.values)
    return f"MERGE (x:`{node.cls}`{prefix} {{id: $id}}) SET {sets}", {"id": node.id, **node.values}


def _merge_link(link: LinkRow, classes: dict[str, str]) -> tuple[str, dict[str, Any]]:
    sets = ", ".join(f"r.`{k}` = ${k}" for k in link.values)
    query = (
        f"MATCH (a:`{classes[link.source_id]}` {{id: $a}}) MATCH (b:`{classes[link.target_id]}` {{id: $b}}) "
        f"MERGE (a)-[r:`{link.rel}`]->(b) SET {sets}"
    )
    return query, {"a": link.source_id, "b": link.target_id, **link.values}


def _embedded_runner(store: EmbeddedStore) -> Runner:
    conn = store._conn  # the baseline talks to Ladybug directly, as a naive loader would
    conn.execute("BEGIN TRANSACTION")

    def run(query: str, params: dict[str, Any]) -> None:
        conn.execute(query, params)

    return run, lambda: conn.execute("COMMIT")


def _neo4j_runner(store: Neo4jStore) -> Runner:
    session = store._driver.session(database=store.database)  # straight to the driver, as a naive loader would
    tx = session.begin_transaction()

    def run(query: str, params: dict[str, Any]) -> None:
        tx.run(query, params).consume()

    def finish() -> None:
        tx.commit()
        session.close()

    return run, finish


def main() -> None:
    """Both loaders into fresh embedded stores, turn about, at one scale: `python -m bench.load_rate medium 2`."""
    import json
    import shutil
    import sys
    import tempfile
    from pathlib import Path

    from bench.synthetic import cached

    scale, rounds = (sys.argv[1:] + ["small"])[0], int((sys.argv[2:] + ["1"])[0])
    graph = cached(scale)
    results: dict[str, list[dict[str, Any]]] = {"batches": [], "empty_store": []}
    for _ in range(rounds):
        for name, measure in (
            ("batches", lambda s: loader_rate(s, graph, reload=False)),
            ("empty_store", lambda s: empty_store_rate(s, graph)),
        ):
            folder = Path(tempfile.mkdtemp(prefix="load-rate-"))
            try:
                with EmbeddedStore(folder / "db") as store:
                    results[name].append(measure(store))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            print(name, json.dumps(results[name][-1]), flush=True)


if __name__ == "__main__":
    main()
