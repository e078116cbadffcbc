"""The FastAPI application: one store per process, opened in the lifespan, closed on shutdown.

Routes are plain `def`: the store calls block, so FastAPI runs them in its thread pool and the
event loop stays free (a blocking call in an `async def` route would stall every other request). Only
`/healthz`, which touches nothing, is `async`, so that it answers while the pool is busy.

`create_app` is the entry point that reads the environment, when it is given no Settings; everything
below it (the store, the key store, the limits, the dependencies in caleido.api.deps) gets that one object.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute

from caleido.api import jobs, metrics, problems
from caleido.api.desk_page import router as desk_router
from caleido.api.docs import router as docs_router
from caleido.api.evidence_routes import router as evidence_router
from caleido.api.hsds_routes import router as hsds_router
from caleido.api.idempotency import Idempotency
from caleido.api.keys import KeyStore, open_key_store
from caleido.api.limits import BodyLimit
from caleido.api.map_page import router as map_router
from caleido.api.pages import STATIC
from caleido.api.pages import router as pages_router
from caleido.api.routes import router
from caleido.api.sparql_routes import router as sparql_router
from caleido.errors import DeadlineExceeded
from caleido.graph import metrics_hooks
from caleido.graph.open import open_store
from caleido.graph.store import GraphStore
from caleido.ontology.model import load_ontology
from caleido.settings import Settings, get_settings
from caleido.sparql.projected import projected


def _operation_id(route: APIRoute) -> str:
    """Clean OpenAPI operation ids (the function name), for generated clients."""
    return route.name


def create_app(
    settings: Settings | None = None, *, store: GraphStore | None = None, keys: KeyStore | None = None
) -> FastAPI:
    """The app; with `store` given (tests, embedding) it serves that store and leaves closing it to the caller."""
    settings = get_settings() if settings is None else settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The routes' thread pool (anyio's, 40 threads by default) bounds the store work at once.
        to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        app.state.store = projected(store or open_store(settings.store, settings), settings)  # SPARQL kept in step
        runner = jobs.attach_runner(app, app.state.store)
        observer = getattr(app.state, "metrics", None)
        if observer is not None:
            metrics_hooks.add_observer(observer)
        try:
            yield
        finally:
            if observer is not None:
                metrics_hooks.remove_observer(observer)
            runner.close()  # before the store: a running job finishes its write first
            app.state.store.projection.close()  # and a build of the SPARQL copy its reads
            if store is None:
                app.state.store.close()

    app = FastAPI(
        title="Caleido",
        version=load_ontology().version,
        summary="A knowledge graph of the kaleidoscopic resilience model (Kamerstuk 29 754 nr. 770).",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        docs_url=None,  # served by caleido.api.docs from vendored files, under a Content-Security-Policy
        redoc_url=None,
    )
    # What caleido.api.deps hands out; the store follows when the lifespan starts.
    app.state.settings = settings
    app.state.keys = keys or open_key_store(settings)
    problems.install(app)
    app.include_router(router)
    app.include_router(evidence_router)
    app.include_router(hsds_router)
    app.include_router(sparql_router)
    app.include_router(jobs.router)
    app.include_router(pages_router)
    app.include_router(desk_router)
    app.include_router(map_router)
    app.include_router(docs_router)
    app.mount("/static", STATIC, name="static")

    app.add_middleware(Idempotency)  # added first, so the body limit and the deadline below wrap it

    @app.middleware("http")
    async def deadline(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """Answer 503 rather than keep a client waiting on a store that does not answer."""
        try:
            return await asyncio.wait_for(call_next(request), settings.request_timeout_seconds)
        except TimeoutError:
            late = DeadlineExceeded(f"No answer within {settings.request_timeout_seconds:g} s; try again shortly.")
            return problems.problem_for(late)

    # Each added one wraps the ones before: the body limit holds before the deadline and every route.
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(problems.CatchUnexpected)
    if settings.metrics:
        metrics.install(app)  # last, so its timing wraps every answer, the catch-all's 500 included
    return app
