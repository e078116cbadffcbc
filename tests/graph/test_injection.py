"""Cypher- and HTML-looking strings go through loading and every use-case query as plain data:
stored and returned verbatim, never executed, and nothing else in the store changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caleido.errors import CaleidoError, InvalidData
from caleido.graph import usecases
from caleido.graph.store import GraphStore
from tests.helpers import load, plain

NASTY = [
    "x'}) DETACH DELETE n //",
    "<script>alert(1)</script>",
    '"}) MATCH (m) DETACH DELETE m RETURN 1 //',
    "`; DROP CONSTRAINT caleido_source_id; //",
    "<img src=x onerror=alert(1)>",
]


def _snapshot(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    counts = store.counts()
    return counts.nodes, counts.links


def test_nasty_text_is_stored_verbatim_and_found_by_search(mini_store: GraphStore, tmp_path: Path) -> None:
    data = tmp_path / "nasty.yaml"
    records = [
        {
            "id": f"val-nasty-{i}",
            "class": "Value",
            "label": {"nl": text, "en": text},
            "alt_labels": [text],
            "definition": {"nl": text},
            "source": "src-test",
            "locator": text,
            "status": "accepted",
            "links": [],
        }
        for i, text in enumerate(NASTY)
    ]
    data.write_text(json.dumps({"records": records}), encoding="utf-8")  # JSON is YAML
    before_nodes, before_links = _snapshot(mini_store)
    load(mini_store, data)
    after_nodes, after_links = _snapshot(mini_store)
    assert after_nodes["Value"] == before_nodes["Value"] + len(NASTY)
    assert {k: v for k, v in after_nodes.items() if k != "Value"} == {
        k: v for k, v in before_nodes.items() if k != "Value"
    }
    assert after_links == before_links
    stored = mini_store.fetch_nodes("Value", [r["id"] for r in records])
    for i, text in enumerate(NASTY):
        row = stored[f"val-nasty-{i}"]
        assert (row["label_nl"], row["label_en"], row["alt_labels"], row["definition_nl"], row["locator"]) == (
            text,
            text,
            [text],
            text,
            text,
        )
        assert f"val-nasty-{i}" in [hit["id"] for hit in plain(usecases.search(mini_store, text))]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_text_as_query_parameters_changes_nothing(mini_store: GraphStore, text: str) -> None:
    before = _snapshot(mini_store)
    usecases.search(mini_store, text)
    usecases.coverage(mini_store, dimension=text, cluster=text, domain=text, level=text)
    usecases.coverage(mini_store, axis="themes", domain=text)
    usecases.gaps(mini_store)
    usecases.model(mini_store, lang="en")
    for ask in (
        lambda: usecases.partners(mini_store, text),
        lambda: usecases.node(mini_store, text),
        lambda: usecases.neighbourhood(mini_store, text, depth=2),
    ):
        with pytest.raises(CaleidoError):
            ask()
    usecases.partners(mini_store, "GM0518", usecases.PartnerQuery(targets=[text], domain=text, level=text))
    assert mini_store.find_classes([text]) == {}
    assert mini_store.fetch_nodes("Value", [text]) == {}
    assert _snapshot(mini_store) == before


def test_nasty_ids_are_refused_before_they_reach_a_store(mini_store: GraphStore, tmp_path: Path) -> None:
    data = tmp_path / "nasty-id.yaml"
    data.write_text(
        json.dumps(
            {
                "records": [
                    {
                        "id": NASTY[0],
                        "class": "Value",
                        "label": {"nl": "x"},
                        "source": "src-test",
                        "locator": "p",
                        "status": "accepted",
                    }
                ]
            }
        )
    )
    before = _snapshot(mini_store)
    with pytest.raises(InvalidData, match="should match pattern"):
        load(mini_store, data)
    assert _snapshot(mini_store) == before
