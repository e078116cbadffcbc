"""Every error as application/problem+json (RFC 9457): a title, a detail that says what to fix,
and for validation the field paths. No stack trace or internal name ever reaches a client."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from caleido.api.schemas import ProblemDetail
from caleido.errors import CaleidoError, InvalidData

PROBLEM = "application/problem+json"
log = logging.getLogger("caleido.api")

_WHEN = {
    400: "The body could not be parsed (not UTF-8 JSON, or a broken multipart form)",
    401: "No API key, or a malformed, unknown or revoked one",
    403: "The API key's role is too low for this route",
    404: "An id or name that matches nothing",
    409: "The review does not fit the claim's current status, or what was read changed before the write landed",
    413: "The body is larger than the upload limit",
    422: "A parameter or the body is invalid; `errors` names each field",
    503: "The graph store cannot be reached; retry after `Retry-After` seconds",
}
_HEADERS = {
    401: {"WWW-Authenticate": {"description": "The scheme, and why the key was refused", "schema": {"type": "string"}}},
    403: {"WWW-Authenticate": {"description": "error=insufficient_scope", "schema": {"type": "string"}}},
    503: {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}},
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the error answers a route can give, all application/problem+json, so clients
    and contract tests (Schemathesis) know them. Pass to a route's or router's `responses=`."""
    return {
        status: {
            "description": _WHEN[status],
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}},
            **({"headers": _HEADERS[status]} if status in _HEADERS else {}),
        }
        for status in statuses
    }


def _document_problem_schema(app: FastAPI) -> None:
    """Add the ProblemDetail schema to the OpenAPI components. FastAPI would file a response `model` under
    application/json only, so `responses()` refers to the schema by $ref and this puts it in place."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()  # also cached as app.openapi_schema
        schema = ProblemDetail.model_json_schema(ref_template="#/components/schemas/{model}")
        components = document.setdefault("components", {}).setdefault("schemas", {})
        components.update(schema.pop("$defs", {}))
        components["ProblemDetail"] = schema
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the document


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    headers = extra.pop("headers", None)
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def client_detail(exc: CaleidoError) -> str:
    """The detail a client may see. A server-side fault is logged here in full: a transient one as a warning
    (expected while a server restarts), a permanent one as an error, with its cause, for someone to fix."""
    if exc.retry_after is not None:
        log.warning("%s: %s", type(exc).__name__, exc)
    elif exc.status >= 500:
        log.error("%s: %s", type(exc).__name__, exc, exc_info=exc)
    return exc.detail


def problem_for(exc: CaleidoError) -> JSONResponse:
    """The answer the error table gives: the class's status and title, its detail, and for invalid data
    every problem with its location."""
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidData):
        extra["errors"] = [
            {"file": p.file, "location": p.location, "field": p.field, "message": p.message} for p in exc.problems
        ]
    return problem(exc.status, exc.title, client_detail(exc), headers=exc.headers or None, **extra)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path", "header"))


def install(app: FastAPI) -> None:
    _document_problem_schema(app)

    @app.exception_handler(RequestValidationError)
    def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
        shown = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, "Invalid request", f"Fix these fields: {shown}", errors=errors)

    @app.exception_handler(CaleidoError)
    def caleido_error(_: Request, exc: CaleidoError) -> JSONResponse:
        return problem_for(exc)

    @app.exception_handler(HTTPException)
    def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        titles = {
            400: "Bad request",  # FastAPI's answer to a body it cannot parse, e.g. JSON that is not UTF-8
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
