"""Entries (records that are not graph facts: history, revisions, jobs, idempotency keys) and expectations
(compare-and-set preconditions of a write), on each backend."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from caleido.errors import StoreError, WriteConflict
from caleido.graph import usecases
from caleido.graph.store import ENTRIES, Entry, Expected, GraphStore
from caleido.loaders.copy import copy_store
from caleido.loaders.export import export_rdf
from caleido.ontology.records import LinkRow, NodeRow
from tests.helpers import open_backend

PROV = {"source": "src-1", "locator": "p. 1", "status": "proposed", "added_by": "t", "added_at": "2026-01-01T00:00:00Z"}
SOURCE = NodeRow("Source", "src-1", {"label_nl": "Bron", "source_type": "web-page", "citation": "c", **PROV})
FACTOR = NodeRow("RiskFactor", "rf-1", {"label_nl": "Wanhoop", "dimension": "environment", **PROV})
FINDING = NodeRow("Finding", "fnd-1", {"label_nl": "Bevinding", "grade": "not-assessed", **PROV})
LINK = LinkRow("EVIDENCE_FOR", "fnd-1", "rf-1", {"direction": "supports", **PROV})
BODY = {"old": {"status": "proposed"}, "new": {"status": "accepted"}, "note": "emoji 🧩, quote \" and '", "n": [1, 2.5]}


def _entry(entry_id: str, at: str = "2026-01-01T00:00:00Z", subject: str = "rf-1", kind: str = "history") -> Entry:
    return Entry(kind, entry_id, subject, at, {**BODY, "id": entry_id})


def test_entries_are_upserted_on_kind_and_id_and_read_in_order(store: GraphStore) -> None:
    store.put_entries([_entry("b", "2026-01-02T00:00:00Z"), _entry("a", "2026-01-02T00:00:00Z"), _entry("c")])
    store.put_entries([_entry("x", subject="rf-2"), _entry("a", kind="job")])
    assert [e.id for e in store.entries("history")] == ["c", "x", "a", "b"]  # by time, then id
    assert [e.id for e in store.entries("history", subject="rf-1")] == ["c", "a", "b"]
    assert [e.id for e in store.entries("history", ids=["b", "x", "nowhere"])] == ["x", "b"]
    assert store.entries("history", subject="rf-2", ids=["b"]) == []
    assert store.entries("job") == [_entry("a", kind="job")]
    assert store.entries("history", ids=["c"])[0].body == {**BODY, "id": "c"}

    store.put_entries([Entry("history", "c", "rf-9", "2026-03-01T00:00:00Z", {"state": "done"})])
    assert store.entries("history", ids=["c"]) == [
        Entry("history", "c", "rf-9", "2026-03-01T00:00:00Z", {"state": "done"})
    ]
    assert len(store.entries("history")) == 4


def test_entries_land_with_the_facts_or_not_at_all(store: GraphStore) -> None:
    store.write([SOURCE, FACTOR, FINDING], [LINK], [_entry("a")])
    assert [e.id for e in store.entries("history")] == ["a"]
    with pytest.raises(StoreError, match="rolled back"):
        store.write([], [LinkRow("EVIDENCE_FOR", "fnd-1", "rf-missing", dict(PROV))], [_entry("b")])
    assert [e.id for e in store.entries("history")] == ["a"]


def test_entries_are_no_graph_facts(tmp_path: Path, store: GraphStore) -> None:
    store.write([SOURCE, FACTOR], [], [_entry("rf-1"), _entry("src-1", subject="src-1")])
    counts = store.counts()
    assert (counts.total_nodes, counts.total_links) == (2, 0)
    assert store.find_classes(["rf-1", "history\x1frf-1"]) == {"rf-1": "RiskFactor"}
    assert [hit.id for hit in usecases.search(store, "status")] == []
    assert "history" not in export_rdf(store, "ttl")
    target = open_backend("embedded", tmp_path / "copy")
    try:
        copy_store(store, target)
        assert target.counts().total_nodes == 2 and target.entries("history") == []
    finally:
        target.close()


# ---------------------------------------------------------------- expectations


def test_a_write_lands_when_what_it_expects_holds(store: GraphStore) -> None:
    store.write([SOURCE, FACTOR, FINDING], [LINK], [_entry("a")])
    accepted = {**FACTOR.values, "status": "accepted"}
    store.write(
        [NodeRow("RiskFactor", "rf-1", accepted)],
        [LinkRow("EVIDENCE_FOR", "fnd-1", "rf-1", {**LINK.values, "status": "accepted"})],
        [_entry("b")],
        expect=[
            Expected("RiskFactor", ("rf-1",), {"status": "proposed", "label_nl": "Wanhoop", "alt_labels": None}),
            Expected("EVIDENCE_FOR", ("fnd-1", "rf-1"), {"direction": "supports", "review_log": []}),
            Expected(ENTRIES, ("history", "a"), {"subject": "rf-1", "body": {**BODY, "id": "a"}}),
            Expected(ENTRIES, ("history", "b")),
        ],
    )
    assert store.fetch_nodes("RiskFactor", ["rf-1"])["rf-1"]["status"] == "accepted"
    assert [e.id for e in store.entries("history")] == ["a", "b"]


@pytest.mark.parametrize(
    ("expected", "named"),
    [
        (Expected("RiskFactor", ("rf-1",), {"status": "accepted"}), r"RiskFactor rf-1 changed meanwhile \(status\)"),
        (Expected("RiskFactor", ("rf-2",), {"status": "proposed"}), "RiskFactor rf-2 no longer exists"),
        (Expected("EVIDENCE_FOR", ("fnd-1", "rf-1"), {"direction": "contradicts"}), r"\(direction\)"),
        (Expected("EVIDENCE_FOR", ("fnd-1", "rf-1"), None), "EVIDENCE_FOR fnd-1 rf-1 exists already"),
        (Expected(ENTRIES, ("history", "a"), {"body": {}}), r"CaleidoEntry history a changed meanwhile \(body\)"),
        (Expected(ENTRIES, ("history", "a"), None), "exists already|already exists"),
        (Expected("RiskFactor", ("rf-1",), None), "exists already|already exists"),
    ],
)
def test_a_write_whose_expectation_fails_writes_nothing(store: GraphStore, expected: Expected, named: str) -> None:
    store.write([SOURCE, FACTOR, FINDING], [LINK], [_entry("a")])
    changed = NodeRow("RiskFactor", "rf-1", {**FACTOR.values, "label_nl": "Nieuw"})
    with pytest.raises(WriteConflict, match=named):
        store.write([changed], [], [_entry("a", subject="elsewhere"), _entry("b")], expect=[expected])
    assert store.fetch_nodes("RiskFactor", ["rf-1"])["rf-1"]["label_nl"] == "Wanhoop"
    assert [(e.id, e.subject) for e in store.entries("history")] == [("a", "rf-1")]


def test_a_row_expected_absent_must_be_written(store: GraphStore) -> None:
    with pytest.raises(ValueError, match="not written"):
        store.write([SOURCE], [], [_entry("a")], expect=[Expected(ENTRIES, ("history", "b"))])
    assert store.counts().total_nodes == 0


def _race(threads: int, attempt: Callable[[], None]) -> tuple[int, list[BaseException]]:
    """Run `attempt` in several threads at once; how many succeeded, and every failure."""
    start = threading.Barrier(threads)
    won: list[int] = []
    failures: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            attempt()
            won.append(1)
        except BaseException as exc:  # collected for the main thread
            failures.append(exc)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return len(won), failures


def test_eight_concurrent_compare_and_sets_of_one_status_let_exactly_one_win(store: GraphStore) -> None:
    store.write([SOURCE, FACTOR], [])
    seen = store.fetch_nodes("RiskFactor", ["rf-1"])["rf-1"]["status"]  # every writer read "proposed"
    counter = iter(range(100))

    def accept() -> None:
        n = next(counter)
        store.write(
            [NodeRow("RiskFactor", "rf-1", {**FACTOR.values, "status": "accepted", "reviewed_by": f"c{n}"})],
            [],
            [_entry(f"review-{n}")],
            expect=[Expected("RiskFactor", ("rf-1",), {"status": seen})],
        )

    won, failures = _race(8, accept)
    assert won == 1 and len(failures) == 7 and all(isinstance(f, WriteConflict) for f in failures), failures
    winner = store.fetch_nodes("RiskFactor", ["rf-1"])["rf-1"]["reviewed_by"]
    assert [e.id for e in store.entries("history")] == [f"review-{winner[1:]}"]


def test_eight_concurrent_inserts_of_one_new_entry_let_exactly_one_win(store: GraphStore) -> None:
    store.write([SOURCE], [])
    counter = iter(range(100))

    def claim() -> None:
        n = next(counter)
        store.write(
            [],
            [],
            [Entry("idempotency", "key-1", f"k{n}", "2026-01-01T00:00:00Z", {})],
            [Expected(ENTRIES, ("idempotency", "key-1"))],
        )

    won, failures = _race(8, claim)
    assert won == 1 and len(failures) == 7 and all(isinstance(f, WriteConflict) for f in failures), failures
    assert len(store.entries("idempotency")) == 1
