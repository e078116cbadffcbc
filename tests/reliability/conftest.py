"""Stores for the reliability tests: seeded, then closed, so a separate `caleido serve` process can open
them (the embedded store admits one process at a time)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from caleido.loaders.sources import SEED_FOLDER
from tests.helpers import BACKENDS, load, open_backend


@pytest.fixture(params=BACKENDS)
def seeded_store_uri(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URI of a store holding the seed, closed again, on each backend."""
    store = open_backend(request.param, tmp_path)
    load(store, SEED_FOLDER)
    uri = store.uri
    store.close()
    yield uri
