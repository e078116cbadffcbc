"""Validate a batch of raw records: pydantic per record, then the checks that need the whole batch
and the store (duplicates, references, allowed pairs), then SHACL over the batch as RDF."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from caleido.errors import InvalidData, Problem
from caleido.graph.store import GraphStore
from caleido.loaders.raw import Merged, RawBatch, RawLink, RawNode
from caleido.loaders.shacl import shacl_problems
from caleido.ontology.model import FieldKind, load_ontology
from caleido.ontology.records import (
    LinkBase,
    LinkRow,
    NodeRow,
    Origin,
    fields_to_columns,
    link_model,
    node_model,
)
from caleido.ontology.study_checks import FieldCheckError

PROVENANCE_FILLED = ("added_by", "added_at")
NOT_FOUND = " in this batch or the store"  # follows "no node with id 'x'"


@dataclass
class ValidBatch:
    nodes: list[NodeRow] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)
    merged: list[Merged] = field(default_factory=list)  # entries of reference files the store or file held already


def _problems_from(exc: ValidationError, origin: Origin, prefix: str = "") -> list[Problem]:
    out = []
    for error in exc.errors(include_input=False, include_url=False):
        path = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in error["loc"]).replace(".[", "[")
        message = error["msg"]
        if not path and isinstance(cause := error.get("ctx", {}).get("error"), FieldCheckError):
            path = cause.field  # a check across fields names the one to fix
        if error["type"] == "extra_forbidden":
            message = "unknown field (not in the ontology for this class)"
        out.append(Problem(origin.file, origin.location, f"{prefix}{path}", message))
    return out


def _fill(values: dict[str, Any], agent: str, now: datetime) -> frozenset[str]:
    """Fill in who and when where the input leaves them out; return what the input gave."""
    explicit = frozenset(k for k in PROVENANCE_FILLED if values.get(k) is not None)
    if values.get("added_by") is None:
        values["added_by"] = agent
    if values.get("added_at") is None:
        values["added_at"] = now
    return explicit


def _validate_node(
    raw: RawNode, agent: str, now: datetime, problems: list[Problem]
) -> tuple[NodeRow | None, list[RawLink]]:
    ontology = load_ontology()
    origin = raw.origin
    data = dict(raw.data)
    raw_links = data.pop("links", None) or []
    if isinstance(data.get("id"), str):
        origin = Origin(origin.file, f"{origin.location} (id {data['id']})")
    links: list[RawLink] = []
    if not isinstance(raw_links, list):
        problems.append(_at(origin, "links", "links must be a list of mappings"))
    else:
        for index, link in enumerate(raw_links):
            if isinstance(link, dict):
                links.append(RawLink(data.get("id"), dict(link), origin, f"links[{index}]."))
            else:
                problems.append(_at(origin, f"links[{index}]", "a link must be a mapping with rel and to"))
    if raw.cls not in ontology.classes:
        known = ", ".join(sorted(ontology.classes))
        problems.append(_at(origin, "class", f"unknown class {raw.cls!r}; use one of: {known}"))
        return None, []
    explicit = _fill(data, agent, now)
    try:
        model = node_model(raw.cls).model_validate(data)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, origin))
        return None, []
    cls = ontology.classes[raw.cls]
    return NodeRow(raw.cls, model.id, fields_to_columns(cls.fields, model), origin, explicit), links  # type: ignore[attr-defined]


def _validate_link(
    raw: RawLink, agent: str, now: datetime, problems: list[Problem]
) -> tuple[LinkBase, frozenset[str]] | None:
    data = dict(raw.data)
    explicit = _fill(data, agent, now)
    try:
        model = link_model().model_validate(data)
        assert isinstance(model, LinkBase)
        return model, explicit
    except ValidationError as exc:
        problems.extend(_problems_from(exc, raw.origin, raw.field_prefix))
        return None


def validate_batch(raw: RawBatch, store: GraphStore | None, agent: str, now: datetime) -> ValidBatch:
    """Turn raw records into rows, or raise InvalidData naming every problem found."""
    ontology = load_ontology()
    problems = list(raw.problems)
    batch = ValidBatch(merged=list(raw.merged))
    raw_links = list(raw.links)

    seen: dict[str, NodeRow] = {}
    failed: set[str] = set()  # ids of records already reported: no follow-on "missing" messages
    for raw_node in raw.nodes:
        row, links = _validate_node(raw_node, agent, now, problems)
        raw_links.extend(links)
        if row is None:
            failed.add(str(raw_node.data.get("id")))
            continue
        if row.id in seen:
            first = seen[row.id]
            if first.cls != row.cls or _content(first.values) != _content(row.values):
                problems.append(
                    _conflict(row.origin, f"id {row.id!r} is given twice with different data", first.origin)
                )
            continue
        seen[row.id] = row
        batch.nodes.append(row)

    link_models: list[tuple[RawLink, LinkBase, frozenset[str]]] = []
    for raw_link in raw_links:
        result = _validate_link(raw_link, agent, now, problems)
        if result is not None:
            link_models.append((raw_link, *result))

    # Which class each id has: in this batch, else in the store.
    mentioned = {str(m.to) for _, m, _ in link_models} | {str(r.source_id) for r, _, _ in link_models}
    mentioned |= {str(getattr(m, "source", "")) for _, m, _ in link_models}  # provenance fields are generated
    mentioned |= {v for n in batch.nodes for f, v in _references(n)}
    in_batch = {n.id: n.cls for n in batch.nodes}
    in_store = store.find_classes(sorted(mentioned | set(in_batch))) if store is not None else {}
    for node in batch.nodes:
        stored_cls = in_store.get(node.id)
        if stored_cls is not None and stored_cls != node.cls:
            problems.append(
                _at(node.origin, "id", f"id {node.id!r} already exists as a {stored_cls}, not a {node.cls}")
            )
    classes = in_store | in_batch

    for node in batch.nodes:
        for field_name, ref in _references(node):
            target = ontology.classes[node.cls].field(field_name).target_class or ""
            if classes.get(ref) != target:
                problems.append(_at(node.origin, field_name, _missing(ref, target, classes.get(ref))))

    seen_links: dict[tuple[str, str, str], LinkRow] = {}
    for raw_link, model, explicit in link_models:
        link = _link_row(raw_link, model, explicit, classes, problems)
        if link is None:
            continue
        if link.key in seen_links:
            first_link = seen_links[link.key]
            if _content(first_link.values) != _content(link.values):
                message = f"link {' '.join(link.key)} is given twice with different data"
                problems.append(_conflict(link.origin, message, first_link.origin))
            continue
        seen_links[link.key] = link
        batch.links.append(link)

    # One set lookup a problem: a loop over the failed ids for each took hours at 100,000 bad rows.
    dangling = {f"no node with id {i!r}" for i in failed}
    problems = [p for p in problems if p.message.split(NOT_FOUND, 1)[0] not in dangling]
    if not problems:
        problems.extend(shacl_problems(batch.nodes, batch.links, classes))
    if problems:
        raise InvalidData(problems)
    return batch


def _link_row(
    raw: RawLink, model: LinkBase, explicit: frozenset[str], classes: dict[str, str], problems: list[Problem]
) -> LinkRow | None:
    ontology = load_ontology()
    origin = raw.origin
    prefix = raw.field_prefix
    source_id = str(raw.source_id)
    source_cls = classes.get(source_id)
    rel_name = str(model.rel)
    rel = ontology.relationships.get(rel_name) or ontology.relationship_for_field(rel_name)
    if rel is None:
        known = ", ".join(sorted(r.field_name for r in ontology.relationships.values()))
        problems.append(_at(origin, f"{prefix}rel", f"unknown relationship {rel_name!r}; use one of: {known}"))
        return None
    if source_cls is None:
        problems.append(_at(origin, f"{prefix}from", f"no node with id {source_id!r}{NOT_FOUND}"))
        return None
    allowed_targets = rel.targets_of(source_cls)
    if not allowed_targets:
        problems.append(_at(origin, f"{prefix}rel", f"a {source_cls} cannot have '{rel.field_name}' links"))
        return None
    target_id = str(model.to)
    target_cls = classes.get(target_id)
    if target_cls not in allowed_targets:
        problems.append(_at(origin, f"{prefix}to", _missing(target_id, " or ".join(allowed_targets), target_cls)))
        return None
    values = fields_to_columns(ontology.link_fields, model)
    for qualifier in ("role", "direction"):
        if values.get(qualifier) is not None and qualifier not in rel.qualifiers:
            problems.append(_at(origin, f"{prefix}{qualifier}", f"'{rel.field_name}' links take no {qualifier}"))
    for qualifier in rel.required_qualifiers:
        if values.get(qualifier) is None:
            problems.append(_at(origin, f"{prefix}{qualifier}", f"'{rel.field_name}' links need a {qualifier}"))
    if classes.get(values["source"]) != "Source":
        problems.append(
            _at(origin, f"{prefix}source", _missing(values["source"], "Source", classes.get(values["source"])))
        )
    return LinkRow(rel.name, source_id, target_id, values, origin, explicit)


def _references(node: NodeRow) -> Iterable[tuple[str, str]]:
    for f in load_ontology().classes[node.cls].fields:
        if f.kind is FieldKind.REFERENCE and node.values.get(f.name):
            yield f.name, node.values[f.name]


def _missing(ref: str, expected: str, actual: str | None) -> str:
    if actual is None:
        return f"no node with id {ref!r}{NOT_FOUND} (expected a {expected})"
    return f"{ref!r} is a {actual}, expected a {expected}"


def _content(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in PROVENANCE_FILLED}


def _at(origin: Origin | None, field_name: str, message: str) -> Problem:
    origin = origin or Origin("", "")
    return Problem(origin.file, origin.location, field_name, message)


def _conflict(origin: Origin | None, message: str, first: Origin | None) -> Problem:
    where = f" (first at {first.file}, {first.location})" if first else ""
    return _at(origin, "id", message + where)
