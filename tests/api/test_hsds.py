"""GET /api/v1/hsds/...: the organisations, services and service areas as Open Referral HSDS 3.0, on each store.
Every answer is validated against the published HSDS 3.0 schemas vendored in tests/schemas/hsds-3.0 (JSON Schema
draft 2020-12, the dialect the HSDS OpenAPI declares; formats checked; every $ref resolved from the vendored
files, never over the network). tests/fixtures/hsds/graph.yaml says which answers to expect."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import ACCEPTED, WITH_PROPOSED
from caleido.graph.usecases.reach import POLICY_ACTORS
from caleido.loaders import hsds
from caleido.loaders.hsds import organisation_uuid
from caleido.loaders.sources import SEED_FOLDER
from tests.helpers import FIXTURES, load

SCHEMAS = Path(__file__).parents[1] / "schemas" / "hsds-3.0"
UPSTREAM = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema"
OPENAPI = f"{UPSTREAM}/openapi.json"
PROBLEM = "application/problem+json"
HSDS = "/api/v1/hsds"


def _vendored(name: str) -> bytes:
    path = SCHEMAS / name
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


@cache
def _registry() -> Registry:
    """The OpenAPI document and the compiled schemas under the addresses the OpenAPI document refers to them by.
    The compiled schemas declare no $schema: they are read in the dialect the OpenAPI document declares."""
    openapi = json.loads(_vendored("openapi.json"))
    assert openapi["jsonSchemaDialect"] == "https://json-schema.org/draft/2020-12/schema"
    resources = {OPENAPI: openapi} | {
        f"{UPSTREAM}/compiled/{name}": json.loads(_vendored(file))
        for name, file in [
            ("organization.json", "organization.json.gz"),
            ("organization_list.json", "organization_list.json"),
            ("service.json", "service.json.gz"),
            ("service_list.json", "service_list.json"),
        ]
    }
    return Registry().with_resources(
        (uri, Resource.from_contents(contents, default_specification=DRAFT202012))
        for uri, contents in resources.items()
    )


@cache
def _validator(path: str) -> Draft202012Validator:
    """A validator of the 200 answer that HSDS 3.0's OpenAPI defines for GET `path` (e.g. /services/{id})."""
    pointer = "/".join(p.replace("~", "~0").replace("/", "~1") for p in ["paths", path, "get", "responses", "200"])
    schema = {"$ref": f"{OPENAPI}#/{pointer}/content/application~1json/schema"}
    return Draft202012Validator(schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(path: str, answer: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(path).iter_errors(answer)]


def _hsds_path(url: str) -> str:
    """The HSDS OpenAPI path of one of our URLs: /api/v1/hsds/services/abc -> /services/{id}."""
    path = url.removeprefix(HSDS).split("?")[0] or "/"
    return re.sub(r"^/(organizations|services)/[^/]+$", r"/\1/{id}", path)


def _attributes(item: dict[str, Any], about: str) -> dict[str, str]:
    """The provenance attributes of one claim of an HSDS object (link_type: record, runs, operates_in, ...)."""
    return {a["taxonomy_term"]["code"]: a["value"] for a in item["attributes"] if a["link_type"] == about}


def _get(client: TestClient, url: str, **params: Any) -> Any:
    """A 200 answer that validates against the HSDS 3.0 schema of its route."""
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert _errors(_hsds_path(url), answer) == []
    return answer


@pytest.fixture
def hsds_client(store: GraphStore, api: TestClient) -> TestClient:
    load(store, FIXTURES / "hsds")
    return api


# ---------------------------------------------------------------- the vendored schemas


def test_vendored_schemas_are_the_published_ones() -> None:
    """Each file is byte for byte the upstream file whose checksum the README names."""
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `([^`]+)` \| `[^`]+`[^|]* \| `([0-9a-f]{64})` \|$", readme, re.MULTILINE)
    assert {name for name, _ in table} == {p.name for p in SCHEMAS.iterdir() if p.name != "README.md"}
    for name, digest in table:
        assert hashlib.sha256(_vendored(name)).hexdigest() == digest, name


def test_the_validator_rejects_what_hsds_does_not_allow() -> None:
    """The checks can fail: a required field missing, a status outside HSDS's list, an id that is no UUID, a
    page whose counts are no integers, a service area without id, all refused."""
    good = {"id": organisation_uuid("org-x"), "name": "Lokale aanpak", "status": "active"}
    assert _errors("/services/{id}", good) == []
    assert _errors("/services/{id}", {**good, "status": "open"})
    assert _errors("/services/{id}", {key: v for key, v in good.items() if key != "status"})
    assert _errors("/services/{id}", {**good, "id": "org-x"})  # formats are checked: HSDS ids are UUIDs
    assert _errors("/services/{id}", {**good, "service_areas": [{"name": "Zwolle"}]})
    assert _errors("/organizations/{id}", {"id": organisation_uuid("org-x"), "name": "X"})  # no description
    assert _errors("/organizations", {"total_items": "3", "contents": []})
    assert _errors("/services", {"total_items": 1, "contents": [{"id": organisation_uuid("org-x")}]})


# ---------------------------------------------------------------- answers


def test_every_answer_validates(hsds_client: TestClient) -> None:
    """Every listing page, organization and service the API serves, in both languages and with proposed claims,
    validates against the HSDS 3.0 schemas."""
    assert _get(hsds_client, f"{HSDS}/") == {"version": "3.0", "openapi_url": "http://testserver/openapi.json"}
    for params in ({}, {"lang": "en"}, {"include_proposed": "true"}):
        organizations = _get(hsds_client, f"{HSDS}/organizations", **params, per_page=2)
        for number in range(1, organizations["total_pages"] + 1):
            for item in _get(hsds_client, f"{HSDS}/organizations", **params, per_page=2, page=number)["contents"]:
                for full_service in ("false", "true"):
                    _get(hsds_client, f"{HSDS}/organizations/{item['id']}", **params, full_service=full_service)
        for service in _get(hsds_client, f"{HSDS}/services", **params)["contents"]:
            _get(hsds_client, f"{HSDS}/services/{service['id']}", **params)


def test_counts_agree_with_the_store(hsds_client: TestClient, store: GraphStore) -> None:
    """Organisations: all but the policy actor, and the proposed record only when asked for. Services: the
    programme links of those organisations, less the policy actor's, the proposed and the rejected ones, plus
    one for the body that does what its general record does."""
    counts = store.counts()
    organisations = counts.nodes["Organisation"]
    programme_links = counts.links["RUNS"] + counts.links["PARTICIPATES_IN"]
    assert (organisations, programme_links) == (8, 9)
    accepted = _get(hsds_client, f"{HSDS}/organizations")
    assert accepted["total_items"] == organisations - 2  # the ministry and the proposed record
    with_proposed = _get(hsds_client, f"{HSDS}/organizations", include_proposed="true")
    assert with_proposed["total_items"] == organisations - 1
    services = _get(hsds_client, f"{HSDS}/services")
    assert services["total_items"] == programme_links - 4 + 1  # the ministry's, two proposed, the rejected one
    asked = _get(hsds_client, f"{HSDS}/services", include_proposed="true")
    assert asked["total_items"] == programme_links - 2 + 1
    assert {s["status"] for s in services["contents"]} == {"active"}


def test_paging_as_hsds_defines_it(hsds_client: TestClient) -> None:
    first = _get(hsds_client, f"{HSDS}/services", include_proposed="true", per_page=3)
    page_fields = {key: v for key, v in first.items() if key != "contents"}
    assert page_fields == {
        "total_items": 8,
        "total_pages": 3,
        "page_number": 1,
        "size": 3,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    last = _get(hsds_client, f"{HSDS}/services", include_proposed="true", per_page=3, page=3)
    assert (last["size"], last["first_page"], last["last_page"]) == (2, False, True)
    past = _get(hsds_client, f"{HSDS}/services", include_proposed="true", per_page=3, page=4)
    assert (past["size"], past["empty"], past["contents"]) == (0, True, [])
    seen = [
        s["id"]
        for n in (1, 2, 3)
        for s in _get(hsds_client, f"{HSDS}/services", include_proposed="true", per_page=3, page=n)["contents"]
    ]
    assert len(set(seen)) == 8


def test_an_organization_in_full(hsds_client: TestClient) -> None:
    team = _get(hsds_client, f"{HSDS}/organizations/org-team")  # by its Caleido id
    assert team == _get(hsds_client, f"{HSDS}/organizations/{organisation_uuid('org-team')}")  # and its HSDS id
    assert (team["name"], team["alternate_name"], team["website"]) == (
        "Wijkteam Zwolle",
        "Zwolle neighbourhood team",
        "https://example.org/wijkteam",
    )
    assert team["description"] == "Het wijkteam van de gemeente Zwolle."
    assert team["organization_identifiers"][0]["identifier"] == "org-team"
    provenance = _attributes(team, "record")
    assert provenance == {
        "source": "src-h",
        "source_title": "Bron H",
        "source_url": "https://example.org/h",
        "locator": "p. 4",
        "quote": "Het wijkteam werkt in Zwolle.",
        "review_status": "accepted",
    }
    assert [m["last_action_type"] for m in team["metadata"]] == ["create"]
    (service,) = team["services"]
    assert set(service) <= {"id", "organization_id", "name", "description", "url", "status", "last_modified"}
    (nested,) = _get(hsds_client, f"{HSDS}/organizations/org-team", full_service="true")["services"]
    assert [area["name"] for area in nested["service_areas"]] == ["Zwolle"]
    house = _get(hsds_client, f"{HSDS}/organizations/org-house")
    assert house["description"] == "De bronnen geven geen beschrijving."  # HSDS requires one; the sources are silent
    english = _get(hsds_client, f"{HSDS}/organizations/org-team", lang="en")
    assert (english["name"], english["alternate_name"]) == ("Zwolle neighbourhood team", "Wijkteam Zwolle")


def test_a_service_with_its_role_area_and_quotes(hsds_client: TestClient) -> None:
    services = _get(hsds_client, f"{HSDS}/services", organization_id="org-house")["contents"]
    (service,) = [s for s in services if s["name"] == "Casusoverleg"]
    full = _get(hsds_client, f"{HSDS}/services/{service['id']}")
    assert full["description"] == (
        "Zorg- en Veiligheidshuis IJsselland voert uit of coördineert Casusoverleg (rol: coördinator of regiehouder)."
        " Overleg over een casus met de vaste partners."
    )
    assert (full["status"], full["url"], full["organization"]["name"]) == (
        "active",
        "https://example.org/casusoverleg",
        "Zorg- en Veiligheidshuis IJsselland",
    )
    values = _attributes(full, "runs")
    assert (values["role"], values["quote"], values["locator"]) == (
        "Coördinator of regiehouder",
        "Het huis coördineert het casusoverleg.",
        "p. 5",
    )
    (area,) = full["service_areas"]
    assert (area["name"], area["description"], area["uri"]) == (
        "IJsselland",
        "Veiligheidsregio: IJsselland (CBS-code VR04)",
        "https://w3id.org/caleido/id/VR04",
    )
    assert _attributes(area, "operates_in")["quote"] == ("Het huis werkt voor de gemeenten in IJsselland.")


def test_proposed_claims_only_when_asked_and_marked(hsds_client: TestClient) -> None:
    """A proposed link is served only with include_proposed, still `active`, with review_status proposed and
    its note; a rejected link and a policy actor never."""
    names = {s["name"] for s in _get(hsds_client, f"{HSDS}/services", organization_id="org-house")["contents"]}
    assert names == {"Casusoverleg"}
    asked = _get(hsds_client, f"{HSDS}/services", organization_id="org-house", include_proposed="true")["contents"]
    assert {s["name"] for s in asked} == {"Casusoverleg", "Advieslijn"}  # never the rejected Oude aanpak
    (advice,) = [s for s in asked if s["name"] == "Advieslijn"]
    full = _get(hsds_client, f"{HSDS}/services/{advice['id']}", include_proposed="true")
    values = _attributes(full, "runs")
    assert (full["status"], values["review_status"]) == ("active", "proposed")
    assert values["note"] == "Dat het huis de advieslijn uitvoert, is een lezing."
    hidden = hsds_client.get(f"{HSDS}/services/{advice['id']}")
    assert hidden.status_code == 404 and hidden.headers["content-type"] == PROBLEM
    ministry = hsds_client.get(f"{HSDS}/organizations/org-ministry", params={"include_proposed": "true"})
    assert ministry.status_code == 404


def test_a_body_does_what_its_general_record_does(hsds_client: TestClient) -> None:
    """GGD IJsselland has no programme links of its own: it takes part in the case consultation "as" GGD'en,
    with the general record's quote and its own kind_of quote, its phone, and its last_verified date as the
    service's assured_date. The Zorg- en Veiligheidshuis has links of its own, so it inherits none."""
    body = _get(hsds_client, f"{HSDS}/organizations/org-ggd-gg0104", full_service="true")
    assert [(p["number"], p["type"]) for p in body["phones"]] == [("088 - 123 45 67", "voice")]
    assert _attributes(body, "kind_of")["kind_of"] == "GGD'en (org-ggd)"
    assert [(m["last_action_type"], m["last_action_date"]) for m in body["metadata"]][-1] == ("verify", "2025-11-20")
    (service,) = body["services"]
    assert service["description"] == (
        "GGD IJsselland neemt deel aan Casusoverleg (rol: adviseur; als GGD'en)."
        " Overleg over een casus met de vaste partners."
    )
    assert (service["assured_date"], service["status"]) == ("2025-11-20", "active")
    assert _attributes(service, "participates_in")["quote"] == "De GGD adviseert in het casusoverleg."
    assert _attributes(service, "kind_of")["quote"] == "GGD IJsselland is een GGD."
    assert [a["description"] for a in service["service_areas"]] == ["GGD-regio: GGD IJsselland (CBS-code GG0104)"]
    house = _get(hsds_client, f"{HSDS}/services", organization_id="org-house")["contents"]
    assert [s["description"].split(" (")[0] for s in house] == [
        "Zorg- en Veiligheidshuis IJsselland voert uit of coördineert Casusoverleg"
    ]


def test_ids_are_uuids_unique_and_stable(hsds_client: TestClient) -> None:
    """Every id in an answer is distinct where HSDS wants it unique, and the same on every call and store."""
    ids: list[str] = []
    for item in _get(hsds_client, f"{HSDS}/organizations")["contents"]:
        full = _get(hsds_client, f"{HSDS}/organizations/{item['id']}", full_service="true")
        ids += [full["id"], *(a["id"] for a in full["attributes"]), *(m["id"] for m in full["metadata"])]
        for service in full["services"]:
            ids += [service["id"], *(a["id"] for a in service["attributes"]), *(m["id"] for m in service["metadata"])]
            for area in service["service_areas"]:
                ids += [area["id"], *(a["id"] for a in area["attributes"]), *(m["id"] for m in area["metadata"])]
    assert len(ids) == len(set(ids)) > 100
    # the UUID (version 5) named by the record's IRI, https://w3id.org/caleido/id/org-team
    assert _get(hsds_client, f"{HSDS}/organizations/org-team")["id"] == "4d60d24f-40ff-5a09-a5a2-7eec173ab909"


@pytest.mark.parametrize(
    ("municipality", "organisations"),
    [("GM0193", {"org-team", "org-house", "org-ggd-gg0104"}), ("Deventer", {"org-house"}), ("GM0363", set())],
)
def test_services_in_a_municipality(hsds_client: TestClient, municipality: str, organisations: set[str]) -> None:
    """The services whose area holds the municipality: named for it or for a region it lies in; a national line
    without a service area is not among them."""
    answer = _get(hsds_client, f"{HSDS}/services", municipality=municipality)
    assert {s["organization_id"] for s in answer["contents"]} == {organisation_uuid(o) for o in organisations}
    assert answer["total_items"] == len(organisations)


def test_bad_requests_are_problems(hsds_client: TestClient) -> None:
    for url, params, status in [
        (f"{HSDS}/services", {"municipality": "GM9999"}, 404),
        (f"{HSDS}/services", {"organization_id": "org-nope"}, 404),
        (f"{HSDS}/services/{organisation_uuid('org-nope')}", {}, 404),
        (f"{HSDS}/organizations/<script>alert(1)</script>", {}, 404),
        (f"{HSDS}/organizations", {"page": 0}, 422),
        (f"{HSDS}/services", {"per_page": 5000}, 422),
        (f"{HSDS}/services", {"lang": "fr"}, 422),
    ]:
        response = hsds_client.get(url, params=params)
        assert (response.status_code, response.headers["content-type"]) == (status, PROBLEM), (url, params)
        assert response.json()["detail"]


def test_the_routes_are_in_the_openapi_document(hsds_client: TestClient) -> None:
    paths = hsds_client.get("/openapi.json").json()["paths"]
    assert {p for p in paths if p.startswith(HSDS)} == {
        f"{HSDS}/",
        f"{HSDS}/organizations",
        f"{HSDS}/organizations/{{id}}",
        f"{HSDS}/services",
        f"{HSDS}/services/{{id}}",
    }
    assert "404" in paths[f"{HSDS}/services/{{id}}"]["get"]["responses"]


def test_the_seed_as_hsds(store: GraphStore, api: TestClient) -> None:
    """The seed's organisations, in full with every service in full, and its listings, in both languages and
    with proposed claims, all validate; the listing counts the seed's organisations less the policy actors; six
    municipalities in six provinces each get services of the regional bodies that serve them, no two alike."""
    load(store, SEED_FOLDER)
    total = 0
    for lang in ("nl", "en"):
        for statuses in (ACCEPTED, WITH_PROPOSED):
            directory = hsds.read_directory(store, statuses, lang)
            for org in directory.organisations:
                answer = hsds.organization(directory, org, full=True, full_service=True)
                assert _errors("/organizations/{id}", answer) == [], org
            listing = hsds.page([hsds.organization(directory, o) for o in directory.organisations], 1, 1000)
            assert _errors("/organizations", listing) == []
            services = [hsds.service(directory, s) for s in directory.services]
            assert _errors("/services", hsds.page(services, 1, 10_000)) == []
            total = max(total, len(directory.services))
    served = [
        row
        for row in store.iter_nodes("Organisation")
        if row["status"] == "accepted" and row["organisation_type"] not in POLICY_ACTORS
    ]
    directory = hsds.read_directory(store, ACCEPTED)
    assert len(directory.organisations) == len(served) > 20
    assert total > 20
    six = ["GM0193", "GM0855", "GM0014", "GM0917", "GM0363", "GM0344"]  # Zwolle ... Utrecht
    local = {m: frozenset(s.id for s in hsds.services_in(store, directory, m)) for m in six}
    assert all(local.values()) and len(set(local.values())) == len(six)
    zwolle = _get(api, f"{HSDS}/services", municipality="Zwolle")
    assert {s["id"] for s in zwolle["contents"]} == local["GM0193"]
