"""The read routes over HTTP, on each store, with problem+json errors (tests/fixtures/usecases; the passages
claims rest on with tests/fixtures/claims)."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from caleido.graph.derived.core import reindex
from caleido.graph.store import GraphStore
from caleido.ontology.records import NodeRow
from tests.helpers import FIXTURES, load

PROBLEM = "application/problem+json"


@pytest.fixture
def claims_client(store: GraphStore, api: TestClient) -> TestClient:
    """The app over a store holding tests/fixtures/claims."""
    load(store, FIXTURES / "claims")
    return api


def test_health_and_readiness(client: TestClient, store: GraphStore) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()  # the store's kind, never where it lives (E1)
    assert ready == {"status": "ready", "store": store.dialect, "nodes": 21, "links": 21, "derived_data": "current"}
    # Facts written without their derived data (a bulk load): stale until `caleido reindex`.
    factor = next(store.iter_nodes("RiskFactor"))
    store.write([NodeRow("RiskFactor", factor["id"], {k: v for k, v in factor.items() if k != "id"})], [], derive=False)
    assert client.get("/readyz").json()["derived_data"] == "stale"
    reindex(store)
    assert client.get("/readyz").json()["derived_data"] == "current"


def test_model_in_both_languages(client: TestClient) -> None:
    nl = client.get("/api/v1/model").json()
    en = client.get("/api/v1/model", params={"lang": "en"}).json()
    assert nl["dimensions"][0]["label"] == "Het individu" and en["dimensions"][0]["label"] == "The individual"
    assert {m["id"]: m["label"] for m in en["members"]}["val-1"] == "Trust"


def test_coverage_json_and_filters(client: TestClient) -> None:
    body = client.get("/api/v1/coverage").json()
    (cell,) = [c for c in body["cells"] if c["target"] == "rf-1"]
    assert (cell["findings"], cell["net_direction"], cell["best_grade"]) == (1, "supports", "well-founded")
    proposed = client.get("/api/v1/coverage", params={"include_proposed": "true"}).json()
    assert [c["findings"] for c in proposed["cells"] if c["target"] == "rf-1" and c["intervention"] == "int-1"] == [2]
    only_care = client.get("/api/v1/coverage", params={"domain": "care"}).json()
    assert [r["id"] for r in only_care["rows"]] == ["int-1"]


@pytest.mark.parametrize("how", [{"params": {"format": "csv"}}, {"headers": {"Accept": "text/csv"}}])
def test_coverage_as_csv(client: TestClient, how: dict) -> None:
    response = client.get("/api/v1/coverage", **how)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {(r["intervention"], r["target"], r["findings"]) for r in rows} == {
        ("int-1", "rf-1", "1"),
        ("int-1", "pf-1", "0"),
    }


def test_gaps(client: TestClient) -> None:
    body = client.get("/api/v1/gaps").json()
    assert body["counts"] == {
        "factors_without_intervention": 2,
        "links_without_accepted_evidence": 1,
        "themes_without_value": 1,
    }


def test_partners_by_code_or_name_with_reasons(client: TestClient) -> None:
    body = client.get("/api/v1/partners", params={"municipality": "GM0344", "factor": "rf-1"}).json()
    assert [(p["id"], p["reach"]) for p in body["partners"]] == [
        ("org-local", "municipality"),
        ("org-region", "safety-region"),
        ("org-province", "province"),
    ]
    assert [(p["id"], p["reach"]) for p in body["national"]] == [("org-national", "national")]
    claim = {"source": "src-u", "quote": None, "citations": [], "status": "accepted", "note": None}
    assert body["partners"][1]["via"] == "VR09"
    assert body["partners"][1]["reasons"] == [
        {
            "intervention": "int-1",
            "rel": "RUNS",
            "role": "coordinator",
            "target": "rf-1",
            "target_rel": "ADDRESSES",
            "programme_claim": {**claim, "locator": "p. 6"},
            "target_claim": {**claim, "locator": "p. 3"},
            "general": None,
            "general_claim": None,
        }
    ]
    den_haag = client.get("/api/v1/partners", params={"municipality": "Den Haag"}).json()
    assert den_haag["municipality"]["id"] == "GM0518"


def test_big_answers_come_a_page_at_a_time(client: TestClient) -> None:
    whole = client.get("/api/v1/coverage").json()
    assert (whole["total_rows"], whole["offset"], whole["limit"]) == (2, 0, 100)
    second = client.get("/api/v1/coverage", params={"offset": 1, "limit": 1}).json()
    assert [r["id"] for r in second["rows"]] == [whole["rows"][1]["id"]] and second["total_rows"] == 2
    assert all(c["intervention"] == whole["rows"][1]["id"] for c in second["cells"])
    past_the_end = client.get("/api/v1/coverage", params={"offset": 1_000_000}).json()  # crashed Ladybug once
    assert (past_the_end["rows"], past_the_end["cells"], past_the_end["total_rows"]) == ([], [], 2)
    partners = client.get("/api/v1/partners", params={"municipality": "GM0344", "factor": "rf-1", "limit": 2}).json()
    assert [p["id"] for p in partners["partners"]] == ["org-local", "org-region"] and partners["more"]
    rest = client.get(
        "/api/v1/partners", params={"municipality": "GM0344", "factor": "rf-1", "offset": 2, "limit": 2}
    ).json()
    assert [p["id"] for p in rest["partners"]] == ["org-province"] and not rest["more"]
    assert [p["id"] for p in rest["national"]] == ["org-national"]  # national lines come whole, beside the page
    gaps = client.get("/api/v1/gaps", params={"limit": 1, "offset": 1}).json()
    assert gaps["links_without_accepted_evidence"] == [] and gaps["counts"]["links_without_accepted_evidence"] == 1
    for route, params in [("coverage", {"limit": 0}), ("partners", {"municipality": "GM0344", "limit": 1001})]:
        response = client.get(f"/api/v1/{route}", params=params)
        assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert client.get("/api/v1/gaps", params={"offset": -1}).status_code == 422


def test_nodes_neighbourhood_and_search(client: TestClient) -> None:
    detail = client.get("/api/v1/nodes/org-region").json()
    assert detail["class"] == "Organisation" and detail["locator"] == "p. 6"
    hood = client.get("/api/v1/nodes/rf-1/neighbourhood", params={"depth": 2, "limit": 4}).json()
    assert hood["truncated"] and len(hood["nodes"]) == 4
    hits = client.get("/api/v1/search", params={"q": "VERTROUWEN"}).json()
    assert hits[0]["id"] == "val-1"
    only_themes = client.get("/api/v1/search", params={"q": "resilience", "class": "ProgrammeTheme"}).json()
    assert [h["id"] for h in only_themes] == ["theme-2"]


def test_export_formats(client: TestClient) -> None:
    turtle = client.get("/api/v1/export")
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=turtle.text, format="turtle")) > 1000
    jsonld = client.get("/api/v1/export", params={"format": "jsonld"})
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(
        Graph().parse(data=turtle.text, format="turtle")
    )
    part = client.get("/api/v1/export", params={"format": "csv", "class": ["Organisation", "Intervention"]})
    classes = {row["class"] for row in csv.DictReader(io.StringIO(part.content.decode("utf-8-sig")))}
    assert classes == {"Organisation", "Intervention"}
    part_links = client.get(
        "/api/v1/export", params={"format": "csv", "part": "links", "class": ["Organisation", "Intervention"]}
    )
    rels = {row["rel"] for row in csv.DictReader(io.StringIO(part_links.content.decode("utf-8-sig")))}
    assert rels == {"runs", "participates_in"}
    links = client.get("/api/v1/export", params={"format": "csv", "part": "links"})
    assert links.content.decode("utf-8-sig").startswith("source_id,rel,target_id")


@pytest.mark.parametrize(
    ("url", "params", "status", "field"),
    [
        ("/api/v1/nodes/nope", {}, 404, None),
        ("/api/v1/nodes/nope/neighbourhood", {}, 404, None),
        ("/api/v1/nodes/rf-1/neighbourhood", {"depth": 4}, 422, "depth"),
        ("/api/v1/coverage", {"domain": "sport"}, 422, "domain"),
        ("/api/v1/coverage", {"axis": "values"}, 422, "axis"),
        ("/api/v1/partners", {}, 422, "municipality"),
        ("/api/v1/partners", {"municipality": "Atlantis"}, 404, None),
        ("/api/v1/partners", {"municipality": "GM0344", "factor": "val-1"}, 404, None),
        ("/api/v1/search", {"q": ""}, 422, "q"),
        ("/api/v1/search", {"q": "x", "class": "Person"}, 422, "class"),
        ("/api/v1/export", {"class": "Person"}, 422, "class"),
        ("/api/v1/export", {"format": "xml"}, 422, "format"),
        ("/api/v1/nowhere", {}, 404, None),
    ],
)
def test_errors_are_problem_json(client: TestClient, url: str, params: dict, status: int, field: str | None) -> None:
    response = client.get(url, params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if field is not None:
        assert any(e["field"].split(".")[0] == field for e in body["errors"]), body["errors"]
    assert "Traceback" not in response.text and "caleido." not in response.text


# ---------------------------------------------------------------- every claim with its passage


def test_model_lists_the_themes_with_their_interventions_and_passages(claims_client: TestClient) -> None:
    body = claims_client.get("/api/v1/model", params={"lang": "en"}).json()
    themes = {t["id"]: t for t in body["themes"]}
    assert sorted(themes) == ["theme-a", "theme-b", "theme-p"]  # theme-x is retracted, theme-j rejected
    theme = themes["theme-a"]
    assert (theme["label"], theme["status"], theme["source"], theme["locator"], theme["quote"]) == (
        "Theme A",
        "accepted",
        "src-c",
        "§ A",
        "citaat bij thema A",
    )
    shown = [(i["id"], i["status"], i["link"]["status"], i["link"]["quote"]) for i in theme["interventions"]]
    assert shown == [
        ("int-a", "accepted", "accepted", "citaat: aanpak A hoort bij thema A"),
        ("int-b", "accepted", "proposed", "citaat: aanpak B hoort bij thema A"),
        ("int-c", "proposed", "accepted", "citaat: aanpak C hoort bij thema A"),
    ]
    factor = {m["id"]: m for m in body["members"]}["rf-a"]
    assert factor["gloss"] == "curator" and factor["citations"][1] == {
        "locator": "p. 3",
        "quote": "derde citaat bij factor A",
    }


def test_a_node_and_each_link_come_with_their_passages(claims_client: TestClient) -> None:
    node = claims_client.get("/api/v1/nodes/org-a").json()
    runs = [link for link in node["links"] if link["rel"] == "RUNS"]
    assert [(link["to"], link["locator"], link["quote"], link["far"]["label_en"]) for link in runs] == [
        ("int-a", "p. 5", "citaat: organisatie A voert aanpak A uit", "Approach A")
    ]
    assert node["cited"] == [{"id": "src-c", "class": "Source", "label_nl": "Bron C", "label_en": "Source C"}]
    factor = claims_client.get("/api/v1/nodes/rf-a").json()
    assert factor["quote"] == "citaat bij factor A" and factor["gloss"] == "curator"
    assert [c["locator"] for c in factor["citations"]] == ["p. 2", "p. 3"]


def test_a_cell_and_a_partner_come_with_their_passages(claims_client: TestClient) -> None:
    cell = claims_client.get("/api/v1/coverage/cell", params={"intervention": "int-a", "target": "rf-a"}).json()
    (finding,) = cell["finding_details"]
    assert (finding["locator"], finding["quote"]) == ("tabel 3", "citaat bij bevinding A")
    assert finding["sources"][0]["quote"] == "citaat: bevinding A staat in bron D"
    assert cell["links"][0]["quote"] == "citaat: aanpak A pakt factor A aan"
    missing = claims_client.get("/api/v1/coverage/cell", params={"intervention": "int-nope", "target": "rf-a"})
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    partners = claims_client.get("/api/v1/partners", params={"municipality": "GM0344", "factor": "rf-a"}).json()
    (reason,) = partners["partners"][0]["reasons"]
    assert reason["programme_claim"]["quote"] == "citaat: organisatie A voert aanpak A uit"
    assert reason["target_claim"]["quote"] == "citaat: aanpak A pakt factor A aan"


def test_openapi_lists_every_route_and_the_vocabularies(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/api/v1/model",
        "/api/v1/coverage",
        "/api/v1/coverage/cell",
        "/api/v1/gaps",
        "/api/v1/partners",
        "/api/v1/nodes/{node_id}",
        "/api/v1/nodes/{node_id}/neighbourhood",
        "/api/v1/search",
        "/api/v1/export",
        "/healthz",
        "/readyz",
    } <= set(spec["paths"])
    assert "rule-of-law" in spec["components"]["schemas"]["Domain"]["enum"]


# ---------------------------------------------------------------- signals in an officer's own words


def test_a_signal_matches_factors_by_their_stored_labels_with_the_words_that_matched(client: TestClient) -> None:
    body = client.get("/api/v1/signals/match", params={"text": "De jongere voelt wanhoop en uitsluiting"}).json()
    assert body["exact_match"] and [f["id"] for f in body["factors"]][:2] == ["rf-1", "rf-2"]
    (word,) = body["factors"][0]["words"]
    assert (word["word"], word["term"], word["via"], word["basis"]) == ("wanhoop", "Wanhoop", "label", "store")


def test_a_signal_that_matches_nothing_suggests_the_nearest_factors(client: TestClient) -> None:
    body = client.get("/api/v1/signals/match", params={"text": "<b>wahnoop</b>"}).json()
    assert not body["exact_match"] and body["factors"] == []
    assert body["suggestions"][0]["id"] == "rf-1" and body["suggestions"][0]["nearest"] == "Wanhoop"
    assert body["text"] == "<b>wahnoop</b>"  # returned as the text it is; a page shows it escaped


def test_the_partners_of_a_signal_are_ranked_by_the_factors_it_matched(client: TestClient) -> None:
    by_signal = client.get("/api/v1/partners", params={"municipality": "GM0344", "signal": "veel wanhoop"}).json()
    by_factor = client.get("/api/v1/partners", params={"municipality": "GM0344", "factor": "rf-1"}).json()
    assert [f["id"] for f in by_signal["signal"]["factors"]] == ["rf-1"]
    assert [p["id"] for p in by_signal["partners"]] == [p["id"] for p in by_factor["partners"]]
    assert by_factor["signal"] is None


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"municipality": "GM0344", "signal": "!!!"}, "signal"),
        ({"municipality": "GM0344", "signal": "x" * 301}, "signal"),
        ({"municipality": "GM0344", "signal": ""}, "signal"),
    ],
)
def test_a_signal_without_words_or_too_long_is_a_422_naming_it(
    client: TestClient, params: dict[str, str], name: str
) -> None:
    response = client.get("/api/v1/partners", params=params)
    assert response.status_code == 422 and response.headers["content-type"].startswith("application/problem+json")
    assert name in response.text


def test_signal_match_refuses_a_limit_that_is_no_number(client: TestClient) -> None:
    response = client.get("/api/v1/signals/match", params={"text": "wanhoop", "limit": "many"})
    assert response.status_code == 422 and "limit" in response.text
