"""Idempotent upserts: compare a batch with what is stored and write only what is new or changed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from caleido.graph.rows import group_by
from caleido.graph.store import GraphStore
from caleido.ontology.records import LinkRow, NodeRow

# Who and when describe the first assertion of a fact; loading the same fact again keeps them.
FIRST_ASSERTION = ("added_by", "added_at")


@dataclass
class WriteReport:
    created: Counter[str] = field(default_factory=Counter)  # by class or relationship type
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    updated_ids: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def _same(a: Any, b: Any) -> bool:
    return (a or None) == (b or None)  # None, "" and [] all mean "no value"


def _merge(incoming: NodeRow | LinkRow, stored: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The values to store and whether they differ from what is stored."""
    values = dict(incoming.values)
    for key in FIRST_ASSERTION:
        if key not in incoming.explicit and stored.get(key):
            values[key] = stored[key]
    changed = any(not _same(v, stored.get(k)) for k, v in values.items())
    return values, changed


def plan_and_write(store: GraphStore, nodes: list[NodeRow], links: list[LinkRow]) -> WriteReport:
    """Write the new and changed rows of a validated batch in one transaction."""
    report = WriteReport()
    to_write_nodes: list[NodeRow] = []
    for cls_name, rows in group_by(nodes, lambda node: node.cls).items():
        stored = store.fetch_nodes(cls_name, [r.id for r in rows])
        for row in rows:
            if row.id not in stored:
                report.created[cls_name] += 1
                to_write_nodes.append(row)
                continue
            values, changed = _merge(row, stored[row.id])
            if changed:
                report.updated[cls_name] += 1
                report.updated_ids.append(row.id)
                to_write_nodes.append(NodeRow(row.cls, row.id, values, row.origin, row.explicit))
            else:
                report.unchanged[cls_name] += 1

    to_write_links: list[LinkRow] = []
    for rel, link_rows in group_by(links, lambda link: link.rel).items():
        stored_links = store.fetch_links(rel, [(r.source_id, r.target_id) for r in link_rows])
        for link in link_rows:
            key = (link.source_id, link.target_id)
            if key not in stored_links:
                report.created[rel] += 1
                to_write_links.append(link)
                continue
            values, changed = _merge(link, stored_links[key])
            if changed:
                report.updated[rel] += 1
                report.updated_ids.append(f"{link.source_id} {rel} {link.target_id}")
                to_write_links.append(LinkRow(rel, link.source_id, link.target_id, values, link.origin, link.explicit))
            else:
                report.unchanged[rel] += 1

    if to_write_nodes or to_write_links:
        store.write(to_write_nodes, to_write_links)
    return report
