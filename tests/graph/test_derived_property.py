"""Derived data is derived (DESIGN §8): after every write of a random sequence (new records and links, status
changes, retargeted evidence, reviews through the loader's function, writes that fail on an expectation), every
family's maintained entries equal a recomputation from the facts, on both stores.

CALEIDO_DERIVED_EXAMPLES sets the number of random sequences (default: 25 on the embedded store, 10 on Neo4j)."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caleido.errors import ReviewConflict, WriteConflict
from caleido.graph.derived import core
from caleido.graph.open import open_store
from caleido.graph.store import Expected, GraphStore
from caleido.graph.sync import Author, plan_and_write
from caleido.loaders.review import review
from caleido.ontology.records import LinkRow, NodeRow
from caleido.settings import get_settings
from tests.helpers import BACKENDS, FIXTURES, load, open_backend

STATUSES = ("accepted", "proposed", "rejected")
GRADES = ("not-assessed", "well-described", "effective-first", "effective-good")
PREFIX = {
    "Intervention": "int",
    "RiskFactor": "rf",
    "ProtectiveFactor": "pf",
    "ProgrammeTheme": "th",
    "Finding": "fnd",
}
TARGET_RELS = {"RiskFactor": "ADDRESSES", "ProtectiveFactor": "STRENGTHENS", "ProgrammeTheme": "BELONGS_TO"}
SIZE = 2  # ids per class: small, so that writes meet on the same cells and factors


def _prov(status: str) -> dict[str, Any]:
    return {"source": "src-1", "locator": "p. 1", "status": status, "added_by": "t", "added_at": "2026-01-01T00:00:00Z"}


def _node(cls: str, index: int, status: str, grade: str = "not-assessed", country: str | None = None) -> NodeRow:
    values: dict[str, Any] = {"label_nl": f"{cls} {index}", **_prov(status)}
    if cls == "Finding":
        values |= {"grade": grade, "country": country}
    if cls == "RiskFactor":
        values["dimension"] = "environment"
    return NodeRow(cls, f"{PREFIX[cls]}-{index}", values)


classes = st.sampled_from(sorted(PREFIX))
targets = st.sampled_from(sorted(TARGET_RELS))
index = st.integers(0, SIZE - 1)
status = st.sampled_from(STATUSES)
nodes = st.tuples(st.just("node"), classes, index, status, st.sampled_from(GRADES), st.sampled_from([None, "NL", "BE"]))
evidence = st.tuples(
    st.just("evidence"),
    index,
    st.sampled_from(["Intervention", *sorted(TARGET_RELS)]),
    index,
    status,
    st.sampled_from(["supports", "contradicts", "mixed"]),
)
target_links = st.tuples(st.just("target_link"), index, targets, index, status)
theme_addresses = st.tuples(st.just("theme_addresses"), index, index, status)
reviews = st.tuples(
    st.just("review"), st.sampled_from(["Finding", "Intervention"]), index, st.sampled_from(["accept", "reject"])
)
conflicts = st.tuples(st.just("conflict"), index, targets, index, status)
# Evidence and records (their statuses) most often: they meet on the same cells and factors.
kinds = (nodes, evidence, nodes, evidence, target_links, theme_addresses, reviews, conflicts)
steps = st.lists(st.one_of(*kinds), min_size=4, max_size=16)


def _ends(store: GraphStore, *wanted: tuple[str, int]) -> list[NodeRow]:
    """The end nodes a link needs that are not stored yet (accepted)."""
    found = store.find_classes([f"{PREFIX[c]}-{i}" for c, i in wanted])
    return [_node(c, i, "accepted") for c, i in wanted if f"{PREFIX[c]}-{i}" not in found]


def _snapshot(store: GraphStore) -> dict[str, dict[str, dict[str, Any]]]:
    return {family.kind: core.read_derived(store, family.kind) for family in core.families()}


def _apply(store: GraphStore, step: tuple[Any, ...]) -> None:
    kind = step[0]
    if kind == "node":
        _, cls, i, st_, grade, country = step
        store.write([_node(cls, i, st_, grade, country)], [])
    elif kind == "evidence":  # a finding's evidence link, new or with a new status or direction
        _, f, cls, t, st_, direction = step
        link = LinkRow("EVIDENCE_FOR", f"fnd-{f}", f"{PREFIX[cls]}-{t}", {"direction": direction, **_prov(st_)})
        store.write(_ends(store, ("Finding", f), (cls, t)), [link])
    elif kind == "target_link":
        _, i, cls, t, st_ = step
        link = LinkRow(TARGET_RELS[cls], f"int-{i}", f"{PREFIX[cls]}-{t}", _prov(st_))
        store.write(_ends(store, ("Intervention", i), (cls, t)), [link])
    elif kind == "theme_addresses":  # ADDRESSES from a theme: no intervention's cell
        _, th, rf, st_ = step
        link = LinkRow("ADDRESSES", f"th-{th}", f"rf-{rf}", _prov(st_))
        store.write(_ends(store, ("ProgrammeTheme", th), ("RiskFactor", rf)), [link])
    elif kind == "review":  # the curator's decision, its links following the record's status
        _, cls, i, decision = step
        node_id = f"{PREFIX[cls]}-{i}"
        if node_id in store.find_classes([node_id]):
            try:
                review(store, node_id, decision, "test", "key:1:curator", datetime(2026, 2, 1, tzinfo=UTC))
            except ReviewConflict:
                pass
    elif kind == "conflict":  # a write whose expectation fails leaves the facts and their derived entries alone
        _, i, cls, t, st_ = step
        before = _snapshot(store)
        link = LinkRow(TARGET_RELS[cls], f"int-{i}", f"{PREFIX[cls]}-{t}", _prov(st_))
        nodes_ = [_node("Intervention", i, st_), _node(cls, t, st_)]
        with pytest.raises(WriteConflict):
            store.write(nodes_, [link], expect=[Expected("Intervention", ("int-missing",), {"status": "accepted"})])
        assert _snapshot(store) == before


def _check(store: GraphStore) -> None:
    for family in core.families():
        assert core.maintained(store, family.kind) == core.recompute(store, family.kind), family.kind


def _examples(backend: str) -> int:
    return int(os.environ.get("CALEIDO_DERIVED_EXAMPLES", 25 if backend == "embedded" else 10))


@pytest.mark.parametrize("backend", BACKENDS)
def test_maintained_values_equal_a_recomputation_after_every_write(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @settings(
        max_examples=_examples(backend), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(steps)
    def run(sequence: list[tuple[Any, ...]]) -> None:
        with open_backend(backend, tmp_path_factory.mktemp("derived")) as store:
            for step in sequence:
                _apply(store, step)
                _check(store)
            # A rebuild from scratch finds what the writes maintained.
            kept = {family.kind: core.maintained(store, family.kind) for family in core.families()}
            core.reindex(store)
            assert {family.kind: core.maintained(store, family.kind) for family in core.families()} == kept

    run()


def test_writes_without_derive_mark_the_store_stale_until_a_reindex(store: GraphStore) -> None:
    store.write([_node("Finding", 0, "accepted"), _node("RiskFactor", 0, "accepted")], [])
    assert core.is_stale(store) is None
    link = LinkRow("EVIDENCE_FOR", "fnd-0", "rf-0", {"direction": "supports", **_prov("accepted")})
    store.write([], [link], derive=False)
    assert core.is_stale(store)
    assert core.maintained(store, "derived:evidence-targets") == {}
    report = core.reindex(store)
    assert core.is_stale(store) is None
    assert report.written["derived:evidence-cells"] == 0
    assert report.written["derived:evidence-targets"] == 1
    assert set(report.written) == {family.kind for family in core.families()}
    assert core.maintained(store, "derived:evidence-targets") == core.recompute(store, "derived:evidence-targets")


@pytest.mark.neo4j
def test_concurrent_findings_on_one_factor_lose_no_update(tmp_path: Path) -> None:
    """Two threads write findings with evidence on the same factor and intervention at once: each write locks the
    entries it rewrites, so the second computes from facts that include the first's."""
    store = open_backend("neo4j", tmp_path)
    with store:
        store.write([_node("RiskFactor", 0, "accepted"), _node("Intervention", 0, "accepted")], [])
        errors: list[BaseException] = []

        def writer(offset: int) -> None:
            try:
                for n in range(offset, offset + 20, 2):
                    finding = NodeRow(
                        "Finding", f"fnd-t{n}", {"label_nl": "f", "grade": "effective-first", **_prov("accepted")}
                    )
                    links = [
                        LinkRow("EVIDENCE_FOR", finding.id, target, {"direction": "supports", **_prov("accepted")})
                        for target in ("rf-0", "int-0")
                    ]
                    store.write([finding], links)
            except BaseException as exc:  # reported below, in the test's thread
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(offset,)) for offset in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        _check(store)
        body = core.read_derived(store, "derived:evidence-targets", ["rf-0"])["rf-0"]
        assert len(body["findings"]) == 20
        cells = core.read_derived(store, "derived:evidence-cells", ["int-0"])["int-0"]
        assert len(cells["evidence"]["rf-0"]["findings"]) == 20


def test_a_store_written_before_derived_data_opens_stale(tmp_path: Path) -> None:
    """A store with facts and no marker (written before this version kept derived data) says so when opened for
    writing, until a reindex; an empty one opens current."""
    with open_backend("embedded", tmp_path / "old") as old:
        old.write([_node("RiskFactor", 0, "accepted")], [])
    with open_store(f"embedded:{tmp_path / 'old' / 'store'}", get_settings()) as opened:
        assert core.is_stale(opened)
        core.reindex(opened)
        assert core.is_stale(opened) is None
    with open_store(f"embedded:{tmp_path / 'new'}", get_settings()) as fresh:
        assert core.is_stale(fresh) is None


# ---------------------------------------------------------------- the reach side
# From the hand-made regional graph (tests/fixtures/regional): random service areas, region memberships, programmes
# and their targets, organisation statuses and reviews, and imports through the loader's write path
# (caleido.graph.sync.plan_and_write, what `caleido load` and the evidence import write with: it plans revisions
# of accepted rows, so an import may land as a proposal beside the record).

ORGS = ("org-ggd-gg1009", "org-politie-re02", "org-riec-re02", "org-lse", "org-ggd", "org-provincie-netwerk", "org-new")
REGIONS = ("GM0193", "GM0153", "VR04", "VR05", "PV23", "GG1009", "JZ07", "RE02")
PROGRAMMES = ("int-advies", "int-pga", "int-lse-advies", "int-new")
REACH_TARGETS = ("rf-1", "rf-2", "theme-1")


def _org(org_id: str, st_: str) -> NodeRow:
    values = {"label_nl": org_id, "organisation_type": "network", "levels": ["regional"], **_prov(st_)}
    return NodeRow("Organisation", org_id, values)


def _programme(intervention_id: str, st_: str) -> NodeRow:
    return NodeRow("Intervention", intervention_id, {"label_nl": intervention_id, **_prov(st_)})


def _missing(store: GraphStore, rows: list[NodeRow]) -> list[NodeRow]:
    found = store.find_classes([r.id for r in rows])
    return [r for r in rows if r.id not in found]


reach_steps = st.one_of(
    st.tuples(st.just("operates_in"), st.sampled_from(ORGS), st.sampled_from(REGIONS), status),
    st.tuples(st.just("part_of"), st.sampled_from(REGIONS[:2]), st.sampled_from(REGIONS[2:]), status),
    st.tuples(st.just("org"), st.sampled_from(ORGS), status),
    st.tuples(
        st.just("runs"),
        st.sampled_from(ORGS),
        st.sampled_from(("RUNS", "PARTICIPATES_IN")),
        st.sampled_from(PROGRAMMES),
        status,
    ),
    st.tuples(st.just("aims"), st.sampled_from(PROGRAMMES), st.sampled_from(REACH_TARGETS), status),
    st.tuples(st.just("kind_of"), st.sampled_from(ORGS), st.sampled_from(ORGS), status),
    st.tuples(st.just("review"), st.sampled_from(ORGS), st.sampled_from(["accept", "reject"])),
    st.tuples(st.just("import"), st.sampled_from(ORGS), st.sampled_from(REGIONS), st.sampled_from(PROGRAMMES)),
)


def _apply_reach(store: GraphStore, step: tuple[Any, ...]) -> None:
    kind = step[0]
    if kind == "operates_in":
        _, org, region, st_ = step
        store.write(_missing(store, [_org(org, "accepted")]), [LinkRow("OPERATES_IN", org, region, _prov(st_))])
    elif kind == "part_of":
        _, child, parent, st_ = step
        store.write([], [LinkRow("PART_OF", child, parent, _prov(st_))])
    elif kind == "org":
        _, org, st_ = step
        store.write([_org(org, st_)], [])
    elif kind == "runs":
        _, org, rel, programme, st_ = step
        ends = _missing(store, [_org(org, "accepted"), _programme(programme, "accepted")])
        store.write(ends, [LinkRow(rel, org, programme, _prov(st_))])
    elif kind == "aims":
        _, programme, target, st_ = step
        rel = "BELONGS_TO" if target.startswith("theme") else "ADDRESSES"
        store.write(_missing(store, [_programme(programme, "accepted")]), [LinkRow(rel, programme, target, _prov(st_))])
    elif kind == "kind_of":
        _, body, general, st_ = step
        if body != general:
            ends = _missing(store, [_org(body, "accepted"), _org(general, "accepted")])
            store.write(ends, [LinkRow("KIND_OF", body, general, _prov(st_))])
    elif kind == "review":
        _, org, decision = step
        if org in store.find_classes([org]):
            try:
                review(store, org, decision, "test", "key:1:curator", datetime(2026, 2, 1, tzinfo=UTC))
            except ReviewConflict:
                pass
    elif kind == "import":  # a contributor's batch: new rows land, changes to accepted rows become proposals
        _, org, region, programme = step
        author = Author("key:2:researcher", "2026-03-01T00:00:00Z", in_place=False)
        nodes_ = [_org(org, "proposed"), _programme(programme, "proposed")]
        links = [
            LinkRow("OPERATES_IN", org, region, _prov("proposed")),
            LinkRow("RUNS", org, programme, _prov("proposed")),
        ]
        plan_and_write(store, nodes_, links, author)


@pytest.mark.parametrize("backend", BACKENDS)
def test_maintained_reach_equals_a_recomputation_after_every_write(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @settings(
        max_examples=_examples(backend), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.lists(reach_steps, min_size=3, max_size=10))
    def run(sequence: list[tuple[Any, ...]]) -> None:
        with open_backend(backend, tmp_path_factory.mktemp("reach")) as store:
            load(store, FIXTURES / "regional")
            _check(store)
            for step in sequence:
                _apply_reach(store, step)
                _check(store)

    run()
