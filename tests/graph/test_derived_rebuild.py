"""`caleido reindex` beside writers: a batch of derived values computed before a write maintained one of them is
computed again, never written over the write's value."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from caleido.graph.derived import core
from caleido.graph.derived.core import Reader
from caleido.graph.store import Entry, GraphStore, entry_time

KIND = "derived:test-race"


class RacedFamily:
    """A family whose first computation is overtaken by a writer that maintains one of its keys meanwhile."""

    kind = KIND

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.computed = 0

    def compute(self, read: Reader, keys: Collection[str]) -> dict[str, dict[str, Any]]:
        self.computed += 1
        if self.computed == 1:
            self.store.put_entries([Entry(KIND, "a", "a", entry_time(), {"value": "the writer's"})])
            return {key: {"value": "computed before the write"} for key in keys}
        return {key: {"value": "computed after the write"} for key in keys}


def test_a_batch_overtaken_by_a_write_is_computed_again(store: GraphStore) -> None:
    family = RacedFamily(store)
    core._rebuild_batch(store, [(family, ["a", "b"])])  # type: ignore[list-item]  # a Family in all it is called for
    stored = {entry.id: entry.body["value"] for entry in store.entries(KIND)}
    assert family.computed == 2
    assert stored == {"a": "computed after the write", "b": "computed after the write"}


def test_a_batch_nobody_overtook_is_written_once(store: GraphStore) -> None:
    store.put_entries([Entry(KIND, "a", "a", entry_time(), {"value": "old"})])
    family = RacedFamily(store)
    family.computed = 1  # no writer this time
    core._rebuild_batch(store, [(family, ["a", "b"])])  # type: ignore[list-item]
    assert family.computed == 2
    assert {entry.id: entry.body["value"] for entry in store.entries(KIND)} == {
        "a": "computed after the write",
        "b": "computed after the write",
    }
