"""/kaart over HTTP on both stores: the measure's values on the drawn municipalities, the legend's counts,
the links to the partner finder, the outlines on request, and bad parameters answered with a 4xx page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from caleido.graph.store import GraphStore
from tests.helpers import FIXTURES, load

MAX_BYTES = 1_000_000


@pytest.fixture
def site(store: GraphStore, client: TestClient) -> TestClient:
    load(store, FIXTURES / "map" / "extra.yaml")
    return client


def values(html: str) -> dict[str, int]:
    return {code: int(v) for code, v in re.findall(r'data-code="(GM\d{4})" data-value="(\d+)"', html)}


def legend(html: str) -> list[tuple[str, int]]:
    found = re.findall(r'class="legend-label">([^<]+)</span>: <span class="legend-count">(\d+)<', html)
    return [(label, int(count)) for label, count in found]


def test_the_map_draws_342_municipalities_with_the_measure(site: TestClient) -> None:
    answer = site.get("/kaart")
    assert answer.status_code == 200
    assert len(answer.content) <= MAX_BYTES
    drawn = values(answer.text)
    assert len(drawn) == 342
    assert drawn["GM0344"] == 3 and drawn["GM0518"] == 2  # Utrecht: local, safety-region and province bodies
    assert sum(v == 0 for v in drawn.values()) == 340
    assert legend(answer.text) == [("0", 340), ("1", 0), ("2", 1), ("3", 1)]
    assert 'href="/partners?municipality=GM0344&amp;lang=nl"' in answer.text
    assert 'aria-label="Utrecht (GM0344): 3"' in answer.text
    assert "map-notice" not in answer.text
    assert "outline-" not in answer.text.split("<svg", 1)[1].split("</svg>", 1)[0].replace('"outline-key', "")


def test_a_factor_narrows_the_bodies_and_goes_with_the_click(site: TestClient) -> None:
    answer = site.get("/kaart", params={"target": "rf-2", "lang": "en"})
    assert set(values(answer.text).values()) == {0}
    assert "Regional bodies serving the municipality, with a reason for Exclusion" in answer.text
    assert 'href="/partners?municipality=GM0344&amp;target=rf-2&amp;lang=en"' in answer.text


def test_recognised_interventions_and_outlines(site: TestClient) -> None:
    answer = site.get("/kaart?measure=recognised&outline=safety-region&outline=police-unit")
    drawn = values(answer.text)
    assert drawn["GM0344"] == 1 and drawn["GM0518"] == 1
    assert 'id="outline-safety-region"' in answer.text and 'id="outline-police-unit"' in answer.text
    assert 'id="outline-ggd-region"' not in answer.text


def test_an_empty_graph_says_why_the_map_is_blank(api: TestClient) -> None:
    for measure in ("providers", "recognised"):
        answer = api.get("/kaart", params={"measure": measure})
        assert answer.status_code == 200
        assert 'id="map-notice"' in answer.text
        assert len(values(answer.text)) == 342


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("measure=<script>", "measure="),
        ("outline=provincie", "outline="),
        ("target=org-local", "target="),
        ("target=%27%20OR%201%3D1", "target="),
    ],
)
def test_bad_parameters_get_a_4xx_page_naming_them(site: TestClient, query: str, named: str) -> None:
    answer = site.get(f"/kaart?{query}")
    assert 400 <= answer.status_code < 500
    assert named in answer.text
    assert "<script>" not in answer.text.split("</header>", 1)[1]
