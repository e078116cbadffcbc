"""The measures the map of the Netherlands colours its municipalities by, for all municipalities at once.

A body serves a municipality when its service area (the regions it `operates_in`) holds it: the municipality
itself or a region it lies in, however many steps up (`part_of`). Bodies that name no service area (national
lines) and policy actors are not counted: they would colour every municipality alike.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from caleido.graph import queries
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import NotFound, allowed_statuses, grade_rank, label_fields, rows_by_id
from caleido.graph.usecases.results import Labelled, Result

Measure = Literal["providers", "recognised"]
MEASURES: tuple[Measure, ...] = ("providers", "recognised")
POLICY_ACTORS = frozenset({"parliament", "ministry", "office"})  # never offered as partners (issue 17)
TARGET_CLASSES = ("RiskFactor", "ProtectiveFactor", "ProgrammeTheme")
RECOGNISED_FROM = "well-described"  # the lowest recognition level: every higher one counts too


class MapMunicipality(Labelled):
    identifier: str | None = None
    value: int
    organisations: list[str]  # the bodies counted (providers) or delivering (recognised), by id
    interventions: list[str]  # the recognised interventions delivered there (recognised), by id


class MapMeasure(Result):
    measure: Measure
    target: str | None
    statuses: list[str]
    bodies: int  # regional bodies with a service area in the graph
    recognised: int  # interventions with a recognition grade in the graph
    municipalities: list[MapMunicipality]


def map_measure(
    store: GraphStore, measure: Measure, *, target: str | None = None, include_proposed: bool = False
) -> MapMeasure:
    """Per municipality: the regional bodies serving it (with a reason for `target`, a factor or theme, when
    one is given), or the recognised interventions such bodies run or join there."""
    if measure not in MEASURES:
        raise NotFound(f"measure={measure!r}: no such measure; {', '.join(MEASURES)}")
    statuses = allowed_statuses(include_proposed)
    regions = rows_by_id(store, "Region")
    if target is not None and store.find_classes([target]).get(target) not in TARGET_CLASSES:
        raise NotFound(f"target={target!r}: no factor or theme with this id")
    serving = _serving(store, regions, statuses)
    bodies = sorted({org for orgs in serving.values() for org in orgs})
    delivered: dict[str, set[str]] = defaultdict(set)  # organisation -> recognised interventions
    recognised = _recognised(store, statuses)
    if measure == "providers" and target is not None:
        counted = _with_reasons(store, bodies, target, statuses)
    elif measure == "recognised":
        for row in store.read(queries.ORGANISATION_PROGRAMMES, ids=bodies, statuses=statuses):
            if row["intervention"] in recognised:
                delivered[row["organisation"]].add(row["intervention"])
        counted = set(delivered)
    else:
        counted = set(bodies)
    found = []
    for region_id, row in regions.items():
        if row["region_type"] != "municipality":
            continue
        orgs = sorted(serving[region_id] & counted)
        programmes = sorted({i for org in orgs for i in delivered[org]})
        found.append(
            MapMunicipality(
                **label_fields(row),
                identifier=row["identifier"],
                value=len(programmes) if measure == "recognised" else len(orgs),
                organisations=orgs,
                interventions=programmes,
            )
        )
    return MapMeasure(
        measure=measure,
        target=target,
        statuses=statuses,
        bodies=len(bodies),
        recognised=len(recognised),
        municipalities=sorted(found, key=lambda m: m.id),
    )


def _serving(store: GraphStore, regions: dict[str, dict[str, object]], statuses: list[str]) -> dict[str, set[str]]:
    """Region -> the bodies (not policy actors) whose service area holds it."""
    parents: dict[str, set[str]] = defaultdict(set)
    for row in store.read(queries.REGION_PARENTS):
        parents[row["region"]].add(row["parent"])
    in_region: dict[str, set[str]] = defaultdict(set)
    for row in store.read(queries.SERVICE_AREAS, statuses=statuses):
        if row["organisation_type"] not in POLICY_ACTORS:
            in_region[row["region"]].add(row["organisation"])
    serving: dict[str, set[str]] = defaultdict(set)
    for region in regions:
        seen, todo = {region}, [region]
        while todo:  # the region and every region it lies in
            here = todo.pop()
            serving[region] |= in_region[here]
            todo += [p for p in parents[here] if p not in seen]
            seen |= parents[here]
    return serving


def _with_reasons(store: GraphStore, bodies: list[str], target: str, statuses: list[str]) -> set[str]:
    """The bodies that run or join a programme addressing, strengthening or belonging to the target."""
    rows = store.read(
        queries.REASON_COUNTS,
        ids=bodies,
        statuses=statuses,
        domain="",
        level="",
        only_targets=True,
        targets=[target],
    )
    return {row["organisation"] for row in rows if row["reasons"]}


def _recognised(store: GraphStore, statuses: list[str]) -> set[str]:
    """Interventions a finding grades at a recognition level (well described or higher)."""
    lowest = grade_rank(RECOGNISED_FROM)
    return {
        row["intervention"]
        for row in store.read(queries.INTERVENTION_GRADES, statuses=statuses)
        if grade_rank(row["grade"]) >= lowest
    }
