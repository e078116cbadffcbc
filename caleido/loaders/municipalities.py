"""Municipalities, safety regions and provinces from the CBS reference file, as Region records."""

from __future__ import annotations

import csv
import io

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


def _region(
    region_id: str,
    name: str,
    kind: str,
    code: str,
    source: str,
    locator: str,
    alt: list[str],
    part_of: list[tuple[str, str, str]],
    origin: Origin,
) -> RawNode:
    data = {
        "id": region_id,
        "label": {"nl": name, "en": name},
        "region_type": kind,
        "identifier": code,
        "source": source,
        "locator": locator,
        "status": "accepted",
        "links": [
            {"rel": "part_of", "to": to, "source": src, "locator": loc, "status": "accepted"}
            for to, src, loc in part_of
        ],
    }
    if alt:
        data["alt_labels"] = alt
    return RawNode("Region", data, origin)


def read_municipalities(path: str, text: str) -> RawBatch:
    batch = RawBatch()
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = [c for c in REQUIRED if c not in (rows[0] if rows else {})]
    if missing:
        batch.problems.append(Problem(path, "line 1", ", ".join(missing), "required column is missing"))
        return batch
    provinces: dict[str, tuple[str, int]] = {}
    safety_regions: dict[str, tuple[str, str, int]] = {}
    for line, row in enumerate(rows, start=2):
        locator = f"municipalities.csv, line {line}"
        provinces.setdefault(row["province_code"], (row["province"], line))
        safety_regions.setdefault(row["safety_region_code"], (row["safety_region"], row["province_code"], line))
        batch.nodes.append(
            _region(
                row["cbs_code"],
                row["name"],
                "municipality",
                row["cbs_code"],
                MUNICIPALITY_SOURCE,
                locator,
                COMMON_NAMES.get(row["name"], []),
                [(row["safety_region_code"], SAFETY_REGION_SOURCE, locator)],
                Origin(path, f"line {line}"),
            )
        )
    for code, (name, province_code, line) in sorted(safety_regions.items()):
        locator = f"municipalities.csv, line {line}"
        batch.nodes.append(
            _region(
                code,
                name,
                "safety-region",
                code,
                SAFETY_REGION_SOURCE,
                locator,
                [],
                [(province_code, SAFETY_REGION_SOURCE, locator)],
                Origin(path, f"line {line}"),
            )
        )
    for code, (name, line) in sorted(provinces.items()):
        display = PROVINCE_NAMES.get(name, name)
        batch.nodes.append(
            _region(
                code,
                display,
                "province",
                code,
                MUNICIPALITY_SOURCE,
                f"municipalities.csv, line {line}",
                [name] if display != name else [],
                [],
                Origin(path, f"line {line}"),
            )
        )
    return batch
