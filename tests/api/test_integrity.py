"""Nothing acknowledged is silently overwritten, over HTTP on each store: the same write sent again changes nothing,
changes of accepted knowledge become revisions a curator decides, every change is in a record's history, and
concurrent reviews of one item let one state change win (trial rows A23, C25, D6, D7, D8)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore
from caleido.settings import Settings
from tests.api.test_evidence_routes import FINDING
from tests.helpers import FIXTURES, agent_of, bearer, load, serve

CSV = (
    "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation\n"
    'Wanhoop,risk,intentions,0.3,r,"Roe, R. (2023). A study."\n'
    'a new factor,protective,behaviour,0.2,r,"Roe, R. (2023). A study."\n'
)


def _node(client: TestClient, node_id: str) -> dict[str, Any]:
    return client.get(f"/api/v1/nodes/{node_id}").json()


def _review(client: TestClient, headers: dict[str, str], node_id: str, decision: str = "accept") -> httpx.Response:
    return client.post(
        f"/api/v1/evidence/{node_id}/review", headers=headers, json={"decision": decision, "reason": "r"}
    )


def _kept(node: dict[str, Any]) -> dict[str, Any]:
    return {k: node[k] for k in ("status", "reviewed_by", "reviewed_at", "review_log", "added_by", "added_at")}


def test_the_same_finding_sent_again_after_its_review_changes_nothing(client: TestClient, keys: KeyStore) -> None:
    # D7: the retry put the finding and its source back to proposed and emptied their review logs
    researcher, curator = bearer(keys, "researcher"), bearer(keys, "curator")
    first = client.post("/api/v1/findings", json=FINDING, headers=researcher).json()
    assert _review(client, curator, first["id"]).status_code == 200
    assert _review(client, curator, first["source"]).status_code == 200
    before = [_node(client, first["id"]), _node(client, first["source"])]
    again = client.post("/api/v1/findings", json=FINDING, headers=researcher)
    assert again.status_code == 201 and again.json()["revisions"] == []
    after = [_node(client, first["id"]), _node(client, first["source"])]
    assert after == before and [n["status"] for n in after] == ["accepted", "accepted"]
    assert [len(n["review_log"]) for n in after] == [1, 1]


def test_another_key_citing_an_accepted_source_proposes_a_revision(client: TestClient, keys: KeyStore) -> None:
    # D8: the accepted source took the other key's URL and citation, and lost its review
    body = {**FINDING, "source": {**FINDING["source"], "citation": "Integrity Test 2021", "url": "https://a.example"}}
    first = client.post("/api/v1/findings", json=body, headers=bearer(keys, "researcher")).json()
    curator = bearer(keys, "curator", "curator-c")
    assert _review(client, curator, first["source"]).status_code == 200
    source = _node(client, first["source"])
    other = {**body, "source": {**body["source"], "citation": "integrity test, 2021", "url": "https://evil.example"}}
    answer = client.post("/api/v1/findings", json=other, headers=bearer(keys, "admin", "other-key"))
    assert answer.status_code == 201, answer.text
    assert _node(client, first["source"]) == source
    (revision_id,) = answer.json()["revisions"]
    queue = client.get("/api/v1/revisions", params={"state": "proposed"}).json()
    assert queue["total"] == 1 and queue["revisions"][0]["id"] == revision_id
    revision = client.get(f"/api/v1/revisions/{revision_id}").json()
    assert (revision["by"], revision["record"], revision["new"]["url"], revision["old"]["url"]) == (
        agent_of(keys, "other-key"),
        first["source"],
        "https://evil.example",
        "https://a.example",
    )
    # a researcher may not decide it; a curator rejects it and the source stays as it was
    decide = f"/api/v1/revisions/{revision_id}/review"
    no = {"decision": "reject", "reason": "not the publisher's URL"}
    assert client.post(decide, json=no, headers=bearer(keys, "researcher")).status_code == 403
    assert client.post(decide, json=no, headers=curator).json()["state"] == "rejected"
    assert client.post(decide, json=no, headers=curator).status_code == 409
    assert _node(client, first["source"])["url"] == "https://a.example"
    assert client.get(f"/api/v1/revisions/{revision_id}").json()["reviewed_by"] == agent_of(keys, "curator-c")


def test_linking_evidence_again_does_not_rewrite_accepted_evidence(client: TestClient, keys: KeyStore) -> None:
    # A23: a researcher's link turned the accepted link fnd-1 -> rf-1 into a proposed, contradicting one
    link = {"finding": "fnd-1", "factor": "rf-1", "direction": "contradicts", "locator": "my reading", "note": "x"}
    before = _node(client, "fnd-1")["links"]
    answer = client.post("/api/v1/evidence", json=link, headers=bearer(keys, "researcher", "uva"))
    assert answer.status_code == 201, answer.text
    assert _node(client, "fnd-1")["links"] == before
    (revision_id,) = answer.json()["revisions"]
    accepted = client.post(
        f"/api/v1/revisions/{revision_id}/review",
        json={"decision": "accept", "reason": "the table says so"},
        headers=bearer(keys, "curator", "cur"),
    )
    assert accepted.status_code == 200, accepted.text
    (changed,) = [lk for lk in _node(client, "fnd-1")["links"] if lk["to"] == "rf-1"]
    assert (changed["direction"], changed["locator"], changed["status"], changed["added_by"]) == (
        "contradicts",
        "my reading",
        "accepted",
        "test-suite",
    )
    changes = client.get("/api/v1/nodes/fnd-1/history").json()["changes"]
    last = changes[-1]
    assert (last["action"], last["by"], last["link"], last["old"]["direction"], last["new"]["direction"]) == (
        "revision accepted",
        agent_of(keys, "cur"),
        {"rel": "EVIDENCE_FOR", "from": "fnd-1", "to": "rf-1"},
        "supports",
        "contradicts",
    )


def test_reimporting_a_file_after_a_review_reports_and_keeps_it_unchanged(client: TestClient, keys: KeyStore) -> None:
    # C25: the report said "unchanged" while the accepted finding went back to proposed with an empty log
    researcher, curator = bearer(keys, "researcher"), bearer(keys, "curator")
    upload = {"file": ("formula.csv", CSV.encode(), "text/csv")}
    first = client.post("/api/v1/evidence/import", headers=researcher, files=upload).json()["report"]
    for row in first:
        assert _review(client, curator, row["finding"]).status_code == 200
    before = [_kept(_node(client, row["finding"])) for row in first]
    again = client.post("/api/v1/evidence/import", headers=researcher, files=upload).json()
    assert [row["status"] for row in again["report"]] == ["unchanged", "unchanged"] and again["revisions"] == []
    assert [_kept(_node(client, row["finding"])) for row in first] == before
    # the same rows from another file name another locator: for accepted findings, a revision, not a rewrite
    renamed = client.post(
        "/api/v1/evidence/import", headers=researcher, files={"file": ("copy.csv", CSV.encode(), "text/csv")}
    ).json()
    assert [row["status"] for row in renamed["report"]] == ["revised", "revised"]
    assert [_kept(_node(client, row["finding"])) for row in first] == before
    assert [_node(client, row["finding"])["locator"] for row in first] == ["formula.csv, line 2", "formula.csv, line 3"]


def test_a_history_needs_a_known_node_and_respects_the_read_policy(
    client: TestClient, store: GraphStore, keys: KeyStore
) -> None:
    assert client.get("/api/v1/nodes/no-such-node/history").status_code == 404
    assert client.get("/api/v1/revisions/rev-nowhere").status_code == 404
    history = client.get("/api/v1/nodes/fnd-2/history").json()
    assert [c["action"] for c in history["changes"]] == ["created"] * 3 and history["revisions"] == []
    with TestClient(create_app(Settings(require_key_for_reads=True), store=store, keys=keys)) as closed:
        for path in ("/api/v1/nodes/fnd-2/history", "/api/v1/revisions", "/api/v1/revisions/rev-nowhere"):
            assert closed.get(path).status_code == 401, path
        assert closed.get("/api/v1/revisions", headers=bearer(keys, "reader")).status_code == 200


# ---------------------------------------------------------------- concurrent reviews (D6)


@pytest.fixture
def live(store: GraphStore, keys: KeyStore) -> Iterator[str]:
    load(store, FIXTURES / "usecases")
    with serve(create_app(store=store, keys=keys)) as url:
        yield url


def _at_once(url: str, requests: list[Callable[[httpx.Client], httpx.Response]]) -> list[httpx.Response]:
    """Send the requests from as many threads, released together."""
    start = Barrier(len(requests))

    def send(request: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=60) as http:
            start.wait()
            return request(http)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def _review_request(
    headers: dict[str, str], node_id: str, decision: str, n: int
) -> Callable[[httpx.Client], httpx.Response]:
    body = {"decision": decision, "reason": f"review {n}"}
    return lambda http: http.post(f"/api/v1/evidence/{node_id}/review", json=body, headers=headers)


def test_eight_concurrent_accepts_of_one_finding_let_one_win(live: str, keys: KeyStore) -> None:
    curator, admin = bearer(keys, "curator"), bearer(keys, "admin")
    answers = _at_once(live, [_review_request((curator, admin)[n % 2], "fnd-2", "accept", n) for n in range(8)])
    assert sorted(a.status_code for a in answers) == [200] + [409] * 7, [a.text for a in answers]
    assert all(a.headers["content-type"] == "application/problem+json" for a in answers if a.status_code == 409)
    node = httpx.get(f"{live}/api/v1/nodes/fnd-2").json()
    (winner,) = [a.json() for a in answers if a.status_code == 200]
    assert node["status"] == "accepted" and node["review_log"] == [winner["review"]]


def test_eight_concurrent_mixed_reviews_let_exactly_one_win(live: str, keys: KeyStore) -> None:
    # D6 as the trial sent it: 4 accept and 4 reject of one proposed finding, no expected_status. One lands;
    # the others, whether they read the status before or after it, get 409 (a decision is changed only on purpose).
    curator = bearer(keys, "curator")
    answers = _at_once(live, [_review_request(curator, "fnd-2", ("accept", "reject")[n % 2], n) for n in range(8)])
    assert sorted(a.status_code for a in answers) == [200] + [409] * 7, [a.text for a in answers]
    (winner,) = [a.json() for a in answers if a.status_code == 200]
    node = httpx.get(f"{live}/api/v1/nodes/fnd-2").json()
    assert winner["previous_status"] == "proposed" and node["status"] == winner["status"]
    assert node["review_log"] == [winner["review"]]


def test_eight_concurrent_mixed_reviews_of_the_status_read_let_exactly_one_win(live: str, keys: KeyStore) -> None:
    # the trial's D6 (4 accept, 4 reject, curator and admin keys), each saying which status it reviewed
    keys_ = (bearer(keys, "curator"), bearer(keys, "admin"))

    def review(n: int) -> Callable[[httpx.Client], httpx.Response]:
        body = {"decision": ("accept", "reject")[n % 2], "reason": f"review {n}", "expected_status": "proposed"}
        return lambda http: http.post("/api/v1/evidence/fnd-2/review", json=body, headers=keys_[n // 2 % 2])

    answers = _at_once(live, [review(n) for n in range(8)])
    assert sorted(a.status_code for a in answers) == [200] + [409] * 7, [a.text for a in answers]
    (winner,) = [a.json() for a in answers if a.status_code == 200]
    node = httpx.get(f"{live}/api/v1/nodes/fnd-2").json()
    assert node["status"] == winner["status"] and node["review_log"] == [winner["review"]]


def test_eight_concurrent_decisions_on_one_revision_let_one_win(live: str, keys: KeyStore) -> None:
    link = {"finding": "fnd-1", "factor": "rf-1", "direction": "mixed", "locator": "p. 9"}
    (revision_id,) = httpx.post(f"{live}/api/v1/evidence", json=link, headers=bearer(keys, "researcher")).json()[
        "revisions"
    ]
    curator = bearer(keys, "curator")

    def decide(n: int) -> Callable[[httpx.Client], httpx.Response]:
        body = {"decision": ("accept", "reject")[n % 2], "reason": f"decision {n}"}
        return lambda http: http.post(f"/api/v1/revisions/{revision_id}/review", json=body, headers=curator)

    answers = _at_once(live, [decide(n) for n in range(8)])
    assert sorted(a.status_code for a in answers) == [200] + [409] * 7, [a.text for a in answers]
    (winner,) = [a.json() for a in answers if a.status_code == 200]
    revision = httpx.get(f"{live}/api/v1/revisions/{revision_id}").json()
    assert revision["state"] == winner["state"]
    (stored,) = [lk for lk in httpx.get(f"{live}/api/v1/nodes/fnd-1").json()["links"] if lk["to"] == "rf-1"]
    assert stored["review_log"] == [winner["review"]]
    assert stored["direction"] == ("mixed" if winner["state"] == "accepted" else "supports")
