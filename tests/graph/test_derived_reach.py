"""The derived reach families (caleido.graph.derived.reach): computed from the facts they equal what the use cases
derive, the use cases answer the same read from stored entries, and a write names the keys it may change."""

from __future__ import annotations

import pytest

from caleido.graph import queries, usecases
from caleido.graph.derived.reach import DOING, REACH, TALLY, TARGET_TALLY, VIEWS, pairs
from caleido.graph.store import Entry, GraphStore, entry_time
from caleido.graph.usecases.map_measures import map_measure
from caleido.graph.usecases.reach import reach
from caleido.ontology.records import LinkRow
from tests.helpers import FIXTURES, load, plain


@pytest.fixture
def regional(store: GraphStore) -> GraphStore:
    load(store, FIXTURES / "regional")
    return store


def _keep(store: GraphStore) -> None:
    """Store every body of both families, as the write path's maintenance would."""
    for family in (REACH, DOING, TALLY, TARGET_TALLY):
        bodies = family.compute(store.read, family.all_keys(store.read))
        store.put_entries([Entry(family.kind, key, key, entry_time(), body) for key, body in bodies.items()])


def test_reach_bodies_are_what_reach_answers(regional: GraphStore) -> None:
    keys = REACH.all_keys(regional.read)
    assert "GM0193" in keys
    bodies = REACH.compute(regional.read, keys | {"GM9999"})
    assert bodies["GM9999"] == {}  # no such municipality: the empty body
    for name, statuses in VIEWS.items():
        answer = reach(regional, sorted(keys), list(statuses))
        for here in answer.municipalities:
            body = bodies[here.municipality][name]
            assert body["regions"] == here.regions
            assert pairs(body["served_by"]) == [(s.organisation, s.via) for s in here.served_by]


def test_doing_bodies_are_what_the_catalogue_reads(regional: GraphStore) -> None:
    keys = DOING.all_keys(regional.read)
    bodies = DOING.compute(regional.read, keys)
    for name, statuses in VIEWS.items():
        rows = regional.read(queries.PROGRAMME_LINKS, ids=sorted(keys), statuses=list(statuses))
        expected = sorted((r["organisation"], r["intervention"], r["rel"]) for r in rows)
        assert expected  # the fixture's bodies do run programmes
        found = sorted(
            (org, i, rel) for org, body in bodies.items() for i, rel in body.get(name, {}).get("programmes", [])
        )
        assert found == expected
        rows = regional.read(
            queries.REASONS, ids=sorted(keys), statuses=list(statuses), only_targets=False, targets=[""]
        )
        expected = sorted((r["organisation"], r["intervention"], t[0]) for r in rows for t in r["targets"])
        found = sorted(
            (org, i, t)
            for org, body in bodies.items()
            for i, _, ts in body.get(name, {}).get("reasons", [])
            for t in ts
        )
        assert found == expected


def test_tallies_count_what_the_doing_bodies_hold(regional: GraphStore) -> None:
    keys = DOING.all_keys(regional.read)
    done, tallied, by_target = (f.compute(regional.read, keys) for f in (DOING, TALLY, TARGET_TALLY))
    assert any(body.get("accepted", {}).get("reasons") for body in tallied.values())  # the fixture's do count
    for org in keys:
        for name in VIEWS:
            if name not in done[org]:
                assert name not in tallied[org] and name not in by_target[org]
                continue
            reasons = [t for _, _, ts in done[org][name]["reasons"] for t in ts]
            assert tallied[org][name] == {"programmes": len(done[org][name]["programmes"]), "reasons": len(reasons)}
            assert by_target[org][name] == {t: reasons.count(t) for t in sorted(set(reasons))}


def test_the_use_cases_answer_the_same_from_stored_entries(regional: GraphStore) -> None:
    calls = [
        lambda s: usecases.partners(s, "Zwolle"),
        lambda s: usecases.partners(s, "Zwolle", usecases.PartnerQuery(targets=["rf-1"], limit=2)),
        lambda s: usecases.partners(s, "GM0153", usecases.PartnerQuery(include_proposed=True, offset=1, limit=1)),
        lambda s: usecases.partners(
            s, "Zwolle", usecases.PartnerQuery(targets=["rf-1", "pf-1"], national_limit=1, roles_limit=1)
        ),
        lambda s: usecases.brief(s, "Zwolle"),
        lambda s: usecases.brief(s, "GM0153", include_proposed=True),
        lambda s: map_measure(s, "providers"),
        lambda s: map_measure(s, "providers", target="rf-1"),
        lambda s: map_measure(s, "recognised", include_proposed=True),
    ]
    derived_here = [plain(call(regional)) for call in calls]
    _keep(regional)
    assert regional.entries(REACH.kind, ids=["GM0193"])
    assert [plain(call(regional)) for call in calls] == derived_here


def test_a_write_names_the_keys_it_may_change(regional: GraphStore) -> None:
    read = regional.read
    # A service area in a province reaches the municipalities under its safety regions, two steps down.
    assert "GM0193" in REACH.touched(read, [], [LinkRow("OPERATES_IN", "org-lse", "PV23", {})])
    assert "GM0193" in REACH.touched(read, [], [LinkRow("PART_OF", "GM0193", "VR04", {})])
    assert REACH.touched(read, [], [LinkRow("RUNS", "org-lse", "int-lse-advies", {})]) == set()
    assert DOING.touched(read, [], [LinkRow("RUNS", "org-lse", "int-lse-advies", {})]) == {"org-lse"}
    runs = {r["organisation"] for r in read(queries.DOERS_OF, ids=["int-pga"])}
    assert runs and DOING.touched(read, [], [LinkRow("ADDRESSES", "int-pga", "rf-1", {})]) == runs
