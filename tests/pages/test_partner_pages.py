"""The partner finder, local first, and the municipal brief in headless Chromium, on the seed with its regional
bodies: the sections, a reason's quote, the typo's suggestion, and the brief printed to PDF (Chrome DevTools
Page.printToPDF) in at most four A4 pages."""

from __future__ import annotations

import base64
import re

import pytest

from tests.pages.conftest import Watched

pytestmark = pytest.mark.browser

MAX_PAGES = 4
POLICY_ACTORS = {"/explore/org-tweede-kamer", "/explore/org-bzk", "/explore/org-szw", "/explore/org-ministerie-jenv"}
PDF_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")  # a page object (not the /Pages tree) of Chromium's PDF


def test_the_partner_finder_shows_local_bodies_first_then_national_lines_then_roles(watched: Watched) -> None:
    page = watched.page
    watched.goto("/partners?municipality=Zwolle&include_proposed=1")
    local = page.locator("#partner-list > li")
    assert local.count() >= 4
    assert "GGD IJsselland" in page.locator("#partner-list").inner_text()
    assert "Werkgebied:" in local.first.inner_text()  # via which region each body serves
    national = page.locator("#national-list").inner_text()
    assert "Landelijk Steunpunt Extremisme" in national and "Tweede Kamer" not in national
    offered = page.locator("#partner-list > li > a, #national-list > li > a, #role-list > li > a")
    hrefs = [offered.nth(i).get_attribute("href") for i in range(offered.count())]
    assert len(hrefs) > 10 and not [h for h in hrefs if h.split("?")[0] in POLICY_ACTORS]
    assert "Gemeente Zwolle" in page.locator("#role-list").inner_text()
    heading = page.locator("a > strong", has_text=re.compile(r"^Landelijk Steunpunt Extremisme$"))
    lse = page.locator("#national-list > li").filter(has=heading)
    # the website as a link out the user follows (rel="external"; the page itself loads nothing from elsewhere)
    assert "website https://www.landelijksteunpuntextremisme.nl/" in lse.locator(".contact").inner_text()
    site = lse.locator(".contact a.url")
    assert site.get_attribute("href") == "https://www.landelijksteunpuntextremisme.nl/"
    assert site.get_attribute("rel") == "external noopener noreferrer"
    assert "Wij geven advies" in lse.locator("q.quote").first.inner_text()  # the reason's quote, verbatim
    assert re.fullmatch(r"\d+ organisaties?\+?( · .*)?", page.locator("#partner-count").inner_text())
    page.click("#brief-link")
    page.wait_for_url(re.compile(r"/gemeente/GM0193"))
    assert page.locator("h1").inner_text().startswith("Gemeentelijk overzicht: Zwolle")
    watched.check()


def test_a_typo_gets_a_dutch_error_with_the_nearest_name(watched: Watched) -> None:
    page = watched.page
    response = watched.goto("/partners?municipality=Zwole")
    assert response.status == 404  # type: ignore[attr-defined]
    error = page.locator("#form-error")
    assert "Geen gemeente gevonden voor 'Zwole'" in error.inner_text() and "Bedoelt u Zwolle?" in error.inner_text()
    error.get_by_role("link", name="Zwolle").click()
    page.wait_for_url(re.compile(r"municipality=Zwolle"))
    assert page.locator("#partner-list > li").count() >= 3
    watched.check(404)


def test_the_brief_prints_in_at_most_four_a4_pages(watched: Watched) -> None:
    page = watched.page
    for path in ("/gemeente/GM0344?include_proposed=1", "/gemeente/GM0193?lang=en&include_proposed=1"):
        watched.goto(path)
        for section in ("#bodies-title", "#national-title", "#factors-title", "#programmes-title", "#gaps-title"):
            assert page.locator(section).is_visible(), section
        assert page.locator("#brief-bodies q.quote").count() > 0  # the roles with their sources' words
        assert page.locator("#brief-statuses").inner_text()  # which statuses count
        cdp = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
        printed = cdp.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})
        pdf = base64.b64decode(printed["data"])
        assert pdf.startswith(b"%PDF")
        pages = len(PDF_PAGE.findall(pdf))
        assert 1 <= pages <= MAX_PAGES, (path, pages)
        assert b"/Font" in pdf and len(pdf) > 20_000  # text was set: not a blank page
        page.emulate_media(media="print")  # type: ignore[attr-defined]
        assert not page.locator("header.site").is_visible()  # the site's frame is not printed
        assert page.locator("#brief-bodies").is_visible()
        page.emulate_media(media="screen")  # type: ignore[attr-defined]
    watched.check()


def test_an_unknown_municipality_has_no_brief(watched: Watched) -> None:
    response = watched.goto("/gemeente/GM9999")
    assert response.status == 404  # type: ignore[attr-defined]
    assert "GM9999" in watched.page.locator("main").inner_text()  # type: ignore[attr-defined]
    watched.check(404)
