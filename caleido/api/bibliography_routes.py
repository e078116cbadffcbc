"""Reference files as sources: a researcher uploads what Zotero, EndNote or JabRef exports (RIS, BibTeX, CSL-JSON);
each entry becomes a proposed Source, or is reported as merged with the source the store holds already."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile

from caleido.api import problems, schemas
from caleido.api.deps import Researcher, SettingsDep, StoreDep
from caleido.api.jobs import Job, JobsDep
from caleido.api.uploads import now_or_as_job, read_upload
from caleido.errors import InvalidData, Problem
from caleido.loaders import bibliography
from caleido.ontology.records import now_utc

# No prefix: caleido.api.evidence_routes includes it under its own.
router = APIRouter(tags=["researchers"], responses=problems.responses(400, 401, 403, 413, 422, 503))
ReferenceFormat = Literal["ris", "bibtex", "csl-json"]


@router.post(
    "/sources/import",
    response_model=schemas.ReferenceImportReport,
    responses={202: {"model": Job, "description": "A large import runs as a job: follow the Location"}},
)
def import_sources(
    store: StoreDep,
    settings: SettingsDep,
    key: Researcher,
    jobs: JobsDep,
    request: Request,
    file: Annotated[UploadFile, File(description="A reference file: RIS (.ris), BibTeX (.bib) or CSL-JSON (.json)")],
    format: Annotated[  # noqa: A002 - the public parameter name
        ReferenceFormat | None, Query(description="The file's format, when its name does not tell (.ris, .bib, .json)")
    ] = None,
) -> Any:
    """Sources from a reference file, all entries or none: each new one proposed, with the file and entry as its
    locator and its title as its quote; an entry whose DOI, or else title and year, the store holds already is
    merged with that source. Importing the same file again adds nothing. A file of more than
    CALEIDO_IMPORT_JOB_ROWS lines, or one sent with `Prefer: respond-async`, answers 202 Accepted with a job URL."""
    name, text = read_upload(file, settings, "references")
    fmt = format or bibliography.format_of(name, text)
    if fmt is None:
        message = "cannot tell the file's format: name it .ris, .bib or .csl.json, or send format=ris|bibtex|csl-json"
        raise InvalidData([Problem(name, "", "format", message)])

    def run() -> dict[str, Any]:
        _, report = bibliography.import_references(store, name, text, fmt, key.agent, now_utc())
        return {
            "file": report.file,
            "format": report.format,
            "created": sum(entry.status == "created" for entry in report.entries),
            "merged": sum(entry.status == "merged" for entry in report.entries),
            "entries": [vars(entry) for entry in report.entries],
            "revisions": report.revisions,
        }

    progress = {"file": name, "format": fmt, "lines": text.count("\n")}
    return now_or_as_job(request, settings, jobs, "source-import", key.agent, progress, run)
