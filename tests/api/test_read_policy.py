"""The read policy covers everything (trial A20): with CALEIDO_REQUIRE_KEY_FOR_READS=true the pages, the API's
reads, exports and the details of /readyz need a key; the pages ask for it with a sign-in form that keeps it
in an HttpOnly, SameSite=Strict cookie, never in a URL. On each store, over tests/fixtures/usecases."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore
from caleido.settings import Settings
from tests.helpers import FIXTURES, bearer, load

PAGES = ["/", "/coverage", "/partners?municipality=GM0344", "/explore/rf-1?depth=2", "/evidence/new"]
READS = ["/api/v1/nodes/rf-1", "/api/v1/coverage", "/api/v1/export?format=ttl", "/api/v1/export?format=csv"]
SHOWN = "Wanhoop"  # rf-1's label: on every page that shows data


@pytest.fixture
def guarded(store: GraphStore, keys: KeyStore) -> Iterator[TestClient]:
    """The app over the use-case fixtures, with reads behind a key."""
    load(store, FIXTURES / "usecases")
    with TestClient(create_app(Settings(require_key_for_reads=True), store=store, keys=keys)) as client:
        yield client


def sign_in(client: TestClient, key: str, back: str = "/") -> object:
    return client.post("/signin", data={"key": key, "next": back}, follow_redirects=False)


@pytest.mark.parametrize("path", PAGES)
def test_a_page_without_a_key_asks_for_one_and_shows_no_data(guarded: TestClient, path: str) -> None:
    response = guarded.get(path)
    assert response.status_code == 401 and response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    html = unescape(response.text)
    assert 'action="/signin?lang=nl"' in html and 'type="password"' in html
    assert f'name="next" value="{path}"' in html  # back here once signed in
    assert SHOWN not in html and response.headers["cache-control"] == "no-store"


def test_reads_exports_and_readiness_details_need_a_key(guarded: TestClient, keys: KeyStore) -> None:
    for path in READS:
        assert guarded.get(path).status_code == 401, path
    assert guarded.get("/readyz").json() == {"status": "ready"}  # ready, and nothing more
    assert guarded.get("/healthz").json() == {"status": "ok"}
    reader = bearer(keys, "reader")
    for path in READS:
        assert guarded.get(path, headers=reader).status_code == 200, path
    assert set(guarded.get("/readyz", headers=reader).json()) == {"status", "store", "nodes", "links", "derived_data"}
    assert guarded.get("/readyz", headers={"X-API-Key": "cal_abcdefgh_" + "x" * 43}).status_code == 401


def test_signing_in_keeps_the_key_in_a_strict_cookie_for_pages_and_reads(
    guarded: TestClient, keys: KeyStore, store: GraphStore
) -> None:
    plain, _ = keys.create("reading room", "reader")
    signed = sign_in(guarded, plain, "/explore/rf-1?depth=2")
    assert signed.status_code == 303 and signed.headers["location"] == "/explore/rf-1?depth=2"
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith(f"caleido_key={plain};") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/" in cookie and "Secure" not in cookie and "expires" not in cookie.lower()  # ends with the browser
    assert plain not in signed.headers["location"]
    for path in PAGES:
        page = guarded.get(path)
        assert page.status_code == 200 and 'id="signout"' in page.text, path
    assert SHOWN in guarded.get("/explore/rf-1").text
    for path in READS:  # the explorer's script reads the API with the same cookie
        assert guarded.get(path).status_code == 200, path
    assert guarded.get("/readyz").json()["store"] == store.dialect
    # Writes take the key from a header only: no page elsewhere can have a browser write with it.
    assert guarded.post("/api/v1/findings", json={}).status_code == 401

    out = guarded.post("/signout", follow_redirects=False)
    assert out.status_code == 303 and 'caleido_key=""' in out.headers["set-cookie"]
    assert guarded.get("/coverage").status_code == 401


def test_a_wrong_or_revoked_key_gets_the_form_again_saying_why(guarded: TestClient, keys: KeyStore) -> None:
    wrong = sign_in(guarded, "cal_abcdefgh_" + "x" * 43)
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    assert "niet geldig" in wrong.text and 'type="password"' in wrong.text  # the page's language
    plain, info = keys.create("former reader", "reader")
    assert sign_in(guarded, plain).status_code == 303
    keys.revoke(info.key_id)
    again = guarded.get("/coverage")
    assert again.status_code == 401 and "ingetrokken op" in again.text and 'type="password"' in again.text


@pytest.mark.parametrize("back", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_signing_in_never_leads_to_another_host(guarded: TestClient, keys: KeyStore, back: str) -> None:
    plain, _ = keys.create("reader", "reader")
    assert sign_in(guarded, plain, back).headers["location"] == "/"


def test_over_https_the_cookie_is_secure_and_another_site_cannot_sign_anyone_in(
    store: GraphStore, keys: KeyStore
) -> None:
    plain, _ = keys.create("reader", "reader")
    app = create_app(Settings(require_key_for_reads=True), store=store, keys=keys)
    with TestClient(app, base_url="https://caleido.test") as client:
        assert "Secure" in sign_in(client, plain).headers["set-cookie"]
        elsewhere = client.post("/signin", data={"key": plain}, headers={"Sec-Fetch-Site": "cross-site"})
        assert elsewhere.status_code == 403 and "set-cookie" not in elsewhere.headers


def test_open_reads_stay_open_and_a_cookie_is_still_checked(client: TestClient, keys: KeyStore) -> None:
    assert client.get("/coverage").status_code == 200 and 'id="signout"' not in client.get("/coverage").text
    client.cookies.set("caleido_key", "cal_abcdefgh_" + "x" * 43)
    assert client.get("/coverage").status_code == 401
    assert client.get("/api/v1/coverage").status_code == 401
