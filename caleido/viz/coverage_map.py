"""The evidence-and-gap map as a grid: interventions in rows grouped by programme theme, factors (or themes)
in columns grouped by cluster; a linked cell is a bubble sized by its findings and coloured by their net
direction, an empty cell is a gap. Input is caleido.graph.usecases.coverage's result; the grid is an HTML
table, so it reads with a screen reader and a keyboard as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from caleido.graph.usecases.results import (
    Cell,
    CellSummary,
    Coverage,
    CoverageCell,
    CoverageColumn,
    CoverageRow,
    Effect,
    FindingDetail,
    GapItem,
    Gaps,
    GradeCrosswalk,
    Labelled,
    TargetCell,
    TargetEvidence,
)
from caleido.viz.claims import cited_sources, claim_view, gloss_note
from caleido.viz.i18n import Lang, counted, labelled, rel_label, term_label, text
from caleido.viz.network import explore_href
from caleido.viz.palette import DIRECTION_COLOURS

NO_FINDINGS_COLOUR = "#ffffff"
ROWS_PER_PAGE = 40  # interventions per page: 40 rows x ~400 factor columns is still a page a browser draws at once
GAPS_SHOWN = 100  # unevidenced links listed under the map; the count above the list is of all of them
LARGEST_BUBBLE = 4  # size classes size-0 .. size-4 in caleido.css
GRADES = "EvidenceGradeScheme"
Labels = Mapping[str, Labelled]  # labels of the ids a view names (caleido.graph.usecases.labels)


def page_count(rows: int, per_page: int = ROWS_PER_PAGE) -> int:
    """How many pages the map has for this many rows (at least one, also when it is empty)."""
    return max(1, -(-rows // per_page))


def map_order(rows: list[CoverageRow], theme_labels: Labels, lang: Lang) -> list[CoverageRow]:
    """The map's rows (caleido.graph.usecases.coverage_rows) in the order the map shows them: grouped under
    their first theme (by label), those without a theme last, by label within a group."""
    return [row for _, group in _row_groups(rows, theme_labels, lang) for row in group]


def coverage_map(
    result: Coverage,
    theme_labels: Labels,
    lang: Lang,
    cell_href: Callable[[str, str], str],
    *,
    per_page: int = ROWS_PER_PAGE,
    factor_href: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """`cell_href(intervention, target)` gives the link that opens a cell (the page keeps its filters), and
    `factor_href(target)` the one that opens a column's research.
    `result` is one page of rows in map order (coverage(..., rows=map_order(...), offset=, limit=per_page))."""
    column_groups = _column_groups(result.columns, lang)
    columns = [c for _, group in column_groups for c in group]
    research = {e.target: e for e in result.column_evidence}
    cells = {(c.intervention, c.target): c for c in result.cells}
    grouped: dict[str, list[CoverageRow]] = {}
    for row in result.rows:
        grouped.setdefault(_theme_of(row, theme_labels, lang) or text(lang, "theme.none"), []).append(row)
    row_groups = [
        {
            "label": theme,
            "rows": [
                {
                    "id": row.id,
                    "label": labelled(row, lang),
                    "href": explore_href(row.id, lang),
                    "cells": [
                        _cell(row, column, cells.get((row.id, column.id)), lang, cell_href) for column in columns
                    ],
                }
                for row in rows
            ],
        }
        for theme, rows in grouped.items()
    ]
    total = result.total_rows
    return {
        "column_groups": [{"label": label, "span": len(group)} for label, group in column_groups],
        "columns": [
            {
                "id": c.id,
                "label": labelled(c, lang),
                "href": explore_href(c.id, lang),
                "research": _research(research.get(c.id), labelled(c, lang), lang, factor_href),
            }
            for c in columns
        ],
        "with_research": sum(1 for c in columns if c.id in research),
        "row_groups": row_groups,
        "page": {
            "number": result.offset // per_page,
            "pages": page_count(total, per_page),
            "first_row": result.offset + 1,
            "last_row": result.offset + len(result.rows),
        },
        "counts": {
            "rows": total,
            "columns": len(columns),
            "cells": total * len(columns),
            "linked": len(cells),  # of the rows on this page
            "with_findings": sum(1 for c in cells.values() if c.findings),
        },
        "legend": [{"label": text(lang, f"net.{d}"), "colour": colour} for d, colour in DIRECTION_COLOURS.items()]
        + [{"label": text(lang, "net.none"), "colour": NO_FINDINGS_COLOUR}],
    }


def _column_groups(columns: list[CoverageColumn], lang: Lang) -> list[tuple[str, list[CoverageColumn]]]:
    """Risk factors by their first cluster (individual ones first), then protective factors, then themes."""
    groups: dict[tuple[int, str], list[CoverageColumn]] = defaultdict(list)
    for column in columns:
        if column.class_ == "RiskFactor":
            cluster = column.clusters[0] if column.clusters else None
            label = term_label("ClusterScheme", cluster, lang) if cluster else text(lang, "cluster.none")
            rank = 0 if column.dimension == "individual" else 1
        else:
            label = term_label("DimensionScheme", column.dimension, lang) if column.dimension else column.class_
            rank = 2 if column.class_ == "ProtectiveFactor" else 3
        groups[(rank, label)].append(column)
    return [
        (label, sorted(group, key=lambda c: labelled(c, lang).casefold()))
        for (_, label), group in sorted(groups.items())
    ]


def _theme_of(row: CoverageRow, theme_labels: Labels, lang: Lang) -> str:
    """The label of the row's first theme, or "" when it has none the labels know."""
    theme = row.themes[0] if row.themes else ""
    return labelled(theme_labels[theme], lang) if theme in theme_labels else ""


def _row_groups(rows: list[CoverageRow], theme_labels: Labels, lang: Lang) -> list[tuple[str, list[CoverageRow]]]:
    """Interventions under their first theme (by label); those without a theme last."""
    groups: dict[str, list[CoverageRow]] = defaultdict(list)
    for row in rows:
        groups[_theme_of(row, theme_labels, lang)].append(row)
    ordered = sorted((label, group) for label, group in groups.items() if label)
    if "" in groups:
        ordered.append((text(lang, "theme.none"), groups[""]))
    return [(label, sorted(group, key=lambda r: labelled(r, lang).casefold())) for label, group in ordered]


def _cell(
    row: CoverageRow,
    column: CoverageColumn,
    cell: CoverageCell | None,
    lang: Lang,
    cell_href: Callable[[str, str], str],
) -> dict[str, Any]:
    where = f"{labelled(row, lang)} × {labelled(column, lang)}"
    if cell is None:
        return {"gap": True, "title": f"{where}: {text(lang, 'cell.gap')}"}
    direction = cell.net_direction
    summary = (
        f"{counted(cell.findings, 'findings.count', lang)}, {text(lang, f'net.{direction}')}"
        if direction
        else text(lang, "cell.nofindings")
    )
    return {
        "gap": False,
        "findings": cell.findings,
        "size": min(cell.findings, LARGEST_BUBBLE),
        "colour": DIRECTION_COLOURS[direction] if direction else NO_FINDINGS_COLOUR,
        "direction": direction or "none",
        "title": f"{where}: {summary}",
        "href": cell_href(row.id, column.id),
        "proposed": cell.status != "accepted",
    }


def _research(
    evidence: TargetEvidence | None, label: str, lang: Lang, factor_href: Callable[[str], str] | None
) -> dict[str, Any]:
    """A column's research under its name: how many findings and sources, their net direction, and the effect
    sizes in the tooltip; a link opens the findings with their quotes."""
    if evidence is None:
        return {"findings": 0, "title": f"{label}: {text(lang, 'research.none')}"}
    summary = research_summary(evidence, lang)
    effects = "; ".join(e for e in (effect_text(x, lang) for x in evidence.effects) if e)
    direction = evidence.net_direction
    return {
        "findings": evidence.findings,
        "colour": DIRECTION_COLOURS[direction] if direction else NO_FINDINGS_COLOUR,
        "direction": direction or "none",
        "title": f"{label}: {summary}" + (f" ({effects})" if effects else ""),
        "href": factor_href(evidence.target) if factor_href else None,
    }


def research_summary(evidence: CellSummary | TargetEvidence, lang: Lang) -> str:
    """'3 bevindingen · 2 bronnen · per saldo ondersteunend'."""
    parts = [counted(evidence.findings, "research.finding", lang)]
    if isinstance(evidence, TargetEvidence):
        parts.append(counted(evidence.sources, "research.source", lang))
    if evidence.net_direction:
        parts.append(text(lang, f"net.{evidence.net_direction}"))
    return " · ".join(parts)


def effect_text(effect: Effect | FindingDetail, lang: Lang) -> str:
    """'r = 0.24, k = 10, BI 0.1–0.3, combined': an effect size as reviewers write it; "" without one."""
    if effect.effect_size is None:
        return ""
    parts = [f"{effect.effect_measure or ''} = {effect.effect_size:g}".strip()]
    if effect.n_studies is not None:
        parts.append(f"k = {effect.n_studies}")
    if effect.ci_lower is not None and effect.ci_upper is not None:
        parts.append(f"{text(lang, 'research.ci')} {effect.ci_lower:g}–{effect.ci_upper:g}")
    if effect.outcome:
        parts.append(effect.outcome)
    return ", ".join(parts)


def grade_equivalents(grade: str | None, crosswalk: GradeCrosswalk, lang: Lang) -> list[dict[str, Any]]:
    """The levels of other scales a source maps this Dutch recognition level to (either way round), with the
    scale, the kind of match and the sources the mapping rests on (GET /api/v1/vocabularies/grades)."""
    if not grade:
        return []
    scales = {scale.scheme: scale for scale in crosswalk.scales}
    found = []
    for mapping in crosswalk.mappings:
        if (mapping.from_scheme, mapping.from_level) == (GRADES, grade):
            scheme, level = mapping.to_scheme, mapping.to_level
        elif (mapping.to_scheme, mapping.to_level) == (GRADES, grade):
            scheme, level = mapping.from_scheme, mapping.from_level
        else:
            continue
        scale = scales.get(scheme)
        levels = {lv.notation: lv for lv in scale.levels} if scale else {}
        found.append(
            {
                "scale": labelled({"label_nl": scale.label_nl, "label_en": scale.label_en, "id": scheme}, lang)
                if scale
                else scheme,
                "level": labelled(levels[level], lang) if level in levels else level,
                "relation": mapping.relation,
                "note": mapping.note,
                "sources": mapping.sources,
            }
        )
    return found


def _name(node_id: str, labels: Labels, lang: Lang) -> str:
    return labelled(labels[node_id], lang) if node_id in labels else node_id


def gap_lists(gaps: Gaps, labels: Labels, lang: Lang) -> dict[str, Any]:
    """The gaps use case's lists with labels in the language and links to the explorer."""

    def named(item: Labelled) -> dict[str, Any]:
        return {"id": item.id, "label": labelled(item, lang), "href": explore_href(item.id, lang)}

    return {
        "counts": gaps.counts,
        "factors_without_intervention": [named(f) for f in gaps.factors_without_intervention],
        "themes_without_value": [named(t) for t in gaps.themes_without_value],
        "links_without_accepted_evidence": [
            {
                "intervention": _name(link.intervention, labels, lang),
                "target": _name(link.target, labels, lang),
                "href": explore_href(link.intervention, lang),
            }
            for link in gaps.links_without_accepted_evidence
        ],
    }


def typed_gap_lists(gaps: Gaps, labels: Labels, lang: Lang) -> list[dict[str, Any]]:
    """Each type of gap with its count and its items named in the language, linked to the explorer."""

    def item(gap: GapItem) -> dict[str, Any]:
        label = _name(gap.id, labels, lang)
        if gap.target:
            label = f"{label} × {_name(gap.target, labels, lang)}"
        if gap.not_delivered_in is not None:
            label = f"{label}: {counted(gap.not_delivered_in, 'gaps.municipality', lang)}"
        return {"label": label, "href": explore_href(gap.id, lang)}

    return [
        {
            "type": gap.type,
            "label": text(lang, f"gaps.type.{gap.type}"),
            "note": f"{text(lang, 'gaps.weak_below')} {term_label(GRADES, gaps.weak_below, lang)}"
            if gap.type == "links_weak_evidence_only"
            else "",
            "count": gap.count,
            "entries": [item(i) for i in gap.items[:GAPS_SHOWN]],
        }
        for gap in gaps.typed
    ]


def gap_ids(gaps: Gaps) -> set[str]:
    """The ids the typed gaps name (whose labels their lists show)."""
    return {i for gap in gaps.typed for item in gap.items[:GAPS_SHOWN] for i in (item.id, item.target) if i}


def factor_detail(cell: TargetCell, labels: Labels, lang: Lang, crosswalk: GradeCrosswalk) -> dict[str, Any]:
    """The research on one factor: what its findings say together, and each finding with its quote."""
    return {
        "target": _name(cell.target, labels, lang),
        "summary": research_summary(cell, lang),
        "best_grade": term_label(GRADES, cell.best_grade, lang) if cell.best_grade else None,
        "best_grade_equivalents": grade_equivalents(cell.best_grade, crosswalk, lang),
        "finding_details": [_finding_view(f, labels, lang, crosswalk) for f in cell.finding_details],
    }


def cell_detail(cell: Cell, labels: Labels, lang: Lang, crosswalk: GradeCrosswalk | None = None) -> dict[str, Any]:
    """A cell's findings with labels in the language and links to the explorer."""
    return {
        "findings": cell.findings,
        "supports": cell.supports,
        "contradicts": cell.contradicts,
        "mixed": cell.mixed,
        "net_direction": text(lang, f"net.{cell.net_direction or 'none'}"),
        "best_grade": term_label("EvidenceGradeScheme", cell.best_grade, lang) if cell.best_grade else None,
        "links": [
            {
                "rel": rel_label(link.rel, lang),
                "status": term_label("ReviewStatusScheme", link.status, lang),
                "claim": claim_view(link, labels, lang),
            }
            for link in cell.links
        ],
        "intervention": _name(cell.intervention, labels, lang),
        "target": _name(cell.target, labels, lang),
        "best_grade_equivalents": grade_equivalents(cell.best_grade, crosswalk, lang) if crosswalk else [],
        "finding_details": [_finding_view(f, labels, lang, crosswalk) for f in cell.finding_details],
    }


def _finding_view(f: FindingDetail, labels: Labels, lang: Lang, crosswalk: GradeCrosswalk | None) -> dict[str, Any]:
    return {
        **f.model_dump(),
        "direction": term_label("DirectionScheme", f.direction, lang) if f.direction else "",
        "effect": effect_text(f, lang),
        "grade": term_label(GRADES, f.grade, lang),
        "grade_equivalents": grade_equivalents(f.grade, crosswalk, lang) if crosswalk else [],
        "status_label": term_label("ReviewStatusScheme", f.status, lang),
        "label": labelled(f, lang),
        "gloss": gloss_note(f.gloss, lang, lang),
        "href": explore_href(f.id, lang),
        "claim": claim_view(f, labels, lang),
        # the link to this cell's factor or theme, when it rests on a passage of its own
        "evidence": claim_view(f.evidence_link, labels, lang) if _own_passage(f) else None,
        "sources": [{**s.model_dump(), "label": labelled(s, lang)} for s in f.sources],
    }


def _own_passage(finding: FindingDetail) -> bool:
    link = finding.evidence_link
    return bool(link.quote or link.citations) and (link.quote, link.locator) != (finding.quote, finding.locator)


def cell_sources(cell: Cell) -> set[str]:
    """The ids of the sources a cell's links and findings cite (whose labels the detail shows)."""
    return cited_sources(*cell.links, *cell.finding_details, *(f.evidence_link for f in cell.finding_details))


def factor_sources(cell: TargetCell) -> set[str]:
    """The ids of the sources a factor's findings cite."""
    return cited_sources(*cell.finding_details, *(f.evidence_link for f in cell.finding_details))
