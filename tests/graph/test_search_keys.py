"""Search keys (caleido.graph.search_keys): the column both stores keep so search runs in the database.
Kept up to date by every node write, never read back as a node column, filled in on opening a store
written before it existed, and (Neo4j) served by a TEXT index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase

from caleido.graph import queries, usecases
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.neo4j_store import SEARCH_INDEX
from caleido.graph.queries import Param, Query
from caleido.graph.schema import node_classes
from caleido.graph.search_keys import normalise, patterns, search_keys
from caleido.graph.store import GraphStore
from caleido.graph.sync import plan_and_write
from caleido.loaders.export import export_csv, export_rdf
from caleido.ontology.records import NodeRow
from tests.helpers import BACKENDS, open_backend, plain
from tests.neo4j_server import Neo4jServer, neo4j_server

PROV = {"source": "src-1", "locator": "p. 1", "status": "accepted", "added_by": "t", "added_at": "2026-01-01T00:00:00Z"}
SOURCE = NodeRow("Source", "src-1", {"label_nl": "Bron", "source_type": "web-page", "citation": "c", **PROV})


def _node(cls: str, node_id: str, label_nl: str | None, label_en: str | None = None, *alt: str) -> NodeRow:
    values: dict[str, Any] = {"label_nl": label_nl, "label_en": label_en, "alt_labels": list(alt), **PROV}
    if cls in ("RiskFactor", "ProtectiveFactor"):
        values["dimension"] = "environment" if cls == "RiskFactor" else "protective"
    return NodeRow(cls, node_id, values)


# One exact, prefix and contains hit per class, spelled with accents, capitals and punctuation.
NODES = [
    SOURCE,
    _node("Value", "val-b", "Vertrouwen", "Trust"),
    _node("Value", "val-a", "Geloof", None, "VERTROUWEN!"),
    _node("RiskFactor", "rf-1", "Vértrouwen-crisis", "Crisis of trust"),
    _node("ProtectiveFactor", "pf-1", "Herstel van vertrouwen", None, "vertrouwen"),
    _node("ProtectiveFactor", "pf-2", "Wantrouwen", "Distrust"),
    _node("ProgrammeTheme", "theme-1", "Weerbaarheid", "Resilience"),
]


def _keys(store: GraphStore, node_id: str) -> str | None:
    rows = store.read(
        Query("keys_of", "MATCH (n) WHERE n.id = $id RETURN n.search_keys AS keys", (("id", Param.TEXT),)), id=node_id
    )
    return rows[0]["keys"]


def test_keys_are_the_sorted_distinct_normalised_labels_between_bars() -> None:
    values = {"label_nl": "Den Haag", "label_en": "The Hague", "alt_labels": ["'s-Gravenhage", "DEN HAAG", "!"]}
    assert search_keys(values) == "|den haag|s gravenhage|the hague|"
    assert search_keys({"label_nl": None, "alt_labels": []}) == "||"
    assert patterns(normalise(" Den  Haag! ")) == {"exact": "|den haag|", "prefix": "|den haag", "contains": "den haag"}


def test_search_ranks_exact_prefix_contains_then_class_and_id(store: GraphStore) -> None:
    store.write(NODES, [])
    hits = plain(usecases.search(store, "  VERTROUWEN "))
    assert [(h["rank"], h["class"], h["id"]) for h in hits] == [
        (0, "ProtectiveFactor", "pf-1"),  # an alternative label
        (0, "Value", "val-a"),  # "VERTROUWEN!"
        (0, "Value", "val-b"),
        (1, "RiskFactor", "rf-1"),  # "Vértrouwen-crisis"
    ]
    assert hits[-1] == {
        "id": "rf-1",
        "class": "RiskFactor",
        "label_nl": "Vértrouwen-crisis",
        "label_en": "Crisis of trust",
        "rank": 1,
    }
    assert [(h.rank, h.id) for h in usecases.search(store, "trouwen")] == [
        (2, "pf-1"),
        (2, "pf-2"),
        (2, "rf-1"),
        (2, "val-a"),
        (2, "val-b"),
    ]
    assert [h.id for h in usecases.search(store, "crisis of")] == ["rf-1"]
    assert [h.id for h in usecases.search(store, "trouwen", limit=2)] == ["pf-1", "pf-2"]
    assert usecases.search(store, "trouwen", limit=0) == [] and usecases.search(store, "?!") == []
    assert usecases.search(store, "|") == [] and usecases.search(store, "n|w") == []  # a bar is never a key


def test_search_filters_on_classes(store: GraphStore) -> None:
    store.write(NODES, [])
    assert [h.id for h in usecases.search(store, "vertrouwen", classes=["Value", "RiskFactor"])] == [
        "val-a",
        "val-b",
        "rf-1",
    ]
    assert [h.id for h in usecases.search(store, "vertrouwen", classes=["ProgrammeTheme"])] == []
    assert [h.id for h in usecases.search(store, "vertrouwen", classes=["NoSuchClass"])] == []


def test_keys_follow_a_changed_or_cleared_label(store: GraphStore) -> None:
    plan_and_write(store, NODES, [])
    assert _keys(store, "val-b") == "|trust|vertrouwen|"
    plan_and_write(store, [_node("Value", "val-b", "Betrouwbaarheid", "Trust")], [])
    assert _keys(store, "val-b") == "|betrouwbaarheid|trust|"
    assert "val-b" not in [h.id for h in usecases.search(store, "vertrouwen")]
    assert [h.id for h in usecases.search(store, "betrouwbaar")] == ["val-b"]
    plan_and_write(store, [_node("Value", "val-b", None)], [])
    assert _keys(store, "val-b") == "||"
    assert [h.id for h in usecases.search(store, "trust")] == ["pf-2", "rf-1"]  # "Distrust", "Crisis of trust"


def test_keys_are_not_a_node_column(store: GraphStore) -> None:
    store.write(NODES, [])
    for cls in node_classes():
        assert all("search_keys" not in row for row in store.iter_nodes(cls.name)), cls.name
    assert "search_keys" not in store.fetch_nodes("Value", ["val-a"])["val-a"]
    nodes_csv, _ = export_csv(store)
    assert "search_keys" not in nodes_csv and "search_keys" not in export_rdf(store, "ttl")
    assert "|" not in nodes_csv  # no keys among the values either


def test_find_municipality_matches_names_and_codes_on_the_keys(store: GraphStore) -> None:
    region = {"region_type": "municipality", "identifier": "0518", **PROV}
    labels = {"label_nl": "'s-Gravenhage", "label_en": "The Hague", "alt_labels": ["Den Haag"]}
    store.write([SOURCE, NodeRow("Region", "GM0518", {**region, **labels})], [])
    for text in ("Den Haag", "den  haag!", "'s-Gravenhage", "S GRAVENHAGE", "the hague", "GM0518", "gm0518", "0518"):
        assert usecases.find_municipality(store, text)["id"] == "GM0518", text
    assert usecases.find_municipality(store, "GM0518")["alt_labels"] == ["Den Haag"]  # the whole node
    for text in ("Den", "Haag", "!", "GM05"):  # a name or code in full, not part of one
        with pytest.raises(usecases.NotFound):
            usecases.find_municipality(store, text)


# ---------------------------------------------------------------- a store written before search keys


def _as_before_search_keys(store: GraphStore) -> None:
    """Make the store look as one written before search keys: no column (Ladybug), no property or index (Neo4j)."""
    if isinstance(store, EmbeddedStore):
        for cls in node_classes():
            store.read(Query("drop_keys", f"ALTER TABLE {cls.name} DROP search_keys", ()))
    else:
        server = neo4j_server()
        server.run("MATCH (n) REMOVE n.search_keys")
        server.run(f"DROP INDEX {SEARCH_INDEX}")


def _reopen(store: GraphStore, backend: str, tmp_path: Path) -> GraphStore:
    store.close()
    return EmbeddedStore(tmp_path / "store") if backend == "embedded" else neo4j_server().open(batch_size=2)


@pytest.mark.parametrize("backend", BACKENDS)
def test_opening_a_store_from_before_search_keys_fills_them_in(backend: str, tmp_path: Path) -> None:
    store = open_backend(backend, tmp_path)
    store.write(NODES, [])
    expected = usecases.search(store, "vertrouwen")
    _as_before_search_keys(store)
    store = _reopen(store, backend, tmp_path)  # Neo4j in batches of 2, so several batches are filled
    try:
        assert usecases.search(store, "vertrouwen") == expected
        assert _keys(store, "val-a") == "|geloof|vertrouwen|" and _keys(store, "src-1") == "|bron|"
        for cls in node_classes():
            assert all("search_keys" not in row for row in store.iter_nodes(cls.name)), cls.name
    finally:
        store.close()


# ---------------------------------------------------------------- Neo4j only


@pytest.fixture
def server() -> Neo4jServer:
    found = neo4j_server()
    found.wipe()
    return found


@pytest.mark.neo4j
def test_neo4j_search_runs_on_the_text_index(server: Neo4jServer) -> None:
    with server.open() as neo4j:
        neo4j.write(NODES, [])
        server.open().close()  # a second open finds the index and creates nothing
    (index,) = server.run(
        "SHOW INDEXES YIELD name, type, labelsOrTypes, properties WHERE name = $name RETURN *", name=SEARCH_INDEX
    )
    assert (index["type"], index["labelsOrTypes"], index["properties"]) == ("TEXT", ["CaleidoNode"], ["search_keys"])
    params = {**patterns("vertrouwen"), "any_class": False, "classes": ["Value"], "limit": 20}
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        plan = driver.execute_query(
            f"EXPLAIN {queries.SEARCH.render('neo4j')}", params, database_=server.database
        ).summary.plan
    assert "NodeIndexContainsScan" in _operators(plan)


def _operators(plan: dict[str, Any]) -> list[str]:
    return [plan["operatorType"].split("@")[0], *(op for child in plan.get("children", []) for op in _operators(child))]
