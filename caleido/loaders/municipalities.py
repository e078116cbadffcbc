"""Municipalities, safety regions and provinces from the CBS reference file, as Region records."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import NamedTuple

from caleido.errors import Problem
from caleido.loaders.raw import RawBatch, RawNode
from caleido.ontology.records import Origin

MUNICIPALITY_SOURCE = "src-cbs-gemeentelijke-indeling-2025"
SAFETY_REGION_SOURCE = "src-minvws-veiligheidsregios"
REQUIRED = ("cbs_code", "name", "province", "province_code", "safety_region", "safety_region_code")
# The CBS file writes "Friesland"; CBS's current lists write "Fryslân" (seed/MUNICIPALITIES-SOURCES.md).
PROVINCE_NAMES = {"Friesland": "Fryslân"}
# Names people type for two municipalities whose CBS name differs (seed/MUNICIPALITIES-SOURCES.md).
COMMON_NAMES = {"'s-Gravenhage": ["Den Haag"], "'s-Hertogenbosch": ["Den Bosch"]}


class Row(NamedTuple):
    """A data row with where it stands and its text: a claim taken from it quotes the row itself."""

    number: int  # line in the file, counting the header as line 1
    text: str
    fields: dict[str, str]

    @property
    def locator(self) -> str:
        return f"municipalities.csv, line {self.number}"


class Link(NamedTuple):
    to: str
    source: str
    row: Row


def _rows(path: str, text: str, problems: list[Problem]) -> Iterator[Row]:
    # One row a line (the file has no quoted line breaks), so each row's quote is exactly its line.
    lines = text.splitlines()
    header = next(csv.reader(lines[:1]), [])
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = next(csv.reader([line]))
        if len(cells) != len(header):
            problems.append(Problem(path, f"line {number}", "", f"{len(cells)} cells, the header has {len(header)}"))
            continue
        yield Row(number, line, dict(zip(header, cells, strict=True)))


def _claim(source: str, row: Row) -> dict[str, str]:
    return {"source": source, "locator": row.locator, "quote": row.text, "status": "accepted"}


def _region(
    region_id: str, name: str, kind: str, source: str, row: Row, alt: list[str], part_of: list[Link], path: str
) -> RawNode:
    data = {
        "id": region_id,
        "label": {"nl": name, "en": name},
        "region_type": kind,
        "identifier": region_id,
        **_claim(source, row),
        "links": [{"rel": "part_of", "to": link.to, **_claim(link.source, link.row)} for link in part_of],
    }
    if alt:
        data["alt_labels"] = alt
    return RawNode("Region", data, Origin(path, f"line {row.number}"))


def read_municipalities(path: str, text: str) -> RawBatch:
    batch = RawBatch()
    rows = list(_rows(path, text, batch.problems))
    missing = [c for c in REQUIRED if c not in (rows[0].fields if rows else {})]
    if missing:
        batch.problems.append(Problem(path, "line 1", ", ".join(missing), "required column is missing"))
        return batch
    provinces: dict[str, Row] = {}
    safety_regions: dict[str, Row] = {}
    for row in rows:
        f = row.fields
        provinces.setdefault(f["province_code"], row)
        safety_regions.setdefault(f["safety_region_code"], row)
        batch.nodes.append(
            _region(
                f["cbs_code"],
                f["name"],
                "municipality",
                MUNICIPALITY_SOURCE,
                row,
                COMMON_NAMES.get(f["name"], []),
                [Link(f["safety_region_code"], SAFETY_REGION_SOURCE, row)],
                path,
            )
        )
    for code, row in sorted(safety_regions.items()):
        f = row.fields
        batch.nodes.append(
            _region(
                code,
                f["safety_region"],
                "safety-region",
                SAFETY_REGION_SOURCE,
                row,
                [],
                [Link(f["province_code"], SAFETY_REGION_SOURCE, row)],
                path,
            )
        )
    for code, row in sorted(provinces.items()):
        name = row.fields["province"]
        display = PROVINCE_NAMES.get(name, name)
        batch.nodes.append(
            _region(code, display, "province", MUNICIPALITY_SOURCE, row, [name] if display != name else [], [], path)
        )
    return batch
