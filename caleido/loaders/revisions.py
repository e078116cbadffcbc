"""A curator's decision on a proposed revision: a change a researcher asked for on a record or link that was not
their own draft (caleido.graph.sync), kept beside it as an entry until decided.

Accepting applies the revision's new values, if the record still holds the values the revision was proposed
against (otherwise it is stale: reject it, or have it proposed again). Rejecting leaves the record as it is.
Either way the decision is logged on the record (its review log and history) and on the revision, in one
transaction that expects both as they were read, so of concurrent decisions one lands and the others get 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from caleido.errors import NotFound, ReviewConflict, WriteConflict
from caleido.graph.store import ENTRIES, Entry, Expected, GraphStore, same
from caleido.graph.sync import FIRST_ASSERTION, PROPOSED, REVIEW_LOG, REVISION, Author, iso, plan_and_write
from caleido.loaders.review import REQUEST_CHANGES, UNGRADED, grade_step
from caleido.ontology.records import LinkRow, NodeRow

DECIDED = {"accept": "accepted", "reject": "rejected", REQUEST_CHANGES: PROPOSED}


def find_revision(store: GraphStore, revision_id: str) -> Entry:
    found = store.entries(REVISION, ids=[revision_id])
    if not found:
        raise NotFound(f"no revision with id {revision_id!r}")
    return found[0]


def _stored(store: GraphStore, table: str, key: tuple[str, ...]) -> dict[str, Any] | None:
    if len(key) == 1:
        return store.fetch_nodes(table, [key[0]]).get(key[0])
    return store.fetch_links(table, [(key[0], key[1])]).get((key[0], key[1]))


def review_revision(
    store: GraphStore,
    revision_id: str,
    decision: str,
    reason: str,
    agent: str,
    now: datetime,
    *,
    two_for_grade: bool = False,
) -> dict[str, Any]:
    """Accept or reject a proposed revision, or ask its researcher for a change (it stays proposed, the request on
    the record's review log); what became of it. With `two_for_grade`, a revision that sets a grade is accepted
    by two different curators (caleido.loaders.review)."""
    revision = find_revision(store, revision_id)
    body = revision.body
    if body["state"] != PROPOSED:
        raise ReviewConflict(
            f"revision {revision_id} was {body['state']} by {body.get('reviewed_by')} at {body.get('reviewed_at')}; "
            "a revision is decided once"
        )
    table, key = body["table"], tuple(body["key"])
    stored = _stored(store, table, key)
    if stored is None:
        raise ReviewConflict(f"what revision {revision_id} revises ({table} {' '.join(key)}) is no longer stored")
    stale = [column for column, old in body["old"].items() if not same(old, stored.get(column))]
    if decision == "accept" and stale:
        raise ReviewConflict(
            f"revision {revision_id} is stale: {', '.join(stale)} changed since it was proposed; reject it, or have "
            "the change proposed again"
        )
    stamp = iso(now)
    state = DECIDED[decision]
    label = decision
    entries: list[Entry] = []
    expect = [Expected(table, key, stored), Expected(ENTRIES, (REVISION, revision_id), {"body": body})]
    if decision == "accept" and two_for_grade and body["new"].get("grade") not in UNGRADED:
        step = grade_step(store, revision_id, revision.subject, agent, stamp)
        entries.append(step.entry)
        expect.append(step.expect)
        if step.first:
            state, label = PROPOSED, "accept (1 of 2 for its grade)"
    line = f"{stamp} {label} revision {revision_id} by {agent}: {reason}"
    values = {column: value for column, value in stored.items() if column != "id"}
    if state == "accepted":
        values |= body["new"]
    if state == "accepted" or (stored.get(REVIEW_LOG) and not stored.get("reviewed_by")):
        # A write that names no reviewer may not change a row with a review log (caleido.graph.sync).
        values |= {"reviewed_by": agent, "reviewed_at": stamp}
    values[REVIEW_LOG] = [*(stored.get(REVIEW_LOG) or []), line]
    explicit = frozenset(FIRST_ASSERTION)
    nodes = [NodeRow(table, key[0], values, explicit=explicit)] if len(key) == 1 else []
    links = [LinkRow(table, key[0], key[1], values, explicit=explicit)] if len(key) == 2 else []
    log = [*body.get("log", []), line]  # every decision and request, the last one's reviewer and reason
    decided = Entry(
        REVISION,
        revision_id,
        revision.subject,
        revision.at,
        {**body, "state": state, "reviewed_by": agent, "reviewed_at": stamp, "reason": reason, "log": log},
    )
    try:
        plan_and_write(
            store,
            nodes,
            links,
            Author(agent, stamp, action=f"revision {state}"),
            entries=[decided, *entries],
            expect=expect,
            attempts=1,
        )
    except WriteConflict as exc:
        raise ReviewConflict(
            f"revision {revision_id} or what it revises changed while this decision was made; read it again. {exc}"
        ) from exc
    return {"id": revision_id, "state": state, "table": table, "key": list(key), "review": line}
