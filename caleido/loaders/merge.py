"""Two corrections a curator makes at the desk besides accepting and rejecting.

- Merge a proposed duplicate into the record it repeats. Nothing is deleted: the duplicate is rejected with a
  `merged into <kept>` line on its review log (and the history); its locator and quote become a further citation
  of the kept record and its labels further names of it; each of its links is stated again from (or to) the kept
  record and the old link rejected with a `moved to <kept>` line. One compare-and-set write.
- Move a factor to its right dimension: a revision of its `dimension`, proposed and accepted by the curator, so
  the old and new values stay on the record's revisions and history (caleido.loaders.revisions).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from caleido.errors import InvalidParameter, ReviewConflict
from caleido.graph import queries
from caleido.graph.store import ENTRIES, Entry, Expected, GraphStore
from caleido.graph.sync import FIRST_ASSERTION, PROPOSED, REVISION, Author, iso, plan_and_write, revision_id
from caleido.graph.usecases import stored_links
from caleido.graph.usecases.common import class_of
from caleido.loaders.review import REVIEWED_CLASSES, write_review
from caleido.loaders.revisions import review_revision
from caleido.ontology.citations import citation_text
from caleido.ontology.model import load_ontology
from caleido.ontology.records import LinkRow, NodeRow

FACTOR_CLASSES = ("RiskFactor", "ProtectiveFactor")
ENDED = ("rejected", "retracted")


def _log(values: dict[str, Any], line: str, agent: str, stamp: str) -> dict[str, Any]:
    return {
        **values,
        "reviewed_by": agent,
        "reviewed_at": stamp,
        "review_log": [*(values.get("review_log") or []), line],
    }


def merge(store: GraphStore, duplicate_id: str, kept_id: str, reason: str, agent: str, now: datetime) -> dict[str, Any]:
    """Merge a proposed duplicate into the record it repeats; what moved."""
    if duplicate_id == kept_id:
        raise InvalidParameter(f"into={kept_id!r}: a record cannot be merged into itself")
    cls, kept_cls = class_of(store, duplicate_id), class_of(store, kept_id)
    if cls != kept_cls or cls not in REVIEWED_CLASSES:
        raise ReviewConflict(f"{duplicate_id} is a {cls} and {kept_id} a {kept_cls}: merge records of one class")
    both = store.fetch_nodes(cls, [duplicate_id, kept_id])
    duplicate, kept = both[duplicate_id], both[kept_id]
    if duplicate["status"] != PROPOSED:
        raise ReviewConflict(f"{duplicate_id} is {duplicate['status']}; only a proposed record is merged")
    if kept["status"] in ENDED:
        raise ReviewConflict(f"{kept_id} is {kept['status']}; merge into a record that stands")
    stamp = iso(now)
    line = f"{stamp} merge by {agent}: {duplicate_id} merged into {kept_id}: {reason}"
    citation = citation_text(f"{duplicate['source']}, {duplicate['locator']}", duplicate.get("quote") or "")
    names = [duplicate.get("label_nl"), duplicate.get("label_en"), *(duplicate.get("alt_labels") or [])]
    known = {kept.get("label_nl"), kept.get("label_en"), *(kept.get("alt_labels") or [])}
    kept_values = {k: v for k, v in kept.items() if k != "id"}
    kept_values["citations"] = [*(kept.get("citations") or []), citation]
    kept_values["alt_labels"] = [
        *(kept.get("alt_labels") or []),
        *(n for n in dict.fromkeys(names) if n and n not in known),
    ]
    duplicate_values = {k: v for k, v in duplicate.items() if k != "id"} | {"status": "rejected"}
    everything = frozenset(FIRST_ASSERTION)
    nodes = [
        NodeRow(cls, kept_id, _log(kept_values, line, agent, stamp), explicit=everything),
        NodeRow(cls, duplicate_id, _log(duplicate_values, line, agent, stamp), explicit=everything),
    ]
    expect = [Expected(cls, (duplicate_id,), duplicate), Expected(cls, (kept_id,), kept)]
    links, moved = _moved_links(store, duplicate_id, kept_id, line, agent, stamp, expect)
    write_review(store, nodes, links, Author(agent, stamp, action=f"merged into {kept_id}"), [], expect, duplicate_id)
    return {"id": duplicate_id, "merged_into": kept_id, "class": cls, "links_moved": moved, "review": line}


def _moved_links(
    store: GraphStore, old: str, new: str, line: str, agent: str, stamp: str, expect: list[Expected]
) -> tuple[list[LinkRow], list[str]]:
    """Every link of `old` stated again with `new` in its place (unless the kept record states it already), and
    the old link rejected with the line that says where it went."""
    everything = frozenset(FIRST_ASSERTION)
    rows = [*store.read(queries.OUTGOING, ids=[old]), *store.read(queries.INCOMING, ids=[old])]
    links: list[LinkRow] = []
    moved: list[str] = []
    for rel, by_key in stored_links(store, rows).items():
        for (start, end), values in sorted(by_key.items()):
            target = (new if start == old else start, new if end == old else end)
            if target[0] == target[1] or values.get("status") in ENDED:
                continue  # a link between the two records, or one that no longer stands, stays where it is
            ended = "rejected" if values.get("status") == PROPOSED else "retracted"
            moved_line = f"{line} (moved to {target[0]} {rel} {target[1]})"
            links.append(
                LinkRow(
                    rel, start, end, _log(values | {"status": ended}, moved_line, agent, stamp), explicit=everything
                )
            )
            expect.append(Expected(rel, (start, end), values))
            if not store.fetch_links(rel, [target]):
                restated = {k: v for k, v in values.items() if k not in ("reviewed_by", "reviewed_at", "review_log")}
                links.append(LinkRow(rel, *target, restated | {"review_log": [line]}, explicit=everything))
                expect.append(Expected(rel, target))
            moved.append(f"{target[0]} {rel} {target[1]}")
    return links, moved


def allowed_dimensions(cls: str = "RiskFactor") -> tuple[str, ...]:
    """The dimensions a factor of this class may be in."""
    field = next(f for f in load_ontology().classes[cls].fields if f.name == "dimension")
    return field.allowed or tuple(load_ontology().schemes[field.scheme or ""].concepts)


def move_dimension(
    store: GraphStore, factor_id: str, dimension: str, reason: str, agent: str, now: datetime
) -> dict[str, Any]:
    """Move a factor to another dimension: a revision the curator proposes and accepts at once."""
    cls = class_of(store, factor_id)
    if cls not in FACTOR_CLASSES:
        raise ReviewConflict(f"{factor_id} is a {cls}; only risk and protective factors have a dimension")
    allowed = allowed_dimensions(cls)
    if dimension not in allowed:
        raise InvalidParameter(f"dimension={dimension!r}: use one of {', '.join(allowed)}")
    stored = store.fetch_nodes(cls, [factor_id])[factor_id]
    if stored.get("dimension") == dimension:
        raise ReviewConflict(f"{factor_id} is in the {dimension} dimension already")
    stamp = iso(now)
    new = {"dimension": dimension}
    rid = revision_id(cls, (factor_id,), {**new, "by": agent, "at": stamp})
    body = {
        "state": PROPOSED,
        "by": agent,
        "table": cls,
        "key": [factor_id],
        "old": {"dimension": stored.get("dimension")},
        "new": new,
    }
    plan_and_write(
        store,
        [],
        [],
        Author(agent, stamp),
        entries=[Entry(REVISION, rid, factor_id, stamp, body)],
        expect=[Expected(ENTRIES, (REVISION, rid))],
        attempts=1,
    )
    return review_revision(store, rid, "accept", reason, agent, now)
