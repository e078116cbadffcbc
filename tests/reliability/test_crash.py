"""kill -9 in the middle of writing: the store keeps whole batches only, and a re-run finishes the job.

The import is `caleido copy` of a synthetic graph (bench/synthetic.py, the seed plus ~7,500 generated
nodes and ~72,000 links) from an embedded store into each backend: the real command, whose batches of
10,000 rows are one transaction apiece. It is killed once Neo4j shows its first batch, or, on the
embedded store (whose lock keeps others out while the copy runs), halfway through a full copy's time.
Batches are written in a fixed order, so whole batches only means: the target holds a multiple of the
batch size of the source's nodes (or all of them), links only once every node is in, and the same for
links. For the embedded store the API process is killed under write load too: the store opens again,
holds every acknowledged write whole, and a new server serves it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench import synthetic
from bench.api_load import finding_body
from caleido.api.keys import KeyStore
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.store import GraphStore
from caleido.graph.sync import plan_and_write
from caleido.loaders.copy import BATCH
from caleido.loaders.sources import SEED_FOLDER
from tests.helpers import BACKENDS, load, open_backend
from tests.reliability.served import caleido_serve

SCALE = 0.15  # of bench/synthetic.py's "medium": enough batches that a kill lands inside the copy
KILL_AT = 0.2  # of a full copy's measured time, whose last part is the rebuild of the derived data


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, int]]:
    """An embedded store with the synthetic graph, closed; its URI and node and link counts."""
    synthetic.SCALES.setdefault("crash-test", SCALE)  # a scale of its own, registered for this module
    graph = synthetic.generate("crash-test")
    folder = tmp_path_factory.mktemp("crash-source") / "store"
    store = EmbeddedStore(folder)
    plan_and_write(store, graph.nodes, graph.links)
    counts = store.counts()
    store.close()
    assert counts.total_links > 4 * BATCH
    yield f"embedded:{folder}", counts.total_nodes, counts.total_links


def copy_command(source: str, target: str) -> list[str]:
    return [sys.executable, "-m", "caleido", "copy", "--from", source, "--to", target]


def whole_batches(copied: int, total: int) -> bool:
    return copied == total or copied % BATCH == 0


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, GraphStore]]:
    """An empty store of each backend, closed for the copy; the test reopens it to look."""
    store = open_backend(request.param, tmp_path)
    uri = store.uri
    store.close()
    yield uri, store


def test_a_killed_copy_keeps_whole_batches_and_a_rerun_completes_it(
    source: tuple[str, int, int], target: tuple[str, GraphStore], tmp_path: Path
) -> None:
    source_uri, nodes, links = source
    target_uri, _ = target
    reference = f"embedded:{tmp_path / 'reference'}"
    started = time.perf_counter()
    subprocess.run(copy_command(source_uri, reference), check=True, capture_output=True)
    full = time.perf_counter() - started

    copy = subprocess.Popen(copy_command(source_uri, target_uri), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = time.perf_counter()
    if target_uri.startswith("embedded:"):
        time.sleep(full * KILL_AT)  # the copy holds the folder's lock: time is all there is to go by
    else:
        wait_for_first_batch(copy)  # Neo4j can be watched: kill once the first batch is in
    assert copy.poll() is None, "the copy ended before the kill; the graph is too small for this machine"
    copy.send_signal(signal.SIGKILL)
    killed_at = time.perf_counter() - started
    copy.wait(30)
    assert copy.returncode == -signal.SIGKILL

    store = open_target(target_uri, tmp_path)
    try:
        counts = store.counts()
    finally:
        store.close()
    copied_nodes, copied_links = counts.total_nodes, counts.total_links
    assert whole_batches(copied_nodes, nodes), (copied_nodes, nodes)
    assert whole_batches(copied_links, links), (copied_links, links)
    assert copied_links == 0 or copied_nodes == nodes  # links only after every node
    assert (copied_nodes, copied_links) != (nodes, links), "killed after the last batch: nothing was tested"
    record = Path(os.environ.get("CALEIDO_TEST_OUTPUT", "test-output")) / "crash-copy.log"
    record.parent.mkdir(parents=True, exist_ok=True)
    with record.open("a", encoding="utf-8") as out:
        out.write(
            f"{target_uri.split(':')[0]}: killed at {killed_at:.1f} s (a full copy: {full:.1f} s); kept "
            f"{copied_nodes}/{nodes} nodes, {copied_links}/{links} links\n"
        )

    subprocess.run(copy_command(source_uri, target_uri), check=True, capture_output=True)
    store = open_target(target_uri, tmp_path)
    try:
        assert (store.counts().total_nodes, store.counts().total_links) == (nodes, links)
    finally:
        store.close()


def wait_for_first_batch(copy: subprocess.Popen[bytes]) -> None:
    from tests.neo4j_server import neo4j_server

    server = neo4j_server()
    deadline = time.monotonic() + 120
    while copy.poll() is None and time.monotonic() < deadline:
        if server.run("MATCH (n:CaleidoNode) RETURN count(n) AS n")[0]["n"] > 0:
            time.sleep(0.5)
            return
        time.sleep(0.1)


def open_target(uri: str, tmp_path: Path) -> GraphStore:
    if uri.startswith("embedded:"):
        return EmbeddedStore(Path(uri.removeprefix("embedded:")))
    from tests.neo4j_server import neo4j_server

    return neo4j_server().open()


def test_the_embedded_store_survives_a_killed_api_process(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    load(store, SEED_FOLDER)
    before = store.counts()
    store.close()
    keys_file = tmp_path / "keys.sqlite3"
    key, _ = KeyStore(keys_file).create("crash-test", "researcher")
    acknowledged: list[str] = []
    stop = threading.Event()

    def write(url: str, writer: int) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    response = http.post("/api/v1/findings", json=finding_body("Crash test", writer, n))
                except httpx.HTTPError:
                    continue  # the server died under this request: not acknowledged
                if response.status_code == 201:
                    acknowledged.append(response.json()["id"])

    uri = f"embedded:{tmp_path / 'store'}"
    with caleido_serve(uri, keys_file, tmp_path / "serve.log") as served:
        writers = [threading.Thread(target=write, args=(served.url, i), daemon=True) for i in range(8)]
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 20 and time.monotonic() < deadline:
            time.sleep(0.1)
        served.process.send_signal(signal.SIGKILL)
        served.process.wait(30)
        stop.set()
        for writer in writers:
            writer.join(60)
    assert len(acknowledged) >= 20

    store = EmbeddedStore(tmp_path / "store")  # opens: the dead process's lock is gone, the log replayed
    try:
        after = store.counts()
        findings = store.fetch_nodes("Finding", acknowledged)
        assert sorted(findings) == sorted(set(acknowledged))
        reported = store.fetch_links("REPORTED_IN", [(f, row["source"]) for f, row in findings.items()])
        assert len(reported) == len(findings)  # each finding whole: its node and its link to its source
        added = after.nodes["Finding"] - before.nodes["Finding"]
        assert added >= len(set(acknowledged))  # at most the requests cut off in flight besides
        assert after.links["REPORTED_IN"] - before.links["REPORTED_IN"] == added
    finally:
        store.close()
    with caleido_serve(uri, keys_file, tmp_path / "serve-again.log") as served:
        assert httpx.get(served.url + "/readyz", timeout=30).json()["nodes"] == after.total_nodes
