"""Cypher-looking and HTML-looking text through every write route, on both stores: stored and returned
verbatim, never executed. Each payload is written into every free-text field a route takes; afterwards
every other count in the graph is what it was (nothing deleted, nothing created beyond the writes)."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore
from tests.helpers import bearer

PAYLOADS = [
    "x'}) MATCH (n) DETACH DELETE n //",
    'x"}) WITH 1 AS a MATCH (n) SET n.status = "retracted" RETURN a //',
    "`Finding`) DETACH DELETE n; CREATE (m:Evil {id: 'evil'}) //",
    "$ids ${jndi:ldap://127.0.0.1/x} {{7*7}} %s %n",
    "CALL db.labels() YIELD label RETURN label UNION MATCH (n) RETURN n.id AS label",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)"> & &amp; &lt;',
    "\\'; DROP TABLE Finding; -- \\\\ \u202eevil\u202c ünïcödé 🧪",
]


def _counts(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    counts = store.counts()
    return dict(counts.nodes), dict(counts.links)


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload{i}" for i in range(len(PAYLOADS))])
def test_findings_and_evidence_keep_payloads_verbatim(
    client: TestClient, keys: KeyStore, store: GraphStore, payload: str
) -> None:
    nodes, links = _counts(store)
    researcher = bearer(keys, "researcher")
    finding = {
        "statement": {"nl": payload, "en": payload},
        "population": payload,
        "method": payload,
        "outcome": payload,
        "effect_measure": payload[:50],
        "grade": "not-assessed",
        "source": {"citation": f"{payload} (2024). A study.", "locator": payload},
    }
    created = client.post("/api/v1/findings", json=finding, headers=researcher)
    assert created.status_code == 201, created.text
    finding_id, source_id = created.json()["id"], created.json()["source"]
    link = {"finding": finding_id, "factor": "rf-1", "direction": "supports", "locator": payload, "note": payload}
    linked = client.post("/api/v1/evidence", json=link, headers=researcher)
    assert linked.status_code == 201, linked.text
    reviewed = client.post(
        f"/api/v1/evidence/{finding_id}/review",
        json={"decision": "accept", "reason": payload},
        headers=bearer(keys, "curator"),
    )
    assert reviewed.status_code == 200, reviewed.text

    detail = client.get(f"/api/v1/nodes/{finding_id}").json()
    assert (detail["label_nl"], detail["label_en"], detail["population"], detail["method"], detail["outcome"]) == (
        payload,
        payload,
        payload,
        payload,
        payload,
    )
    assert detail["effect_measure"] == payload[:50]
    assert any(payload in entry for entry in detail["review_log"])
    evidence = [x for x in detail["links"] if x["rel"] == "EVIDENCE_FOR" and x["to"] == "rf-1"]
    assert [(x["note"], x["locator"]) for x in evidence] == [(payload, payload)]
    source = client.get(f"/api/v1/nodes/{source_id}").json()
    assert source["citation"] == f"{payload} (2024). A study."
    reported = [x for x in detail["links"] if x["rel"] == "REPORTED_IN"]
    assert [x["locator"] for x in reported] == [payload]

    after_nodes, after_links = _counts(store)
    assert after_nodes == {**nodes, "Finding": nodes["Finding"] + 1, "Source": nodes["Source"] + 1}
    assert after_links == {
        **links,
        "EVIDENCE_FOR": links["EVIDENCE_FOR"] + 1,
        "REPORTED_IN": links["REPORTED_IN"] + 1,
    }
    assert "Evil" not in store.counts().nodes


def test_an_import_keeps_payloads_verbatim(client: TestClient, keys: KeyStore, store: GraphStore) -> None:
    nodes, links = _counts(store)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["factor_name", "factor_kind", "outcome", "effect_size", "effect_measure", "source_citation", "notes"]
    )
    for i, payload in enumerate(PAYLOADS):
        writer.writerow([f"{payload} {i}", "risk", payload, "0.1", "r", f"{payload} ({2000 + i}). Study.", payload])
    upload = client.post(
        "/api/v1/evidence/import",
        headers=bearer(keys, "researcher"),
        files={"file": ("payloads.csv", out.getvalue().encode(), "text/csv")},
    )
    assert upload.status_code == 200, upload.text
    rows = upload.json()["report"]
    assert len(rows) == len(PAYLOADS) and {r["factor_match"] for r in rows} == {"proposed"}
    for row, payload in zip(rows, PAYLOADS, strict=True):
        factor = client.get(f"/api/v1/nodes/{row['factor']}").json()
        assert f"{payload} {PAYLOADS.index(payload)}" in (factor["label_nl"], factor["label_en"])
        finding = client.get(f"/api/v1/nodes/{row['finding']}").json()
        assert finding["outcome"] == payload
    after_nodes, _ = _counts(store)
    n = len(PAYLOADS)
    assert after_nodes == {
        **nodes,
        "Finding": nodes["Finding"] + n,
        "RiskFactor": nodes["RiskFactor"] + n,
        "Source": nodes["Source"] + n,
    }
    assert store.counts().links["EVIDENCE_FOR"] == links["EVIDENCE_FOR"] + n
