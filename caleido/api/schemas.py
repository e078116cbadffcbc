"""The API's own models: request bodies, write receipts, health and errors. The answers of the read use cases
are typed once, in caleido.graph.usecases.results, and served as they are."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from caleido.ontology.records import MAX_INT64


class Public(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# ---------------------------------------------------------------- errors


class FieldProblem(Public):
    """One thing to fix: a request field, or a record of uploaded data (then also file and location)."""

    field: str
    message: str
    file: str | None = None
    location: str | None = None


class ProblemDetail(Public):
    """Every error answer, as application/problem+json (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = Field(description="What went wrong and what to do about it")
    errors: list[FieldProblem] | None = Field(default=None, description="For 422: each field or record at fault")


class Health(Public):
    status: Literal["ok"]


class Ready(Public):
    status: Literal["ready"]
    # The rest is left out when reads need a key and none was sent; `store` is the kind, never its address.
    store: Literal["embedded", "neo4j"] | None = None
    nodes: int | None = None
    links: int | None = None
    derived_data: Literal["current", "stale"] | None = None  # stale: facts written without it, until a reindex


# ---------------------------------------------------------------- researchers and curators


# Numbers in request bodies are JSON numbers only: lax parsing took `false` or "5" for an integer, which the
# OpenAPI document does not allow (Schemathesis, negative_data_rejection).
StrictInt = Annotated[int, Strict()]
StrictFloat = Annotated[float, Strict()]


class LangTextIn(Public):
    nl: str | None = Field(default=None, min_length=1, max_length=500)
    en: str | None = Field(default=None, min_length=1, max_length=500)


class SourceIn(Public):
    """An existing source by id or by DOI, or a new one by its citation (with a DOI the store knows, that source)."""

    id: str | None = Field(default=None, description="An existing Source id; then the other fields are not needed")
    citation: str | None = Field(default=None, min_length=1, max_length=2000)
    url: str | None = Field(default=None, max_length=2000)
    doi: str | None = Field(default=None, max_length=200)
    year: StrictInt | None = Field(default=None, ge=1800, le=2100)
    locator: str = Field(min_length=1, max_length=500, description="Where in the source: page, table, section")


class FindingEvidenceIn(Public):
    """What a finding is evidence for, given with the finding itself (one submission, one write)."""

    factor: str | None = Field(
        default=None, min_length=1, max_length=128, description="A RiskFactor or ProtectiveFactor id"
    )
    intervention: str | None = Field(default=None, min_length=1, max_length=128, description="An Intervention id")
    direction: Literal["supports", "contradicts", "mixed"]
    note: str | None = Field(default=None, max_length=2000)


class FindingIn(Public):
    statement: LangTextIn = Field(description="The finding in a sentence, in Dutch and/or English")
    population: str | None = Field(default=None, max_length=2000)
    method: str | None = Field(default=None, max_length=2000)
    outcome: str | None = Field(default=None, max_length=500)
    effect_size: StrictFloat | None = Field(default=None, allow_inf_nan=False)
    effect_measure: str | None = Field(default=None, max_length=50)
    # Bounded by the stores' 64-bit integers: a larger number crashed the write (500) instead of a 422.
    n_studies: StrictInt | None = Field(default=None, ge=0, le=MAX_INT64, description="k: studies behind the estimate")
    # Study coding (issue 18); terms and the interval are checked by the Finding record model, as for the CSV.
    study_design: str | None = Field(default=None, max_length=50, description="A term of StudyDesignScheme: rct, ...")
    maryland_level: StrictInt | None = Field(default=None, ge=1, le=5, description="Maryland Scientific Methods Scale")
    country: str | None = Field(default=None, pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2, e.g. NL")
    sample_size: StrictInt | None = Field(default=None, ge=1, le=MAX_INT64, description="n")
    ci_lower: StrictFloat | None = Field(default=None, allow_inf_nan=False, description="Confidence interval, lower")
    ci_upper: StrictFloat | None = Field(default=None, allow_inf_nan=False, description="Confidence interval, upper")
    follow_up_months: StrictFloat | None = Field(default=None, ge=0, allow_inf_nan=False)
    risk_of_bias: str | None = Field(default=None, max_length=50, description="low, some-concerns, high or unclear")
    grade: str = "not-assessed"
    source: SourceIn
    evidence: FindingEvidenceIn | None = Field(
        default=None,
        description="Link the new finding, in the same write, as evidence for a factor, an intervention or both "
        "(then for their link); the link's locator is the source's",
    )


class Created(Public):
    id: str
    status: str
    source: str | None = None
    links: list[str] = Field(default_factory=list)
    revisions: list[str] = Field(
        default_factory=list,
        description="Changes of stored records or links that are not the caller's own draft: proposed as revisions "
        "beside them (GET /api/v1/revisions/{id}), for a curator to accept or reject",
    )


class EvidenceIn(Public):
    finding: str = Field(min_length=1, max_length=128)
    factor: str | None = Field(default=None, min_length=1, max_length=128)
    intervention: str | None = Field(default=None, min_length=1, max_length=128)
    direction: Literal["supports", "contradicts", "mixed"]
    locator: str = Field(min_length=1, max_length=500)
    note: str | None = Field(default=None, max_length=2000)


class ImportedRow(Public):
    line: int
    status: Literal["created", "updated", "revised", "unchanged"]
    finding: str
    factor: str
    factor_match: Literal["matched", "proposed"]
    intervention: str | None
    source: str | None = Field(default=None, description="The source the finding is reported in")


class ImportReport(Public):
    file: str
    rows: int
    report: list[ImportedRow]
    revisions: list[str] = Field(default_factory=list, description="The revisions the import proposed")


class ReviewIn(Public):
    decision: Literal["accept", "reject"]
    reason: str = Field(min_length=1, max_length=2000)


class ClaimReviewIn(ReviewIn):
    expected_status: Literal["proposed", "accepted", "rejected", "retracted"] | None = Field(
        default=None,
        description="The status the curator reviewed: when given and the claim is no longer in it (another review "
        "landed first), the review is refused with 409, so of concurrent reviews of one claim exactly one changes it",
    )


class DeskReviewIn(Public):
    decision: Literal["accept", "reject", "request_changes"] = Field(
        description="request_changes: the item stays proposed and the reason goes on its record's review log, "
        "which its researcher sees in the history"
    )
    reason: str = Field(min_length=1, max_length=2000)
    expected_status: Literal["proposed", "accepted", "rejected", "retracted"] | None = Field(
        default=None, description="The status the curator reviewed (records and links), as in the evidence review"
    )


class MergeIn(Public):
    into: str = Field(min_length=1, max_length=200, description="The id of the record the duplicate repeats")
    reason: str = Field(min_length=1, max_length=2000)


class MergeOut(Public):
    id: str
    merged_into: str
    class_: str = Field(alias="class")
    links_moved: list[str]
    review: str


class MoveIn(Public):
    dimension: str = Field(min_length=1, max_length=40, description="A term of the DimensionScheme")
    reason: str = Field(min_length=1, max_length=2000)


class ReviewOut(Public):
    id: str
    class_: str = Field(alias="class")
    status: str
    previous_status: str
    links_changed: int
    review: str


class RevisionReviewOut(Public):
    id: str
    state: Literal["accepted", "rejected", "proposed"] = Field(
        description="proposed: changes were requested, or a grade has one of the two acceptances it needs"
    )
    table: str
    key: list[str]
    review: str


class ImportedReference(Public):
    entry: str = Field(description="Where the entry is in the file: 'entry jahnke2022 (line 3)', 'item 2 (id x)'")
    id: str = Field(description="The source it is: the one created, or the one the store or file held already")
    status: Literal["created", "merged"]
    reason: str | None = Field(default=None, description="Why merged: the same DOI, or the same title and year")


class ReferenceImportReport(Public):
    file: str
    format: Literal["ris", "bibtex", "csl-json"]
    created: int
    merged: int
    entries: list[ImportedReference]
    revisions: list[str] = Field(default_factory=list, description="The revisions the import proposed")
