"""The national lines and roles a page at a time over HTTP (issue 19): the API's pages and totals, the partner
finder's "25 of 31 national lines" with a link to the next page, the brief's count of those it leaves out."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from caleido.graph.store import GraphStore
from caleido.graph.usecases.partners import NATIONAL_LIMIT
from tests.graph.test_partners_paged import LINES, national_lines

TOTAL = LINES + 1  # with the fixture's own national line


def test_the_api_pages_the_national_lines_and_roles(store: GraphStore, api: TestClient) -> None:
    national_lines(store)
    first = api.get("/api/v1/partners", params={"municipality": "GM0193"}).json()
    assert (len(first["national"]), first["national_total"], first["roles_total"]) == (NATIONAL_LIMIT, TOTAL, 3)
    rest = api.get("/api/v1/partners", params={"municipality": "GM0193", "national_offset": NATIONAL_LIMIT}).json()
    assert len(rest["national"]) == TOTAL - NATIONAL_LIMIT and rest["national_offset"] == NATIONAL_LIMIT
    assert not {p["id"] for p in rest["national"]} & {p["id"] for p in first["national"]}
    roles = api.get("/api/v1/partners", params={"municipality": "GM0193", "roles_limit": 2}).json()
    assert (len(roles["roles"]), roles["roles_total"]) == (2, 3)
    assert api.get("/api/v1/partners", params={"municipality": "GM0193", "national_limit": 0}).status_code == 422


def test_the_finder_says_which_page_and_links_to_the_next(store: GraphStore, api: TestClient) -> None:
    national_lines(store)
    html = api.get("/partners", params={"municipality": "Zwolle", "lang": "en"}).text
    assert f"{NATIONAL_LIMIT} of {TOTAL} national lines" in html
    (more,) = re.findall(r'id="national-more" href="([^"]+)"', html)
    assert f"national_offset={NATIONAL_LIMIT}" in more
    assert 'id="roles-page"' not in html  # every role fits on the page
    nxt = api.get(more.replace("&amp;", "&")).text
    assert f"{NATIONAL_LIMIT + 1}-{TOTAL} of {TOTAL} national lines" in nxt and 'id="national-more"' not in nxt
    dutch = api.get("/partners", params={"municipality": "Zwolle"}).text
    assert f"{NATIONAL_LIMIT} van {TOTAL} landelijke lijnen" in dutch


def test_the_brief_says_how_many_more_and_links_to_the_finder(store: GraphStore, api: TestClient) -> None:
    national_lines(store)
    html = api.get("/gemeente/GM0193").text
    (more,) = re.findall(r'<p id="brief-national-more">([^<]*)<a href="([^"]+)">([^<]*)</a>', html)
    assert f"{NATIONAL_LIMIT} van {TOTAL} landelijke lijnen" in more[0]
    assert (
        more[1].startswith("/partners?municipality=GM0193")
        and more[2] == f"nog {TOTAL - NATIONAL_LIMIT} in de partnerzoeker"
    )
    assert 'id="brief-roles-more"' not in html
