"""Reach, derived: which organisations serve each municipality and through which region (family `derived:reach`,
key: the municipality), and what each organisation does itself (family `derived:doing`, key: the organisation):
its programmes and the factors and themes they target, as ids. The partner finder ranks on these counts and reads
the claims for its page only; the map reads every municipality's bodies in one read.

Each body answers both views a reader asks for: `accepted` (what a curator accepted) and `proposed` (accepted
and proposed), under those names, each as the catalogue queries answer them for those statuses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from caleido.graph import queries
from caleido.graph.derived.core import FAMILIES, Reader, once, read_derived
from caleido.graph.store import GraphStore
from caleido.ontology.records import LinkRow, NodeRow

if TYPE_CHECKING:  # only for the annotation: the use cases import this module
    from caleido.graph.usecases.results import Reach


# The statuses a reader asks for, by the name a body keeps their answer under.
VIEWS: dict[str, tuple[str, ...]] = {"accepted": ("accepted",), "proposed": ("accepted", "proposed")}


def view(statuses: Sequence[str]) -> str | None:
    """The name of the view these statuses are, or None (then a use case derives its answer itself)."""
    return next((name for name, wanted in VIEWS.items() if tuple(statuses) == wanted), None)


# Kinds of region from near to far: fewer municipalities per region comes first (42 jeugdregio's, 25 GGD and
# safety regions, 12 provinces, 11 arrondissementen, 10 police units), so a body with a smaller service area is
# nearer to the municipality. A kind not listed here (a new one) comes last.
NEARNESS: tuple[Reach, ...] = (
    "municipality",
    "jeugdregio",
    "ggd-region",
    "safety-region",
    "province",
    "arrondissement",
    "police-unit",
)


def nearness(region_type: str | None) -> int:
    return NEARNESS.index(region_type) if region_type in NEARNESS else len(NEARNESS)


Served = list[tuple[str, str, dict[str, Any]]]  # (organisation, via region, the service area's claim fields)


def serving(read: Reader, municipalities: list[str], statuses: list[str]) -> dict[str, tuple[list[str], Served]]:
    """Per municipality: the regions it lies in, nearest first, and the organisations serving it, each once
    through its nearest service area (the municipality itself first), by id within a region."""
    above = regions_above(read, municipalities, statuses)
    ids = sorted({r for m in municipalities for r in above[m]} | set(municipalities))
    types = {row["id"]: row["region_type"] for row in read(queries.REGION_TYPES, ids=ids)}
    areas: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in read(queries.SERVICE_AREAS, regions=ids, statuses=statuses):
        areas[row["region"]].append(row)

    def near(region: str) -> tuple[int, str]:
        return nearness(types[region] if region in types else None), region

    answers = {}
    for municipality in municipalities:
        lying_in = sorted(above[municipality], key=near)
        served: dict[str, tuple[str, str, dict[str, Any]]] = {}
        for region in [municipality, *lying_in]:  # nearest first: an organisation serves through its nearest area
            for row in sorted(areas[region], key=lambda r: r["organisation"]):
                served.setdefault(row["organisation"], (row["organisation"], region, _claim(row)))
        answers[municipality] = (lying_in, list(served.values()))
    return answers


def regions_above(read: Reader, municipalities: list[str], statuses: list[str]) -> dict[str, set[str]]:
    """Every region each municipality lies in, however many steps up (municipality -> safety region ->
    province): one read per step for all municipalities together."""
    parents: dict[str, set[str]] = defaultdict(set)
    frontier, seen = set(municipalities), set(municipalities)
    while frontier:
        rows = read(queries.REGIONS_ABOVE, ids=sorted(frontier), statuses=statuses)
        for row in rows:
            parents[row["region"]].add(row["parent"])
        frontier = {row["parent"] for row in rows} - seen
        seen |= frontier

    def up(region: str, path: frozenset[str]) -> set[str]:
        found: set[str] = set()
        for parent in parents[region] - path:  # a cycle in bad data ends here rather than looping
            found |= {parent} | up(parent, path | {parent})
        return found

    return {m: up(m, frozenset({m})) for m in municipalities}


def _claim(row: dict[str, Any]) -> dict[str, Any]:
    """A link's claim fields as caleido.graph.usecases.common.claim_fields(row, note=True) reads them."""
    return {key: row.get(key) for key in ("source", "locator", "quote", "citations", "status", "note")}


def _under(read: Reader, regions: Collection[str]) -> set[str]:
    """These regions and every region below them (walking part_of down, whatever its status)."""
    found, frontier = set(regions), set(regions)
    while frontier:
        frontier = {row["region"] for row in read(queries.REGIONS_BELOW, ids=sorted(frontier))} - found
        found |= frontier
    return found


def doing(read: Reader, ids: Collection[str], statuses: list[str]) -> dict[str, dict[str, list[Any]]]:
    """What each of these organisations does itself, for these statuses (organisations doing nothing left out):
    `reasons`, [programme, link type, [target ids]], and `programmes`, [programme, link type], sorted."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    # derived:doing and its tallies count the same: one computation for them all in a write or a rebuild's batch.
    return once(read, ("doing", tuple(wanted), tuple(statuses)), lambda: _doing(read, wanted, statuses))


def _doing(read: Reader, wanted: list[str], statuses: list[str]) -> dict[str, dict[str, list[Any]]]:
    done: dict[str, dict[str, list[Any]]] = defaultdict(lambda: {"reasons": [], "programmes": []})
    for row in read(queries.REASON_TARGETS, ids=wanted, statuses=statuses, only_targets=False, targets=[""]):
        done[row["organisation"]]["reasons"].append([row["intervention"], row["rel"], sorted(row["targets"])])
    for row in read(queries.ORGANISATION_PROGRAMMES, ids=wanted, statuses=statuses):
        done[row["organisation"]]["programmes"].append([row["intervention"], row["rel"]])
    return {org: {key: sorted(found) for key, found in values.items()} for org, values in done.items()}


class ReachFamily:
    """Each municipality's serving organisations: per view, the regions it lies in (nearest first) and
    `served_by`, [via, [organisations]] nearest first, each organisation once. The claims of the service areas
    are the links' own, read with them: kept here they would be copied to every municipality of a region. A
    municipality no longer stored has the empty body."""

    kind = "derived:reach"

    def empty(self) -> dict[str, Any]:
        return {}

    def all_keys(self, read: Reader) -> set[str]:
        return {row["id"] for row in read(queries.MUNICIPALITY_KEYS)}

    def compute(self, read: Reader, keys: Collection[str]) -> dict[str, dict[str, Any]]:
        stored = self.all_keys(read)
        wanted = sorted(set(keys) & stored)
        bodies: dict[str, dict[str, Any]] = {key: {} for key in keys}
        for name, statuses in VIEWS.items():
            for municipality, (regions, served) in serving(read, wanted, list(statuses)).items():
                bodies[municipality][name] = {"regions": regions, "served_by": _grouped(served)}
        return bodies

    def touched(self, read: Reader, nodes: Sequence[NodeRow], links: Sequence[LinkRow]) -> set[str]:
        regions = {n.id for n in nodes if n.cls == "Region"}
        regions |= {link.target_id for link in links if link.rel == "OPERATES_IN"}
        regions |= {link.source_id for link in links if link.rel == "PART_OF"}
        organisations = sorted({n.id for n in nodes if n.cls == "Organisation"})
        if organisations:
            regions |= {row["region"] for row in read(queries.AREAS_OF, ids=organisations)}
        if not regions:
            return set()
        return _under(read, regions) & self.all_keys(read)


def _grouped(served: Served) -> list[list[Any]]:
    """The (organisation, via) pairs in their order as [via, [organisations]]: each region's id once."""
    groups: list[list[Any]] = []
    for org, via, _ in served:
        if not groups or groups[-1][0] != via:
            groups.append([via, []])
        groups[-1][1].append(org)
    return groups


def pairs(groups: list[list[Any]]) -> list[tuple[str, str]]:
    """The (organisation, via) pairs of a body's `served_by`, in order."""
    return [(org, via) for via, orgs in groups for org in orgs]


class DoingFamily:
    """What each organisation does itself, per view: `reasons`, [programme, link type, [target ids]] as
    queries.REASONS finds them (a target once per link to it), and `programmes`, [programme, link type] as
    queries.PROGRAMME_LINKS finds them. What it does as a general record it is one of is read from that record's
    body (kind_of is not in here)."""

    kind = "derived:doing"

    def empty(self) -> dict[str, Any]:
        return {}

    def all_keys(self, read: Reader) -> set[str]:
        return {row["id"] for row in read(queries.ORGANISATION_IDS)}

    def compute(self, read: Reader, keys: Collection[str]) -> dict[str, dict[str, Any]]:
        bodies: dict[str, dict[str, Any]] = {key: {} for key in keys}
        for name, statuses in VIEWS.items():
            for org, values in doing(read, keys, list(statuses)).items():
                bodies[org][name] = values
        return bodies

    def touched(self, read: Reader, nodes: Sequence[NodeRow], links: Sequence[LinkRow]) -> set[str]:
        keys = {n.id for n in nodes if n.cls == "Organisation"}
        keys |= {link.source_id for link in links if link.rel in queries.PROGRAMME_RELS}
        programmes = {n.id for n in nodes if n.cls == "Intervention"}
        programmes |= {link.source_id for link in links if link.rel in queries.REASON_RELS}
        if programmes:
            keys |= {row["organisation"] for row in read(queries.DOERS_OF, ids=sorted(programmes))}
        return keys


class TallyFamily(DoingFamily):
    """What each organisation does itself, per view, as `DoingFamily` keeps it but counted: `programmes`, how many
    programme links, and `reasons`, how many reasons. The partner finder ranks thousands of national lines on
    these counts without reading every line's reasons; it reads the full body of the bodies that serve the
    municipality only (their counts take their general records' in)."""

    kind = "derived:tally"

    def compute(self, read: Reader, keys: Collection[str]) -> dict[str, dict[str, Any]]:
        bodies: dict[str, dict[str, Any]] = {key: {} for key in keys}
        for name, statuses in VIEWS.items():
            for org, values in doing(read, keys, list(statuses)).items():
                bodies[org][name] = self.count(values)
        return bodies

    def count(self, done: dict[str, list[Any]]) -> dict[str, Any]:
        """A `doing` body counted."""
        return {"programmes": len(done.get("programmes", [])), "reasons": sum(map(len, target_lists(done)))}


class TargetTallyFamily(TallyFamily):
    """How many of each organisation's own reasons name each target, per view: {target id: count}. Kept apart
    from `TallyFamily` (a national line names dozens of targets): read only when a target is wanted, and by the
    brief for the factors of the lines."""

    kind = "derived:tally-targets"

    def count(self, done: dict[str, list[Any]]) -> dict[str, Any]:
        targets: dict[str, int] = defaultdict(int)
        for found in target_lists(done):
            for target in found:
                targets[target] += 1
        return dict(sorted(targets.items()))


def target_lists(done: dict[str, list[Any]]) -> list[list[str]]:
    """The targets of each of a `doing` body's reasons (a target once per link to it)."""
    return [found for _, _, found in done.get("reasons", [])]


REACH = ReachFamily()
DOING = DoingFamily()
TALLY = TallyFamily()
TARGET_TALLY = TargetTallyFamily()
FAMILIES += [REACH, DOING, TALLY, TARGET_TALLY]


def stored(store: GraphStore, kind: str, keys: Collection[str], name: str | None) -> dict[str, dict[str, Any]]:
    """The view `name` of the stored bodies of these keys that have one (none when `name` is None: statuses no
    view answers); a key without a stored entry is left out, for the caller to derive itself. A body without
    the view is given as {} (nothing there for those statuses)."""
    if name is None or not keys:
        return {}
    return {key: body.get(name, {}) for key, body in read_derived(store, kind, keys).items()}
