"""The municipality's partner finder: organisations that reach a municipality, ranked by how near they
work and by their programmes on the wanted factors and themes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from caleido.graph import queries, search_keys
from caleido.graph.search_keys import normalise
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import (
    NotFound,
    Statuses,
    allowed_statuses,
    claim_fields,
    claim_from_list,
    label_fields,
)
from caleido.graph.usecases.results import Claim, Partner, PartnerMunicipality, Partners, Reach, Reason

# ---------------------------------------------------------------- partners

REACH_ORDER: tuple[Reach, ...] = ("municipality", "safety-region", "province", "regional", "national")


def find_municipality(store: GraphStore, text: str) -> dict[str, Any]:
    """A municipality by CBS code or name; 'Den Haag' and 's-Gravenhage alike."""
    wanted = normalise(text)
    not_found = NotFound(f"no municipality matches {text!r}; give a CBS code such as GM0363 or a name")
    if not wanted:  # text without letters or digits ("!", " ") normalised to "" and matched a missing label
        raise not_found
    exact = search_keys.patterns(wanted)["exact"]
    for row in store.read(queries.MUNICIPALITY_KEYS):
        codes = {normalise(code) for code in (row["id"], row["identifier"]) if code}
        if wanted in codes or exact in (row["search_keys"] or ""):
            return store.fetch_nodes("Region", [row["id"]])[row["id"]]
    raise not_found


def partners(
    store: GraphStore,
    municipality: str,
    *,
    targets: Iterable[str] = (),
    domain: str | None = None,
    level: str | None = None,
    include_proposed: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> Partners:
    """Organisations for a municipality, ranked by reach, then by their reasons (programme x wanted factor or
    theme), then by id; `limit` of them from `offset`, each with its reasons.

    The ranking is built a reach at a time, nearest first, and stops once it holds the page and one more:
    the national organisations, which reach every municipality, are only counted when the page gets to them."""
    statuses = allowed_statuses(include_proposed)
    place = find_municipality(store, municipality)
    safety_regions = _parents(store, [place["id"]])
    provinces = _parents(store, safety_regions)
    wanted = sorted(set(targets))
    reason_params = {
        "statuses": statuses,
        "only_targets": bool(wanted),
        "targets": wanted or [""],
        "domain": domain or "",
        "level": level or "",
    }
    end = None if limit is None else offset + limit
    ranked: list[tuple[Reach, int, str]] = []  # (reach, reasons, organisation)
    seen: set[str] = set()
    for reach, candidates in _reach_tiers(store, place["id"], safety_regions, provinces, statuses):
        fresh = candidates - seen
        seen |= candidates
        counts = store.read(queries.REASON_COUNTS, **reason_params, ids=sorted(fresh))
        tier = sorted((-int(row["reasons"]), row["organisation"]) for row in counts if row["reasons"])
        ranked += [(reach, -minus, org) for minus, org in tier]
        if end is not None and len(ranked) > end:
            break
    page = ranked[offset:end]
    details = store.fetch_nodes("Organisation", [org for _, _, org in page])
    reasons = _reasons(store.read(queries.REASONS, **reason_params, ids=[org for _, _, org in page]))
    return Partners(
        municipality=PartnerMunicipality(**label_fields(place), safety_regions=safety_regions, provinces=provinces),
        statuses=list(statuses),
        offset=offset,
        limit=limit,
        more=end is not None and len(ranked) > end,
        partners=[
            Partner(
                **label_fields(details[org]),
                organisation_type=details[org]["organisation_type"],
                levels=sorted(details[org]["levels"]),
                domains=sorted(details[org]["domains"]),
                reach=reach,
                reasons=sorted(reasons[org], key=lambda r: (r.intervention, r.target, r.rel)),
            )
            for reach, _, org in page
        ],
    )


def _reasons(rows: list[dict[str, Any]]) -> dict[str, list[Reason]]:
    """The reasons of the REASONS rows by organisation, each with the claims of the two links it rests on. A
    programme's link to a target is one claim, however many organisations run the programme: it is made once."""
    reasons: dict[str, list[Reason]] = defaultdict(list)
    claims: dict[tuple[str, str, str], Claim] = {}
    for row in rows:
        programme = Claim(**claim_fields(row, note=True))
        for target, rel, *claim in row["targets"]:  # partners() puts each organisation's reasons in order
            key = (row["intervention"], rel, target)
            if key not in claims:
                claims[key] = Claim(**claim_from_list(claim))
            reasons[row["organisation"]].append(
                Reason(
                    intervention=row["intervention"],
                    rel=row["rel"],
                    role=row["role"],
                    target=target,
                    target_rel=rel,
                    programme_claim=programme,
                    target_claim=claims[key],
                )
            )
    return reasons


def _parents(store: GraphStore, regions: list[str]) -> list[str]:
    """The regions these regions are part of (a municipality's safety regions, a safety region's province)."""
    if not regions:
        return []
    return sorted({row["parent"] for row in store.read(queries.PARENTS_OF, ids=regions)})


def _reach_tiers(
    store: GraphStore, municipality: str, safety_regions: list[str], provinces: list[str], statuses: Statuses
) -> Iterator[tuple[Reach, set[str]]]:
    """Organisations by how they reach the municipality, nearest first (REACH_ORDER). An organisation that
    names the regions it works in reaches the municipality through them; one that names none works
    everywhere at its level ('local': in every municipality). Tiers may overlap; the nearest counts."""
    named = store.read(queries.ORGANISATIONS_IN, regions=[municipality, *safety_regions, *provinces], statuses=statuses)

    def working_in(regions: list[str]) -> set[str]:
        return {row["organisation"] for row in named if row["region"] in regions}

    def everywhere(level: str) -> set[str]:
        return {
            row["organisation"] for row in store.read(queries.ORGANISATIONS_EVERYWHERE, level=level, statuses=statuses)
        }

    yield "municipality", working_in([municipality]) | everywhere("local")
    yield "safety-region", working_in(safety_regions)
    yield "province", working_in(provinces)
    yield "regional", everywhere("regional")
    yield "national", everywhere("national")
