"""The researcher's evidence workflow: findings with their source, evidence links, CSV import of
many findings, and the curator's review. Every write goes through the same validation as a file
load (pydantic, batch checks, SHACL) and lands in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caleido.errors import InvalidData, Problem
from caleido.graph.store import GraphStore
from caleido.graph.sync import Author, WriteReport, iso, plan_and_write
from caleido.graph.usecases import normalise
from caleido.loaders import review as review_module
from caleido.loaders.csv_format import Table, read_table, write_csv
from caleido.loaders.raw import RawBatch, RawNode
from caleido.loaders.references import SourceIndex, normalise_doi
from caleido.loaders.validate import ValidBatch, validate_batch
from caleido.ontology.records import MAX_INT64, Origin

PROPOSED = "proposed"
REQUIRED_COLUMNS = ("factor_name", "factor_kind", "outcome", "effect_size", "effect_measure")
# A row names its source by its citation, or by the DOI of a source in the store (one imported from a reference
# file, say), or both: the header has at least one of these columns.
SOURCE_COLUMNS = ("source_citation", "source_doi")
# How reviewers code a study (issue 18): each column fills the finding field of the same name; the record model
# checks them (scheme terms, ISO country, the interval around the effect size).
STUDY_TEXT_COLUMNS = ("population", "study_design", "maryland_level", "country", "risk_of_bias")
STUDY_NUMBER_COLUMNS: dict[str, type] = {
    "sample_size": int,
    "ci_lower": float,
    "ci_upper": float,
    "follow_up_months": float,
}
# `quote` is the passage of the source the row's numbers are read in (verbatim), `locator` where it stands there
# ("abstract", "table 2"); without a locator the row is located by the file's name and line.
OPTIONAL_COLUMNS = (
    "quote",
    "locator",
    "n_studies",
    "source_url",
    "intervention",
    "direction",
    "grade",
    "notes",
    *STUDY_TEXT_COLUMNS,
    *STUDY_NUMBER_COLUMNS,
)
COLUMNS = (*REQUIRED_COLUMNS, *SOURCE_COLUMNS, *OPTIONAL_COLUMNS)
FACTOR_CLASSES = {"risk": "RiskFactor", "protective": "ProtectiveFactor"}


def stable_id(prefix: str, *parts: object) -> str:
    """The same content always gets the same id, so submitting it twice adds nothing."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:12]
    return f"{prefix}-{digest}"


SOURCE_LOCATOR = "bibliographic record"


def source_record(citation: str, url: str | None, year: int | None, doi: str | None) -> dict[str, Any]:
    """A Source for a citation; its own provenance is itself: the citation is its evidence."""
    # A citation of punctuation only normalises to "": keep its text, or all such citations share one source.
    source_id = stable_id("src", normalise(citation) or citation)
    doi = (normalise_doi(doi) or doi) if doi else doi  # one form of a DOI, so that lookups by DOI find it
    record: dict[str, Any] = {
        "id": source_id,
        "label": {"en": citation[:500]},
        "source_type": "journal-article",
        "citation": citation,
        "source": source_id,
        "locator": SOURCE_LOCATOR,
        "status": PROPOSED,
    }
    record |= {k: v for k, v in (("url", url), ("year", year), ("doi", doi)) if v not in (None, "")}
    return record


def write(store: GraphStore, raw: RawBatch, agent: str, now: datetime) -> tuple[ValidBatch, WriteReport]:
    """A researcher's write: new records and links land as proposed; a change of a stored one lands in place only
    when it is the researcher's own unreviewed draft, and is otherwise proposed as a revision beside it
    (caleido.graph.sync); the same thing sent again changes nothing."""
    batch = validate_batch(raw, store, agent, now)
    return batch, plan_and_write(store, batch.nodes, batch.links, Author(agent, iso(now), in_place=False))


# ---------------------------------------------------------------- CSV import


@dataclass
class ImportedRow:
    line: int
    status: str  # "created", "updated" (the researcher's own draft), "revised" (a revision proposed) or "unchanged"
    finding: str
    factor: str
    factor_match: str  # "matched" or "proposed"
    intervention: str | None = None
    source: str | None = None  # the source the row's finding is reported in


@dataclass
class ImportReport:
    file: str
    rows: list[ImportedRow] = field(default_factory=list)
    revisions: list[str] = field(default_factory=list)  # the revisions it proposed, for a curator to decide


def template_csv() -> str:
    """The header of an evidence table the import takes (required columns first), written as every CSV is."""
    return write_csv(list(COLUMNS), [])


def _name_index(store: GraphStore, cls: str) -> dict[str, str]:
    """Normalised id, Dutch, English and other labels of the nodes of a class, to their id."""
    names: dict[str, str] = {}
    for row in store.iter_nodes(cls):
        for name in (row["id"], row["label_nl"], row["label_en"], *row["alt_labels"]):
            if name:
                names.setdefault(normalise(name), row["id"])
    return names


def _number(text: str, kind: type, column: str, problems: list[Problem], origin: Origin) -> Any:
    try:
        value = kind(text) if text.strip() else None
    except ValueError:
        problems.append(Problem(origin.file, origin.location, column, f"expected a number, got {text[:40]!r}"))
        return None
    if kind is int and value is not None and abs(value) > MAX_INT64:
        # A larger whole number crashed the store write (a 500) instead of being refused.
        problems.append(Problem(origin.file, origin.location, column, f"the number {text[:40]} is too large"))
        return None
    return value


@dataclass
class EvidenceRow:
    """One row of an evidence CSV with its cells checked: stripped text, numbers, and the source it cites."""

    line: int
    origin: Origin
    cells: dict[str, str]
    kind: str  # a key of FACTOR_CLASSES
    effect: float | None
    n_studies: int | None
    coded: dict[str, Any]  # the study-coding cells given, as the finding's fields take them
    doi: str | None  # the source's DOI, normalised, when the row gives one
    source_id: str = ""  # set when the row's source is found or made (`_resolve_source`)
    source: dict[str, Any] | None = None  # the record of a source the row adds; None for a stored one

    @property
    def locator(self) -> str:
        return self.cells.get("locator") or f"{self.origin.file}, line {self.line}"


def _table(filename: str, text: str) -> Table:
    """The table of an evidence CSV, or InvalidData when it is not CSV, its header is wrong or it has no rows."""
    table = read_table(filename, text)
    missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
    if not any(c in table.header for c in SOURCE_COLUMNS):
        missing.append(" or ".join(SOURCE_COLUMNS))
    unknown = [c for c in table.header if c not in COLUMNS]
    problems = [Problem(filename, "line 1", c, "required column is missing") for c in missing]
    problems += [Problem(filename, "line 1", c, "unknown column") for c in unknown]
    if not table.rows and not problems:
        problems.append(Problem(filename, "", "", "the file has a header but no rows"))
    if problems:
        raise InvalidData(problems)
    return table


def _parse_row(
    filename: str, table: Table, line: int, values: list[str], problems: list[Problem]
) -> EvidenceRow | None:
    """The row's cells checked; None when a problem leaves nothing to build (the problems name it)."""
    origin = Origin(filename, f"line {line}")
    if len(values) > len(table.header):
        problems.append(Problem(filename, origin.location, "", "more cells than the header has columns"))
        return None
    cells = dict.fromkeys(table.header, "") | {k: v.strip() for k, v in zip(table.header, values, strict=False)}
    kind = cells["factor_kind"].lower()
    if kind not in FACTOR_CLASSES:
        problems.append(Problem(filename, origin.location, "factor_kind", "use risk or protective"))
        return None
    if not cells["factor_name"]:
        problems.append(Problem(filename, origin.location, "factor_name", "Field required"))
        return None
    # The number as the finding's id and label take it, whatever the file's decimal sign.
    cells["effect_size"] = table.number(cells["effect_size"])
    effect = _number(cells["effect_size"], float, "effect_size", problems, origin)
    n_studies = _number(cells.get("n_studies", ""), int, "n_studies", problems, origin)
    coded = _study_coding(table, cells, problems, origin)
    doi = None
    if given := cells.get("source_doi", ""):
        doi = normalise_doi(given)
        if doi is None:
            message = f"{given[:80]!r} is not a DOI (a DOI looks like 10.1111/pops.12743)"
            problems.append(Problem(filename, origin.location, "source_doi", message))
            return None
    if not cells.get("source_citation") and doi is None:
        message = "Field required: give source_citation, or the source_doi of a source in the store"
        problems.append(Problem(filename, origin.location, "source_citation", message))
        return None
    return EvidenceRow(line, origin, cells, kind, effect, n_studies, coded, doi)


def _study_coding(table: Table, cells: dict[str, str], problems: list[Problem], origin: Origin) -> dict[str, Any]:
    coded: dict[str, Any] = {c: cells[c] for c in STUDY_TEXT_COLUMNS if cells.get(c)}
    if "country" in coded:
        coded["country"] = coded["country"].upper()  # "nl" is meant as NL
    for column, kind in STUDY_NUMBER_COLUMNS.items():
        value = _number(table.number(cells.get(column, "")), kind, column, problems, origin)
        if value is not None:
            coded[column] = value
    return coded


@dataclass
class _Names:
    """What the rows of one file are matched against: the stored factors (per kind) and interventions by
    normalised name, and the ids of the factors and sources the file adds so far."""

    factors: dict[str, dict[str, str]]
    interventions: dict[str, str]
    known_sources: SourceIndex  # stored sources, and the sources earlier rows add, by DOI
    proposed: set[str] = field(default_factory=set)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)


def _factor(row: EvidenceRow, names: _Names) -> tuple[str, str, list[RawNode]]:
    """The id of the factor a row names, "matched" or "proposed", and the record of a proposed one: a factor
    whose name matches no stored factor of its kind is proposed, by the first row that names it (its source
    and line), so that every row about it gets the same factor."""
    key = normalise(row.cells["factor_name"])
    factor_id = names.factors[row.kind].get(key)
    if factor_id is not None:
        return factor_id, "proposed" if factor_id in names.proposed else "matched", []
    factor_id = stable_id("rf" if row.kind == "risk" else "pf", key)
    names.factors[row.kind][key] = factor_id
    names.proposed.add(factor_id)
    factor: dict[str, Any] = {
        "id": factor_id,
        "label": {"en": row.cells["factor_name"]},
        "source": row.source_id,
        "locator": row.locator,
        "status": PROPOSED,
    }
    if row.kind == "risk":
        factor["dimension"] = "environment"  # the model's risk ring; a curator may move it to the individual
    return factor_id, "proposed", [RawNode(FACTOR_CLASSES[row.kind], factor, row.origin)]


def _resolve_source(row: EvidenceRow, names: _Names, problems: list[Problem]) -> bool:
    """Find or make the row's source: the stored (or earlier added) source with its DOI, else a new source from its
    citation; False, with a problem, when a DOI alone names no known source."""
    if row.doi and (found := names.known_sources.dois.get(row.doi)):
        row.source_id = found
        return True
    citation = row.cells.get("source_citation", "")
    if not citation:
        message = (
            f"no source in the store has the DOI {row.doi}; import its reference (RIS, BibTeX or CSL-JSON) first, "
            "or give source_citation"
        )
        problems.append(Problem(row.origin.file, row.origin.location, "source_doi", message))
        return False
    row.source = source_record(citation, row.cells.get("source_url") or None, None, row.doi)
    row.source_id = row.source["id"]
    if row.doi:
        names.known_sources.add(row.source_id, row.locator, row.doi, (), None)
    return True


def _source(row: EvidenceRow, names: _Names) -> list[RawNode]:
    """The record of a source the row adds, unless an earlier row gave the same one (rows citing one study share
    it); none for a stored source."""
    if row.source is None or names.sources.get(row.source_id) == row.source:
        return []
    names.sources.setdefault(row.source_id, row.source)
    return [RawNode("Source", row.source, row.origin)]


def _finding(row: EvidenceRow, factor_id: str, intervention_id: str | None) -> dict[str, Any]:
    """The finding of a row, with its links: reported in its source, evidence for the factor (and intervention)."""
    cells, source_id = row.cells, row.source_id
    finding_id = stable_id(
        "fnd",
        source_id,
        factor_id,
        normalise(cells["outcome"]),
        cells["effect_size"],
        cells["effect_measure"],
        cells.get("n_studies", ""),
        intervention_id or "",
    )
    direction = cells.get("direction") or "supports"
    label = f"{cells['factor_name']} and {cells['outcome']}: {cells['effect_measure']} = {cells['effect_size']}"
    finding: dict[str, Any] = {
        "id": finding_id,
        "label": {"en": label[:500]},
        "outcome": cells["outcome"] or None,
        "effect_size": row.effect,
        "effect_measure": cells["effect_measure"] or None,
        "n_studies": row.n_studies,
        **row.coded,
        "grade": cells.get("grade") or "not-assessed",
        "source": source_id,
        "locator": row.locator,
        "status": PROPOSED,
    }
    if cells.get("quote"):
        finding["quote"] = cells["quote"]
    if cells.get("notes"):
        finding["definition"] = {"en": cells["notes"]}
    links = [
        {"rel": "reported_in", "to": source_id},
        {"rel": "evidence_for", "to": factor_id, "direction": direction},
    ]
    if intervention_id:
        links.append({"rel": "evidence_for", "to": intervention_id, "direction": direction})
    passage = {"quote": cells["quote"]} if cells.get("quote") else {}
    finding["links"] = [
        {**link, "source": source_id, "locator": row.locator, **passage, "status": PROPOSED} for link in links
    ]
    return finding


def _build_records(
    row: EvidenceRow, names: _Names, problems: list[Problem]
) -> tuple[list[RawNode], ImportedRow] | None:
    """A row's records (its factor when it proposes one, its source when new, its finding) and what the import
    report says of it; None when its source DOI or the intervention it names matches none."""
    if not _resolve_source(row, names, problems):
        return None
    intervention_id = None
    if name := row.cells.get("intervention"):
        intervention_id = names.interventions.get(normalise(name))
        if intervention_id is None:
            problems.append(
                Problem(row.origin.file, row.origin.location, "intervention", f"no intervention matches {name!r}")
            )
            return None
    factor_id, match, nodes = _factor(row, names)
    finding = _finding(row, factor_id, intervention_id)
    nodes += [*_source(row, names), RawNode("Finding", finding, row.origin)]
    return nodes, ImportedRow(row.line, "created", finding["id"], factor_id, match, intervention_id, row.source_id)


def read_evidence_csv(store: GraphStore, filename: str, text: str) -> tuple[RawBatch, list[ImportedRow]]:
    """Records for every row of an evidence CSV; unmatched factors become proposed factors."""
    table = _table(filename, text)
    names = _Names(
        factors={kind: _name_index(store, cls) for kind, cls in FACTOR_CLASSES.items()},
        interventions=_name_index(store, "Intervention"),
        known_sources=SourceIndex.of_store(store),
    )
    batch = RawBatch()
    planned: list[ImportedRow] = []
    for line, values in table.rows:
        row = _parse_row(filename, table, line, values, batch.problems)
        built = None if row is None else _build_records(row, names, batch.problems)
        if built is not None:
            nodes, imported = built
            batch.nodes += nodes
            planned.append(imported)
    return batch, planned


def import_evidence_csv(store: GraphStore, filename: str, text: str, agent: str, now: datetime) -> ImportReport:
    """Import every row, all or nothing; each row becomes a proposed finding with its provenance."""
    raw, planned = read_evidence_csv(store, filename, text)
    existing = set(store.find_classes([row.finding for row in planned]))
    _, report = write(store, raw, agent, now)
    sources = {node.data["id"]: node.data.get("source") for node in raw.nodes if node.cls == "Finding"}
    for row in planned:
        row.status = "created" if row.finding not in existing else _row_status(row, sources.get(row.finding), report)
    return ImportReport(filename, planned, report.revision_ids)


def _row_status(row: ImportedRow, source: str | None, report: WriteReport) -> str:
    """What became of the records of a row whose finding was stored already: its finding, factor and source,
    and the finding's links (named "finding REL target" in the report)."""
    mine = {row.finding, row.factor, source}

    def touched(names: list[str]) -> bool:
        return any(name in mine or name.startswith(f"{row.finding} ") for name in names)

    return "revised" if touched(report.revised_ids) else "updated" if touched(report.updated_ids) else "unchanged"


# ---------------------------------------------------------------- review

# The curator's decisions live in caleido.loaders.review; these names stay here for the callers that know them.
REVIEWED_CLASSES = review_module.REVIEWED_CLASSES
TRANSITIONS = review_module.TRANSITIONS
review = review_module.review
