"""The evidence families: what the evidence-and-gap map counts, kept per intervention and per factor or theme.

- `derived:evidence-cells`, by intervention: its links to factors and themes, and per target the findings that
  bear on both (the map's cells), each with its direction, grade, country and the three statuses that decide
  whether it counts (the finding's, its link to the intervention's, its link to the target's);
- `derived:evidence-targets`, by factor or theme: the findings that bear on it (the map's column evidence),
  each with its direction, statuses and the study coding a column shows.

Statuses are stored, not filtered on, so that one value answers with and without proposed findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from caleido.graph.derived.core import FAMILIES, Reader
from caleido.graph.queries import Param, Query
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


CELLS = EvidenceCells()
TARGETS = EvidenceTargets()
FAMILIES += [CELLS, TARGETS]
