"""The embedded store's log as a crash leaves it, byte for byte: opening it, `caleido doctor` and its repair
(caleido/graph/embedded_log.py, caleido/graph/doctor.py).

A crash image is a copy of the store's files taken while it is open, which is what kill -9 at that moment
leaves (Ladybug changes the database file only when it folds the log in). A log appends, so a kill in the
middle of a write leaves a prefix of the bytes that write appends: the image of the store after its
acknowledged writes, with part of the next write's bytes added to its log. The real kills are in
test_kill_import.py; these pin what the doctor says and which damage is refused.
"""

from __future__ import annotations

import json
import logging
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caleido.cli import app
from caleido.errors import StoreError
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.embedded_log import LogFiles, write_mark
from caleido.loaders.evidence import import_evidence_csv
from caleido.ontology.records import now_utc
from tests.helpers import MINI, load
from tests.reliability.evidence_csv import evidence_csv

FACTORS = ("rf-a", "rf-b")  # in tests/fixtures/mini
WIDE = {"COLUMNS": "300"}


@dataclass(frozen=True)
class Images:
    acknowledged: Path  # the store's files after its acknowledged writes
    acknowledged_ids: list[str]  # findings it holds
    next_write: bytes  # what the next write appended to the log
    next_ids: list[str]  # the findings of that write


def write(store: EmbeddedStore, tag: str, rows: int) -> list[str]:
    report = import_evidence_csv(store, f"{tag}.csv", evidence_csv(tag, rows, FACTORS, 500).decode(), "test", now_utc())
    return [row.finding for row in report.rows]


def files(folder: Path) -> LogFiles:
    return LogFiles(folder / "caleido.lbdb")


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Images:
    live, image = tmp_path_factory.mktemp("live") / "store", tmp_path_factory.mktemp("image") / "store"
    store = EmbeddedStore(live)
    try:
        load(store, MINI)
        acknowledged = write(store, "acknowledged", 20)
        shutil.copytree(live, image)
        length = files(live).log_length()
        assert files(live).read_mark() == length > 0
        following = write(store, "next", 300)
        appended = files(live).log.read_bytes()[length:]
    finally:
        store.close()
    return Images(image, acknowledged, appended, following)


def crash_image(images: Images, tmp_path: Path, share: float, *, mark: bool = True) -> Path:
    """The store as a kill leaves it after `share` of the next write's bytes reached the log."""
    folder = tmp_path / "store"
    shutil.copytree(images.acknowledged, folder)
    with files(folder).log.open("ab") as log:
        log.write(images.next_write[: int(len(images.next_write) * share)])
    if not mark:
        files(folder).mark.unlink()
    return folder


def damage(folder: Path) -> None:
    """Flip a byte among the acknowledged writes, as a bad disk might."""
    log, mark = files(folder).log, files(folder).read_mark()
    data = bytearray(log.read_bytes())
    data[(mark or len(data)) // 2] ^= 0xFF
    log.write_bytes(bytes(data))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def held(folder: Path, ids: list[str]) -> int:
    with EmbeddedStore(folder) as store:
        return len(store.fetch_nodes("Finding", ids))


def doctor(folder: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["doctor", "--store", f"embedded:{folder}", *options], env=WIDE)
    return result.exit_code, result.stdout


@pytest.mark.parametrize("share", [0.0005, 0.4, 0.9995])
def test_opening_cuts_off_a_write_cut_short_and_keeps_every_acknowledged_one(
    images: Images, tmp_path: Path, share: float, caplog: pytest.LogCaptureFixture
) -> None:
    folder = crash_image(images, tmp_path, share)
    with caplog.at_level(logging.WARNING, "caleido.store"), EmbeddedStore(folder) as store:
        assert len(store.fetch_nodes("Finding", images.acknowledged_ids)) == len(images.acknowledged_ids)
        assert store.fetch_nodes("Finding", images.next_ids) == {}
        later = write(store, "after the crash", 10)
    assert "stopped in the middle of a write" in caplog.text
    assert held(folder, images.acknowledged_ids + later) == len(images.acknowledged_ids) + len(later)


def test_a_write_whose_bytes_all_reached_the_log_before_the_kill_is_kept_whole(images: Images, tmp_path: Path) -> None:
    folder = crash_image(images, tmp_path, 1.0)  # killed after its commit, before the mark moved: not torn
    assert held(folder, images.next_ids) == len(images.next_ids)


def test_a_mark_lagging_behind_the_acknowledged_writes_loses_none_of_them(images: Images, tmp_path: Path) -> None:
    """After a power loss the mark (written without a sync) may lag; every complete write is replayed anyway."""
    folder = crash_image(images, tmp_path, 0.5)
    write_mark(files(folder), 0)
    assert held(folder, images.acknowledged_ids) == len(images.acknowledged_ids)


@pytest.fixture(params=["damaged among acknowledged writes", "without a mark"])
def unproven(request: pytest.FixtureRequest, images: Images, tmp_path: Path) -> Path:
    """A crash image whose acknowledged writes cannot be shown whole: its log damaged before the mark, or no mark."""
    folder = crash_image(images, tmp_path, 0.5, mark=request.param != "without a mark")
    if request.param.startswith("damaged"):
        damage(folder)
    return folder


def test_a_log_whose_acknowledged_part_is_not_shown_whole_is_refused_and_left_as_found(unproven: Path) -> None:
    before = snapshot(unproven)
    with pytest.raises(StoreError, match="caleido doctor"):
        EmbeddedStore(unproven)
    assert snapshot(unproven) == before


def test_the_doctor_looks_without_touching_then_repairs_a_write_cut_short(images: Images, tmp_path: Path) -> None:
    folder = crash_image(images, tmp_path, 0.5)
    before = snapshot(folder)
    code, said = doctor(folder)
    assert code == 3
    assert "every acknowledged write, replay on their own" in said
    assert "hold a write a crash cut short, never acknowledged" in said
    assert "plan: opening the store" in said
    assert snapshot(folder) == before
    code, said = doctor(folder, "--repair")
    assert code == 0, said
    assert "done: opened the store for writing" in said
    assert held(folder, images.acknowledged_ids) == len(images.acknowledged_ids)
    code, said = doctor(folder)
    assert code == 0 and "opens:" in said


def test_the_doctor_salvages_a_damaged_log_only_when_asked_and_keeps_a_copy_of_it(
    images: Images, unproven: Path
) -> None:
    folder, marked = unproven, files(unproven).read_mark() is not None
    log = files(folder).log.read_bytes()
    before = snapshot(folder)
    code, said = doctor(folder, "--repair")
    assert code == 3
    assert "--repair --salvage" in said and "nothing was changed" in said
    assert snapshot(folder) == before
    code, said = doctor(folder, "--repair", "--salvage")
    assert code == 0, said
    kept = list(folder.glob("caleido.lbdb.wal.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == log
    assert "done: kept the whole log as" in said
    if not marked:  # only the write a kill cut short was unreadable: every acknowledged one is back
        assert held(folder, images.acknowledged_ids) == len(images.acknowledged_ids)
    else:
        EmbeddedStore(folder).close()  # opens


FOLD_WRITER = """
import json, sys
from caleido.graph.embedded import EmbeddedStore
from caleido.loaders.evidence import import_evidence_csv
from caleido.ontology.records import now_utc
from tests.reliability.evidence_csv import evidence_csv
store = EmbeddedStore(sys.argv[1])
report = import_evidence_csv(store, "fold.csv", evidence_csv("fold", 400, ("rf-a", "rf-b")).decode(), "test", now_utc())
print(json.dumps([row.finding for row in report.rows]), flush=True)
store.close()
"""


@pytest.mark.parametrize("stage", ["caleido.lbdb.wal.checkpoint", "caleido.lbdb.shadow"])
def test_a_kill_while_the_log_is_folded_into_the_database_loses_nothing(
    images: Images, tmp_path: Path, stage: str
) -> None:
    """Closing folds the log into the database (Ladybug moves it aside, writes the new pages to a shadow file,
    then applies them); a kill at either stage leaves a store that opens with every acknowledged write."""
    folder = crash_image(images, tmp_path, 0.0)
    writer = subprocess.Popen([sys.executable, "-c", FOLD_WRITER, str(folder)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    written = json.loads(writer.stdout.readline())  # acknowledged: the write returned
    while not (folder / stage).exists() and writer.poll() is None:
        time.sleep(0.0002)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert writer.returncode == -signal.SIGKILL, "the fold ended before the kill"
    assert held(folder, images.acknowledged_ids + written) == len(images.acknowledged_ids) + len(written)


def test_the_doctor_leaves_a_store_in_use_alone(images: Images, tmp_path: Path) -> None:
    folder = crash_image(images, tmp_path, 0.0)
    holder = f"from caleido.graph.embedded import EmbeddedStore; s = EmbeddedStore({str(folder)!r}); print(); input()"
    owner = subprocess.Popen([sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert owner.stdout is not None and owner.stdout.readline()  # the other process has the store open
        code, said = doctor(folder, "--repair", "--salvage")
    finally:
        owner.kill()
        owner.wait()
    assert code == 3 and "in use by another process" in said
    assert not list(folder.glob("caleido.lbdb.wal.damaged-*"))


def test_salvage_goes_with_repair(tmp_path: Path) -> None:
    assert doctor(tmp_path, "--salvage")[0] == 2


def test_a_read_only_open_never_cuts_the_log(images: Images, tmp_path: Path) -> None:
    """A read-only open may run beside a process that is writing (Ladybug allows it), whose log ends in a write in
    progress: it must refuse rather than cut that write off."""
    folder = crash_image(images, tmp_path, 0.5)
    before = snapshot(folder)
    with pytest.raises(StoreError, match="opening the store for writing once"):
        EmbeddedStore(folder, read_only=True)
    assert snapshot(folder) == before


@pytest.mark.neo4j
def test_the_doctor_on_neo4j_says_what_the_store_holds_and_that_neo4j_recovers_itself() -> None:
    from tests.neo4j_server import neo4j_server

    server = neo4j_server()
    env = {**WIDE, "NEO4J_USER": server.user, "NEO4J_PASSWORD": server.password}
    result = CliRunner().invoke(app, ["doctor", "--store", server.uri], env=env)
    assert result.exit_code == 0, result.stdout
    assert "opens:" in result.stdout and "Neo4j replays its own transaction log" in result.stdout
    down = CliRunner().invoke(app, ["doctor", "--store", "bolt://127.0.0.1:9"], env=env)
    assert down.exit_code == 3 and "start the server" in down.stdout
