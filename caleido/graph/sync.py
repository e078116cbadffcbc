"""Idempotent upserts under the rules of who may change what: compare a batch with what is stored, write only what
is new or changed, and keep every change.

- An operator's write (a file load, the seed, a copy, a curator's review) changes a stored record or link in
  place, unless a curator reviewed it in this store and the input carries no review of its own: a review here
  outranks a file, so `caleido run` never undoes one. A contributor's write (a researcher through the API:
  findings, evidence links, CSV imports) changes in place only its own draft: a record it added that is still
  proposed and was never reviewed. Any other change becomes a proposed revision beside the stored record (an
  entry of kind REVISION), which a curator accepts or rejects; the record stays as it is until then.
- What the store keeps is never lost to a write: who added a fact and when (unless the input gives them),
  the review (status, reviewer, time, unless the input carries a review of its own) and the review log (the
  input's lines are added to it, never put in its place). So sending the same thing again changes nothing.
- Every change of a stored row is kept as a HISTORY entry (who, when, old and new values), written in the
  same transaction. New rows get none: who added them and when are on the row itself.
- The rows a write changes are expected to be as they were read (a compare-and-set): when another writer
  changed them in between, the write is planned again, up to `attempts` times, and otherwise WriteConflict.
- A write that changes facts also sets its writer's write mark (an entry of kind WRITE_MARK) to a new token, so
  that what is kept in step with the store (the SPARQL projection, caleido.sparql) sees that another process
  wrote. One mark per writer, so that no writer's mark hides another's.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caleido.errors import WriteConflict
from caleido.graph.derived.core import reindex
from caleido.graph.rows import group_by
from caleido.graph.store import ENTRIES, Entry, Expected, GraphStore, entry_time, same
from caleido.ontology.records import LinkRow, NodeRow, now_utc

# Who and when describe the first assertion of a fact; loading the same fact again keeps them.
FIRST_ASSERTION = ("added_by", "added_at")
REVIEW = ("status", "reviewed_by", "reviewed_at")
REVIEW_LOG = "review_log"
# Columns that say how a claim stands rather than what it claims: a contributor's write never changes them.
BOOKKEEPING = (*FIRST_ASSERTION, *REVIEW, REVIEW_LOG)
PROPOSED = "proposed"
HISTORY = "history"  # entry kind: one applied change of a record or link
REVISION = "revision"  # entry kind: a change proposed beside a record or link, for a curator to decide
OPERATOR = "caleido"
WRITE_MARK = "write-mark"  # entry kind: a writer's token, new on each of its writes of facts
MARK_SUBJECT = "graph"
SHARED_WRITER = "shared"  # the mark of every writer that keeps nothing in step (the CLI, a copy)


@dataclass(frozen=True)
class Author:
    """Who writes, when (ISO time, UTC), and whether the write changes stored rows in place (an operator) or
    proposes revisions of what is not its own draft (a contributor). `action` names the change in the history."""

    agent: str
    at: str
    in_place: bool = True
    action: str = "update"


@dataclass
class WriteReport:
    created: Counter[str] = field(default_factory=Counter)  # by class or relationship type
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    revised: Counter[str] = field(default_factory=Counter)  # changes proposed as revisions, not applied
    updated_ids: list[str] = field(default_factory=list)  # node ids and "source REL target"
    revised_ids: list[str] = field(default_factory=list)
    revision_ids: list[str] = field(default_factory=list)  # the revision entries proposed

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def iso(moment: datetime) -> str:
    """A time as the stores keep it: ISO 8601 in UTC, to the second."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def row_name(table: str, key: tuple[str, ...]) -> str:
    """How reports name a row: a node by its id, a link as "source REL target"."""
    return key[0] if len(key) == 1 else f"{key[0]} {table} {key[1]}"


def entry_id() -> str:
    """A new entry id: the time in nanoseconds first, so entries of one second read in the order written, then
    random digits, so that two API instances never pick the same."""
    return f"{time.time_ns():019d}-{secrets.token_hex(4)}"


def write_mark(writer: str = SHARED_WRITER) -> Entry:
    """The mark a write of facts carries: its writer's, with a new token."""
    return Entry(WRITE_MARK, writer, MARK_SUBJECT, entry_time(), {"token": entry_id()})


def _history_entry(
    author: Author, table: str, key: tuple[str, ...], old: Mapping[str, Any], new: Mapping[str, Any]
) -> Entry:
    """The history entry of one change: the columns that differ with their old and new values; the review log
    only grows, so its new lines stand for it."""
    columns = sorted((set(old) | set(new)) - {"id", REVIEW_LOG})
    changed = [c for c in columns if not same(old.get(c), new.get(c))]
    stored_log = list(old.get(REVIEW_LOG) or [])
    body = {
        "action": author.action,
        "by": author.agent,
        "table": table,
        "key": list(key),
        "old": {c: old.get(c) for c in changed},
        "new": {c: new.get(c) for c in changed},
        "logged": [line for line in new.get(REVIEW_LOG) or [] if line not in stored_log],
    }
    return Entry(HISTORY, entry_id(), key[0], author.at, body)


def _reviewed(values: Mapping[str, Any]) -> bool:
    return bool(values.get("reviewed_by") or values.get(REVIEW_LOG))


def _authoritative(incoming: Mapping[str, Any], stored: Mapping[str, Any], author: Author) -> bool:
    """Whether a write may change a stored row in place: an operator's may, unless a curator reviewed the row
    in this store and the input carries no review of its own (then a load proposes, as a researcher does)."""
    return author.in_place and (not _reviewed(stored) or bool(incoming.get("reviewed_by")))


def _merge(
    incoming: Mapping[str, Any], explicit: frozenset[str], stored: Mapping[str, Any], authoritative: bool
) -> dict[str, Any]:
    """The values to store for an incoming row over a stored one, keeping what the store keeps (module doc)."""
    values = dict(incoming)
    for key in FIRST_ASSERTION:
        if key not in explicit and stored.get(key):
            values[key] = stored[key]
    if not authoritative:
        values.update({key: stored.get(key) for key in REVIEW})
    stored_log = list(stored.get(REVIEW_LOG) or [])
    values[REVIEW_LOG] = stored_log + [line for line in values.get(REVIEW_LOG) or [] if line not in stored_log]
    return values


def _own_draft(stored: Mapping[str, Any], agent: str) -> bool:
    """A row its author may still change in place: theirs, proposed, never reviewed."""
    return (
        stored.get("status") == PROPOSED
        and stored.get("added_by") == agent
        and not stored.get("reviewed_by")
        and not stored.get(REVIEW_LOG)
    )


def revision_id(table: str, key: tuple[str, ...], new: Mapping[str, Any]) -> str:
    """The same change proposed again is the same revision."""
    text = json.dumps([table, list(key), dict(sorted(new.items()))], sort_keys=True, ensure_ascii=False)
    return "rev-" + hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Plan:
    """What a batch comes to: the rows to write, the entries to add, what the write expects, and its report."""

    nodes: list[NodeRow] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    expect: list[Expected] = field(default_factory=list)
    report: WriteReport = field(default_factory=WriteReport)
    revisions: dict[str, Entry] = field(default_factory=dict)  # proposed here, by id

    def add(
        self,
        table: str,
        key: tuple[str, ...],
        incoming: NodeRow | LinkRow,
        stored: Mapping[str, Any] | None,
        author: Author,
    ) -> None:
        """Plan one incoming row against its stored version (None: there is none)."""
        name = row_name(table, key)
        if stored is None:
            self.report.created[table] += 1
            self._write(incoming, incoming.values)
            if not author.in_place:  # two researchers creating one id at once: the second is planned again
                self.expect.append(Expected(table, key))
            return
        authoritative = _authoritative(incoming.values, stored, author)
        values = _merge(incoming.values, incoming.explicit, stored, authoritative)
        changed = [c for c, v in values.items() if not same(v, stored.get(c))]
        if not changed:
            self.report.unchanged[table] += 1
        elif authoritative or _own_draft(stored, author.agent):
            self.report.updated[table] += 1
            self.report.updated_ids.append(name)
            self._write(incoming, values)
            self.expect.append(Expected(table, key, stored))
            self.entries.append(_history_entry(author, table, key, stored, values))
        else:
            self._propose(table, key, stored, {c: values[c] for c in changed if c not in BOOKKEEPING}, author)

    def _propose(
        self, table: str, key: tuple[str, ...], stored: Mapping[str, Any], new: dict[str, Any], author: Author
    ) -> None:
        """A change this write may not make in place: a revision beside the stored row."""
        if not new:
            self.report.unchanged[table] += 1
            return
        rid = revision_id(table, key, new)
        self.report.revised[table] += 1
        self.report.revised_ids.append(row_name(table, key))
        self.report.revision_ids.append(rid)
        body = {
            "state": PROPOSED,
            "by": author.agent,
            "table": table,
            "key": list(key),
            "old": {c: stored.get(c) for c in new},
            "new": new,
        }
        self.revisions[rid] = Entry(REVISION, rid, key[0], author.at, body)

    def _write(self, incoming: NodeRow | LinkRow, values: dict[str, Any]) -> None:
        if isinstance(incoming, NodeRow):
            self.nodes.append(NodeRow(incoming.cls, incoming.id, values, incoming.origin, incoming.explicit))
        else:
            link = incoming
            self.links.append(LinkRow(link.rel, link.source_id, link.target_id, values, link.origin, link.explicit))


def plan(store: GraphStore, nodes: list[NodeRow], links: list[LinkRow], author: Author) -> Plan:
    """Compare a validated batch with the store: what to write, the history and revisions, what to expect."""
    planned = Plan()
    for cls_name, rows in group_by(nodes, lambda node: node.cls).items():
        stored = store.fetch_nodes(cls_name, [r.id for r in rows])
        for row in rows:
            planned.add(cls_name, (row.id,), row, stored.get(row.id), author)
    for rel, link_rows in group_by(links, lambda link: link.rel).items():
        stored_links = store.fetch_links(rel, [(r.source_id, r.target_id) for r in link_rows])
        for link in link_rows:
            key = (link.source_id, link.target_id)
            planned.add(rel, key, link, stored_links.get(key), author)
    if planned.revisions:
        # A change proposed before (and maybe decided since) is not proposed again.
        known = {entry.id for entry in store.entries(REVISION, ids=list(planned.revisions))}
        fresh = [rid for rid in planned.revisions if rid not in known]
        planned.entries += [planned.revisions[rid] for rid in fresh]
        planned.expect += [Expected(ENTRIES, (REVISION, rid)) for rid in fresh]
    return planned


def plan_and_write(
    store: GraphStore,
    nodes: list[NodeRow],
    links: list[LinkRow],
    author: Author | None = None,
    *,
    entries: Sequence[Entry] = (),
    expect: Sequence[Expected] = (),
    attempts: int = 3,
    derive: bool = True,
    into_empty: bool = False,
) -> WriteReport:
    """Write the new and changed rows of a validated batch in one transaction, with their history and revisions
    and the caller's `entries`, once the caller's `expect` and the plan's own expectations hold. A batch whose
    rows changed while it was planned is planned again (`attempts` in all); then WriteConflict. `derive=False`
    leaves the derived entries alone (a bulk load into an empty store, which rebuilds them once at its end).
    `into_empty`: the batch is a whole graph (`caleido load` of a folder), so into a store without facts it takes
    the store's bulk path where it has one (_into_empty); a caller writing batch after batch leaves it off, as
    each batch must be kept whole if it stops."""
    author = author or Author(OPERATOR, iso(now_utc()))
    if into_empty and author.in_place and not expect:
        if report := _into_empty(store, nodes, links, author, entries, derive):
            return report
    attempt = 1
    while True:
        planned = plan(store, nodes, links, author)
        all_entries = [*planned.entries, *entries]
        if not (planned.nodes or planned.links or all_entries):
            return planned.report
        if planned.nodes or planned.links:
            all_entries.append(write_mark())
        try:
            store.write(planned.nodes, planned.links, all_entries, [*planned.expect, *expect], derive=derive)
            return planned.report
        except WriteConflict:
            if attempt >= attempts:
                raise
            attempt += 1


def _into_empty(
    store: GraphStore,
    nodes: list[NodeRow],
    links: list[LinkRow],
    author: Author,
    entries: Sequence[Entry],
    derive: bool,
) -> WriteReport | None:
    """An operator's whole graph into a store without facts, through the store's bulk path if it has one
    (GraphStore.write_into_empty): every row is new, so nothing is looked up; the derived data is rebuilt once
    after it unless the caller does that itself (`derive=False`). None if the store holds facts or has no such
    path: then the batch takes the ordinary write."""
    if not (nodes or links):
        return None
    planned = Plan()
    for node in nodes:
        planned.add(node.cls, (node.id,), node, None, author)
    for link in links:
        planned.add(link.rel, (link.source_id, link.target_id), link, None, author)
    if not store.write_into_empty(planned.nodes, planned.links, [*planned.entries, *entries, write_mark()]):
        return None
    if derive:
        reindex(store)
    return planned.report
