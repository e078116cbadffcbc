"""The read-query catalogue. Each query is written once; where the Cypher dialects of Ladybug and
Neo4j differ, the difference is a small named fragment per dialect (TECH-NOTES A.6):

- `label`: the Caleido class of a node (Ladybug: label(n); Neo4j: its label other than CaleidoNode);
- `type`: the type of a relationship (Ladybug: label(r); Neo4j: type(r));
- `any`: the label every Caleido node carries (Neo4j uses it for an index; Ladybug has none).

Values are always parameters; labels and types come only from the ontology.
"""

from __future__ import annotations

DIALECTS: dict[str, dict[str, str]] = {
    "embedded": {"label": "label({})", "type": "label({})", "any": ""},
    "neo4j": {"label": "head([l IN labels({}) WHERE l <> 'CaleidoNode'])", "type": "type({})", "any": ":CaleidoNode"},
}


def _render(dialect: str, template: str) -> str:
    fragments = DIALECTS[dialect]
    return (
        template.replace("LABEL(n)", fragments["label"].format("n"))
        .replace("LABEL(b)", fragments["label"].format("b"))
        .replace("TYPE(r)", fragments["type"].format("r"))
        .replace(":ANY", fragments["any"])
    )


_INTERVENTION_TARGETS = """
MATCH (i:Intervention)-[r:ADDRESSES|STRENGTHENS|BELONGS_TO]->(n)
RETURN i.id AS intervention, TYPE(r) AS rel, n.id AS target, LABEL(n) AS target_class, r.status AS status
"""

_EVIDENCE = """
MATCH (f:Finding)-[r:EVIDENCE_FOR]->(n)
RETURN f.id AS finding, n.id AS target, r.direction AS direction, r.status AS link_status,
       f.status AS finding_status, f.grade AS grade
"""

_ORGANISATION_PROGRAMMES = """
MATCH (o:Organisation)-[r:RUNS|PARTICIPATES_IN]->(i:Intervention)
RETURN o.id AS organisation, TYPE(r) AS rel, r.role AS role, i.id AS intervention, r.status AS status
"""

_OPERATES_IN = """
MATCH (o:Organisation)-[r:OPERATES_IN]->(g:Region)
RETURN o.id AS organisation, g.id AS region, r.status AS status
"""

_REGION_PARENTS = """
MATCH (g:Region)-[r:PART_OF]->(p:Region)
RETURN g.id AS region, p.id AS parent
"""

_OUTGOING = """
MATCH (a:ANY)-[r]->(b:ANY) WHERE a.id IN $ids
RETURN a.id AS source, TYPE(r) AS rel, b.id AS target, LABEL(b) AS target_class
"""

_INCOMING = """
MATCH (b:ANY)-[r]->(a:ANY) WHERE a.id IN $ids
RETURN b.id AS source, TYPE(r) AS rel, a.id AS target, LABEL(b) AS source_class
"""

_LABELS = """
MATCH (n:ANY) WHERE n.id IN $ids
RETURN n.id AS id, LABEL(n) AS class, n.label_nl AS label_nl, n.label_en AS label_en
"""

# The codes and search keys of every municipality: find_municipality matches a name or CBS code on them.
_MUNICIPALITY_KEYS = """
MATCH (g:Region) WHERE g.region_type = 'municipality'
RETURN g.id AS id, g.identifier AS identifier, g.search_keys AS search_keys ORDER BY g.id
"""

# Labels matched on the stored search keys (caleido.graph.search_keys), ranked and cut in the database, so only
# `limit` rows come back. On Neo4j the CONTAINS is served by the TEXT index on CaleidoNode(search_keys).
_SEARCH = """
MATCH (n:ANY) WHERE n.search_keys CONTAINS $contains AND ($any_class OR LABEL(n) IN $classes)
WITH n, CASE WHEN n.search_keys CONTAINS $exact THEN 0 WHEN n.search_keys CONTAINS $prefix THEN 1 ELSE 2 END AS rank
RETURN n.id AS id, LABEL(n) AS class, n.label_nl AS label_nl, n.label_en AS label_en, rank
ORDER BY rank, class, id LIMIT $limit
"""


def intervention_targets(dialect: str) -> str:
    return _render(dialect, _INTERVENTION_TARGETS)


def evidence(dialect: str) -> str:
    return _render(dialect, _EVIDENCE)


def organisation_programmes(dialect: str) -> str:
    return _render(dialect, _ORGANISATION_PROGRAMMES)


def operates_in(dialect: str) -> str:
    return _render(dialect, _OPERATES_IN)


def region_parents(dialect: str) -> str:
    return _render(dialect, _REGION_PARENTS)


def outgoing(dialect: str) -> str:
    return _render(dialect, _OUTGOING)


def incoming(dialect: str) -> str:
    return _render(dialect, _INCOMING)


def labels_of(dialect: str) -> str:
    return _render(dialect, _LABELS)


def municipality_keys(dialect: str) -> str:
    return _render(dialect, _MUNICIPALITY_KEYS)


def search(dialect: str) -> str:
    return _render(dialect, _SEARCH)
