"""What both stores and the upsert planner do alike with rows: quote ontology names, read result rows as
columns, group rows by the table (class or relationship type) they are written to, and turn entries and
expectations into rows."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from caleido.graph.schema import Column
from caleido.graph.store import ENTRIES, Entry, Expected
from caleido.ontology.records import LinkRow

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
UNKNOWN_CLASS = "?"  # the class of a link end that is not stored


def quote(name: str) -> str:
    """Quote a label, relationship type or column name taken from the ontology (never from user input)."""
    return f"`{name}`"


def row_dict(
    columns: Sequence[Column], row: Sequence[Any], convert: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """A result row as columns; a missing list reads as an empty list on every backend. `convert` turns a
    driver's value into a plain one."""
    return {
        c.name: ([] if v is None and c.is_list else v if convert is None else convert(v))
        for c, v in zip(columns, row, strict=True)
    }


def group_by(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    """The items in lists by key, each list in the items' order."""
    groups: dict[K, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(groups)


def links_by_ends(links: Iterable[LinkRow], classes: Mapping[str, str]) -> dict[tuple[str, str, str], list[LinkRow]]:
    """Links grouped by (type, start class, end class), the classes looked up in `classes`; an end that is
    not there has the class UNKNOWN_CLASS, so its group fails the write's count check."""
    return group_by(
        links,
        lambda link: (
            link.rel,
            classes.get(link.source_id, UNKNOWN_CLASS),
            classes.get(link.target_id, UNKNOWN_CLASS),
        ),
    )


# ---------------------------------------------------------------- entries

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


def entry_from(row: Mapping[str, Any]) -> Entry:
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
