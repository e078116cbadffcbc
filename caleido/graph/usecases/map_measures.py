"""The measures the map of the Netherlands colours its municipalities by, for all municipalities at once.

A body serves a municipality when its service area holds it (caleido.graph.usecases.reach). Bodies that name
no service area (national lines) and policy actors are not counted: they would colour every municipality
alike. As in the partner finder, a body does what it does itself and, "as a" general record it is one of
(`kind_of`), what that record does.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from caleido.graph import queries
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import NotFound, allowed_statuses, grade_rank
from caleido.graph.usecases.reach import POLICY_ACTORS, served_by
from caleido.graph.usecases.results import Labelled, Result

Measure = Literal["providers", "recognised"]
MEASURES: tuple[Measure, ...] = ("providers", "recognised")
TARGET_CLASSES = ("RiskFactor", "ProtectiveFactor", "ProgrammeTheme")
RECOGNISED_FROM = "well-described"  # the lowest recognition level: every higher one counts too


class MapMunicipality(Labelled):
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
        raise NotFound(f"measure={measure!r}: no such measure; {', '.join(MEASURES)}").worded(
            "error.parameter", name="measure", value=measure, allowed=", ".join(MEASURES)
        )
    if target is not None and store.find_classes([target]).get(target) not in TARGET_CLASSES:
        raise NotFound(f"target={target!r}: no factor or theme with this id").worded("error.target.unknown", id=target)
    statuses = allowed_statuses(include_proposed)
    everywhere = [row["id"] for row in store.read(queries.MUNICIPALITY_KEYS)]
    served = served_by(store, everywhere, statuses)  # ids only: the map shows no claims
    named = sorted({org for _, pairs in served.values() for org, _ in pairs})
    # The few policy actors, read by their type: asking the types of thousands of bodies by id is slower.
    policy = {row["id"] for row in store.read(queries.ORGANISATIONS_OF_TYPES, types=sorted(POLICY_ACTORS))}
    generals: dict[str, list[str]] = defaultdict(list)
    for row in store.read(queries.GENERAL_RECORDS, ids=named, statuses=statuses):
        generals[row["organisation"]].append(row["general"])
    kinds = {org: sorted(generals[org]) for org in named if org not in policy}
    doers = {*kinds, *(g for found in kinds.values() for g in found)}  # bodies and their records
    recognised = recognised_interventions(store, statuses)
    does: dict[str, set[str]] = defaultdict(set)  # body or general record -> what it counts for
    ids = sorted(doers)
    if measure == "recognised":  # ids only: what the map counts needs no claims
        for row in store.read(queries.ORGANISATION_PROGRAMMES, ids=ids, statuses=statuses):
            if row["intervention"] in recognised:
                does[row["organisation"]].add(row["intervention"])
    elif target is not None:
        # Who has a reason for the target, read from the target's side: fewer rows than every body's reasons.
        for row in store.read(queries.TARGET_DOERS, targets=[target], statuses=statuses):
            if row["organisation"] in doers:
                does[row["organisation"]].add(target)
    counting = measure == "recognised" or target is not None  # else every body serving counts
    counted = {
        body: does[body].union(*(does[g] for g in found))  # its own, and as each record it is one of
        for body, found in (kinds.items() if counting else ())
    }
    places = store.fetch_nodes("Region", everywhere)
    found = []
    for municipality in everywhere:
        bodies = sorted({org for org, _ in served[municipality][1] if org in kinds})
        if counting:
            bodies = [b for b in bodies if counted[b]]
        programmes = sorted({i for b in bodies for i in counted[b]}) if measure == "recognised" else []
        place = places[municipality]
        found.append(
            MapMunicipality(
                id=place["id"],
                label_nl=place.get("label_nl"),
                label_en=place.get("label_en"),
                value=len(programmes) if measure == "recognised" else len(bodies),
                organisations=bodies,
                interventions=programmes,
            )
        )
    return MapMeasure(
        measure=measure,
        target=target,
        statuses=statuses,
        bodies=len(kinds),
        recognised=len(recognised),
        municipalities=sorted(found, key=lambda m: m.id),
    )


def recognised_interventions(store: GraphStore, statuses: list[str]) -> set[str]:
    """Interventions a finding grades at a recognition level (well described or higher)."""
    lowest = grade_rank(RECOGNISED_FROM)
    return {
        row["intervention"]
        for row in store.read(queries.INTERVENTION_GRADES, statuses=statuses)
        if grade_rank(row["grade"]) >= lowest
    }
