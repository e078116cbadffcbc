"""Long writes are jobs: an import past CALEIDO_IMPORT_JOB_ROWS (or sent with Prefer: respond-async) answers 202
Accepted with a job URL, and the job's state, kept in the store, says queued, running, done (with the report) or
failed (with the problem), on both stores. A job whose heartbeat stopped reads as interrupted."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from caleido.api import jobs
from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.store import Entry, GraphStore
from caleido.settings import Settings
from tests.helpers import FIXTURES, bearer, load

META_ANALYSIS = FIXTURES / "evidence" / "meta-analysis.csv"


@pytest.fixture
def small_jobs(store: GraphStore, keys: KeyStore, tmp_path: Any) -> Iterator[TestClient]:
    """The app over the use-case fixtures, where an import of more than one row is a job."""
    load(store, FIXTURES / "usecases")
    settings = Settings(store="embedded:unused", keys_file=tmp_path / "unused.sqlite3", import_job_rows=1)
    with TestClient(create_app(settings, store=store, keys=keys)) as client:
        yield client


def _upload(client: TestClient, headers: dict[str, str], text: str) -> Any:
    return client.post("/api/v1/evidence/import", headers=headers, files={"file": ("table.csv", text.encode())})


def _finished(client: TestClient, headers: dict[str, str], url: str) -> dict[str, Any]:
    for _ in range(300):
        job = client.get(url, headers=headers).json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"the job did not finish: {job}")


def test_a_large_import_is_a_job_whose_report_is_the_import_report(small_jobs: TestClient, keys: KeyStore) -> None:
    researcher = bearer(keys, "researcher")
    table = META_ANALYSIS.read_text(encoding="utf-8")
    accepted = _upload(small_jobs, researcher, table)
    assert accepted.status_code == 202, accepted.text
    assert accepted.headers["location"] == f"/api/v1/jobs/{accepted.json()['id']}"
    assert accepted.json()["state"] in ("queued", "running") and accepted.json()["kind"] == "evidence-import"
    job = _finished(small_jobs, researcher, accepted.headers["location"])
    assert job["state"] == "done" and job["problem"] is None, job
    report = job["result"]
    assert report["rows"] == len(table.strip().splitlines()) - 1
    first = report["report"][0]["finding"]
    assert small_jobs.get(f"/api/v1/nodes/{first}").json()["status"] == "proposed"  # the rows are written
    assert job["submitted_by"].endswith(":researcher") and job["finished_at"] >= job["started_at"]


def test_a_failing_job_says_why_as_the_api_would(small_jobs: TestClient, keys: KeyStore) -> None:
    researcher = bearer(keys, "researcher")
    header = "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation\n"
    bad = header + "x,risk,o,0.1,r,S 2020\ny,sideways,o,0.2,r,S 2020\n"
    accepted = _upload(small_jobs, researcher, bad)
    assert accepted.status_code == 202
    job = _finished(small_jobs, researcher, accepted.headers["location"])
    assert job["state"] == "failed" and job["result"] is None
    assert job["problem"]["status"] == 422 and job["problem"]["errors"], job["problem"]
    assert any("line 3" in e["location"] for e in job["problem"]["errors"])


def test_prefer_respond_async_makes_a_small_import_a_job(client: TestClient, keys: KeyStore) -> None:
    researcher = bearer(keys, "researcher")
    one_row = "\n".join(META_ANALYSIS.read_text(encoding="utf-8").splitlines()[:2]) + "\n"
    assert _upload(client, researcher, one_row).status_code == 200  # under the threshold: answered at once
    accepted = client.post(
        "/api/v1/evidence/import",
        headers={**researcher, "Prefer": "respond-async"},
        files={"file": ("one.csv", one_row.encode())},
    )
    assert accepted.status_code == 202
    assert _finished(client, researcher, accepted.headers["location"])["state"] == "done"


def test_jobs_need_a_researcher_and_an_id_that_exists(client: TestClient, keys: KeyStore) -> None:
    assert client.get("/api/v1/jobs/job-0000").status_code == 401
    assert client.get("/api/v1/jobs/job-0000", headers=bearer(keys, "reader")).status_code == 403
    missing = client.get("/api/v1/jobs/job-0000", headers=bearer(keys, "researcher"))
    assert missing.status_code == 404 and "job-0000" in missing.json()["detail"]


def test_a_job_whose_heartbeat_stopped_reads_as_interrupted(
    client: TestClient, store: GraphStore, keys: KeyStore
) -> None:
    # What a server killed while it ran a job leaves in the store: a running job, its last heartbeat long ago.
    body = jobs.Job(
        id="job-killed", kind="evidence-import", state="running", submitted_by="key:x", submitted_at="2026-01-01"
    ).model_dump()
    store.put_entries([Entry(jobs.KIND, "job-killed", "key:x", "2026-01-01T00:00:00.000000Z", body)])
    seen = client.get("/api/v1/jobs/job-killed", headers=bearer(keys, "researcher")).json()
    assert seen["state"] == "interrupted"
