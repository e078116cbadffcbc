"""Response models: the public shape of each answer, for validation and the OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from caleido.loaders.evidence import MAX_INT64


class Public(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# ---------------------------------------------------------------- errors


class FieldProblem(Public):
    """One thing to fix: a request field, or a record of uploaded data (then also file and location)."""

    field: str
    message: str
    file: str | None = None
    location: str | None = None


class Problem(Public):
    """Every error answer, as application/problem+json (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = Field(description="What went wrong and what to do about it")
    errors: list[FieldProblem] | None = Field(default=None, description="For 422: each field or record at fault")


class Labelled(Public):
    id: str
    label_nl: str | None = None
    label_en: str | None = None


# ---------------------------------------------------------------- model


class Dimension(Public):
    id: str
    label: str
    definition: str


class Cluster(Public):
    id: str
    label: str
    close_matches: list[str]


class ClusterScheme(Public):
    id: str
    label: str
    clusters: list[Cluster]


class Member(Public):
    id: str
    class_: str = Field(alias="class")
    dimension: str | None
    label: str | None
    definition: str | None
    clusters: list[str]
    status: str
    source: str | None = Field(description="the source the member comes from (its id)")
    locator: str | None = Field(description="where in the source")


class ModelIntervention(Public):
    """An intervention, attached in the kaleidoscope to what it addresses."""

    id: str
    label: str | None
    domains: list[str]
    levels: list[str]
    status: str


class Pairing(Public):
    source: str
    rel: str
    target: str
    status: str


class Model(Public):
    lang: str
    dimensions: list[Dimension]
    cluster_schemes: list[ClusterScheme]
    members: list[Member]
    interventions: list[ModelIntervention]
    pairings: list[Pairing]


# ---------------------------------------------------------------- coverage and gaps


class CoverageRow(Labelled):
    domains: list[str]
    levels: list[str]
    intervention_type: str
    themes: list[str] = Field(description="the programme themes the intervention belongs to (for grouping)")


class CoverageColumn(Labelled):
    class_: str = Field(alias="class")
    dimension: str | None
    clusters: list[str]


class CoverageCell(Public):
    intervention: str
    target: str
    rel: str
    status: str
    findings: int
    supports: int
    contradicts: int
    mixed: int
    net_direction: Literal["supports", "contradicts", "mixed"] | None
    best_grade: str | None
    finding_ids: list[str]


class Coverage(Public):
    axis: Literal["factors", "themes"]
    statuses: list[str]
    total_rows: int = Field(description="interventions in the whole map; `rows` holds `limit` of them from `offset`")
    offset: int
    limit: int | None
    rows: list[CoverageRow]
    columns: list[CoverageColumn]
    cells: list[CoverageCell]


class ClassedLabel(Labelled):
    class_: str = Field(alias="class")


class UnevidencedLink(Public):
    intervention: str
    target: str
    rel: str


class GapCounts(Public):
    factors_without_intervention: int
    links_without_accepted_evidence: int
    themes_without_value: int


class Gaps(Public):
    statuses: list[str]
    factors_without_intervention: list[ClassedLabel]
    links_without_accepted_evidence: list[UnevidencedLink] = Field(
        description="`limit` of them from `offset`, by intervention and factor; `counts` has how many there are"
    )
    themes_without_value: list[Labelled]
    counts: GapCounts
    offset: int
    limit: int | None


# ---------------------------------------------------------------- partners


class Reason(Public):
    intervention: str
    rel: str
    role: str | None
    target: str


class Partner(Labelled):
    organisation_type: str
    levels: list[str]
    domains: list[str]
    reach: Literal["municipality", "safety-region", "province", "regional", "national"]
    reasons: list[Reason]


class Municipality(Labelled):
    safety_regions: list[str]
    provinces: list[str]


class Partners(Public):
    municipality: Municipality
    statuses: list[str]
    offset: int
    limit: int | None
    more: bool = Field(description="whether the ranking goes on after this page (ask again with a larger offset)")
    partners: list[Partner]


# ---------------------------------------------------------------- exploring


class SearchHit(Labelled):
    class_: str = Field(alias="class")
    rank: int = Field(description="0 exact, 1 starts with, 2 contains")


class NeighbourNode(Labelled):
    class_: str = Field(alias="class")
    depth: int


class NeighbourLink(Public):
    from_: str = Field(alias="from")
    rel: str
    to: str


class Neighbourhood(Public):
    center: str
    depth: int
    limit: int
    truncated: bool
    nodes: list[NeighbourNode]
    links: list[NeighbourLink]


class NodeDetail(Public):
    """A node's class, every stored column (provenance included) and its links with theirs."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    id: str
    class_: str = Field(alias="class")
    source: str
    locator: str
    status: str
    added_by: str
    added_at: str
    links: list[dict[str, Any]]


class Health(Public):
    status: Literal["ok"]


class Ready(Public):
    status: Literal["ready"]
    store: str
    nodes: int
    links: int


# ---------------------------------------------------------------- researchers and curators


# Numbers in request bodies are JSON numbers only: lax parsing took `false` or "5" for an integer, which the
# OpenAPI document does not allow (Schemathesis, negative_data_rejection).
StrictInt = Annotated[int, Strict()]
StrictFloat = Annotated[float, Strict()]


class LangTextIn(Public):
    nl: str | None = Field(default=None, min_length=1, max_length=500)
    en: str | None = Field(default=None, min_length=1, max_length=500)


class SourceIn(Public):
    """An existing source by id, or a new one by its citation."""

    id: str | None = Field(default=None, description="An existing Source id; then the other fields are not needed")
    citation: str | None = Field(default=None, min_length=1, max_length=2000)
    url: str | None = Field(default=None, max_length=2000)
    doi: str | None = Field(default=None, max_length=200)
    year: StrictInt | None = Field(default=None, ge=1800, le=2100)
    locator: str = Field(min_length=1, max_length=500, description="Where in the source: page, table, section")


class FindingIn(Public):
    statement: LangTextIn = Field(description="The finding in a sentence, in Dutch and/or English")
    population: str | None = Field(default=None, max_length=2000)
    method: str | None = Field(default=None, max_length=2000)
    outcome: str | None = Field(default=None, max_length=500)
    effect_size: StrictFloat | None = Field(default=None, allow_inf_nan=False)
    effect_measure: str | None = Field(default=None, max_length=50)
    # Bounded by the stores' 64-bit integers: a larger number crashed the write (500) instead of a 422.
    n_studies: StrictInt | None = Field(default=None, ge=0, le=MAX_INT64)
    grade: str = "not-assessed"
    source: SourceIn


class Created(Public):
    id: str
    status: str
    source: str | None = None
    links: list[str] = Field(default_factory=list)


class EvidenceIn(Public):
    finding: str = Field(min_length=1, max_length=128)
    factor: str | None = Field(default=None, min_length=1, max_length=128)
    intervention: str | None = Field(default=None, min_length=1, max_length=128)
    direction: Literal["supports", "contradicts", "mixed"]
    locator: str = Field(min_length=1, max_length=500)
    note: str | None = Field(default=None, max_length=2000)


class ImportedRow(Public):
    line: int
    status: Literal["created", "unchanged"]
    finding: str
    factor: str
    factor_match: Literal["matched", "proposed"]
    intervention: str | None


class ImportReport(Public):
    file: str
    rows: int
    report: list[ImportedRow]


class ReviewIn(Public):
    decision: Literal["accept", "reject"]
    reason: str = Field(min_length=1, max_length=2000)


class ReviewOut(Public):
    id: str
    class_: str = Field(alias="class")
    status: str
    previous_status: str
    links_changed: int
    review: str
