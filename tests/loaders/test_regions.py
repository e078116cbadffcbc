"""The regional tables of seed/regions (issue 17): every claim quotes the table row at its locator; every
municipality ends up with named regional bodies whose service area holds it, on both stores; a table that is not as
expected is named with its file and line, and the store is left as it was."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from caleido.errors import InvalidData
from caleido.graph.store import GraphStore
from caleido.loaders.regions import MUNICIPALITY_REGIONS, REGIONS_FOLDER
from caleido.loaders.sources import MUNICIPALITIES_FILE, SEED_FOLDER, read_file
from tests.helpers import load

BATCH = read_file(SEED_FOLDER / MUNICIPALITIES_FILE)
NODES = {n.data["id"]: n.data for n in BATCH.nodes}


def _line_at(locator: str) -> str:
    name, _, number = locator.rpartition(", line ")
    return (SEED_FOLDER / name).read_text(encoding="utf-8").splitlines()[int(number) - 1]


def test_every_claim_from_the_tables_quotes_the_row_at_its_locator() -> None:
    assert BATCH.problems == []
    claims = list(NODES.values()) + [link for n in NODES.values() for link in n["links"]]
    regional = [c for c in claims if c["locator"].startswith(f"{REGIONS_FOLDER}/")]
    assert len(regional) > 342 * 4
    for claim in claims:
        assert claim["quote"] == _line_at(claim["locator"]), claim["locator"]


def test_the_contract_ids_and_links() -> None:
    zwolle = {(link["rel"], link["to"]) for link in NODES["GM0193"]["links"]}
    assert zwolle == {("part_of", code) for code in ("VR04", "GG1009", "RE02", "JZ07", "AR06")}
    assert NODES["GM0193"]["locator"] == "municipalities.csv, line 43"  # the record is still the CBS row's
    twente = {(link["rel"], link["to"]) for link in NODES["org-zvh-twente"]["links"]}
    assert ("kind_of", "org-zorg-en-veiligheidshuis") in twente and ("operates_in", "GM0153") in twente
    assert len([t for r, t in twente if r == "operates_in"]) == 14
    riec = NODES["org-riec-re01"]
    (area,) = [link for link in riec["links"] if link["rel"] == "operates_in"]
    assert (area["to"], area["status"], riec["label"]["nl"]) == ("RE01", "proposed", "RIEC Noord-Nederland")
    assert "SOURCES.md" in area["note"]
    for body, general, region in [
        ("org-ggd-gg0111", "org-ggd", "GG0111"),
        ("org-politie-re01", "org-politie", "RE01"),
        ("org-jeugdregio-jz01", None, "JZ01"),
    ]:
        links = {(link["rel"], link["to"]) for link in NODES[body]["links"]}
        assert ("operates_in", region) in links and (general is None or ("kind_of", general) in links), body
    assert NODES["org-ggd-gg7014"]["url"] == "https://www.ggdhaaglanden.nl"
    assert Counter(NODES[code]["region_type"] for code in NODES if code[:2] in {"GG", "RE", "JZ", "AR"}) == {
        "ggd-region": 25,
        "police-unit": 10,
        "jeugdregio": 42,
        "arrondissement": 11,
    }


# ---------------------------------------------------------------- in a store


def _bodies_per_municipality(store: GraphStore, *, with_proposed: bool) -> dict[str, set[str]]:
    """For each municipality, the organisations whose service area holds it: they operate in the municipality or
    in a region it is part of."""
    ok = {"accepted", "proposed"} if with_proposed else {"accepted"}
    regions_of: dict[str, set[str]] = {}
    for source, target, values in store.iter_links("PART_OF"):
        if source.startswith("GM") and values["status"] in ok:
            regions_of.setdefault(source, {source}).add(target)
    serving: dict[str, set[str]] = {}
    for body, area, values in store.iter_links("OPERATES_IN"):
        if values["status"] in ok:
            serving.setdefault(area, set()).add(body)
    return {gm: set().union(*(serving.get(r, set()) for r in areas)) for gm, areas in regions_of.items()}


def test_every_municipality_has_at_least_four_named_regional_bodies(store: GraphStore) -> None:
    load(store, SEED_FOLDER)
    everything = _bodies_per_municipality(store, with_proposed=True)
    accepted = _bodies_per_municipality(store, with_proposed=False)
    assert len(everything) == 342
    assert min(len(bodies) for bodies in everything.values()) >= 4
    assert min(len(bodies) for bodies in accepted.values()) >= 3  # GGD, police unit, youth-care region
    assert {"org-ggd-gg1009", "org-politie-re02", "org-riec-re02", "org-jeugdregio-jz07", "org-om-ar03"} <= everything[
        "GM0193"
    ]
    assert "org-zvh-twente" in accepted["GM0153"]


# ---------------------------------------------------------------- bad tables


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A copy of the whole seed, which loads as it is (the test above): a case fails for its change alone."""
    return Path(shutil.copytree(SEED_FOLDER, tmp_path / "seed"))


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _drop_column(path: Path, column: str) -> None:
    """The table without one column (its cells hold no commas of their own)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines[0].split(",").index(column)
    path.write_text(
        "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != at) for line in lines) + "\n",
        encoding="utf-8",
    )


BAD_TABLES = {
    "missing column": (MUNICIPALITY_REGIONS, "", "", "line 1", "jeugdregio_code", "column is missing"),
    "unknown code": (MUNICIPALITY_REGIONS, "\nGM0034,", "\nGM9999,", "line 3", "cbs_code", "unknown municipality"),
    "duplicate code": (MUNICIPALITY_REGIONS, "\nGM0034,", "\nGM0014,", "line 3", "cbs_code", "listed twice"),
    "unknown region": (MUNICIPALITY_REGIONS, ",GG0111,", ",GG0000,", "line 2", "ggd_code", "not in bodies_ggd.csv"),
    "duplicate body": ("bodies_ggd.csv", "GG0706,", "GG0111,", "line 3", "code", "listed twice"),
}


@pytest.mark.parametrize("case", sorted(BAD_TABLES))
def test_a_bad_table_is_named_with_its_line_and_the_store_is_unchanged(
    store: GraphStore, seed_copy: Path, case: str
) -> None:
    table, old, new, line, column, reason = BAD_TABLES[case]
    if old:
        _rewrite(seed_copy / REGIONS_FOLDER / table, old, new)
    else:
        _drop_column(seed_copy / REGIONS_FOLDER / table, column)
    before = store.counts()
    with pytest.raises(InvalidData) as caught:
        load(store, seed_copy)
    assert any(
        p.file.endswith(table) and p.location == line and p.field == column and reason in p.message
        for p in caught.value.problems
    ), [str(p) for p in caught.value.problems]
    after = store.counts()
    assert (after.nodes, after.links) == (before.nodes, before.links)
