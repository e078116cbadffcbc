"""The curator's desk in Chromium: sign in with a curator's key, filter the queue, accept one item with a reason,
see it leave the queue and its decision appear in the record's history; and without JavaScript the same forms
work (the desk needs no script)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.embedded import EmbeddedStore
from tests.helpers import FIXTURES, load, serve
from tests.pages.conftest import Watched

pytestmark = pytest.mark.browser


@dataclass
class Desk:
    url: str
    keys: KeyStore


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """Its own app and store: the test decides items, which the shared site must keep proposed."""
    folder = tmp_path_factory.mktemp("desk")
    store = EmbeddedStore(folder / "store")
    load(store, FIXTURES / "usecases")
    keys = KeyStore(folder / "keys.sqlite3")
    with serve(create_app(store=store, keys=keys)) as url:
        yield Desk(url, keys)
    store.close()


def _sign_in(watched: Watched, key: str, path: str) -> None:
    page = watched.page
    response = watched.goto(path)
    assert response.status == 401  # type: ignore[attr-defined]
    page.fill("#signin-key", key)  # type: ignore[attr-defined]
    page.click("#signin button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("#review-queue")  # type: ignore[attr-defined]


def test_a_curator_filters_accepts_with_a_reason_and_the_history_says_so(watched: Watched, desk: Desk) -> None:
    watched.base = desk.url
    page = watched.page
    curator, _ = desk.keys.create("desk-curator", "curator")
    _sign_in(watched, curator, "/review?lang=en")
    items = page.locator("#review-queue > li")  # type: ignore[attr-defined]
    ids = {items.nth(i).get_attribute("data-id") for i in range(items.count())}
    assert {"fnd-2", "int-2 ADDRESSES rf-1", "fnd-2 EVIDENCE_FOR rf-1"} <= ids
    assert page.locator("#review-queue").get_by_text("tabel 2").count() >= 1  # type: ignore[attr-defined]
    page.select_option("#f-kind", "ADDRESSES")  # type: ignore[attr-defined]
    page.click("#review-filters button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"kind=ADDRESSES"))  # type: ignore[attr-defined]
    assert items.count() == 1 and items.first.get_attribute("data-id") == "int-2 ADDRESSES rf-1"
    watched.screenshot("review-desk-filtered-en")
    reason = "De brief noemt dit verband letterlijk"
    items.first.locator("textarea[name=reason]").first.fill(reason)
    items.first.locator("button[value=accept]").click()
    page.wait_for_selector("#review-done")  # type: ignore[attr-defined]
    assert "kind=ADDRESSES" in page.url  # type: ignore[attr-defined]  # back to the queue as filtered
    assert page.locator("#review-queue > li").count() == 0  # type: ignore[attr-defined]
    assert page.locator("#review-empty").count() == 1  # type: ignore[attr-defined]
    history = httpx.get(f"{desk.url}/api/v1/nodes/int-2/history").json()
    logged = [line for change in history["changes"] for line in change["logged"]]
    assert any("accept" in line and reason in line for line in logged), logged
    link = httpx.get(f"{desk.url}/api/v1/nodes/int-2").json()
    assert link["id"] == "int-2"
    watched.check(401)


def test_a_researcher_cannot_act_at_the_desk(watched: Watched, desk: Desk) -> None:
    watched.base = desk.url
    page = watched.page
    researcher, _ = desk.keys.create("desk-researcher", "researcher")
    watched.goto("/review")
    page.fill("#signin-key", researcher)  # type: ignore[attr-defined]
    page.click("#signin button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert page.locator("#review-queue").count() == 0  # type: ignore[attr-defined]
    assert "Geen toegang" in page.locator("main").inner_text()  # type: ignore[attr-defined]
    watched.check(401, 403)


def test_the_desk_works_without_javascript(browser: object, desk: Desk) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        curator, _ = desk.keys.create("desk-curator-nojs", "curator")
        page.goto(f"{desk.url}/review")
        page.fill("#signin-key", curator)
        page.click("#signin button[type=submit]")
        item = page.locator("#review-queue > li[data-id='fnd-2']")
        item.locator("textarea[name=reason]").first.fill("Vraag het betrouwbaarheidsinterval")
        item.locator("button[value=request_changes]").click()
        page.wait_for_selector("#review-done")
        requested = page.locator("#review-queue > li[data-id='fnd-2']")
        assert "Vraag het betrouwbaarheidsinterval" in requested.inner_text()
    finally:
        context.close()


def test_a_decision_without_a_reason_gets_a_page_naming_the_field(watched: Watched, desk: Desk) -> None:
    """The browser's `required` normally stops it; sent anyway, the refusal is the page's own 422, in its language,
    naming the field, and the item stays in the queue."""
    watched.base = desk.url
    page = watched.page
    curator, _ = desk.keys.create("desk-curator-no-reason", "curator")
    _sign_in(watched, curator, "/review")
    item = page.locator("#review-queue > li[data-id='fnd-2']")  # type: ignore[attr-defined]
    item.locator("textarea[name=reason]").first.evaluate("box => box.removeAttribute('required')")
    with page.expect_response(lambda r: "/review/decide" in r.url) as answer:  # type: ignore[attr-defined]
        item.locator("button[value=reject]").click()
    assert answer.value.status == 422
    assert answer.value.headers["content-type"].startswith("text/html")
    assert "Het veld reason is leeg of ongeldig" in page.locator("main").inner_text()  # type: ignore[attr-defined]
    queue = httpx.get(f"{desk.url}/api/v1/review/queue").json()
    assert "fnd-2" in {entry["id"] for entry in queue["items"]}
    watched.check(401, 422)
