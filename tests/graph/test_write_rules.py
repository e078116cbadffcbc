"""Who may change what (caleido.graph.sync), on each backend: operators' loads change in place and keep reviews;
researchers' changes of what is not their own draft become revisions; every change is kept in the history;
curators decide revisions once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from caleido.errors import ReviewConflict
from caleido.graph.store import GraphStore
from caleido.graph.sync import HISTORY, REVISION
from caleido.graph.usecases.history import history
from caleido.loaders import evidence, revisions
from caleido.loaders.load import load_paths
from caleido.loaders.raw import RawBatch, RawLink, RawNode
from caleido.loaders.sources import SEED_FOLDER
from caleido.ontology.records import Origin
from tests.helpers import FIXTURES, TEST_AGENT, load

T1 = datetime(2026, 2, 1, 10, 0, 0, tzinfo=UTC)
T2 = datetime(2026, 2, 1, 11, 0, 0, tzinfo=UTC)
HERE = Origin("test", "body")
SEED_AGENT = "caleido-seed-curators"


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    load(store, FIXTURES / "usecases")
    return store


def _node(store: GraphStore, cls: str, node_id: str) -> dict:
    return store.fetch_nodes(cls, [node_id])[node_id]


def _link(store: GraphStore, rel: str, source: str, target: str) -> dict:
    return store.fetch_links(rel, [(source, target)])[(source, target)]


def _source(url: str = "https://example.org/a", citation: str = "Integrity Test 2021") -> RawNode:
    return RawNode("Source", evidence.source_record(citation, url, 2021, None), HERE)


def _finding(grade: str = "not-assessed") -> RawNode:
    source = evidence.source_record("Integrity Test 2021", None, None, None)["id"]
    record = {"id": "fnd-new", "label": {"en": "A finding"}, "grade": grade, "source": source, "locator": "p. 2"}
    return RawNode("Finding", {**record, "status": "proposed"}, HERE)


def _write(store: GraphStore, agent: str, *nodes: RawNode, links: tuple[RawLink, ...] = ()) -> evidence.WriteReport:
    return evidence.write(store, RawBatch(list(nodes), list(links)), agent, T1)[1]


def _accept(store: GraphStore, node_id: str, when: datetime = T2) -> None:
    evidence.review(store, node_id, "accept", "checked", "key:curator", when)


# ---------------------------------------------------------------- researchers


def test_sending_the_same_again_after_a_review_changes_nothing(graph: GraphStore) -> None:
    # trial rows D7 and C25: the re-submission put the finding and source back to proposed and emptied the log
    _write(graph, "key:r", _source(), _finding())
    _accept(graph, "fnd-new")
    source_id = _source().data["id"]
    _accept(graph, source_id)
    before = (_node(graph, "Finding", "fnd-new"), _node(graph, "Source", source_id))
    report = _write(graph, "key:r", _source(), _finding())
    assert not report.changed_anything and not report.revised and sum(report.unchanged.values()) == 2
    assert (_node(graph, "Finding", "fnd-new"), _node(graph, "Source", source_id)) == before
    assert before[0]["status"] == "accepted" and before[0]["reviewed_by"] == "key:curator"
    assert len(before[0]["review_log"]) == 1


def test_a_change_of_an_accepted_record_becomes_a_revision_beside_it(graph: GraphStore) -> None:
    # trial row D8: another key citing the same source with another URL overwrote the accepted source
    _write(graph, "key:r", _source())
    source_id = _source().data["id"]
    _accept(graph, source_id)
    stored = _node(graph, "Source", source_id)
    report = _write(graph, "key:other", _source("https://evil.example.org/", "integrity test, 2021"))
    assert report.revised == {"Source": 1} and not report.changed_anything
    assert _node(graph, "Source", source_id) == stored
    (revision,) = graph.entries(REVISION, subject=source_id)
    assert revision.id == report.revision_ids[0]
    assert revision.body["by"] == "key:other" and revision.body["state"] == "proposed"
    assert revision.body["old"]["url"] == "https://example.org/a"
    assert revision.body["new"] == {
        "url": "https://evil.example.org/",
        "citation": "integrity test, 2021",
        "label_en": "integrity test, 2021",
    }
    # proposing the same change again adds no second revision
    again = _write(graph, "key:other", _source("https://evil.example.org/", "integrity test, 2021"))
    assert again.revision_ids == report.revision_ids and len(graph.entries(REVISION)) == 1


def test_a_researcher_changes_their_own_draft_in_place_and_not_anothers(graph: GraphStore) -> None:
    _write(graph, "key:r", _source(), _finding())
    mine = _write(graph, "key:r", _finding(grade="well-founded"))
    assert mine.updated == {"Finding": 1} and _node(graph, "Finding", "fnd-new")["grade"] == "well-founded"
    theirs = _write(graph, "key:other", _finding(grade="effective-first"))
    assert theirs.revised == {"Finding": 1} and _node(graph, "Finding", "fnd-new")["grade"] == "well-founded"
    assert _node(graph, "Finding", "fnd-new")["added_by"] == "key:r"


def test_evidence_linked_again_does_not_rewrite_an_accepted_link(graph: GraphStore) -> None:
    # trial row A23: a researcher's link turned accepted (seed) evidence into a proposed, contradicting one
    stored = _link(graph, "EVIDENCE_FOR", "fnd-1", "rf-1")
    link = {"rel": "evidence_for", "to": "rf-1", "direction": "contradicts", "source": "src-u", "locator": "mine"}
    report = _write(graph, "key:r", links=(RawLink("fnd-1", {**link, "status": "proposed"}, HERE),))
    assert report.revised == {"EVIDENCE_FOR": 1}
    assert _link(graph, "EVIDENCE_FOR", "fnd-1", "rf-1") == stored
    assert stored["status"] == "accepted" and stored["direction"] == "supports"
    (revision,) = graph.entries(REVISION, subject="fnd-1")
    assert revision.body["new"] == {"direction": "contradicts", "locator": "mine"}


# ---------------------------------------------------------------- operators, reviews and the history


def test_a_load_changes_in_place_what_no_curator_reviewed_here(graph: GraphStore, tmp_path: Path) -> None:
    changed = (FIXTURES / "usecases" / "graph.yaml").read_text().replace("Bevinding 2,", "Bevinding twee,")
    (tmp_path / "graph.yaml").write_text(changed)
    before = _node(graph, "Finding", "fnd-2")
    report = load_paths(graph, [tmp_path / "graph.yaml"], "operator")
    assert report.write.updated == {"Finding": 1}
    after = _node(graph, "Finding", "fnd-2")
    assert after == {**before, "label_nl": "Bevinding twee"}  # first assertion kept
    (change,) = graph.entries(HISTORY, subject="fnd-2")
    assert (change.body["by"], change.body["action"]) == ("operator", "update")
    assert (change.body["old"], change.body["new"]) == ({"label_nl": "Bevinding 2"}, {"label_nl": "Bevinding twee"})


def test_a_load_proposes_changes_of_what_a_curator_reviewed_here(graph: GraphStore, tmp_path: Path) -> None:
    evidence.review(graph, "fnd-2", "accept", "fine", "key:curator", T1)
    reviewed = _node(graph, "Finding", "fnd-2")
    assert not load(graph, FIXTURES / "usecases").write.changed_anything  # the review outranks the file's status
    assert _node(graph, "Finding", "fnd-2") == reviewed
    changed = (FIXTURES / "usecases" / "graph.yaml").read_text().replace("Bevinding 2,", "Bevinding twee,")
    (tmp_path / "graph.yaml").write_text(changed)
    report = load_paths(graph, [tmp_path / "graph.yaml"], "operator").write
    assert (report.revised, report.changed_anything) == ({"Finding": 1}, False)
    assert _node(graph, "Finding", "fnd-2") == reviewed
    (revision,) = graph.entries(REVISION, subject="fnd-2")
    assert (revision.body["by"], revision.body["new"]) == ("operator", {"label_nl": "Bevinding twee"})


def test_the_history_lists_creation_reviews_and_changes_of_the_record_and_its_links(graph: GraphStore) -> None:
    evidence.review(graph, "fnd-2", "accept", "fine", "key:curator", T1)
    evidence.review(graph, "fnd-2", "reject", "misread", "key:curator-b", T2, expected_status="accepted")
    answer = history(graph, "fnd-2")
    assert answer.class_ == "Finding"
    created = [c for c in answer.changes if c.action == "created"]
    assert [(c.link.to if c.link else None) for c in created] == [None, "int-1", "rf-1"]
    assert created[0].by == TEST_AGENT and created[0].new["status"] == "proposed"  # as it was created
    reviews = [c for c in answer.changes if c.action == "review"]
    assert [(c.by, c.link.to if c.link else None, c.old["status"], c.new["status"]) for c in reviews] == [
        ("key:curator", None, "proposed", "accepted"),
        ("key:curator", "int-1", "proposed", "accepted"),
        ("key:curator", "rf-1", "proposed", "accepted"),
        ("key:curator-b", None, "accepted", "retracted"),
        ("key:curator-b", "int-1", "accepted", "retracted"),
        ("key:curator-b", "rf-1", "accepted", "retracted"),
    ]
    assert reviews[3].logged == [_node(graph, "Finding", "fnd-2")["review_log"][1]]
    assert [c.at for c in answer.changes] == sorted(c.at for c in answer.changes)


def test_a_seed_load_keeps_curators_reviews_and_accepted_revisions_and_runs_idempotently(store: GraphStore) -> None:
    finding, retracted_id = "fnd-beschermende-factoren-makkelijker", "fnd-geweld-komt-beperkt-voor"
    load_paths(store, [SEED_FOLDER], SEED_AGENT)
    evidence.review(store, retracted_id, "reject", "retracted", "key:curator", T1, expected_status="accepted")
    retracted = _node(store, "Finding", retracted_id)
    (target, seed_link), *_ = store.fetch_links("EVIDENCE_FOR", [(finding, "pf-veerkracht")]).items()
    change = {"rel": "evidence_for", "to": "pf-veerkracht", "direction": "mixed", "source": seed_link["source"]}
    report = _write(
        store, "key:r", links=(RawLink(finding, {**change, "locator": "t. 3", "status": "proposed"}, HERE),)
    )
    revisions.review_revision(store, report.revision_ids[0], "accept", "table 3 says mixed", "key:c", T2)
    accepted = _link(store, "EVIDENCE_FOR", *target)
    assert (accepted["direction"], accepted["status"], retracted["status"]) == ("mixed", "accepted", "retracted")
    for _ in range(2):  # `caleido run` loads the seed every time: the seed's version of the link becomes one revision
        again = load_paths(store, [SEED_FOLDER], SEED_AGENT).write
        assert not again.changed_anything and again.revised == {"EVIDENCE_FOR": 1}
        assert _link(store, "EVIDENCE_FOR", *target) == accepted
        assert _node(store, "Finding", retracted_id) == retracted
    seed_proposal = [r for r in store.entries(REVISION, subject=finding) if r.body["by"] == SEED_AGENT]
    assert [r.body["new"]["direction"] for r in seed_proposal] == ["supports"]


# ---------------------------------------------------------------- curators decide revisions


def _proposed_source_change(graph: GraphStore) -> tuple[str, str]:
    _write(graph, "key:r", _source())
    source_id = _source().data["id"]
    _accept(graph, source_id)
    report = _write(graph, "key:other", _source("https://example.org/b"))
    return source_id, report.revision_ids[0]


def test_an_accepted_revision_is_applied_and_logged_once(graph: GraphStore) -> None:
    source_id, revision_id = _proposed_source_change(graph)
    done = revisions.review_revision(graph, revision_id, "accept", "the DOI page says so", "key:c2", T2)
    assert done["state"] == "accepted"
    now = _node(graph, "Source", source_id)
    assert (now["url"], now["status"], now["added_by"], now["reviewed_by"]) == (
        "https://example.org/b",
        "accepted",
        "key:r",
        "key:c2",
    )
    assert now["review_log"][-1] == done["review"]
    (revision,) = graph.entries(REVISION, ids=[revision_id])
    assert (revision.body["state"], revision.body["reviewed_by"]) == ("accepted", "key:c2")
    *_, change = graph.entries(HISTORY, subject=source_id)
    assert change.body["action"] == "revision accepted" and change.body["new"]["url"] == "https://example.org/b"
    with pytest.raises(ReviewConflict, match="decided once"):
        revisions.review_revision(graph, revision_id, "reject", "changed my mind", "key:c2", T2)


def test_a_rejected_revision_leaves_the_record_and_a_stale_one_is_refused(graph: GraphStore) -> None:
    source_id, first = _proposed_source_change(graph)
    second = _write(graph, "key:third", _source("https://example.org/c")).revision_ids[0]
    before = _node(graph, "Source", source_id)
    revisions.review_revision(graph, first, "reject", "not the publisher", "key:c2", T2)
    after = _node(graph, "Source", source_id)
    assert after["url"] == before["url"] and len(after["review_log"]) == len(before["review_log"]) + 1
    revisions.review_revision(graph, second, "accept", "right", "key:c2", T2)
    third = _write(graph, "key:other", _source("https://example.org/d")).revision_ids[0]
    revisions.review_revision(graph, third, "accept", "also right", "key:c2", T2)  # proposed against .../c: fine
    stale = _write(graph, "key:x", _source("https://example.org/e")).revision_ids[0]
    revisions.review_revision(
        graph, _write(graph, "key:y", _source("https://example.org/f")).revision_ids[0], "accept", "ok", "key:c", T2
    )
    with pytest.raises(ReviewConflict, match="stale: url changed"):
        revisions.review_revision(graph, stale, "accept", "late", "key:c2", T2)
    assert _node(graph, "Source", source_id)["url"] == "https://example.org/f"
