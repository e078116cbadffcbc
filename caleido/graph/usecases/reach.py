"""Reach: the one place that answers "which organisations serve these municipalities, and through which
region". A municipality lies in regions of every kind (municipality -part_of-> safety region, GGD region,
police unit, jeugdregio, arrondissement; safety region -part_of-> province); an organisation serves it when its
service area (`operates_in`) is the municipality or one of those regions. Each body also names the general
records it is one of (`kind_of`), whose programmes it takes part in "as a ..." (caleido.graph.usecases.partners).

Many municipalities are answered at once (the map of all 342 asks for every one), in three reads whatever
their number: the regions above them, step by step; the service areas in those regions; the general records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from caleido.graph import queries
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import NotFound, Statuses, claim_fields, label_fields
from caleido.graph.usecases.results import (
    Claim,
    GeneralRecord,
    MunicipalityReach,
    ReachMap,
    ReachOrganisation,
    ReachRegion,
    ServiceArea,
)

# Kinds of region from near to far: fewer municipalities per region comes first (42 jeugdregio's, 25 GGD and
# safety regions, 12 provinces, 11 arrondissementen, 10 police units), so a body with a smaller service area is
# nearer to the municipality. A kind not listed here (a new one) comes last.
NEARNESS: tuple[str, ...] = (
    "municipality",
    "jeugdregio",
    "ggd-region",
    "safety-region",
    "province",
    "arrondissement",
    "police-unit",
)
POLICY_ACTORS = frozenset({"parliament", "ministry", "office"})  # organisation types never offered as partners


def nearness(region_type: str | None) -> int:
    return NEARNESS.index(region_type) if region_type in NEARNESS else len(NEARNESS)


def reach(store: GraphStore, municipalities: Iterable[str] | None, statuses: Statuses) -> ReachMap:
    """The organisations serving each municipality (ids; None: every municipality), nearest service area first,
    with the regions they serve through and the organisations' details and general records."""
    all_ids = [row["id"] for row in store.read(queries.MUNICIPALITY_KEYS)]
    wanted = all_ids if municipalities is None else list(dict.fromkeys(municipalities))
    unknown = sorted(set(wanted) - set(all_ids))
    if unknown:
        raise NotFound(f"no municipality with id {', '.join(map(repr, unknown))}")
    above = _regions_above(store, wanted, statuses)
    regions = store.fetch_nodes("Region", {r for m in wanted for r in above[m]} | set(wanted))
    areas: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in store.read(queries.SERVICE_AREAS, regions=sorted(regions), statuses=statuses):
        areas[row["region"]].append(row)

    def near(region: str) -> tuple[int, str]:
        return nearness(regions[region]["region_type"] if region in regions else None), region

    answers = []
    for municipality in wanted:
        lying_in = sorted(above[municipality], key=near)
        served: dict[str, ServiceArea] = {}
        for region in [municipality, *lying_in]:  # nearest first: an organisation serves through its nearest area
            for row in sorted(areas[region], key=lambda r: r["organisation"]):
                served.setdefault(
                    row["organisation"],
                    ServiceArea(
                        organisation=row["organisation"], via=region, claim=Claim(**claim_fields(row, note=True))
                    ),
                )
        answers.append(MunicipalityReach(municipality=municipality, regions=lying_in, served_by=list(served.values())))
    named = {s.organisation for a in answers for s in a.served_by}
    return ReachMap(
        statuses=list(statuses),
        municipalities=answers,
        regions={
            r: ReachRegion(**label_fields(regions[r]), region_type=regions[r]["region_type"]) for r in sorted(regions)
        },
        organisations=organisations(store, named, statuses),
    )


def organisations(store: GraphStore, ids: Iterable[str], statuses: Statuses) -> dict[str, ReachOrganisation]:
    """Organisations by id with their contact fields and the general records they are one of."""
    wanted = sorted(set(ids))
    details = store.fetch_nodes("Organisation", wanted)
    general: dict[str, list[GeneralRecord]] = defaultdict(list)
    for row in store.read(queries.GENERAL_RECORDS, ids=wanted, statuses=statuses):
        general[row["organisation"]].append(
            GeneralRecord(general=row["general"], claim=Claim(**claim_fields(row, note=True)))
        )
    return {
        org: ReachOrganisation(
            **label_fields(row),
            organisation_type=row["organisation_type"],
            levels=sorted(row.get("levels") or []),
            domains=sorted(row.get("domains") or []),
            url=row.get("url"),
            phone=row.get("phone"),
            last_verified=_iso(row.get("last_verified")),
            kind_of=sorted(general[org], key=lambda g: g.general),
        )
        for org, row in sorted(details.items())
    }


def _regions_above(store: GraphStore, municipalities: list[str], statuses: Statuses) -> dict[str, set[str]]:
    """Every region each municipality lies in, however many steps up (municipality -> safety region ->
    province): one read per step for all municipalities together."""
    parents: dict[str, set[str]] = defaultdict(set)
    frontier, seen = set(municipalities), set(municipalities)
    while frontier:
        rows = store.read(queries.REGIONS_ABOVE, ids=sorted(frontier), statuses=statuses)
        for row in rows:
            parents[row["region"]].add(row["parent"])
        frontier = {row["parent"] for row in rows} - seen
        seen |= frontier

    def up(region: str, path: frozenset[str]) -> set[str]:
        found: set[str] = set()
        for parent in parents[region] - path:  # a cycle in bad data ends here rather than looping
            found |= {parent} | up(parent, path | {parent})
        return found

    return {m: up(m, frozenset({m})) for m in municipalities}


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else (str(value) if value else None)
