"""The municipal brief: one municipality's partners read the other way round. Its bodies and national support
lines (the partner finder's answer with no factor chosen), the factors each of them addresses through its
programmes, the programmes available there, and the region's gaps: the factors that no partner serving the
municipality addresses, counting the statuses asked for."""

from __future__ import annotations

from collections import defaultdict

from caleido.graph import queries
from caleido.graph.derived.reach import TARGET_TALLY
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import allowed_statuses, label_fields
from caleido.graph.usecases.partners import PartnerQuery, finder
from caleido.graph.usecases.reach import doings, tallies
from caleido.graph.usecases.results import Brief, BriefFactor, BriefProgramme, Labelled

FACTOR_CLASSES = ("RiskFactor", "ProtectiveFactor")


def brief(store: GraphStore, municipality: str, *, include_proposed: bool = False) -> Brief:
    """The brief of a municipality (CBS code or name; NotFound otherwise)."""
    statuses = allowed_statuses(include_proposed)
    # The factors, programmes and gaps count every body, line and role; the brief lists every body with its
    # reasons and the first page of the lines and roles (with their totals), the partner finder the rest. The
    # lines and roles are counted from what they do as ids (derived entries), not from their reasons' claims.
    found = finder(store, municipality, PartnerQuery(include_proposed=include_proposed))
    by_factor: dict[str, set[str]] = defaultdict(set)
    by_programme: dict[str, set[str]] = defaultdict(set)
    for partner in found.answer.partners:
        for link in partner.programmes:
            by_programme[link.intervention].add(partner.id)
        for reason in partner.reasons:
            by_factor[reason.target].add(partner.id)
    lines = [*found.national, *found.roles]
    done = doings(store, [o.id for o in lines if found.tallied.get(o.id, {}).get("programmes")], statuses)
    for org in lines:
        for intervention, _ in done.get(org.id, {}).get("programmes", []):
            by_programme[intervention].add(org.id)
    # The roles are kinds of organisation, not partners: they fill no gap.
    named = tallies(
        store, [o.id for o in found.national if found.tallied.get(o.id, {}).get("reasons")], statuses, TARGET_TALLY
    )
    for line, targets in named.items():
        for target in targets:
            by_factor[target].add(line)
    factors: list[BriefFactor] = []
    gaps: list[Labelled] = []
    for cls in FACTOR_CLASSES:
        for row in sorted(store.read(queries.TARGET_COLUMNS.on(cls), statuses=statuses), key=lambda r: r["id"]):
            if row["id"] in by_factor:
                factors.append(BriefFactor(**label_fields(row), class_=cls, partners=sorted(by_factor[row["id"]])))
            else:
                gaps.append(Labelled(**label_fields(row)))
    return Brief(
        partners=found.answer,
        factors=factors,
        programmes=[BriefProgramme(id=i, partners=sorted(p)) for i, p in sorted(by_programme.items())],
        gaps=gaps,
    )
