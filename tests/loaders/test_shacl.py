"""SHACL is the second line behind pydantic: it checks the batch as a graph, and only the batch."""

from __future__ import annotations

from caleido.loaders.shacl import shacl_problems
from caleido.ontology.records import LinkRow, NodeRow, Origin

PROV = {"source": "src-1", "locator": "p. 1", "status": "accepted", "added_by": "t", "added_at": "2026-01-01T00:00:00Z"}


def test_a_record_that_slipped_past_pydantic_is_caught_and_located() -> None:
    broken = NodeRow(
        "Value", "val-1", {"label_nl": "Vertrouwen", **{**PROV, "locator": None}}, Origin("f.yaml", "line 3")
    )
    problems = shacl_problems([broken], [], {"src-1": "Source"})
    assert any(p.file == "f.yaml" and p.location == "line 3" and p.field == "locator" for p in problems)


def test_a_link_to_the_wrong_class_in_the_batch_is_caught() -> None:
    factor = NodeRow("ProtectiveFactor", "pf-1", {"label_nl": "Veerkracht", **PROV}, Origin("f.yaml", "line 9"))
    value = NodeRow("Value", "val-1", {"label_nl": "Vertrouwen", **PROV}, Origin("f.yaml", "line 12"))
    link = LinkRow("MITIGATES", "pf-1", "val-1", dict(PROV), Origin("f.yaml", "line 9"))
    problems = shacl_problems(
        [factor, value], [link], {"src-1": "Source", "pf-1": "ProtectiveFactor", "val-1": "Value"}
    )
    assert any(p.location == "line 9" and p.field == "mitigates" for p in problems), problems


def test_class_checks_of_stored_ends_are_left_to_the_batch_checker() -> None:
    # src-1 lives in the store; validate_batch has already compared its stored class with the range.
    factor = NodeRow("ProtectiveFactor", "pf-1", {"label_nl": "Veerkracht", **PROV})
    link = LinkRow("MITIGATES", "pf-1", "src-1", dict(PROV))
    assert shacl_problems([factor], [link], {"src-1": "Source", "pf-1": "ProtectiveFactor"}) == []


def test_nodes_already_in_the_store_are_not_revalidated() -> None:
    # src-1 is only referenced (it lives in the store), so none of its own properties are here.
    value = NodeRow("Value", "val-1", {"label_nl": "Vertrouwen", **PROV})
    assert shacl_problems([value], [], {"src-1": "Source"}) == []


def test_links_with_several_allowed_classes_to_stored_ends_pass() -> None:
    # evidence_for allows RiskFactor or ProtectiveFactor or ... (sh:or); rf-1 lives in the store.
    finding = NodeRow("Finding", "fnd-1", {"label_en": "F", "grade": "not-assessed", **PROV})
    link = LinkRow("EVIDENCE_FOR", "fnd-1", "rf-1", {**PROV, "direction": "supports"})
    assert shacl_problems([finding], [link], {"src-1": "Source", "rf-1": "RiskFactor", "fnd-1": "Finding"}) == []
