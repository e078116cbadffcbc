"""The curator's queue: everything proposed (records of every class, links, revisions), each with the source,
locator and quote it rests on, who submitted it, and for a revision its old and new values; filterable by kind
(a class, a relationship type, or `revision`), source and submitter."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from pydantic import Field

from caleido.errors import InvalidParameter
from caleido.graph import queries
from caleido.graph.store import GraphStore
from caleido.graph.sync import PROPOSED, REVISION
from caleido.graph.usecases.results import LinkKey, Result
from caleido.ontology.model import load_ontology

GRADE_ACCEPTANCE = "grade-acceptance"  # entry kind: the first of the two acceptances a grade needs
REVISION_KIND = "revision"
QUEUED_CLASSES = tuple(sorted(c for c in load_ontology().classes if c != "Region"))  # as caleido.loaders.review
REQUESTED = " request_changes by "  # how a request for a change reads on a review log


class QueueItem(Result):
    item: Literal["record", "link", "revision"]
    kind: str = Field(description="The record's class, the link's relationship type, or 'revision'")
    id: str = Field(description="A record's or revision's id; a link as 'FROM REL TO'")
    record: str = Field(description="The record the item is about (a link's: the record that states it)")
    label_nl: str | None = None
    label_en: str | None = None
    link: LinkKey | None = None
    status: str
    source: str | None = None
    locator: str | None = None
    quote: str | None = None
    submitter: str | None = Field(default=None, description="The agent that added it (a revision: proposed it)")
    at: str | None = None
    table: str | None = Field(default=None, description="A revision's: what it revises (class or relationship)")
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    grade: str | None = None
    changes_requested: str | None = Field(default=None, description="The last request for a change, if any")
    first_acceptance_by: str | None = Field(
        default=None, description="The curator who gave the first of the two acceptances its grade needs"
    )


class Facet(Result):
    value: str
    count: int


class ReviewQueue(Result):
    total: int
    items: list[QueueItem]
    kinds: list[Facet] = Field(description="Every kind in the queue (unfiltered) and how many items it has")
    sources: list[Facet]
    submitters: list[Facet]


def _requested(log: list[str] | None) -> str | None:
    last = log[-1] if log else None
    return last if last and REQUESTED in last else None


def _claim(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": values.get("status") or PROPOSED,
        "source": values.get("source"),
        "locator": values.get("locator"),
        "quote": values.get("quote"),
        "submitter": values.get("added_by"),
        "at": values.get("added_at"),
        "changes_requested": _requested(values.get("review_log")),
    }


def _all_items(store: GraphStore) -> list[QueueItem]:
    firsts = {e.id: e.body["first_by"] for e in store.entries(GRADE_ACCEPTANCE) if not e.body.get("second_by")}
    items: list[QueueItem] = []
    for cls in QUEUED_CLASSES:
        for row in store.iter_nodes(cls):
            if row.get("status") == PROPOSED:
                items.append(
                    QueueItem(
                        item="record",
                        kind=cls,
                        id=row["id"],
                        record=row["id"],
                        label_nl=row.get("label_nl"),
                        label_en=row.get("label_en"),
                        grade=row.get("grade"),
                        first_acceptance_by=firsts.get(row["id"]),
                        **_claim(row),
                    )
                )
    for rel in sorted(load_ontology().relationships):
        for start, end, values in store.iter_links(rel):
            if (values.get("status") or PROPOSED) == PROPOSED:
                key = LinkKey(rel=rel, from_=start, to=end)
                name = f"{start} {rel} {end}"
                items.append(QueueItem(item="link", kind=rel, id=name, record=start, link=key, **_claim(values)))
    for entry in store.entries(REVISION):
        body = entry.body
        if body["state"] != PROPOSED:
            continue
        key = body["key"]
        log = body.get("log")
        items.append(
            QueueItem(
                item="revision",
                kind=REVISION_KIND,
                id=entry.id,
                record=entry.subject,
                link=LinkKey(rel=body["table"], from_=key[0], to=key[1]) if len(key) == 2 else None,
                status=PROPOSED,
                source=body["new"].get("source") or body["old"].get("source"),
                locator=body["new"].get("locator"),
                quote=body["new"].get("quote"),
                submitter=body["by"],
                at=entry.at,
                table=body["table"],
                old=body["old"],
                new=body["new"],
                grade=body["new"].get("grade"),
                changes_requested=_requested(log),
                first_acceptance_by=firsts.get(entry.id),
            )
        )
    return items


def _fill_revision_provenance(store: GraphStore, items: list[QueueItem]) -> None:
    """A revision shows the source, locator and quote of the record it revises where it changes none of them."""
    wanted = [i.record for i in items if i.item == "revision" and i.table in load_ontology().classes]
    if not wanted:
        return
    classes = store.find_classes(wanted)
    by_class: dict[str, list[str]] = {}
    for node_id, cls in classes.items():
        by_class.setdefault(cls, []).append(node_id)
    stored = {k: v for cls, ids in by_class.items() for k, v in store.fetch_nodes(cls, ids).items()}
    for item in items:
        values = stored.get(item.record)
        if item.item == "revision" and values is not None:
            item.label_nl, item.label_en = values.get("label_nl"), values.get("label_en")
            item.source = item.source or values.get("source")
            item.locator = item.locator or values.get("locator")
            item.quote = item.quote or values.get("quote")


def _fill_link_labels(store: GraphStore, items: list[QueueItem]) -> None:
    """A link reads as 'its record -> the other end', in each language the ends have a label in."""
    links = [i for i in items if i.link is not None and i.item == "link"]
    keys = [i.link for i in links if i.link is not None]
    ends = sorted({end for key in keys for end in (key.from_, key.to)})
    if not ends:
        return
    names = {row["id"]: row for row in store.read(queries.LABELS, ids=ends)}
    for item in links:
        assert item.link is not None
        start, end = names.get(item.link.from_, {}), names.get(item.link.to, {})
        for lang in ("nl", "en"):
            a = start.get(f"label_{lang}") or start.get("label_en") or item.link.from_
            b = end.get(f"label_{lang}") or end.get("label_en") or item.link.to
            setattr(item, f"label_{lang}", f"{a} → {b}")


def _facets(values: list[str | None]) -> list[Facet]:
    return [Facet(value=v, count=n) for v, n in sorted(Counter(v for v in values if v).items())]


def known_kinds() -> list[str]:
    return [*QUEUED_CLASSES, *sorted(load_ontology().relationships), REVISION_KIND]


def review_queue(
    store: GraphStore,
    *,
    kind: str | None = None,
    source: str | None = None,
    submitter: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> ReviewQueue:
    """What waits for a curator, oldest first, a page at a time, with the kinds, sources and submitters of the
    whole queue (to filter by)."""
    if kind is not None and kind not in known_kinds():
        raise InvalidParameter(
            f"kind={kind!r}: use a class, a relationship type or 'revision': {', '.join(known_kinds())}"
        )
    items = _all_items(store)
    items.sort(key=lambda i: (i.at or "", i.id))
    chosen = [
        i
        for i in items
        if (kind is None or i.kind == kind)
        and (source is None or i.source == source)
        and (submitter is None or i.submitter == submitter)
    ]
    page = chosen[offset : offset + limit]
    _fill_revision_provenance(store, page)
    _fill_link_labels(store, page)
    return ReviewQueue(
        total=len(chosen),
        items=page,
        kinds=_facets([i.kind for i in items]),
        sources=_facets([i.source for i in items]),
        submitters=_facets([i.submitter for i in items]),
    )
