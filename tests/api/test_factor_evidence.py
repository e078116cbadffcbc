"""The research on each factor beside the evidence-and-gap map, and the typed gaps, on each store: the map's
columns and cells and the gap lists count the same findings under the same statuses; findings linked only to a
factor appear; a published meta-analysis imported through the API and accepted by a curator shows its pooled
effect sizes, each with its quote, on the default map beside its factors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore
from caleido.graph.usecases.map_measures import map_measure
from tests.helpers import BACKENDS, FIXTURES, bearer, load, seeded_store

META_ANALYSIS = FIXTURES / "evidence" / "meta-analysis.csv"
# The second real review of issue 18 (Biddlestone et al., motives of conspiracy beliefs): see the fixture's README.
CONSPIRACY_MOTIVES = FIXTURES / "evidence" / "conspiracy-motives.csv"
EVERYTHING = {"limit": "1000"}


def _typed(gaps: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {gap["type"]: gap["items"] for gap in gaps["typed"]}


def assert_map_and_gaps_agree(client: TestClient, include_proposed: bool) -> None:
    """What the map shows empty or thin is what the gap lists name, type by type."""
    params = {**EVERYTHING, "include_proposed": str(include_proposed).lower()}
    shown = client.get("/api/v1/coverage", params=params).json()
    gaps = client.get("/api/v1/gaps", params=params).json()
    typed = _typed(gaps)
    assert shown["statuses"] == gaps["statuses"]
    assert {g["type"]: g["count"] for g in gaps["typed"]} == {k: len(v) for k, v in typed.items()}
    assert len(shown["rows"]) == shown["total_rows"]
    factors = {c["id"] for c in shown["columns"] if c["class"] in ("RiskFactor", "ProtectiveFactor")}
    research = {e["target"]: e for e in shown["column_evidence"]}
    assert {f["id"] for f in typed["factors_without_findings"]} == factors - set(research)
    linked = {c["target"] for c in shown["cells"] if c["rel"] in ("ADDRESSES", "STRENGTHENS")}
    assert {f["id"] for f in typed["factors_without_intervention"]} == factors - linked
    indirect = {
        (c["intervention"], c["target"])
        for c in shown["cells"]
        if c["rel"] in ("ADDRESSES", "STRENGTHENS") and not c["findings"] and c["target"] in research
    }
    assert {(g["id"], g["target"]) for g in typed["links_indirect_evidence_only"]} == indirect
    for cell in shown["cells"]:  # a cell's findings bear on its factor too: the column counts them
        if cell["findings"]:
            assert set(cell["finding_ids"]) <= set(research[cell["target"]]["finding_ids"])
    rows = {r["id"] for r in shown["rows"]}
    assert {i["id"] for i in typed["interventions_never_evaluated"]} <= rows
    # the older lists count the same rows and columns: no link of an intervention the map has no row for
    assert gaps["counts"]["factors_without_intervention"] == len(typed["factors_without_intervention"])
    cells = {(c["intervention"], c["target"]) for c in shown["cells"]}
    assert {(g["intervention"], g["target"]) for g in gaps["links_without_accepted_evidence"]} <= cells
    for target, evidence in research.items():  # the column's count is the factor view's count
        answer = client.get("/api/v1/coverage/factor", params={"id": target, **params}).json()
        assert answer["finding_ids"] == evidence["finding_ids"] and answer["findings"] == evidence["findings"]
        assert len(answer["finding_details"]) == evidence["findings"]


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app over the seed (Neo4j: copied there from an embedded store)."""
    folder = tmp_path_factory.mktemp("factor-evidence-seed")
    with (
        seeded_store(request.param, folder) as store,
        TestClient(create_app(store=store, keys=KeyStore(folder / "keys.sqlite3"))) as client,
    ):
        yield client


@pytest.mark.parametrize("include_proposed", [False, True])
def test_map_and_gaps_agree_on_the_seed(seeded: TestClient, include_proposed: bool) -> None:
    assert_map_and_gaps_agree(seeded, include_proposed)


def test_seed_findings_on_factors_alone_appear_on_the_default_map(seeded: TestClient) -> None:
    """The seed's findings bear on factors only (no intervention): today's map showed none of them."""
    shown = seeded.get("/api/v1/coverage", params=EVERYTHING).json()
    assert shown["column_evidence"], "the research on the factors is on the map"
    assert not any(c["findings"] for c in shown["cells"])  # none of it is about a programme
    first = shown["column_evidence"][0]
    answer = seeded.get("/api/v1/coverage/factor", params={"id": first["target"]}).json()
    assert answer["statuses"] == ["accepted"] and answer["sources"] >= 1
    assert all(f["quote"] and f["source"] and f["locator"] for f in answer["finding_details"])


@pytest.mark.parametrize("include_proposed", [False, True])
def test_map_and_gaps_agree_on_the_fixture(client: TestClient, include_proposed: bool) -> None:
    assert_map_and_gaps_agree(client, include_proposed)
    typed = _typed(client.get("/api/v1/gaps", params={"include_proposed": str(include_proposed).lower()}).json())
    # int-2's link to rf-1 is proposed: only then a gap, and an indirect one (rf-1 has research, int-2 none)
    indirect = {(g["id"], g["target"]) for g in typed["links_indirect_evidence_only"]}
    assert (("int-2", "rf-1") in indirect) is include_proposed
    assert {g["id"] for g in typed["interventions_never_evaluated"]} == {"int-2"}


def _upload(client: TestClient, headers: dict[str, str], name: str, text: str) -> dict[str, Any]:
    files = {"file": (name, text.encode(), "text/csv")}
    response = client.post("/api/v1/evidence/import", headers=headers, files=files)
    assert response.status_code == 200, response.text
    return response.json()


def _accept(client: TestClient, headers: dict[str, str], ids: list[str]) -> None:
    for node_id in ids:
        decided = client.post(
            f"/api/v1/evidence/{node_id}/review", headers=headers, json={"decision": "accept", "reason": "read it"}
        )
        assert decided.status_code == 200, decided.text


def test_weak_and_foreign_only_evidence_are_typed_gaps(client: TestClient, keys: KeyStore) -> None:
    quote = "a passage of the test study"
    table = (
        "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation,intervention,country,grade,"
        "locator,quote\n"
        f"Resilience,protective,attitudes,0.1,r,Test study (2024).,Local approach,DE,not-assessed,p. 2,{quote}\n"
    )
    report = _upload(client, bearer(keys, "researcher"), "foreign.csv", table)
    (row,) = report["report"]
    assert (row["factor"], row["factor_match"], row["intervention"]) == ("pf-1", "matched", "int-1")
    before = _typed(client.get("/api/v1/gaps").json())
    assert ("int-1", "pf-1") not in {(g["id"], g["target"]) for g in before["links_foreign_evidence_only"]}
    _accept(client, bearer(keys, "curator"), [row["finding"]])
    after = _typed(client.get("/api/v1/gaps").json())
    assert ("int-1", "pf-1") in {(g["id"], g["target"]) for g in after["links_foreign_evidence_only"]}
    weak = {(g["id"], g["target"]) for g in after["links_weak_evidence_only"]}
    assert {("int-1", "pf-1"), ("int-1", "rf-1")} <= weak  # well-founded and not-assessed: below effective-first
    assert "pf-1" not in {g["id"] for g in after["factors_without_findings"]}
    assert_map_and_gaps_agree(client, False)
    answer = client.get("/api/v1/coverage/factor", params={"id": "pf-1"}).json()
    (detail,) = answer["finding_details"]
    assert (detail["quote"], detail["locator"], answer["effects"][0]["country"]) == (quote, "p. 2", "DE")


def test_a_recognised_intervention_not_delivered_everywhere_is_a_gap(store: GraphStore, client: TestClient) -> None:
    before = _typed(client.get("/api/v1/gaps").json())["recognised_not_delivered"]
    assert before == []  # int-1 is delivered in both municipalities of the fixture
    load(store, FIXTURES / "gaps")
    (gap,) = _typed(client.get("/api/v1/gaps").json())["recognised_not_delivered"]
    assert (gap["id"], gap["not_delivered_in"]) == ("int-1", 1)
    # the map of the Netherlands (/kaart, measure=recognised) agrees: GM0000 is the one place without int-1
    places = map_measure(store, "recognised").municipalities
    assert [m.id for m in places if "int-1" not in m.interventions] == ["GM0000"]


def test_gaps_as_csv_list_every_typed_gap(client: TestClient) -> None:
    answer = client.get("/api/v1/gaps", params={"format": "csv", "include_proposed": "true"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    typed = client.get("/api/v1/gaps", params={"include_proposed": "true"}).json()["typed"]
    assert len(rows) == sum(g["count"] for g in typed) > 0
    assert {"type", "id", "rel", "target", "not_delivered_in"} == set(rows[0])


@pytest.mark.parametrize("bad", ["int-1", "no-such-factor", "<script>alert(1)</script>", "' OR 1=1 --"])
def test_the_factor_view_names_what_it_cannot_find(client: TestClient, bad: str) -> None:
    answer = client.get("/api/v1/coverage/factor", params={"id": bad})
    assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
    assert "factor or theme" in answer.json()["detail"]


@pytest.mark.parametrize("review", [META_ANALYSIS, CONSPIRACY_MOTIVES], ids=lambda p: p.stem)
def test_the_published_meta_analysis_accepted_at_the_desk_appears_beside_its_factors(
    client: TestClient, keys: KeyStore, review: Path
) -> None:
    """Acceptance (issue 18): each real review's fixture (the project's meta-analysis and a second review), imported
    as a researcher and accepted by a curator through the review API, puts each pooled effect size with its quote on
    the DEFAULT map."""
    table = review.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert rows and all(row["quote"] and row["effect_size"] for row in rows)  # no number without its quote
    report = _upload(client, bearer(keys, "researcher"), review.name, table)["report"]
    shown = client.get("/api/v1/coverage", params=EVERYTHING).json()
    findings = {r["finding"] for r in report}
    assert not findings & {f for e in shown["column_evidence"] for f in e["finding_ids"]}  # proposed: not yet
    # No factor of the fixture's graph has these names: the import proposes them, the curator accepts them too.
    assert {r["factor_match"] for r in report} == {"proposed"}
    _accept(client, bearer(keys, "curator"), sorted({r["factor"] for r in report}) + sorted(findings))
    shown = client.get("/api/v1/coverage", params=EVERYTHING).json()
    research = {e["target"]: e for e in shown["column_evidence"]}
    for row, imported in zip(rows, report, strict=True):
        evidence = research[imported["factor"]]
        effect = next(e for e in evidence["effects"] if e["finding"] == imported["finding"])
        k = int(row["n_studies"]) if row["n_studies"] else None
        assert (effect["effect_size"], effect["effect_measure"], effect["n_studies"]) == (
            float(row["effect_size"]),
            "r",
            k,
        )
        assert (effect["outcome"], effect["direction"], evidence["sources"]) == (row["outcome"], "supports", 1)
        answer = client.get("/api/v1/coverage/factor", params={"id": imported["factor"]}).json()
        detail = next(f for f in answer["finding_details"] if f["id"] == imported["finding"])
        assert (detail["quote"], detail["locator"]) == (row["quote"], row["locator"])
        assert row["effect_size"].lstrip("-0").rstrip("0") in detail["quote"].replace("−", "-")
    assert_map_and_gaps_agree(client, False)
