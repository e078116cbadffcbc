"""The benchmark's synthetic graphs are valid Caleido data and the same on every run."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from bench.synthetic import AGENT, NOW, WRITE_SIDE, generate, seed_graph, synthetic_records
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


def test_the_cache_key_leaves_out_only_loader_modules_the_generator_never_imports() -> None:
    # In a process of its own: this test session has imported every module already.
    script = (
        "import sys; from bench.synthetic import generate; generate('tiny'); "
        "print(' '.join(m.rsplit('.', 1)[-1] + '.py' for m in sys.modules if m.startswith('caleido.loaders.')))"
    )
    imported = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert "validate.py" in imported  # the check sees the loader modules the generator uses
    assert not WRITE_SIDE & set(imported)
