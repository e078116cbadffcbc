"""Records as read from a file, before validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caleido.errors import Problem
from caleido.ontology.records import Origin

MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass
class RawNode:
    cls: str | None
    data: dict[str, Any]  # input-shaped: label {nl, en}, links [...]
    origin: Origin


@dataclass
class RawLink:
    source_id: Any
    data: dict[str, Any]  # rel, to, qualifiers, provenance
    origin: Origin
    field_prefix: str = ""  # e.g. "links[2]." when the link was written inside its record


@dataclass
class RawBatch:
    nodes: list[RawNode] = field(default_factory=list)
    links: list[RawLink] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: RawBatch) -> None:
        self.nodes.extend(other.nodes)
        self.links.extend(other.links)
        self.problems.extend(other.problems)


def read_text(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Decode a file as UTF-8 (with or without BOM); say clearly when it is not."""
    if not data.strip():
        return None, [Problem(path, "", "", "the file is empty")]
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem(path, "", "", f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(path, f"line {line}", "", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
