"""The evidence families: what the evidence-and-gap map counts, kept per intervention and per factor or theme.

- `derived:evidence-cells`, by intervention: its links to factors and themes, and per target the findings that
  bear on both (the map's cells), each with its direction, grade, country and the three statuses that decide
  whether it counts (the finding's, its link to the intervention's, its link to the target's);
- `derived:evidence-targets`, by factor or theme: the findings that bear on it (the map's column evidence),
  each with its direction, statuses and the study coding a column shows.

Statuses are stored, not filtered on, so that one value answers with and without proposed findings.

- `derived:area-programmes`, by region: per view (caleido.graph.derived.reach.VIEWS) the programmes the bodies
  with a service area there run or join, themselves or as a general record they are one of, by type of body
  (the gaps leave policy actors out): what the map's `recognised` measure counts, for gaps to count from the
  regions' side."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from caleido.graph.derived.core import FAMILIES, Reader
from caleido.graph.derived.reach import VIEWS
from caleido.graph.queries import PROGRAMME_RELS, Param, Query
from caleido.ontology.records import LinkRow, NodeRow

TARGET_CLASSES = ("RiskFactor", "ProtectiveFactor", "ProgrammeTheme")
TARGET_RELS = ("ADDRESSES", "STRENGTHENS", "BELONGS_TO")  # intervention -> factor or theme
# The finding's columns a column of the map shows (an effect) or a gap weighs (grade, country).
RECORD_FIELDS = (
    "grade",
    "source",
    "effect_size",
    "effect_measure",
    "n_studies",
    "ci_lower",
    "ci_upper",
    "outcome",
    "country",
)
_IDS = (("ids", Param.IDS),)


def _query(name: str, text: str, declared: tuple[tuple[str, Param], ...] = _IDS) -> Query:
    return Query(f"DERIVED_{name}", text, declared)


_INTERVENTIONS = _query("INTERVENTIONS", "MATCH (i:Intervention) WHERE i.id IN $ids RETURN i.id AS id\n")
_TARGETS = _query("TARGETS", "MATCH (n:TARGET) WHERE n.id IN $ids RETURN n.id AS id\n")
_INTERVENTIONS_OF_FINDINGS = _query(
    "INTERVENTIONS_OF_FINDINGS",
    "MATCH (f:Finding)-[:EVIDENCE_FOR]->(i:Intervention) WHERE f.id IN $ids RETURN DISTINCT i.id AS id\n",
)
_TARGETS_OF_FINDINGS = _query(
    "TARGETS_OF_FINDINGS",
    "MATCH (f:Finding)-[:EVIDENCE_FOR]->(n:TARGET) WHERE f.id IN $ids RETURN DISTINCT n.id AS id\n",
)
_LINKED_INTERVENTIONS = _query(
    "LINKED_INTERVENTIONS",
    f"MATCH (i:Intervention)-[:{'|'.join(TARGET_RELS)}]->() RETURN DISTINCT i.id AS id\n",
    (),
)
_EVIDENCED_INTERVENTIONS = _query(
    "EVIDENCED_INTERVENTIONS", "MATCH (:Finding)-[:EVIDENCE_FOR]->(i:Intervention) RETURN DISTINCT i.id AS id\n", ()
)
_EVIDENCED_TARGETS = _query(
    "EVIDENCED_TARGETS", "MATCH (:Finding)-[:EVIDENCE_FOR]->(n:TARGET) RETURN DISTINCT n.id AS id\n", ()
)
_LINKS_OF = _query(
    "LINKS_OF",
    f"""
MATCH (i:Intervention)-[r:{"|".join(TARGET_RELS)}]->(n) WHERE i.id IN $ids
RETURN i.id AS intervention, TYPE(r) AS rel, n.id AS target, r.status AS status
""",
)
# One hop per clause, as CELL_EVIDENCE (caleido.graph.queries) and for the same reason.
_CELLS_OF = _query(
    "CELLS_OF",
    """
MATCH (i:Intervention)<-[e:EVIDENCE_FOR]-(f:Finding) WHERE i.id IN $ids
WITH i, f, e.status AS intervention_link
MATCH (f)-[r:EVIDENCE_FOR]->(n:TARGET)
RETURN i.id AS intervention, n.id AS target, f.id AS finding, r.direction AS direction, f.grade AS grade,
       f.country AS country, f.status AS finding_status, intervention_link, r.status AS target_link
""",
)
_RESEARCH_ON = _query(
    "RESEARCH_ON",
    f"""
MATCH (f:Finding)-[r:EVIDENCE_FOR]->(n:TARGET) WHERE n.id IN $ids
RETURN n.id AS target, n.status AS target_status, f.id AS finding, r.direction AS direction,
       f.status AS finding_status, r.status AS target_link, {", ".join(f"f.{c} AS {c}" for c in RECORD_FIELDS)}
""",
)


def _ids(read: Reader, query: Query, ids: Collection[str], per_target: bool = False) -> set[str]:
    if not ids:
        return set()
    chosen = sorted(ids)
    queries = [query.on(cls) for cls in TARGET_CLASSES] if per_target else [query]
    return {row["id"] for q in queries for row in read(q, ids=chosen)}


def _findings_written(nodes: Sequence[NodeRow], links: Sequence[LinkRow]) -> set[str]:
    """The findings whose own columns or evidence links this write touched."""
    evidence_links = {link.source_id for link in links if link.rel == "EVIDENCE_FOR"}
    return {n.id for n in nodes if n.cls == "Finding"} | evidence_links


class EvidenceCells:
    """Per intervention: its links to factors and themes and the findings on each of its cells."""

    kind = "derived:evidence-cells"

    def empty(self) -> dict[str, Any]:
        return {"links": [], "evidence": {}}

    def touched(self, read: Reader, nodes: Sequence[NodeRow], links: Sequence[LinkRow]) -> set[str]:
        sources = {link.source_id for link in links if link.rel in TARGET_RELS}
        return _ids(read, _INTERVENTIONS, sources) | _ids(
            read, _INTERVENTIONS_OF_FINDINGS, _findings_written(nodes, links)
        )

    def compute(self, read: Reader, keys: Collection[str]) -> dict[str, dict[str, Any]]:
        bodies = {key: self.empty() for key in keys}
        if not keys:
            return bodies
        ids = sorted(keys)
        for row in read(_LINKS_OF, ids=ids):
            bodies[row["intervention"]]["links"].append([row["rel"], row["target"], row["status"]])
        for cls in TARGET_CLASSES:
            for row in read(_CELLS_OF.on(cls), ids=ids):
                cells = bodies[row["intervention"]]["evidence"]
                cell = cells.setdefault(row["target"], {"class": cls, "findings": {}})
                cell["findings"][row["finding"]] = [
                    row["direction"],
                    row["grade"],
                    row["country"],
                    row["finding_status"],
                    row["intervention_link"],
                    row["target_link"],
                ]
        for body in bodies.values():
            body["links"].sort()
        return bodies

    def all_keys(self, read: Reader) -> set[str]:
        evidenced = {row["id"] for row in read(_EVIDENCED_INTERVENTIONS)}
        return evidenced | {row["id"] for row in read(_LINKED_INTERVENTIONS)}


class EvidenceTargets:
    """Per factor or theme: its class and status, and the findings that bear on it with their study coding."""

    kind = "derived:evidence-targets"

    def empty(self) -> dict[str, Any]:
        return {"findings": {}}

    def touched(self, read: Reader, nodes: Sequence[NodeRow], links: Sequence[LinkRow]) -> set[str]:
        targets = {n.id for n in nodes if n.cls in TARGET_CLASSES}
        return targets | _ids(read, _TARGETS_OF_FINDINGS, _findings_written(nodes, links), per_target=True)

    def compute(self, read: Reader, keys: Collection[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = defaultdict(dict)
        meta: dict[str, dict[str, Any]] = {}
        ids = sorted(keys)
        for cls in TARGET_CLASSES if ids else ():
            for row in read(_RESEARCH_ON.on(cls), ids=ids):
                meta[row["target"]] = {"class": cls, "status": row["target_status"]}
                found[row["target"]][row["finding"]] = {
                    "direction": row["direction"],
                    "finding_status": row["finding_status"],
                    "target_link": row["target_link"],
                    "record": {c: row[c] for c in RECORD_FIELDS},
                }
        return {key: {**meta[key], "findings": found[key]} if key in meta else self.empty() for key in keys}

    def all_keys(self, read: Reader) -> set[str]:
        return {row["id"] for cls in TARGET_CLASSES for row in read(_EVIDENCED_TARGETS.on(cls))}


# The bodies with a service area in these regions and what they run or join: themselves (`d` is `o`), or as a
# general record they are one of (`d` is the record). One hop per clause, as _CELLS_OF.
_AREA_HOP = """
MATCH (o:Organisation)-[a:OPERATES_IN]->(g:Region)
WHERE g.id IN $ids AND a.status IN $statuses AND o.status IN $statuses
"""
_AREA_PROGRAMMES = f"""
MATCH (d)-[r:{"|".join(PROGRAMME_RELS)}]->(i:Intervention) WHERE r.status IN $statuses AND i.status IN $statuses
RETURN g.id AS region, o.organisation_type AS organisation_type, collect(DISTINCT i.id) AS interventions
"""
_AREA_DECLARED = (("ids", Param.IDS), ("statuses", Param.STATUSES))
_AREA_OWN = _query("AREA_OWN", _AREA_HOP + "WITH o, g, o AS d" + _AREA_PROGRAMMES, _AREA_DECLARED)
_AREA_AS_RECORD = _query(
    "AREA_AS_RECORD",
    _AREA_HOP
    + "MATCH (o)-[k:KIND_OF]->(d:Organisation) WHERE k.status IN $statuses AND d.status IN $statuses"
    + _AREA_PROGRAMMES,
    _AREA_DECLARED,
)
_REGIONS = _query("REGIONS", "MATCH (g:Region) RETURN g.id AS id\n", ())
_AREAS_OF = _query(
    "AREAS_OF", "MATCH (o:Organisation)-[:OPERATES_IN]->(g:Region) WHERE o.id IN $ids RETURN DISTINCT g.id AS id\n"
)
_DOERS_OF = _query(
    "DOERS_OF",
    f"MATCH (o:Organisation)-[:{'|'.join(PROGRAMME_RELS)}]->(i:Intervention) WHERE i.id IN $ids\n"
    "RETURN DISTINCT o.id AS id\n",
)
_BODIES_OF = _query(
    "BODIES_OF", "MATCH (o:Organisation)-[:KIND_OF]->(g:Organisation) WHERE g.id IN $ids RETURN DISTINCT o.id AS id\n"
)


def area_programmes(read: Reader, regions: Collection[str], statuses: Sequence[str]) -> dict[str, list[list[Any]]]:
    """Per region (those with any): [organisation type or "", [programmes]] of the bodies with a service area
    there, under these statuses, by type."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for query in (_AREA_OWN, _AREA_AS_RECORD) if regions else ():
        for row in read(query, ids=sorted(regions), statuses=list(statuses)):
            found[(row["region"], row["organisation_type"] or "")].update(row["interventions"])
    by_region: dict[str, list[list[Any]]] = defaultdict(list)
    for (region, kind), programmes in sorted(found.items()):
        by_region[region].append([kind, sorted(programmes)])
    return dict(by_region)


class AreaProgrammes:
    """Per region and view: [organisation type, [programmes]] of the bodies with a service area there."""

    kind = "derived:area-programmes"

    def empty(self) -> dict[str, Any]:
        return {}

    def touched(self, read: Reader, nodes: Sequence[NodeRow], links: Sequence[LinkRow]) -> set[str]:
        regions = {n.id for n in nodes if n.cls == "Region"}
        regions |= {link.target_id for link in links if link.rel == "OPERATES_IN"}
        doers = {n.id for n in nodes if n.cls == "Organisation"}
        doers |= {link.source_id for link in links if link.rel in (*PROGRAMME_RELS, "KIND_OF")}
        doers |= _ids(read, _DOERS_OF, {n.id for n in nodes if n.cls == "Intervention"})
        bodies = doers | _ids(read, _BODIES_OF, doers)  # what a general record does, its bodies do
        return regions | _ids(read, _AREAS_OF, bodies)

    def compute(self, read: Reader, keys: Collection[str]) -> dict[str, dict[str, Any]]:
        bodies: dict[str, dict[str, Any]] = {key: {} for key in keys}
        for name, statuses in VIEWS.items():
            for region, programmes in area_programmes(read, keys, statuses).items():
                bodies[region][name] = programmes
        return bodies

    def all_keys(self, read: Reader) -> set[str]:
        return {row["id"] for row in read(_REGIONS)}


CELLS = EvidenceCells()
TARGETS = EvidenceTargets()
AREAS = AreaProgrammes()
FAMILIES += [CELLS, TARGETS, AREAS]
