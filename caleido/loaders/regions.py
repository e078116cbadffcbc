"""The regional tables of seed/regions/ (their origin in its SOURCES.md): the GGD regions, police units, youth-care
regions and judicial districts as Region records, the bodies that serve them as Organisation records with their
service area (`operates_in`) and the general record they are one of (`kind_of`), and each municipality's `part_of`
links to its regions, which the municipalities loader writes into the municipality's own record. Every claim quotes
the table row it comes from; a table that is not as expected is named with its line, and nothing is loaded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caleido.errors import Problem
from caleido.loaders.raw import RawBatch, RawNode
from caleido.loaders.table_rows import Link, Row, claim, missing_columns, rows
from caleido.ontology.records import Origin

REGIONS_FOLDER = "regions"
DIVISIONS_SOURCE = "src-cbs-gebiedsindelingen-2025"  # the CBS layers the geometry columns come from
TABLES_SOURCE = "src-caleido-regio-tabellen-2025"  # the tables themselves, for what was read from web pages
MUNICIPALITY_REGIONS = "municipality_regions.csv"
BODY_COLUMNS = ("code", "name", "website")
REGION_COLUMNS = (
    "cbs_code",
    "ggd_code",
    "police_unit",
    "riec_region",
    "zvh_name",
    "jeugdregio_code",
    "arrondissement",
)
RIEC_NOTE = (
    "Afgeleid, niet per gemeente gelezen: de tien RIEC's op riec.nl komen een op een overeen met de tien "
    "politie-eenheden; geen gevonden bron noemt de gemeenten per RIEC of zegt dat de gebieden gelijk zijn "
    "(seed/regions/SOURCES.md, par. 4)."
)


@dataclass(frozen=True)
class Division:
    """One regional division: its table of bodies, its region type and how its body is named and typed."""

    table: str
    region_type: str
    region_label: tuple[str, str]  # the type's name in nl and en, before the region's own name
    body_prefix: str  # the body's id is body_prefix + "-" + the region code in lower case
    body_label: tuple[str, str]  # formats of the body's name in nl and en
    organisation_type: str
    domains: tuple[str, ...]
    general: str | None  # the general record the body is one of


GGD = Division(
    "bodies_ggd.csv", "ggd-region", ("GGD-regio", "GGD region"), "org-ggd", ("{}", "{}"), "local-government",
    ("care",), "org-ggd",
)  # fmt: skip
POLICE = Division(
    "bodies_police_units.csv", "police-unit", ("Politie-eenheid", "Police unit"), "org-politie",
    ("Politie, eenheid {}", "Police, {} unit"), "government-agency", ("security",), "org-politie",
)  # fmt: skip
YOUTH = Division(
    "bodies_jeugdregio.csv", "jeugdregio", ("Jeugdregio", "Youth-care region"), "org-jeugdregio",
    ("Jeugdregio {}", "Youth-care region {}"), "local-government", ("care",), None,
)  # fmt: skip
DISTRICT = Division(
    "bodies_arrondissement.csv", "arrondissement", ("Arrondissement", "Judicial district"), "", ("", ""), "", (),
    None,
)  # fmt: skip
DIVISIONS = (GGD, POLICE, YOUTH, DISTRICT)


@dataclass
class Regional:
    """What the tables give: records of their own, and the links each municipality's record takes."""

    batch: RawBatch = field(default_factory=RawBatch)
    part_of: dict[str, list[Link]] = field(default_factory=dict)  # municipality code -> its regions


def _read(folder: Path, name: str, required: tuple[str, ...], problems: list[Problem]) -> list[Row]:
    path = folder / name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), "", "", f"cannot read the regional table: {exc}"))
        return []
    found = list(rows(str(path), text, problems, f"{REGIONS_FOLDER}/{name}"))
    return [] if missing_columns(str(path), found, required, problems) else found


def slug(name: str) -> str:
    """The id part of a Zorg- en Veiligheidshuis: its name after the kind, in lower case ASCII."""
    rest = re.sub(r"^Zorg- en Veiligheidshuis\s+", "", name)
    plain = rest.replace("â", "a").replace("ë", "e").replace("ü", "u")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _node(cls: str, data: dict[str, Any], row: Row, folder: Path) -> RawNode:
    return RawNode(cls, data, Origin(str(folder / Path(row.file).name), f"line {row.number}"))


def _region(division: Division, row: Row, folder: Path) -> RawNode:
    code, name = row.fields["code"], row.fields["name"]
    nl, en = division.region_label
    data = {
        "id": code,
        "label": {"nl": f"{nl} {name}", "en": f"{en} {name}"},
        "alt_labels": [name],
        "region_type": division.region_type,
        "identifier": code,
        **claim(DIVISIONS_SOURCE, row),
        "links": [],
    }
    return _node("Region", data, row, folder)


def _body(
    body_id: str,
    labels: tuple[str, str],
    division: Division,
    row: Row,
    source: str,
    folder: Path,
    links: list[dict[str, Any]],
) -> RawNode:
    data: dict[str, Any] = {
        "id": body_id,
        "label": {"nl": labels[0], "en": labels[1]},
        "organisation_type": division.organisation_type,
        "levels": ["regional"],
        "domains": list(division.domains),
        **claim(source, row),
        "links": links,
    }
    if row.fields.get("website"):
        data["url"] = row.fields["website"]
    if division.general:
        data["links"].append({"rel": "kind_of", "to": division.general, **claim(source, row)})
    return _node("Organisation", data, row, folder)


def _divisions(folder: Path, out: Regional) -> dict[str, dict[str, Row]]:
    """Region and body records of the four divisions; per division its rows by code and by name."""
    by_key: dict[str, dict[str, Row]] = {}
    for division in DIVISIONS:
        table = by_key.setdefault(division.table, {})
        for row in _read(folder, division.table, BODY_COLUMNS, out.batch.problems):
            code, name = row.fields["code"], row.fields["name"]
            if code in table:
                out.batch.problems.append(Problem(str(folder / division.table), f"line {row.number}", "code",
                                                  f"{code} is listed twice"))  # fmt: skip
                continue
            table[code] = table[name] = row
            out.batch.nodes.append(_region(division, row, folder))
            if not division.body_prefix:
                continue
            labels = (division.body_label[0].format(name), division.body_label[1].format(name))
            link = {"rel": "operates_in", "to": code, **claim(DIVISIONS_SOURCE, row)}
            body_id = f"{division.body_prefix}-{code.lower()}"
            out.batch.nodes.append(_body(body_id, labels, division, row, DIVISIONS_SOURCE, folder, [link]))
    return by_key


RIEC = Division("bodies_riec.csv", "", ("", ""), "org-riec", ("{}", "{}"), "network", ("security",), "org-riec")
ZVH = Division(
    "bodies_zvh.csv", "", ("", ""), "org-zvh", ("{}", "{}"), "network", ("care", "security"),
    "org-zorg-en-veiligheidshuis",
)  # fmt: skip


def _named_bodies(folder: Path, division: Division, out: Regional) -> dict[str, tuple[str, Row]]:
    """The RIEC or ZVH table: by name, the body's id and its row (its records are written once their areas are
    known)."""
    named: dict[str, tuple[str, Row]] = {}
    for row in _read(folder, division.table, ("name", "website"), out.batch.problems):
        name = row.fields["name"]
        if name in named:
            out.batch.problems.append(Problem(str(folder / division.table), f"line {row.number}", "name",
                                              f"{name} is listed twice"))  # fmt: skip
            continue
        named[name] = (f"{division.body_prefix}-{slug(name)}", row)
    return named


def read_regions(folder: Path, municipalities: dict[str, Row]) -> Regional:
    """Everything the regional tables in `folder` give, checked against the municipalities' rows by code."""
    out = Regional()
    problems = out.batch.problems
    tables = _divisions(folder, out)
    riecs = _named_bodies(folder, RIEC, out)
    zvhs = _named_bodies(folder, ZVH, out)
    riec_units: dict[str, str] = {}  # RIEC name -> police unit code
    zvh_areas: dict[str, list[Row]] = {name: [] for name in zvhs}
    seen: set[str] = set()
    path = str(folder / MUNICIPALITY_REGIONS)
    for row in _read(folder, MUNICIPALITY_REGIONS, REGION_COLUMNS, problems):
        f = row.fields
        code = f["cbs_code"]
        where = f"line {row.number}"
        if code in seen:
            problems.append(Problem(path, where, "cbs_code", f"{code} is listed twice"))
            continue
        seen.add(code)
        if code not in municipalities:
            problems.append(Problem(path, where, "cbs_code", f"unknown municipality code {code!r}"))
            continue
        wanted = [
            ("ggd_code", GGD, f["ggd_code"]),
            ("police_unit", POLICE, f["police_unit"]),
            ("jeugdregio_code", YOUTH, f["jeugdregio_code"]),
            ("arrondissement", DISTRICT, f["arrondissement"]),
        ]
        links = []
        for column, division, key in wanted:
            target = tables.get(division.table, {}).get(key)
            if target is None:
                problems.append(Problem(path, where, column, f"{key!r} is not in {division.table}"))
                continue
            links.append(Link(target.fields["code"], DIVISIONS_SOURCE, row))
        out.part_of[code] = links
        unit = tables.get(POLICE.table, {}).get(f["police_unit"])
        if f["riec_region"] not in riecs:
            problems.append(Problem(path, where, "riec_region", f"{f['riec_region']!r} is not in {RIEC.table}"))
        elif unit is not None and riec_units.setdefault(f["riec_region"], unit.fields["code"]) != unit.fields["code"]:
            problems.append(Problem(path, where, "riec_region", "the RIEC lies in two police units"))
        if f["zvh_name"] and f["zvh_name"] not in zvhs:
            problems.append(Problem(path, where, "zvh_name", f"{f['zvh_name']!r} is not in {ZVH.table}"))
        elif f["zvh_name"]:
            zvh_areas[f["zvh_name"]].append(row)
    absent = sorted(set(municipalities) - seen)
    if absent and not problems:
        problems.append(
            Problem(path, "", "cbs_code", f"no row for {len(absent)} municipalities: {', '.join(absent[:5])}")
        )
    for name, (body_id, row) in sorted(riecs.items()):
        unit_code = riec_units.get(name)
        links = []
        if unit_code:
            links.append(
                {"rel": "operates_in", "to": unit_code, **claim(TABLES_SOURCE, row, "proposed"), "note": RIEC_NOTE}
            )
        body_id = f"{RIEC.body_prefix}-{unit_code.lower()}" if unit_code else body_id
        out.batch.nodes.append(_body(body_id, (name, name), RIEC, row, TABLES_SOURCE, folder, links))
    for name, (body_id, row) in sorted(zvhs.items()):
        links = [
            {"rel": "operates_in", "to": area.fields["cbs_code"], **claim(TABLES_SOURCE, area)}
            for area in zvh_areas[name]
        ]
        out.batch.nodes.append(_body(body_id, (name, name), ZVH, row, TABLES_SOURCE, folder, links))
    return out
