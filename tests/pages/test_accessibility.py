"""Every page the app serves, in Dutch and in English, checked in Chromium by axe-core (vendored in
tests/pages/vendor/axe-core, see its SOURCE.md) against the WCAG 2.0/2.1 A and AA rules: no serious or
critical violation. What axe reported for each page (violations of every impact, and what it could not
decide) is written to test-output/axe/, so that a run can be read and compared.

axe is an automated check: it finds a part of what WCAG asks (names, roles, contrast, structure, language),
not whether the pages are usable with a screen reader or a keyboard from start to end. The statement page
(/toegankelijkheid) says so.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from markupsafe import escape

from caleido.api.app import create_app
from caleido.api.deps import KEY_COOKIE
from caleido.settings import Settings
from caleido.viz.accessibility import (
    AXE_VERSION,
    BLOCKING_IMPACTS,
    CHECKED_PAGES,
    FOCUS_TABS,
    WCAG_TAGS,
    CheckedPage,
)
from tests.helpers import serve
from tests.pages.browser import wait_drawn
from tests.pages.conftest import Site, Watched

AXE_FOLDER = Path(__file__).parent / "vendor" / "axe-core"
AXE_SOURCE = (AXE_FOLDER / "axe.min.js").read_text(encoding="utf-8")
# axe's best practices run as well and are written down, but only WCAG rules can fail the test.
CHECKED = [*WCAG_TAGS, "best-practice"]
REPORTS = Path(os.environ.get("CALEIDO_TEST_OUTPUT", "test-output")) / "axe"

# Run in the page through the DevTools protocol (the pages' policy allows no script of ours in the page).
# Closed <details> (the tables beside the networks, the gap lists) are opened first, so axe checks their
# content too: axe skips what is hidden.
RUN_AXE = r"""async (tags) => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  // Colours read halfway through a transition are neither the old nor the new ones: let them end (2 s at most).
  const settled = Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
  await Promise.race([settled, new Promise((done) => setTimeout(done, 2000))]);
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const brief = (items) => items.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags.filter((t) => /^wcag\d+a+$|^best-practice$/.test(t)),
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary, html: n.html.slice(0, 300)})),
  }));
  return {violations: brief(result.violations), incomplete: brief(result.incomplete),
          passes: result.passes.length, url: result.url};
}"""


@dataclass(frozen=True)
class How:
    """How a user reaches a checked page: the URL (with the test's own records), the status it answers with,
    the networks drawn on it, and what the user does there before the page is checked."""

    path: str
    status: int = 200
    networks: tuple[str, ...] = ()
    act: Callable[[Any], None] | None = None
    act_status: int = 200  # the status of the page the action leads to
    curator: bool = False  # signed in with a curator's key first (the desk is for curators only)


def open_a_sector(page: Any) -> None:
    page.locator("svg.kaleidoscope a.sector[data-sector='coeus-social']").click()
    page.wait_for_url(re.compile(r"#sector-coeus-social$"))


def send_empty_finding(page: Any) -> None:
    page.click("#finding-form button[type=submit]")
    page.wait_for_selector("#f-key-error")


def sign_in_with_a_wrong_key(page: Any) -> None:
    page.fill("#signin-key", "not-a-key")
    page.click("#signin button[type=submit]")
    page.wait_for_selector("#signin-error")


def try_an_operation(page: Any) -> None:
    page.locator(".opblock-post .opblock-summary-control").first.click()
    page.locator(".try-out__btn").first.click()
    page.wait_for_selector(".opblock-body textarea")


def send_a_request(page: Any) -> None:
    operation = page.locator("#operations-curators-list_revisions")
    operation.locator(".opblock-summary-control").click()
    operation.locator(".try-out__btn").click()
    operation.locator(".execute").click()
    operation.locator(".live-responses-table .response-col_status").first.wait_for()


HOW = {
    "kaleidoscope": How("/"),
    "kaleidoscope-sector": How("/?scheme=CoeusClusterScheme", act=open_a_sector),
    "coverage": How("/coverage"),
    "coverage-cell": How("/coverage?intervention=int-xss&target=rf-xss"),
    "coverage-factor": How("/coverage?factor=rf-xss"),
    "partners": How("/partners"),
    "partners-result": How(
        "/partners?municipality=Amsterdam&target=theme-maatschappelijke-weerbaarheid&include_proposed=1",
        networks=("partners-network",),
    ),
    "partners-signal": How(
        "/partners?municipality=Zwolle&signal=jongere+trekt+zich+terug+en+deelt+complotfilmpjes",
        networks=("partners-network",),
    ),
    "partners-signal-no-match": How("/partners?municipality=Zwolle&signal=xyzzy"),
    "partners-unknown-place": How("/partners?municipality=Atlantis", status=404),
    "partners-typo": How("/partners?municipality=Zwole", status=404),
    "brief": How("/gemeente/GM0193?include_proposed=1"),
    "map": How("/kaart"),
    "map-outlines": How("/kaart?measure=recognised&outline=safety-region&outline=ggd-region&outline=police-unit"),
    "explore": How("/explore/rf-xss", networks=("explorer",)),
    "evidence-form": How("/evidence/new"),
    "evidence-form-invalid": How("/evidence/new", act=send_empty_finding, act_status=401),
    "review": How("/review", curator=True),
    "review-filtered": How("/review?kind=Intervention", curator=True),
    "signin": How("/signin"),
    "signin-refused": How("/signin", act=sign_in_with_a_wrong_key, act_status=401),
    "error-not-found": How("/explore/no-such-record", status=404),
    "error-bad-filter": How("/coverage?axis=sideways", status=422),
    "statement": How("/toegankelijkheid"),
    "api-docs": How("/docs"),
    "api-docs-operation": How("/docs", act=try_an_operation),
    "api-docs-response": How("/docs", act=send_a_request),
    "api-reference": How("/redoc"),
}
CASES = [pytest.param(p, lang, id=f"{p.name}-{lang}") for p in CHECKED_PAGES for lang in p.languages]
READY = {"/docs": ".opblock", "/redoc": "[data-section-id^='operation/']"}
# Redoc's menu shows its maker's logo from a CDN; the page's policy blocks it (see test_api_docs).
REDOC_LOGO_BLOCKED = "Loading the image 'https://cdn.redoc.ly/"


def with_lang(path: str, lang: str) -> str:
    if path in READY:
        return path
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


def axe_report(watched: Watched) -> dict[str, Any]:
    page = watched.page
    page.evaluate(AXE_SOURCE)  # type: ignore[attr-defined]
    report: dict[str, Any] = page.evaluate(RUN_AXE, CHECKED)  # type: ignore[attr-defined]
    return report


def summary(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): " + "; ".join(n["target"] for n in v["nodes"][:5]) for v in violations
    )


@pytest.mark.browser
@pytest.mark.parametrize(("checked", "lang"), CASES)
def test_page_has_no_serious_or_critical_wcag_violation(
    watched: Watched, site: Site, checked: CheckedPage, lang: str
) -> None:
    visit = HOW[checked.name]
    page = watched.page
    if visit.curator:
        plain, _ = site.keys.create(f"axe-{checked.name}-{lang}", "curator")
        page.context.add_cookies([{"name": KEY_COOKIE, "value": plain, "url": site.url}])  # type: ignore[attr-defined]
    response = watched.goto(with_lang(visit.path, lang))
    assert response.status == visit.status  # type: ignore[attr-defined]
    for network in visit.networks:
        wait_drawn(page, network)
    if visit.path in READY:
        page.wait_for_selector(READY[visit.path])  # type: ignore[attr-defined]
    if visit.act is not None:
        visit.act(page)
    assert page.locator("footer #accessibility-link").get_attribute("href") == f"/toegankelijkheid?lang={lang}"  # type: ignore[attr-defined]
    report = axe_report(watched)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{checked.name}-{lang}.json").write_text(json.dumps({"axe": AXE_VERSION, **report}, indent=1))
    blocking = [v for v in report["violations"] if v["impact"] in BLOCKING_IMPACTS and set(v["tags"]) & set(WCAG_TAGS)]
    assert blocking == [], summary(blocking)
    if visit.path == "/redoc":
        watched.console_errors = [e for e in watched.console_errors if REDOC_LOGO_BLOCKED not in e]
    watched.check(*({visit.status, visit.act_status} - {200}))


def test_the_vendored_axe_is_the_version_the_statement_names() -> None:
    assert AXE_SOURCE.startswith(f"/*! axe v{AXE_VERSION}\n")


def test_every_page_the_statement_names_is_checked() -> None:
    assert set(HOW) == {p.name for p in CHECKED_PAGES}


# ---------------------------------------------------------------- what axe does not check


# Every element the Tab key reaches shows a focus ring: an outline of 2px or more, or a box shadow.
FOCUS_SHOWN = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
  const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '');
  return {ring: ring, element: name};
}"""
OWN_PAGES = [
    "/",
    "/coverage?intervention=int-xss&target=rf-xss",
    "/coverage?factor=rf-xss",
    "/partners",
    "/gemeente/GM0193",
    "/kaart",
    "/explore/rf-xss",
    "/evidence/new",
    "/signin",
    "/toegankelijkheid",
]


@pytest.mark.browser
@pytest.mark.parametrize("path", OWN_PAGES)
def test_the_keyboard_focus_is_always_visible(watched: Watched, path: str) -> None:
    page = watched.page
    watched.goto(path)
    unseen = []
    for _ in range(FOCUS_TABS):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        focused = page.evaluate(FOCUS_SHOWN)  # type: ignore[attr-defined]
        if focused["element"] == "body":
            break
        if not focused["ring"]:
            unseen.append(focused["element"])
    assert unseen == []
    watched.check()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "network", "alternative"),
    [
        ("/explore/rf-xss?lang=en", "explorer", "table-alternative"),
        (
            "/partners?municipality=Amsterdam&target=theme-maatschappelijke-weerbaarheid&include_proposed=1&lang=en",
            "partners-network",
            "partner-list",
        ),
    ],
)
def test_a_network_is_named_where_the_keyboard_meets_it_and_links_to_its_text(
    watched: Watched, path: str, network: str, alternative: str
) -> None:
    page = watched.page
    watched.goto(path)
    wait_drawn(page, network)
    focusable = page.locator(f"#{network} .vis-network[tabindex]")  # type: ignore[attr-defined]
    assert focusable.get_attribute("role") == "img"
    assert focusable.get_attribute("aria-label").startswith("Network view: ")
    caption = page.locator(f"#{focusable.get_attribute('aria-describedby')}")  # type: ignore[attr-defined]
    assert "arrow keys" in caption.inner_text()
    caption.locator("a.text-alternative").click()
    target = page.locator(f"#{alternative}")  # type: ignore[attr-defined]
    assert target.is_visible()
    assert target.locator("a").count() > 0  # every node there is a link the keyboard reaches
    watched.check()


def test_the_statement_names_the_check_and_claims_no_status(site: Site) -> None:
    for lang, no_status in (("nl", "Geen status geclaimd."), ("en", "No status claimed.")):
        response = httpx.get(f"{site.url}/toegankelijkheid?lang={lang}")
        assert response.status_code == 200
        html = response.text
        assert f"axe-core {AXE_VERSION}" in html and all(f"<code>{tag}</code>" in html for tag in WCAG_TAGS)
        assert no_status in html
        assert all(escape(p.described(lang)) in html for p in CHECKED_PAGES)


def test_the_statement_is_open_when_reading_needs_a_key(site: Site) -> None:
    with serve(create_app(Settings(require_key_for_reads=True), store=site.store, keys=site.keys)) as url:
        assert httpx.get(url + "/coverage").status_code == 401
        assert httpx.get(url + "/toegankelijkheid").status_code == 200
