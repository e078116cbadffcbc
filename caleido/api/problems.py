"""Every error as application/problem+json (RFC 9457): a title, a detail that says what to fix,
and for validation the field paths. No stack trace or internal name ever reaches a client."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    414: "The request line is longer than the server reads (`caleido serve`)",
    431: "The request's headers are larger than the server reads (`caleido serve`)",
    406: "None of the media types the Accept header allows can carry the answer",
    415: "The body is of a media type the route does not read",
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


def body(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """A problem's JSON body; also written by the server's own refusals (caleido.api.limits)."""
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    headers = extra.pop("headers", None)
    return JSONResponse(body(status, title, detail, **extra), status_code=status, media_type=PROBLEM, headers=headers)


def client_detail(exc: CaleidoError) -> str:
    """The detail a client may see. A server-side fault is logged here in full: a transient one as a warning
    (expected while a server restarts), a permanent one as an error, with its cause, for someone to fix."""
    if exc.retry_after is not None:
        log.warning("%s: %s", type(exc).__name__, exc)
    elif exc.status >= 500:
        log.error("%s: %s", type(exc).__name__, exc, exc_info=exc)
    return exc.detail


UNEXPECTED = "Something went wrong on our side; it has been logged."


def body_for(exc: CaleidoError) -> dict[str, Any]:
    """The body the error table gives: the class's status and title, its detail, and for invalid data the
    problems listed with their locations (also what a failed job keeps)."""
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidData):
        extra["errors"] = [
            {"file": p.file, "location": p.location, "field": p.field, "message": p.message} for p in exc.listed
        ]
    return body(exc.status, exc.title, client_detail(exc), **extra)


def problem_for(exc: CaleidoError) -> JSONResponse:
    """The answer the error table gives (body_for), with the class's headers."""
    return JSONResponse(body_for(exc), status_code=exc.status, media_type=PROBLEM, headers=exc.headers or None)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path", "header"))


def _field_problem(error: Any) -> dict[str, str]:
    """One validation error as a field and what to fix. Broken JSON is the whole body's fault: its location
    is a character offset, which is no field."""
    if error["type"] == "json_invalid":
        reason = error.get("ctx", {}).get("error", "it cannot be parsed")
        return {"field": "", "message": f"not valid JSON: {reason} at character {error['loc'][-1]}"}
    return {"field": _field(tuple(error["loc"])), "message": error["msg"]}


def install(app: FastAPI) -> None:
    _document_problem_schema(app)

    @app.exception_handler(RequestValidationError)
    def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_field_problem(e) for e in exc.errors()]
        shown = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors[:5])
        detail = f"Fix these fields: {shown}" if any(e["field"] for e in errors) else f"Fix the body: {shown}"
        return problem(422, "Invalid request", detail, errors=errors)

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


class CatchUnexpected:
    """ASGI middleware: an error no handler knows is logged and answered 500 problem+json, and goes no further.
    An exception handler for `Exception` would answer the same but re-raise it, and uvicorn closes the
    connection on an error that reaches it, so the client's next request on that keep-alive connection failed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            log.exception("unexpected error", exc_info=exc)
            if started:
                raise  # too late for an answer: uvicorn ends the response by closing the connection
            answer = problem(500, "Internal error", UNEXPECTED)
            await answer(scope, receive, send)
