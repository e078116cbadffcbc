"""Malformed input is rejected with a message naming file, place, field and reason, and the
store is left exactly as it was: a load is all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from caleido.errors import InvalidData, Problem
from caleido.graph.store import GraphStore
from tests.helpers import BAD, load

# file -> (location substring, field, reason substring)
CASES = {
    "broken.ttl": ("", "", "not valid turtle"),
    "missing_column.csv": ("line 1", "id", "required column is missing"),
    "unknown_term.yaml": ("line 2 (id org-x)", "organisation_type", "unknown term 'ministery'"),
    "wrong_type.yaml": ("line 2 (id src-x)", "year", "valid integer"),
    "dangling_reference.yaml": ("line 2 (id int-x)", "links[0].to", "no node with id 'rf-does-not-exist'"),
    "duplicate_conflict.yaml": ("line 8 (id val-x)", "id", "given twice with different data (first at"),
    "not_utf8.csv": ("line 2", "", "not UTF-8"),
    "empty.yaml": ("", "", "the file is empty"),
    "unknown_class.yaml": ("line 2 (id person-x)", "class", "unknown class 'Person'"),
    "bad_syntax.yaml": ("line 3", "", "not valid YAML"),
    "wrong_pair.yaml": ("line 2 (id val-x)", "links[0].rel", "a Value cannot have 'runs' links"),
    "unknown_field.yaml": ("line 2 (id prof-x)", "birth_date", "unknown field"),
    "bad_id.yaml": ("line 2", "id", "should match pattern"),
    "missing_locator.yaml": ("line 2 (id val-x)", "locator", "Field required"),
    "unknown_vocabulary.ttl": ("<https://w3id.org/caleido/id/org-x>", "organisation_type", "unknown term"),
    "link_without_provenance.ttl": ("<https://w3id.org/caleido/id/int-x>", "cal:addresses", "no cal:LinkAssertion"),
    "unterminated_quote.csv": ("", "", "not valid CSV"),
    "qualifier_not_allowed.yaml": ("line 2 (id int-x)", "links[0].role", "'addresses' links take no role"),
    "bad_date.yaml": ("line 2 (id int-x)", "start_date", "valid date"),
    "unsafe_url.yaml": ("line 2 (id org-x)", "url", "not an http(s) URL"),
    "wrong_cell_count.csv": ("line 2", "", "4 cells, the header has 6"),
    "unknown_link_source.csv": ("line 2", "source", "no node with id 'src-nowhere'"),
    "duplicate_column.csv": ("line 1", "label_nl", "the column is named twice (columns 3 and 7)"),
}


def test_the_corpus_has_a_case_for_every_file() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CASES)
    assert len(CASES) >= 12


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_rejected_with_a_located_message_and_nothing_changes(mini_store: GraphStore, name: str) -> None:
    location, field, reason = CASES[name]
    before = mini_store.counts()
    with pytest.raises(InvalidData) as caught:
        load(mini_store, BAD / name)
    problems = caught.value.problems
    assert any(
        p.file.endswith(name) and location in p.location and p.field == field and reason.lower() in p.message.lower()
        for p in problems
    ), [str(p) for p in problems]
    after = mini_store.counts()
    assert (after.nodes, after.links) == (before.nodes, before.links)


def test_a_10_mb_field_is_rejected_without_echoing_it(mini_store: GraphStore, tmp_path: Path) -> None:
    huge = tmp_path / "huge_field.yaml"
    huge.write_text(
        "records:\n  - id: val-huge\n    class: Value\n    label: {nl: Groot}\n"
        f'    definition: {{nl: "{"x" * 10_000_000}"}}\n'
        "    source: src-test\n    locator: p. 1\n    status: accepted\n",
        encoding="utf-8",
    )
    before = mini_store.counts()
    with pytest.raises(InvalidData) as caught:
        load(mini_store, huge)
    (problem,) = caught.value.problems
    assert problem.field == "definition" and "at most 20000 characters" in problem.message
    assert len(str(caught.value)) < 1000
    assert mini_store.counts().nodes == before.nodes


def test_one_bad_file_among_good_ones_blocks_the_whole_load(store: GraphStore, tmp_path: Path) -> None:
    from tests.helpers import MINI

    with pytest.raises(InvalidData):
        load(store, MINI, BAD / "unknown_term.yaml")
    assert store.counts().total_nodes == 0


def _problems(store: GraphStore, path: Path, text: str) -> list[Problem]:
    """What loading this YAML text is refused for."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        load(store, path)
    return caught.value.problems


def test_every_problem_in_a_file_is_reported_at_once(mini_store: GraphStore, tmp_path: Path) -> None:
    problems = _problems(
        mini_store,
        tmp_path / "many.yaml",
        "records:\n"
        "  - {id: a1, class: Value, label: {nl: A}, source: src-test, status: accepted}\n"
        "  - {id: a2, class: Value, label: {nl: B}, source: src-test, locator: p, status: maybe}\n"
        "  - {id: a3, class: Nope, label: {nl: C}, source: src-test, locator: p, status: accepted}\n",
    )
    fields = sorted((p.location.split(" ")[1], p.field) for p in problems)
    assert fields == [("2", "locator"), ("3", "status"), ("4", "class")]


def test_a_whole_number_beyond_64_bits_is_refused_not_crashed(mini_store: GraphStore, tmp_path: Path) -> None:
    problems = _problems(
        mini_store,
        tmp_path / "big.yaml",
        "records:\n  - {id: fnd-big, class: Finding, label: {en: F}, grade: not-assessed,"
        f" n_studies: {2**64}, source: src-test, locator: p, status: accepted}}\n",
    )
    assert [p.field for p in problems] == ["n_studies"]


def test_a_record_that_fails_is_not_also_reported_missing(mini_store: GraphStore, tmp_path: Path) -> None:
    problems = _problems(
        mini_store,
        tmp_path / "follow_on.yaml",
        "records:\n"
        "  - {id: rf-bad, class: RiskFactor, label: {nl: R}, dimension: nowhere, source: src-test, locator: p,"
        " status: accepted}\n"
        "  - {id: int-y, class: Intervention, label: {nl: I}, intervention_type: programme, source: src-test,"
        " locator: p, status: accepted, links: [{rel: addresses, to: rf-bad, locator: p, status: proposed},"
        " {rel: addresses, to: rf-gone, locator: p, status: proposed}]}\n",
    )
    assert [p.field for p in problems] == ["dimension", "links[1].to"]  # nothing about rf-bad being missing
    assert problems[1].message.startswith("no node with id 'rf-gone' in this batch")
