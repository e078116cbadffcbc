"""The use-case queries on graphs whose answers are known by heart (tests/fixtures/usecases, and
tests/fixtures/claims for the passages every claim carries)."""

from __future__ import annotations

import pytest

from caleido.graph import usecases
from caleido.graph.store import GraphStore
from tests.helpers import FIXTURES, load, plain

USECASES = FIXTURES / "usecases"
CLAIMS = FIXTURES / "claims"


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    load(store, USECASES)
    return store


@pytest.fixture
def claims(store: GraphStore) -> GraphStore:
    load(store, CLAIMS)
    return store


def _claim(source: str, locator: str, quote: str | None, status: str = "accepted") -> dict:
    return {"source": source, "locator": locator, "quote": quote, "citations": [], "status": status, "note": None}


def _cell(result: dict, intervention: str, target: str) -> dict:
    (cell,) = [c for c in result["cells"] if (c["intervention"], c["target"]) == (intervention, target)]
    return cell


def test_coverage_counts_accepted_findings_per_cell(graph: GraphStore) -> None:
    result = plain(usecases.coverage(graph))
    cell = _cell(result, "int-1", "rf-1")
    assert (cell["findings"], cell["net_direction"], cell["best_grade"]) == (1, "supports", "well-founded")
    assert _cell(result, "int-1", "pf-1")["findings"] == 0
    assert [c["target"] for c in result["cells"] if c["intervention"] == "int-2"] == []  # its link is proposed
    assert [r["id"] for r in result["rows"]] == ["int-1", "int-2"]
    assert [c["id"] for c in result["columns"]] == ["pf-1", "pf-2", "rf-1", "rf-2"]


def test_coverage_with_proposed_evidence_weighs_both_directions(graph: GraphStore) -> None:
    cell = _cell(plain(usecases.coverage(graph, include_proposed=True)), "int-1", "rf-1")
    assert (cell["findings"], cell["supports"], cell["contradicts"]) == (2, 1, 1)
    assert (cell["net_direction"], cell["best_grade"]) == ("mixed", "effective-first")
    assert cell["finding_ids"] == ["fnd-1", "fnd-2"]


def test_coverage_filters(graph: GraphStore) -> None:
    assert [c["id"] for c in plain(usecases.coverage(graph, dimension="individual"))["columns"]] == ["rf-1"]
    assert [c["id"] for c in plain(usecases.coverage(graph, cluster="coeus-social"))["columns"]] == ["rf-2"]
    assert [r["id"] for r in plain(usecases.coverage(graph, domain="care"))["rows"]] == ["int-1"]
    assert [r["id"] for r in plain(usecases.coverage(graph, level="national"))["rows"]] == ["int-2"]
    themes = plain(usecases.coverage(graph, axis="themes"))
    assert [(c["intervention"], c["target"]) for c in themes["cells"]] == [("int-1", "theme-1")]


def test_gaps(graph: GraphStore) -> None:
    result = plain(usecases.gaps(graph))
    assert [f["id"] for f in result["factors_without_intervention"]] == ["pf-2", "rf-2"]
    assert result["links_without_accepted_evidence"] == [
        {"intervention": "int-1", "target": "pf-1", "rel": "STRENGTHENS"}
    ]
    assert [t["id"] for t in result["themes_without_value"]] == ["theme-2"]
    assert result["counts"] == {
        "factors_without_intervention": 2,
        "links_without_accepted_evidence": 1,
        "themes_without_value": 1,
    }
    with_proposed = plain(usecases.gaps(graph, include_proposed=True))
    assert [link["intervention"] for link in with_proposed["links_without_accepted_evidence"]] == ["int-1", "int-2"]


def test_partners_are_ranked_by_reach_with_reasons(graph: GraphStore) -> None:
    result = plain(usecases.partners(graph, "GM0344", usecases.PartnerQuery(targets=["rf-1"])))
    ranked = [(p["id"], p["reach"], p["via"]) for p in result["partners"]]
    assert ranked == [
        ("org-local", "municipality", "GM0344"),
        ("org-region", "safety-region", "VR09"),
        ("org-province", "province", "PV26"),
    ]
    (national,) = result["national"]  # a national body names no service area: a section of its own
    assert [(r["intervention"], r["role"]) for r in national["reasons"]] == [("int-1", "funder")]
    assert result["municipality"]["safety_regions"] == ["VR09"] and result["municipality"]["provinces"] == ["PV26"]


def test_partners_filters_and_names(graph: GraphStore) -> None:
    assert [
        p["id"] for p in plain(usecases.partners(graph, "utrecht", usecases.PartnerQuery(domain="care")))["partners"]
    ] == ["org-region"]
    assert [
        p["id"] for p in plain(usecases.partners(graph, "GM0344", usecases.PartnerQuery(level="national")))["national"]
    ] == ["org-national"]
    assert plain(usecases.partners(graph, "Den Haag"))["municipality"]["id"] == "GM0518"
    assert plain(usecases.partners(graph, "'s-gravenhage"))["municipality"]["id"] == "GM0518"
    with pytest.raises(usecases.NotFound, match="no municipality matches 'Atlantis'"):
        plain(usecases.partners(graph, "Atlantis"))


def test_search_ignores_case_accents_and_ranks_exact_first(graph: GraphStore) -> None:
    hits = plain(usecases.search(graph, "VERTROUWEN"))
    assert hits[0]["id"] == "val-1" and hits[0]["rank"] == 0
    assert [h["id"] for h in plain(usecases.search(graph, "den haag"))] == ["GM0518", "org-elsewhere"]
    assert [h["id"] for h in plain(usecases.search(graph, "zelfbeheersing!"))] == ["pf-2"]
    assert [h["id"] for h in plain(usecases.search(graph, "resilience"))] == ["pf-1", "theme-2"]
    assert plain(usecases.search(graph, "   ")) == []


def test_neighbourhood_depth_and_limit(graph: GraphStore) -> None:
    one = plain(usecases.neighbourhood(graph, "rf-1", depth=1))
    assert [n["id"] for n in one["nodes"]] == ["rf-1", "fnd-1", "fnd-2", "int-1", "int-2"]
    assert not one["truncated"]
    capped = plain(usecases.neighbourhood(graph, "rf-1", depth=2, limit=4))
    assert len(capped["nodes"]) == 4 and capped["truncated"]
    assert all(link["from"] in {n["id"] for n in capped["nodes"]} for link in capped["links"])
    with pytest.raises(ValueError):
        plain(usecases.neighbourhood(graph, "rf-1", depth=4))
    with pytest.raises(usecases.NotFound):
        plain(usecases.neighbourhood(graph, "nope"))


def test_node_details_carry_provenance(graph: GraphStore) -> None:
    detail = plain(usecases.node(graph, "org-region"))
    assert detail["class"] == "Organisation" and detail["source"] == "src-u" and detail["locator"] == "p. 6"
    runs = [link for link in detail["links"] if link["rel"] == "RUNS"]
    assert runs[0]["role"] == "coordinator" and runs[0]["locator"] == "p. 6" and runs[0]["orientation"] == "outgoing"


def test_model_lists_rings_clusters_and_pairings(graph: GraphStore) -> None:
    result = plain(usecases.model(graph, lang="en"))
    assert [d["id"] for d in result["dimensions"]] == ["individual", "environment", "protective", "theme", "value"]
    assert {m["id"]: m["dimension"] for m in result["members"]}["pf-1"] == "protective"
    grounded = {"start": "theme-1", "rel": "GROUNDED_IN", "end": "val-1"}
    assert {**grounded, **_claim("src-u", "p. 2", None)} in result["pairings"]
    assert {m["id"]: m["label"] for m in result["members"]}["val-1"] == "Trust"


# ---------------------------------------------------------------- every claim with its passage


def test_node_quotes_the_node_and_each_link_with_the_far_end(claims: GraphStore) -> None:
    detail = plain(usecases.node(claims, "rf-a"))
    assert (detail["locator"], detail["quote"], detail["gloss"]) == ("p. 1", "citaat bij factor A", "curator")
    assert detail["citations"] == [
        {"locator": "p. 2", "quote": "tweede citaat bij factor A"},
        {"locator": "p. 3", "quote": "derde citaat bij factor A"},
    ]
    links = {(link["rel"], link["from"]): link for link in detail["links"]}
    addresses = links[("ADDRESSES", "int-a")]
    assert {k: addresses[k] for k in ("source", "locator", "quote", "citations", "status", "note")} == _claim(
        "src-c", "§ A.2", "citaat: aanpak A pakt factor A aan"
    )
    assert addresses["far"] == {
        "id": "int-a",
        "class": "Intervention",
        "label_nl": "Aanpak A",
        "label_en": "Approach A",
    }
    assert links[("EVIDENCE_FOR", "fnd-a")]["source"] == "src-d"  # a link's source is its own, not its node's


def test_cell_findings_carry_their_passages(claims: GraphStore) -> None:
    cell = plain(usecases.cell(claims, "int-a", "rf-a"))
    assert cell["links"] == [{"rel": "ADDRESSES", **_claim("src-c", "§ A.2", "citaat: aanpak A pakt factor A aan")}]
    (finding,) = cell["finding_details"]
    assert (finding["source"], finding["locator"], finding["quote"]) == ("src-d", "tabel 3", "citaat bij bevinding A")
    assert finding["evidence_link"] == _claim("src-d", "tabel 3", "citaat: bevinding A over factor A")
    (reported,) = finding["sources"]
    assert (reported["locator"], reported["quote"]) == ("p. 12", "citaat: bevinding A staat in bron D")


def test_partner_reasons_carry_both_claims(claims: GraphStore) -> None:
    (partner,) = plain(usecases.partners(claims, "GM0344"))["partners"]
    reasons = {(r["intervention"], r["target"]): r for r in partner["reasons"]}
    assert sorted(reasons) == [("int-a", "rf-a"), ("int-a", "theme-a"), ("int-b", "pf-a")]
    runs = reasons[("int-a", "rf-a")]
    assert (runs["rel"], runs["target_rel"]) == ("RUNS", "ADDRESSES")
    assert runs["programme_claim"] == _claim("src-c", "p. 5", "citaat: organisatie A voert aanpak A uit")
    assert runs["target_claim"] == _claim("src-c", "§ A.2", "citaat: aanpak A pakt factor A aan")
    joins = reasons[("int-b", "pf-a")]
    assert (joins["rel"], joins["target_rel"]) == ("PARTICIPATES_IN", "STRENGTHENS")
    assert joins["target_claim"]["quote"] == "citaat: aanpak B versterkt beschermer A"
    with_proposed = plain(usecases.partners(claims, "GM0344", usecases.PartnerQuery(include_proposed=True)))[
        "partners"
    ][0]["reasons"]
    proposed = [r for r in with_proposed if r["target_claim"]["status"] == "proposed"]
    assert [(r["intervention"], r["target"], r["target_rel"]) for r in proposed] == [("int-b", "theme-a", "BELONGS_TO")]


def test_model_members_and_pairings_carry_their_passages(claims: GraphStore) -> None:
    result = plain(usecases.model(claims, lang="en"))
    members = {m["id"]: m for m in result["members"]}
    assert (members["rf-a"]["quote"], members["rf-a"]["gloss"]) == ("citaat bij factor A", "curator")
    assert [c["locator"] for c in members["rf-a"]["citations"]] == ["p. 2", "p. 3"]
    assert members["pf-a"]["gloss"] == "source"
    approach = {i["id"]: i for i in result["interventions"]}["int-a"]
    assert (approach["source"], approach["locator"], approach["quote"]) == ("src-c", "§ A.1", "citaat bij aanpak A")
    (grounded,) = [p for p in result["pairings"] if p["rel"] == "GROUNDED_IN"]
    assert grounded["quote"] == "citaat: thema A rust op waarde A"
    of_theme = [(p["rel"], p["end"], p["status"]) for p in result["pairings"] if p["start"] == "theme-a"]
    assert sorted(of_theme) == [
        ("ADDRESSES", "rf-a", "proposed"),
        ("BUILDS", "pf-a", "accepted"),
        ("GROUNDED_IN", "val-a", "accepted"),
    ]


def test_model_lists_each_theme_with_its_interventions(claims: GraphStore) -> None:
    themes = {t["id"]: t for t in plain(usecases.model(claims, lang="en"))["themes"]}
    assert sorted(themes) == ["theme-a", "theme-b", "theme-p"]  # the retracted theme-x and rejected theme-j left out
    assert (themes["theme-a"]["label"], themes["theme-a"]["quote"]) == ("Theme A", "citaat bij thema A")
    assert themes["theme-p"]["status"] == "proposed" and themes["theme-b"]["interventions"] == []
    belonging = [(i["id"], i["status"], i["link"]["status"]) for i in themes["theme-a"]["interventions"]]
    # accepted first; a proposed link or intervention after it; the retracted link (int-r) left out
    assert belonging == [
        ("int-a", "accepted", "accepted"),
        ("int-b", "accepted", "proposed"),
        ("int-c", "proposed", "accepted"),
    ]
    approach = themes["theme-a"]["interventions"][0]
    assert approach["link"] == _claim("src-c", "§ A.1", "citaat: aanpak A hoort bij thema A")
    # what a source says about the approach's evidence: the finding on it, with the link's passage
    assert approach["evidence"] == [
        {
            "finding": "fnd-a",
            "label": "Finding A",
            "grade": "well-founded",
            "status": "accepted",
            "direction": "supports",
            "link": _claim("src-d", "tabel 3", None),
        }
    ]
    assert themes["theme-a"]["interventions"][1]["evidence"] == []
    assert themes["theme-a"]["interventions"][1]["link"]["note"] == "een lezing die een curator nog moet nakijken"
