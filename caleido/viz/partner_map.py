"""The partner finder's result as the page shows it: the bodies serving the municipality (local first), the
national support lines, the roles named for the municipality, and a small network of the local and national
partners (the municipality at the centre, the organisations around it, their programmes and the factors or
themes those address on the outer rings). Input is caleido.graph.usecases.partners' result and the labels of
the ids it names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from babel.numbers import format_decimal

from caleido.graph.usecases.results import (
    Labelled,
    LocalRole,
    Partner,
    PartnerMunicipality,
    Partners,
    ProgrammeLink,
    Reason,
)
from caleido.viz.claims import cited_sources, claim_view
from caleido.viz.i18n import LOCALES, Lang, class_label, counted, labelled, rel_label, term_label, text
from caleido.viz.layout import rings_by_depth
from caleido.viz.network import Network, explore_href

PARTNERS_SHOWN = 30  # the first page of the ranking; "show more" asks for more
PROGRAMMES_SHOWN = 8  # per organisation; the rest is counted


def region_name(region_type: str, label: str, lang: Lang) -> str:
    """'Veiligheidsregio IJsselland': the kind of region before its name, unless the name starts with it
    ('Jeugdregio IJsselland', 'GGD-regio ...', 'GGD IJsselland')."""
    kind = term_label("RegionTypeScheme", region_type, lang)
    first = kind.split("-")[0].split(" ")[0].lower()
    return label if label.lower().startswith(first) else f"{kind} {label}"


def partner_view(
    result: Partners, labels: Mapping[str, Labelled], lang: Lang, *, limit: int = PARTNERS_SHOWN
) -> dict[str, Any]:
    """The first `limit` local partners, every national line and role, each with its first programmes, and the
    network of the partners shown."""
    known: dict[str, Labelled] = {**labels, **{p.id: p for p in [*result.partners, *result.national]}}
    regions = {r.id: r for r in result.municipality.regions}

    def name(node_id: str) -> str:
        return labelled(known[node_id], lang) if node_id in known else node_id

    def entry(rank: int, partner: Partner) -> dict[str, Any]:
        via = regions.get(partner.via or "")
        return {
            "rank": rank,
            "id": partner.id,
            "label": labelled(partner, lang),
            "href": explore_href(partner.id, lang),
            "via": region_name(via.region_type, labelled(via, lang), lang) if via else None,
            "via_claim": claim_view(partner.via_claim, known, lang) if partner.via_claim else None,
            "reach": text(lang, f"reach.{partner.reach}"),
            "type": term_label("OrganisationTypeScheme", partner.organisation_type, lang),
            "levels": ", ".join(term_label("LevelScheme", v, lang) for v in partner.levels),
            "domains": ", ".join(term_label("DomainScheme", v, lang) for v in partner.domains),
            "url": partner.url if (partner.url or "").startswith(("https://", "http://")) else None,
            "phone": partner.phone,
            **_programmes(partner.programmes, partner.reasons, name, known, lang, partner.more_programmes),
        }

    local = [entry(rank, p) for rank, p in enumerate(result.partners[:limit], start=1)]
    national = [entry(rank, p) for rank, p in enumerate(result.national, start=1)]
    roles = [_role(r, name, known, lang) for r in result.roles]
    shown = [*result.partners[:limit], *result.national]
    return {
        "partners": local,
        "national": national,
        "roles": roles,
        "count": counted(len(local), "partners.count", lang) + ("+" if result.more else ""),
        "national_count": counted(len(national), "partners.count", lang),
        "national_page": _page(result.national_offset, len(national), result.national_total, "national", lang),
        "roles_page": _page(result.roles_offset, len(roles), result.roles_total, "roles", lang),
        "national_next": _next(result.national_offset, len(national), result.national_total),
        "roles_next": _next(result.roles_offset, len(roles), result.roles_total),
        "network": _network(result.municipality, [_first(p) for p in shown], name, lang) if shown else None,
        "more": result.more or len(result.partners) > limit,
    }


def _page(offset: int, shown: int, total: int, section: str, lang: Lang) -> str | None:
    """'25 of 3,224 national lines' when the section is a page of more; nothing when it shows them all."""
    if offset == 0 and shown >= total:
        return None
    first = f"{format_decimal(offset + 1, locale=LOCALES[lang])}-" if offset else ""
    return text(lang, f"partners.{section}.page").format(
        shown=first + format_decimal(offset + shown, locale=LOCALES[lang]),
        total=format_decimal(total, locale=LOCALES[lang]),
    )


def _next(offset: int, shown: int, total: int) -> int | None:
    """The offset of the next page of a section, if there is one."""
    return offset + shown if shown and offset + shown < total else None


def reason_sources(result: Partners) -> set[str]:
    """The ids of the sources the partners' reasons, service areas and general records cite."""
    every: list[Partner | LocalRole] = [*result.partners, *result.national, *result.roles]
    claims = [c for p in every for r in p.reasons for c in (r.programme_claim, r.target_claim, r.general_claim) if c]
    claims += [p.via_claim for p in result.partners if p.via_claim]
    claims += [c for p in every for link in p.programmes for c in (link.claim, link.general_claim) if c]
    return cited_sources(*claims)


def reason_ids(result: Partners) -> set[str]:
    """The programmes, factors, themes and general records the reasons name (whose labels the page shows)."""
    every: list[Partner | LocalRole] = [*result.partners, *result.national, *result.roles]
    named = {i for p in every for r in p.reasons for i in (r.intervention, r.target, r.general) if i}
    return named | {i for p in every for link in p.programmes for i in (link.intervention, link.general) if i}


def _first(partner: Partner) -> Partner:
    kept = set(sorted({r.intervention for r in partner.reasons})[:PROGRAMMES_SHOWN])
    return partner.model_copy(update={"reasons": [r for r in partner.reasons if r.intervention in kept]})


def _programmes(
    links: list[ProgrammeLink],
    reasons: list[Reason],
    name: Callable[[str], str],
    known: Mapping[str, Labelled],
    lang: Lang,
    more: int = 0,
) -> dict[str, Any]:
    """The programmes an organisation runs or joins (the first PROGRAMMES_SHOWN): those its reasons name, or all
    when no reason names one (`more`: those the answer left out already); each with how it takes part ("as
    GGD'en" when a general record's link), the claim and the factors or themes of its reasons with theirs."""
    targets: dict[tuple[str, str | None], list[Reason]] = defaultdict(list)
    for reason in reasons:
        targets[(reason.intervention, reason.general)].append(reason)
    shown = [p for p in links if (p.intervention, p.general) in targets] or links
    programmes = [
        {
            "label": name(link.intervention),
            "href": explore_href(link.intervention, lang),
            "how": _how(link.rel, link.role, lang),
            "as_general": f"{text(lang, 'partners.as')} {name(link.general)}" if link.general else None,
            "general_href": explore_href(link.general, lang) if link.general else None,
            "general_claim": claim_view(link.general_claim, known, lang) if link.general_claim else None,
            "claim": claim_view(link.claim, known, lang),
            "targets": [
                {
                    "target": name(r.target),
                    "href": explore_href(r.target, lang),
                    "rel": rel_label(r.target_rel, lang),
                    "claim": claim_view(r.target_claim, known, lang),
                }
                for r in targets[(link.intervention, link.general)]
            ],
        }
        for link in shown[:PROGRAMMES_SHOWN]
    ]
    hidden = len(shown) - len(programmes) + more
    return {"programmes": programmes, "more_programmes": counted(hidden, "programmes.count", lang) if hidden else ""}


def _role(role: LocalRole, name: Callable[[str], str], known: Mapping[str, Labelled], lang: Lang) -> dict[str, Any]:
    return {
        "id": role.id,
        "label": role.named_nl if lang == "nl" else role.named_en,
        "href": explore_href(role.id, lang),
        "type": term_label("OrganisationTypeScheme", role.organisation_type, lang),
        "no_body": text(lang, "partners.no_body") if role.bodies_elsewhere else None,
        **_programmes(role.programmes, role.reasons, name, known, lang, role.more_programmes),
    }


def _how(rel: str, role: str | None, lang: Lang) -> str:
    how = rel_label(rel, lang)
    return f"{how} ({term_label('OrganisationRoleScheme', role, lang)})" if role else how


def _network(
    place: PartnerMunicipality, partners: list[Partner], name: Callable[[str], str], lang: Lang
) -> dict[str, Any]:
    depths = {place.id: 0}
    neighbours: dict[str, set[str]] = defaultdict(set)
    edges: list[tuple[str, str, str]] = []
    for partner in partners:
        depths[partner.id] = 1
        neighbours[partner.id].add(place.id)
        edges.append((partner.id, place.id, text(lang, f"reach.{partner.reach}")))
        for reason in partner.reasons:
            depths.setdefault(reason.intervention, 2)
            depths.setdefault(reason.target, 3)
            neighbours[reason.intervention].add(partner.id)
            neighbours[reason.target].add(reason.intervention)
            edges.append((partner.id, reason.intervention, rel_label(reason.rel, lang)))
            edges.append((reason.intervention, reason.target, ""))
    positions = rings_by_depth(depths, neighbours)
    classes = {0: "Region", 1: "Organisation", 2: "Intervention", 3: "RiskFactor"}
    network = Network()
    for node_id, depth in depths.items():
        label = labelled(place, lang) if depth == 0 else name(node_id)
        network.add_node(
            node_id,
            label,
            cls=classes[depth],
            dimension="environment" if depth == 3 else None,
            title=f"{label}\n{class_label(classes[depth], lang) if depth < 3 else ''}".strip(),
            position=positions[node_id],
            href=explore_href(node_id, lang),
            size=24 if depth == 0 else 16,
        )
    for source, target, title in dict.fromkeys(edges):
        network.add_edge(source, target, title=title)
    return network.data(physics=False)
