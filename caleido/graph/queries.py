"""The read-query catalogue. Each query is written once; where the Cypher dialects of Ladybug and
Neo4j differ, the difference is a small named fragment per dialect:

- `label`: the Caleido class of a node (Ladybug: label(n); Neo4j: its label other than CaleidoNode);
- `type`: the type of a relationship (Ladybug: label(r); Neo4j: type(r));
- `any`: the label every Caleido node carries (Neo4j uses it for an index; Ladybug has none).

Values are always parameters; labels and types come only from the ontology. Queries that join through
EVIDENCE_FOR name the class at the far end (`TARGET`): Ladybug plans an untyped end as a scan of every
node table the relationship allows (the findings-on-both-ends join at medium scale: 104 ms untyped,
9 ms typed).
"""

from __future__ import annotations

from caleido.graph.schema import node_classes, node_columns

DIALECTS: dict[str, dict[str, str]] = {
    "embedded": {"label": "label({})", "type": "label({})", "any": ""},
    "neo4j": {"label": "head([l IN labels({}) WHERE l <> 'CaleidoNode'])", "type": "type({})", "any": ":CaleidoNode"},
}


def _render(dialect: str, template: str, target: str = "") -> str:
    fragments = DIALECTS[dialect]
    return (
        template.replace("TARGET", f"`{target}`")
        .replace("LABEL(n)", fragments["label"].format("n"))
        .replace("LABEL(b)", fragments["label"].format("b"))
        .replace("TYPE(r)", fragments["type"].format("r"))
        .replace(":ANY", fragments["any"])
    )


# ---- the evidence-and-gap map: rows, columns and the cells of a page of rows

# Interventions with their filters (an empty $domain or $level asks for any), a page of them by id.
_INTERVENTIONS = """
MATCH (i:Intervention) WHERE i.status IN $statuses AND ($domain = '' OR $domain IN i.domains)
  AND ($level = '' OR $level IN i.levels)
"""
_INTERVENTION_ROWS = (
    _INTERVENTIONS
    + """RETURN i.id AS id, i.label_nl AS label_nl, i.label_en AS label_en, i.domains AS domains, i.levels AS levels,
       i.intervention_type AS intervention_type
ORDER BY id SKIP $offset LIMIT $limit
"""
)
_INTERVENTION_COUNT = _INTERVENTIONS + "RETURN count(*) AS interventions\n"

_INTERVENTION_THEMES = """
MATCH (i:Intervention)-[r:BELONGS_TO]->(t:ProgrammeTheme)
WHERE (NOT $only_ids OR i.id IN $ids) AND r.status IN $statuses
RETURN i.id AS intervention, collect(t.id) AS themes
"""

_TARGET_COLUMNS = """
MATCH (n:TARGET) WHERE n.status IN $statuses
RETURN n.id AS id, n.label_nl AS label_nl, n.label_en AS label_en
"""
_CLASSIFIED = ("dimension", "clusters")  # columns of the classes placed on the model's rings by their own data

_TARGET_LINKS_OF = """
MATCH (i:Intervention)-[r:ADDRESSES|STRENGTHENS|BELONGS_TO]->(n) WHERE i.id IN $ids AND r.status IN $statuses
RETURN i.id AS intervention, TYPE(r) AS rel, n.id AS target, r.status AS status
"""

# Findings that bear on an intervention and on a target are evidence for the link between them. The two
# EVIDENCE_FOR hops are separate clauses and the statuses are returned too: Ladybug 0.22 drops the filter on
# the first hop of `(i)<-[e:EVIDENCE_FOR]-(f)-[r:EVIDENCE_FOR]->(n)` once $ids holds ~100 ids (a hash-join
# plan), so callers check the statuses again (tests/graph/test_usecases_at_scale.py).
_CELL_EVIDENCE = """
MATCH (i:Intervention)<-[e:EVIDENCE_FOR]-(f:Finding)
WHERE i.id IN $ids AND f.status IN $statuses AND e.status IN $statuses
WITH i, f, e.status AS intervention_link
MATCH (f)-[r:EVIDENCE_FOR]->(n:TARGET) WHERE r.status IN $statuses
RETURN i.id AS intervention, n.id AS target, f.id AS finding, r.direction AS direction, f.grade AS grade,
       f.status AS finding_status, intervention_link, r.status AS target_link
"""

# ---- gaps

_UNADDRESSED = """
MATCH (n:TARGET) WHERE n.status IN $statuses
  AND NOT EXISTS { MATCH (:Intervention)-[r:ADDRESSES|STRENGTHENS]->(n) WHERE r.status IN $statuses }
RETURN n.id AS id, n.label_nl AS label_nl, n.label_en AS label_en
"""

_UNEVIDENCED = """
MATCH (i:Intervention)-[r:ADDRESSES|STRENGTHENS]->(n:TARGET) WHERE r.status IN $statuses
  AND NOT EXISTS {
    MATCH (i)<-[e:EVIDENCE_FOR]-(f:Finding)-[x:EVIDENCE_FOR]->(n)
    WHERE f.status IN $evidence AND e.status IN $evidence AND x.status IN $evidence
  }
RETURN i.id AS intervention, TYPE(r) AS rel, n.id AS target
"""

_UNGROUNDED = """
MATCH (t:ProgrammeTheme) WHERE t.status IN $statuses
  AND NOT EXISTS { MATCH (t)-[r:GROUNDED_IN]->(:Value) WHERE r.status IN $statuses }
RETURN t.id AS id, t.label_nl AS label_nl, t.label_en AS label_en
"""

# ---- partners


_ORGANISATIONS_IN = """
MATCH (o:Organisation)-[r:OPERATES_IN]->(g:Region) WHERE g.id IN $regions AND r.status IN $statuses
RETURN o.id AS organisation, g.id AS region
"""

# Organisations that name no region they work in: present everywhere at their level.
_ORGANISATIONS_EVERYWHERE = """
MATCH (o:Organisation) WHERE $level IN o.levels
  AND NOT EXISTS { MATCH (o)-[r:OPERATES_IN]->(:Region) WHERE r.status IN $statuses }
RETURN o.id AS organisation
"""

# Reasons of an organisation: one per programme it runs or joins and factor or theme that programme targets.
# Organisation filters: an empty $domain or $level asks for any. One hop per clause (see _CELL_EVIDENCE).
_ORGANISATION_HOP = """
MATCH (o:Organisation)-[r:RUNS|PARTICIPATES_IN]->(i:Intervention)
WHERE o.id IN $ids AND o.status IN $statuses AND ($domain = '' OR $domain IN o.domains)
  AND ($level = '' OR $level IN o.levels) AND r.status IN $statuses
WITH o, i, TYPE(r) AS rel, r.role AS role
MATCH (i)-[l:ADDRESSES|STRENGTHENS|BELONGS_TO]->(n)
WHERE l.status IN $statuses AND (NOT $only_targets OR n.id IN $targets)
"""
_REASON_COUNTS = _ORGANISATION_HOP + "RETURN o.id AS organisation, count(*) AS reasons\n"
# One row per organisation and programme (a row per reason was 12,655 rows for one page of 50 partners).
_REASONS = (
    _ORGANISATION_HOP + "RETURN o.id AS organisation, i.id AS intervention, rel, role, collect(n.id) AS targets\n"
)

_REGION_PARENTS = """
MATCH (g:Region)-[r:PART_OF]->(p:Region)
RETURN g.id AS region, p.id AS parent
"""

_PARENTS_OF = """
MATCH (g:Region)-[r:PART_OF]->(p:Region) WHERE g.id IN $ids
RETURN g.id AS region, p.id AS parent
"""

# Links from (to) the nodes with these ids, with the class and labels of the node at the far end.
_OUTGOING = """
MATCH (a:ANY)-[r]->(b:ANY) WHERE a.id IN $ids
RETURN a.id AS source, TYPE(r) AS rel, b.id AS target, LABEL(b) AS target_class,
       b.id AS far, LABEL(b) AS far_class, b.label_nl AS far_label_nl, b.label_en AS far_label_en
"""

_INCOMING = """
MATCH (b:ANY)-[r]->(a:ANY) WHERE a.id IN $ids
RETURN b.id AS source, TYPE(r) AS rel, a.id AS target, LABEL(b) AS source_class,
       b.id AS far, LABEL(b) AS far_class, b.label_nl AS far_label_nl, b.label_en AS far_label_en
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


def intervention_rows(dialect: str) -> str:
    return _render(dialect, _INTERVENTION_ROWS)


def intervention_count(dialect: str) -> str:
    return _render(dialect, _INTERVENTION_COUNT)


def intervention_themes(dialect: str) -> str:
    return _render(dialect, _INTERVENTION_THEMES)


def target_columns(dialect: str, target: str) -> str:
    """Ids and labels of a class's nodes, with their dimension and clusters where the class has them."""
    stored = {column.name for cls in node_classes() if cls.name == target for column in node_columns(cls)}
    extra = "".join(f", n.{name} AS {name}" for name in _CLASSIFIED if name in stored)
    return _render(dialect, _TARGET_COLUMNS.rstrip() + extra + "\n", target)


def target_links_of(dialect: str) -> str:
    return _render(dialect, _TARGET_LINKS_OF)


def cell_evidence(dialect: str, target: str) -> str:
    return _render(dialect, _CELL_EVIDENCE, target)


def unaddressed(dialect: str, target: str) -> str:
    return _render(dialect, _UNADDRESSED, target)


def unevidenced(dialect: str, target: str) -> str:
    return _render(dialect, _UNEVIDENCED, target)


def ungrounded(dialect: str) -> str:
    return _render(dialect, _UNGROUNDED)


def organisations_in(dialect: str) -> str:
    return _render(dialect, _ORGANISATIONS_IN)


def organisations_everywhere(dialect: str) -> str:
    return _render(dialect, _ORGANISATIONS_EVERYWHERE)


def reason_counts(dialect: str) -> str:
    return _render(dialect, _REASON_COUNTS)


def reasons(dialect: str) -> str:
    return _render(dialect, _REASONS)


def region_parents(dialect: str) -> str:
    return _render(dialect, _REGION_PARENTS)


def parents_of(dialect: str) -> str:
    return _render(dialect, _PARENTS_OF)


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
