"""What both stores do alike with entries and expectations (caleido.graph.store): an entry's columns, how it is
written and read back, and expectations sorted by what they are about."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from caleido.graph.schema import Column
from caleido.graph.store import ENTRIES, Entry, Expected

# An entry's columns. Its key (kind and id) is one column, so that both stores look an entry up by a primary key
# or unique index; no column is named `id`, so the queries that find nodes by id never meet an entry.
ENTRY_COLUMNS = [Column(name, "string") for name in ("key", "kind", "entry_id", "subject", "at", "body")]
_KEY_SEPARATOR = "\x1f"  # the ASCII unit separator, which no kind holds


def entry_key(kind: str, entry_id: str) -> str:
    return f"{kind}{_KEY_SEPARATOR}{entry_id}"


def entry_row(entry: Entry) -> dict[str, Any]:
    """An entry as the columns a store writes; the body as JSON text (keys sorted, so equal bodies read alike)."""
    return {
        "key": entry_key(entry.kind, entry.id),
        "kind": entry.kind,
        "entry_id": entry.id,
        "subject": entry.subject,
        "at": entry.at,
        "body": json.dumps(entry.body, sort_keys=True, ensure_ascii=False),
    }


def entry_from(values: Sequence[Any]) -> Entry:
    """An entry from a result row holding its columns in the order of ENTRY_COLUMNS."""
    row = dict(zip((c.name for c in ENTRY_COLUMNS), values, strict=True))
    return Entry(row["kind"], row["entry_id"], row["subject"], row["at"], json.loads(row["body"]))


def entries_in_order(entries: Iterable[Entry]) -> list[Entry]:
    """Entries by (at, id): sorted here, not in the database, so both stores order them alike."""
    return sorted(entries, key=lambda entry: (entry.at, entry.id))


def latest_entries(entries: Iterable[Entry]) -> dict[str, dict[str, Any]]:
    """Entries as rows by their key, the last of a repeated (kind, id) winning, as a write upserts them."""
    return {row["key"]: row for row in map(entry_row, entries)}


def expected_row(entry: Entry) -> dict[str, Any]:
    """What an expectation on an entry compares with: its subject, time and body."""
    return {"subject": entry.subject, "at": entry.at, "body": entry.body}


def split_expected(
    expected: Iterable[Expected],
) -> tuple[dict[str, list[Expected]], dict[str, list[Expected]], list[Expected]]:
    """Expectations on nodes by class, on links by relationship type, and on entries."""
    nodes: dict[str, list[Expected]] = defaultdict(list)
    links: dict[str, list[Expected]] = defaultdict(list)
    entries: list[Expected] = []
    for want in expected:
        if want.table == ENTRIES:
            entries.append(want)
        else:
            (nodes if len(want.key) == 1 else links)[want.table].append(want)
    return dict(nodes), dict(links), entries


def must_be_written(
    expected: Iterable[Expected], node_ids: Iterable[str], entry_keys: Iterable[tuple[str, str]]
) -> None:
    """A node or entry expected absent is claimed by the write (Neo4j creates it first), so the write must write
    it: a programming error otherwise."""
    nodes, _, entries = split_expected(want for want in expected if want.values is None)
    missing = {k for group in nodes.values() for w in group for k in w.key} - set(node_ids)
    missing |= {entry_key(*w.key) for w in entries} - {entry_key(*k) for k in entry_keys}
    if missing:
        raise ValueError(f"expected absent but not written: {sorted(missing)}")
