"""A batch into an embedded store without facts takes Ladybug's COPY FROM (EmbeddedStore.write_into_empty): the
store it leaves equals the one the ordinary write leaves, column by column, and a failure or a crash leaves it
without facts, as it was."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from bench.synthetic import seed_graph
from caleido.errors import StoreError
from caleido.graph.derived.core import is_stale, reindex
from caleido.graph.embedded import BULK_LOAD, EmbeddedStore, bulk_marker
from caleido.graph.metrics_hooks import Observer, add_observer, remove_observer
from caleido.graph.schema import node_classes, relationships
from caleido.graph.sync import plan_and_write, write_mark
from caleido.ontology.records import LinkRow, NodeRow


def _everything(store: EmbeddedStore) -> dict[str, Any]:
    nodes = {cls.name: list(store.iter_nodes(cls.name)) for cls in node_classes()}
    links = {rel.name: list(store.iter_links(rel.name)) for rel in relationships()}
    derived = {kind: store.entries(kind) for kind in ("derived:evidence-cells", "derived:reach", "derived:doing")}
    return {"nodes": nodes, "links": links, "derived": {k: [(e.id, e.body) for e in v] for k, v in derived.items()}}


def test_the_store_equals_the_ordinary_writes(tmp_path: Path) -> None:
    graph = seed_graph()
    nodes, links = list(graph.nodes), list(graph.links)
    with EmbeddedStore(tmp_path / "bulk") as bulk, EmbeddedStore(tmp_path / "plain") as plain:
        # Empty: the COPY path, then one rebuild of the derived data.
        report = plan_and_write(bulk, nodes, links, into_empty=True)
        assert sum(report.created.values()) == len(nodes) + len(links)
        assert not bulk.entries(BULK_LOAD) and is_stale(bulk) is None
        plain.write(nodes, links, [write_mark()])  # the ordinary write, with the derived data maintained in it
        assert bulk.has_facts() and bulk.counts() == plain.counts()
        assert _everything(bulk) == _everything(plain)
        # Now it holds facts: the ordinary path, which finds it all.
        again = plan_and_write(bulk, nodes, links, into_empty=True)
        assert not again.changed_anything


def test_a_batch_with_a_missing_end_writes_nothing(tmp_path: Path) -> None:
    graph = seed_graph()
    nodes = list(graph.nodes)
    stray = LinkRow("PART_OF", nodes[0].id, "nowhere", dict(graph.links[0].values))
    with EmbeddedStore(tmp_path / "db") as store:
        with pytest.raises(StoreError, match="an end is missing"):
            plan_and_write(store, nodes, [*graph.links, stray], into_empty=True)
        assert not store.has_facts() and not store.entries(BULK_LOAD)


def test_a_failure_in_the_middle_wipes_what_was_copied(tmp_path: Path) -> None:
    nodes = list(seed_graph().nodes)
    last = max(nodes, key=lambda node: node.cls)  # classes are copied in order: this one after all others
    broken = NodeRow(last.cls, last.id, {**last.values, "added_by": ["not", "text"]}, last.origin)
    with EmbeddedStore(tmp_path / "db") as store:
        with pytest.raises(pa.ArrowException):
            store.write_into_empty([*nodes, broken], [])
        assert not store.has_facts() and not store.entries(BULK_LOAD)
        assert store.write_into_empty(nodes, [])
        assert store.counts().total_nodes == len({node.id for node in nodes})
        assert store.write_into_empty(nodes, []) is False  # it holds facts now: the caller takes write()


def test_opening_after_a_crash_in_the_middle_leaves_no_facts(tmp_path: Path) -> None:
    graph = seed_graph()
    with EmbeddedStore(tmp_path / "db") as store:
        store.write([], [], [bulk_marker()])  # as write_into_empty leaves it when the process dies between COPYs
        store.write(list(graph.nodes)[:50], [])
    with EmbeddedStore(tmp_path / "db") as store:
        assert not store.has_facts() and not store.entries(BULK_LOAD)
        assert plan_and_write(store, list(graph.nodes), list(graph.links)).created
        reindex(store)


class _Writes(Observer):
    """What the store reports written (caleido.graph.metrics_hooks), as /metrics counts it."""

    def __init__(self) -> None:
        self.rows: list[int] = []

    def write(self, store: str, seconds: float, written: Mapping[str, int], failed: bool) -> None:
        self.rows.append(sum(written.values()))


def test_only_a_whole_graph_takes_the_bulk_path_and_a_declined_one_is_not_counted(tmp_path: Path) -> None:
    graph = seed_graph()
    nodes, links = list(graph.nodes), list(graph.links)
    writes = _Writes()
    add_observer(writes)
    try:
        with EmbeddedStore(tmp_path / "db") as store:
            taken: list[bool] = []
            bulk_path = store.write_into_empty

            def watched(*args: Any) -> bool:
                taken.append(bulk_path(*args))
                return taken[-1]

            setattr(store, "write_into_empty", watched)  # noqa: B010 (the real path, watched)
            writes.rows.clear()  # opening the store wrote its own entries
            plan_and_write(store, nodes, [])  # a batch of a copy: each batch kept whole, so the ordinary write
            assert taken == [] and len(writes.rows) == 1
            writes.rows.clear()
            assert bulk_path(nodes, []) is False  # it holds facts: declined, and not counted as written
            assert writes.rows == []
            plan_and_write(store, [], links, into_empty=True)  # declined as it holds facts: the ordinary write
            assert taken == [False] and len(writes.rows) == 1
    finally:
        remove_observer(writes)
