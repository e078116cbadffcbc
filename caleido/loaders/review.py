"""A curator's decision on a claim: a record of any reviewed class, or one link. Accept, reject, or ask for a
change (the claim stays proposed; the request and its reason go on the record's review log, which its history
shows). Nothing is deleted: the status changes and the decision is logged on the claim (and, for a record, on its
outgoing links that had the same status), in one compare-and-set write, so of concurrent reviews one lands and
the others get ReviewConflict.

With `two_for_grade` (CALEIDO_GRADE_NEEDS_TWO_CURATORS) a graded finding is accepted by two different curators:
the first acceptance is logged and kept as an entry (GRADE_ACCEPTANCE), the second by the same curator is refused,
the second by another curator accepts. The same rule holds for a revision that changes a grade
(caleido.loaders.revisions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caleido.errors import NotFound, ReviewConflict, WriteConflict
from caleido.graph import queries
from caleido.graph.store import ENTRIES, Entry, Expected, GraphStore
from caleido.graph.sync import FIRST_ASSERTION, Author, iso, plan_and_write
from caleido.graph.usecases import stored_links
from caleido.graph.usecases.common import class_of
from caleido.graph.usecases.review_queue import GRADE_ACCEPTANCE, QUEUED_CLASSES
from caleido.ontology.model import load_ontology
from caleido.ontology.records import LinkRow, NodeRow

PROPOSED = "proposed"
REQUEST_CHANGES = "request_changes"
# Every class but Region: municipalities and provinces come from the national register, not from contributors.
REVIEWED_CLASSES = QUEUED_CLASSES
TRANSITIONS = {
    ("proposed", "accept"): "accepted",
    ("proposed", "reject"): "rejected",
    ("proposed", REQUEST_CHANGES): "proposed",
    ("accepted", "reject"): "retracted",
    ("rejected", "accept"): "accepted",
    ("retracted", "accept"): "accepted",
}
UNGRADED = (None, "", "not-assessed")


def next_status(name: str, before: str, decision: str, expected_status: str | None) -> str:
    """The status a decision leads to, or ReviewConflict. A decision sent without `expected_status` (the status
    the curator reviewed) applies to a proposed claim only, so of concurrent reviews exactly one lands; changing a
    decision (retracting, re-accepting) names the status it changes."""
    if expected_status is None and before != PROPOSED:
        raise ReviewConflict(
            f"{name} is {before} (reviewed already); to change that decision, send the review with "
            f"expected_status '{before}'"
        )
    if expected_status is not None and before != expected_status:
        raise ReviewConflict(
            f"{name} is {before}, not {expected_status} as reviewed: another review landed first; read it again"
        )
    after = TRANSITIONS.get((before, decision))
    if after is None:
        raise ReviewConflict(
            f"{name} is {before}; '{decision}' does not apply (accept a proposed, rejected or retracted claim; "
            "reject a proposed or accepted one; ask for a change of a proposed one)"
        )
    return after


@dataclass(frozen=True)
class GradeStep:
    """What the two-curator rule makes of an acceptance: the first of two (`first`), and the entry and
    expectation the write carries so that concurrent acceptances cannot both count."""

    first: bool
    entry: Entry
    expect: Expected


def grade_step(store: GraphStore, item_id: str, subject: str, agent: str, stamp: str) -> GradeStep:
    """The step an acceptance of a grade is: the first of two, or the second by another curator; the second by
    the same curator is ReviewConflict."""
    found = store.entries(GRADE_ACCEPTANCE, ids=[item_id])
    if not found:
        entry = Entry(GRADE_ACCEPTANCE, item_id, subject, stamp, {"first_by": agent, "first_at": stamp})
        return GradeStep(True, entry, Expected(ENTRIES, (GRADE_ACCEPTANCE, item_id)))
    body = found[0].body
    if body["first_by"] == agent or body.get("second_by"):
        raise ReviewConflict(
            f"the grade of {item_id} needs two different curators: {body['first_by']} accepted it first at "
            f"{body['first_at']}; another curator must accept it"
            if not body.get("second_by")
            else f"the grade of {item_id} was accepted twice already"
        )
    entry = Entry(GRADE_ACCEPTANCE, item_id, subject, found[0].at, {**body, "second_by": agent, "second_at": stamp})
    return GradeStep(False, entry, Expected(ENTRIES, (GRADE_ACCEPTANCE, item_id), {"body": body}))


def grade_acceptances(store: GraphStore) -> dict[str, str]:
    """The items whose grade has one acceptance of two: their id to the curator who gave it."""
    return {
        entry.id: entry.body["first_by"] for entry in store.entries(GRADE_ACCEPTANCE) if not entry.body.get("second_by")
    }


def _reviewed(values: Mapping[str, Any], after: str, agent: str, stamp: str, line: str) -> dict[str, Any]:
    """A claim's values with the decision on it. Every decision names its curator (a write that carries no
    reviewer may not change a reviewed row: caleido.graph.sync), so a researcher's fix after a request for a
    change is proposed as a revision for the curator to see."""
    log = [*(values.get("review_log") or []), line]
    return {**values, "status": after, "reviewed_by": agent, "reviewed_at": stamp, "review_log": log}


def review(
    store: GraphStore,
    node_id: str,
    decision: str,
    reason: str,
    agent: str,
    now: datetime,
    *,
    expected_status: str | None = None,
    two_for_grade: bool = False,
) -> dict[str, Any]:
    """Accept, reject or ask for a change of a record; what became of it."""
    cls = class_of(store, node_id)
    if cls not in REVIEWED_CLASSES:
        raise ReviewConflict(f"{node_id} is a {cls}; reviews here are for {', '.join(REVIEWED_CLASSES)}")
    stored = store.fetch_nodes(cls, [node_id])[node_id]
    before = stored["status"]
    after = next_status(node_id, before, decision, expected_status)
    stamp = iso(now)
    entries: list[Entry] = []
    expect = [Expected(cls, (node_id,), stored)]
    label = decision
    if decision == "accept" and two_for_grade and cls == "Finding" and stored.get("grade") not in UNGRADED:
        step = grade_step(store, node_id, node_id, agent, stamp)
        entries.append(step.entry)
        expect.append(step.expect)
        if step.first:
            after, label = before, "accept (1 of 2 for its grade)"
    decided = after != before
    line = f"{stamp} {label} by {agent}: {before} -> {after}: {reason}"
    everything = frozenset(FIRST_ASSERTION)
    values = _reviewed({k: v for k, v in stored.items() if k != "id"}, after, agent, stamp, line)
    node = NodeRow(cls, node_id, values, explicit=everything)
    links: list[LinkRow] = []
    if decided:  # the record's own links that stood with it follow its status
        for rel, stored_by_key in stored_links(store, store.read(queries.OUTGOING, ids=[node_id])).items():
            for (source_id, target_id), link_values in sorted(stored_by_key.items()):
                if link_values["status"] == before:
                    changed = _reviewed(link_values, after, agent, stamp, line)
                    links.append(LinkRow(rel, source_id, target_id, changed, explicit=everything))
                    expect.append(Expected(rel, (source_id, target_id), link_values))
    write_review(store, [node], links, Author(agent, stamp, action="review"), entries, expect, node_id)
    return {
        "id": node_id,
        "class": cls,
        "status": after,
        "previous_status": before,
        "links_changed": len(links),
        "review": line,
    }


def review_link(
    store: GraphStore,
    rel: str,
    source_id: str,
    target_id: str,
    decision: str,
    reason: str,
    agent: str,
    now: datetime,
    *,
    expected_status: str | None = None,
) -> dict[str, Any]:
    """Accept, reject or ask for a change of one link; the line goes on the link's review log, and so into the
    history of the record that states it."""
    if rel not in load_ontology().relationships:
        raise NotFound(f"no relationship type {rel!r}; use one of: {', '.join(sorted(load_ontology().relationships))}")
    stored = store.fetch_links(rel, [(source_id, target_id)]).get((source_id, target_id))
    name = f"{source_id} {rel} {target_id}"
    if stored is None:
        raise NotFound(f"no link {name}")
    before = stored.get("status") or PROPOSED
    after = next_status(name, before, decision, expected_status)
    stamp = iso(now)
    line = f"{stamp} {decision} by {agent}: {before} -> {after}: {reason}"
    values = _reviewed(stored, after, agent, stamp, line)
    link = LinkRow(rel, source_id, target_id, values, explicit=frozenset(FIRST_ASSERTION))
    expect = [Expected(rel, (source_id, target_id), stored)]
    write_review(store, [], [link], Author(agent, stamp, action="review"), [], expect, name)
    return {"id": name, "class": rel, "status": after, "previous_status": before, "links_changed": 1, "review": line}


def write_review(
    store: GraphStore,
    nodes: list[NodeRow],
    links: list[LinkRow],
    author: Author,
    entries: list[Entry],
    expect: list[Expected],
    name: str,
) -> None:
    try:
        plan_and_write(store, nodes, links, author, entries=entries, expect=expect, attempts=1)
    except WriteConflict as exc:
        raise ReviewConflict(
            f"{name} changed while this review was made (another review or write landed first); "
            f"read it again and review anew. {exc}"
        ) from exc
