"""The partner finder, local first, on a graph of regional bodies known by heart (tests/fixtures/regional)."""

from __future__ import annotations

import pytest

from caleido.graph import usecases
from caleido.graph.store import GraphStore
from caleido.graph.usecases.partners import UnknownMunicipality
from tests.helpers import FIXTURES, load, plain


@pytest.fixture
def regional(store: GraphStore) -> GraphStore:
    load(store, FIXTURES / "regional")
    return store


def test_bodies_serving_the_municipality_come_first_then_national_lines_then_roles(regional: GraphStore) -> None:
    result = plain(usecases.partners(regional, "Zwolle"))
    assert [(p["id"], p["reach"], p["via"], len(p["reasons"])) for p in result["partners"]] == [
        ("org-politie-re02", "police-unit", "RE02", 2),  # as a police unit: int-pga on rf-1 and theme-1
        ("org-ggd-gg1009", "ggd-region", "GG1009", 1),
        ("org-provincie-netwerk", "province", "PV23", 1),
        ("org-jeugdregio-jz07", "jeugdregio", "JZ07", 0),  # serves Zwolle; no programme known
    ]
    assert [p["id"] for p in result["national"]] == ["org-lse"]
    (lse,) = result["national"]
    assert [(p["intervention"], p["role"], p["claim"]["quote"]) for p in lse["programmes"]] == [
        ("int-lse-advies", "adviser", "het LSE adviseert professionals")
    ]
    assert [(r["named_nl"], r["named_en"], r["bodies_elsewhere"]) for r in result["roles"]] == [
        ("Gemeente Zwolle", "Municipality of Zwolle", False),
        ("Schuldhulpverleners in Zwolle", "Debt counsellors in Zwolle", False),
        ("Zorg- en Veiligheidshuis in Zwolle", "Care and Safety House in Zwolle", True),  # Twente has one, Zwolle not
    ]
    ggd = result["partners"][1]
    assert (ggd["url"], ggd["phone"], ggd["kind_of"]) == ("https://www.ggdijsselland.nl", "088 443 0700", ["org-ggd"])
    assert (ggd["via_claim"]["locator"], ggd["via_claim"]["quote"]) == ("r. 8", "GG1009,GGD IJsselland")
    assert [r["id"] for r in result["municipality"]["regions"]] == ["JZ07", "GG1009", "VR04", "PV23", "AR06", "RE02"]
    assert (result["municipality"]["safety_regions"], result["municipality"]["provinces"]) == (["VR04"], ["PV23"])


def test_a_body_does_what_its_general_record_does_with_both_claims(regional: GraphStore) -> None:
    (ggd,) = [p for p in plain(usecases.partners(regional, "GM0193"))["partners"] if p["id"] == "org-ggd-gg1009"]
    (reason,) = ggd["reasons"]
    assert (reason["general"], reason["intervention"], reason["role"], reason["target"]) == (
        "org-ggd",
        "int-advies",
        "adviser",
        "rf-2",
    )
    assert reason["programme_claim"]["quote"] == "de GGD adviseert"
    assert reason["target_claim"]["quote"] == "advies bij isolement"
    assert (reason["general_claim"]["locator"], reason["general_claim"]["quote"]) == ("r. 8", "GGD IJsselland")


def test_policy_actors_and_general_records_with_a_body_here_are_never_offered(regional: GraphStore) -> None:
    for place in ("Zwolle", "Enschede"):
        result = plain(
            usecases.partners(regional, place, usecases.PartnerQuery(targets=["rf-1"], include_proposed=True))
        )
        offered = {p["id"] for p in result["partners"] + result["national"] + result["roles"]}
        assert not offered & {"org-bzk", "org-tk", "org-politie", "org-ggd"}, place
    enschede = plain(usecases.partners(regional, "Enschede"))
    assert enschede["partners"][0]["id"] == "org-zvh-twente"  # named for Enschede itself, as a ZVH
    assert "org-zvh" not in {r["id"] for r in enschede["roles"]}  # its body serves Enschede


def test_factors_rank_and_filter_the_reasons(regional: GraphStore) -> None:
    result = plain(
        usecases.partners(regional, "Zwolle", usecases.PartnerQuery(targets=["rf-1"], include_proposed=True))
    )
    assert [(p["id"], len(p["reasons"]), len(p["programmes"])) for p in result["partners"]] == [
        ("org-politie-re02", 1, 1),
        ("org-ggd-gg1009", 0, 1),  # no reason for rf-1, but a programme: before those that have none
        ("org-provincie-netwerk", 0, 1),
        ("org-jeugdregio-jz07", 0, 0),  # nearer than the RIEC, which has no programme either
        ("org-riec-re02", 0, 0),
    ]
    # the RIEC's area is proposed: it is shown only when asked
    assert "org-riec-re02" not in {p["id"] for p in plain(usecases.partners(regional, "Zwolle"))["partners"]}
    assert [
        p["id"] for p in plain(usecases.partners(regional, "Zwolle", usecases.PartnerQuery(domain="care")))["partners"]
    ] == [
        "org-ggd-gg1009",
        "org-jeugdregio-jz07",
    ]
    page = plain(usecases.partners(regional, "Zwolle", usecases.PartnerQuery(offset=1, limit=2)))
    assert [p["id"] for p in page["partners"]] == ["org-ggd-gg1009", "org-provincie-netwerk"] and page["more"]


def test_a_typo_suggests_the_nearest_municipality(regional: GraphStore) -> None:
    with pytest.raises(UnknownMunicipality, match="did you mean Zwolle") as raised:
        usecases.partners(regional, "Zwole")
    assert raised.value.suggestions == ["Zwolle"] and raised.value.status == 404
    with pytest.raises(UnknownMunicipality) as far:
        usecases.partners(regional, "Atlantis")
    assert far.value.suggestions == []
