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
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from caleido.graph import queries
from caleido.graph.derived.reach import (
    DOING,
    NEARNESS,
    REACH,
    TALLY,
    TallyFamily,
    doing,
    nearness,
    pairs,
    serving,
    stored,
    view,
)
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

__all__ = ["NEARNESS", "POLICY_ACTORS", "doings", "tallies", "nearness", "organisations", "reach", "served_by"]

Pairs = list[tuple[str, str]]  # (organisation, via region)
POLICY_ACTORS = frozenset({"parliament", "ministry", "office"})  # organisation types never offered as partners


def reach(store: GraphStore, municipalities: Iterable[str] | None, statuses: Statuses) -> ReachMap:
    """The organisations serving each municipality (ids; None: every municipality), nearest service area first,
    with the regions they serve through and the organisations' details and general records."""
    all_ids = [row["id"] for row in store.read(queries.MUNICIPALITY_KEYS)]
    wanted = all_ids if municipalities is None else list(dict.fromkeys(municipalities))
    unknown = sorted(set(wanted) - set(all_ids))
    if unknown:
        raise NotFound(f"no municipality with id {', '.join(map(repr, unknown))}")
    found = serving(store.read, wanted, statuses)  # with the claims of the service areas
    regions = store.fetch_nodes("Region", {r for m in wanted for r in found[m][0]} | set(wanted))
    answers = [
        MunicipalityReach(
            municipality=municipality,
            regions=lying_in,
            served_by=[ServiceArea(organisation=org, via=via, claim=Claim(**claim)) for org, via, claim in served],
        )
        for municipality in wanted
        for lying_in, served in [found[municipality]]
    ]
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


def served_by(store: GraphStore, municipalities: list[str], statuses: Statuses) -> dict[str, tuple[list[str], Pairs]]:
    """Per municipality: the regions it lies in, nearest first, and its serving organisations as (organisation,
    via), nearest first; read from the derived entries where they are stored, derived otherwise."""
    kept = stored(store, REACH.kind, municipalities, view(statuses))
    found = {m: (body["regions"], pairs(body["served_by"])) for m, body in kept.items() if body}
    missing = [m for m in municipalities if m not in found]
    for m, (regions, served) in serving(store.read, missing, statuses).items():
        found[m] = (regions, [(org, via) for org, via, _ in served])
    return found


def doings(store: GraphStore, ids: Collection[str], statuses: Statuses) -> dict[str, dict[str, list[Any]]]:
    """What each organisation does itself (caleido.graph.derived.reach.doing): read from the derived entries
    where they are stored, derived otherwise."""
    found = stored(store, DOING.kind, ids, view(statuses))
    missing = set(ids) - set(found)
    return found | doing(store.read, missing, statuses) if missing else found


def tallies(
    store: GraphStore, ids: Collection[str], statuses: Statuses, family: TallyFamily = TALLY
) -> dict[str, dict[str, Any]]:
    """What each organisation does itself, counted (caleido.graph.derived.reach.TallyFamily and its kin): read
    from the derived entries where they are stored, derived otherwise."""
    found = stored(store, family.kind, ids, view(statuses))
    missing = set(ids) - set(found)
    if not missing:
        return found
    return found | {org: family.count(values) for org, values in doing(store.read, missing, statuses).items()}


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else (str(value) if value else None)
