"""One entry for every decision the curator's desk makes, so that the API and the page call the same thing: an item
of the queue (a record, a link named 'FROM REL TO', a revision) accepted, rejected or sent back for a change."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from caleido.errors import InvalidParameter
from caleido.graph.store import GraphStore
from caleido.loaders.review import review, review_link
from caleido.loaders.revisions import review_revision

Item = Literal["record", "link", "revision"]


def link_key(link_id: str) -> tuple[str, str, str]:
    """(from, rel, to) of a link named 'FROM REL TO'."""
    parts = link_id.split(" ")
    if len(parts) != 3 or not all(parts):
        raise InvalidParameter(f"link {link_id[:200]!r}: name a link as 'FROM REL TO', e.g. 'int-x ADDRESSES rf-y'")
    return parts[0], parts[1], parts[2]


def decide(
    store: GraphStore,
    item: Item,
    item_id: str,
    decision: str,
    reason: str,
    agent: str,
    now: datetime,
    *,
    expected_status: str | None = None,
    two_for_grade: bool = False,
) -> dict[str, Any]:
    """The decision on one item; what became of it (`status`, or a revision's `state`, and the logged `review`)."""
    if item == "revision":
        if expected_status is not None:
            raise InvalidParameter("expected_status: a revision is decided once; leave it out")
        return review_revision(store, item_id, decision, reason, agent, now, two_for_grade=two_for_grade)
    if item == "link":
        start, rel, end = link_key(item_id)
        return review_link(store, rel, start, end, decision, reason, agent, now, expected_status=expected_status)
    return review(
        store, item_id, decision, reason, agent, now, expected_status=expected_status, two_for_grade=two_for_grade
    )
