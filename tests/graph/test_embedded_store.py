"""The embedded store: exact counts after batch upserts, idempotency, all-or-nothing writes,
one owning process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from caleido.errors import StoreError
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.store import GraphStore
from caleido.graph.sync import plan_and_write
from caleido.ontology.records import LinkRow, NodeRow
from tests.conftest import MINI, load

PROV = {"source": "src-1", "locator": "p. 1", "status": "accepted", "added_by": "t", "added_at": "2026-01-01T00:00:00Z"}


def _source() -> NodeRow:
    return NodeRow("Source", "src-1", {"label_nl": "Bron", "source_type": "web-page", "citation": "c", **PROV})


def _factor(i: int, label: str = "Factor") -> NodeRow:
    return NodeRow(
        "RiskFactor",
        f"rf-{i}",
        {"label_nl": f"{label} {i}", "dimension": "environment", "clusters": ["coeus-social"], **PROV},
    )


def test_the_mini_graph_loads_with_exact_counts(mini_store: GraphStore) -> None:
    counts = mini_store.counts()
    assert counts.total_nodes == 15  # 16 records, one an identical duplicate
    assert counts.total_links == 20
    assert counts.nodes["Organisation"] == 2
    assert counts.links["PART_OF"] == 3
    assert counts.links["EVIDENCE_FOR"] == 2


def test_loading_twice_changes_nothing(mini_store: GraphStore) -> None:
    before = list(mini_store.iter_nodes("Organisation"))
    report = load(mini_store, MINI)
    assert not report.write.changed_anything
    assert sum(report.write.unchanged.values()) == 35
    assert list(mini_store.iter_nodes("Organisation")) == before


def test_batch_with_repeated_keys_writes_each_node_and_edge_once(store: GraphStore) -> None:
    # Ladybug's UNWIND MERGE loses edges here (upstream #798); LOAD FROM must not.
    nodes = [
        _source(),
        *(_factor(i) for i in range(50)),
        NodeRow("Intervention", "int-1", {"label_nl": "I1", "intervention_type": "programme", **PROV}),
        NodeRow("Intervention", "int-2", {"label_nl": "I2", "intervention_type": "programme", **PROV}),
    ]
    links = [LinkRow("ADDRESSES", f"int-{1 + i % 2}", f"rf-{i % 25}", dict(PROV)) for i in range(100)]
    unique_links = {link.key: link for link in links}
    store.write(nodes + nodes[:10], list(unique_links.values()))
    counts = store.counts()
    assert counts.nodes["RiskFactor"] == 50
    assert counts.nodes["Intervention"] == 2
    assert counts.links["ADDRESSES"] == 50  # (int-1 x even rf) + (int-2 x odd rf) over 25 factors, twice
    store.write(nodes, list(unique_links.values()))
    assert store.counts().links["ADDRESSES"] == 50


def test_an_edge_per_pair_even_when_sources_repeat_in_one_batch(store: GraphStore) -> None:
    # The #798 shape: (I1,F1), (I1,F2), (I2,F1), (I3,F1) gave 3 edges with UNWIND MERGE.
    nodes = [_source(), _factor(1), _factor(2)] + [
        NodeRow("Intervention", f"int-{i}", {"label_nl": f"I{i}", "intervention_type": "programme", **PROV})
        for i in (1, 2, 3)
    ]
    pairs = [("int-1", "rf-1"), ("int-1", "rf-2"), ("int-2", "rf-1"), ("int-3", "rf-1")]
    store.write(nodes, [LinkRow("ADDRESSES", s, t, dict(PROV)) for s, t in pairs])
    stored = sorted((s, t) for s, t, _ in store.iter_links("ADDRESSES"))
    assert stored == sorted(pairs)


def test_a_changed_record_is_updated_in_place_and_reported(store: GraphStore) -> None:
    plan_and_write(store, [_source(), _factor(1)], [])
    report = plan_and_write(store, [_source(), _factor(1, label="Renamed")], [])
    assert report.updated["RiskFactor"] == 1 and report.unchanged["Source"] == 1
    assert store.counts().nodes["RiskFactor"] == 1
    assert next(store.iter_nodes("RiskFactor"))["label_nl"] == "Renamed 1"


def test_a_failing_write_rolls_back_everything(store: GraphStore) -> None:
    store.write([_source()], [])
    before = store.counts()
    with pytest.raises(StoreError, match="rolled back"):
        store.write([_factor(1), _factor(2)], [LinkRow("ADDRESSES", "int-missing", "rf-1", dict(PROV))])
    after = store.counts()
    assert after.nodes == before.nodes and after.links == before.links


def test_values_come_back_verbatim(store: GraphStore) -> None:
    nasty = ["x'}) DETACH DELETE n //", "<script>alert(1)</script>", 'quote " and \\ backslash', "emoji 🧩 ĳ é"]
    store.write(
        [
            _source(),
            NodeRow("Value", "val-1", {"label_nl": nasty[0], "label_en": nasty[1], "alt_labels": nasty[2:], **PROV}),
        ],
        [],
    )
    (row,) = list(store.iter_nodes("Value"))
    assert [row["label_nl"], row["label_en"], *row["alt_labels"]] == nasty
    assert store.counts().nodes["Source"] == 1


def test_a_second_process_is_told_the_store_is_in_use(tmp_path: Path) -> None:
    holder = EmbeddedStore(tmp_path / "db")
    try:
        code = (
            "import sys\nfrom caleido.graph.embedded import EmbeddedStore\nfrom caleido.errors import StoreBusy\n"
            f"try:\n    EmbeddedStore({str(tmp_path / 'db')!r})\nexcept StoreBusy as e:\n    print(e); sys.exit(7)\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert result.returncode == 7, result.stderr
        assert "in use by another process" in result.stdout
    finally:
        holder.close()


def test_schema_is_created_once_and_reopening_keeps_data(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path / "db")
    first.write([_source()], [])
    first.close()
    again = EmbeddedStore(tmp_path / "db")
    try:
        again.ensure_schema()
        assert again.counts().nodes["Source"] == 1
    finally:
        again.close()


def test_read_only_open_of_a_missing_store_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="load data first"):
        EmbeddedStore(tmp_path / "none", read_only=True)


def test_kuzu_is_not_installed_beside_ladybug() -> None:
    # kuzu and ladybug in one process crash (TECH-NOTES A.7).
    import importlib.util

    assert importlib.util.find_spec("kuzu") is None
