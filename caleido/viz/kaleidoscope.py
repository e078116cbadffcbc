"""The kaleidoscope as a radial diagram drawn on the server: the individual at the centre, one ring per
dimension of the model around it, the risk factors of the centre and the environment in one sector per cluster
(of the chosen source's scheme), and every name in a column beside the circle with a line to its dot, so no two
names overlap (caleido.viz.radial). Interventions are not drawn: each sector lists the interventions that
address its factors, with the passages those links rest on.

Input is the result of caleido.graph.usecases.model (one language) plus the labels of the sources it cites
(model_sources); output is what the page template needs: the diagram's shapes, the sector lists, the legend,
the same content as tables, and the programme themes with their interventions and the values, each beside the
passage it rests on. A layer with no accepted record says so in a sentence rather than being drawn empty or filled in.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from caleido.graph.usecases.results import Dimension, Labelled, Member, Model, ModelIntervention, ModelTheme, Pairing
from caleido.viz import layout, palette, radial
from caleido.viz.claims import ACCEPTED, cited_sources, claim_text, claim_view, gloss_note
from caleido.viz.i18n import Lang, class_label, rel_label, term_label, text
from caleido.viz.network import explore_href

Sources = Mapping[str, Labelled]  # labels of the sources the model cites, by id
SHOWN = ("accepted", "proposed")  # what the lists show (proposed marked); rejected and retracted are left out
THEME_FACTOR_RELS = ("BUILDS", "ADDRESSES")  # a theme -> protective factors it builds, risk factors it addresses

# Inner and outer radius of each dimension's ring; the individual is the disc at the centre.
RINGS = {
    "individual": (0.0, 150.0),
    "environment": (150.0, 250.0),
    "protective": (250.0, 320.0),
    "theme": (320.0, 390.0),
    "value": (390.0, 450.0),
}
SECTOR_RINGS = ("individual", "environment")  # the rings of risk factors, which the clusters divide
HUB = 52.0  # the centre's name sits inside this radius; the sectors start outside it
INDIVIDUAL_DOTS = (84.0, 118.0)  # the centre's dots alternate between these radii
TOP_GAP = math.radians(13)  # the rings' names sit in this gap either side of the top
START, END = -math.pi / 2 + TOP_GAP, 3 * math.pi / 2 - TOP_GAP
NO_CLUSTER = "none"
INTERVENTIONS_SHOWN = 60  # the table's interventions, the most connected (the map lists them all)


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
    listed = [
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
    attached = sorted((i for i in listed if reach[i.id]), key=lambda i: (-reach[i.id], i.id))
    interventions = attached[:INTERVENTIONS_SHOWN]
    shown |= {i.id for i in interventions}
    pairings = [p for p in pairings if p.start in shown and p.end in shown]

    dimensions = {d.id: d for d in model.dimensions}
    sectors = _sectors(members, clusters)
    labels = {m.id: m.label or m.id for m in members} | {i.id: i.label or i.id for i in interventions}
    return {
        "diagram": _diagram(model, members, pairings, sectors, dimensions, sources, lang),
        "sectors": _sector_lists(sectors, clusters, listed, model, statuses, sources, lang),
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


@dataclass(frozen=True)
class Sector:
    key: str  # a cluster's notation, or NO_CLUSTER
    members: list[Member]  # the members of the centre and the environment it holds


def _sectors(members: list[Member], clusters: dict[str, tuple[str, str]]) -> list[Sector]:
    """One sector per cluster that holds a shown factor of the centre or the environment, in the scheme's order,
    and one for those no cluster of the scheme holds."""
    held: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        if m.dimension in SECTOR_RINGS:
            held[_cluster_of(m, clusters) or NO_CLUSTER].append(m)
    order = [c for c in clusters if c in held] + ([NO_CLUSTER] if NO_CLUSTER in held else [])
    return [Sector(key, sorted(held[key], key=lambda m: (m.class_ != "IndividualProfile", m.id))) for key in order]


def sector_anchor(key: str) -> str:
    """The id of a sector's list on the page (and of its wedge's link target)."""
    return "sector-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def _outer_order(ids: list[str], neighbours: dict[str, list[str]], angles: dict[str, float]) -> list[str]:
    """A ring's members ordered by the mean direction of what they are linked to inside (clockwise from START),
    those linked to nothing drawn after them."""

    def key(item: str) -> tuple[int, float, str]:
        angle = layout.mean_angle([radial.polar(1.0, angles[n]) for n in neighbours[item] if n in angles])
        return (1, 0.0, item) if angle is None else (0, (angle - START) % (2 * math.pi), item)

    return sorted(ids, key=key)


def _diagram(
    model: Model,
    members: list[Member],
    pairings: list[Pairing],
    sectors: list[Sector],
    dimensions: dict[str, Dimension],
    sources: Sources,
    lang: Lang,
) -> dict[str, Any]:
    """The diagram's shapes: rings with their names, sector wedges, a dot per member and every name placed."""
    weights = [(s.key, max(1, *(sum(m.dimension == r for m in s.members) for r in SECTOR_RINGS))) for s in sectors]
    spans = radial.spread(weights, START, END)
    angles: dict[str, float] = {}
    radii: dict[str, float] = {}
    for sector in sectors:
        for ring in SECTOR_RINGS:
            held = [m for m in sector.members if m.dimension == ring]
            for n, (m, angle) in enumerate(zip(held, radial.evenly(len(held), *spans[sector.key]), strict=True)):
                angles[m.id] = angle
                radii[m.id] = INDIVIDUAL_DOTS[n % 2] if ring == "individual" else sum(RINGS[ring]) / 2
    neighbours: dict[str, list[str]] = defaultdict(list)
    for p in pairings:
        neighbours[p.start].append(p.end)
        neighbours[p.end].append(p.start)
    for ring in ("protective", "theme", "value"):
        ids = _outer_order([m.id for m in members if m.dimension == ring], neighbours, angles)
        for member_id, angle in zip(ids, radial.evenly(len(ids), START, END), strict=True):
            angles[member_id], radii[member_id] = angle, sum(RINGS[ring]) / 2
    outer = RINGS["value"][1]
    edge = RINGS[SECTOR_RINGS[-1]][1]
    names = {s.key: _cluster_label(s.key, model, lang) for s in sectors}
    anchors = [
        radial.Anchor(m.id, m.label or m.id, angles[m.id], radial.polar(radii[m.id], angles[m.id]))
        for m in members
        if m.id in angles
    ]
    middles = {s.key: sum(spans[s.key]) / 2 for s in sectors}
    anchors += [
        radial.Anchor(f"sector:{s.key}", names[s.key], middles[s.key], radial.polar(edge, middles[s.key]))
        for s in sectors
    ]
    placed, half = radial.columns(anchors, outer)
    by_id = {m.id: m for m in members}
    width = outer + radial.COLUMN + radial.WRAP * radial.CHAR + 12
    return {
        "view_box": f"{-width:.0f} {-half - 12:.0f} {2 * width:.0f} {2 * half + 24:.0f}",
        "rings": [
            {
                "id": d,
                "radius": round(sum(RINGS[d]) / 2, 1),
                "width": RINGS[d][1] - RINGS[d][0],
                "colour": palette.DIMENSION_COLOURS[d],
                "label": dimensions[d].label,
                "lines": radial.wrap(dimensions[d].label, 22),
                "y": 0.0 if d == "individual" else -round(sum(RINGS[d]) / 2, 1),
            }
            for d in RINGS
            if d in dimensions
        ],
        "sectors": [
            {
                "key": s.key,
                "anchor": sector_anchor(s.key),
                "label": names[s.key],
                "path": radial.wedge(HUB, edge, *spans[s.key]),
                "even": n % 2 == 0,
            }
            for n, s in enumerate(sectors)
        ],
        "dots": [
            {
                "id": a.key,
                "x": round(a.point[0], 1),
                "y": round(a.point[1], 1),
                "colour": palette.colour(by_id[a.key].class_, by_id[a.key].dimension),
                "cls": by_id[a.key].class_,
                "profile": by_id[a.key].class_ == "IndividualProfile",
                "proposed": by_id[a.key].status != ACCEPTED,
                "title": _title(by_id[a.key], by_id[a.key].class_, sources, lang),
            }
            for a in anchors
            if a.key in by_id
        ],
        "labels": [
            {
                "id": p.key,
                "lines": p.lines,
                "x": round(p.x, 1),
                "baseline": round(p.baseline, 1),
                "anchor": p.anchor,
                "leader": " ".join(f"{x:.1f},{y:.1f}" for x, y in p.leader),
                "sector": p.key.startswith("sector:"),
                "href": (
                    "#" + sector_anchor(p.key.removeprefix("sector:"))
                    if p.key.startswith("sector:")
                    else explore_href(p.key, lang)
                ),
                "proposed": p.key in by_id and by_id[p.key].status != ACCEPTED,
                "status": term_label("ReviewStatusScheme", by_id[p.key].status, lang) if p.key in by_id else "",
            }
            for p in sorted(placed, key=lambda p: p.key)
        ],
    }


def _cluster_label(key: str, model: Model, lang: Lang) -> str:
    if key == NO_CLUSTER:
        return text(lang, "cluster.none").capitalize()
    return next(c.label for s in model.cluster_schemes for c in s.clusters if c.id == key)


def _sector_lists(
    sectors: list[Sector],
    clusters: dict[str, tuple[str, str]],
    interventions: list[ModelIntervention],
    model: Model,
    statuses: set[str],
    sources: Sources,
    lang: Lang,
) -> list[dict[str, Any]]:
    """Per sector: its factors, and the interventions (of the filters) linked to them, each link with its claim."""
    names = _names(model)
    shown = {i.id: i for i in interventions}
    out = []
    for sector in sectors:
        held = {m.id for m in sector.members}
        links: dict[str, list[Pairing]] = defaultdict(list)
        for p in model.pairings:
            if p.status in statuses and p.start in shown and p.end in held:
                links[p.start].append(p)
        out.append(
            {
                "anchor": sector_anchor(sector.key),
                "label": _cluster_label(sector.key, model, lang),
                "scheme": clusters[sector.key][1] if sector.key in clusters else "",
                "factors": [
                    {"href": explore_href(m.id, lang), "label": m.label or m.id}
                    | {"proposed": m.status != ACCEPTED, "status": term_label("ReviewStatusScheme", m.status, lang)}
                    for m in sector.members
                ],
                "interventions": [
                    {
                        "id": i,
                        "href": explore_href(i, lang),
                        "label": names.get(i, i),
                        "proposed": shown[i].status != ACCEPTED,
                        "status": term_label("ReviewStatusScheme", shown[i].status, lang),
                        "targets": [_linked(p, names, sources, lang, "end") for p in links[i]],
                    }
                    for i in sorted(links, key=lambda i: ((names.get(i) or i).casefold(), i))
                ],
            }
        )
    return out


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
    return [
        {
            "label": d.label,
            "colour": palette.DIMENSION_COLOURS[d.id],
            "definition": d.definition,
            "empty": notes[d.id],
        }
        for d in model.dimensions
    ]


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
