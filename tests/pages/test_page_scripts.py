"""vis-network (~470 KB) comes only with the pages that draw a network, and before the script that draws it."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.pages.conftest import Site

VIS = "/static/vendor/vis-network/vis-network.min.js"
NETWORK = re.compile(r'<div id="[^"]+" class="network[^"]*" data-graph=')


@pytest.fixture(scope="module")
def http(site: Site) -> httpx.Client:
    return httpx.Client(base_url=site.url, timeout=60)


def _scripts(html: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', html)


@pytest.mark.parametrize(
    "path",
    ["/partners?municipality=GM0344&target=rf-xss", "/explore/int-xss?depth=2", "/explore/GM0363"],
)
def test_a_page_that_draws_a_network_loads_vis_network_before_drawing(http: httpx.Client, path: str) -> None:
    html = http.get(path).text
    assert NETWORK.search(html), "the page draws a network"
    scripts = _scripts(html)
    assert scripts.count(VIS) == 1
    assert scripts.index(VIS) < scripts.index("/static/caleido.js")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/?lang=en&include_proposed=true", 200),
        ("/coverage", 200),
        ("/coverage?axis=themes&lang=en", 200),
        ("/partners", 200),
        ("/evidence/new", 200),
        ("/explore/no-such-node", 404),
        ("/?domain=nope", 422),
    ],
)
def test_a_page_without_a_network_does_not_load_vis_network(http: httpx.Client, path: str, status: int) -> None:
    response = http.get(path)
    assert response.status_code == status
    assert NETWORK.search(response.text) is None
    scripts = _scripts(response.text)
    assert VIS not in scripts
    assert "/static/caleido.js" in scripts  # colour swatches and page behaviour still come with every page
