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


@dataclass(frozen=True)
class Merged:
    """An entry of a reference file that was not added because the store or the file holds it already."""

    file: str
    entry: str  # where it is in the file: "entry jahnke2022 (line 3)"
    into: str  # the id of the source it is
    reason: str  # "the same DOI 10.1111/pops.12743", "the same title and year", "the same id"
    seen: str  # where that source is: "in the store", or the earlier entry of the file

    def __str__(self) -> str:
        return f"{self.file}, {self.entry}: is {self.into} ({self.reason}; {self.seen})"


@dataclass
class RawBatch:
    nodes: list[RawNode] = field(default_factory=list)
    links: list[RawLink] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    merged: list[Merged] = field(default_factory=list)

    def extend(self, other: RawBatch) -> None:
        self.nodes.extend(other.nodes)
        self.links.extend(other.links)
        self.problems.extend(other.problems)
        self.merged.extend(other.merged)


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
