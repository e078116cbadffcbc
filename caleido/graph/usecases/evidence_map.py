"""The policymaker's evidence-and-gap map: which interventions cover which factors (or themes), with the
findings that bear on each link, and where the gaps are. The databases filter and count; the map comes a
page of interventions at a time."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from caleido.graph import queries
from caleido.graph.derived.core import read_derived
from caleido.graph.derived.evidence import AREAS, CELLS, TARGETS, area_programmes
from caleido.graph.derived.reach import regions_above, view
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import (
    ACCEPTED,
    ALL,
    NotFound,
    Statuses,
    allowed_statuses,
    claim_fields,
    grade_rank,
    label_fields,
    stored_links,
)
from caleido.graph.usecases.map_measures import recognised_interventions
from caleido.graph.usecases.reach import POLICY_ACTORS
from caleido.graph.usecases.results import (
    Cell,
    CellLink,
    CellSummary,
    Claim,
    Coverage,
    CoverageCell,
    CoverageColumn,
    CoverageRow,
    Direction,
    Effect,
    FindingDetail,
    FindingSource,
    GapCounts,
    GapItem,
    Gaps,
    GapType,
    Labelled,
    NodeLabel,
    TargetCell,
    TargetEvidence,
    TypedGap,
    UnevidencedLink,
)
from caleido.ontology.model import load_ontology

FACTOR_RELS = {"ADDRESSES": "RiskFactor", "STRENGTHENS": "ProtectiveFactor"}


# ---------------------------------------------------------------- evidence per cell


class Evidence:
    """Findings that bear on an intervention and on a target, by (intervention, target): the evidence for the
    link between them. Rows come from the `cell_evidence` query, whose statuses decide what counts."""

    def __init__(self, found: dict[tuple[str, str], dict[str, dict[str, Any]]]):
        self.found = found

    @classmethod
    def read(
        cls, store: GraphStore, interventions: Collection[str], classes: Iterable[str], statuses: Statuses
    ) -> Evidence:
        """The evidence on the links of these interventions to targets of these classes."""
        return cls.of(read_derived(store, CELLS.kind, interventions), classes, statuses)

    @classmethod
    def of(cls, bodies: dict[str, dict[str, Any]], classes: Iterable[str], statuses: Statuses) -> Evidence:
        """The evidence in these interventions' derived entries (caleido.graph.derived.evidence) on their links
        to targets of these classes: a finding counts when its own status and both its links' are allowed."""
        wanted, counted = set(classes), set(statuses)
        found: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
        for intervention, body in bodies.items():
            for target, cell in body["evidence"].items():
                if cell["class"] not in wanted:
                    continue
                for finding, (direction, grade, _, *three) in cell["findings"].items():
                    if counted.issuperset(three):
                        found[(intervention, target)][finding] = {"direction": direction, "grade": grade}
        return cls(found)

    def cell(self, intervention: str, target: str) -> CellSummary:
        return summarise(self.found.get((intervention, target), {}))


def summarise(found: dict[str, dict[str, Any]]) -> CellSummary:
    """What findings (rows by id, each with its `direction` and `grade`) say together: the one count the map's
    cells, its columns and the gap lists all use."""
    ids = sorted(found)
    counts = {"supports": 0, "contradicts": 0, "mixed": 0}
    best = None
    for finding in ids:
        row = found[finding]
        counts[row["direction"] or "mixed"] += 1
        if best is None or grade_rank(row["grade"]) > grade_rank(best):
            best = row["grade"]
    net = counts["supports"] - counts["contradicts"]
    direction = None if not ids else "supports" if net > 0 else "contradicts" if net < 0 else "mixed"
    return CellSummary(findings=len(ids), **counts, net_direction=direction, best_grade=best, finding_ids=ids)


class TargetFindings:
    """Findings that bear on factors or themes themselves, by target: the research on each column. A finding on
    an intervention's link to a factor bears on the factor too (it has its own EVIDENCE_FOR to it), so these
    include the cells' findings. Rows come from `TARGET_EVIDENCE`, whose statuses decide what counts."""

    def __init__(
        self, store: GraphStore, classes: Iterable[str], statuses: Statuses, targets: Collection[str] | None = None
    ):
        """From the derived entries of the targets (of these when given) of these classes."""
        self.found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.records: dict[str, dict[str, Any]] = {}
        wanted, counted = set(classes), set(statuses)
        for target, body in read_derived(store, TARGETS.kind, targets).items():
            if body.get("class") not in wanted or body["status"] not in counted:
                continue
            for finding, row in body["findings"].items():
                if {row["finding_status"], row["target_link"]} <= counted:
                    self.found[target][finding] = {"direction": row["direction"], "grade": row["record"]["grade"]}
                    self.records[finding] = {"id": finding, **row["record"]}

    def summary(self, target: str) -> TargetEvidence:
        found = self.found.get(target, {})
        effects = [_effect(self.records[f], found[f]["direction"]) for f in sorted(found)]
        sources = {self.records[f].get("source") for f in found} - {None}
        return TargetEvidence(target=target, sources=len(sources), effects=effects, **dict(summarise(found)))


def _effect(record: dict[str, Any], direction: Direction | None) -> Effect:
    fields = ("effect_size", "effect_measure", "n_studies", "ci_lower", "ci_upper", "outcome", "country", "grade")
    return Effect(finding=record["id"], direction=direction, **{f: record.get(f) for f in fields})


# ---------------------------------------------------------------- coverage

COVERAGE_AXES = {"factors": ("RiskFactor", "ProtectiveFactor"), "themes": ("ProgrammeTheme",)}


def coverage_rows(
    store: GraphStore, *, domain: str | None = None, level: str | None = None, include_proposed: bool = False
) -> list[CoverageRow]:
    """Every intervention the map has a row for, by id, with its labels, terms and themes (no cells)."""
    return _intervention_rows(store, allowed_statuses(include_proposed), domain, level)


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
) -> list[CoverageRow]:
    """Rows of the map, `limit` from `offset` by id, with their themes."""
    page = {"offset": offset, "limit": ALL if limit is None else limit}
    rows = store.read(queries.INTERVENTION_ROWS, **_row_filters(statuses, domain, level), **page)
    whole = offset == 0 and limit is None
    ids = {"only_ids": not whole, "ids": [r["id"] for r in rows] or [""]}
    themes = {
        row["intervention"]: sorted(row["themes"])
        for row in store.read(queries.INTERVENTION_THEMES, statuses=statuses, **ids)
    }
    return [
        CoverageRow(
            **label_fields(row),
            domains=sorted(row["domains"] or []),
            levels=sorted(row["levels"] or []),
            intervention_type=row["intervention_type"],
            themes=themes.get(row["id"], []),
        )
        for row in rows
    ]


def coverage(
    store: GraphStore,
    *,
    axis: Literal["factors", "themes"] = "factors",
    dimension: str | None = None,
    cluster: str | None = None,
    domain: str | None = None,
    level: str | None = None,
    include_proposed: bool = False,
    offset: int = 0,
    limit: int | None = None,
    rows: list[CoverageRow] | None = None,
) -> Coverage:
    """Interventions x factors (or themes): per linked cell the findings, net direction and best grade.
    Rows come `limit` at a time from `offset`, in id order or in the order of `rows` (coverage_rows'
    result, reordered by the caller); only the cells of those rows are computed."""
    if axis not in COVERAGE_AXES:
        raise ValueError("axis is 'factors' or 'themes'")
    statuses = allowed_statuses(include_proposed)
    if rows is None:  # in id order: the database pages them
        filters = _row_filters(statuses, domain, level)
        total = store.read(queries.INTERVENTION_COUNT, **filters)[0]["interventions"]
        # Ladybug 0.22 crashes the process on a SKIP past the last row, so a page past the end is not asked for.
        shown = _intervention_rows(store, statuses, domain, level, offset, limit) if offset < total else []
    else:
        shown, total = rows[offset : None if limit is None else offset + limit], len(rows)
    targets = _coverage_columns(store, COVERAGE_AXES[axis], statuses, dimension, cluster)
    ids = [r.id for r in shown]
    evidence = Evidence.read(store, ids, COVERAGE_AXES[axis], statuses)
    cells = [
        CoverageCell(
            intervention=link["intervention"],
            target=link["target"],
            rel=link["rel"],
            status=link["status"],
            **dict(evidence.cell(link["intervention"], link["target"])),
        )
        for link in store.read(queries.TARGET_LINKS_OF, ids=ids, statuses=statuses)
        if link["target"] in targets
    ]
    cells.sort(key=lambda c: (c.intervention, c.target, c.rel))
    research = TargetFindings(store, COVERAGE_AXES[axis], statuses, sorted(targets))  # the columns' only
    column_evidence = [research.summary(t) for t in sorted(targets) if t in research.found]
    return Coverage(
        axis=axis,
        statuses=list(statuses),
        total_rows=total,
        offset=offset,
        limit=limit,
        rows=shown,
        columns=[targets[t] for t in sorted(targets, key=lambda t: (targets[t].class_, t))],
        cells=cells,
        column_evidence=column_evidence,
    )


def _coverage_columns(
    store: GraphStore, classes: Iterable[str], statuses: Statuses, dimension: str | None, cluster: str | None
) -> dict[str, CoverageColumn]:
    targets: dict[str, CoverageColumn] = {}
    for cls in classes:
        for row in store.read(queries.TARGET_COLUMNS.on(cls), statuses=statuses):
            row_dimension = row.get("dimension") or load_ontology().classes[cls].dimension
            clusters = sorted(row.get("clusters") or [])
            if dimension is not None and row_dimension != dimension:
                continue
            if cluster is not None and cluster not in clusters:
                continue
            targets[row["id"]] = CoverageColumn(
                **label_fields(row), class_=cls, dimension=row_dimension, clusters=clusters
            )
    return targets


def cell(store: GraphStore, intervention: str, target: str, *, include_proposed: bool = False) -> Cell:
    """One cell of the evidence-and-gap map: the link(s) between an intervention and a factor or theme, and
    each finding that bears on both, with its direction, grade and the sources it is reported in."""
    statuses = allowed_statuses(include_proposed)
    found = store.find_classes([intervention, target])
    if found.get(intervention) != "Intervention":
        raise NotFound(f"no intervention with id {intervention!r}").worded("error.node.unknown", id=intervention)
    if target not in found:
        raise NotFound(f"no factor or theme with id {target!r}").worded("error.target.unknown", id=target)
    rows = [
        {"start": r["intervention"], "rel": r["rel"], "end": r["target"]}
        for r in store.read(queries.TARGET_LINKS_OF, ids=[intervention], statuses=statuses)
        if r["target"] == target
    ]
    stored = stored_links(store, rows)
    links = [CellLink(rel=r["rel"], **claim_fields(stored[r["rel"]][(r["start"], r["end"])], note=True)) for r in rows]
    summary = Evidence.read(store, [intervention], [found[target]], statuses).cell(intervention, target)
    return Cell(
        intervention=intervention,
        target=target,
        statuses=list(statuses),
        links=sorted(links, key=lambda link: link.rel),
        **dict(summary),
        finding_details=_finding_details(store, summary.finding_ids, target),
    )


TARGET_CLASSES = (*FACTOR_RELS.values(), "ProgrammeTheme")


def target_cell(store: GraphStore, target: str, *, include_proposed: bool = False) -> TargetCell:
    """The research on one factor or theme, as the map's column shows it: what its findings say together (effect
    sizes with measure, k and interval, direction, outcome, sources), and each finding with its passage."""
    statuses = allowed_statuses(include_proposed)
    cls = store.find_classes([target]).get(target)
    if cls not in TARGET_CLASSES:
        raise NotFound(f"no factor or theme with id {target!r}").worded("error.target.unknown", id=target)
    summary = TargetFindings(store, [cls], statuses, [target]).summary(target)
    details = _finding_details(store, summary.finding_ids, target)
    return TargetCell(**dict(summary), statuses=list(statuses), finding_details=details)


def _finding_details(store: GraphStore, finding_ids: list[str], target: str) -> list[FindingDetail]:
    """Each finding with its direction on the target and the passages it rests on (its own and its sources')."""
    findings = store.fetch_nodes("Finding", finding_ids)
    on_target = store.fetch_links("EVIDENCE_FOR", [(f, target) for f in finding_ids])
    reported = [r for r in store.read(queries.OUTGOING, ids=finding_ids) if r["rel"] == "REPORTED_IN"]
    sources = store.fetch_nodes("Source", {r["end"] for r in reported})
    places = store.fetch_links("REPORTED_IN", [(r["start"], r["end"]) for r in reported])
    details = []
    for finding_id in finding_ids:
        row, link = findings[finding_id], on_target[(finding_id, target)]
        details.append(
            FindingDetail(
                **label_fields(row),
                grade=row["grade"],
                status=row["status"],
                direction=link["direction"],
                effect_size=row.get("effect_size"),
                effect_measure=row.get("effect_measure"),
                n_studies=row.get("n_studies"),
                ci_lower=row.get("ci_lower"),
                ci_upper=row.get("ci_upper"),
                outcome=row.get("outcome"),
                country=row.get("country"),
                source=row.get("source"),
                locator=row.get("locator"),
                quote=row.get("quote"),
                citations=row.get("citations"),
                gloss=row.get("gloss"),
                evidence_link=Claim(**claim_fields(link, note=True)),
                sources=[
                    FindingSource(
                        **label_fields(sources[r["end"]]),
                        citation=sources[r["end"]].get("citation"),
                        url=sources[r["end"]].get("url"),
                        locator=places.get((finding_id, r["end"]), {}).get("locator"),
                        quote=places.get((finding_id, r["end"]), {}).get("quote"),
                    )
                    for r in sorted(reported, key=lambda r: r["end"])
                    if r["start"] == finding_id and r["end"] in sources
                ],
            )
        )
    return details


# ---------------------------------------------------------------- gaps


def gaps(store: GraphStore, *, include_proposed: bool = False, offset: int = 0, limit: int | None = None) -> Gaps:
    """Factors no intervention addresses or strengthens, intervention-factor links no accepted finding bears on
    (`limit` of them from `offset`, by intervention and factor), themes grounded in no value; and their counts."""
    statuses = allowed_statuses(include_proposed)
    typed, shown = _typed_gaps(store, statuses)
    # Under the accepted statuses (the default) the map's evidence is the accepted evidence: read once.
    same = set(statuses) == set(ACCEPTED)
    accepted = shown.evidence if same else Evidence.of(shown.bodies, FACTOR_RELS.values(), ACCEPTED)
    # The same rows and columns as the map's: a link of an intervention the map has no row for (a proposed one,
    # by default) is no gap of the map's, and a factor only such an intervention addresses is unaddressed there.
    unaddressed = {g.id for g in typed[0].items}
    factors = [
        NodeLabel(id=c.id, label_nl=c.label_nl, label_en=c.label_en, class_=c.class_)
        for c in shown.columns.values()
        if c.id in unaddressed
    ]
    unevidenced = sorted(
        (link["intervention"], link["target"], link["rel"])
        for link in shown.links
        if (link["intervention"], link["target"]) not in accepted.found
    )
    page = unevidenced[offset : None if limit is None else offset + limit]  # only the page is built
    themes = [Labelled(**label_fields(row)) for row in store.read(queries.UNGROUNDED, statuses=statuses)]
    factors.sort(key=lambda f: (f.class_, f.id))
    themes.sort(key=lambda t: t.id)
    return Gaps(
        typed=typed,
        weak_below=WEAK_BELOW,
        statuses=list(statuses),
        factors_without_intervention=factors,
        links_without_accepted_evidence=[UnevidencedLink(intervention=i, rel=r, target=t) for i, t, r in page],
        themes_without_value=themes,
        counts=GapCounts(
            factors_without_intervention=len(factors),
            links_without_accepted_evidence=len(unevidenced),
            themes_without_value=len(themes),
        ),
        offset=offset,
        limit=limit,
    )


# ---------------------------------------------------------------- typed gaps

# A link's evidence is weak when every finding on it grades below this: below "first indications of
# effectiveness", no finding says the programme works (well described or well founded says how it should).
WEAK_BELOW = "effective-first"
HOME_COUNTRY = "NL"


@dataclass
class _Shown:
    """The rows (intervention ids) and factor columns the whole map shows under some statuses."""

    rows: set[str]
    columns: dict[str, CoverageColumn]
    links: list[dict[str, Any]]  # the rows' links to the columns (ADDRESSES, STRENGTHENS) under the statuses
    bodies: dict[str, dict[str, Any]]  # the rows' derived evidence entries
    evidence: Evidence  # the evidence in them on the links to factors, under the statuses


def _typed_gaps(store: GraphStore, statuses: Statuses) -> tuple[list[TypedGap], _Shown]:
    """Each kind of gap (factors without any intervention first), counted from the map's own rows, columns, links
    and findings (the same statuses and the same `summarise`), so that a gap here is an empty or weak cell or
    column there; and those rows and columns."""
    # The map's rows by id only: their themes and labels are no gap's.
    rows = store.read(queries.INTERVENTION_ROWS, **_row_filters(statuses, None, None), offset=0, limit=ALL)
    ids = [r["id"] for r in rows]
    factor_classes = tuple(FACTOR_RELS.values())
    columns = _coverage_columns(store, factor_classes, statuses, None, None)
    bodies = read_derived(store, CELLS.kind, ids)
    links = [
        {"intervention": intervention, "rel": rel, "target": target}
        for intervention, body in bodies.items()
        for rel, target, status in body["links"]
        if status in statuses and rel in FACTOR_RELS and target in columns
    ]
    on_links = Evidence.of(bodies, factor_classes, statuses)
    research = TargetFindings(store, factor_classes, statuses)
    evaluated = {r["intervention"] for r in store.read(queries.INTERVENTION_GRADES, statuses=statuses)}
    addressed = {link["target"] for link in links}
    weak, indirect, foreign = [], [], []
    for link in links:
        item = GapItem(id=link["intervention"], rel=link["rel"], target=link["target"])
        found = on_links.cell(link["intervention"], link["target"])
        if not found.findings:
            if research.found.get(link["target"]):  # the count alone: no effects built
                indirect.append(item)  # research on the factor, none on the programme acting on it
            continue
        records = [research.records[f] for f in found.finding_ids]
        if all(grade_rank(r.get("grade")) < grade_rank(WEAK_BELOW) for r in records):
            weak.append(item)
        countries = [r.get("country") for r in records]
        if all(countries) and HOME_COUNTRY not in countries:
            foreign.append(item)
    found_gaps: dict[GapType, list[GapItem]] = {
        "factors_without_intervention": [GapItem(id=t) for t in columns if t not in addressed],
        "interventions_never_evaluated": [GapItem(id=i) for i in ids if i not in evaluated],
        "links_weak_evidence_only": weak,
        "links_indirect_evidence_only": indirect,
        "links_foreign_evidence_only": foreign,
        "factors_without_findings": [GapItem(id=t) for t in columns if not research.found.get(t)],
        "recognised_not_delivered": _not_delivered(store, set(ids), statuses),
    }
    typed = [
        TypedGap(type=kind, count=len(items), items=sorted(items, key=lambda g: (g.id, g.target or "", g.rel or "")))
        for kind, items in found_gaps.items()
    ]
    return typed, _Shown(set(ids), columns, links, bodies, on_links)


def _not_delivered(store: GraphStore, shown: set[str], statuses: Statuses) -> list[GapItem]:
    """Recognised interventions (the map of the Netherlands' notion) with the municipalities no serving body
    delivers them in: map_measure("recognised") counted from the regions' side, so that no municipality's bodies
    are listed (a body serves a municipality through a region the municipality is or lies in, as in
    caleido.graph.derived.reach.serving)."""
    recognised = recognised_interventions(store, list(statuses)) & shown
    if not recognised:
        return []
    everywhere = [row["id"] for row in store.read(queries.MUNICIPALITY_KEYS)]
    above = regions_above(store.read, everywhere, list(statuses))
    in_region: dict[str, set[str]] = defaultdict(set)  # region -> the recognised interventions bodies there do
    for region, kinds in _area_programmes(
        store, {*everywhere, *(r for found in above.values() for r in found)}, statuses
    ):
        for kind, programmes in kinds:
            if kind not in POLICY_ACTORS:
                in_region[region] |= recognised.intersection(programmes)
    # Municipalities in the same regions share what those regions' bodies deliver: counted once per group.
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for municipality, regions in above.items():
        groups[frozenset(regions)].append(municipality)
    delivered: Counter[str] = Counter()
    for lying_in, municipalities in groups.items():
        shared = set().union(*(in_region[r] for r in lying_in))
        for intervention in shared:
            delivered[intervention] += len(municipalities)
        for municipality in municipalities:
            delivered.update(in_region[municipality] - shared)
    return [
        GapItem(id=i, not_delivered_in=len(everywhere) - delivered[i])
        for i in sorted(recognised)
        if everywhere and delivered[i] < len(everywhere)
    ]


def _area_programmes(
    store: GraphStore, regions: Collection[str], statuses: Statuses
) -> Iterable[tuple[str, list[list[Any]]]]:
    """What the bodies with a service area in each region do, by type of body: from the derived entries where
    they are stored (caleido.graph.derived.evidence.AREAS), derived otherwise."""
    name = view(statuses)
    kept = (
        {} if name is None else {r: body.get(name, []) for r, body in read_derived(store, AREAS.kind, regions).items()}
    )
    yield from kept.items()
    missing = set(regions) - set(kept)
    yield from area_programmes(store.read, missing, statuses).items()
