"""Copy a whole graph from one store to another, provenance included.

Nodes go first, then links (their ends must exist), each in batches that are one transaction
apiece; upserts make a re-run after an interruption finish the job without duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

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


def copy_store(
    source: GraphStore, target: GraphStore, *, batch: int = BATCH, progress: Callable[[str], None] | None = None
) -> tuple[WriteReport, StoreCounts]:
    total = WriteReport()
    nodes, links = iter_rows(source)

    def step(node_rows: list[NodeRow], link_rows: list[LinkRow], done: str) -> None:
        report = plan_and_write(target, node_rows, link_rows)
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
    return total, target.counts()
