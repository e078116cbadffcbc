"""Reach: which organisations serve which municipalities, through which region (tests/fixtures/regional)."""

from __future__ import annotations

import pytest

from caleido.graph.store import GraphStore
from caleido.graph.usecases import NotFound
from caleido.graph.usecases.common import ACCEPTED, WITH_PROPOSED
from caleido.graph.usecases.reach import reach
from tests.helpers import FIXTURES, load, plain

REGIONAL = FIXTURES / "regional"


@pytest.fixture
def regional(store: GraphStore) -> GraphStore:
    load(store, REGIONAL)
    return store


def _served(result: dict, municipality: str) -> list[tuple[str, str]]:
    (answer,) = [m for m in result["municipalities"] if m["municipality"] == municipality]
    return [(s["organisation"], s["via"]) for s in answer["served_by"]]


def test_reach_walks_every_kind_of_region_nearest_first(regional: GraphStore) -> None:
    result = plain(reach(regional, ["GM0193", "GM0153"], ACCEPTED))
    assert _served(result, "GM0193") == [
        ("org-jeugdregio-jz07", "JZ07"),
        ("org-ggd-gg1009", "GG1009"),
        ("org-provincie-netwerk", "PV23"),  # through its safety region VR04, two steps up
        ("org-politie-re02", "RE02"),
    ]
    assert _served(result, "GM0153")[:2] == [("org-zvh-twente", "GM0153"), ("org-ggd-gg1106", "GG1106")]
    (zwolle,) = [m for m in result["municipalities"] if m["municipality"] == "GM0193"]
    assert zwolle["regions"] == ["JZ07", "GG1009", "VR04", "PV23", "AR06", "RE02"]
    assert result["regions"]["GG1009"] == {
        "id": "GG1009",
        "label_nl": "GGD IJsselland",
        "label_en": None,
        "region_type": "ggd-region",
    }


def test_reach_gives_contact_general_records_and_claims(regional: GraphStore) -> None:
    result = plain(reach(regional, ["GM0193"], ACCEPTED))
    ggd = result["organisations"]["org-ggd-gg1009"]
    assert (ggd["url"], ggd["phone"], ggd["last_verified"]) == (
        "https://www.ggdijsselland.nl",
        "088 443 0700",
        "2026-11-30",
    )
    assert [(g["general"], g["claim"]["quote"]) for g in ggd["kind_of"]] == [("org-ggd", "GGD IJsselland")]
    (area,) = [s for m in result["municipalities"] for s in m["served_by"] if s["organisation"] == "org-ggd-gg1009"]
    assert (area["claim"]["source"], area["claim"]["locator"], area["claim"]["quote"]) == (
        "src-r",
        "r. 8",
        "GG1009,GGD IJsselland",
    )


def test_reach_counts_a_proposed_service_area_only_when_asked(regional: GraphStore) -> None:
    assert "org-riec-re02" not in dict(_served(plain(reach(regional, ["GM0193"], ACCEPTED)), "GM0193"))
    with_proposed = plain(reach(regional, ["GM0193"], WITH_PROPOSED))
    assert dict(_served(with_proposed, "GM0193"))["org-riec-re02"] == "RE02"
    (area,) = [s for s in with_proposed["municipalities"][0]["served_by"] if s["organisation"] == "org-riec-re02"]
    assert (area["claim"]["status"], area["claim"]["note"]) == ("proposed", "afgeleid van de politie-eenheid")


def test_reach_of_every_municipality_at_once(regional: GraphStore) -> None:
    result = plain(reach(regional, None, ACCEPTED))
    assert [m["municipality"] for m in result["municipalities"]] == ["GM0153", "GM0193"]
    assert set(result["organisations"]) == {
        "org-ggd-gg1009",
        "org-ggd-gg1106",
        "org-jeugdregio-jz07",
        "org-politie-re02",
        "org-provincie-netwerk",
        "org-zvh-twente",
    }


def test_reach_of_an_unknown_municipality_is_not_found(regional: GraphStore) -> None:
    with pytest.raises(NotFound, match="'GM9999'"):
        reach(regional, ["GM0193", "GM9999"], ACCEPTED)
    with pytest.raises(NotFound, match="'VR04'"):  # a region, not a municipality
        reach(regional, ["VR04"], ACCEPTED)
