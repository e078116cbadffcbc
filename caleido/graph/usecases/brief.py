"""The municipal brief: one municipality's partners read the other way round. Its bodies and national support
lines (the partner finder's first pages with no factor chosen), the factors each of them addresses through its
programmes, the programmes available there, and the region's gaps: the factors that no partner serving the
municipality addresses, counting the statuses asked for.

A brief is printed: it names the first partners per factor and programme and the programmes most widely
available, each list with how many more there are (a synthetic national graph has thousands of national lines
for every factor); the partner finder has the rest. What it counts (the factors' partners, the gaps) counts every
body and line."""

from __future__ import annotations

from collections import defaultdict

from caleido.graph import queries
from caleido.graph.derived.reach import TARGET_TALLY
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import allowed_statuses, label_fields
from caleido.graph.usecases.partners import REASONS_LIMIT, PartnerQuery, does, finder
from caleido.graph.usecases.reach import doings, tallies
from caleido.graph.usecases.results import Brief, BriefFactor, BriefProgramme, Labelled

FACTOR_CLASSES = ("RiskFactor", "ProtectiveFactor")
BRIEF_BODIES = 50  # the bodies listed with their roles: every body serving a seed municipality (six or seven) fits
BRIEF_NAMES = 10  # the partners named per factor and per programme
BRIEF_PROGRAMMES = 100  # the programmes listed, those with the most partners here first


def brief(store: GraphStore, municipality: str, *, include_proposed: bool = False) -> Brief:
    """The brief of a municipality (CBS code or name; NotFound otherwise)."""
    statuses = allowed_statuses(include_proposed)
    query = PartnerQuery(include_proposed=include_proposed, limit=BRIEF_BODIES, body_reasons_limit=REASONS_LIMIT)
    found = finder(store, municipality, query)
    # Who addresses each factor and takes part in each programme, in the finder's order: the bodies as ranked,
    # then the national lines as ranked; on what they do as ids (derived entries), not their reasons' claims.
    addressing: dict[str, list[str]] = defaultdict(list)
    taking_part: dict[str, list[str]] = defaultdict(list)
    for org in found.bodies:
        reasons, programmes = does(org, found.done)
        for target in dict.fromkeys(t for _, targets in reasons for t in targets):
            addressing[target].append(org.id)
        for programme in dict.fromkeys(programmes):
            taking_part[programme].append(org.id)
    # Every national line counts for the factors, on its counts per target; the roles are kinds of organisation,
    # not partners: they fill no gap.
    lines = [o.id for o in found.national if found.tallied.get(o.id, {}).get("reasons")]
    named = tallies(store, lines, statuses, TARGET_TALLY)
    for line in lines:
        for target in named.get(line, {}):
            addressing[target].append(line)
    # The programmes of the lines and roles shown (the finder has the others').
    shown = [o.id for o in [*found.answer.national, *found.answer.roles]]
    done = doings(store, shown, statuses)
    for org_id in shown:
        for programme in dict.fromkeys(i for i, _ in done.get(org_id, {}).get("programmes", [])):
            taking_part[programme].append(org_id)
    factors: list[BriefFactor] = []
    gaps: list[Labelled] = []
    for cls in FACTOR_CLASSES:
        for row in sorted(store.read(queries.TARGET_COLUMNS.on(cls), statuses=statuses), key=lambda r: r["id"]):
            if who := addressing.get(row["id"]):
                factors.append(BriefFactor(**label_fields(row), class_=cls, **_first(who)))
            else:
                gaps.append(Labelled(**label_fields(row)))
    widest = sorted(taking_part.items(), key=lambda item: (-len(item[1]), item[0]))
    return Brief(
        partners=found.answer,
        bodies_total=len(found.bodies),
        factors=factors,
        programmes=[BriefProgramme(id=i, **_first(who)) for i, who in widest[:BRIEF_PROGRAMMES]],
        programmes_total=len(widest),
        gaps=gaps,
    )


def _first(who: list[str]) -> dict[str, list[str] | int]:
    return {"partners": who[:BRIEF_NAMES], "more": max(0, len(who) - BRIEF_NAMES)}
