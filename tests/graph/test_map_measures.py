"""The map's measures on both stores, over tests/fixtures/usecases and map/extra.yaml: Utrecht (GM0344) is
served by a local, a safety-region and a province body; 's-Gravenhage (GM0518) by a local body and by a body
that runs nothing itself but is one of a general record that runs int-1; a national body names no service
area and a ministry names one (neither is counted)."""

from __future__ import annotations

import pytest

from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import NotFound
from caleido.graph.usecases.map_measures import MapMeasure, map_measure
from tests.helpers import FIXTURES, load


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    load(store, FIXTURES / "usecases", FIXTURES / "map" / "extra.yaml")
    return store


def by_id(result: MapMeasure) -> dict[str, tuple[int, list[str]]]:
    return {m.id: (m.value, m.organisations) for m in result.municipalities}


def test_providers_are_the_bodies_whose_service_area_holds_the_municipality(graph: GraphStore) -> None:
    result = map_measure(graph, "providers")
    assert by_id(result) == {
        "GM0344": (3, ["org-local", "org-province", "org-region"]),  # through itself, VR09 and PV26
        "GM0518": (2, ["org-body", "org-elsewhere"]),
    }
    assert result.bodies == 5  # not the ministry (a policy actor), nor the national body (no service area)


def test_providers_for_a_target_keep_the_bodies_with_a_reason_for_it(graph: GraphStore) -> None:
    for_despair = by_id(map_measure(graph, "providers", target="rf-1"))
    assert for_despair["GM0344"][0] == 3  # all three run or join int-1, which addresses rf-1
    assert for_despair["GM0518"] == (2, ["org-body", "org-elsewhere"])  # org-body as a general record's body
    assert {m.value for m in map_measure(graph, "providers", target="rf-2").municipalities} == {0}


def test_recognised_counts_graded_interventions_run_by_serving_bodies(graph: GraphStore) -> None:
    result = map_measure(graph, "recognised")
    assert result.recognised == 1  # int-1 (well-founded); int-2 is only "not assessed"
    assert {m.id: m.interventions for m in result.municipalities} == {"GM0344": ["int-1"], "GM0518": ["int-1"]}
    assert by_id(result)["GM0518"] == (1, ["org-body", "org-elsewhere"])


def test_an_unknown_measure_or_target_is_not_found(graph: GraphStore) -> None:
    with pytest.raises(NotFound, match="measure"):
        map_measure(graph, "nothing")  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="target"):
        map_measure(graph, "providers", target="org-local")
