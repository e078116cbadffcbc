"""Read routes: the policymaker's map and gaps, the municipality's partners, exploring, export."""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from caleido.api import problems, schemas
from caleido.api.deps import KeyIfSent, SettingsDep, StoreDep, optional_reader
from caleido.errors import InvalidParameter
from caleido.graph import usecases
from caleido.graph.derived.core import is_stale
from caleido.graph.usecases import results
from caleido.graph.usecases.partners import NATIONAL_LIMIT, ROLES_LIMIT
from caleido.graph.usecases.signals import MAX_SIGNAL, match_signal
from caleido.loaders.csv_format import BYTE_ORDER_MARK, write_csv
from caleido.loaders.export import DEFAULT_FORMAT, WRITERS, ExportFormat, formats_help
from caleido.loaders.signal_lexicon import seed_lexicon
from caleido.ontology.model import load_ontology

router = APIRouter()
v1 = APIRouter(  # open unless reads need a key; a key that is sent is checked (401)
    prefix="/api/v1", dependencies=[Depends(optional_reader)], responses=problems.responses(401, 422, 503)
)
NOT_FOUND = problems.responses(404)


def _terms(scheme: str, name: str) -> type[Enum]:
    """An enum of a SKOS scheme's notations, so unknown terms are refused and OpenAPI lists the valid ones."""
    notations = list(load_ontology().schemes[scheme].concepts)
    return Enum(name, {n: n for n in notations}, type=str)  # type: ignore[return-value]


Dimension = _terms("DimensionScheme", "Dimension")
ClusterTerm = _terms("ClusterScheme", "Cluster")
DomainTerm = _terms("DomainScheme", "Domain")
LevelTerm = _terms("LevelScheme", "Level")
ClassTerm = Enum("NodeClass", {c: c for c in load_ontology().classes}, type=str)  # type: ignore[misc]
Lang = Literal["nl", "en"]
IncludeProposed = Annotated[bool, Query(description="Also count proposed (not yet reviewed) links and evidence.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="How many to skip (paging).")]
COVERAGE_PAGE = 100
GAPS_PAGE = 100
PARTNERS_PAGE = 50
MAX_PAGE = 1000  # rows, partners or links per answer: a national map or ranking comes a page at a time


def _value(term: Enum | None) -> str | None:
    return None if term is None else str(term.value)


# ---------------------------------------------------------------- the model


@v1.get("/model", response_model=results.Model, tags=["model"])
def model(store: StoreDep, lang: Lang = "nl") -> results.Model:
    """The kaleidoscope: dimensions, clusters per source, factors, themes and values, and their pairings."""
    return usecases.model(store, lang=lang)


@v1.get("/vocabularies/grades", response_model=results.GradeCrosswalk, tags=["model"])
def grade_crosswalk() -> results.GradeCrosswalk:
    """The Dutch recognition levels beside GRADE, the Maryland scale, Blueprints and CrimeSolutions: each level
    with its definition and source, and the mappings between levels that a source supports (with why)."""
    return usecases.grade_crosswalk()


# ---------------------------------------------------------------- policymakers


@v1.get(
    "/coverage",
    response_model=results.Coverage,
    tags=["policymakers"],
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv or Accept: text/csv"}},
)
def coverage(
    request: Request,
    store: StoreDep,
    axis: Literal["factors", "themes"] = "factors",
    dimension: Dimension | None = None,  # type: ignore[valid-type]
    cluster: ClusterTerm | None = None,  # type: ignore[valid-type]
    domain: DomainTerm | None = None,  # type: ignore[valid-type]
    level: LevelTerm | None = None,  # type: ignore[valid-type]
    include_proposed: IncludeProposed = False,
    format: Literal["json", "csv"] | None = None,  # noqa: A002 - the public parameter name
    offset: Offset = 0,
    limit: Annotated[
        int | None, Query(ge=1, le=MAX_PAGE, description="Interventions (rows) per answer: 100 in JSON, all in CSV")
    ] = None,
) -> Any:
    """Interventions x factors (or themes); each linked cell with its findings, net direction and best grade.
    JSON answers come a page of rows at a time (`offset`, `limit`, `total_rows`); CSV holds every row."""
    csv_wanted = format == "csv" or (format is None and "text/csv" in request.headers.get("accept", ""))
    result = usecases.coverage(
        store,
        axis=axis,
        dimension=_value(dimension),
        cluster=_value(cluster),
        domain=_value(domain),
        level=_value(level),
        include_proposed=include_proposed,
        offset=offset,
        limit=limit if limit is not None or csv_wanted else COVERAGE_PAGE,
    )
    if csv_wanted:
        return Response(
            _coverage_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="caleido-coverage.csv"'},
        )
    return result


COVERAGE_CSV_HEADER = [
    "intervention",
    "intervention_label_nl",
    "target",
    "target_class",
    "target_label_nl",
    "rel",
    "status",
    "findings",
    "supports",
    "contradicts",
    "mixed",
    "net_direction",
    "best_grade",
]


def _coverage_csv(result: results.Coverage) -> str:
    """One row per linked cell, with labels, for a spreadsheet (which runs none of them as a formula)."""
    rows = {r.id: r for r in result.rows}
    columns = {c.id: c for c in result.columns}
    lines = (
        {
            **cell.model_dump(),
            "intervention_label_nl": rows[cell.intervention].label_nl,
            "target_class": columns[cell.target].class_,
            "target_label_nl": columns[cell.target].label_nl,
        }
        for cell in result.cells
    )
    return BYTE_ORDER_MARK + write_csv(COVERAGE_CSV_HEADER, lines)


@v1.get("/coverage/cell", response_model=results.Cell, tags=["policymakers"], responses=NOT_FOUND)
def coverage_cell(
    store: StoreDep,
    intervention: Annotated[str, Query(min_length=1, max_length=200, description="The intervention (row) id")],
    target: Annotated[str, Query(min_length=1, max_length=200, description="The factor or theme (column) id")],
    include_proposed: IncludeProposed = False,
) -> results.Cell:
    """One cell of the map: the links between the intervention and the factor or theme, and each finding on
    both, every one with the source, locator and passage (quote) it rests on."""
    return usecases.cell(store, intervention, target, include_proposed=include_proposed)


@v1.get("/coverage/factor", response_model=results.TargetCell, tags=["policymakers"], responses=NOT_FOUND)
def coverage_factor(
    store: StoreDep,
    id: Annotated[str, Query(min_length=1, max_length=200, description="The factor or theme (column) id")],
    include_proposed: IncludeProposed = False,
) -> results.TargetCell:
    """The research on one factor or theme (a column of the map): what its findings say together (effect sizes
    with measure, k and confidence interval, direction, outcome, number of sources) and each finding with the
    source, locator and passage (quote) it rests on; findings linked only to the factor included."""
    return usecases.target_cell(store, id, include_proposed=include_proposed)


@v1.get(
    "/gaps",
    response_model=results.Gaps,
    tags=["policymakers"],
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv or Accept: text/csv"}},
)
def gaps(
    request: Request,
    store: StoreDep,
    include_proposed: IncludeProposed = False,
    format: Literal["json", "csv"] | None = None,  # noqa: A002 - the public parameter name
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Unevidenced links per answer")] = GAPS_PAGE,
) -> Any:
    """Factors without any intervention, intervention-factor links without accepted evidence (a page of them),
    themes without a value; `counts` has the totals. `typed` has every kind of gap with its count, from the same
    statuses and findings as the map: factors without any intervention, interventions never evaluated, links
    whose only evidence is weak (every grade below `weak_below`), indirect (research on the factor, none on the
    programme) or from another country (every finding's country other than NL), factors no finding is about,
    and recognised interventions not delivered in every municipality. `format=csv` gives them as a table."""
    result = usecases.gaps(store, include_proposed=include_proposed, offset=offset, limit=limit)
    if format == "csv" or (format is None and "text/csv" in request.headers.get("accept", "")):
        return Response(
            _gaps_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="caleido-gaps.csv"'},
        )
    return result


GAPS_CSV_HEADER = ["type", "id", "rel", "target", "not_delivered_in"]


def _gaps_csv(result: results.Gaps) -> str:
    """One row per typed gap: every gap of every type (the JSON's `typed`), for a spreadsheet."""
    lines = ({"type": gap.type, **item.model_dump()} for gap in result.typed for item in gap.items)
    return BYTE_ORDER_MARK + write_csv(GAPS_CSV_HEADER, lines)


# ---------------------------------------------------------------- municipalities


SignalText = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_SIGNAL,
        description="A signal in your own words (Dutch), e.g. 'jongere trekt zich terug en deelt complotfilmpjes'",
    ),
]
SIGNAL_TARGETS = 5  # the best matched factors that rank the partners


def _signal(store: StoreDep, text: str, name: str, limit: int = 10) -> results.SignalMatch:
    """The factors a signal matches; a signal without a letter is a 422 naming the parameter."""
    if not any(ch.isalpha() for ch in text):
        raise InvalidParameter(f"{name}={text[:40]!r}: give a signal in words, e.g. 'trekt zich terug'")
    return match_signal(store, text, seed_lexicon(), limit=limit)


@v1.get("/partners", response_model=results.Partners, tags=["municipalities"], responses=NOT_FOUND)
def partners(
    store: StoreDep,
    municipality: Annotated[str, Query(min_length=1, max_length=100, description="CBS code (GM0363) or name")],
    factor: Annotated[list[str] | None, Query(max_length=50, description="Factor ids; repeat for several")] = None,
    theme: Annotated[list[str] | None, Query(max_length=50, description="Theme ids; repeat for several")] = None,
    domain: DomainTerm | None = None,  # type: ignore[valid-type]
    level: LevelTerm | None = None,  # type: ignore[valid-type]
    include_proposed: IncludeProposed = False,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Partners per answer")] = PARTNERS_PAGE,
    signal: SignalText = None,
    national_offset: Offset = 0,
    national_limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="National lines per answer")] = NATIONAL_LIMIT,
    roles_offset: Offset = 0,
    roles_limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Roles per answer")] = ROLES_LIMIT,
) -> results.Partners:
    """Partners for a municipality, local first: `partners` are the bodies whose service area holds it (`via` the
    region), ranked by their reasons (programme x factor or theme, their own and, with `general`, those of the
    general record they are one of), a page at a time (`offset`, `limit`; `more` says whether the ranking goes
    on); `national` the national support lines; `roles` the kinds of organisation named for the municipality,
    each a page too (`national_offset`, `national_limit`, `national_total`; `roles_offset`, `roles_limit`,
    `roles_total`), listing per line or role its first reasons and programmes (`more_reasons`, `more_programmes`).
    Ministries, parliament and offices are never offered.
    With `signal`, the factors its words match (`signal` in the answer) rank the partners too."""
    wanted = [*(factor or []), *(theme or [])]
    expected = {"RiskFactor", "ProtectiveFactor", "ProgrammeTheme"}
    found = store.find_classes(wanted)
    for target in wanted:
        if found.get(target) not in expected:
            raise usecases.NotFound(f"no factor or theme with id {target!r}; find ids with /api/v1/search")
    matched = _signal(store, signal, "signal") if signal is not None else None
    if matched is not None:
        wanted += [f.id for f in matched.factors[:SIGNAL_TARGETS] if f.id not in wanted]
    query = usecases.PartnerQuery(
        targets=wanted,
        domain=_value(domain),
        level=_value(level),
        include_proposed=include_proposed,
        offset=offset,
        limit=limit,
        national_offset=national_offset,
        national_limit=national_limit,
        roles_offset=roles_offset,
        roles_limit=roles_limit,
    )
    result = usecases.partners(store, municipality, query)
    return result if matched is None else result.model_copy(update={"signal": matched})


@v1.get("/signals/match", response_model=results.SignalMatch, tags=["municipalities"])
def signals_match(
    store: StoreDep,
    text: Annotated[str, Query(min_length=1, max_length=MAX_SIGNAL, description="A signal in your own words (Dutch)")],
    limit: Annotated[int, Query(ge=1, le=50, description="Factors per answer")] = 10,
) -> results.SignalMatch:
    """The factors and themes a signal speaks of, best first, each with the words that matched it (word, stem,
    the label or synonym it met, and that synonym's source and quote, or that it is the curator's own); when no
    word matches, `exact_match` is false and `suggestions` holds the nearest factors."""
    return _signal(store, text, "text", limit)


# ---------------------------------------------------------------- exploring


@v1.get("/nodes/{node_id}", response_model=results.NodeDetail, tags=["explore"], responses=NOT_FOUND)
def node(store: StoreDep, node_id: str) -> results.NodeDetail:
    """Any node with its properties, its provenance and its links (with theirs)."""
    return usecases.node(store, node_id)


@v1.get("/nodes/{node_id}/neighbourhood", response_model=results.Neighbourhood, tags=["explore"], responses=NOT_FOUND)
def neighbourhood(
    store: StoreDep,
    node_id: str,
    depth: Annotated[int, Query(ge=1, le=3)] = 1,
    limit: Annotated[int, Query(ge=1, le=2000)] = 200,
) -> results.Neighbourhood:
    """Nodes within `depth` links, breadth first, capped at `limit` (then `truncated` is true)."""
    return usecases.neighbourhood(store, node_id, depth=depth, limit=limit)


@v1.get("/search", response_model=list[results.SearchHit], tags=["explore"])
def search(
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    class_: Annotated[list[ClassTerm] | None, Query(alias="class", max_length=20)] = None,
) -> list[results.SearchHit]:
    """Dutch, English and other labels, ignoring case, accents and punctuation; exact matches first."""
    return usecases.search(store, q, limit=limit, classes=[str(c.value) for c in class_ or []])


@v1.get(
    "/export",
    tags=["export"],
    description=f"The whole graph (or the part of some classes) with its ontology and provenance: {formats_help()}.",
    responses={200: {"content": {writer.media_type.split(";")[0]: {} for writer in WRITERS.values()}}},
    response_class=StreamingResponse,
)
def export(
    store: StoreDep,
    format: ExportFormat = DEFAULT_FORMAT,  # noqa: A002 - the public parameter name
    part: Annotated[Literal["nodes", "links"], Query(description="For CSV: the nodes or the links file")] = "nodes",
    class_: Annotated[
        list[ClassTerm] | None,
        Query(alias="class", description="Only nodes of these classes and the links between them"),
    ] = None,
) -> StreamingResponse:
    writer = WRITERS[format]
    texts = dict(zip(writer.parts, writer.write(store, [str(c.value) for c in class_ or []]), strict=True))
    if len(texts) == 1:  # `part` chooses among the files of a format of several
        (text,), filename = texts.values(), f"caleido{writer.suffix}"
    else:
        text, filename = texts[part], f"caleido-{part}{writer.suffix}"
    return StreamingResponse(
        _chunks(text),
        media_type=writer.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _chunks(text: str, size: int = 64 * 1024) -> Iterator[bytes]:
    data = text.encode("utf-8")
    for start in range(0, len(data), size):
        yield data[start : start + size]


# ---------------------------------------------------------------- health


@router.get("/healthz", response_model=schemas.Health, tags=["health"])
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    # async: answered on the event loop, never queued behind the store's work in the thread pool, so a busy
    # server is not taken for a dead one.
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=schemas.Ready,
    response_model_exclude_none=True,
    tags=["health"],
    responses=problems.responses(401, 503),
)
def readyz(store: StoreDep, settings: SettingsDep, key: KeyIfSent) -> dict[str, Any]:
    """Readiness: the store answers (503 problem+json when it does not). With the store's kind and counts,
    unless reads need a key and none was sent; never where the store lives."""
    counts = store.counts()
    if key is None and settings.require_key_for_reads:
        return {"status": "ready"}
    # Answers from stale derived data may be out of date until `caleido reindex`: said, not refused.
    stale = is_stale(store)
    return {
        "status": "ready",
        "store": store.dialect,
        "nodes": counts.total_nodes,
        "links": counts.total_links,
        "derived_data": "stale" if stale else "current",
    }


router.include_router(v1)
