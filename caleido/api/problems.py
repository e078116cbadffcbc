"""Every error as application/problem+json (RFC 9457): a title, a detail that says what to fix,
and for validation the field paths. No stack trace or internal name ever reaches a client."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from caleido.errors import InvalidData, StoreBusy, StoreError
from caleido.graph.usecases import NotFound
from caleido.loaders.evidence import ReviewConflict

PROBLEM = "application/problem+json"
RETRY_AFTER_SECONDS = 5
log = logging.getLogger("caleido.api")


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    headers = extra.pop("headers", None)
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path", "header"))


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
        shown = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, "Invalid request", f"Fix these fields: {shown}", errors=errors)

    @app.exception_handler(InvalidData)
    def invalid_data(_: Request, exc: InvalidData) -> JSONResponse:
        errors = [
            {"file": p.file, "location": p.location, "field": p.field, "message": p.message} for p in exc.problems
        ]
        return problem(422, "Invalid data", f"{len(errors)} problem(s) found; nothing was written.", errors=errors)

    @app.exception_handler(ReviewConflict)
    def conflict(_: Request, exc: ReviewConflict) -> JSONResponse:
        return problem(409, "Conflict", str(exc))

    @app.exception_handler(NotFound)
    def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return problem(404, "Not found", str(exc))

    @app.exception_handler(StoreBusy)
    @app.exception_handler(StoreError)
    def store_unavailable(_: Request, exc: StoreError) -> JSONResponse:
        log.warning("store unavailable: %s", exc)
        return problem(
            503,
            "Store unavailable",
            "The graph store cannot be reached right now; try again shortly.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.exception_handler(HTTPException)
    def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        titles = {
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not found",
            405: "Method not allowed",
            413: "Content too large",
        }
        return problem(
            exc.status_code,
            titles.get(exc.status_code, "Error"),
            str(exc.detail),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return problem(500, "Internal error", "Something went wrong on our side; it has been logged.")
