"""`/api/v1/sparql`: the SPARQL 1.1 protocol's query operation, read-only (caleido.sparql does the work).

GET with `?query=`, or POST with the query as the body (application/sparql-query) or as the form field `query`
(application/x-www-form-urlencoded). Reads follow the read policy of every read route (caleido.api.deps).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException

from caleido.api import problems
from caleido.api.deps import StoreDep, optional_reader
from caleido.errors import InvalidQuery, QueryRefused, UnsupportedMediaType
from caleido.sparql.projected import ProjectedStore
from caleido.sparql.query import CSV, OFFERS, TURTLE

QUERY_BODY = "application/sparql-query"
FORM_BODY = "application/x-www-form-urlencoded"
TRUNCATED = "Caleido-Truncated"
ROW_LIMIT = "Caleido-Row-Limit"
# The protocol's dataset parameters: the graph is the one default graph here, so they are refused, not ignored.
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")

# SPARQL 1.1 results JSON: `head` always; `results.bindings` for SELECT, `boolean` for ASK.
_RESULTS_JSON: dict[str, Any] = {
    "type": "object",
    "required": ["head"],
    "properties": {
        "head": {"type": "object"},
        "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": {"type": "object"}}}},
        "boolean": {"type": "boolean"},
    },
}


def _schema_of(media: str) -> dict[str, Any]:
    return _RESULTS_JSON if media.endswith("json") else {"type": "string"}


_ANSWERED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The answer: SELECT and ASK as SPARQL results JSON (SELECT also as CSV, which a spreadsheet "
        "opens and never runs as a formula), CONSTRUCT and DESCRIBE as Turtle, as Accept asks.",
        "content": {media: {"schema": _schema_of(media)} for media in dict.fromkeys(sum(OFFERS.values(), ()))},
        "headers": {
            ROW_LIMIT: {"description": "The most rows or triples an answer holds", "schema": {"type": "string"}},
            TRUNCATED: {
                "description": "`true` when the answer was cut at that many rows or triples",
                "schema": {"type": "string"},
            },
        },
    }
}
RESPONSES: dict[int | str, dict[str, Any]] = {**_ANSWERED, **problems.responses(400, 401, 406, 415, 422, 503)}
RESPONSES[400] = {
    **RESPONSES[400],
    "description": "A query that does not parse, an update or SERVICE (refused), or a dataset parameter",
}
_POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            QUERY_BODY: {"schema": {"type": "string"}},
            FORM_BODY: {
                "schema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}
            },
        },
    }
}

router = APIRouter(prefix="/api/v1", tags=["sparql"], dependencies=[Depends(optional_reader)])


def _no_dataset(params: QueryParams | dict[str, list[str]]) -> None:
    for name in DATASET_PARAMETERS:
        if name in params:
            raise InvalidQuery(f"This endpoint has one graph, its default graph; leave out `{name}`.")


async def posted_query(request: Request) -> str:
    """The query a POST carries, as the protocol sends it: the body, or the form field `query`."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidQuery("The body is not UTF-8 text.") from None
    if media == QUERY_BODY:
        _no_dataset(request.query_params)
        return text
    if media == "application/sparql-update":
        raise QueryRefused("This endpoint only reads: SPARQL updates are refused.")
    if media != FORM_BODY:
        raise UnsupportedMediaType(f"Send the query as {QUERY_BODY} or as the field `query` of {FORM_BODY}.")
    fields = parse_qs(text, keep_blank_values=True)
    if "update" in fields:
        raise QueryRefused("This endpoint only reads: SPARQL updates are refused.")
    _no_dataset(fields)
    _no_dataset(request.query_params)
    queries = fields.get("query", [])
    if len(queries) != 1:
        raise InvalidQuery("Send one query, in the form field `query`.")
    return queries[0]


def _answer(store: StoreDep, request: Request, text: str) -> Response:
    if not isinstance(store, ProjectedStore):  # a wiring mistake, reported as a server error
        raise RuntimeError("the SPARQL endpoint needs the store that create_app serves (caleido.sparql.projected)")
    endpoint = store.endpoint
    answer = endpoint.answer(text, request.headers.get("accept"))
    media = answer.media_type + ("; charset=utf-8" if answer.media_type in (CSV, TURTLE) else "")
    headers = {ROW_LIMIT: str(endpoint.max_rows), "Vary": "Accept"}
    if answer.truncated:
        headers[TRUNCATED] = "true"
    return Response(answer.body, media_type=media, headers=headers)


@router.get("/sparql", responses=RESPONSES, response_class=Response)
def sparql_get(
    request: Request,
    store: StoreDep,
    query: Annotated[str, Query(description="A SPARQL 1.1 query: SELECT, ASK, CONSTRUCT or DESCRIBE.")],
) -> Response:
    """A SPARQL query over the graph and its ontology (read-only; the README has examples)."""
    _no_dataset(request.query_params)
    return _answer(store, request, query)


@router.post("/sparql", responses=RESPONSES, response_class=Response, openapi_extra=_POST_BODY)
def sparql_post(request: Request, store: StoreDep, query: Annotated[str, Depends(posted_query)]) -> Response:
    """A SPARQL query sent as the body (application/sparql-query) or as a form (field `query`)."""
    return _answer(store, request, query)


@router.api_route(
    "/sparql", methods=["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"], include_in_schema=False, dependencies=[]
)
def sparql_other_methods() -> None:
    """405 that names both methods: with GET and POST as two routes, Starlette's own 405 named only the first."""
    raise HTTPException(405, "Method Not Allowed", headers={"Allow": "GET, HEAD, POST"})
