"""What every file import over HTTP shares: the upload read within the size limit and decoded as UTF-8, and the
choice to run the import in the request or, when it is large or the client asks, as a job (caleido.api.jobs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request, UploadFile
from fastapi.responses import JSONResponse

from caleido.api.jobs import JobRunner
from caleido.errors import ContentTooLarge, InvalidData, Problem
from caleido.settings import Settings


def read_upload(file: UploadFile, settings: Settings, default_name: str) -> tuple[str, str]:
    """The file's name (safe to echo) and its text; 413 past the upload limit, 422 when it is not UTF-8."""
    limit = settings.max_upload_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise ContentTooLarge(f"the file is larger than {limit} bytes; split it into smaller files")
    name = (file.filename or default_name).replace("/", "_")[:200]
    try:
        return name, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidData([Problem(name, f"byte {exc.start}", "", "not UTF-8 text; save the file as UTF-8")]) from None


def now_or_as_job(
    request: Request,
    settings: Settings,
    jobs: JobRunner,
    kind: str,
    agent: str,
    progress: dict[str, Any],
    run: Callable[[], dict[str, Any]],
) -> Any:
    """The import's answer now, or 202 Accepted with the job's URL when the file has more lines than
    CALEIDO_IMPORT_JOB_ROWS or the request says `Prefer: respond-async`."""
    if progress["lines"] <= settings.import_job_rows and "respond-async" not in request.headers.get("prefer", ""):
        return run()
    job = jobs.submit(kind, agent, progress, run)
    return JSONResponse(job.model_dump(), status_code=202, headers={"Location": f"/api/v1/jobs/{job.id}"})
