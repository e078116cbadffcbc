"""/docs (Swagger UI) and /redoc (Redoc) from the vendored copies (trial X6): their HTML names no other host and
carries a Content-Security-Policy, and in Chromium, with every request off the machine blocked, they render
the API's operations."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.pages.conftest import Site, Watched
from tests.pages.test_page_html import OUTSIDE

# Redoc's menu shows its maker's logo from a CDN; the page's policy blocks it before any request is made.
REDOC_LOGO_BLOCKED = re.compile(
    r"^Loading the image 'https://cdn\.redoc\.ly/redoc/logo-mini\.svg' violates the following Content Security "
    r"Policy directive: \"img-src 'self' data:\""
)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_name_no_other_host_and_carry_a_policy(site: Site, path: str) -> None:
    response = httpx.get(site.url + path)
    assert response.status_code == 200 and OUTSIDE.search(response.text) is None, response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "unsafe-eval" not in policy
    scripts = re.findall(r'<script src="([^"]+)"', response.text)
    assert scripts and all(s.startswith("/static/") for s in scripts)
    for script in scripts:
        assert httpx.get(site.url + script).status_code == 200, script


def test_swagger_ui_needs_no_more_than_the_pages_policy(site: Site) -> None:
    docs = httpx.get(site.url + "/docs").headers["content-security-policy"]
    assert docs == httpx.get(site.url + "/").headers["content-security-policy"]


@pytest.mark.browser
def test_docs_render_every_operation_offline(watched: Watched, site: Site) -> None:
    paths = set(httpx.get(site.url + "/openapi.json").json()["paths"])
    page = watched.page
    watched.goto("/docs")
    page.wait_for_selector(".opblock")
    shown = {p.replace("\u200b", "") for p in page.locator(".opblock-summary-path").all_inner_texts()}
    assert shown == paths
    watched.check()


@pytest.mark.browser
def test_redoc_renders_every_operation_offline(watched: Watched, site: Site) -> None:
    page = watched.page
    watched.goto("/redoc")
    page.wait_for_selector("[data-section-id^='operation/']")
    assert page.locator("h2", has_text="Coverage").count() >= 1
    assert page.locator("[data-section-id^='operation/']").count() >= 10
    watched.console_errors = [e for e in watched.console_errors if not REDOC_LOGO_BLOCKED.search(e)]
    watched.check()
