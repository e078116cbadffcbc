"""Write routes: researchers add findings and evidence, curators review. Writes need a key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, Response, UploadFile

from caleido.api import bibliography_routes, problems, review_routes, schemas
from caleido.api.deps import Curator, Researcher, SettingsDep, StoreDep
from caleido.api.jobs import Job, JobsDep
from caleido.api.uploads import now_or_as_job, read_upload
from caleido.errors import InvalidData, NotFound, Problem
from caleido.graph.store import GraphStore
from caleido.loaders import evidence
from caleido.loaders.raw import RawBatch, RawLink, RawNode
from caleido.loaders.references import SourceIndex, normalise_doi
from caleido.ontology.records import Origin, now_utc

router = APIRouter(prefix="/api/v1", tags=["researchers"], responses=problems.responses(400, 401, 403, 413, 422, 503))
REQUEST = "request"


def _origin(field: str) -> Origin:
    return Origin(REQUEST, field)


def _lang(text: schemas.LangTextIn) -> dict[str, str]:
    return {k: v for k, v in text.model_dump().items() if v}


@router.post("/findings", status_code=201, response_model=schemas.Created, responses=problems.responses(404, 409))
def add_finding(body: schemas.FindingIn, store: StoreDep, key: Researcher, response: Response) -> dict[str, Any]:
    """A finding with its source; it stays *proposed* until a curator accepts it. With `evidence`, it is linked
    in the same write to a factor, an intervention or both."""
    created = record_finding(store, body, key.agent)
    response.headers["Location"] = f"/api/v1/nodes/{created['id']}"
    return created


def _source(store: GraphStore, source: schemas.SourceIn, raw: RawBatch) -> str:
    """The id of the finding's source: the one named, the stored one with the DOI (as the reference import finds
    it, caleido.loaders.references), or a new one from the citation (added to `raw`)."""
    if source.id:
        if store.find_classes([source.id]).get(source.id) != "Source":
            raise NotFound(f"no source with id {source.id!r}; leave out the id and give a citation to add one")
        return source.id
    doi = normalise_doi(source.doi) if source.doi else None
    if source.doi and doi is None:
        raise InvalidData([Problem(REQUEST, "body", "source.doi", f"{source.doi[:80]!r} is not a DOI (10.1111/...)")])
    if doi and (known := SourceIndex.of_store(store).dois.get(doi)):
        return known
    if not source.citation:
        message = "give an existing source id or a citation"
        if doi:
            message = f"no source in the store has the DOI {doi}; give the citation to add it"
        raise InvalidData([Problem(REQUEST, "body", "source.citation", message)])
    record = evidence.source_record(source.citation, source.url, source.year, doi)
    raw.nodes.append(RawNode("Source", record, _origin("source")))
    return str(record["id"])


def _targets(store: GraphStore, finding: str | None, wanted: dict[str, str | None]) -> None:
    """NotFound unless each wanted target is a node of its kind (and `finding`, when given, a Finding)."""
    if not any(wanted.values()):
        raise InvalidData([Problem(REQUEST, "body", "factor", "give a factor, an intervention, or both")])
    classes = store.find_classes([*([finding] if finding else []), *(v for v in wanted.values() if v)])
    if finding and classes.get(finding) != "Finding":
        raise NotFound(f"no finding with id {finding!r}")
    expected = {"factor": ("RiskFactor", "ProtectiveFactor"), "intervention": ("Intervention",)}
    for name, node_id in wanted.items():
        if node_id and classes.get(node_id) not in expected[name]:
            raise NotFound(f"no {name} with id {node_id!r}")


def _evidence_links(
    wanted: dict[str, str | None], direction: str, source: str, locator: str, note: str | None
) -> list[dict[str, Any]]:
    return [
        {
            "rel": "evidence_for",
            "to": node_id,
            "direction": direction,
            "source": source,
            "locator": locator,
            "status": evidence.PROPOSED,
            "note": note,
        }
        for node_id in wanted.values()
        if node_id
    ]


def record_finding(store: GraphStore, body: schemas.FindingIn, agent: str) -> dict[str, Any]:
    """Write a finding (and, with `body.evidence`, its evidence links) in one write; what the route answers. The
    evidence form's page calls this too."""
    if not body.statement.nl and not body.statement.en:
        raise InvalidData([Problem(REQUEST, "body", "statement", "give the statement in nl and/or en")])
    wanted = {"factor": body.evidence.factor, "intervention": body.evidence.intervention} if body.evidence else {}
    if body.evidence:
        _targets(store, None, wanted)
    raw = RawBatch()
    source_id = _source(store, body.source, raw)
    fields = body.model_dump(exclude={"statement", "source", "evidence"}, exclude_none=True)
    if body.maryland_level is not None:
        fields["maryland_level"] = str(body.maryland_level)  # the scheme's notation
    if body.country is not None:
        fields["country"] = body.country.upper()
    finding_id = evidence.stable_id(
        "fnd", source_id, body.source.locator, *sorted(_lang(body.statement).items()), *sorted(fields.items())
    )
    reported_in = {
        "rel": "reported_in",
        "to": source_id,
        "source": source_id,
        "locator": body.source.locator,
        "status": evidence.PROPOSED,
    }
    links = []
    if body.evidence:
        links = _evidence_links(wanted, body.evidence.direction, source_id, body.source.locator, body.evidence.note)
    finding = {
        "id": finding_id,
        "label": _lang(body.statement),
        **fields,
        "source": source_id,
        "locator": body.source.locator,
        "status": evidence.PROPOSED,
        "links": [reported_in, *links],
    }
    raw.nodes.append(RawNode("Finding", finding, _origin("body")))
    _, report = evidence.write(store, raw, agent, now_utc())
    return {
        "id": finding_id,
        "status": evidence.PROPOSED,
        "source": source_id,
        "links": [f"{finding_id} EVIDENCE_FOR {link['to']}" for link in links],
        "revisions": report.revision_ids,
    }


@router.post("/evidence", status_code=201, response_model=schemas.Created, responses=problems.responses(404, 409))
def add_evidence(body: schemas.EvidenceIn, store: StoreDep, key: Researcher) -> dict[str, Any]:
    """Link a finding to a factor, an intervention, or both (evidence for the intervention-factor link)."""
    wanted = {"factor": body.factor, "intervention": body.intervention}
    _targets(store, body.finding, wanted)
    source = store.fetch_nodes("Finding", [body.finding])[body.finding]["source"]
    links = _evidence_links(wanted, body.direction, source, body.locator, body.note)
    raw = RawBatch()
    raw.links = [RawLink(body.finding, link, _origin(f"links[{i}]")) for i, link in enumerate(links)]
    _, report = evidence.write(store, raw, key.agent, now_utc())
    return {
        "id": body.finding,
        "status": evidence.PROPOSED,
        "source": source,
        "links": [f"{body.finding} EVIDENCE_FOR {link['to']}" for link in links],
        "revisions": report.revision_ids,
    }


@router.post(
    "/evidence/import",
    response_model=schemas.ImportReport,
    responses={
        202: {"model": Job, "description": "A large import runs as a job: follow the Location"},
        **problems.responses(409),
    },
)
def import_evidence(
    store: StoreDep,
    settings: SettingsDep,
    key: Researcher,
    jobs: JobsDep,
    request: Request,
    file: Annotated[UploadFile, File(description="Evidence CSV")],
) -> Any:
    """Many findings at once from a CSV (format in the README); all rows or none. An import of more than
    CALEIDO_IMPORT_JOB_ROWS rows, or one sent with `Prefer: respond-async`, answers 202 Accepted with the job's
    URL in Location; GET it for the state and, when done, the same report."""
    name, text = read_upload(file, settings, "upload.csv")

    def run() -> dict[str, Any]:
        report = evidence.import_evidence_csv(store, name, text, key.agent, now_utc())
        return {
            "file": report.file,
            "rows": len(report.rows),
            "report": [vars(row) for row in report.rows],
            "revisions": report.revisions,
        }

    rows = text.count("\n")  # at most the rows (a quoted cell may hold a line break): enough to choose
    return now_or_as_job(request, settings, jobs, "evidence-import", key.agent, {"file": name, "lines": rows}, run)


@router.post(
    "/evidence/{node_id}/review",
    response_model=schemas.ReviewOut,
    tags=["curators"],
    responses=problems.responses(404, 409),
)
def review_evidence(
    node_id: str, body: schemas.ClaimReviewIn, store: StoreDep, settings: SettingsDep, key: Curator
) -> dict[str, Any]:
    """Accept or reject a proposed record of any class but Region: a finding, factor, source, intervention...
    (or retract an accepted one); nothing is deleted. `/review/record/{id}` also asks for a change."""
    return evidence.review(
        store,
        node_id,
        body.decision,
        body.reason,
        key.agent,
        now_utc(),
        expected_status=body.expected_status,
        two_for_grade=settings.grade_needs_two_curators,
    )


router.include_router(review_routes.router)  # history and revisions, under this router's prefix
router.include_router(bibliography_routes.router)  # reference files (RIS, BibTeX, CSL-JSON) as sources
