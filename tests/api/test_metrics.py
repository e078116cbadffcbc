"""GET /metrics (caleido.api.metrics) on each store, over tests/fixtures/usecases: the text parses as Prometheus'
format; requests are counted under their route's template, method and status class; the store's catalogue
queries, writes (rows by kind, failures) and rebuilds of derived data are observed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.errors import WriteConflict
from caleido.graph import metrics_hooks
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.store import ENTRIES, Entry, Expected, GraphStore
from caleido.settings import Settings
from tests.helpers import bearer

NODE_ROUTE = "/api/v1/nodes/{node_id}"


def scrape(client: TestClient, **headers: str) -> dict[str, list[Sample]]:
    """The samples of each metric family, by the family's name."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {family.name: family.samples for family in text_string_to_metric_families(response.text)}


def value(samples: list[Sample], name: str, **labels: str) -> float:
    """The value of the one sample called `name` with these labels (others ignored), 0 when there is none."""
    found = [s.value for s in samples if s.name == name and labels.items() <= s.labels.items()]
    assert len(found) <= 1, (name, labels, found)
    return found[0] if found else 0.0


def kind_of(store: GraphStore) -> str:
    return "embedded" if isinstance(store, EmbeddedStore) else "neo4j"


def test_requests_are_counted_by_route_template_method_and_status_class(client: TestClient) -> None:
    before = scrape(client)["caleido_http_request_duration_seconds"]
    for _ in range(3):
        assert client.get("/api/v1/nodes/rf-1").status_code == 200
    assert client.get("/api/v1/nodes/no-such-node").status_code == 404
    assert client.get("/no/such/page/4711").status_code == 404
    assert client.get("/static/caleido.css").status_code == 200
    client.request("FOO4711", "/api/v1/nodes/rf-1")
    assert client.get("/static/no-such-4711.css").status_code == 404
    after = scrape(client)["caleido_http_request_duration_seconds"]

    def added(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    ok = {"route": NODE_ROUTE, "method": "GET", "status": "2xx"}
    assert added("caleido_http_request_duration_seconds_count", **ok) == 3
    assert added("caleido_http_request_duration_seconds_bucket", **ok, le="+Inf") == 3
    assert added("caleido_http_request_duration_seconds_sum", **ok) > 0
    assert added("caleido_http_request_duration_seconds_count", route=NODE_ROUTE, method="GET", status="4xx") == 1
    assert added("caleido_http_request_duration_seconds_count", route="unmatched", status="4xx") == 1
    assert added("caleido_http_request_duration_seconds_count", route="/static", status="2xx") == 1
    assert added("caleido_http_request_duration_seconds_count", route="/static", status="4xx") == 1
    assert added("caleido_http_request_duration_seconds_count", route=NODE_ROUTE, method="other") == 1
    routes = {s.labels["route"] for s in after}
    assert not any("rf-1" in r or "no-such" in r or "4711" in r for r in routes), routes  # templates, not paths
    assert {s.labels["method"] for s in after} <= {"GET", "other"}


def test_store_reads_writes_and_rebuilds_are_observed(client: TestClient, store: GraphStore) -> None:
    kind = kind_of(store)
    client.get("/api/v1/coverage")
    before = scrape(client)
    reads = before["caleido_store_read_duration_seconds"]
    counted = [s for s in reads if s.name.endswith("_count") and s.labels["store"] == kind and s.value > 0]
    assert counted, "the coverage's catalogue queries are timed"
    assert all(s.labels["query"] and not s.labels["query"].startswith("MATCH") for s in counted)  # by name

    entry = Entry("metrics-test", "one", "rf-1", "2026-01-01T00:00:00.000000Z", {"n": 1})
    store.put_entries([entry])
    with pytest.raises(WriteConflict):  # it exists now: nothing is written, and the failure is counted
        store.write([], [], [entry], expect=[Expected(ENTRIES, ("metrics-test", "one"), None)])
    with metrics_hooks.rebuilding("derived:metrics-test"):
        pass
    after = scrape(client)

    def added(family: str, name: str, **labels: str) -> float:
        return value(after[family], name, **labels) - value(before[family], name, **labels)

    writes = "caleido_store_write_duration_seconds"
    assert added(writes, f"{writes}_count", store=kind) == 2
    assert (
        added("caleido_store_written_rows", "caleido_store_written_rows_total", store=kind, kind="entry:metrics-test")
        == 1
    )
    assert added("caleido_store_failures", "caleido_store_failures_total", store=kind, operation="write") == 1
    assert (
        added("caleido_derived_rebuilds", "caleido_derived_rebuilds_total", kind="derived:metrics-test", outcome="done")
        == 1
    )
    rebuilt = "caleido_derived_rebuild_duration_seconds"
    assert added(rebuilt, f"{rebuilt}_count", kind="derived:metrics-test") == 1
    # the fixture loaded the use cases while the app ran: its nodes were counted by class
    assert (
        value(
            before["caleido_store_written_rows"],
            "caleido_store_written_rows_total",
            store=kind,
            kind="node:Intervention",
        )
        > 0
    )
    assert value(after["process_resident_memory_bytes"], "process_resident_memory_bytes") > 0


@pytest.fixture
def guarded(store: GraphStore, keys: KeyStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(require_key_for_reads=True), store=store, keys=keys)) as client:
        yield client


def test_metrics_are_as_open_as_the_reads(guarded: TestClient, keys: KeyStore) -> None:
    assert guarded.get("/metrics").status_code == 401
    assert scrape(guarded, **bearer(keys, "reader"))["caleido_http_request_duration_seconds"]


def test_metrics_can_be_turned_off_and_are_not_in_the_api_document(store: GraphStore, keys: KeyStore) -> None:
    with TestClient(create_app(Settings(metrics=False), store=store, keys=keys)) as off:
        assert off.get("/metrics").status_code == 404
        assert off.get("/healthz").status_code == 200
    with TestClient(create_app(Settings(), store=store, keys=keys)) as on:
        assert "/metrics" not in on.get("/openapi.json").json()["paths"]
