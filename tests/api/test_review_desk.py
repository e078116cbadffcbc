"""The curator's desk over HTTP, on each store: the queue of everything proposed and its filters; reviews of
records of every class (interventions: the trial's C3 409), of single links and of revisions; requests for a
change; two curators for a grade; merging a duplicate; moving a factor's dimension; concurrent decisions."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import httpx
import pytest
from fastapi.testclient import TestClient

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore
from caleido.settings import Settings
from tests.helpers import FIXTURES, agent_of, bearer, load, serve

REASON = {"reason": "checked against the source"}
EXTRA = """\
defaults:
  source: src-u
  status: proposed
records:
  - id: int-3
    class: Intervention
    label: {nl: Nieuwe aanpak, en: New approach}
    intervention_type: approach
    levels: [local]
    domains: [social]
    locator: "p. 5"
    quote: "Een nieuwe aanpak."
  - id: rf-9
    class: RiskFactor
    label: {nl: Uitzichtloosheid, en: Hopelessness}
    dimension: environment
    locator: "p. 6"
    quote: "gevoelens van uitzichtloosheid"
  - id: fnd-9
    class: Finding
    label: {nl: Bevinding 9, en: Finding 9}
    grade: not-assessed
    locator: "tabel 9"
    links:
      - {rel: evidence_for, to: rf-9, direction: supports, locator: "tabel 9", status: proposed}
"""


@pytest.fixture
def desk(client: TestClient, store: GraphStore, tmp_path: Path) -> TestClient:
    """The use-case fixtures and a proposed intervention, a proposed duplicate factor and a finding about it."""
    (tmp_path / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    load(store, FIXTURES / "usecases", tmp_path / "extra.yaml")
    return client


def _queue(client: TestClient, **params: str) -> dict:
    response = client.get("/api/v1/review/queue", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(queue: dict) -> set[str]:
    return {item["id"] for item in queue["items"]}


def test_the_queue_lists_everything_proposed_with_its_source_and_quote(desk: TestClient) -> None:
    queue = _queue(desk)
    assert {"fnd-2", "int-3", "rf-9", "fnd-9", "int-2 ADDRESSES rf-1", "fnd-2 EVIDENCE_FOR rf-1"} <= _ids(queue)
    assert "fnd-1" not in _ids(queue) and "GM0344" not in _ids(queue)  # accepted; a region is never queued
    (intervention,) = [i for i in queue["items"] if i["id"] == "int-3"]
    assert (
        intervention.items() >= {"item": "record", "kind": "Intervention", "source": "src-u", "locator": "p. 5"}.items()
    )
    assert intervention["quote"] == "Een nieuwe aanpak."
    (link,) = [i for i in queue["items"] if i["id"] == "int-2 ADDRESSES rf-1"]
    assert (link["label_en"], link["label_nl"]) == ("National programme → Despair", "Landelijk programma → Wanhoop")
    assert link["link"] == {"rel": "ADDRESSES", "from": "int-2", "to": "rf-1"} and link["locator"] == "p. 4"
    kinds = {facet["value"] for facet in queue["kinds"]}
    assert {"Intervention", "Finding", "ADDRESSES", "EVIDENCE_FOR"} <= kinds
    assert _ids(_queue(desk, kind="Intervention")) == {"int-3"}
    assert _ids(_queue(desk, kind="ADDRESSES")) == {"int-2 ADDRESSES rf-1"}
    assert _ids(_queue(desk, source="src-nowhere")) == set()
    assert _queue(desk, source="src-u")["total"] == queue["total"]
    submitter = queue["items"][0]["submitter"]
    assert _queue(desk, submitter=submitter)["total"] >= 1 and _queue(desk, submitter="key:x")["total"] == 0
    bad = desk.get("/api/v1/review/queue", params={"kind": "Nonsense"})
    assert bad.status_code == 422 and "kind" in bad.text and bad.headers["content-type"] == "application/problem+json"


def test_an_intervention_is_reviewable_on_both_routes(desk: TestClient, keys: KeyStore) -> None:
    # C3: "int-... is a Intervention; reviews here are for Finding, ..." answered 409
    curator = bearer(keys, "curator")
    response = desk.post("/api/v1/review/record/int-3", json={"decision": "accept", **REASON}, headers=curator)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"
    assert "int-3" not in _ids(_queue(desk))
    again = desk.post("/api/v1/evidence/int-3/review", json={"decision": "reject", **REASON}, headers=curator)
    assert again.status_code == 409  # decided already; a retraction names the status it changes
    retract = {"decision": "reject", "expected_status": "accepted", **REASON}
    assert desk.post("/api/v1/evidence/int-3/review", json=retract, headers=curator).json()["status"] == "retracted"


def test_a_single_link_is_reviewed_and_its_history_says_so(desk: TestClient, keys: KeyStore) -> None:
    curator = bearer(keys, "curator")
    url = "/api/v1/review/link/int-2/ADDRESSES/rf-1"
    response = desk.post(url, json={"decision": "accept", **REASON}, headers=curator)
    assert response.status_code == 200, response.text
    assert response.json().items() >= {"status": "accepted", "previous_status": "proposed"}.items()
    assert "int-2 ADDRESSES rf-1" not in _ids(_queue(desk))
    history = desk.get("/api/v1/nodes/int-2/history").json()
    assert any(REASON["reason"] in line for change in history["changes"] for line in change["logged"])
    assert desk.post(url, json={"decision": "accept", **REASON}, headers=curator).status_code == 409
    assert (
        desk.post(
            "/api/v1/review/link/int-2/NOPE/rf-1", json={"decision": "accept", **REASON}, headers=curator
        ).status_code
        == 404
    )
    assert (
        desk.post(
            "/api/v1/review/link/int-2/ADDRESSES/rf-2", json={"decision": "accept", **REASON}, headers=curator
        ).status_code
        == 404
    )


def test_a_request_for_a_change_keeps_it_proposed_and_the_researcher_sees_why(desk: TestClient, keys: KeyStore) -> None:
    curator = bearer(keys, "curator")
    body = {"decision": "request_changes", "reason": "give the confidence interval of table 2"}
    response = desk.post("/api/v1/review/record/fnd-2", json=body, headers=curator)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "proposed"
    (item,) = [i for i in _queue(desk)["items"] if i["id"] == "fnd-2"]
    assert "give the confidence interval" in item["changes_requested"]
    history = desk.get("/api/v1/nodes/fnd-2/history").json()
    assert any("request_changes" in line and body["reason"] in line for c in history["changes"] for line in c["logged"])
    # and a curator may still decide it after the researcher's answer
    accept = {"decision": "accept", **REASON}
    assert desk.post("/api/v1/review/record/fnd-2", json=accept, headers=curator).json()["status"] == "accepted"


def test_only_curators_act_at_the_desk(desk: TestClient, keys: KeyStore) -> None:
    body = {"decision": "accept", **REASON}
    assert desk.post("/api/v1/review/record/int-3", json=body).status_code == 401
    assert desk.post("/api/v1/review/record/int-3", json=body, headers=bearer(keys, "researcher")).status_code == 403
    bad = desk.post(
        "/api/v1/review/record/int-3", json={"decision": "maybe", **REASON}, headers=bearer(keys, "curator")
    )
    assert bad.status_code == 422


def test_a_grade_needs_two_different_curators_when_the_setting_says_so(
    store: GraphStore, keys: KeyStore, tmp_path: Path
) -> None:
    load(store, FIXTURES / "usecases")
    with TestClient(create_app(Settings(grade_needs_two_curators=True), store=store, keys=keys)) as client:
        first, second = bearer(keys, "curator", "curator-a"), bearer(keys, "curator", "curator-b")
        accept = {"decision": "accept", **REASON}
        one = client.post("/api/v1/review/record/fnd-2", json=accept, headers=first)
        assert one.status_code == 200 and one.json()["status"] == "proposed", one.text
        assert "1 of 2" in one.json()["review"]
        (item,) = [i for i in _queue(client)["items"] if i["id"] == "fnd-2"]
        assert item["first_acceptance_by"] == agent_of(keys, "curator-a")
        same = client.post("/api/v1/evidence/fnd-2/review", json=accept, headers=first)
        assert same.status_code == 409 and "two different curators" in same.json()["detail"]
        assert same.headers["content-type"] == "application/problem+json"
        two = client.post("/api/v1/review/record/fnd-2", json=accept, headers=second)
        assert two.status_code == 200 and two.json()["status"] == "accepted", two.text
        node = client.get("/api/v1/nodes/fnd-2").json()
        assert node["status"] == "accepted" and len(node["review_log"]) == 2
        # an ungraded record needs one curator
        assert client.post("/api/v1/review/link/int-2/ADDRESSES/rf-1", json=accept, headers=first).status_code == 200


def test_without_the_setting_one_curator_accepts_a_grade(desk: TestClient, keys: KeyStore) -> None:
    response = desk.post(
        "/api/v1/review/record/fnd-2", json={"decision": "accept", **REASON}, headers=bearer(keys, "curator")
    )
    assert response.json()["status"] == "accepted"


def test_a_duplicate_is_merged_keeping_both_provenances(desk: TestClient, keys: KeyStore, store: GraphStore) -> None:
    curator = bearer(keys, "curator")
    body = {"into": "rf-1", "reason": "uitzichtloosheid is de wanhoop van rf-1"}
    response = desk.post("/api/v1/review/record/rf-9/merge", json=body, headers=curator)
    assert response.status_code == 200, response.text
    assert response.json()["links_moved"] == ["fnd-9 EVIDENCE_FOR rf-1"]
    kept = desk.get("/api/v1/nodes/rf-1").json()
    assert any("p. 6" in str(c) and "gevoelens van uitzichtloosheid" in str(c) for c in kept["citations"]), kept
    assert "Hopelessness" in kept["alt_labels"]
    duplicate = desk.get("/api/v1/nodes/rf-9").json()
    assert duplicate["status"] == "rejected" and "merged into rf-1" in duplicate["review_log"][-1]
    moved = store.fetch_links("EVIDENCE_FOR", [("fnd-9", "rf-1"), ("fnd-9", "rf-9")])
    assert moved[("fnd-9", "rf-1")]["status"] == "proposed" and moved[("fnd-9", "rf-1")]["locator"] == "tabel 9"
    assert moved[("fnd-9", "rf-9")]["status"] == "rejected"  # kept, with where it went
    history = desk.get("/api/v1/nodes/rf-9/history").json()
    assert any(c["action"] == "merged into rf-1" for c in history["changes"]), history["changes"]
    again = desk.post("/api/v1/review/record/rf-9/merge", json=body, headers=curator)
    assert again.status_code == 409
    assert desk.post("/api/v1/review/record/int-3/merge", json=body, headers=curator).status_code == 409  # classes
    assert (
        desk.post("/api/v1/review/record/rf-9/merge", json={**body, "into": "rf-nowhere"}, headers=curator).status_code
        == 404
    )


def test_a_factor_moves_to_its_dimension_by_a_reviewed_revision(desk: TestClient, keys: KeyStore) -> None:
    curator = bearer(keys, "curator")
    body = {"dimension": "individual", "reason": "the source names it a personal problem"}
    response = desk.post("/api/v1/review/record/rf-9/dimension", json=body, headers=curator)
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "accepted"
    assert desk.get("/api/v1/nodes/rf-9").json()["dimension"] == "individual"
    (revision,) = desk.get("/api/v1/nodes/rf-9/history").json()["revisions"]
    assert revision["old"] == {"dimension": "environment"} and revision["new"] == {"dimension": "individual"}
    assert revision["state"] == "accepted" and revision["reason"] == body["reason"]
    assert desk.post("/api/v1/review/record/rf-9/dimension", json=body, headers=curator).status_code == 409
    bad = desk.post("/api/v1/review/record/rf-9/dimension", json={**body, "dimension": "moon"}, headers=curator)
    assert bad.status_code == 422 and "dimension" in bad.text
    assert desk.post("/api/v1/review/record/int-3/dimension", json=body, headers=curator).status_code == 409


# ---------------------------------------------------------------- concurrent decisions


@pytest.fixture
def live(store: GraphStore, keys: KeyStore) -> Iterator[str]:
    load(store, FIXTURES / "usecases")
    with serve(create_app(store=store, keys=keys)) as url:
        yield url


def _at_once(url: str, posts: list[tuple[str, dict, dict[str, str]]]) -> list[httpx.Response]:
    start = Barrier(len(posts))

    def send(post: tuple[str, dict, dict[str, str]]) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=60) as http:
            start.wait()
            return http.post(post[0], json=post[1], headers=post[2])

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(send, posts))


@pytest.mark.parametrize(
    ("url", "read"),
    [
        ("/api/v1/review/record/fnd-2", "/api/v1/nodes/fnd-2"),
        ("/api/v1/review/link/int-2/ADDRESSES/rf-1", None),
    ],
)
def test_two_curators_deciding_one_item_at_once_one_wins(live: str, keys: KeyStore, url: str, read: str | None) -> None:
    a, b = bearer(keys, "curator", "curator-a"), bearer(keys, "curator", "curator-b")
    answers = _at_once(
        live, [(url, {"decision": "accept", "reason": "a"}, a), (url, {"decision": "reject", "reason": "b"}, b)]
    )
    assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
    (winner,) = [r.json() for r in answers if r.status_code == 200]
    if read:
        node = httpx.get(f"{live}{read}").json()
        assert node["status"] == winner["status"] and node["review_log"] == [winner["review"]]
    queue = httpx.get(f"{live}/api/v1/review/queue").json()
    assert winner["id"] not in {item["id"] for item in queue["items"]}


def test_a_revision_that_sets_a_grade_needs_two_different_curators(store: GraphStore, keys: KeyStore) -> None:
    load(store, FIXTURES / "usecases")
    header = "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation,grade\n"
    row = "Despair,risk,attitudes,0.2,r,Doe (2024). A study.,{grade}\n"
    with TestClient(create_app(Settings(grade_needs_two_curators=True), store=store, keys=keys)) as client:
        researcher = bearer(keys, "researcher")
        first, second = bearer(keys, "curator", "curator-a"), bearer(keys, "curator", "curator-b")

        def upload(grade: str) -> dict:
            files = {"file": ("e.csv", (header + row.format(grade=grade)).encode(), "text/csv")}
            response = client.post("/api/v1/evidence/import", headers=researcher, files=files)
            assert response.status_code == 200, response.text
            return response.json()

        finding = upload("not-assessed")["report"][0]["finding"]
        accept = {"decision": "accept", **REASON}
        assert (
            client.post(f"/api/v1/review/record/{finding}", json=accept, headers=first).json()["status"] == "accepted"
        )
        (revision,) = upload("well-founded")["revisions"]
        assert _ids(_queue(client, kind="revision")) == {revision}
        url = f"/api/v1/review/revision/{revision}"
        one = client.post(url, json=accept, headers=first)
        assert one.status_code == 200 and one.json()["state"] == "proposed", one.text
        assert client.get(f"/api/v1/nodes/{finding}").json()["grade"] == "not-assessed"
        assert client.post(f"/api/v1/revisions/{revision}/review", json=accept, headers=first).status_code == 409
        two = client.post(url, json=accept, headers=second)
        assert two.status_code == 200 and two.json()["state"] == "accepted", two.text
        assert client.get(f"/api/v1/nodes/{finding}").json()["grade"] == "well-founded"
        assert revision not in _ids(_queue(client))
