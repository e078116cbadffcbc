"""The benchmark's synthetic graphs are valid Caleido data and the same on every run."""

from __future__ import annotations

from typing import Any

from bench.synthetic import AGENT, NOW, generate, seed_graph, synthetic_records
from caleido.loaders.raw import RawBatch
from caleido.loaders.sources import SEED_FOLDER, read_paths
from caleido.loaders.validate import validate_batch
from caleido.ontology.records import LinkRow, NodeRow


def _nodes(rows: list[NodeRow]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {r.id: (r.cls, r.values) for r in rows}


def _links(rows: list[LinkRow]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {r.key: r.values for r in rows}


def test_a_small_synthetic_graph_passes_the_loaders_full_validation() -> None:
    raw, _ = read_paths([SEED_FOLDER])
    generated = synthetic_records("tiny")
    batch = validate_batch(RawBatch(raw.nodes + generated.nodes, raw.links + generated.links), None, AGENT, NOW)
    graph = generate("tiny")
    assert len(graph.nodes) > len(seed_graph().nodes) and len(graph.links) > len(seed_graph().links)
    assert _nodes(batch.nodes) == _nodes(graph.nodes)
    assert _links(batch.links) == _links(graph.links)


def test_the_generator_is_deterministic() -> None:
    first, second = generate("tiny"), generate("tiny")
    assert _nodes(first.nodes) == _nodes(second.nodes)
    assert _links(first.links) == _links(second.links)
