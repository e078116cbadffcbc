"""Open Referral HSDS 3.0 routes: the organisations, their services and service areas, in the JSON that the
HSDS 3.0 OpenAPI defines (caleido.loaders.hsds maps them), so that a referral system can read Caleido."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from caleido.api import problems
from caleido.api.deps import StoreDep, optional_reader
from caleido.api.routes import IncludeProposed, Lang
from caleido.graph.usecases.common import allowed_statuses
from caleido.graph.usecases.partners import find_municipality
from caleido.loaders import hsds

router = APIRouter(
    prefix="/api/v1/hsds",
    tags=["hsds"],
    dependencies=[Depends(optional_reader)],
    responses=problems.responses(401, 422, 503),
)
NOT_FOUND = problems.responses(404)
COMPILED = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/compiled"

PageNumber = Annotated[int, Query(ge=1, le=1_000_000, description="Page number of paginated result (from 1).")]
PerPage = Annotated[int, Query(ge=1, le=1000, description="Number of results requested in a single page.")]
FullService = Annotated[bool, Query(description="Fully nested services rather than their one-to-one fields.")]
HsdsId = Annotated[str, Path(min_length=1, max_length=200, description="The HSDS id (a UUID) or the Caleido id")]


class ApiInfo(BaseModel):
    """What HSDS 3.0's `GET /` answers: the HSDS version of this API and where its OpenAPI document is."""

    version: str = Field(description="HSDS version of this API.")
    openapi_url: str = Field(description="URL of the openapi JSON file which defines this API.")


class Page(BaseModel):
    """A page of a listing, as HSDS 3.0's OpenAPI `Page` defines it, with `contents`."""

    total_items: int = Field(description="The total number of entities (e.g. services, organizations) returned")
    total_pages: int = Field(description="Count of total pages.")
    page_number: int = Field(description="The number of the current page")
    size: int = Field(description="The number of entities in the current page.")
    first_page: bool = Field(description="A Boolean value indicating if this is the first page")
    last_page: bool = Field(description="A Boolean value indicating if this is the last page")
    empty: bool = Field(description="A Boolean value indicating if there is an empty result set")
    contents: list[dict[str, Any]]


def _object(schema: str, description: str) -> dict[int | str, dict[str, Any]]:
    """A 200 answer that is one HSDS object: OpenAPI names the published schema it follows."""
    url = f"{COMPILED}/{schema}"
    # The schema's address goes in the body's schema, not in the answer's description: Redoc draws that
    # description inside the answer's button, and a link there is a control nested in another (axe).
    body = {"schema": {"type": "object", "description": f"HSDS 3.0: {url}", "additionalProperties": True}}
    return {200: {"description": f"{description} (HSDS 3.0)", "content": {"application/json": body}}}


@router.get("/", response_model=ApiInfo)
def hsds_info(request: Request) -> ApiInfo:
    """Information about this API and its relationship with HSDS (it follows HSDS 3.0 itself, no profile)."""
    return ApiInfo(version=hsds.HSDS_VERSION, openapi_url=str(request.url_for("openapi")))


@router.get("/organizations", response_model=Page)
def hsds_organizations(
    store: StoreDep,
    page: PageNumber = 1,
    per_page: PerPage = 50,
    include_proposed: IncludeProposed = False,
    lang: Lang = "nl",
) -> dict[str, Any]:
    """Organisations as HSDS organization objects with their one-to-one fields, a page at a time. Parliament,
    ministries and offices (policy actors) are not listed."""
    directory = hsds.read_directory(store, allowed_statuses(include_proposed), lang)
    items = [hsds.organization(directory, org) for org in sorted(directory.organisations)]
    return hsds.page(items, page, per_page)


@router.get(
    "/organizations/{id}", responses={**_object("organization.json", "A fully nested organization"), **NOT_FOUND}
)
def hsds_organization(
    store: StoreDep,
    id: HsdsId,  # noqa: A002 - HSDS's parameter name
    full_service: FullService = False,
    include_proposed: IncludeProposed = False,
    lang: Lang = "nl",
) -> dict[str, Any]:
    """One organisation (by its HSDS id or its Caleido id) with its phone, identifiers, provenance and services."""
    directory = hsds.read_directory(store, allowed_statuses(include_proposed), lang)
    org = hsds.find_organisation(directory, id)
    return hsds.organization(directory, org, full=True, full_service=full_service)


@router.get("/services", response_model=Page, responses=NOT_FOUND)
def hsds_services(
    store: StoreDep,
    page: PageNumber = 1,
    per_page: PerPage = 50,
    organization_id: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Only this organization's services")
    ] = None,
    municipality: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            description="Only the services whose service area holds this municipality: CBS code (GM0193) or name",
        ),
    ] = None,
    include_proposed: IncludeProposed = False,
    lang: Lang = "nl",
) -> dict[str, Any]:
    """Services (an organisation's role in a programme) with their one-to-one fields, a page at a time."""
    directory = hsds.read_directory(store, allowed_statuses(include_proposed), lang)
    services = directory.services
    if municipality is not None:
        services = hsds.services_in(store, directory, find_municipality(store, municipality)["id"])
    if organization_id is not None:
        org = hsds.find_organisation(directory, organization_id)
        services = [s for s in services if s.organisation == org]
    return hsds.page([hsds.service(directory, s) for s in services], page, per_page)


@router.get("/services/{id}", responses={**_object("service.json", "A fully nested service"), **NOT_FOUND})
def hsds_service(
    store: StoreDep,
    id: HsdsId,  # noqa: A002 - HSDS's parameter name
    include_proposed: IncludeProposed = False,
    lang: Lang = "nl",
) -> dict[str, Any]:
    """One service with its organization, service areas and provenance."""
    directory = hsds.read_directory(store, allowed_statuses(include_proposed), lang)
    return hsds.service(directory, hsds.find_service(directory, id), full=True)
