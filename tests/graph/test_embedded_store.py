"""What only the embedded store has: one owning process, a folder that keeps its data, Ladybug alone.
Everything both stores share is in test_store_conformance.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from caleido.errors import StoreError
from caleido.graph.embedded import EmbeddedStore
from caleido.ontology.records import NodeRow

PROV = {"source": "src-1", "locator": "p. 1", "status": "accepted", "added_by": "t", "added_at": "2026-01-01T00:00:00Z"}


def _source() -> NodeRow:
    return NodeRow("Source", "src-1", {"label_nl": "Bron", "source_type": "web-page", "citation": "c", **PROV})


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
    # kuzu and ladybug in one process crash: both register a native type named Database.
    import importlib.util

    assert importlib.util.find_spec("kuzu") is None
