"""Region records quote the reference-file row they come from, so every region claim carries its passage."""

from __future__ import annotations

from collections import Counter

from caleido.loaders.municipalities import read_municipalities
from caleido.loaders.sources import MUNICIPALITIES_FILE, SEED_FOLDER

TEXT = (SEED_FOLDER / MUNICIPALITIES_FILE).read_text(encoding="utf-8")
LINES = TEXT.splitlines()


def _line_at(locator: str) -> str:
    name, _, number = locator.rpartition(", line ")
    assert name == MUNICIPALITIES_FILE, locator
    return LINES[int(number) - 1]


def test_every_region_and_part_of_link_quotes_the_row_at_its_locator() -> None:
    batch = read_municipalities(MUNICIPALITIES_FILE, TEXT)
    claims = [n.data for n in batch.nodes] + [link for n in batch.nodes for link in n.data["links"]]
    assert not batch.problems
    assert Counter(n.data["region_type"] for n in batch.nodes) == {
        "municipality": 342,
        "safety-region": 25,
        "province": 12,
    }
    assert len(claims) == 379 + 342 + 25  # every municipality and safety region lies in something
    for claim in claims:
        assert claim["quote"] == _line_at(claim["locator"])


def test_a_region_quotes_a_row_that_names_it() -> None:
    nodes = {n.data["id"]: n.data for n in read_municipalities(MUNICIPALITIES_FILE, TEXT).nodes}
    assert nodes["GM0518"]["quote"].startswith("GM0518,0518,'s-Gravenhage,Zuid-Holland,PV28,Haaglanden,VR15")
    assert "Fryslân" in nodes["VR02"]["quote"] and "PV21" in nodes["PV21"]["quote"]
    assert nodes["VR02"]["links"][0] == {
        "rel": "part_of",
        "to": "PV21",
        "source": "src-minvws-veiligheidsregios",
        "locator": nodes["VR02"]["locator"],
        "quote": nodes["VR02"]["quote"],
        "status": "accepted",
    }


def test_a_row_with_the_wrong_number_of_cells_is_named_and_left_out() -> None:
    header, first, second = LINES[0], LINES[1], LINES[2]
    batch = read_municipalities("m.csv", "\n".join([header, first, second.rsplit(",", 1)[0]]))
    assert [(p.location, p.message) for p in batch.problems] == [("line 3", "7 cells, the header has 8")]
    assert [n.data["quote"] for n in batch.nodes if n.data["region_type"] == "municipality"] == [first]
