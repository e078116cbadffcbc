"""What became of a record: every change of it and of the links it states, and the revisions proposed beside it,
from the entries the stores keep with every write (caleido.graph.sync)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caleido.graph import queries
from caleido.graph.store import Entry, GraphStore
from caleido.graph.sync import HISTORY, REVIEW_LOG, REVISION
from caleido.graph.usecases.common import class_of, stored_links
from caleido.graph.usecases.results import Change, LinkKey, NodeHistory, Revision, Revisions

Row = tuple[str, tuple[str, ...]]  # (class or relationship type, key)


def _link(table: str, key: list[str] | tuple[str, ...]) -> LinkKey | None:
    return LinkKey(rel=table, from_=key[0], to=key[1]) if len(key) == 2 else None


def _created(table: str, key: tuple[str, ...], current: Mapping[str, Any], changes: list[Entry]) -> Change:
    """The creation of a row, with the values it had then: its values now, each later change undone."""
    values = {column: value for column, value in current.items() if column not in ("id", REVIEW_LOG)}
    for entry in reversed(changes):
        values |= entry.body["old"]
    return Change(
        at=current.get("added_at") or "",
        by=current.get("added_by"),
        action="created",
        link=_link(table, key),
        old={},
        new={column: value for column, value in values.items() if value not in (None, "", [])},
    )


def _change(entry: Entry) -> Change:
    body = entry.body
    return Change(
        at=entry.at,
        by=body["by"],
        action=body["action"],
        link=_link(body["table"], body["key"]),
        old=body["old"],
        new=body["new"],
        logged=body["logged"],
    )


def revision(entry: Entry) -> Revision:
    body = entry.body
    return Revision(
        id=entry.id,
        state=body["state"],
        at=entry.at,
        by=body["by"],
        record=entry.subject,
        table=body["table"],
        link=_link(body["table"], body["key"]),
        old=body["old"],
        new=body["new"],
        reviewed_by=body.get("reviewed_by"),
        reviewed_at=body.get("reviewed_at"),
        reason=body.get("reason"),
    )


def history(store: GraphStore, node_id: str) -> NodeHistory:
    """Every change of a node and of its outgoing links, oldest first (creations first within a second), and the
    revisions proposed beside them."""
    cls = class_of(store, node_id)
    rows: dict[Row, Mapping[str, Any]] = {(cls, (node_id,)): store.fetch_nodes(cls, [node_id])[node_id]}
    for rel, by_key in stored_links(store, store.read(queries.OUTGOING, ids=[node_id])).items():
        rows |= {(rel, key): values for key, values in by_key.items()}
    entries = store.entries(HISTORY, subject=node_id)
    per_row: dict[Row, list[Entry]] = {}
    for entry in entries:
        per_row.setdefault((entry.body["table"], tuple(entry.body["key"])), []).append(entry)
    created = [_created(table, key, current, per_row.get((table, key), [])) for (table, key), current in rows.items()]
    changes = sorted(created, key=lambda change: change.at) + [_change(entry) for entry in entries]
    changes.sort(key=lambda change: change.at)  # stable: creations stay before the changes of their second
    return NodeHistory(
        id=node_id,
        class_=cls,
        changes=changes,
        revisions=[revision(entry) for entry in store.entries(REVISION, subject=node_id)],
    )


def revisions(store: GraphStore, state: str | None = None, *, offset: int = 0, limit: int = 100) -> Revisions:
    """The revisions in a state (every one when None), oldest first, a page at a time."""
    chosen = [entry for entry in store.entries(REVISION) if state is None or entry.body["state"] == state]
    return Revisions(total=len(chosen), revisions=[revision(entry) for entry in chosen[offset : offset + limit]])
