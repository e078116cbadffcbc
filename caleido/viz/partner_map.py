"""The partner finder's result as a ranked list and a small network: the municipality at the centre, the
organisations around it, their programmes and the factors or themes those address on the outer rings.
Input is caleido.graph.usecases.partners' result and the labels of the ids it names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from caleido.graph.usecases.results import Labelled, Partner, PartnerMunicipality, Partners
from caleido.viz.claims import cited_sources, claim_view
from caleido.viz.i18n import Lang, class_label, labelled, rel_label, term_label, text
from caleido.viz.layout import rings_by_depth
from caleido.viz.network import Network, explore_href

PARTNERS_SHOWN = 30  # the first page of the ranking; "show more" asks for more
PROGRAMMES_SHOWN = 8  # per organisation; the rest is counted


def partner_view(
    result: Partners, labels: Mapping[str, Labelled], lang: Lang, *, limit: int = PARTNERS_SHOWN
) -> dict[str, Any]:
    """The first `limit` partners of the ranking, each with its first programmes, and their network."""
    known: dict[str, Labelled] = {**labels, **{p.id: p for p in result.partners}}
    shown = [
        p.model_copy(update={"reasons": [r for r in p.reasons if r.intervention in _first_programmes(p)]})
        for p in result.partners[:limit]
    ]

    def name(node_id: str) -> str:
        return labelled(known[node_id], lang) if node_id in known else node_id

    entries = []
    for rank, partner in enumerate(shown, start=1):
        programmes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for reason in partner.reasons:
            programmes[reason.intervention].append(
                {
                    "target": name(reason.target),
                    "href": explore_href(reason.target, lang),
                    "rel": rel_label(reason.target_rel, lang),
                    "claim": claim_view(reason.target_claim, known, lang),
                }
            )
        roles = {r.intervention: (r.rel, r.role) for r in partner.reasons}
        claims = {r.intervention: claim_view(r.programme_claim, known, lang) for r in partner.reasons}
        entries.append(
            {
                "rank": rank,
                "id": partner.id,
                "label": labelled(partner, lang),
                "href": explore_href(partner.id, lang),
                "reach": text(lang, f"reach.{partner.reach}"),
                "type": term_label("OrganisationTypeScheme", partner.organisation_type, lang),
                "levels": ", ".join(term_label("LevelScheme", v, lang) for v in partner.levels),
                "domains": ", ".join(term_label("DomainScheme", v, lang) for v in partner.domains),
                "programmes": [
                    {
                        "label": name(intervention),
                        "href": explore_href(intervention, lang),
                        "how": _how(*roles[intervention], lang),
                        "claim": claims[intervention],
                        "targets": targets,
                    }
                    for intervention, targets in sorted(programmes.items())
                ],
                "more_programmes": len({r.intervention for r in result.partners[rank - 1].reasons}) - len(programmes),
            }
        )
    network = _network(result.municipality, shown, name, lang)
    return {"partners": entries, "network": network, "more": result.more or len(result.partners) > limit}


def reason_sources(result: Partners) -> set[str]:
    """The ids of the sources the partners' reasons cite (whose labels the list shows)."""
    return cited_sources(*(c for p in result.partners for r in p.reasons for c in (r.programme_claim, r.target_claim)))


def _first_programmes(partner: Partner) -> set[str]:
    return set(sorted({r.intervention for r in partner.reasons})[:PROGRAMMES_SHOWN])


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
