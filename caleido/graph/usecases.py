"""The use-case queries behind the three user jobs. Each reads with the catalogue in
caleido.graph.queries and does its arithmetic here, once, so both stores give identical answers.
Results are plain dicts and lists in a fixed order, ready for JSON.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from caleido.errors import CaleidoError
from caleido.graph import queries, search_keys
from caleido.graph.search_keys import normalise
from caleido.graph.store import GraphStore
from caleido.ontology.model import load_ontology

ACCEPTED = ("accepted",)
WITH_PROPOSED = ("accepted", "proposed")
FACTOR_RELS = {"ADDRESSES": "RiskFactor", "STRENGTHENS": "ProtectiveFactor"}


class NotFound(CaleidoError):
    """An id or name that matches nothing."""


def _grade_rank(grade: str | None) -> int:
    concepts = load_ontology().schemes["EvidenceGradeScheme"].concepts
    return concepts[grade].order or 0 if grade in concepts else -1


def _label(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "label_nl": row.get("label_nl"), "label_en": row.get("label_en")}


def _by_id(store: GraphStore, cls: str) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in store.iter_nodes(cls)}


# ---------------------------------------------------------------- evidence per cell


class Evidence:
    """Evidence links of findings whose finding and link both have an allowed status, indexed by the
    node they bear on, so a cell's findings are one set intersection rather than a scan."""

    def __init__(self, store: GraphStore, statuses: tuple[str, ...]):
        self.link: dict[tuple[str, str], dict[str, Any]] = {}  # (finding, target) -> evidence row
        self.findings_on: dict[str, set[str]] = defaultdict(set)  # target -> findings
        for row in store.read(queries.evidence(store.dialect)):
            if row["finding_status"] in statuses and row["link_status"] in statuses:
                self.link[(row["finding"], row["target"])] = row
                self.findings_on[row["target"]].add(row["finding"])

    def cell(self, intervention: str, target: str) -> dict[str, Any]:
        """Findings that bear on both the intervention and the target are evidence for their link."""
        ids = sorted(self.findings_on.get(intervention, set()) & self.findings_on.get(target, set()))
        counts = {"supports": 0, "contradicts": 0, "mixed": 0}
        best = None
        for finding in ids:
            row = self.link[(finding, target)]
            counts[row["direction"] or "mixed"] += 1
            if best is None or _grade_rank(row["grade"]) > _grade_rank(best):
                best = row["grade"]
        net = counts["supports"] - counts["contradicts"]
        direction = None if not ids else "supports" if net > 0 else "contradicts" if net < 0 else "mixed"
        return {"findings": len(ids), **counts, "net_direction": direction, "best_grade": best, "finding_ids": ids}


# ---------------------------------------------------------------- coverage


def coverage(
    store: GraphStore,
    *,
    axis: str = "factors",
    dimension: str | None = None,
    cluster: str | None = None,
    domain: str | None = None,
    level: str | None = None,
    include_proposed: bool = False,
) -> dict[str, Any]:
    """Interventions x factors (or themes): per linked cell the findings, net direction and best grade."""
    if axis not in ("factors", "themes"):
        raise ValueError("axis is 'factors' or 'themes'")
    statuses = WITH_PROPOSED if include_proposed else ACCEPTED
    target_classes = ("RiskFactor", "ProtectiveFactor") if axis == "factors" else ("ProgrammeTheme",)
    interventions = {
        i: row
        for i, row in _by_id(store, "Intervention").items()
        if row["status"] in statuses
        and (domain is None or domain in row["domains"])
        and (level is None or level in row["levels"])
    }
    targets: dict[str, dict[str, Any]] = {}
    for cls in target_classes:
        for target_id, row in _by_id(store, cls).items():
            row_dimension = row.get("dimension") or load_ontology().classes[cls].dimension
            if row["status"] not in statuses:
                continue
            if dimension is not None and row_dimension != dimension:
                continue
            if cluster is not None and cluster not in row.get("clusters", []):
                continue
            targets[target_id] = {
                **_label(row),
                "class": cls,
                "dimension": row_dimension,
                "clusters": sorted(row.get("clusters", [])),
            }
    evidence = Evidence(store, statuses)
    cells = []
    themes_of: dict[str, set[str]] = defaultdict(set)
    for link in store.read(queries.intervention_targets(store.dialect)):
        if link["rel"] == "BELONGS_TO" and link["status"] in statuses:
            themes_of[link["intervention"]].add(link["target"])
        if link["intervention"] in interventions and link["target"] in targets and link["status"] in statuses:
            cells.append(
                {
                    "intervention": link["intervention"],
                    "target": link["target"],
                    "rel": link["rel"],
                    "status": link["status"],
                    **evidence.cell(link["intervention"], link["target"]),
                }
            )
    cells.sort(key=lambda c: (c["intervention"], c["target"], c["rel"]))
    rows = [
        {
            **_label(r),
            "domains": sorted(r["domains"]),
            "levels": sorted(r["levels"]),
            "intervention_type": r["intervention_type"],
            "themes": sorted(themes_of[i]),
        }
        for i, r in sorted(interventions.items())
    ]
    return {
        "axis": axis,
        "statuses": list(statuses),
        "rows": rows,
        "columns": [targets[t] for t in sorted(targets, key=lambda t: (targets[t]["class"], t))],
        "cells": cells,
    }


def cell(store: GraphStore, intervention: str, target: str, *, include_proposed: bool = False) -> dict[str, Any]:
    """One cell of the evidence-and-gap map: the link(s) between an intervention and a factor or theme, and
    each finding that bears on both, with its direction, grade and the sources it is reported in."""
    statuses = WITH_PROPOSED if include_proposed else ACCEPTED
    found = store.find_classes([intervention, target])
    if found.get(intervention) != "Intervention":
        raise NotFound(f"no intervention with id {intervention!r}")
    if target not in found:
        raise NotFound(f"no factor or theme with id {target!r}")
    links = [
        {"rel": r["rel"], "status": r["status"]}
        for r in store.read(queries.intervention_targets(store.dialect))
        if r["intervention"] == intervention and r["target"] == target and r["status"] in statuses
    ]
    summary = Evidence(store, statuses).cell(intervention, target)
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


def gaps(store: GraphStore, *, include_proposed: bool = False) -> dict[str, Any]:
    statuses = WITH_PROPOSED if include_proposed else ACCEPTED
    links = [r for r in store.read(queries.intervention_targets(store.dialect)) if r["status"] in statuses]
    addressed = {r["target"] for r in links if r["rel"] in FACTOR_RELS}
    factors = []
    for cls in ("RiskFactor", "ProtectiveFactor"):
        factors += [
            {**_label(row), "class": cls}
            for row in store.iter_nodes(cls)
            if row["status"] in statuses and row["id"] not in addressed
        ]
    evidence = Evidence(store, ACCEPTED)
    unevidenced = []
    for link in sorted(links, key=lambda r: (r["intervention"], r["target"])):
        if link["rel"] in FACTOR_RELS and evidence.cell(link["intervention"], link["target"])["findings"] == 0:
            unevidenced.append({"intervention": link["intervention"], "target": link["target"], "rel": link["rel"]})
    grounded = {s for s, _, v in store.iter_links("GROUNDED_IN") if v["status"] in statuses}
    themes = [
        _label(row)
        for row in store.iter_nodes("ProgrammeTheme")
        if row["status"] in statuses and row["id"] not in grounded
    ]
    factors.sort(key=lambda f: (f["class"], f["id"]))
    return {
        "statuses": list(statuses),
        "factors_without_intervention": factors,
        "links_without_accepted_evidence": unevidenced,
        "themes_without_value": themes,
        "counts": {
            "factors_without_intervention": len(factors),
            "links_without_accepted_evidence": len(unevidenced),
            "themes_without_value": len(themes),
        },
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
) -> dict[str, Any]:
    """Organisations for a municipality, ranked by reach and by programmes on the wanted factors/themes."""
    statuses = WITH_PROPOSED if include_proposed else ACCEPTED
    place = find_municipality(store, municipality)
    parents = defaultdict(set)
    for row in store.read(queries.region_parents(store.dialect)):
        parents[row["region"]].add(row["parent"])
    safety_regions = parents[place["id"]]
    provinces = {p for s in safety_regions for p in parents[s]}
    wanted = set(targets)
    programmes: dict[str, list[str]] = defaultdict(list)  # intervention -> matched targets
    for link in store.read(queries.intervention_targets(store.dialect)):
        if link["status"] in statuses and (not wanted or link["target"] in wanted):
            programmes[link["intervention"]].append(link["target"])
    interventions = _by_id(store, "Intervention")
    organisations = _by_id(store, "Organisation")
    regions_of: dict[str, set[str]] = defaultdict(set)
    for row in store.read(queries.operates_in(store.dialect)):
        if row["status"] in statuses:
            regions_of[row["organisation"]].add(row["region"])

    found: dict[str, dict[str, Any]] = {}
    for link in store.read(queries.organisation_programmes(store.dialect)):
        org = organisations.get(link["organisation"])
        intervention = interventions.get(link["intervention"])
        if org is None or intervention is None or link["status"] not in statuses or org["status"] not in statuses:
            continue
        if link["intervention"] not in programmes:
            continue
        if domain is not None and domain not in org["domains"]:
            continue
        if level is not None and level not in org["levels"]:
            continue
        reach = _reach(org, regions_of[org["id"]], place["id"], safety_regions, provinces)
        if reach is None:
            continue
        entry = found.setdefault(
            org["id"],
            {
                **_label(org),
                "organisation_type": org["organisation_type"],
                "levels": sorted(org["levels"]),
                "domains": sorted(org["domains"]),
                "reach": reach,
                "reasons": [],
            },
        )
        for target in sorted(set(programmes[link["intervention"]])):
            entry["reasons"].append(
                {"intervention": link["intervention"], "rel": link["rel"], "role": link["role"], "target": target}
            )
    ranked = sorted(found.values(), key=lambda e: (REACH_ORDER.index(e["reach"]), -len(e["reasons"]), e["id"]))
    for entry in ranked:
        entry["reasons"].sort(key=lambda r: (r["intervention"], r["target"], r["rel"]))
    return {
        "municipality": {**_label(place), "safety_regions": sorted(safety_regions), "provinces": sorted(provinces)},
        "statuses": list(statuses),
        "partners": ranked,
    }


def _reach(
    org: dict[str, Any], regions: set[str], municipality: str, safety: set[str], provinces: set[str]
) -> str | None:
    """How an organisation reaches the municipality, or None when it does not."""
    if municipality in regions:
        return "municipality"
    if regions & safety:
        return "safety-region"
    if regions & provinces:
        return "province"
    if regions:
        return None  # it works in named regions, and not this one
    if "local" in org["levels"]:
        return "municipality"  # a kind of organisation present in every municipality (the municipality itself, ...)
    if "regional" in org["levels"]:
        return "regional"
    if "national" in org["levels"]:
        return "national"
    return None


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
    if store.find_classes([node_id]) == {}:
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
    labels = {row["id"]: row for row in store.read(queries.labels_of(store.dialect), {"ids": sorted(distance)})}
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
