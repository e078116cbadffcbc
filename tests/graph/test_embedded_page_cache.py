"""The embedded store's page cache under reads: a read that does not fit is the busy kind of failure (503 with
Retry-After over HTTP), and reads from threads that come and go (the API's thread pool lets idle threads end)
do not use it up. Ladybug only; each test opens its own store with a small cache."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from caleido.errors import StoreUnavailable
from caleido.graph import usecases
from caleido.graph.embedded import EmbeddedStore
from caleido.loaders.sources import SEED_FOLDER
from tests.helpers import load


@pytest.fixture(scope="module")
def seed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("page-cache") / "store"
    with EmbeddedStore(folder) as store:
        load(store, SEED_FOLDER)
    return folder


def heavy_reads(store: EmbeddedStore) -> None:
    usecases.gaps(store, include_proposed=True, limit=1000)
    usecases.neighbourhood(store, "rf-discriminatie", depth=3, limit=2000)


def test_a_read_the_page_cache_cannot_hold_is_unavailable_not_a_fault(seed_folder: Path) -> None:
    with EmbeddedStore(seed_folder, buffer_pool_mb=14) as store:  # opens, and no more
        with pytest.raises(StoreUnavailable, match="page cache"):
            heavy_reads(store)
        with pytest.raises(StoreUnavailable, match="page cache"):
            store.counts()  # what /readyz asks


def test_reads_from_threads_that_end_leave_the_page_cache_free(seed_folder: Path) -> None:
    # Each thread gets its own connection. Kept open after their threads ended, 12 of them filled 128 MiB
    # and every read failed from then on, in any thread.
    with EmbeddedStore(seed_folder, buffer_pool_mb=128) as store:
        for _ in range(10):
            with ThreadPoolExecutor(4) as threads:  # four new threads each round
                list(threads.map(lambda _: heavy_reads(store), range(4)))
        heavy_reads(store)
