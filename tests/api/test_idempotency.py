"""Idempotency-Key on POST writes, on both stores: a repeat gets the first answer without a second write; the same
key with another request is refused; a key still running answers 409; keys are scoped to the credential."""

from __future__ import annotations

import copy

from fastapi.testclient import TestClient

from caleido.api import idempotency
from caleido.api.keys import KeyStore
from caleido.graph.store import Entry, GraphStore, entry_time
from tests.api.test_evidence_routes import FINDING
from tests.helpers import bearer


def test_a_repeat_gets_the_first_answer_and_writes_nothing(
    client: TestClient, store: GraphStore, keys: KeyStore
) -> None:
    headers = {**bearer(keys, "researcher"), "Idempotency-Key": "7f0c1b4e-retry-me"}
    first = client.post("/api/v1/findings", json=FINDING, headers=headers)
    assert first.status_code == 201, first.text
    counts = store.counts()
    again = client.post("/api/v1/findings", json=FINDING, headers=headers)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["idempotent-replayed"] == "true" and again.headers["location"] == first.headers["location"]
    assert "idempotent-replayed" not in first.headers
    assert store.counts() == counts


def test_the_same_key_with_another_request_is_refused(client: TestClient, keys: KeyStore) -> None:
    headers = {**bearer(keys, "researcher"), "Idempotency-Key": "one-key"}
    assert client.post("/api/v1/findings", json=FINDING, headers=headers).status_code == 201
    other = copy.deepcopy(FINDING)
    other["population"] = "youth"
    refused = client.post("/api/v1/findings", json=other, headers=headers)
    assert refused.status_code == 422 and "another request" in refused.json()["detail"]
    assert refused.headers["content-type"] == "application/problem+json"


def test_keys_belong_to_the_credential_that_sent_them(client: TestClient, keys: KeyStore) -> None:
    one = {**bearer(keys, "researcher", "one"), "Idempotency-Key": "shared-key"}
    two = {**bearer(keys, "researcher", "two"), "Idempotency-Key": "shared-key"}
    assert client.post("/api/v1/findings", json=FINDING, headers=one).status_code == 201
    second = client.post("/api/v1/findings", json=FINDING, headers=two)
    assert second.status_code == 201 and "idempotent-replayed" not in second.headers


def test_a_key_whose_first_request_still_runs_answers_409(
    client: TestClient, store: GraphStore, keys: KeyStore
) -> None:
    headers = {**bearer(keys, "researcher"), "Idempotency-Key": "in-flight"}
    entry_id = idempotency.entry_id(headers["Authorization"].encode(), b"", "in-flight")
    request = idempotency.fingerprint(
        "POST", "/api/v1/findings", b"", client.build_request("POST", "/api/v1/findings", json=FINDING).read()
    )
    running = Entry(idempotency.KIND, entry_id, entry_id, entry_time(), {"state": "running", "request": request})
    store.put_entries([running])
    busy = client.post("/api/v1/findings", json=FINDING, headers=headers)
    assert busy.status_code == 409 and busy.headers["retry-after"] == "5", busy.text


def test_a_malformed_key_is_refused_before_anything_runs(client: TestClient, keys: KeyStore) -> None:
    headers = {**bearer(keys, "researcher"), "Idempotency-Key": "x" * 300}
    refused = client.post("/api/v1/findings", json=FINDING, headers=headers)
    assert refused.status_code == 400 and "Idempotency-Key" in refused.json()["detail"]
