"""The use-case queries behind the three user jobs. Each reads with the catalogue in
caleido.graph.queries and does its arithmetic here, once, so both stores give identical answers.
Results are plain dicts and lists in a fixed order, ready for JSON.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from caleido.errors import CaleidoError
from caleido.graph import queries, search_keys
from caleido.graph.search_keys import normalise
from caleido.graph.store import GraphStore
from caleido.ontology.model import load_ontology

Statuses = list[str]
ACCEPTED: Statuses = ["accepted"]
WITH_PROPOSED: Statuses = ["accepted", "proposed"]
ALL = 2**62  # a LIMIT that keeps every row
FACTOR_RELS = {"ADDRESSES": "RiskFactor", "STRENGTHENS": "ProtectiveFactor"}


class NotFound(CaleidoError):
    """An id or name that matches nothing."""


def _grade_rank(grade: str | None) -> int:
    concepts = load_ontology().schemes["EvidenceGradeScheme"].concepts
    return concepts[grade].order or 0 if grade in concepts else -1


def _statuses(include_proposed: bool) -> Statuses:
    """The statuses of what counts: accepted, and proposed (not yet reviewed) when asked."""
    return list(WITH_PROPOSED if include_proposed else ACCEPTED)


def _label(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "label_nl": row.get("label_nl"), "label_en": row.get("label_en")}


def _by_id(store: GraphStore, cls: str) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in store.iter_nodes(cls)}


# ---------------------------------------------------------------- evidence per cell


class Evidence:
    """Findings that bear on an intervention and on a target, by (intervention, target): the evidence for the
    link between them. Rows come from the `cell_evidence` query, whose statuses decide what counts."""

    def __init__(self, rows: Iterable[dict[str, Any]], statuses: Statuses):
        self.found: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
        for row in rows:
            if {row["finding_status"], row["intervention_link"], row["target_link"]} <= set(statuses):
                self.found[(row["intervention"], row["target"])][row["finding"]] = row

    @classmethod
    def read(
        cls, store: GraphStore, interventions: Collection[str], classes: Iterable[str], statuses: Statuses
    ) -> Evidence:
        """The evidence on the links of these interventions to targets of these classes."""
        ids = sorted(interventions)
        rows: list[dict[str, Any]] = []
        for target_class in classes:
            rows += store.read(queries.cell_evidence(store.dialect, target_class), {"ids": ids, "statuses": statuses})
        return cls(rows, statuses)

    def cell(self, intervention: str, target: str) -> dict[str, Any]:
        found = self.found.get((intervention, target), {})
        ids = sorted(found)
        counts = {"supports": 0, "contradicts": 0, "mixed": 0}
        best = None
        for finding in ids:
            row = found[finding]
            counts[row["direction"] or "mixed"] += 1
            if best is None or _grade_rank(row["grade"]) > _grade_rank(best):
                best = row["grade"]
        net = counts["supports"] - counts["contradicts"]
        direction = None if not ids else "supports" if net > 0 else "contradicts" if net < 0 else "mixed"
        return {"findings": len(ids), **counts, "net_direction": direction, "best_grade": best, "finding_ids": ids}


# ---------------------------------------------------------------- coverage

COVERAGE_AXES = {"factors": ("RiskFactor", "ProtectiveFactor"), "themes": ("ProgrammeTheme",)}


def coverage_rows(
    store: GraphStore, *, domain: str | None = None, level: str | None = None, include_proposed: bool = False
) -> list[dict[str, Any]]:
    """Every intervention the map has a row for, by id, with its labels, terms and themes (no cells)."""
    return _intervention_rows(store, _statuses(include_proposed), domain, level)


def _row_filters(statuses: Statuses, domain: str | None, level: str | None) -> dict[str, Any]:
    """Parameters of the map's row filters; an empty domain or level asks for any."""
    return {"statuses": statuses, "domain": domain or "", "level": level or ""}


def _intervention_rows(
    store: GraphStore,
    statuses: Statuses,
    domain: str | None,
    level: str | None,
    offset: int = 0,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Rows of the map, `limit` from `offset` by id, with their themes."""
    page = {"offset": offset, "limit": ALL if limit is None else limit}
    rows = store.read(queries.intervention_rows(store.dialect), {**_row_filters(statuses, domain, level), **page})
    whole = offset == 0 and limit is None
    ids = {"only_ids": not whole, "ids": [r["id"] for r in rows] or [""]}
    themes = {
        row["intervention"]: sorted(row["themes"])
        for row in store.read(queries.intervention_themes(store.dialect), {"statuses": statuses, **ids})
    }
    return [
        {
            **_label(row),
            "domains": sorted(row["domains"] or []),
            "levels": sorted(row["levels"] or []),
            "intervention_type": row["intervention_type"],
            "themes": themes.get(row["id"], []),
        }
        for row in rows
    ]


def coverage(
    store: GraphStore,
    *,
    axis: str = "factors",
    dimension: str | None = None,
    cluster: str | None = None,
    domain: str | None = None,
    level: str | None = None,
    include_proposed: bool = False,
    offset: int = 0,
    limit: int | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Interventions x factors (or themes): per linked cell the findings, net direction and best grade.
    Rows come `limit` at a time from `offset`, in id order or in the order of `rows` (coverage_rows'
    result, reordered by the caller); only the cells of those rows are computed."""
    if axis not in COVERAGE_AXES:
        raise ValueError("axis is 'factors' or 'themes'")
    statuses = _statuses(include_proposed)
    if rows is None:  # in id order: the database pages them
        filters = _row_filters(statuses, domain, level)
        total = store.read(queries.intervention_count(store.dialect), filters)[0]["interventions"]
        # Ladybug 0.22 crashes the process on a SKIP past the last row, so a page past the end is not asked for.
        shown = _intervention_rows(store, statuses, domain, level, offset, limit) if offset < total else []
    else:
        shown, total = rows[offset : None if limit is None else offset + limit], len(rows)
    targets = _coverage_columns(store, COVERAGE_AXES[axis], statuses, dimension, cluster)
    ids = [r["id"] for r in shown]
    evidence = Evidence.read(store, ids, COVERAGE_AXES[axis], statuses)
    cells = [
        {
            "intervention": link["intervention"],
            "target": link["target"],
            "rel": link["rel"],
            "status": link["status"],
            **evidence.cell(link["intervention"], link["target"]),
        }
        for link in store.read(queries.target_links_of(store.dialect), {"ids": ids, "statuses": statuses})
        if link["target"] in targets
    ]
    cells.sort(key=lambda c: (c["intervention"], c["target"], c["rel"]))
    return {
        "axis": axis,
        "statuses": list(statuses),
        "total_rows": total,
        "offset": offset,
        "limit": limit,
        "rows": shown,
        "columns": [targets[t] for t in sorted(targets, key=lambda t: (targets[t]["class"], t))],
        "cells": cells,
    }


def _coverage_columns(
    store: GraphStore, classes: Iterable[str], statuses: Statuses, dimension: str | None, cluster: str | None
) -> dict[str, dict[str, Any]]:
    targets: dict[str, dict[str, Any]] = {}
    for cls in classes:
        for row in store.read(queries.target_columns(store.dialect, cls), {"statuses": statuses}):
            row_dimension = row.get("dimension") or load_ontology().classes[cls].dimension
            clusters = sorted(row.get("clusters") or [])
            if dimension is not None and row_dimension != dimension:
                continue
            if cluster is not None and cluster not in clusters:
                continue
            targets[row["id"]] = {**_label(row), "class": cls, "dimension": row_dimension, "clusters": clusters}
    return targets


def cell(store: GraphStore, intervention: str, target: str, *, include_proposed: bool = False) -> dict[str, Any]:
    """One cell of the evidence-and-gap map: the link(s) between an intervention and a factor or theme, and
    each finding that bears on both, with its direction, grade and the sources it is reported in."""
    statuses = _statuses(include_proposed)
    found = store.find_classes([intervention, target])
    if found.get(intervention) != "Intervention":
        raise NotFound(f"no intervention with id {intervention!r}")
    if target not in found:
        raise NotFound(f"no factor or theme with id {target!r}")
    links = [
        {"rel": r["rel"], "status": r["status"]}
        for r in store.read(queries.target_links_of(store.dialect), {"ids": [intervention], "statuses": statuses})
        if r["target"] == target
    ]
    summary = Evidence.read(store, [intervention], [found[target]], statuses).cell(intervention, target)
    findings = store.fetch_nodes("Finding", summary["finding_ids"])
    on_target = store.fetch_links("EVIDENCE_FOR", [(f, target) for f in summary["finding_ids"]])
    outgoing = store.read(queries.outgoing(store.dialect), {"ids": summary["finding_ids"]})
    reported = [r for r in outgoing if r["rel"] == "REPORTED_IN"]
    sources = store.fetch_nodes("Source", {r["target"] for r in reported})
    places = store.fetch_links("REPORTED_IN", [(r["source"], r["target"]) for r in reported])
    details = []
    for finding_id in summary["finding_ids"]:
        row, link = findings[finding_id], on_target[(finding_id, target)]
        details.append(
            {
                **_label(row),
                "grade": row["grade"],
                "status": row["status"],
                "direction": link["direction"],
                "effect_size": row.get("effect_size"),
                "effect_measure": row.get("effect_measure"),
                "n_studies": row.get("n_studies"),
                "locator": row.get("locator"),
                "sources": [
                    {
                        **_label(sources[r["target"]]),
                        "citation": sources[r["target"]].get("citation"),
                        "url": sources[r["target"]].get("url"),
                        "locator": places.get((finding_id, r["target"]), {}).get("locator"),
                    }
                    for r in sorted(reported, key=lambda r: r["target"])
                    if r["source"] == finding_id and r["target"] in sources
                ],
            }
        )
    summary.pop("finding_ids")
    return {
        "intervention": intervention,
        "target": target,
        "statuses": list(statuses),
        "links": sorted(links, key=lambda link: link["rel"]),
        **summary,
        "finding_details": details,
    }


# ---------------------------------------------------------------- gaps


def gaps(
    store: GraphStore, *, include_proposed: bool = False, offset: int = 0, limit: int | None = None
) -> dict[str, Any]:
    """Factors no intervention addresses or strengthens, intervention-factor links no accepted finding bears on
    (`limit` of them from `offset`, by intervention and factor), themes grounded in no value; and their counts."""
    statuses = _statuses(include_proposed)
    factors: list[dict[str, Any]] = []
    unevidenced: list[dict[str, Any]] = []
    for cls in FACTOR_RELS.values():
        unaddressed = store.read(queries.unaddressed(store.dialect, cls), {"statuses": statuses})
        factors += [{**_label(row), "class": cls} for row in unaddressed]
        params = {"statuses": statuses, "evidence": ACCEPTED}
        unevidenced += store.read(queries.unevidenced(store.dialect, cls), params)
    themes = [_label(row) for row in store.read(queries.ungrounded(store.dialect), {"statuses": statuses})]
    factors.sort(key=lambda f: (f["class"], f["id"]))
    unevidenced.sort(key=lambda link: (link["intervention"], link["target"], link["rel"]))
    themes.sort(key=lambda t: t["id"])
    return {
        "statuses": list(statuses),
        "factors_without_intervention": factors,
        "links_without_accepted_evidence": unevidenced[offset : None if limit is None else offset + limit],
        "themes_without_value": themes,
        "counts": {
            "factors_without_intervention": len(factors),
            "links_without_accepted_evidence": len(unevidenced),
            "themes_without_value": len(themes),
        },
        "offset": offset,
        "limit": limit,
    }


# ---------------------------------------------------------------- partners

REACH_ORDER = ("municipality", "safety-region", "province", "regional", "national")


def find_municipality(store: GraphStore, text: str) -> dict[str, Any]:
    """A municipality by CBS code or name; 'Den Haag' and 's-Gravenhage alike."""
    wanted = normalise(text)
    not_found = NotFound(f"no municipality matches {text!r}; give a CBS code such as GM0363 or a name")
    if not wanted:  # text without letters or digits ("!", " ") normalised to "" and matched a missing label
        raise not_found
    exact = search_keys.patterns(wanted)["exact"]
    for row in store.read(queries.municipality_keys(store.dialect)):
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
) -> dict[str, Any]:
    """Organisations for a municipality, ranked by reach, then by their reasons (programme x wanted factor or
    theme), then by id; `limit` of them from `offset`, each with its reasons.

    The ranking is built a reach at a time, nearest first, and stops once it holds the page and one more:
    the national organisations, which reach every municipality, are only counted when the page gets to them."""
    statuses = _statuses(include_proposed)
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
    ranked: list[tuple[str, int, str]] = []  # (reach, reasons, organisation)
    seen: set[str] = set()
    for reach, candidates in _reach_tiers(store, place["id"], safety_regions, provinces, statuses):
        fresh = candidates - seen
        seen |= candidates
        counts = store.read(queries.reason_counts(store.dialect), {**reason_params, "ids": sorted(fresh)})
        tier = sorted((-int(row["reasons"]), row["organisation"]) for row in counts if row["reasons"])
        ranked += [(reach, -minus, org) for minus, org in tier]
        if end is not None and len(ranked) > end:
            break
    page = ranked[offset:end]
    details = store.fetch_nodes("Organisation", [org for _, _, org in page])
    reasons: dict[str, list[dict[str, Any]]] = defaultdict(list)
    reason_rows = store.read(queries.reasons(store.dialect), {**reason_params, "ids": [org for _, _, org in page]})
    for row in reason_rows:
        reasons[row["organisation"]] += [
            {"intervention": row["intervention"], "rel": row["rel"], "role": row["role"], "target": target}
            for target in row["targets"]
        ]
    return {
        "municipality": {**_label(place), "safety_regions": safety_regions, "provinces": provinces},
        "statuses": list(statuses),
        "offset": offset,
        "limit": limit,
        "more": end is not None and len(ranked) > end,
        "partners": [
            {
                **_label(details[org]),
                "organisation_type": details[org]["organisation_type"],
                "levels": sorted(details[org]["levels"]),
                "domains": sorted(details[org]["domains"]),
                "reach": reach,
                "reasons": sorted(reasons[org], key=lambda r: (r["intervention"], r["target"], r["rel"])),
            }
            for reach, _, org in page
        ],
    }


def _parents(store: GraphStore, regions: list[str]) -> list[str]:
    """The regions these regions are part of (a municipality's safety regions, a safety region's province)."""
    if not regions:
        return []
    return sorted({row["parent"] for row in store.read(queries.parents_of(store.dialect), {"ids": regions})})


def _reach_tiers(
    store: GraphStore, municipality: str, safety_regions: list[str], provinces: list[str], statuses: Statuses
) -> Iterator[tuple[str, set[str]]]:
    """Organisations by how they reach the municipality, nearest first (REACH_ORDER). An organisation that
    names the regions it works in reaches the municipality through them; one that names none works
    everywhere at its level ('local': in every municipality). Tiers may overlap; the nearest counts."""
    named = store.read(
        queries.organisations_in(store.dialect),
        {"regions": [municipality, *safety_regions, *provinces], "statuses": statuses},
    )

    def working_in(regions: list[str]) -> set[str]:
        return {row["organisation"] for row in named if row["region"] in regions}

    def everywhere(level: str) -> set[str]:
        params = {"level": level, "statuses": statuses}
        return {row["organisation"] for row in store.read(queries.organisations_everywhere(store.dialect), params)}

    yield "municipality", working_in([municipality]) | everywhere("local")
    yield "safety-region", working_in(safety_regions)
    yield "province", working_in(provinces)
    yield "regional", everywhere("regional")
    yield "national", everywhere("national")


# ---------------------------------------------------------------- exploring


def stored_links(store: GraphStore, rows: Iterable[dict[str, Any]]) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    """The stored columns of the links that catalogue rows (source, rel, target) name: one read per type."""
    keys_by_rel: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        keys_by_rel[row["rel"]].append((row["source"], row["target"]))
    return {rel: store.fetch_links(rel, keys) for rel, keys in sorted(keys_by_rel.items())}


def node(store: GraphStore, node_id: str) -> dict[str, Any]:
    """A node with all its columns (provenance included) and its links with theirs."""
    classes = store.find_classes([node_id])
    if node_id not in classes:
        raise NotFound(f"no node with id {node_id!r}")
    cls = classes[node_id]
    values = store.fetch_nodes(cls, [node_id])[node_id]
    ends = [(row, "outgoing") for row in store.read(queries.outgoing(store.dialect), {"ids": [node_id]})]
    ends += [(row, "incoming") for row in store.read(queries.incoming(store.dialect), {"ids": [node_id]})]
    stored = stored_links(store, [row for row, _ in ends])
    links = [
        {
            "orientation": orientation,
            "rel": row["rel"],
            "from": row["source"],
            "to": row["target"],
            **stored[row["rel"]].get((row["source"], row["target"]), {}),
        }
        for row, orientation in ends
    ]
    links.sort(key=lambda link: (link["orientation"], link["rel"], link["from"], link["to"]))
    return {"class": cls, **values, "links": links}


def neighbourhood(store: GraphStore, node_id: str, *, depth: int = 1, limit: int = 200) -> dict[str, Any]:
    """Nodes within `depth` links of a node (1-3), breadth first, at most `limit` nodes."""
    if not 1 <= depth <= 3:
        raise ValueError("depth is 1, 2 or 3")
    labels = {row["id"]: row for row in store.read(queries.labels_of(store.dialect), {"ids": [node_id]})}
    if node_id not in labels:
        raise NotFound(f"no node with id {node_id!r}")
    distance = {node_id: 0}
    edges: set[tuple[str, str, str]] = set()
    frontier = [node_id]
    truncated = False
    for step in range(1, depth + 1):
        rows = store.read(queries.outgoing(store.dialect), {"ids": frontier})
        rows += store.read(queries.incoming(store.dialect), {"ids": frontier})
        found: set[str] = set()
        for row in rows:
            edges.add((row["source"], row["rel"], row["target"]))
            far = {"class": row["far_class"], "label_nl": row["far_label_nl"], "label_en": row["far_label_en"]}
            labels[row["far"]] = far  # the labels come with the links: no second read of every node found
            for end in (row["source"], row["target"]):
                if end not in distance:
                    found.add(end)
        room = limit - len(distance)
        if len(found) > room:
            truncated = True
        for new in sorted(found)[: max(room, 0)]:
            distance[new] = step
        frontier = sorted(n for n, d in distance.items() if d == step)
        if truncated or not frontier:
            break
    nodes = [
        {
            "id": n,
            "class": labels[n]["class"],
            "label_nl": labels[n]["label_nl"],
            "label_en": labels[n]["label_en"],
            "depth": distance[n],
        }
        for n in sorted(distance, key=lambda n: (distance[n], n))
    ]
    kept = sorted(e for e in edges if e[0] in distance and e[2] in distance)
    return {
        "center": node_id,
        "depth": depth,
        "limit": limit,
        "truncated": truncated,
        "nodes": nodes,
        "links": [{"from": s, "rel": r, "to": t} for s, r, t in kept],
    }


def search(store: GraphStore, text: str, *, limit: int = 20, classes: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Nodes whose Dutch, English or other labels match, ignoring case, accents and punctuation.
    Ranked: exact match, then a label that starts with the text, then one that contains it; then class and id."""
    wanted = normalise(text)
    if not wanted or limit < 1:
        return []
    only = sorted(set(classes))
    params = {**search_keys.patterns(wanted), "any_class": not only, "classes": only, "limit": limit}
    return store.read(queries.search(store.dialect), params)


def model(store: GraphStore, *, lang: str = "nl") -> dict[str, Any]:
    """The kaleidoscope: dimensions, clusters per source, factors, themes and values, and their pairings."""
    ontology = load_ontology()

    def text(labels: dict[str, str]) -> str:
        return labels.get(lang) or labels.get("en") or labels.get("nl") or ""

    dimensions = [
        {"id": c.notation, "label": text(c.labels), "definition": text(c.definitions)}
        for c in ontology.schemes["DimensionScheme"].concepts.values()
    ]
    cluster_schemes = [
        {
            "id": name,
            "label": text(scheme.labels),
            "clusters": [
                {
                    "id": c.notation,
                    "label": text(c.labels),
                    "close_matches": [
                        ontology.concepts_by_iri[ontology.graph.namespace_manager.expand_curie(f"cal:{m}")].notation
                        for m in c.close_matches
                    ],
                }
                for c in scheme.concepts.values()
            ],
        }
        for name, scheme in ontology.schemes.items()
        if name.endswith("ClusterScheme") and name != "ClusterScheme"
    ]
    members = []
    for cls in ("IndividualProfile", "RiskFactor", "ProtectiveFactor", "ProgrammeTheme", "Value"):
        for row in store.iter_nodes(cls):
            members.append(
                {
                    "id": row["id"],
                    "class": cls,
                    "dimension": row.get("dimension") or ontology.classes[cls].dimension,
                    "label": row.get(f"label_{lang}") or row.get("label_nl") or row.get("label_en"),
                    "definition": row.get(f"definition_{lang}") or row.get("definition_nl"),
                    "clusters": sorted(row.get("clusters", [])),
                    "status": row["status"],
                    "source": row.get("source"),
                    "locator": row.get("locator"),
                }
            )
    members.sort(key=lambda m: (m["dimension"], m["class"], m["id"]))
    pairings = []
    for rel in ("MITIGATES", "GROUNDED_IN", "BELONGS_TO", "ADDRESSES", "STRENGTHENS"):
        for source, target, values in store.iter_links(rel):
            pairings.append({"source": source, "rel": rel, "target": target, "status": values["status"]})
    pairings.sort(key=lambda p: (p["rel"], p["source"], p["target"]))
    interventions = [
        {
            "id": row["id"],
            "label": row.get(f"label_{lang}") or row.get("label_nl") or row.get("label_en"),
            "domains": sorted(row["domains"]),
            "levels": sorted(row["levels"]),
            "status": row["status"],
        }
        for row in store.iter_nodes("Intervention")
    ]
    return {
        "lang": lang,
        "dimensions": dimensions,
        "cluster_schemes": cluster_schemes,
        "members": members,
        "interventions": interventions,
        "pairings": pairings,
    }


def labels(store: GraphStore, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Class and labels of the nodes with these ids that exist, by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {row["id"]: row for row in store.read(queries.labels_of(store.dialect), {"ids": wanted})}


def municipalities(store: GraphStore) -> list[dict[str, Any]]:
    """Every municipality with the safety regions and provinces it lies in (ids), ordered by Dutch name."""
    parents: dict[str, set[str]] = defaultdict(set)
    for row in store.read(queries.region_parents(store.dialect)):
        parents[row["region"]].add(row["parent"])
    regions = _by_id(store, "Region")
    found = []
    for row in regions.values():
        if row["region_type"] != "municipality":
            continue
        safety = sorted(parents[row["id"]])
        found.append(
            {
                **_label(row),
                "identifier": row["identifier"],
                "safety_regions": [_label(regions[s]) for s in safety if s in regions],
                "provinces": [
                    _label(regions[p]) for p in sorted({p for s in safety for p in parents[s]}) if p in regions
                ],
            }
        )
    return sorted(found, key=lambda m: (normalise(m["label_nl"] or m["id"]), m["id"]))
