"""`GET /metrics` in the Prometheus text format: request latency per route, store query and write times,
rows written by kind, rebuilds of derived data, and the process (CPU, resident memory, open files, GC).

Each app keeps its own registry; its Observer listens to the graph layer's hooks
(caleido.graph.metrics_hooks) while the app runs. Every label value is bounded: a request is labelled
with its route's path template (`/api/v1/nodes/{node_id}`), never the raw path, its method and its status
class (`2xx`); a path that matches no route is `unmatched`, a method not in HTTP's list `other`.

`caleido serve` runs one process, so one registry holds everything; prometheus-client's multiprocess mode
(PROMETHEUS_MULTIPROC_DIR) is not set up (see the README's "Metrics").
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.exposition import choose_encoder
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from caleido.api.deps import app_keys, app_settings, optional_reader
from caleido.graph.metrics_hooks import Observer

UNMATCHED = "unmatched"
# A client may send any token as its method: others are counted as "other", so the label stays bounded.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
# Up to a minute: a store write of a bulk batch, an import, a slow page under load (targets: 0.2 s, 0.25 s).
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_REBUILD_SECONDS = (0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


class Metrics(Observer):
    """The app's registry and its metrics; it observes the stores and the rebuilds."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.requests = Histogram(
            "caleido_http_request_duration_seconds",
            "HTTP requests until their answer was sent, by route template, method and status class.",
            ["route", "method", "status"],
            buckets=_SECONDS,
            registry=self.registry,
        )
        self.reads = Histogram(
            "caleido_store_read_duration_seconds",
            "Catalogue queries (caleido.graph.queries) by store kind and query name.",
            ["store", "query"],
            buckets=_SECONDS,
            registry=self.registry,
        )
        self.writes = Histogram(
            "caleido_store_write_duration_seconds",
            "Store write transactions (derived data maintained in them included), by store kind; _count counts them.",
            ["store"],
            buckets=_SECONDS,
            registry=self.registry,
        )
        self.failures = Counter(
            "caleido_store_failures",
            "Store reads and writes that raised (a write that raised wrote nothing), by store kind and operation.",
            ["store", "operation"],
            registry=self.registry,
        )
        self.written = Counter(
            "caleido_store_written_rows",
            "Rows in committed writes, by store kind and kind of row (node:CLASS, link:TYPE, entry:KIND).",
            ["store", "kind"],
            registry=self.registry,
        )
        self.rebuilds = Counter(
            "caleido_derived_rebuilds",
            "Rebuilds of a family of derived data (caleido reindex, after a bulk load), by kind and outcome.",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.rebuild_seconds = Histogram(
            "caleido_derived_rebuild_duration_seconds",
            "How long the rebuild of a family of derived data took, by kind.",
            ["kind"],
            buckets=_REBUILD_SECONDS,
            registry=self.registry,
        )

    def read(self, store: str, query: str, seconds: float, failed: bool) -> None:
        self.reads.labels(store, query).observe(seconds)
        if failed:
            self.failures.labels(store, "read").inc()

    def write(self, store: str, seconds: float, written: Mapping[str, int], failed: bool) -> None:
        self.writes.labels(store).observe(seconds)
        if failed:
            self.failures.labels(store, "write").inc()
            return
        for kind, count in written.items():
            self.written.labels(store, kind).inc(count)

    def rebuild(self, kind: str, seconds: float, failed: bool) -> None:
        self.rebuild_seconds.labels(kind).observe(seconds)
        self.rebuilds.labels(kind, "failed" if failed else "done").inc()


def route_template(scope: Scope, path: str) -> str:
    """The path template of the route that took the request to `path`, or the prefix of the mount (`/static`)
    that did: FastAPI names the route in the scope, not the mount."""
    route = scope.get("route")
    if isinstance(route, BaseRoute) and hasattr(route, "path"):
        return str(route.path)
    app = scope.get("app")
    for mount in getattr(app, "routes", ()):
        if isinstance(mount, Mount) and path.startswith(mount.path + "/"):
            return mount.path
    return UNMATCHED


class TimeRequests:
    """ASGI middleware, outermost: times each HTTP request until its answer was sent, whatever answered it
    (a route, the body limit, the deadline, the catch-all for errors)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # unless a response starts
        path = scope["path"]  # as asked: a mount moves what it matched into root_path
        start = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.metrics.requests.labels(route_template(scope, path), method, f"{status // 100}xx").observe(
                time.perf_counter() - start
            )


router = APIRouter(include_in_schema=False)  # for Prometheus, not API clients (nor the schema's tests)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """The metrics in Prometheus' text format. As open as the reads: with CALEIDO_REQUIRE_KEY_FOR_READS a
    reader key is needed (Prometheus sends it with `authorization: {credentials: KEY}`)."""
    # async, so that a scrape is answered while the store's work fills the thread pool; only a key check
    # (SQLite) goes there, and only when a key is needed or sent.
    settings = app_settings(request)
    if settings.require_key_for_reads or "authorization" in request.headers or "x-api-key" in request.headers:
        await run_in_threadpool(optional_reader, request, app_keys(request), settings)
    registry: CollectorRegistry = request.app.state.metrics.registry
    # The format the scraper asks for: OpenMetrics when its Accept header says so, else the text format.
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(registry), headers={"Content-Type": content_type})


def install(app: FastAPI) -> Metrics:
    """The route and the timing middleware (call it after every other middleware, so it is outermost)."""
    app.state.metrics = found = Metrics()
    app.include_router(router)
    app.add_middleware(TimeRequests, metrics=found)
    return found
