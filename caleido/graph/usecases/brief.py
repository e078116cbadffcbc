"""The municipal brief: one municipality's partners read the other way round. Its bodies and national support
lines (the partner finder's answer with no factor chosen), the factors each of them addresses through its
programmes, the programmes available there, and the region's gaps: the factors that no partner serving the
municipality addresses, counting the statuses asked for."""

from __future__ import annotations

from collections import defaultdict

from caleido.graph import queries
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import allowed_statuses, label_fields
from caleido.graph.usecases.partners import NATIONAL_LIMIT, REASONS_LIMIT, ROLES_LIMIT, capped, partners
from caleido.graph.usecases.results import Brief, BriefFactor, BriefProgramme, Labelled, LocalRole, Partner

FACTOR_CLASSES = ("RiskFactor", "ProtectiveFactor")


def brief(store: GraphStore, municipality: str, *, include_proposed: bool = False) -> Brief:
    """The brief of a municipality (CBS code or name; NotFound otherwise)."""
    statuses = allowed_statuses(include_proposed)
    # The factors, programmes and gaps count every line and role; the brief lists the first page of each (with
    # their totals), the partner finder the rest.
    found = partners(
        store,
        municipality,
        include_proposed=include_proposed,
        national_limit=None,
        roles_limit=None,
        reasons_limit=None,
    )
    offered = [*found.partners, *found.national]
    by_factor: dict[str, set[str]] = defaultdict(set)
    by_programme: dict[str, set[str]] = defaultdict(set)
    every: list[Partner | LocalRole] = [*offered, *found.roles]
    for partner in every:
        for link in partner.programmes:
            by_programme[link.intervention].add(partner.id)
    for partner in offered:  # the roles are kinds of organisation, not partners: they fill no gap
        for reason in partner.reasons:
            by_factor[reason.target].add(partner.id)
    factors: list[BriefFactor] = []
    gaps: list[Labelled] = []
    for cls in FACTOR_CLASSES:
        for row in sorted(store.read(queries.TARGET_COLUMNS.on(cls), statuses=statuses), key=lambda r: r["id"]):
            if row["id"] in by_factor:
                factors.append(BriefFactor(**label_fields(row), class_=cls, partners=sorted(by_factor[row["id"]])))
            else:
                gaps.append(Labelled(**label_fields(row)))
    shown = found.model_copy(
        update={
            "national": [capped(p, REASONS_LIMIT) for p in found.national[:NATIONAL_LIMIT]],
            "national_limit": NATIONAL_LIMIT,
            "roles": [capped(r, REASONS_LIMIT) for r in found.roles[:ROLES_LIMIT]],
            "roles_limit": ROLES_LIMIT,
        }
    )
    return Brief(
        partners=shown,
        factors=factors,
        programmes=[BriefProgramme(id=i, partners=sorted(p)) for i, p in sorted(by_programme.items())],
        gaps=gaps,
    )
