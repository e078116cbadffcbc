"""The read-query catalogue: every query the use cases run, each one `Query` (name, text, declared
parameters) in `CATALOGUE`. A store runs one with `store.read(query, **params)`, which renders the store's
dialect and checks the parameters against the declared ones.

Each query is written once. Where the Cypher dialects of Ladybug and Neo4j differ, the text uses a token
that each dialect renders:

- `LABEL(x)`: the Caleido class of node `x` (Ladybug: label(x); Neo4j: its label other than CaleidoNode);
- `TYPE(x)`: the type of relationship `x` (Ladybug: label(x); Neo4j: type(x));
- `:ANY`: the label every Caleido node carries (Neo4j uses it for an index; Ladybug has none);
- `:TARGET`: the class of the node at the far end, given per call with `query.on("RiskFactor")`. Queries that
  join through EVIDENCE_FOR name it: Ladybug plans an untyped end as a scan of every node table the
  relationship allows (the findings-on-both-ends join at medium scale: 104 ms untyped, 9 ms typed).

A query is checked when it is defined, on both dialects: a token left unrendered, or a `$parameter` the text
uses but does not declare (or declares but does not use), fails at import. Values are always parameters;
labels and types come only from the ontology.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cache
from typing import Any, Literal

from caleido.graph.schema import COMMON_LABEL, node_classes, node_columns

Dialect = Literal["embedded", "neo4j"]
DIALECTS: tuple[Dialect, ...] = ("embedded", "neo4j")

_LABEL = {"embedded": r"label(\1)", "neo4j": rf"head([l IN labels(\1) WHERE l <> '{COMMON_LABEL}'])"}
_TYPE = {"embedded": r"label(\1)", "neo4j": r"type(\1)"}
_ANY = {"embedded": "", "neo4j": f":{COMMON_LABEL}"}
_TOKENS = re.compile(r"\bLABEL\s*\(|\bTYPE\s*\(|:ANY\b|:TARGET\b")
_PARAMETER = re.compile(r"\$(\w+)")


class Param(Enum):
    """What a parameter holds: the conformance test gives each kind a value, and `bind` checks the values."""

    IDS = "a list of node ids"
    NAMES = "a list of class names"
    STATUSES = "a list of review statuses"
    TERM = "a vocabulary term, or '' for a filter that asks for any"
    TEXT = "a string"
    FLAG = "true or false"
    SKIP = "how many rows to skip"
    LIMIT = "how many rows at most"


_PYTHON_TYPES: dict[Param, type] = {
    Param.IDS: list,
    Param.NAMES: list,
    Param.STATUSES: list,
    Param.TERM: str,
    Param.TEXT: str,
    Param.FLAG: bool,
    Param.SKIP: int,
    Param.LIMIT: int,
}


# A query about the nodes with the ids given starts with EACH_ID and matches its first node as `{id: one_id}`:
# the nodes found one by one through the id index. Ladybug evaluates the other way to write it, `n.id IN $ids`,
# by testing every node of the class against the whole list, and the lookups by a join with a scan of the links
# the query follows. Side by side on the large graph (bench/results/id-lookup-large.json): PROGRAMME_LINKS for
# 100 organisations 0.14 s as a list, 3.65 s one by one; for 2,000 2.3 and 3.0 s; for 20,000 22.6 and 6.2 s;
# the organisations alone, 20,000 of them, 21.7 and 0.09 s. So the embedded store sends a list of MANY_IDS or
# more one by one (a rebuild's batch) and a shorter one (a page) as `IN $ids`; Neo4j seeks its index either way
# and gets the list.
EACH_ID = "UNWIND $ids AS one_id\nWITH DISTINCT one_id\n"
_FIRST_BY_ID = re.compile(r"\((\w+):(\w+) \{id: one_id\}\)")
MANY_IDS = 2000


def as_id_list(text: str) -> str:
    """A query that starts with EACH_ID written with one `IN $ids` filter on its first node instead."""
    found = _FIRST_BY_ID.search(text)
    if not text.startswith(EACH_ID) or not found:
        raise QueryDefinitionError(f"not a query about the nodes with these ids: {text[:80]!r}")
    var, label = found.groups()
    first, _, rest = text.removeprefix(EACH_ID).replace(found.group(0), f"({var}:{label})", 1).partition("\n")
    condition = f"{var}.id IN $ids"
    if " WHERE " in first:
        first = first.replace(" WHERE ", f" WHERE {condition} AND ", 1)
    elif rest.startswith("WHERE "):
        rest = f"WHERE {condition} AND {rest.removeprefix('WHERE ')}"
    else:
        first += f"\nWHERE {condition}"
    return f"{first}\n{rest}"


class QueryDefinitionError(ValueError):
    """A catalogue query whose text and declaration disagree: a programming error, raised at import."""


@dataclass(frozen=True)
class Query:
    """One catalogue query. `target` is the class at the far end, for a text with `:TARGET`;
    `optional_columns` are returned (as `n.<name> AS <name>`) only for a target class that stores them."""

    name: str
    text: str
    declared: tuple[tuple[str, Param], ...]  # (parameter, kind), in the order declared
    target: str | None = None
    optional_columns: tuple[str, ...] = field(default=())

    @property
    def params(self) -> dict[str, Param]:
        return dict(self.declared)

    @property
    def per_target(self) -> bool:
        return ":TARGET" in self.text

    def on(self, target: str) -> Query:
        """This query about one class of node at the far end."""
        if not self.per_target:
            raise QueryDefinitionError(f"query {self.name} has no :TARGET to bind")
        return replace(self, target=target)

    @property
    def by_id(self) -> bool:
        """Whether it is about the nodes with the ids given (EACH_ID)."""
        return self.text.startswith(EACH_ID)

    def render(self, dialect: Dialect, ids: int = 0) -> str:
        """The text for a store of this dialect, asked about this many ids (see EACH_ID)."""
        one_by_one = self.by_id and dialect == "embedded" and ids >= MANY_IDS
        return _render(self, dialect, one_by_one)

    def bind(self, dialect: Dialect, params: Mapping[str, Any]) -> str:
        """The text for this dialect, once the parameters given are exactly the declared ones, each of its kind."""
        declared = self.params
        if set(params) != set(declared):
            missing, unexpected = sorted(set(declared) - set(params)), sorted(set(params) - set(declared))
            raise TypeError(f"query {self.name}: missing parameters {missing}, unexpected {unexpected}")
        for name, kind in declared.items():
            value = params[name]
            # bool is an int in Python: a flag given as a count (or the other way round) is a mistake too.
            if not isinstance(value, _PYTHON_TYPES[kind]) or (isinstance(value, bool) != (kind is Param.FLAG)):
                raise TypeError(f"query {self.name}: parameter {name} is {kind.value}, not {value!r}")
        return self.render(dialect, len(params["ids"]) if self.by_id else 0)


@cache
def _render(query: Query, dialect: Dialect, one_by_one: bool) -> str:
    if query.per_target and query.target is None:
        raise QueryDefinitionError(f"query {query.name} needs a target class: use {query.name}.on(class)")
    text = query.text if one_by_one or not query.by_id else as_id_list(query.text)
    if query.optional_columns:
        stored = {c.name for cls in node_classes() if cls.name == query.target for c in node_columns(cls)}
        kept = "".join(f", n.{name} AS {name}" for name in query.optional_columns if name in stored)
        text = text.rstrip() + kept + "\n"
    text = re.sub(r"\bLABEL\((\w+)\)", _LABEL[dialect], text)
    text = re.sub(r"\bTYPE\((\w+)\)", _TYPE[dialect], text)
    text = re.sub(r":ANY\b", _ANY[dialect], text)
    return re.sub(r":TARGET\b", f":`{query.target}`", text) if query.target else text


def _check(query: Query) -> Query:
    used, declared = set(_PARAMETER.findall(query.text)), set(query.params)
    if used != declared:
        raise QueryDefinitionError(
            f"query {query.name}: uses {sorted(used - declared)} undeclared, declares {sorted(declared - used)} unused"
        )
    sample = query.on(node_classes()[0].name) if query.per_target else query
    for dialect in DIALECTS:
        for ids in {0, MANY_IDS} if query.by_id else {0}:
            left = _TOKENS.findall(sample.render(dialect, ids))
            if left:
                raise QueryDefinitionError(f"query {query.name}: {left} not rendered for {dialect}")
    return query


CATALOGUE: dict[str, Query] = {}


def _define(
    name: str, text: str, params: Mapping[str, Param] | None = None, optional_columns: tuple[str, ...] = ()
) -> Query:
    if name in CATALOGUE:
        raise QueryDefinitionError(f"query {name} is defined twice")
    query = _check(Query(name, text, tuple((params or {}).items()), optional_columns=optional_columns))
    CATALOGUE[name] = query
    return query


# ---- the evidence-and-gap map: rows, columns and the cells of a page of rows

# Interventions with their filters (an empty $domain or $level asks for any), a page of them by id.
_INTERVENTIONS = """
MATCH (i:Intervention) WHERE i.status IN $statuses AND ($domain = '' OR $domain IN i.domains)
  AND ($level = '' OR $level IN i.levels)
"""
_FILTERS = {"statuses": Param.STATUSES, "domain": Param.TERM, "level": Param.TERM}

INTERVENTION_ROWS = _define(
    "INTERVENTION_ROWS",
    _INTERVENTIONS
    + """RETURN i.id AS id, i.label_nl AS label_nl, i.label_en AS label_en, i.domains AS domains, i.levels AS levels,
       i.intervention_type AS intervention_type
ORDER BY id SKIP $offset LIMIT $limit
""",
    {**_FILTERS, "offset": Param.SKIP, "limit": Param.LIMIT},
)
INTERVENTION_COUNT = _define("INTERVENTION_COUNT", _INTERVENTIONS + "RETURN count(*) AS interventions\n", _FILTERS)

INTERVENTION_THEMES = _define(
    "INTERVENTION_THEMES",
    """
MATCH (i:Intervention)-[r:BELONGS_TO]->(t:ProgrammeTheme)
WHERE (NOT $only_ids OR i.id IN $ids) AND r.status IN $statuses
RETURN i.id AS intervention, collect(t.id) AS themes
""",
    {"only_ids": Param.FLAG, "ids": Param.IDS, "statuses": Param.STATUSES},
)

# Ids and labels of a class's nodes, with their dimension and clusters where the class has them.
TARGET_COLUMNS = _define(
    "TARGET_COLUMNS",
    """
MATCH (n:TARGET) WHERE n.status IN $statuses
RETURN n.id AS id, n.label_nl AS label_nl, n.label_en AS label_en
""",
    {"statuses": Param.STATUSES},
    optional_columns=("dimension", "clusters"),
)

TARGET_LINKS_OF = _define(
    "TARGET_LINKS_OF",
    EACH_ID
    + """MATCH (i:Intervention {id: one_id})-[r:ADDRESSES|STRENGTHENS|BELONGS_TO]->(n) WHERE r.status IN $statuses
RETURN i.id AS intervention, TYPE(r) AS rel, n.id AS target, r.status AS status
""",
    {"ids": Param.IDS, "statuses": Param.STATUSES},
)

# Findings that bear on an intervention and on a target are evidence for the link between them. The two
# EVIDENCE_FOR hops are separate clauses and the statuses are returned too: Ladybug 0.22 drops the filter on
# the first hop of `(i)<-[e:EVIDENCE_FOR]-(f)-[r:EVIDENCE_FOR]->(n)` once $ids holds ~100 ids (a hash-join
# plan), so callers check the statuses again (tests/graph/test_usecases_at_scale.py).
CELL_EVIDENCE = _define(
    "CELL_EVIDENCE",
    """
MATCH (i:Intervention)<-[e:EVIDENCE_FOR]-(f:Finding)
WHERE i.id IN $ids AND f.status IN $statuses AND e.status IN $statuses
WITH i, f, e.status AS intervention_link
MATCH (f)-[r:EVIDENCE_FOR]->(n:TARGET) WHERE r.status IN $statuses
RETURN i.id AS intervention, n.id AS target, f.id AS finding, r.direction AS direction, f.grade AS grade,
       f.status AS finding_status, intervention_link, r.status AS target_link
""",
    {"ids": Param.IDS, "statuses": Param.STATUSES},
)

# Findings that bear on a factor or theme itself (the research on it), with the statuses to check again (see
# CELL_EVIDENCE): the map's column evidence and the gap lists count these rows alike.
TARGET_EVIDENCE = _define(
    "TARGET_EVIDENCE",
    """
MATCH (f:Finding)-[r:EVIDENCE_FOR]->(n:TARGET)
WHERE f.status IN $statuses AND r.status IN $statuses AND n.status IN $statuses
RETURN n.id AS target, f.id AS finding, r.direction AS direction, f.grade AS grade, f.status AS finding_status,
       r.status AS target_link
""",
    {"statuses": Param.STATUSES},
)

# ---- gaps

UNEVIDENCED = _define(
    "UNEVIDENCED",
    """
MATCH (i:Intervention)-[r:ADDRESSES|STRENGTHENS]->(n:TARGET) WHERE r.status IN $statuses
  AND NOT EXISTS {
    MATCH (i)<-[e:EVIDENCE_FOR]-(f:Finding)-[x:EVIDENCE_FOR]->(n)
    WHERE f.status IN $evidence AND e.status IN $evidence AND x.status IN $evidence
  }
RETURN i.id AS intervention, TYPE(r) AS rel, n.id AS target
""",
    {"statuses": Param.STATUSES, "evidence": Param.STATUSES},
)

UNGROUNDED = _define(
    "UNGROUNDED",
    """
MATCH (t:ProgrammeTheme) WHERE t.status IN $statuses
  AND NOT EXISTS { MATCH (t)-[r:GROUNDED_IN]->(:Value) WHERE r.status IN $statuses }
RETURN t.id AS id, t.label_nl AS label_nl, t.label_en AS label_en
""",
    {"statuses": Param.STATUSES},
)

# ---- partners


# Reasons of an organisation: one per programme it runs or joins and factor or theme that programme targets.
# One hop per clause (see CELL_EVIDENCE). The partner finder filters organisations by domain and level itself: a
# body's reasons may be its general record's.
PROGRAMME_RELS = ("RUNS", "PARTICIPATES_IN")  # organisation -> programme
REASON_RELS = ("ADDRESSES", "STRENGTHENS", "BELONGS_TO")  # programme -> factor or theme
_ORGANISATION_HOP = f"""{EACH_ID}MATCH (o:Organisation {{id: one_id}})-[r:{"|".join(PROGRAMME_RELS)}]->(i:Intervention)
WHERE o.status IN $statuses AND r.status IN $statuses
WITH o, i, r
MATCH (i)-[l:{"|".join(REASON_RELS)}]->(n)
WHERE l.status IN $statuses AND (NOT $only_targets OR n.id IN $targets)
"""


def claim_list(link: str) -> str:
    """A link's claim as one list of strings, so that it can be collected with the link: source, locator, quote,
    status, note, then its further citations (read back with caleido.graph.usecases.common.claim_from_list)."""
    fields = ", ".join(f"{link}.{name}" for name in ("source", "locator", "quote", "status", "note"))
    return f"[{fields}] + coalesce({link}.citations, [])"


_REASON_PARAMS = {
    "ids": Param.IDS,
    "statuses": Param.STATUSES,
    "only_targets": Param.FLAG,
    "targets": Param.IDS,
}
# One row per organisation and programme (a row per reason was 12,655 rows for one page of 50 partners), with
# the claims of both links: the programme link's columns, and each target as [id, type of the link, then its
# claim_list]. (Grouping on the programme link's claim as one list took Ladybug three times as long.)
REASONS = _define(
    "REASONS",
    _ORGANISATION_HOP
    + f"""RETURN o.id AS organisation, i.id AS intervention, TYPE(r) AS rel, r.role AS role, r.source AS source,
       r.locator AS locator, r.quote AS quote, r.status AS status, r.note AS note, r.citations AS citations,
       collect([n.id, TYPE(l)] + {claim_list("l")}) AS targets
""",
    _REASON_PARAMS,
)

# REASONS as ids only (caleido.graph.derived.reach counts them): the targets of each programme link.
REASON_TARGETS = _define(
    "REASON_TARGETS",
    _ORGANISATION_HOP + "RETURN o.id AS organisation, i.id AS intervention, TYPE(r) AS rel, collect(n.id) AS targets\n",
    _REASON_PARAMS,
)

REGION_PARENTS = _define(
    "REGION_PARENTS",
    """
MATCH (g:Region)-[r:PART_OF]->(p:Region)
RETURN g.id AS region, p.id AS parent
""",
)


# ---- reach: which organisations serve which municipalities, through which region (caleido.graph.usecases.reach)

# One step up the regions a region lies in (a municipality's safety region, GGD region, ...; a safety region's
# province), with the type of the region above; reach walks it until no new region comes up.
REGIONS_ABOVE = _define(
    "REGIONS_ABOVE",
    """
MATCH (g:Region)-[r:PART_OF]->(p:Region) WHERE g.id IN $ids AND r.status IN $statuses
RETURN g.id AS region, p.id AS parent
""",
    {"ids": Param.IDS, "statuses": Param.STATUSES},
)

# The type of each of these regions (reach orders a municipality's regions by it, near to far).
REGION_TYPES = _define(
    "REGION_TYPES",
    """
MATCH (g:Region) WHERE g.id IN $ids
RETURN g.id AS id, g.region_type AS region_type
""",
    {"ids": Param.IDS},
)

# One step down: the regions that lie in these, whatever the status of the link (what a write may change).
REGIONS_BELOW = _define(
    "REGIONS_BELOW",
    """
MATCH (g:Region)-[r:PART_OF]->(p:Region) WHERE p.id IN $ids
RETURN g.id AS region, p.id AS parent
""",
    {"ids": Param.IDS},
)

# The service areas of these organisations, whatever their status.
AREAS_OF = _define(
    "AREAS_OF",
    EACH_ID
    + """MATCH (o:Organisation {id: one_id})-[r:OPERATES_IN]->(g:Region)
RETURN DISTINCT g.id AS region
""",
    {"ids": Param.IDS},
)

# The organisations that run or join these programmes, whatever their status.
DOERS_OF = _define(
    "DOERS_OF",
    EACH_ID
    + f"""MATCH (o:Organisation)-[r:{"|".join(PROGRAMME_RELS)}]->(i:Intervention {{id: one_id}})
RETURN DISTINCT o.id AS organisation
""",
    {"ids": Param.IDS},
)

# The type of each of these organisations (the map leaves policy actors out).
ORGANISATION_TYPES = _define(
    "ORGANISATION_TYPES",
    EACH_ID
    + """MATCH (o:Organisation {id: one_id})
RETURN o.id AS id, o.organisation_type AS organisation_type
""",
    {"ids": Param.IDS},
)

ORGANISATION_IDS = _define(
    "ORGANISATION_IDS",
    """
MATCH (o:Organisation)
RETURN o.id AS id
""",
)

# The organisations whose service area is one of these regions, with the claim of that service area.
SERVICE_AREAS = _define(
    "SERVICE_AREAS",
    """
MATCH (o:Organisation)-[r:OPERATES_IN]->(g:Region)
WHERE g.id IN $regions AND r.status IN $statuses AND o.status IN $statuses
RETURN o.id AS organisation, g.id AS region, r.source AS source, r.locator AS locator, r.quote AS quote,
       r.status AS status, r.note AS note, r.citations AS citations
""",
    {"regions": Param.IDS, "statuses": Param.STATUSES},
)

# The general records these bodies are one of (org-ggd-gg0111 kind_of org-ggd), with the claim of that link.
GENERAL_RECORDS = _define(
    "GENERAL_RECORDS",
    EACH_ID
    + """MATCH (o:Organisation {id: one_id})-[k:KIND_OF]->(g:Organisation)
WHERE k.status IN $statuses AND g.status IN $statuses
RETURN o.id AS organisation, g.id AS general, k.source AS source, k.locator AS locator, k.quote AS quote,
       k.status AS status, k.note AS note, k.citations AS citations
""",
    {"ids": Param.IDS, "statuses": Param.STATUSES},
)

# Organisations that name no service area, with what sorts them into the partner finder's sections: national
# support lines, kinds of organisation named for the municipality ("Schuldhulpverleners in Zwolle"), policy actors.
UNPLACED_ORGANISATIONS = _define(
    "UNPLACED_ORGANISATIONS",
    """
MATCH (o:Organisation) WHERE o.status IN $statuses
  AND NOT EXISTS { MATCH (o)-[r:OPERATES_IN]->(:Region) WHERE r.status IN $statuses }
RETURN o.id AS organisation
""",
    {"statuses": Param.STATUSES},
)

# What an organisation does, whatever it addresses: the programmes it runs or joins, with its role and claim (a
# national line's advice service may name no factor, yet it is what a municipality calls it for).
PROGRAMME_LINKS = _define(
    "PROGRAMME_LINKS",
    EACH_ID
    + f"""MATCH (o:Organisation {{id: one_id}})-[r:{"|".join(PROGRAMME_RELS)}]->(i:Intervention)
WHERE r.status IN $statuses AND i.status IN $statuses
RETURN o.id AS organisation, i.id AS intervention, TYPE(r) AS rel, r.role AS role, r.source AS source,
       r.locator AS locator, r.quote AS quote, r.status AS status, r.note AS note, r.citations AS citations
""",
    {"ids": Param.IDS, "statuses": Param.STATUSES},
)

# The general records that have bodies (org-ggd, which org-ggd-gg0111 is one of).
WITH_BODIES = _define(
    "WITH_BODIES",
    """
MATCH (b:Organisation)-[k:KIND_OF]->(g:Organisation) WHERE k.status IN $statuses
RETURN DISTINCT g.id AS general
""",
    {"statuses": Param.STATUSES},
)

# ---- the map (caleido.graph.usecases.map_measures): what the serving bodies run or join (PROGRAMME_LINKS as ids;
# caleido.graph.derived.reach), and the grades of it

ORGANISATION_PROGRAMMES = _define(
    "ORGANISATION_PROGRAMMES",
    EACH_ID
    + f"""MATCH (o:Organisation {{id: one_id}})-[r:{"|".join(PROGRAMME_RELS)}]->(i:Intervention)
WHERE r.status IN $statuses AND i.status IN $statuses
RETURN o.id AS organisation, i.id AS intervention, TYPE(r) AS rel
""",
    {"ids": Param.IDS, "statuses": Param.STATUSES},
)

INTERVENTION_GRADES = _define(
    "INTERVENTION_GRADES",
    """
MATCH (i:Intervention)<-[e:EVIDENCE_FOR]-(f:Finding) WHERE e.status IN $statuses AND f.status IN $statuses
RETURN i.id AS intervention, f.grade AS grade
""",
    {"statuses": Param.STATUSES},
)

# ---- exploring

# Links from (to) the nodes with these ids, with the class and labels of the node at the far end. `start` and
# `end` are the link's ends, whichever way it is read.
OUTGOING = _define(
    "OUTGOING",
    """
MATCH (a:ANY)-[r]->(b:ANY) WHERE a.id IN $ids
RETURN a.id AS start, TYPE(r) AS rel, b.id AS `end`,
       b.id AS far, LABEL(b) AS far_class, b.label_nl AS far_label_nl, b.label_en AS far_label_en
""",
    {"ids": Param.IDS},
)

INCOMING = _define(
    "INCOMING",
    """
MATCH (b:ANY)-[r]->(a:ANY) WHERE a.id IN $ids
RETURN b.id AS start, TYPE(r) AS rel, a.id AS `end`,
       b.id AS far, LABEL(b) AS far_class, b.label_nl AS far_label_nl, b.label_en AS far_label_en
""",
    {"ids": Param.IDS},
)

LABELS = _define(
    "LABELS",
    """
MATCH (n:ANY) WHERE n.id IN $ids
RETURN n.id AS id, LABEL(n) AS class, n.label_nl AS label_nl, n.label_en AS label_en
""",
    {"ids": Param.IDS},
)

# The codes and search keys of every municipality: find_municipality matches a name or CBS code on them.
MUNICIPALITY_KEYS = _define(
    "MUNICIPALITY_KEYS",
    """
MATCH (g:Region) WHERE g.region_type = 'municipality'
RETURN g.id AS id, g.identifier AS identifier, g.search_keys AS search_keys ORDER BY g.id
""",
)

# Labels matched on the stored search keys (caleido.graph.search_keys), ranked and cut in the database, so only
# `limit` rows come back. On Neo4j the CONTAINS is served by the TEXT index on CaleidoNode(search_keys).
SEARCH = _define(
    "SEARCH",
    """
MATCH (n:ANY) WHERE n.search_keys CONTAINS $contains AND ($any_class OR LABEL(n) IN $classes)
WITH n, CASE WHEN n.search_keys CONTAINS $exact THEN 0 WHEN n.search_keys CONTAINS $prefix THEN 1 ELSE 2 END AS rank
RETURN n.id AS id, LABEL(n) AS class, n.label_nl AS label_nl, n.label_en AS label_en, rank
ORDER BY rank, class, id LIMIT $limit
""",
    {
        "contains": Param.TEXT,
        "exact": Param.TEXT,
        "prefix": Param.TEXT,
        "any_class": Param.FLAG,
        "classes": Param.NAMES,
        "limit": Param.LIMIT,
    },
)

# ---- the map, read once for the whole country rather than for a list of thousands of ids

# The organisations of these types (the map leaves the policy actors out of every body serving a municipality).
ORGANISATIONS_OF_TYPES = _define(
    "ORGANISATIONS_OF_TYPES",
    """
MATCH (o:Organisation) WHERE o.organisation_type IN $types
RETURN o.id AS id
""",
    {"types": Param.IDS},
)

# REASON_TARGETS for these targets whoever does them: the organisations with a reason for one of them.
TARGET_DOERS = _define(
    "TARGET_DOERS",
    f"""
MATCH (i:Intervention)-[l:{"|".join(REASON_RELS)}]->(n)
WHERE n.id IN $targets AND l.status IN $statuses
WITH i, n
MATCH (o:Organisation)-[r:{"|".join(PROGRAMME_RELS)}]->(i)
WHERE o.status IN $statuses AND r.status IN $statuses
RETURN DISTINCT o.id AS organisation
""",
    {"targets": Param.IDS, "statuses": Param.STATUSES},
)

# UNPLACED_ORGANISATIONS with what the partner finder sorts and ranks them on (their type, levels, domains and
# labels), so that it reads the contact fields and general records of the lines it shows only.
UNPLACED_LINES = _define(
    "UNPLACED_LINES",
    """
MATCH (o:Organisation) WHERE o.status IN $statuses
  AND NOT EXISTS { MATCH (o)-[r:OPERATES_IN]->(:Region) WHERE r.status IN $statuses }
RETURN o.id AS id, o.organisation_type AS organisation_type, o.levels AS levels, o.domains AS domains,
       o.label_nl AS label_nl, o.label_en AS label_en
""",
    {"statuses": Param.STATUSES},
)
