"""Read records from the YAML format of seed/README.md."""

from __future__ import annotations

from typing import Any

import yaml

from caleido.errors import Problem
from caleido.loaders.raw import RawBatch, RawNode
from caleido.ontology.citations import citations_from_input
from caleido.ontology.records import Origin

INHERITED_BY_RECORDS = ("class", "source", "status", "gloss", "added_by", "added_at")
# A link states its own status: a link does not become proposed (or accepted) silently because its record is.
INHERITED_BY_LINKS = ("source", "added_by", "added_at")


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster on big files


class _LineLoader(_Base):  # type: ignore[valid-type,misc]
    """A safe loader that remembers the line where each mapping starts."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _link_with_inherited(record: dict[str, Any], link: Any) -> Any:
    if not isinstance(link, dict):
        return link
    merged = {k: record[k] for k in INHERITED_BY_LINKS if k in record} | link
    if "citations" in merged:
        merged["citations"] = citations_from_input(merged["citations"])
    return merged


def read_yaml(path: str, text: str) -> RawBatch:
    batch = RawBatch()
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        batch.problems.append(Problem(path, where, "", f"not valid YAML: {getattr(exc, 'problem', exc)}"))
        return batch
    if not isinstance(document, dict) or not isinstance(document.get("records"), list):
        batch.problems.append(Problem(path, "", "records", "expected a mapping with a 'records' list"))
        return batch
    unknown = set(document) - {"defaults", "records", "__line__"}
    if unknown:
        batch.problems.append(Problem(path, "", ", ".join(sorted(unknown)), "unknown top-level key"))
    defaults = document.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - {*INHERITED_BY_RECORDS, "__line__"}:
        batch.problems.append(
            Problem(path, "", "defaults", f"defaults may only set: {', '.join(INHERITED_BY_RECORDS)}")
        )
        return batch
    for index, record in enumerate(document["records"]):
        if not isinstance(record, dict):
            batch.problems.append(Problem(path, f"record {index + 1}", "", "a record must be a mapping"))
            continue
        line = record.get("__line__", 0)
        merged = {k: v for k, v in defaults.items() if k != "__line__"} | _strip_lines(record)
        if "citations" in merged:
            merged["citations"] = citations_from_input(merged["citations"])
        links = merged.get("links")
        if isinstance(links, list):
            merged["links"] = [_link_with_inherited(merged, link) for link in links]
        cls = merged.pop("class", None)
        batch.nodes.append(RawNode(cls=cls, data=merged, origin=Origin(path, f"line {line}")))
    return batch
