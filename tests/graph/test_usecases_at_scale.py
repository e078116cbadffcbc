"""The policy use cases against a plain reference computed from whole tables, on a synthetic graph with
hundreds of interventions and organisations (bench.synthetic scale "small").

The use cases let the database filter and aggregate; the reference reads every node and link and does it
in Python, as the use cases did before they were made to scale. At this size Ladybug 0.22 picks hash-join
plans, under which it once dropped a status filter on one hop of a two-hop pattern (queries._CELL_EVIDENCE):
this is the test that caught it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bench.synthetic import Graph, generate
from caleido.graph import usecases
from caleido.graph.store import GraphStore
from caleido.graph.sync import plan_and_write
from caleido.graph.usecases.common import allowed_statuses
from caleido.graph.usecases.map_measures import map_measure, recognised_interventions
from caleido.graph.usecases.partners import NATIONAL_LIMIT, REASONS_LIMIT
from tests.helpers import BACKENDS, open_backend, plain

FACTORS = {"ADDRESSES": "RiskFactor", "STRENGTHENS": "ProtectiveFactor"}
TARGET_RELS = ("ADDRESSES", "STRENGTHENS", "BELONGS_TO")


@cache
def _graph() -> Graph:
    return generate("small")


@pytest.fixture(scope="module", params=BACKENDS)
def big(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    store = open_backend(request.param, Path(tmp_path_factory.mktemp("at-scale")))
    graph = _graph()
    plan_and_write(store, graph.nodes, graph.links)
    yield store
    store.close()


def _links(store: GraphStore, rel: str) -> list[tuple[str, str, dict[str, Any]]]:
    return list(store.iter_links(rel))


def _reference_evidence(store: GraphStore, statuses: set[str]) -> dict[tuple[str, str], set[str]]:
    """(intervention, target) -> findings with allowed status whose allowed evidence links reach both."""
    findings = {row["id"] for row in store.iter_nodes("Finding") if row["status"] in statuses}
    on: dict[str, set[str]] = defaultdict(set)  # finding -> nodes it bears on
    for finding, target, values in _links(store, "EVIDENCE_FOR"):
        if finding in findings and values["status"] in statuses:
            on[finding].add(target)
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for finding, nodes in on.items():
        for a in nodes:
            for b in nodes:
                pairs[(a, b)].add(finding)
    return pairs


def test_the_graph_is_big_enough_for_hash_join_plans(big: GraphStore) -> None:
    counts = big.counts()
    assert counts.nodes["Intervention"] >= 150 and counts.nodes["Organisation"] >= 1000
    assert counts.links["EVIDENCE_FOR"] >= 3000


@pytest.mark.parametrize("include_proposed", [False, True])
def test_coverage_cells_are_the_findings_on_both_ends(big: GraphStore, include_proposed: bool) -> None:
    statuses = {"accepted", "proposed"} if include_proposed else {"accepted"}
    evidence = _reference_evidence(big, statuses)
    result = plain(usecases.coverage(big, include_proposed=include_proposed))
    columns = {c["id"] for c in result["columns"]}
    expected = {
        (i, t, rel): sorted(evidence.get((i, t), set()))
        for rel in ("ADDRESSES", "STRENGTHENS")
        for i, t, values in _links(big, rel)
        if values["status"] in statuses and t in columns and i in {r["id"] for r in result["rows"]}
    }
    found = {(c["intervention"], c["target"], c["rel"]): c["finding_ids"] for c in result["cells"]}
    assert found == expected
    assert sum(1 for ids in found.values() if ids) > 100  # many cells have evidence, so the check bites


def test_gaps_list_the_links_no_accepted_finding_bears_on(big: GraphStore) -> None:
    evidence = _reference_evidence(big, {"accepted"})
    shown = plain(usecases.coverage(big))  # the map's rows and columns: a gap is a cell of the map (issue 18)
    rows, columns = {r["id"] for r in shown["rows"]}, {c["id"] for c in shown["columns"]}
    expected = sorted(
        (i, rel, t)
        for rel in FACTORS
        for i, t, values in _links(big, rel)
        if values["status"] == "accepted" and not evidence.get((i, t)) and i in rows and t in columns
    )
    assert len(expected) > 100  # the check bites
    result = plain(usecases.gaps(big))
    found = [(g["intervention"], g["rel"], g["target"]) for g in result["links_without_accepted_evidence"]]
    assert sorted(found) == expected and result["counts"]["links_without_accepted_evidence"] == len(expected)
    page = plain(usecases.gaps(big, offset=10, limit=5))["links_without_accepted_evidence"]
    assert page == result["links_without_accepted_evidence"][10:15]


@pytest.mark.parametrize("include_proposed", [False, True])
def test_gaps_count_the_municipalities_the_map_does_not_deliver_in(big: GraphStore, include_proposed: bool) -> None:
    """Gaps count deliveries from the regions' side; the map of the Netherlands lists them per municipality."""
    places = map_measure(big, "recognised", include_proposed=include_proposed).municipalities
    delivered = Counter(i for place in places for i in place.interventions)
    result = plain(usecases.gaps(big, include_proposed=include_proposed))
    rows = {r["id"] for r in plain(usecases.coverage(big, include_proposed=include_proposed))["rows"]}
    recognised = recognised_interventions(big, allowed_statuses(include_proposed)) & rows
    expected = [(i, len(places) - delivered[i]) for i in sorted(recognised) if delivered[i] < len(places)]
    (typed,) = [t for t in result["typed"] if t["type"] == "recognised_not_delivered"]
    assert [(g["id"], g["not_delivered_in"]) for g in typed["items"]] == expected
    assert len(expected) > 10 and 0 < sum(delivered.values())  # the check bites: some delivered, some not


@pytest.mark.parametrize("municipality", ["GM0363", "GM0014"])
def test_partners_reasons_are_the_programmes_and_their_targets(big: GraphStore, municipality: str) -> None:
    targets: dict[str, set[str]] = defaultdict(set)
    for rel in TARGET_RELS:
        for i, t, values in _links(big, rel):
            if values["status"] == "accepted":
                targets[i].add(t)
    organisations = {row["id"]: row for row in big.iter_nodes("Organisation")}
    expected: dict[str, int] = defaultdict(int)
    for rel in ("RUNS", "PARTICIPATES_IN"):
        for org, programme, values in _links(big, rel):
            if values["status"] == "accepted" and organisations[org]["status"] == "accepted":
                expected[org] += len(targets[programme])
    result = plain(usecases.partners(big, municipality, usecases.EVERY_LINE))
    assert len(result["partners"]) > 10 and len(result["national"]) > 10
    for partner in result["partners"] + result["national"] + result["roles"]:
        assert len(partner["reasons"]) == expected[partner["id"]], partner["id"]
    # The default answer pages the national lines and roles and lists the first reasons with how many more.
    first = plain(usecases.partners(big, municipality))
    assert first["national_total"] == len(result["national"]) > len(first["national"]) == NATIONAL_LIMIT
    full = {p["id"]: p for p in result["partners"] + result["national"] + result["roles"]}
    assert [p["id"] for p in first["national"]] == [p["id"] for p in result["national"]][:NATIONAL_LIMIT]
    assert first["partners"] == result["partners"]  # the municipality's own partners are listed in full
    for partner in first["national"] + first["roles"]:
        listed, everything = partner["reasons"], full[partner["id"]]["reasons"]
        assert listed == everything[:REASONS_LIMIT], partner["id"]
        assert len(listed) + partner["more_reasons"] == expected[partner["id"]], partner["id"]
    ranked = [
        (not p["reasons"], -len(p["reasons"]), -len(p["programmes"]), usecases.REACH_ORDER.index(p["reach"]), p["id"])
        for p in result["partners"]
    ]
    assert ranked == sorted(ranked)
    page = plain(usecases.partners(big, municipality, usecases.PartnerQuery(offset=5, limit=5)))
    assert page["partners"] == result["partners"][5:10] and page["more"]
