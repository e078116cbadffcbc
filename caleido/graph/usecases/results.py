"""The shape of every use-case answer, defined once. The use cases return these models; the API serves them
as its response models (OpenAPI), and the views read their attributes.

Fields whose public name is a Python keyword (`class`, `from`) carry it as an alias and are read as `class_`
and `from_`; answers serialise by alias.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from caleido.ontology.citations import split_citation

Direction = Literal["supports", "contradicts", "mixed"]
Reach = Literal[
    "municipality",
    "safety-region",
    "province",
    "regional",
    "national",
    "ggd-region",
    "police-unit",
    "jeugdregio",
    "arrondissement",
]
Gloss = Literal["source", "curator"]


class Result(BaseModel):
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)


class Labelled(Result):
    id: str
    label_nl: str | None = None
    label_en: str | None = None


class NodeLabel(Labelled):
    """A node's id, class and labels."""

    class_: str = Field(alias="class")


# ---------------------------------------------------------------- what a claim rests on


class Passage(Result):
    """A passage of the source a claim rests on: where it is, and its words (in the source's language)."""

    locator: str
    quote: str | None = None


def passages(value: Any) -> Any:
    """Stored citations ("locator ¶ quote" strings) as passages; anything else is left to validation."""
    if value is None:
        return []
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for item in value:
        if isinstance(item, str):
            locator, quote = split_citation(item)
            out.append({"locator": locator, "quote": quote or None})
        else:
            out.append(item)
    return out


Quote = Annotated[str | None, Field(description="the passage at the locator, verbatim, in the source's language")]
Citations = Annotated[
    list[Passage],
    BeforeValidator(passages),
    Field(default_factory=list, description="further passages of a claim that rests on several"),
]
GlossOf = Annotated[
    Gloss | None, Field(description="curator: the English label and definition are the curator's own translation")
]


class Claim(Result):
    """A link or record as a claim: its source, the locator and the passage there, further passages, and whether
    a curator accepted it."""

    source: str | None
    locator: str | None
    quote: Quote = None
    citations: Citations
    status: str
    note: str | None = Field(default=None, description="a link's note: why it is proposed or rejected, say")


# ---------------------------------------------------------------- the model


class Dimension(Result):
    id: str
    label: str
    definition: str


class Cluster(Result):
    id: str
    label: str
    close_matches: list[str]


class ClusterScheme(Result):
    id: str
    label: str
    clusters: list[Cluster]


class Member(Result):
    id: str
    class_: str = Field(alias="class")
    dimension: str | None
    label: str | None
    definition: str | None
    gloss: GlossOf = None
    clusters: list[str]
    status: str
    source: str | None = Field(description="the source the member comes from (its id)")
    locator: str | None = Field(description="where in the source")
    quote: Quote = None
    citations: Citations


class ModelIntervention(Result):
    """An intervention, attached in the kaleidoscope to what it addresses, with the passage it rests on."""

    id: str
    label: str | None
    gloss: GlossOf = None
    domains: list[str]
    levels: list[str]
    status: str
    source: str | None = None
    locator: str | None = None
    quote: Quote = None
    citations: Citations


class Pairing(Result):
    """A link of the model: from its `start` to its `end`, with the claim it is."""

    start: str
    rel: str
    end: str
    status: str
    source: str | None
    locator: str | None
    quote: Quote = None
    citations: Citations
    note: str | None = None


class InterventionEvidence(Result):
    """A finding on an intervention (what a source says about its evidence), with the claim of the link."""

    finding: str
    label: str | None
    grade: str
    status: str = Field(description="the finding's review status")
    direction: Direction | None
    link: Claim = Field(description="the claim that the finding bears on the intervention")


class ThemeIntervention(Result):
    """An intervention that belongs to a programme theme: the intervention's status, the link's claim and the
    findings on the intervention."""

    id: str
    label: str | None
    status: str = Field(description="the intervention's review status")
    link: Claim = Field(description="the claim that it belongs to the theme")
    evidence: list[InterventionEvidence] = Field(description="findings on the intervention, accepted or proposed")


class ModelTheme(Member):
    """A programme theme with the interventions that belong to it (rejected and retracted ones left out)."""

    interventions: list[ThemeIntervention]


class Model(Result):
    lang: str
    dimensions: list[Dimension]
    cluster_schemes: list[ClusterScheme]
    members: list[Member]
    interventions: list[ModelIntervention]
    pairings: list[Pairing]
    themes: list[ModelTheme] = Field(
        description="every programme theme that is accepted or proposed, with its interventions; "
        "the view says when no accepted theme is left"
    )


# ---------------------------------------------------------------- the grade crosswalk


class SourcedPassage(Result):
    """A passage a term of the ontology rests on: its source (an address or a Source id), locator and words."""

    source: str
    locator: str
    quote: str


class GradeLevel(Result):
    """One level of a grading scale."""

    notation: str
    label_nl: str | None = None
    label_en: str | None = None
    definition_nl: str | None = None
    definition_en: str | None = None
    sources: list[str] = Field(description="addresses or Source ids the level's definition comes from")
    passages: list[SourcedPassage] = Field(default_factory=list)
    note: str | None = None


class GradeScale(Result):
    """A grading scale (a SKOS concept scheme) with its levels, lowest first."""

    scheme: str
    label_nl: str | None = None
    label_en: str | None = None
    definition_nl: str | None = Field(default=None, description="also says which mappings have no source")
    definition_en: str | None = None
    sources: list[str]
    levels: list[GradeLevel]


class GradeMapping(Result):
    """A SKOS mapping between levels of two scales, with why and on what it rests."""

    from_scheme: str
    from_level: str
    relation: Literal["closeMatch", "broadMatch", "narrowMatch", "exactMatch", "relatedMatch"]
    to_scheme: str
    to_level: str
    note: str
    sources: list[str]
    passages: list[SourcedPassage] = Field(default_factory=list)


class GradeCrosswalk(Result):
    """The Dutch recognition levels beside GRADE, the Maryland scale, Blueprints and CrimeSolutions."""

    scales: list[GradeScale]
    mappings: list[GradeMapping] = Field(
        description="only mappings a source supports; the scales' definitions say where none is"
    )


# ---------------------------------------------------------------- the evidence-and-gap map


class CoverageRow(Labelled):
    domains: list[str]
    levels: list[str]
    intervention_type: str
    themes: list[str] = Field(description="the programme themes the intervention belongs to (for grouping)")


class CoverageColumn(Labelled):
    class_: str = Field(alias="class")
    dimension: str | None
    clusters: list[str]


class CellSummary(Result):
    """What the findings on one intervention-target link say together."""

    findings: int
    supports: int
    contradicts: int
    mixed: int
    net_direction: Direction | None
    best_grade: str | None
    finding_ids: list[str]


class CoverageCell(CellSummary):
    intervention: str
    target: str
    rel: str
    status: str


class Effect(Result):
    """What one finding on a factor reports: its effect size with measure, k and interval, and what about."""

    finding: str
    effect_size: float | None
    effect_measure: str | None
    n_studies: int | None = Field(description="k: the studies (or samples) pooled")
    ci_lower: float | None
    ci_upper: float | None
    outcome: str | None
    country: str | None
    direction: Direction | None
    grade: str | None


class TargetEvidence(CellSummary):
    """The research on one factor or theme: every finding that bears on it, alone or on a programme's link to it."""

    target: str
    sources: int = Field(description="distinct sources the findings are reported in")
    effects: list[Effect]


class Coverage(Result):
    axis: Literal["factors", "themes"]
    statuses: list[str]
    total_rows: int = Field(description="interventions in the whole map; `rows` holds `limit` of them from `offset`")
    offset: int
    limit: int | None
    rows: list[CoverageRow]
    columns: list[CoverageColumn]
    cells: list[CoverageCell]
    column_evidence: list[TargetEvidence] = Field(
        default_factory=list, description="the research on each column's factor or theme (those with findings)"
    )


class CellLink(Claim):
    """A link of the cell's intervention to its factor or theme, with the claim it is."""

    rel: str


class FindingSource(Labelled):
    """A source a finding is reported in; `locator` and `quote` say where (the REPORTED_IN link's)."""

    citation: str | None
    url: str | None
    locator: str | None
    quote: Quote = None


class FindingDetail(Labelled):
    """A finding on a cell, with the passage it rests on (in its own source, at its locator)."""

    grade: str
    status: str
    direction: Direction | None
    effect_size: float | None
    effect_measure: str | None
    n_studies: int | None
    ci_lower: float | None = None
    ci_upper: float | None = None
    outcome: str | None = None
    country: str | None = None
    source: str | None = None
    locator: str | None
    quote: Quote = None
    citations: Citations
    gloss: GlossOf = None
    evidence_link: Claim = Field(description="the claim that the finding bears on the cell's factor or theme")
    sources: list[FindingSource]


class Cell(CellSummary):
    """One cell of the map: the links between an intervention and a target, and each finding on both."""

    intervention: str
    target: str
    statuses: list[str]
    links: list[CellLink]
    finding_details: list[FindingDetail]


class TargetCell(TargetEvidence):
    """A factor's (or theme's) research on the map: each finding on it with the passage it rests on."""

    statuses: list[str]
    finding_details: list[FindingDetail]


class UnevidencedLink(Result):
    intervention: str
    target: str
    rel: str


class GapCounts(Result):
    factors_without_intervention: int
    links_without_accepted_evidence: int
    themes_without_value: int


GapType = Literal[
    "factors_without_intervention",
    "interventions_never_evaluated",
    "links_weak_evidence_only",
    "links_indirect_evidence_only",
    "links_foreign_evidence_only",
    "factors_without_findings",
    "recognised_not_delivered",
]


class GapItem(Result):
    """One gap: a factor or intervention (`id`), or an intervention's link (`id`, `rel`) to `target`; for an
    intervention not delivered everywhere, the municipalities it is not delivered in."""

    id: str
    rel: str | None = None
    target: str | None = None
    not_delivered_in: int | None = None


class TypedGap(Result):
    type: GapType
    count: int
    items: list[GapItem]


class Gaps(Result):
    statuses: list[str]
    factors_without_intervention: list[NodeLabel]
    links_without_accepted_evidence: list[UnevidencedLink] = Field(
        description="`limit` of them from `offset`, by intervention and factor; `counts` has how many there are"
    )
    themes_without_value: list[Labelled]
    counts: GapCounts
    offset: int
    limit: int | None
    typed: list[TypedGap] = Field(
        default_factory=list,
        description="the gaps by type, counted from the same findings and statuses as the map's cells and columns",
    )
    weak_below: str = Field(
        "effective-first", description="a link's evidence is weak when every grade on it is below this one"
    )


# ---------------------------------------------------------------- partners


# ---------------------------------------------------------------- reach: who serves which municipality


class ServiceArea(Result):
    """An organisation serves the municipality because its service area is `via`: the municipality itself or a
    region the municipality lies in (its GGD region, police unit, ...); `claim` is that of the service area."""

    organisation: str
    via: str
    claim: Claim


class GeneralRecord(Result):
    """The general record a body is one of (org-politie-re01 is one of the bodies org-politie describes)."""

    general: str
    claim: Claim


class ReachRegion(Labelled):
    region_type: str


class ReachOrganisation(Labelled):
    organisation_type: str
    levels: list[str]
    domains: list[str]
    url: str | None = None
    phone: str | None = Field(default=None, description="the organisation's general number, as its source shows it")
    last_verified: str | None = Field(default=None, description="when a curator last checked the record")
    kind_of: list[GeneralRecord] = Field(default_factory=list)


class MunicipalityReach(Result):
    municipality: str
    regions: list[str] = Field(description="the regions it lies in, nearest (smallest kind) first")
    served_by: list[ServiceArea] = Field(description="nearest service area first, then by organisation id")


class ReachMap(Result):
    """Which organisations serve which municipalities, through which region; the regions and organisations named
    are described once each."""

    statuses: list[str]
    municipalities: list[MunicipalityReach]
    regions: dict[str, ReachRegion]
    organisations: dict[str, ReachOrganisation]


class Reason(Result):
    """Why an organisation is a partner: it runs or joins (`rel`) a programme that addresses, strengthens or
    belongs to (`target_rel`) a wanted factor or theme; each of the two links with the claim it rests on."""

    intervention: str
    rel: str
    role: str | None
    target: str
    target_rel: str
    programme_claim: Claim = Field(description="the claim that the organisation runs or joins the programme")
    target_claim: Claim = Field(description="the claim that the programme addresses the factor or theme")
    general: str | None = Field(
        default=None,
        description="the general record the organisation is one of, whose programme link this is ('as a ...')",
    )
    general_claim: Claim | None = Field(default=None, description="the claim that the organisation is one of them")


class ProgrammeLink(Result):
    """An organisation runs or joins (`rel`) a programme, in a role; `general` when it does so as one of the bodies
    a general record describes, with the claim that it is one of them."""

    intervention: str
    rel: str
    role: str | None
    claim: Claim
    general: str | None = None
    general_claim: Claim | None = None


class Partner(Labelled):
    organisation_type: str
    levels: list[str]
    domains: list[str]
    reach: Reach
    reasons: list[Reason]
    via: str | None = Field(default=None, description="the region whose service area holds the municipality")
    via_claim: Claim | None = Field(default=None, description="the claim of that service area")
    url: str | None = None
    phone: str | None = Field(default=None, description="the organisation's general number")
    kind_of: list[str] = Field(default_factory=list, description="the general records it is one of")
    programmes: list[ProgrammeLink] = Field(
        default_factory=list, description="every programme it runs or joins (its own, then as a general record)"
    )
    more_reasons: int = Field(default=0, description="reasons left out after the first ones listed (`reasons_limit`)")
    more_programmes: int = Field(default=0, description="programmes left out after the first ones listed")


class LocalRole(Labelled):
    """A kind of organisation with no body named here ("Schuldhulpverleners"), named for the municipality
    ("Schuldhulpverleners in Zwolle"); not ranked."""

    named_nl: str
    named_en: str
    organisation_type: str
    reasons: list[Reason]
    programmes: list[ProgrammeLink] = Field(default_factory=list, description="every programme it runs or joins")
    bodies_elsewhere: bool = Field(description="a general record whose bodies serve other municipalities, none here")
    more_reasons: int = Field(default=0, description="reasons left out after the first ones listed (`reasons_limit`)")
    more_programmes: int = Field(default=0, description="programmes left out after the first ones listed")


class PartnerMunicipality(Labelled):
    safety_regions: list[str]
    provinces: list[str]
    regions: list[ReachRegion] = Field(default_factory=list, description="every region it lies in, nearest first")


class Partners(Result):
    municipality: PartnerMunicipality
    statuses: list[str]
    offset: int
    limit: int | None
    more: bool = Field(description="whether the ranking goes on after this page (ask again with a larger offset)")
    partners: list[Partner] = Field(
        description="the bodies whose service area holds the municipality, ranked by their reasons, then nearness"
    )
    national: list[Partner] = Field(default_factory=list, description="national support lines, ranked by reasons")
    roles: list[LocalRole] = Field(default_factory=list, description="kinds of organisation named for the municipality")
    national_offset: int = 0
    national_limit: int | None = None
    national_total: int = Field(default=0, description="every national line offered; `national` is a page of them")
    roles_offset: int = 0
    roles_limit: int | None = None
    roles_total: int = Field(default=0, description="every role named for it; `roles` is a page of them")
    signal: SignalMatch | None = Field(
        default=None, description="with `signal`: the factors the words matched, which ranked the partners"
    )


class BriefFactor(Labelled):
    class_: str = Field(alias="class")
    partners: list[str] = Field(
        description="the first of the bodies and national lines whose programmes address it, bodies first, each "
        "in the partner finder's order"
    )
    more: int = Field(0, description="how many more bodies and national lines address it")


class BriefProgramme(Result):
    id: str
    partners: list[str] = Field(
        description="the first of who takes part in it here: the bodies, then the national lines and roles the "
        "brief lists"
    )
    more: int = Field(0, description="how many more of them take part in it")


class Brief(Result):
    """One municipality's brief: its partners (the finder's first pages), the factors they address, the programmes
    available there (most widely available first) and the factors no partner serving it addresses (gaps),
    counting `partners.statuses`. The gaps and the factors' partners count every body and national line."""

    partners: Partners
    bodies_total: int = Field(description="how many bodies serve the municipality (`partners.partners` the first)")
    factors: list[BriefFactor]
    programmes: list[BriefProgramme]
    programmes_total: int = Field(description="how many programmes the bodies and the lines and roles listed have")
    gaps: list[Labelled]


class Municipality(Labelled):
    """A municipality with the safety regions and provinces it lies in."""

    identifier: str
    safety_regions: list[Labelled]
    provinces: list[Labelled]


# ---------------------------------------------------------------- exploring


class SearchHit(NodeLabel):
    rank: int = Field(description="0 exact, 1 starts with, 2 contains")


class NeighbourNode(NodeLabel):
    depth: int


class NeighbourLink(Result):
    from_: str = Field(alias="from")
    rel: str
    to: str


class Neighbourhood(Result):
    center: str
    depth: int
    limit: int
    truncated: bool
    nodes: list[NeighbourNode]
    links: list[NeighbourLink]


class NodeLink(Result):
    """A link of a node, read from the node (`orientation`), with every stored column of the link (its
    citations as passages) and the node at the far end."""

    model_config = ConfigDict(extra="allow")
    orientation: Literal["outgoing", "incoming"]
    rel: str
    from_: str = Field(alias="from")
    to: str
    far: NodeLabel = Field(description="the node at the other end")
    source: str
    locator: str
    quote: Quote = None
    citations: Citations
    status: str


class NodeDetail(Result):
    """A node's class, every stored column (provenance included; citations as passages) and its links with
    theirs."""

    model_config = ConfigDict(extra="allow")
    id: str
    class_: str = Field(alias="class")
    source: str
    locator: str
    quote: Quote = None
    citations: Citations
    gloss: GlossOf = None
    status: str
    added_by: str
    added_at: str
    links: list[NodeLink]
    cited: list[NodeLabel] = Field(description="the sources the node and its links cite, with their labels")

    def value(self, column: str) -> Any:
        """A stored column by name (the class's own columns are not fields of this model)."""
        return (
            getattr(self, column, None) if column in type(self).model_fields else (self.model_extra or {}).get(column)
        )


# ---------------------------------------------------------------- history and revisions


class LinkKey(Result):
    rel: str
    from_: str = Field(alias="from")
    to: str


class Change(Result):
    """One change of a record, or of a link it states (`link`): who, when, the columns' old and new values, and
    the lines it added to the review log. The first, `created`, gives the values the record or link was created
    with; the later ones come from the history the stores keep with every change."""

    at: str
    by: str | None
    action: str = Field(description="created, update, review, revision accepted, revision rejected")
    link: LinkKey | None = None
    old: dict[str, Any]
    new: dict[str, Any]
    logged: list[str] = Field(default_factory=list)


class Revision(Result):
    """A change a researcher proposed beside a record or link that was not their own draft; a curator accepts it
    (its new values are applied) or rejects it (the record stays as it is)."""

    id: str
    state: Literal["proposed", "accepted", "rejected"]
    at: str
    by: str
    record: str = Field(description="The id of the record, or of the link's source")
    table: str = Field(description="The record's class, or the link's relationship type")
    link: LinkKey | None = None
    old: dict[str, Any]
    new: dict[str, Any]
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    reason: str | None = None


class NodeHistory(Result):
    id: str
    class_: str = Field(alias="class")
    changes: list[Change] = Field(description="Oldest first")
    revisions: list[Revision] = Field(description="Proposed and decided, oldest first")


class Revisions(Result):
    total: int
    revisions: list[Revision]


# ---------------------------------------------------------------- signals in an officer's own words

MatchVia = Literal["label", "alt_label", "definition", "synonym"]
MatchBasis = Literal["store", "source", "curator"]


class SignalWord(Result):
    """One word of the signal that matched a factor, and why: the word as typed, the stem it was matched by,
    the term it met (a label, a synonym, a word of the definition) and that term's basis. A synonym a source
    uses carries the passage (source, locator, quote); one that is the curator's own association says so."""

    word: str
    stem: str
    term: str = Field(description="the label, alternative label, synonym or definition word the stem met")
    via: MatchVia
    basis: MatchBasis = Field(description="store: the factor's own text; source: a synonym a source uses; curator")
    source: str | None = None
    locator: str | None = None
    quote: Quote = None
    note: str | None = None


class SignalFactor(NodeLabel):
    """A factor or theme the signal matched, with the words that matched it (best first)."""

    score: float
    words: list[SignalWord]


class SignalSuggestion(NodeLabel):
    """A factor or theme near a signal that matched nothing: by character trigrams of its words and a label or
    synonym (`nearest`)."""

    similarity: float
    nearest: str


class SignalToken(Result):
    """A content word of the signal: as typed, its compound parts, its stems."""

    word: str
    parts: list[str]
    stems: list[str]


class SignalMatch(Result):
    text: str
    tokens: list[SignalToken]
    exact_match: bool = Field(description="false: no word matched a factor; `suggestions` holds the nearest ones")
    factors: list[SignalFactor]
    suggestions: list[SignalSuggestion]
