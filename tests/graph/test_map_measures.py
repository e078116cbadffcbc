"""The map's measures on both stores, over tests/fixtures/usecases (Utrecht GM0344 is served by a local,
a safety-region and a province body; 's-Gravenhage GM0518 by one local body; a national body names no service
area) and a ministry that names one (never counted)."""

from __future__ import annotations

import pytest

from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import NotFound
from caleido.graph.usecases.map_measures import map_measure
from tests.helpers import FIXTURES, load


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    load(store, FIXTURES / "usecases", FIXTURES / "map" / "policy.yaml")
    return store


def by_id(result: object) -> dict[str, tuple[int, list[str]]]:
    return {m.id: (m.value, m.organisations) for m in result.municipalities}  # type: ignore[attr-defined]


def test_providers_are_the_bodies_whose_service_area_holds_the_municipality(graph: GraphStore) -> None:
    result = map_measure(graph, "providers")
    assert by_id(result) == {
        "GM0344": (3, ["org-local", "org-province", "org-region"]),  # through itself, VR09 and PV26
        "GM0518": (1, ["org-elsewhere"]),
    }
    assert result.bodies == 4  # the ministry (a policy actor) and the national body are not regional bodies


def test_providers_for_a_target_keep_the_bodies_with_a_reason_for_it(graph: GraphStore) -> None:
    assert by_id(map_measure(graph, "providers", target="rf-1"))["GM0344"][0] == 3  # all run or join int-1
    assert {m.value for m in map_measure(graph, "providers", target="rf-2").municipalities} == {0}


def test_recognised_counts_graded_interventions_run_by_serving_bodies(graph: GraphStore) -> None:
    result = map_measure(graph, "recognised")
    assert result.recognised == 1  # int-1 (well-founded); int-2 is only "not assessed"
    assert {m.id: m.interventions for m in result.municipalities} == {"GM0344": ["int-1"], "GM0518": ["int-1"]}


def test_an_unknown_measure_or_target_is_not_found(graph: GraphStore) -> None:
    with pytest.raises(NotFound, match="measure"):
        map_measure(graph, "nothing")  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="target"):
        map_measure(graph, "providers", target="org-local")
