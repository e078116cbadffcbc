"""Copy a whole graph from one store to another, provenance included.

Nodes go first, then links (their ends must exist), each in batches that are one transaction
apiece; upserts make a re-run after an interruption finish the job without duplicates. Into an empty store the
batches leave the derived data alone and it is rebuilt once at the end (DESIGN §8), timed in the report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from caleido.graph.derived.core import reindex
from caleido.graph.store import GraphStore, StoreCounts
from caleido.graph.sync import FIRST_ASSERTION, WriteReport, plan_and_write
from caleido.loaders.export import iter_rows
from caleido.ontology.records import LinkRow, NodeRow

BATCH = 10_000
T = TypeVar("T", NodeRow, LinkRow)


def chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` rows (the last one shorter), read lazily from any iterable."""
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _exact(row: T) -> T:
    """A copied fact keeps who added it and when, even over an older copy in the target."""
    row.explicit = frozenset(FIRST_ASSERTION)
    return row


def rebuild_derived(store: GraphStore) -> float:
    """Rebuild the derived data from the facts as stored (after a load that skipped it); the seconds it took."""
    started = time.perf_counter()
    reindex(store)
    return time.perf_counter() - started


def copy_store(
    source: GraphStore, target: GraphStore, *, batch: int = BATCH, progress: Callable[[str], None] | None = None
) -> tuple[WriteReport, StoreCounts]:
    total = WriteReport()
    nodes, links = iter_rows(source)
    counts = target.counts()
    derive = bool(counts.total_nodes or counts.total_links)  # an empty target is rebuilt once at the end

    def step(node_rows: list[NodeRow], link_rows: list[LinkRow], done: str) -> None:
        # Batch by batch, each kept whole if the copy stops (a rerun completes it).
        report = plan_and_write(target, node_rows, link_rows, derive=derive)
        total.created.update(report.created)
        total.updated.update(report.updated)
        total.unchanged.update(report.unchanged)
        if progress is not None:
            progress(done)

    copied = 0
    for node_chunk in chunks((_exact(n) for n in nodes), batch):
        copied += len(node_chunk)
        step(node_chunk, [], f"{copied} nodes copied")
    copied = 0
    for link_chunk in chunks((_exact(link) for link in links), batch):
        copied += len(link_chunk)
        step([], link_chunk, f"{copied} links copied")
    if not derive:
        seconds = rebuild_derived(target)
        if progress is not None:
            progress(f"derived data rebuilt in {seconds:.1f} s")
    return total, target.counts()
