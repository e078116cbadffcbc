"""The researcher's evidence workflow over HTTP, on each store: keys and roles, findings, evidence
links, CSV import of a real meta-analysis table, curator review, all-or-nothing and size limits."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore
from caleido.settings import Settings
from tests.helpers import FIXTURES, bearer, load, serve

META_ANALYSIS = FIXTURES / "evidence" / "meta-analysis.csv"
FINDING = {
    "statement": {"nl": "Wanhoop verhoogt geweldsbereidheid", "en": "Despair raises willingness to use violence"},
    "population": "adults",
    "method": "survey",
    "outcome": "intentions",
    "effect_size": 0.21,
    "effect_measure": "r",
    "n_studies": 4,
    "grade": "not-assessed",
    "source": {
        "citation": "Doe, J. (2024). A test study. Journal of Tests, 1(1), 1-10.",
        "year": 2024,
        "url": "https://example.org/doe-2024",
        "locator": "table 2",
    },
}


def _cell(client: TestClient, intervention: str, target: str, **params: str) -> dict:
    body = client.get("/api/v1/coverage", params=params).json()
    return next(c for c in body["cells"] if (c["intervention"], c["target"]) == (intervention, target))


def _agent(keys: KeyStore, name: str) -> str:
    """How the key of this name signs what it writes: its id and role (its name is never published)."""
    return next(info.agent for info in keys.list() if info.name == name)


def _nodes(client: TestClient) -> int:
    return client.get("/readyz").json()["nodes"]


def test_writes_need_a_key_with_the_right_role(client: TestClient, keys: KeyStore) -> None:
    assert client.post("/api/v1/findings", json=FINDING).status_code == 401
    reader = client.post("/api/v1/findings", json=FINDING, headers=bearer(keys, "reader"))
    assert reader.status_code == 403 and reader.headers["content-type"] == "application/problem+json"
    researcher = bearer(keys, "researcher")
    created = client.post("/api/v1/findings", json=FINDING, headers=researcher)
    assert created.status_code == 201, created.text
    review = client.post(
        f"/api/v1/evidence/{created.json()['id']}/review",
        json={"decision": "accept", "reason": "checked"},
        headers=researcher,
    )
    assert review.status_code == 403


def test_a_finding_is_stored_as_proposed_with_provenance_and_is_idempotent(client: TestClient, keys: KeyStore) -> None:
    before = _nodes(client)
    headers = bearer(keys, "researcher", "uva-team")
    first = client.post("/api/v1/findings", json=FINDING, headers=headers).json()
    again = client.post("/api/v1/findings", json=FINDING, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == first["id"]
    assert _nodes(client) == before + 2  # the finding and its new source, once
    detail = client.get(f"/api/v1/nodes/{first['id']}").json()
    assert (detail["status"], detail["added_by"], detail["locator"], detail["effect_size"]) == (
        "proposed",
        _agent(keys, "uva-team"),
        "table 2",
        0.21,
    )
    assert [link["to"] for link in detail["links"] if link["rel"] == "REPORTED_IN"] == [first["source"]]


def test_evidence_then_review_changes_coverage_and_leaves_a_trace(client: TestClient, keys: KeyStore) -> None:
    researcher, curator = bearer(keys, "researcher"), bearer(keys, "curator", "curator-a")
    finding = client.post("/api/v1/findings", json=FINDING, headers=researcher).json()["id"]
    linked = client.post(
        "/api/v1/evidence",
        headers=researcher,
        json={
            "finding": finding,
            "factor": "rf-1",
            "intervention": "int-1",
            "direction": "supports",
            "locator": "table 2",
        },
    )
    assert linked.status_code == 201, linked.text
    assert _cell(client, "int-1", "rf-1")["findings"] == 1  # accepted only: unchanged
    assert _cell(client, "int-1", "rf-1", include_proposed="true")["findings"] == 3

    accepted = client.post(
        f"/api/v1/evidence/{finding}/review", headers=curator, json={"decision": "accept", "reason": "matches table 2"}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted" and accepted.json()["links_changed"] == 3
    assert _cell(client, "int-1", "rf-1")["findings"] == 2

    twice = client.post(
        f"/api/v1/evidence/{finding}/review", headers=curator, json={"decision": "accept", "reason": "again"}
    )
    assert twice.status_code == 409
    retracted = client.post(
        f"/api/v1/evidence/{finding}/review",
        headers=curator,
        json={"decision": "reject", "reason": "the table was misread"},
    )
    assert retracted.status_code == 409 and "expected_status 'accepted'" in retracted.json()["detail"]
    retracted = client.post(  # a retraction says what it retracts: no review overturns another by a race
        f"/api/v1/evidence/{finding}/review",
        headers=curator,
        json={"decision": "reject", "reason": "the table was misread", "expected_status": "accepted"},
    )
    assert retracted.json()["status"] == "retracted"
    assert _cell(client, "int-1", "rf-1")["findings"] == 1
    detail = client.get(f"/api/v1/nodes/{finding}").json()
    curator_agent = _agent(keys, "curator-a")
    assert detail["reviewed_by"] == curator_agent and len(detail["review_log"]) == 2
    assert f"accept by {curator_agent}: proposed -> accepted: matches table 2" in detail["review_log"][0]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**FINDING, "statement": {}}, 422, "statement"),
        ({**FINDING, "grade": "excellent"}, 422, "grade"),
        ({**FINDING, "effect_size": "large"}, 422, "effect_size"),
        ({**FINDING, "source": {"id": "src-nowhere", "locator": "p. 1"}}, 404, None),
        ({**FINDING, "source": {"locator": "p. 1"}}, 422, "source"),
    ],
)
def test_bad_findings_are_refused_and_change_nothing(
    client: TestClient, keys: KeyStore, body: dict, status: int, field: str | None
) -> None:
    before = _nodes(client)
    response = client.post("/api/v1/findings", json=body, headers=bearer(keys, "researcher"))
    assert response.status_code == status and response.headers["content-type"] == "application/problem+json"
    if field:
        assert any(field in e["field"] for e in response.json()["errors"]), response.json()
    assert _nodes(client) == before


def _upload(client: TestClient, headers: dict[str, str], name: str, text: str) -> httpx.Response:
    return client.post("/api/v1/evidence/import", headers=headers, files={"file": (name, text.encode(), "text/csv")})


def test_importing_a_real_meta_analysis_then_accepting_it_changes_coverage_and_gaps(
    client: TestClient, keys: KeyStore
) -> None:
    researcher, curator = bearer(keys, "researcher"), bearer(keys, "curator")
    table = META_ANALYSIS.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert len(rows) >= 10
    gaps_before = client.get("/api/v1/gaps").json()["counts"]["factors_without_intervention"]
    response = _upload(client, researcher, "meta-analysis.csv", table)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["rows"] == len(rows) and {r["status"] for r in report["report"]} == {"created"}
    assert [r["line"] for r in report["report"]] == list(range(2, len(rows) + 2))
    first = client.get(f"/api/v1/nodes/{report['report'][0]['finding']}").json()
    assert (first["effect_size"], first["effect_measure"], first["n_studies"]) == (
        float(rows[0]["effect_size"]),
        "r",
        int(rows[0]["n_studies"]),
    )
    source = client.get(f"/api/v1/nodes/{first['source']}").json()
    assert source["citation"] == rows[0]["source_citation"] and first["added_by"] == _agent(keys, "test-researcher")
    assert (first["locator"], first["quote"]) == (rows[0]["locator"], rows[0]["quote"])  # where the number is read

    new_factors = sorted({r["factor"] for r in report["report"] if r["factor_match"] == "proposed"})
    columns_before = {c["id"] for c in client.get("/api/v1/coverage").json()["columns"]}
    assert not set(new_factors) & columns_before
    for node_id in new_factors + [r["finding"] for r in report["report"]]:
        decided = client.post(
            f"/api/v1/evidence/{node_id}/review",
            headers=curator,
            json={"decision": "accept", "reason": "read in the abstract"},
        )
        assert decided.status_code == 200, decided.text
    columns_after = {c["id"] for c in client.get("/api/v1/coverage").json()["columns"]}
    assert set(new_factors) <= columns_after
    gaps_after = client.get("/api/v1/gaps").json()["counts"]["factors_without_intervention"]
    assert gaps_after == gaps_before + len(new_factors)

    again = _upload(client, researcher, "meta-analysis.csv", table).json()
    assert {r["status"] for r in again["report"]} == {"unchanged"}


def test_an_import_matches_factors_and_interventions_by_label(client: TestClient, keys: KeyStore) -> None:
    table = (
        "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation,intervention,direction\n"
        'WANHOOP!,risk,behaviour,0.3,r,"Roe, R. (2023). Another study.",lokale aanpak,supports\n'
        'despair,risk,attitudes,0.2,r,"Roe, R. (2023). Another study.",,contradicts\n'
    )
    report = _upload(client, bearer(keys, "researcher"), "match.csv", table).json()["report"]
    assert [(r["factor"], r["factor_match"], r["intervention"]) for r in report] == [
        ("rf-1", "matched", "int-1"),
        ("rf-1", "matched", None),
    ]
    assert _cell(client, "int-1", "rf-1", include_proposed="true")["findings"] == 3


@pytest.mark.parametrize(
    ("table", "location", "field"),
    [
        ("factor_name,factor_kind,outcome\nx,risk,y\n", "line 1", "effect_size"),
        (
            "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation\nx,risky,y,0.1,r,c\n",
            "line 2",
            "factor_kind",
        ),
        (
            "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation\nx,risk,y,big,r,c\n",
            "line 2",
            "effect_size",
        ),
        (
            "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation,intervention\n"
            "x,risk,y,0.1,r,c,Atlantis programme\n",
            "line 2",
            "intervention",
        ),
        (
            "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation,grade\n"
            "x,risk,y,0.1,r,c,superb\n",
            "line 2",
            "grade",
        ),
    ],
)
def test_a_bad_import_names_line_and_field_and_writes_nothing(
    client: TestClient, keys: KeyStore, table: str, location: str, field: str
) -> None:
    before = _nodes(client)
    response = _upload(client, bearer(keys, "researcher"), "bad.csv", table)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(e["file"] == "bad.csv" and location in e["location"] and field in e["field"] for e in errors), errors
    assert _nodes(client) == before


def test_uploads_over_the_limit_get_413(store: GraphStore, keys: KeyStore) -> None:
    settings = Settings(max_upload_bytes=2048)
    with TestClient(create_app(settings, store=store, keys=keys)) as small:
        table = (
            "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation\n" + "x,risk,y,0.1,r,c\n" * 500
        )
        response = _upload(small, bearer(keys, "researcher"), "big.csv", table)
    assert response.status_code == 413 and response.headers["content-type"] == "application/problem+json"


@pytest.fixture
def live_server(store: GraphStore, keys: KeyStore) -> Iterator[str]:
    """The app on a real loopback port, so requests really run concurrently."""
    load(store, FIXTURES / "usecases")
    with serve(create_app(store=store, keys=keys)) as url:
        yield url


def test_twenty_concurrent_imports_all_land_once(live_server: str, keys: KeyStore, store: GraphStore) -> None:
    headers = bearer(keys, "researcher")
    header = "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation\n"

    def upload(i: int) -> httpx.Response:
        rows = "".join(f'factor {i}-{j},risk,y,0.{j + 1},r,"Study {i} (2025)."\n' for j in range(3))
        with httpx.Client(base_url=live_server, timeout=120) as http:
            return http.post(
                "/api/v1/evidence/import",
                headers=headers,
                files={"file": (f"part-{i}.csv", (header + rows).encode(), "text/csv")},
            )

    before = store.counts()
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(upload, range(20)))
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses if r.status_code != 200]
    after = store.counts()
    assert after.nodes["Finding"] == before.nodes["Finding"] + 60
    assert after.nodes["RiskFactor"] == before.nodes["RiskFactor"] + 60
    assert after.nodes["Source"] == before.nodes["Source"] + 20
    assert after.links["EVIDENCE_FOR"] == before.links["EVIDENCE_FOR"] + 60


def test_the_evidence_template_in_the_repository_imports(client: TestClient, keys: KeyStore) -> None:
    template = Path(__file__).parents[2] / "docs" / "evidence-template.csv"
    response = _upload(client, bearer(keys, "researcher"), "evidence-template.csv", template.read_text("utf-8"))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"finding": "FINDING", "direction": "supports", "locator": "p. 1"}, 422, "factor"),
        ({"finding": "fnd-nowhere", "factor": "rf-1", "direction": "supports", "locator": "p. 1"}, 404, None),
        ({"finding": "FINDING", "factor": "int-1", "direction": "supports", "locator": "p. 1"}, 404, None),
        ({"finding": "FINDING", "intervention": "rf-1", "direction": "supports", "locator": "p. 1"}, 404, None),
        ({"finding": "FINDING", "factor": "rf-1", "direction": "sideways", "locator": "p. 1"}, 422, "direction"),
        ({"finding": "FINDING", "factor": "rf-1", "direction": "supports"}, 422, "locator"),
    ],
)
def test_bad_evidence_links_are_refused_and_change_nothing(
    client: TestClient, keys: KeyStore, store: GraphStore, body: dict, status: int, field: str | None
) -> None:
    headers = bearer(keys, "researcher")
    finding = client.post("/api/v1/findings", json=FINDING, headers=headers).json()["id"]
    before = store.counts().links
    response = client.post(
        "/api/v1/evidence", headers=headers, json={k: (finding if v == "FINDING" else v) for k, v in body.items()}
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if field:
        assert any(e["field"].startswith(field) for e in response.json()["errors"]), response.json()
    assert store.counts().links == before


@pytest.mark.parametrize(
    ("node_id", "body", "status"),
    [
        ("fnd-nowhere", {"decision": "accept", "reason": "x"}, 404),
        ("fnd-1", {"decision": "accept", "reason": "x"}, 409),  # already accepted in the fixture
        ("fnd-2", {"decision": "maybe", "reason": "x"}, 422),
        ("fnd-2", {"decision": "accept"}, 422),
        ("fnd-2", {"decision": "accept", "reason": ""}, 422),
        ("GM0344", {"decision": "reject", "reason": "x"}, 409),  # a municipality is not a reviewed claim
    ],
)
def test_bad_reviews_are_refused(client: TestClient, keys: KeyStore, node_id: str, body: dict, status: int) -> None:
    response = client.post(f"/api/v1/evidence/{node_id}/review", json=body, headers=bearer(keys, "curator"))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/nodes/fnd-2").json()["status"] == "proposed"


def test_an_admin_may_review_and_a_revoked_key_may_not(client: TestClient, keys: KeyStore) -> None:
    plain, info = keys.create("old-curator", "curator")
    keys.revoke(info.key_id)
    revoked = client.post(
        "/api/v1/evidence/fnd-2/review", json={"decision": "reject", "reason": "x"}, headers={"X-API-Key": plain}
    )
    assert revoked.status_code == 401
    admin = client.post(
        "/api/v1/evidence/fnd-2/review",
        json={"decision": "reject", "reason": "duplicate"},
        headers=bearer(keys, "admin"),
    )
    assert admin.status_code == 200 and admin.json()["status"] == "rejected"


# ---------------------------------------------------------------- studies coded as reviewers code them (issue 18)
CODED = {
    "study_design": "meta-analysis",
    "maryland_level": 3,
    "country": "nl",
    "sample_size": 1200,
    "ci_lower": 0.1,
    "ci_upper": 0.3,
    "follow_up_months": 12.0,
    "risk_of_bias": "some-concerns",
}


def test_a_coded_finding_keeps_every_coding_field(client: TestClient, keys: KeyStore) -> None:
    created = client.post("/api/v1/findings", json={**FINDING, **CODED}, headers=bearer(keys, "researcher"))
    assert created.status_code == 201, created.text
    detail = client.get(f"/api/v1/nodes/{created.json()['id']}").json()
    assert {k: detail[k] for k in CODED} == {**CODED, "maryland_level": "3", "country": "NL"}
    assert (detail["population"], detail["n_studies"], detail["effect_size"]) == ("adults", 4, 0.21)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ci_lower": 0.25}, "outside its confidence interval"),
        ({"ci_upper": None}, "give both bounds"),
        ({"country": "XX"}, "ISO 3166-1"),
        ({"maryland_level": 6}, "less than or equal to 5"),
        ({"risk_of_bias": "moderate"}, "RiskOfBiasScheme"),
        ({"study_design": "anecdote"}, "StudyDesignScheme"),
        ({"sample_size": 0}, "greater than or equal to 1"),
    ],
)
def test_a_wrongly_coded_finding_is_refused_with_the_reason_and_changes_nothing(
    client: TestClient, keys: KeyStore, changes: dict, message: str
) -> None:
    before = _nodes(client)
    body = {**FINDING, **CODED, **changes}
    response = client.post("/api/v1/findings", json=body, headers=bearer(keys, "researcher"))
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert any(message in e["message"] for e in response.json()["errors"]), response.json()
    assert _nodes(client) == before


CODED_CSV = (
    "factor_name,factor_kind,outcome,effect_size,effect_measure,n_studies,source_citation,population,study_design,"
    "maryland_level,country,sample_size,ci_lower,ci_upper,follow_up_months,risk_of_bias\n"
    'despair,risk,attitudes,0.2,r,5,"Roe, R. (2023). Another study.",youth 12-18,rct,5,de,340,0.05,0.35,6,low\n'
)


def test_an_import_fills_the_coding_columns(client: TestClient, keys: KeyStore) -> None:
    response = _upload(client, bearer(keys, "researcher"), "coded.csv", CODED_CSV)
    assert response.status_code == 200, response.text
    finding = client.get(f"/api/v1/nodes/{response.json()['report'][0]['finding']}").json()
    assert {k: finding[k] for k in ("population", "study_design", "maryland_level", "country", "risk_of_bias")} == {
        "population": "youth 12-18",
        "study_design": "rct",
        "maryland_level": "5",
        "country": "DE",
        "risk_of_bias": "low",
    }
    assert (finding["sample_size"], finding["ci_lower"], finding["ci_upper"], finding["follow_up_months"]) == (
        340,
        0.05,
        0.35,
        6.0,
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (",0.05,0.35,", ",0.25,0.35,", "", "outside its confidence interval"),
        (",340,", ",many,", "sample_size", "expected a number"),
        (",de,", ",Dutchland,", "country", "at most 2 characters"),
        (",6,low", ",6,moderate", "risk_of_bias", "RiskOfBiasScheme"),
    ],
)
def test_a_wrongly_coded_row_names_its_line_and_writes_nothing(
    client: TestClient, keys: KeyStore, old: str, new: str, field: str, message: str
) -> None:
    before = _nodes(client)
    response = _upload(client, bearer(keys, "researcher"), "bad.csv", CODED_CSV.replace(old, new))
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any("line 2" in e["location"] and field in e["field"] and message in e["message"] for e in errors), errors
    assert _nodes(client) == before


def test_the_template_names_the_coding_columns(client: TestClient) -> None:
    header = client.get("/evidence/template.csv").text.lstrip("\ufeff").splitlines()[0].split(",")
    assert {"study_design", "maryland_level", "country", "sample_size", "ci_lower", "ci_upper"} <= set(header)
    assert {"follow_up_months", "risk_of_bias", "population"} <= set(header)


def test_the_grade_crosswalk_is_served_read_only(client: TestClient) -> None:
    body = client.get("/api/v1/vocabularies/grades").json()
    assert [s["scheme"] for s in body["scales"]][:2] == ["EvidenceGradeScheme", "GradeScheme"]
    maryland = next(s for s in body["scales"] if s["scheme"] == "MarylandScaleScheme")
    assert [level["notation"] for level in maryland["levels"]] == ["1", "2", "3", "4", "5"]
    assert maryland["levels"][0]["sources"] == [
        "http://www.whatworksgrowth.org/resources/the-scientific-maryland-scale/"
    ]
    assert [(m["from_level"], m["relation"], m["to_level"]) for m in body["mappings"]] == [
        ("1", "closeMatch", "effective-first")
    ]
    assert client.post("/api/v1/vocabularies/grades", json={}).status_code == 405


def test_a_finding_with_evidence_links_both_targets_in_one_write_and_a_known_doi_reuses_its_source(
    client: TestClient, keys: KeyStore
) -> None:
    researcher = bearer(keys, "researcher")
    source = {**FINDING["source"], "doi": "https://doi.org/10.5555/Caleido.Form"}
    first = client.post("/api/v1/findings", json={**FINDING, "source": source}, headers=researcher).json()
    evidence = {"factor": "rf-1", "intervention": "int-1", "direction": "mixed"}
    other = {**FINDING, "outcome": "behaviour", "source": {"doi": "10.5555/caleido.form", "locator": "p. 3"}}
    created = client.post("/api/v1/findings", json={**other, "evidence": evidence}, headers=researcher)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["source"] == first["source"]  # found by its DOI, not made again
    assert sorted(body["links"]) == sorted(f"{body['id']} EVIDENCE_FOR {t}" for t in ("rf-1", "int-1"))
    refused = client.post(
        "/api/v1/findings", json={**FINDING, **CODED, "ci_lower": 0.25, "evidence": evidence}, headers=researcher
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "ci_lower"
    unknown = client.post(
        "/api/v1/findings", json={**FINDING, "evidence": {**evidence, "factor": "rf-x"}}, headers=researcher
    )
    assert unknown.status_code == 404
