"""Exploring: a node with its provenance, its neighbourhood, search, labels, the municipalities and the
kaleidoscope model itself."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from caleido.graph import queries, search_keys
from caleido.graph.search_keys import normalise
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import (
    CLAIM_FIELDS,
    WITH_PROPOSED,
    NotFound,
    claim_fields,
    class_of,
    label_fields,
    rows_by_id,
    stored_links,
)
from caleido.graph.usecases.results import (
    Claim,
    Cluster,
    ClusterScheme,
    Dimension,
    InterventionEvidence,
    Labelled,
    Member,
    Model,
    ModelIntervention,
    ModelTheme,
    Municipality,
    Neighbourhood,
    NeighbourLink,
    NeighbourNode,
    NodeDetail,
    NodeLabel,
    NodeLink,
    Pairing,
    SearchHit,
    ThemeIntervention,
)
from caleido.ontology.language import Lang, column_in_language, in_language
from caleido.ontology.model import load_ontology

MODEL_CLASSES = ("IndividualProfile", "RiskFactor", "ProtectiveFactor", "ProgrammeTheme", "Value")  # the rings
PAIRING_RELS = ("MITIGATES", "GROUNDED_IN", "BELONGS_TO", "ADDRESSES", "STRENGTHENS", "BUILDS")

# ---------------------------------------------------------------- exploring


def node(store: GraphStore, node_id: str) -> NodeDetail:
    """A node with all its columns (provenance included) and its links with theirs."""
    cls = class_of(store, node_id)
    values = store.fetch_nodes(cls, [node_id])[node_id]
    ends = [(row, "outgoing") for row in store.read(queries.OUTGOING, ids=[node_id])]
    ends += [(row, "incoming") for row in store.read(queries.INCOMING, ids=[node_id])]
    stored = stored_links(store, [row for row, _ in ends])
    links = [
        NodeLink(
            orientation=orientation,
            rel=row["rel"],
            from_=row["start"],
            to=row["end"],
            far=NodeLabel(
                id=row["far"], class_=row["far_class"], label_nl=row["far_label_nl"], label_en=row["far_label_en"]
            ),
            **stored[row["rel"]].get((row["start"], row["end"]), {}),
        )
        for row, orientation in ends
    ]
    links.sort(key=lambda link: (link.orientation, link.rel, link.from_, link.to))
    cited = labels(store, {values["source"], *(link.source for link in links)})
    return NodeDetail(class_=cls, **values, links=links, cited=[cited[i] for i in sorted(cited)])


def neighbourhood(store: GraphStore, node_id: str, *, depth: int = 1, limit: int = 200) -> Neighbourhood:
    """Nodes within `depth` links of a node (1-3), breadth first, at most `limit` nodes."""
    if not 1 <= depth <= 3:
        raise ValueError("depth is 1, 2 or 3")
    labels = {row["id"]: row for row in store.read(queries.LABELS, ids=[node_id])}
    if node_id not in labels:
        raise NotFound(f"no node with id {node_id!r}").worded("error.node.unknown", id=node_id)
    distance = {node_id: 0}
    edges: set[tuple[str, str, str]] = set()
    frontier = [node_id]
    truncated = False
    for step in range(1, depth + 1):
        rows = store.read(queries.OUTGOING, ids=frontier) + store.read(queries.INCOMING, ids=frontier)
        found: set[str] = set()
        for row in rows:
            edges.add((row["start"], row["rel"], row["end"]))
            far = {"class": row["far_class"], "label_nl": row["far_label_nl"], "label_en": row["far_label_en"]}
            labels[row["far"]] = far  # the labels come with the links: no second read of every node found
            for end in (row["start"], row["end"]):
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
        NeighbourNode(
            id=n,
            class_=labels[n]["class"],
            label_nl=labels[n]["label_nl"],
            label_en=labels[n]["label_en"],
            depth=distance[n],
        )
        for n in sorted(distance, key=lambda n: (distance[n], n))
    ]
    kept = sorted(e for e in edges if e[0] in distance and e[2] in distance)
    return Neighbourhood(
        center=node_id,
        depth=depth,
        limit=limit,
        truncated=truncated,
        nodes=nodes,
        links=[NeighbourLink(from_=s, rel=r, to=t) for s, r, t in kept],
    )


def search(store: GraphStore, text: str, *, limit: int = 20, classes: Iterable[str] = ()) -> list[SearchHit]:
    """Nodes whose Dutch, English or other labels match, ignoring case, accents and punctuation.
    Ranked: exact match, then a label that starts with the text, then one that contains it; then class and id."""
    wanted = normalise(text)
    if not wanted or limit < 1:
        return []
    only = sorted(set(classes))
    rows = store.read(queries.SEARCH, **search_keys.patterns(wanted), any_class=not only, classes=only, limit=limit)
    return [SearchHit(**row) for row in rows]


def model(store: GraphStore, *, lang: Lang = "nl") -> Model:
    """The kaleidoscope: dimensions, clusters per source, factors, themes and values, and their pairings."""
    ontology = load_ontology()

    def text(labels: dict[str, str]) -> str:
        return in_language(labels, lang) or ""

    dimensions = [
        Dimension(id=c.notation, label=text(c.labels), definition=text(c.definitions))
        for c in ontology.schemes["DimensionScheme"].concepts.values()
    ]
    cluster_schemes = [
        ClusterScheme(
            id=name,
            label=text(scheme.labels),
            clusters=[
                Cluster(
                    id=c.notation,
                    label=text(c.labels),
                    close_matches=[
                        ontology.concepts_by_iri[ontology.graph.namespace_manager.expand_curie(f"cal:{m}")].notation
                        for m in c.close_matches
                    ],
                )
                for c in scheme.concepts.values()
            ],
        )
        for name, scheme in ontology.schemes.items()
        if name.endswith("ClusterScheme") and name != "ClusterScheme"
    ]
    pairings = [
        Pairing(start=start, rel=rel, end=end, **claim_fields(values, note=True))
        for rel in PAIRING_RELS
        for start, end, values in store.iter_links(rel)
    ]
    pairings.sort(key=lambda p: (p.rel, p.start, p.end))
    members = model_members(store, lang=lang)
    interventions = model_interventions(store, lang=lang)
    return Model(
        lang=lang,
        dimensions=dimensions,
        cluster_schemes=cluster_schemes,
        members=members,
        interventions=interventions,
        pairings=pairings,
        themes=_themes(store, members, interventions, pairings, lang),
    )


def _themes(
    store: GraphStore,
    members: list[Member],
    interventions: list[ModelIntervention],
    pairings: list[Pairing],
    lang: Lang,
) -> list[ModelTheme]:
    """Every programme theme that is accepted or proposed (not rejected or retracted), with the interventions that
    belong to it (the link and the intervention each accepted or proposed), accepted ones first, then by label,
    each with the findings on it."""
    known = {i.id: i for i in interventions}
    belonging: dict[str, list[ThemeIntervention]] = defaultdict(list)
    kept = [
        (p, known[p.start])
        for p in pairings
        if p.rel == "BELONGS_TO" and p.start in known and {p.status, known[p.start].status} <= set(WITH_PROPOSED)
    ]
    evidence = _evidence_on(store, {i.id for _, i in kept}, lang)
    for p, intervention in kept:
        belonging[p.end].append(
            ThemeIntervention(
                id=intervention.id,
                label=intervention.label,
                status=intervention.status,
                link=Claim(**p.model_dump(include={*CLAIM_FIELDS, "note"})),
                evidence=evidence.get(intervention.id, []),
            )
        )

    def order(i: ThemeIntervention) -> tuple[bool, str, str]:
        accepted = i.status == i.link.status == "accepted"
        return (not accepted, (i.label or i.id).casefold(), i.id)

    return [
        ModelTheme(**m.model_dump(), interventions=sorted(belonging[m.id], key=order))
        for m in members
        if m.class_ == "ProgrammeTheme" and m.status in WITH_PROPOSED
    ]


def _evidence_on(store: GraphStore, interventions: set[str], lang: Lang) -> dict[str, list[InterventionEvidence]]:
    """The findings (accepted or proposed) on these interventions, by intervention, each with its link's claim."""
    links = [
        (finding, target, values)
        for finding, target, values in store.iter_links("EVIDENCE_FOR")
        if target in interventions and values["status"] in WITH_PROPOSED
    ]
    findings = store.fetch_nodes("Finding", {finding for finding, _, _ in links})
    found: dict[str, list[InterventionEvidence]] = defaultdict(list)
    for finding, target, values in links:
        row = findings.get(finding)
        if row is None or row["status"] not in WITH_PROPOSED:
            continue
        found[target].append(
            InterventionEvidence(
                finding=finding,
                label=column_in_language(row, "label", lang),
                grade=row["grade"],
                status=row["status"],
                direction=values.get("direction"),
                link=Claim(**claim_fields(values, note=True)),
            )
        )
    return found


def model_members(store: GraphStore, *, lang: Lang = "nl", classes: Iterable[str] = MODEL_CLASSES) -> list[Member]:
    """The kaleidoscope's members of these classes, with their ring (dimension), clusters and source."""
    ontology = load_ontology()
    members = [
        Member(
            id=row["id"],
            class_=cls,
            dimension=row.get("dimension") or ontology.classes[cls].dimension,
            label=column_in_language(row, "label", lang),
            definition=column_in_language(row, "definition", lang),
            gloss=row.get("gloss"),
            clusters=sorted(row.get("clusters") or []),
            **claim_fields(row),
        )
        for cls in classes
        for row in store.iter_nodes(cls)
    ]
    return sorted(members, key=lambda m: (m.dimension or "", m.class_, m.id))


def model_interventions(store: GraphStore, *, lang: Lang = "nl") -> list[ModelIntervention]:
    """Every intervention with its label in the language, domains, levels, status and passage."""
    return [
        ModelIntervention(
            id=row["id"],
            label=column_in_language(row, "label", lang),
            gloss=row.get("gloss"),
            domains=sorted(row["domains"]),
            levels=sorted(row["levels"]),
            **claim_fields(row),
        )
        for row in store.iter_nodes("Intervention")
    ]


def labels(store: GraphStore, ids: Iterable[str]) -> dict[str, NodeLabel]:
    """Class and labels of the nodes with these ids that exist, by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {row["id"]: NodeLabel(**row) for row in store.read(queries.LABELS, ids=wanted)}


def municipalities(store: GraphStore) -> list[Municipality]:
    """Every municipality with the safety regions and provinces it lies in, ordered by Dutch name."""
    parents: dict[str, set[str]] = defaultdict(set)
    for row in store.read(queries.REGION_PARENTS):
        parents[row["region"]].add(row["parent"])
    regions = rows_by_id(store, "Region")
    found = []
    for row in regions.values():
        if row["region_type"] != "municipality":
            continue
        # a municipality lies in regions of several kinds (GGD region, police unit, ...): these are the safety regions
        safety = sorted(p for p in parents[row["id"]] if regions.get(p, {}).get("region_type") == "safety-region")
        found.append(
            Municipality(
                **label_fields(row),
                identifier=row["identifier"],
                safety_regions=[Labelled(**label_fields(regions[s])) for s in safety if s in regions],
                provinces=[
                    Labelled(**label_fields(regions[p]))
                    for p in sorted({p for s in safety for p in parents[s]})
                    if p in regions
                ],
            )
        )
    return sorted(found, key=lambda m: (normalise(m.label_nl or m.id), m.id))
