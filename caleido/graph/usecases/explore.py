"""Exploring: a node with its provenance, its neighbourhood, search, labels, the municipalities and the
kaleidoscope model itself."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from caleido.graph import queries, search_keys
from caleido.graph.search_keys import normalise
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import NotFound, class_of, label_fields, rows_by_id
from caleido.ontology.model import load_ontology

MODEL_CLASSES = ("IndividualProfile", "RiskFactor", "ProtectiveFactor", "ProgrammeTheme", "Value")  # the rings

# ---------------------------------------------------------------- exploring


def stored_links(store: GraphStore, rows: Iterable[dict[str, Any]]) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    """The stored columns of the links that catalogue rows (source, rel, target) name: one read per type."""
    keys_by_rel: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        keys_by_rel[row["rel"]].append((row["source"], row["target"]))
    return {rel: store.fetch_links(rel, keys) for rel, keys in sorted(keys_by_rel.items())}


def node(store: GraphStore, node_id: str) -> dict[str, Any]:
    """A node with all its columns (provenance included) and its links with theirs."""
    cls = class_of(store, node_id)
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
    members = model_members(store, lang=lang)
    pairings = []
    for rel in ("MITIGATES", "GROUNDED_IN", "BELONGS_TO", "ADDRESSES", "STRENGTHENS"):
        for source, target, values in store.iter_links(rel):
            pairings.append({"source": source, "rel": rel, "target": target, "status": values["status"]})
    pairings.sort(key=lambda p: (p["rel"], p["source"], p["target"]))
    interventions = model_interventions(store, lang=lang)
    return {
        "lang": lang,
        "dimensions": dimensions,
        "cluster_schemes": cluster_schemes,
        "members": members,
        "interventions": interventions,
        "pairings": pairings,
    }


def model_members(
    store: GraphStore, *, lang: str = "nl", classes: Iterable[str] = MODEL_CLASSES
) -> list[dict[str, Any]]:
    """The kaleidoscope's members of these classes, with their ring (dimension), clusters and source."""
    ontology = load_ontology()
    members = []
    for cls in classes:
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
    return sorted(members, key=lambda m: (m["dimension"], m["class"], m["id"]))


def model_interventions(store: GraphStore, *, lang: str = "nl") -> list[dict[str, Any]]:
    """Every intervention with its label in the language, domains, levels and status."""
    return [
        {
            "id": row["id"],
            "label": row.get(f"label_{lang}") or row.get("label_nl") or row.get("label_en"),
            "domains": sorted(row["domains"]),
            "levels": sorted(row["levels"]),
            "status": row["status"],
        }
        for row in store.iter_nodes("Intervention")
    ]


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
    regions = rows_by_id(store, "Region")
    found = []
    for row in regions.values():
        if row["region_type"] != "municipality":
            continue
        safety = sorted(parents[row["id"]])
        found.append(
            {
                **label_fields(row),
                "identifier": row["identifier"],
                "safety_regions": [label_fields(regions[s]) for s in safety if s in regions],
                "provinces": [
                    label_fields(regions[p]) for p in sorted({p for s in safety for p in parents[s]}) if p in regions
                ],
            }
        )
    return sorted(found, key=lambda m: (normalise(m["label_nl"] or m["id"]), m["id"]))
