"""What the use cases share: the statuses that count, how a row names itself and states its claim, the error
for a missing id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from caleido.errors import NotFound as NotFound  # re-exported: the use cases raise it
from caleido.graph.store import GraphStore
from caleido.ontology.model import load_ontology

Statuses = list[str]
ACCEPTED: Statuses = ["accepted"]
WITH_PROPOSED: Statuses = ["accepted", "proposed"]
ALL = 2**62  # a LIMIT that keeps every row


def allowed_statuses(include_proposed: bool) -> Statuses:
    """The statuses of what counts: accepted, and proposed (not yet reviewed) when asked."""
    return list(WITH_PROPOSED if include_proposed else ACCEPTED)


def grade_rank(grade: str | None) -> int:
    """The order of an evidence grade in its scheme (higher is stronger); -1 for none."""
    concepts = load_ontology().schemes["EvidenceGradeScheme"].concepts
    return concepts[grade].order or 0 if grade in concepts else -1


def label_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A row's id and its Dutch and English labels."""
    return {"id": row["id"], "label_nl": row.get("label_nl"), "label_en": row.get("label_en")}


def rows_by_id(store: GraphStore, cls: str) -> dict[str, dict[str, Any]]:
    """Every node of a class, by id."""
    return {row["id"]: row for row in store.iter_nodes(cls)}


def class_of(store: GraphStore, node_id: str) -> str:
    """The class of a stored node, or NotFound."""
    classes = store.find_classes([node_id])
    if node_id not in classes:
        raise NotFound(f"no node with id {node_id!r}").worded("error.node.unknown", id=node_id)
    return classes[node_id]


def stored_links(store: GraphStore, rows: Iterable[dict[str, Any]]) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    """The stored columns of the links that catalogue rows (start, rel, end) name: one read per type."""
    keys_by_rel: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        keys_by_rel[row["rel"]].append((row["start"], row["end"]))
    return {rel: store.fetch_links(rel, keys) for rel, keys in sorted(keys_by_rel.items())}


CLAIM_FIELDS = ("source", "locator", "quote", "citations", "status")


def claim_fields(values: dict[str, Any], *, note: bool = False) -> dict[str, Any]:
    """What a stored record or link says about itself as a claim: source, locator, quote, citations, status, and
    with `note` a link's note."""
    return {key: values.get(key) for key in (*CLAIM_FIELDS, *(["note"] if note else []))}


CLAIM_LIST = ("source", "locator", "quote", "status", "note")  # the order of caleido.graph.queries.claim_list


def claim_from_list(values: list[Any]) -> dict[str, Any]:
    """A claim collected as one list by the catalogue (queries.claim_list), as claim_fields gives it."""
    return {**dict(zip(CLAIM_LIST, values, strict=False)), "citations": list(values[len(CLAIM_LIST) :])}
