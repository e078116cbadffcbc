"""Municipalities, safety regions and provinces from the CBS reference file, as Region records; with the regional
tables in the folder `regions/` beside it (caleido.loaders.regions), each municipality's record also holds its
links to its GGD region, police unit, youth-care region and judicial district, so no record is defined twice."""

from __future__ import annotations

from pathlib import Path

from caleido.loaders.raw import RawBatch, RawNode
from caleido.loaders.regions import REGIONS_FOLDER, read_regions
from caleido.loaders.table_rows import Link, Row, claim, missing_columns, rows
from caleido.ontology.records import Origin

MUNICIPALITY_SOURCE = "src-cbs-gemeentelijke-indeling-2025"
SAFETY_REGION_SOURCE = "src-minvws-veiligheidsregios"
REQUIRED = ("cbs_code", "name", "province", "province_code", "safety_region", "safety_region_code")
# The CBS file writes "Friesland"; CBS's current lists write "Fryslân" (seed/MUNICIPALITIES-SOURCES.md).
PROVINCE_NAMES = {"Friesland": "Fryslân"}
# Names people type for two municipalities whose CBS name differs (seed/MUNICIPALITIES-SOURCES.md).
COMMON_NAMES = {"'s-Gravenhage": ["Den Haag"], "'s-Hertogenbosch": ["Den Bosch"]}


def _region(
    region_id: str, name: str, kind: str, source: str, row: Row, alt: list[str], part_of: list[Link], path: str
) -> RawNode:
    data = {
        "id": region_id,
        "label": {"nl": name, "en": name},
        "region_type": kind,
        "identifier": region_id,
        **claim(source, row),
        "links": [{"rel": "part_of", "to": link.to, **claim(link.source, link.row)} for link in part_of],
    }
    if alt:
        data["alt_labels"] = alt
    return RawNode("Region", data, Origin(path, f"line {row.number}"))


def read_municipalities(path: str, text: str) -> RawBatch:
    """The reference file; with the regional tables when a folder `regions/` stands beside it."""
    folder = Path(path).parent / REGIONS_FOLDER
    return read_municipalities_with(path, text, folder if folder.is_dir() else None)


def read_municipalities_with(path: str, text: str, regions: Path | None) -> RawBatch:
    batch = RawBatch()
    found = list(rows(path, text, batch.problems))
    if missing_columns(path, found, REQUIRED, batch.problems):
        return batch
    regional = read_regions(regions, {r.fields["cbs_code"]: r for r in found}) if regions else None
    if regional:
        batch.extend(regional.batch)
    provinces: dict[str, Row] = {}
    safety_regions: dict[str, Row] = {}
    for row in found:
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
                [Link(f["safety_region_code"], SAFETY_REGION_SOURCE, row)]
                + (regional.part_of.get(f["cbs_code"], []) if regional else []),
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
