"""/kaart in real headless Chromium: 342 municipalities drawn inside the map, a click opens the partner finder
for that municipality (with the chosen factor or theme), another measure changes colours and legend, and no
request leaves the machine. Over its own small store (tests/fixtures/usecases and map/policy.yaml), where
Utrecht (GM0344) is served by three regional bodies and 's-Gravenhage (GM0518) by two."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.embedded import EmbeddedStore
from tests.helpers import FIXTURES, load, serve
from tests.pages.conftest import Watched

pytestmark = pytest.mark.browser

# Every municipality's box on screen, and the map's own box (one round trip).
BOXES = """() => {
  const map = document.querySelector('#nl-map').getBoundingClientRect();
  const boxes = [...document.querySelectorAll('#nl-map .municipalities path')].map((p) => p.getBoundingClientRect());
  return {map: [map.left, map.top, map.right, map.bottom],
          boxes: boxes.map((b) => [b.left, b.top, b.right, b.bottom, b.width * b.height])};
}"""
FILL = "(code) => document.querySelector(`#nl-map a[data-code='${code}'] path`).getAttribute('fill')"
LEGEND = "() => [...document.querySelectorAll('#map-legend li')].map((li) => li.innerText.trim())"


@pytest.fixture(scope="module")
def map_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("map")
    store = EmbeddedStore(folder / "store")
    load(store, FIXTURES / "usecases", FIXTURES / "map" / "extra.yaml")
    with serve(create_app(store=store, keys=KeyStore(folder / "keys.sqlite3"))) as url:
        yield url
    store.close()


@pytest.fixture
def on_map(watched: Watched, map_site: str) -> Watched:
    watched.base = map_site
    return watched


def test_the_map_draws_all_342_municipalities_inside_itself(on_map: Watched) -> None:
    page = on_map.page
    response = on_map.goto("/kaart")
    assert response.status == 200  # type: ignore[attr-defined]
    assert page.locator("#nl-map .municipalities path").count() == 342  # type: ignore[attr-defined]
    drawn = page.evaluate(BOXES)  # type: ignore[attr-defined]
    left, top, right, bottom = drawn["map"]
    assert right - left > 300 and bottom - top > 300
    for x0, y0, x1, y1, area in drawn["boxes"]:
        assert area > 0 and left - 1 <= x0 and x1 <= right + 1 and top - 1 <= y0 and y1 <= bottom + 1
    # The country fills its frame: the municipalities together reach (nearly) every side of it.
    assert min(b[0] for b in drawn["boxes"]) - left < 0.05 * (right - left)
    assert bottom - max(b[3] for b in drawn["boxes"]) < 0.05 * (bottom - top)
    assert page.locator("#map-table tbody tr").count() == 342  # type: ignore[attr-defined]
    on_map.screenshot("map-nl")
    on_map.check()


def test_a_click_on_a_municipality_opens_its_partner_finder(on_map: Watched) -> None:
    page = on_map.page
    on_map.goto("/kaart?target=rf-1&lang=en")
    page.locator("#nl-map a[data-code='GM0344']").click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"/partners\?municipality=GM0344&target=rf-1&lang=en$"))  # type: ignore[attr-defined]
    assert "Utrecht" in page.locator("#results-title").inner_text()  # type: ignore[attr-defined]
    assert page.locator("#partner-list li").count() >= 3  # type: ignore[attr-defined]
    on_map.check()


def test_another_measure_changes_colours_and_legend(on_map: Watched) -> None:
    page = on_map.page
    on_map.goto("/kaart")
    providers = page.evaluate(LEGEND)  # type: ignore[attr-defined]
    assert providers == ["0: 340 gemeenten", "1: 0 gemeenten", "2: 1 gemeente", "3: 1 gemeente"]
    before = page.evaluate(FILL, "GM0518")  # type: ignore[attr-defined]
    page.select_option("#f-measure", "recognised")  # type: ignore[attr-defined]
    page.click("#map-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"measure=recognised"))  # type: ignore[attr-defined]
    assert page.evaluate(LEGEND) == ["0: 340 gemeenten", "1: 2 gemeenten"]  # type: ignore[attr-defined]
    assert page.evaluate(FILL, "GM0518") != before  # type: ignore[attr-defined]
    assert page.evaluate(FILL, "GM0363") == "#ffffff"  # type: ignore[attr-defined]
    on_map.check()


def test_outlines_are_drawn_on_request_without_javascript(on_map: Watched) -> None:
    page = on_map.page
    on_map.goto("/kaart?lang=en")
    assert page.locator("#nl-map path.outline").count() == 0  # type: ignore[attr-defined]
    page.check("input[name=outline][value=safety-region]")  # type: ignore[attr-defined]
    page.check("input[name=outline][value=police-unit]")  # type: ignore[attr-defined]
    page.click("#map-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"outline=safety-region&outline=police-unit"))  # type: ignore[attr-defined]
    assert page.locator("#outline-safety-region").count() == 1  # type: ignore[attr-defined]
    assert page.locator("#outline-police-unit").count() == 1  # type: ignore[attr-defined]
    box = page.locator("#outline-safety-region").bounding_box()  # type: ignore[attr-defined]
    assert box is not None and box["width"] > 200
    on_map.screenshot("map-outlines-en")
    on_map.check()


def test_the_page_needs_no_script_of_its_own(on_map: Watched) -> None:
    html = Path(__file__).parents[2] / "caleido" / "viz" / "templates" / "map.html"
    assert "<script" not in html.read_text(encoding="utf-8")  # the form and links do everything
    on_map.goto("/kaart")
    on_map.check()
