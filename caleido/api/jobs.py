"""Long writes as jobs: a write that may outlast the request deadline answers 202 Accepted with a job URL, runs
in the background, and keeps its state in the store (an entry of kind "job"), so that every API instance over
one Neo4j answers GET /api/v1/jobs/{id} alike.

A job's state goes queued -> running -> done (with its result) or failed (with the problem, as the API would have
answered it). While it runs, the process that runs it renews a heartbeat; a job whose heartbeat is older than
STALE_AFTER has lost that process (stopped or killed) and reads as "interrupted". The write itself is one
transaction, so an interrupted job wrote all of its rows or none.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from pydantic import BaseModel, Field

from caleido.api import problems
from caleido.api.deps import StoreDep, require_role
from caleido.api.keys import Role
from caleido.errors import CaleidoError, NotFound
from caleido.graph.store import Entry, GraphStore, entry_age, entry_time

log = logging.getLogger("caleido.jobs")
KIND = "job"
HEARTBEAT_SECONDS = 5.0
STALE_AFTER = timedelta(seconds=6 * HEARTBEAT_SECONDS)
State = Literal["queued", "running", "done", "failed", "interrupted"]


class JobProblem(BaseModel):
    """Why a job failed: what the API would have answered had it run the write in the request."""

    status: int
    title: str
    detail: str
    errors: list[dict[str, Any]] | None = None


class Job(BaseModel):
    """A job's state (GET /api/v1/jobs/{id})."""

    id: str
    kind: str = Field(description="what the job does, e.g. evidence-import")
    state: State
    submitted_by: str
    submitted_at: str
    started_at: str | None = None
    finished_at: str | None = None
    progress: dict[str, Any] = Field(default_factory=dict, description="what is known of its size and phase")
    result: dict[str, Any] | None = Field(default=None, description="when done: the answer, e.g. the import report")
    problem: JobProblem | None = Field(default=None, description="when failed: why, with the rows at fault")


def _problem(exc: BaseException) -> JobProblem:
    """What the API would have answered, from the same error table (invalid data: the first problems listed)."""
    if isinstance(exc, CaleidoError):
        return JobProblem.model_validate(problems.body_for(exc))
    log.error("job failed", exc_info=exc)
    return JobProblem(status=500, title="Internal error", detail=problems.UNEXPECTED)


class JobRunner:
    """Runs an app's jobs one at a time (the embedded store writes one transaction at a time anyway), records each
    change of state in the store, and renews the heartbeat of every job it holds, queued or running."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caleido-job")
        self._lock = threading.Lock()  # guards _live and orders the writes of a job's entry
        self._live: dict[str, Job] = {}
        self._stopping = threading.Event()
        self._heart = threading.Thread(target=self._beat, name="caleido-job-heartbeat", daemon=True)
        self._heart.start()

    def submit(self, kind: str, agent: str, progress: dict[str, Any], work: Callable[[], dict[str, Any]]) -> Job:
        """Queue `work` (which returns the job's result) and return the queued job."""
        job = Job(
            id=f"job-{secrets.token_hex(8)}",
            kind=kind,
            state="queued",
            submitted_by=agent,
            submitted_at=entry_time(),
            progress=progress,
        )
        self._save(job)
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[], dict[str, Any]]) -> None:
        job = self._save(job.model_copy(update={"state": "running", "started_at": entry_time()}))
        try:
            result = work()
        except BaseException as exc:  # the job reports every failure; the pool must go on
            update: dict[str, Any] = {"state": "failed", "problem": _problem(exc)}
        else:
            update = {"state": "done", "result": result}
        self._save(job.model_copy(update={**update, "finished_at": entry_time()}))

    def _beat(self) -> None:
        while not self._stopping.wait(HEARTBEAT_SECONDS):
            with self._lock:  # a job finished meanwhile is no longer in _live, so its final state stays
                stamp = entry_time()
                beats = [Entry(KIND, job.id, job.submitted_by, stamp, job.model_dump()) for job in self._live.values()]
                try:
                    if beats:
                        self.store.put_entries(beats)
                except CaleidoError as exc:  # a store down for a while: the next beat tries again
                    log.warning("job heartbeat not written: %s", exc)

    def _save(self, job: Job) -> Job:
        """Write the job's state with a fresh heartbeat (the entry's time); a finished job is no longer renewed."""
        with self._lock:
            if job.state in ("queued", "running"):
                self._live[job.id] = job
            else:
                self._live.pop(job.id, None)
            self.store.put_entries([Entry(KIND, job.id, job.submitted_by, entry_time(), job.model_dump())])
        return job

    def close(self) -> None:
        """Wait for the job running now; queued ones are dropped and, their heartbeat stopped, read as interrupted."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._stopping.set()
        self._heart.join()


def read_job(store: GraphStore, job_id: str) -> Job:
    """A job by id; a queued or running one whose heartbeat stopped reads as interrupted."""
    found = store.entries(KIND, ids=[job_id])
    if not found:
        raise NotFound(f"no job with id {job_id!r}")
    job = Job.model_validate(found[0].body)
    if job.state in ("queued", "running") and entry_age(found[0]) > STALE_AFTER:
        return job.model_copy(update={"state": "interrupted"})
    return job


def attach_runner(app: FastAPI, store: GraphStore) -> JobRunner:
    """Give the app its job runner (the lifespan closes it before the store)."""
    runner = JobRunner(store)
    app.state.jobs = runner
    return runner


def app_jobs(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


JobsDep = Annotated[JobRunner, Depends(app_jobs)]


router = APIRouter(prefix="/api/v1", tags=["researchers"], responses=problems.responses(401, 403, 404, 422, 503))


@router.get("/jobs/{job_id}", response_model=Job, dependencies=[Depends(require_role(Role.RESEARCHER))])
def job(job_id: str, store: StoreDep) -> Job:
    """A long write's state, progress, and when done its result (an import's per-row report) or its problem."""
    return read_job(store, job_id)
