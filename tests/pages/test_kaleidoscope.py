"""The kaleidoscope's radial diagram in real headless Chromium: no two names overlap as the browser draws them
(at the default view and under other filters), a click on a sector (or Enter on it) lists the interventions
that address its factors with their passages, and the page prints to a non-blank A4 landscape PDF."""

from __future__ import annotations

import base64
import re

import pytest

from tests.pages.conftest import PAYLOAD, Watched

pytestmark = pytest.mark.browser

# Every text of the diagram: the members' and clusters' names beside the circle, and the rings' names.
LABEL_BOXES = """() => Array.from(document.querySelectorAll('svg.kaleidoscope text')).map((e) => {
  const r = e.getBoundingClientRect();
  return [e.textContent, r.left, r.top, r.right, r.bottom];
})"""


def overlapping(boxes: list[list]) -> list[tuple[str, str]]:
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?lang=en&include_proposed=true",
        "/?scheme=CoeusClusterScheme&include_proposed=true",
        "/?scheme=RanstorpClusterScheme&domain=social",
    ],
)
def test_no_two_labels_overlap(watched: Watched, path: str) -> None:
    page = watched.page
    page.set_viewport_size({"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    watched.goto(path)
    boxes = page.evaluate(LABEL_BOXES)  # type: ignore[attr-defined]
    members = page.locator("svg.kaleidoscope text.member-label").count()  # type: ignore[attr-defined]
    assert members > 25 and len(boxes) > members
    assert all(b[3] > b[1] and b[4] > b[2] for b in boxes)  # every label is drawn with a size
    assert overlapping(boxes) == []
    svg = page.locator("svg.kaleidoscope").bounding_box()  # type: ignore[attr-defined]
    assert all(svg["x"] - 1 <= b[1] and b[3] <= svg["x"] + svg["width"] + 1 for b in boxes)  # none cut off
    if path == "/":
        watched.screenshot("kaleidoscope-nl")
    watched.check()


def test_a_sector_click_lists_the_interventions_that_address_its_factors(watched: Watched) -> None:
    page = watched.page
    watched.goto("/?scheme=CoeusClusterScheme")
    sector = page.locator("svg.kaleidoscope a.sector[data-sector='coeus-social']")  # type: ignore[attr-defined]
    sector.click()
    page.wait_for_url(re.compile(r"#sector-coeus-social$"))  # type: ignore[attr-defined]
    listed = page.locator("#sector-coeus-social")  # type: ignore[attr-defined]
    assert listed.evaluate("(e) => e.matches(':target')")
    assert listed.is_visible()
    assert listed.locator(".sector-factors").get_by_role("link", name=PAYLOAD, exact=True).count() == 1  # as text
    intervention = listed.locator("li[data-id='int-xss']")
    assert intervention.count() == 1
    assert "<img src=x onerror=window.__xss=1>citaat-pakt-aan" in intervention.inner_text()  # the link's passage
    # the keyboard reaches the same list: focus a cluster's name beside the circle and press Enter
    watched.goto("/?lang=en&scheme=CoeusClusterScheme")
    name = page.locator("svg.kaleidoscope a.sector-name[data-id='sector:coeus-social']")  # type: ignore[attr-defined]
    name.focus()
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"lang=en&scheme=CoeusClusterScheme#sector-coeus-social$"))  # type: ignore[attr-defined]
    assert page.locator("#sector-coeus-social li[data-id='int-xss']").is_visible()  # type: ignore[attr-defined]
    watched.screenshot("kaleidoscope-sector-en")
    watched.check()


def test_a_sector_no_source_links_to_says_so(watched: Watched) -> None:
    page = watched.page
    watched.goto("/?scheme=CoeusClusterScheme")
    empty = page.locator(".sector-list:has(.sector-none)")  # type: ignore[attr-defined]
    assert empty.count() >= 1
    assert "Geen bron verbindt een interventie" in empty.first.inner_text()
    assert empty.first.locator("ul.interventions").count() == 0
    watched.check()


def test_the_diagram_prints_on_a4_landscape(watched: Watched) -> None:
    page = watched.page
    watched.goto("/?include_proposed=true")
    cdp = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    printed = cdp.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})
    pdf = base64.b64decode(printed["data"])
    assert pdf.startswith(b"%PDF")
    assert b"/Font" in pdf and len(pdf) > 20_000  # text was set: not a blank page
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert sizes and all(float(w) > float(h) for w, h in sizes)  # landscape
    assert abs(float(sizes[0][0]) - 841.9) < 2 and abs(float(sizes[0][1]) - 595.3) < 2  # A4, in points
    page.emulate_media(media="print")  # type: ignore[attr-defined]
    assert not page.locator("header.site").is_visible()  # type: ignore[attr-defined]
    svg = page.locator("svg.kaleidoscope").bounding_box()  # type: ignore[attr-defined]
    width = page.evaluate("() => document.documentElement.clientWidth")  # type: ignore[attr-defined]
    assert svg["width"] <= width + 1  # the diagram fits the page's width
    page.emulate_media(media="screen")  # type: ignore[attr-defined]
    watched.check()
