"""The kaleidoscope as a network with a fixed radial layout: the individual at the centre, the clusters of
risk factors in the environment around it, protective factors and programme themes in the next ring, the
values outside, and the interventions on the outer edge, turned towards what they address.

Input is the result of caleido.graph.usecases.model (one language) plus the labels of the sources it cites
(model_sources); output is what the page template needs: the network data, the legend, the same content as
tables, and the programme themes with their interventions and the values, each beside the passage it rests
on. A layer with no accepted record says so in a sentence rather than being drawn empty or filled in.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from caleido.graph.usecases.results import Dimension, Labelled, Member, Model, ModelIntervention, ModelTheme, Pairing
from caleido.viz import layout, palette
from caleido.viz.claims import ACCEPTED, cited_sources, claim_text, claim_view, gloss_note
from caleido.viz.i18n import Lang, class_label, rel_label, term_label, text
from caleido.viz.network import Network, explore_href

Sources = Mapping[str, Labelled]  # labels of the sources the model cites, by id
SHOWN = ("accepted", "proposed")  # what the lists show (proposed marked); rejected and retracted are left out
THEME_FACTOR_RELS = ("BUILDS", "ADDRESSES")  # a theme -> protective factors it builds, risk factors it addresses

RADII = {"individual": 150.0, "environment": 330.0, "protective": 520.0, "value": 680.0, "intervention": 840.0}
CLUSTER_LABEL_OFFSET = 70.0
CENTRE = "dimension:individual"
INTERVENTIONS_SHOWN = 60  # the most connected; at national scale there are thousands (the map lists them all)


@dataclass(frozen=True)
class KaleidoscopeFilters:
    domain: str | None = None
    level: str | None = None
    scheme: str | None = None  # a cluster scheme: show the risk factors it groups, grouped its way
    include_proposed: bool = False


def model_sources(model: Model) -> set[str]:
    """The ids of the sources the model's members, pairings and themes cite (whose labels the view shows)."""
    links = [c for t in model.themes for i in t.interventions for c in (i.link, *(e.link for e in i.evidence))]
    return cited_sources(*model.members, *model.interventions, *model.pairings, *links)


def kaleidoscope(model: Model, sources: Sources, filters: KaleidoscopeFilters, lang: Lang) -> dict[str, Any]:
    statuses = {"accepted", "proposed"} if filters.include_proposed else {"accepted"}
    clusters = _clusters(model, filters.scheme)
    members = [m for m in model.members if m.status in statuses and _in_scheme(m, clusters, filters.scheme)]
    shown = {m.id for m in members}
    pairings = [p for p in model.pairings if p.status in statuses]
    interventions = [
        i
        for i in model.interventions
        if i.status in statuses
        and (filters.domain is None or filters.domain in i.domains)
        and (filters.level is None or filters.level in i.levels)
    ]
    reach: dict[str, int] = defaultdict(int)
    for p in pairings:
        if p.end in shown:
            reach[p.start] += 1
    attached = sorted((i for i in interventions if reach[i.id]), key=lambda i: (-reach[i.id], i.id))
    interventions = attached[:INTERVENTIONS_SHOWN]
    shown |= {i.id for i in interventions}
    pairings = [p for p in pairings if p.start in shown and p.end in shown]

    positions = _positions(members, interventions, pairings, clusters)
    dimensions = {d.id: d for d in model.dimensions}
    network = Network()
    centre = dimensions["individual"]
    network.add_node(CENTRE, centre.label, cls="IndividualProfile", title=centre.definition, position=(0, 0), size=30)
    for member in members:
        network.add_node(
            member.id,
            member.label or member.id,
            cls=member.class_,
            dimension=member.dimension,
            title=_title(member, member.class_, sources, lang),
            position=positions[member.id],
            href=explore_href(member.id, lang),
        )
        if member.dimension == "individual":
            network.add_edge(CENTRE, member.id, dashes=True, color={"color": "#d9d9d9"}, arrows="")
    for cluster_id, (x, y) in positions.items():
        if cluster_id.startswith("cluster:"):
            label, scheme_label = clusters[cluster_id.removeprefix("cluster:")]
            network.add_node(cluster_id, label, cls="Cluster", title=f"{label}\n{scheme_label}", position=(x, y))
            network.nodes[-1].update(shape="text", font={"size": 20, "color": "#6b3f00"})
    for intervention in interventions:
        network.add_node(
            intervention.id,
            intervention.label or intervention.id,
            cls="Intervention",
            title=_title(intervention, "Intervention", sources, lang),
            position=positions[intervention.id],
            href=explore_href(intervention.id, lang),
        )
    for pairing in pairings:
        title = f"{rel_label(pairing.rel, lang)}\n{claim_text(pairing, sources, lang)}"
        network.add_edge(pairing.start, pairing.end, title=title)
    labels = {m.id: m.label or m.id for m in members} | {i.id: i.label or i.id for i in interventions}
    return {
        "network": network.data(physics=False),
        "legend": _legend(model, lang),
        "table": _table(members, dimensions, clusters, sources, lang),
        "themes": _themes(model, sources, lang),
        "values": _values(model, sources, lang),
        "layers": layer_notes(model, lang),
        "interventions": [
            {
                "id": i.id,
                "href": explore_href(i.id, lang),
                "label": labels[i.id],
                "targets": [
                    {
                        "id": p.end,
                        "label": labels[p.end],
                        "rel": rel_label(p.rel, lang),
                        "claim": claim_view(p, sources, lang),
                    }
                    for p in pairings
                    if p.start == i.id
                ],
            }
            for i in interventions
        ],
        "schemes": [(s.id, s.label) for s in model.cluster_schemes],
        "counts": {
            "members": len(members),
            "interventions": len(interventions),
            "interventions_hidden": len(attached) - len(interventions),
            "links": len(pairings),
        },
    }


def _clusters(model: Model, scheme: str | None) -> dict[str, tuple[str, str]]:
    """cluster notation -> (label, label of its scheme), for the chosen scheme or all."""
    return {
        c.id: (c.label, s.label) for s in model.cluster_schemes if scheme is None or s.id == scheme for c in s.clusters
    }


def _in_scheme(member: Member, clusters: dict[str, tuple[str, str]], scheme: str | None) -> bool:
    """With a scheme chosen, risk factors show only when that scheme groups them."""
    return scheme is None or member.class_ != "RiskFactor" or any(c in clusters for c in member.clusters)


def _cluster_of(member: Member, clusters: dict[str, tuple[str, str]]) -> str | None:
    return next((c for c in member.clusters if c in clusters), None)


def _positions(
    members: list[Member],
    interventions: list[ModelIntervention],
    pairings: list[Pairing],
    clusters: dict[str, tuple[str, str]],
) -> dict[str, tuple[float, float]]:
    """Ring by ring from the centre out; each ring ordered by the direction of what it is linked to inside."""
    order = list(clusters)
    neighbours: dict[str, list[str]] = defaultdict(list)
    for p in pairings:
        neighbours[p.start].append(p.end)
        neighbours[p.end].append(p.start)
    positions: dict[str, tuple[float, float]] = {}

    def place(ids: list[str], minimum: float, *, anchored: bool = True) -> None:
        if anchored:
            anchors = {i: [positions[n] for n in neighbours[i] if n in positions] for i in ids}
            ids = layout.order_by_angle(ids, anchors)
        radius = layout.radius_for(len(ids), minimum)
        positions.update(zip(ids, layout.ring(len(ids), radius), strict=True))

    def cluster_rank(m: Member) -> tuple[int, str]:
        cluster = _cluster_of(m, clusters)
        return (order.index(cluster) if cluster else len(order), m.id)

    by_dimension: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        by_dimension[m.dimension or ""].append(m)
    place([m.id for m in sorted(by_dimension["individual"], key=cluster_rank)], RADII["individual"], anchored=False)
    environment = sorted(by_dimension["environment"], key=cluster_rank)
    place([m.id for m in environment], RADII["environment"], anchored=False)
    for cluster in order:  # the cluster's name just outside its factors
        points = [positions[m.id] for m in environment if _cluster_of(m, clusters) == cluster]
        angle = layout.mean_angle(points)
        if angle is not None:
            radius = max(abs(complex(*p)) for p in points) + CLUSTER_LABEL_OFFSET
            positions[f"cluster:{cluster}"] = (radius * math.cos(angle), radius * math.sin(angle))
    place([m.id for m in by_dimension["protective"] + by_dimension["theme"]], RADII["protective"])
    place([m.id for m in by_dimension["value"]], RADII["value"])
    place([i.id for i in interventions], RADII["intervention"])
    return positions


def _title(record: Member | ModelIntervention, cls: str, sources: Sources, lang: Lang) -> str:
    """The tooltip, as plain text: name, kind, definition, and the passage it rests on with its source."""
    note = gloss_note(record.gloss, lang, lang)
    lines = [f"{record.label or record.id}" + (f" ({note})" if note else ""), class_label(cls, lang)]
    if isinstance(record, Member) and record.definition:
        lines.append(record.definition)
    lines.append(f"{text(lang, 'source')}: {claim_text(record, sources, lang)}")
    return "\n".join(lines)


def _legend(model: Model, lang: Lang) -> list[dict[str, Any]]:
    notes = layer_notes(model, lang)
    entries = [
        {
            "label": d.label,
            "colour": palette.DIMENSION_COLOURS[d.id],
            "definition": d.definition,
            "empty": notes[d.id],
        }
        for d in model.dimensions
    ]
    entries.append(
        {"label": class_label("Intervention", lang), "colour": palette.colour("Intervention"), "definition": ""}
        | {"empty": None}
    )
    return entries


def layer_notes(model: Model, lang: Lang) -> dict[str, str | None]:
    """By dimension: for a ring with no accepted record, the sentence that the sources name none (and how many
    are proposed, when some are); None for a ring that has some."""
    accepted: dict[str, int] = defaultdict(int)
    proposed: dict[str, int] = defaultdict(int)
    for m in model.members:
        if m.status == ACCEPTED:
            accepted[m.dimension or ""] += 1
        elif m.status == "proposed":
            proposed[m.dimension or ""] += 1

    def note(dimension: str) -> str | None:
        if accepted[dimension]:
            return None
        layer, count = text(lang, f"layer.{dimension}"), proposed[dimension]
        if count:
            return text(lang, "layer.unreviewed").format(layer=layer, count=count)
        return text(lang, "layer.none").format(layer=layer)

    return {d.id: note(d.id) for d in model.dimensions}


def _member_view(member: Member, sources: Sources, lang: Lang) -> dict[str, Any]:
    """A theme or value with its source and passage, for the lists under the network."""
    return {
        "id": member.id,
        "href": explore_href(member.id, lang),
        "label": member.label or member.id,
        "definition": member.definition or "",
        "gloss": gloss_note(member.gloss, lang, lang),
        "proposed": member.status != ACCEPTED,
        "status": term_label("ReviewStatusScheme", member.status, lang),
        "claim": claim_view(member, sources, lang),
    }


def _shown_order(item: Member) -> tuple[bool, str, str]:
    return (item.status != ACCEPTED, (item.label or item.id).casefold(), item.id)


def _names(model: Model) -> dict[str, str]:
    return {m.id: m.label or m.id for m in model.members} | {i.id: i.label or i.id for i in model.interventions}


def _linked(pairing: Pairing, names: dict[str, str], sources: Sources, lang: Lang, far: str) -> dict[str, Any]:
    """A pairing as the lists show it: the node at its `far` end ("start" or "end") with the claim."""
    node = pairing.start if far == "start" else pairing.end
    return {
        "rel": rel_label(pairing.rel, lang),
        "href": explore_href(node, lang),
        "label": names.get(node, node),
        "claim": claim_view(pairing, sources, lang),
    }


def _from(model: Model, node: str, rels: tuple[str, ...]) -> list[Pairing]:
    """The pairings of these types from (or, for GROUNDED_IN, to) a node that are accepted or proposed."""
    return [
        p
        for p in model.pairings
        if p.rel in rels and p.status in SHOWN and node == (p.end if p.rel == "GROUNDED_IN" else p.start)
    ]


def _themes(model: Model, sources: Sources, lang: Lang) -> list[dict[str, Any]]:
    """Every theme that is accepted or proposed, accepted ones first, each with the factors it builds or addresses and
    its interventions: accepted ones as they are, proposed ones (the intervention or its link) marked."""
    names = _names(model)
    themes: list[ModelTheme] = sorted(model.themes, key=_shown_order)
    return [
        _member_view(theme, sources, lang)
        | {
            "factors": [_linked(p, names, sources, lang, "end") for p in _from(model, theme.id, THEME_FACTOR_RELS)],
            "interventions": [
                {
                    "id": i.id,
                    "href": explore_href(i.id, lang),
                    "label": i.label or i.id,
                    "proposed": i.status != ACCEPTED,
                    "status": term_label("ReviewStatusScheme", i.status, lang),
                    "claim": claim_view(i.link, sources, lang),
                    "evidence": [
                        {
                            "href": explore_href(e.finding, lang),
                            "label": e.label or e.finding,
                            "grade": term_label("EvidenceGradeScheme", e.grade, lang),
                            "direction": term_label("DirectionScheme", e.direction, lang) if e.direction else "",
                            "proposed": e.status != ACCEPTED,
                            "status": term_label("ReviewStatusScheme", e.status, lang),
                            "claim": claim_view(e.link, sources, lang),
                        }
                        for e in i.evidence
                    ],
                }
                for i in theme.interventions
            ],
        }
        for theme in themes
    ]


def _values(model: Model, sources: Sources, lang: Lang) -> list[dict[str, Any]]:
    """Every value that is accepted or proposed, accepted ones first, each with the themes and interventions grounded
    in it."""
    names = _names(model)
    values = sorted((m for m in model.members if m.class_ == "Value" and m.status in SHOWN), key=_shown_order)
    return [
        _member_view(value, sources, lang)
        | {"grounded": [_linked(p, names, sources, lang, "start") for p in _from(model, value.id, ("GROUNDED_IN",))]}
        for value in values
    ]


def _table(
    members: list[Member],
    dimensions: dict[str, Dimension],
    clusters: dict[str, tuple[str, str]],
    sources: Sources,
    lang: Lang,
) -> list[dict[str, Any]]:
    """The same members as rows, grouped by dimension in the model's order, each with its passage."""
    order = list(dimensions)
    rows = sorted(members, key=lambda m: (order.index(m.dimension or ""), _cluster_of(m, clusters) or "~", m.id))
    return [
        {
            "id": m.id,
            "href": explore_href(m.id, lang),
            "label": m.label or m.id,
            "gloss": gloss_note(m.gloss, lang, lang),
            "dimension": dimensions[m.dimension or ""].label,
            "class": class_label(m.class_, lang),
            "clusters": ", ".join(clusters[c][0] for c in m.clusters if c in clusters),
            "definition": m.definition or "",
            "claim": claim_view(m, sources, lang),
        }
        for m in rows
    ]
