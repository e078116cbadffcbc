"""The partner finder's national lines and roles a page at a time (issue 19): the regional fixture with more
national lines than a page holds, written with the store's write; each page says how many there are in all, lists
its lines' first reasons and programmes with how many more, and the pages together are the whole answer."""

from __future__ import annotations

from typing import Any

import pytest

from caleido.graph import usecases
from caleido.graph.store import GraphStore
from caleido.graph.usecases.brief import BRIEF_NAMES
from caleido.graph.usecases.partners import NATIONAL_LIMIT
from caleido.ontology.records import LinkRow, NodeRow
from tests.helpers import FIXTURES, load, plain

LINES = NATIONAL_LIMIT + 5  # national lines written here; with the fixture's org-lse one more
BOTH = 3  # the first ones run two programmes (two reasons, on rf-1), the others one


def _prov(locator: str) -> dict[str, Any]:
    return {
        "source": "src-r",
        "locator": locator,
        "status": "accepted",
        "added_by": "t",
        "added_at": "2026-01-01T00:00:00Z",
    }


def national_lines(store: GraphStore) -> GraphStore:
    """The regional fixture and LINES national support lines that run its national programmes."""
    load(store, FIXTURES / "regional")
    nodes, links = [], []
    for i in range(LINES):
        org = f"org-nat-{i:02d}"
        nodes.append(
            NodeRow(
                "Organisation",
                org,
                {
                    "label_nl": f"Landelijke lijn {i:02d}",
                    "organisation_type": "expertise-centre",
                    "levels": ["national"],
                    "domains": ["care"],
                    **_prov(f"p. {i}"),
                },
            )
        )
        for programme in ("int-lse-advies", "int-beleid")[: 2 if i < BOTH else 1]:
            links.append(LinkRow("RUNS", org, programme, {"role": "adviser", "quote": f"lijn {i}", **_prov(f"p. {i}")}))
    store.write(nodes, links)
    return store


@pytest.fixture
def lines(store: GraphStore) -> GraphStore:
    return national_lines(store)


def _ids(section: list[dict[str, Any]]) -> list[str]:
    return [p["id"] for p in section]


def test_the_national_lines_come_a_page_at_a_time_with_their_total(lines: GraphStore) -> None:
    every = plain(usecases.partners(lines, "Zwolle", usecases.EVERY_LINE))
    ranked = [f"org-nat-{i:02d}" for i in range(BOTH)] + ["org-lse"] + [f"org-nat-{i:02d}" for i in range(BOTH, LINES)]
    assert _ids(every["national"]) == ranked and every["national_total"] == LINES + 1
    first = plain(usecases.partners(lines, "Zwolle"))  # the default page
    assert _ids(first["national"]) == ranked[:NATIONAL_LIMIT]
    assert (first["national_total"], first["national_offset"], first["national_limit"]) == (
        LINES + 1,
        0,
        NATIONAL_LIMIT,
    )
    assert first["national"] == every["national"][:NATIONAL_LIMIT]  # the reasons fit: nothing capped
    assert first["partners"] == every["partners"] and first["roles"] == every["roles"]
    pages = [
        plain(usecases.partners(lines, "Zwolle", usecases.PartnerQuery(national_offset=o, national_limit=7)))
        for o in range(0, LINES + 1, 7)
    ]
    assert [p for page in pages for p in page["national"]] == every["national"]
    assert {page["national_total"] for page in pages} == {LINES + 1}


def test_each_line_lists_its_first_reasons_and_programmes_with_how_many_more(lines: GraphStore) -> None:
    every = plain(usecases.partners(lines, "Zwolle", usecases.PartnerQuery(reasons_limit=None)))
    page = plain(
        usecases.partners(
            lines, "Zwolle", usecases.PartnerQuery(national_offset=BOTH - 1, national_limit=2, reasons_limit=1)
        )
    )
    two, lse = page["national"]
    assert (two["id"], lse["id"]) == (f"org-nat-{BOTH - 1:02d}", "org-lse")
    full = every["national"][BOTH - 1]
    assert (len(full["reasons"]), len(full["programmes"])) == (2, 2)
    assert (two["reasons"], two["more_reasons"]) == (full["reasons"][:1], 1)
    assert (two["programmes"], two["more_programmes"]) == (full["programmes"][:1], 1)
    assert (len(lse["reasons"]), lse["more_reasons"], lse["more_programmes"]) == (1, 0, 0)


def test_the_roles_come_a_page_at_a_time_with_their_total(lines: GraphStore) -> None:
    every = plain(usecases.partners(lines, "Zwolle"))
    assert every["roles_total"] == len(every["roles"]) == 3
    page = plain(usecases.partners(lines, "Zwolle", usecases.PartnerQuery(roles_offset=1, roles_limit=1)))
    assert page["roles"] == every["roles"][1:2] and page["roles_total"] == 3
    assert page["roles"][0]["named_nl"] == "Schuldhulpverleners in Zwolle"
    assert plain(usecases.partners(lines, "Zwolle", usecases.PartnerQuery(roles_offset=3)))["roles"] == []


def test_the_brief_counts_every_line_and_names_the_first(lines: GraphStore) -> None:
    result = plain(usecases.brief(lines, "Zwolle"))
    shown = result["partners"]
    assert len(shown["national"]) == NATIONAL_LIMIT and shown["national_total"] == LINES + 1
    every = plain(usecases.partners(lines, "Zwolle", usecases.EVERY_LINE))
    assert result["bodies_total"] == len(every["partners"]) == len(shown["partners"])

    def doing(section: list[dict[str, Any]], key: str, field: str, value: str) -> list[str]:
        return [p["id"] for p in section if any(x[field] == value for x in p[key])]

    # A factor: every body, then every national line, that addresses it, in the finder's order; the first named.
    addressing = doing(every["partners"], "reasons", "target", "rf-1") + doing(
        every["national"], "reasons", "target", "rf-1"
    )
    assert len(addressing) > LINES  # every line counts, not only the page shown
    (rf1,) = [f for f in result["factors"] if f["id"] == "rf-1"]
    assert (rf1["partners"], rf1["more"]) == (addressing[:BRIEF_NAMES], len(addressing) - BRIEF_NAMES)
    # A programme: the bodies, then the lines and roles the brief shows.
    shown_lines = {p["id"] for p in shown["national"]}
    national = [p for p in every["national"] if p["id"] in shown_lines]
    taking_part = [
        *doing(every["partners"], "programmes", "intervention", "int-lse-advies"),
        *doing(national, "programmes", "intervention", "int-lse-advies"),
        *doing(every["roles"], "programmes", "intervention", "int-lse-advies"),
    ]
    (advies,) = [p for p in result["programmes"] if p["id"] == "int-lse-advies"]
    assert (advies["partners"], advies["more"]) == (taking_part[:BRIEF_NAMES], len(taking_part) - BRIEF_NAMES)
    assert len([o for o in taking_part if o.startswith("org-nat-")]) == NATIONAL_LIMIT - 1  # org-lse is shown too
    assert result["programmes_total"] == len(result["programmes"])  # fewer than a brief lists
