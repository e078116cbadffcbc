"""The embedded store's write-ahead log after a crash: which part of it holds acknowledged writes, and how a
log cut off in the middle of a write is opened again without losing any of them.

Ladybug 0.22 appends a transaction to its log (`caleido.lbdb.wal`) at COMMIT and syncs it before COMMIT
returns. A process killed while it appends leaves the log ending in a torn record, and Ladybug then refuses
the whole database ("Checksum verification failed, the WAL file is corrupted"). Its other setting,
`throw_on_wal_replay_failure=False`, replays up to the last complete commit and cuts off the rest: right
after a kill, but a record damaged further back (a bad disk) would as quietly take every later acknowledged
write with it, so the store does not use it on its own.

Instead the store keeps a mark beside the database (`caleido.lbdb.acked`): after each commit, before the
write is acknowledged, the log's length is recorded and synced. A log longer than its mark ends in a write
that nobody was told about, so cutting it back to the mark loses nothing acknowledged; Ladybug then replays
every acknowledged write. A log that still cannot be replayed is left exactly as found and the store
refuses to open, naming `caleido doctor` (caleido/graph/doctor.py), which says what it found and what a
repair would keep and drop.
"""

from __future__ import annotations

import logging
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from caleido.errors import StoreError

log = logging.getLogger("caleido.store")
Opened = TypeVar("Opened")

LOG_SUFFIX = ".wal"  # Ladybug's active log, beside the database file
CHECKPOINT_SUFFIXES = (".wal.checkpoint", ".shadow")  # present while Ladybug folds the log into the database
MARK_SUFFIX = ".acked"
_MARK = struct.Struct("<QI")  # the length, and a CRC-32 of it, so a torn or foreign file reads as no mark


def is_lock_error(exc: BaseException) -> bool:
    """Ladybug's answer when another process has the database open."""
    return "lock" in str(exc).lower()


@dataclass(frozen=True)
class LogFiles:
    """The files of one embedded database: the database itself, its log and Caleido's mark."""

    database: Path

    @property
    def log(self) -> Path:
        return self.database.with_name(self.database.name + LOG_SUFFIX)

    @property
    def mark(self) -> Path:
        return self.database.with_name(self.database.name + MARK_SUFFIX)

    def log_length(self) -> int:
        try:
            return self.log.stat().st_size
        except FileNotFoundError:
            return 0

    def read_mark(self) -> int | None:
        """The acknowledged length of the log; None when there is no readable mark (a store written before
        Caleido kept one, or a damaged mark file)."""
        try:
            data = self.mark.read_bytes()
        except FileNotFoundError:
            return None
        if len(data) != _MARK.size:
            return None
        length, check = _MARK.unpack(data)
        return length if zlib.crc32(data[:8]) == check else None

    def checkpoint_in_progress(self) -> bool:
        return any(self.database.with_name(self.database.name + s).exists() for s in CHECKPOINT_SUFFIXES)


class LogMark:
    """Records the log's length as acknowledged. `advance` runs after every commit and before the write is
    acknowledged; it syncs only when the length changed, so reads and writes that change nothing cost a stat."""

    def __init__(self, files: LogFiles):
        self.files = files
        self._recorded: int | None = None

    def advance(self) -> None:
        length = self.files.log_length()
        if length == self._recorded:
            return
        data = struct.pack("<Q", length)
        created = not self.files.mark.exists()
        fd = os.open(self.files.mark, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.pwrite(fd, data + struct.pack("<I", zlib.crc32(data)), 0)  # 12 bytes in one sector: never torn
            os.fdatasync(fd)
        finally:
            os.close(fd)
        if created:
            _sync_folder(self.files.mark.parent)
        self._recorded = length


def open_cutting_unacknowledged_tail(files: LogFiles, open_database: Callable[[], Opened]) -> Opened:
    """Open the database; if its log cannot be replayed and runs past the mark, cut the part past the mark (a
    write that was never acknowledged) and open again. When that does not help either, put the cut bytes back
    and refuse: the damage lies among acknowledged writes, which only `caleido doctor` may decide about."""
    try:
        return open_database()
    except Exception as first:  # a damaged log surfaces as whatever the C++ reader threw: RuntimeError, ValueError
        if is_lock_error(first):
            raise
        length, mark = files.log_length(), files.read_mark()
        if mark is None or length <= mark:
            raise damaged_log(files, first, length, mark) from first
        tail = _cut(files.log, mark)
        try:
            opened = open_database()
        except Exception:
            _append(files.log, tail)
            raise damaged_log(files, first, length, mark) from first
    log.warning(
        "the embedded store %s was stopped in the middle of a write: its log ended in %d bytes past the last "
        "acknowledged write, never acknowledged to anyone; they were cut off and every acknowledged write was "
        "replayed",
        files.database.parent,
        length - mark,
    )
    return opened


def damaged_log(files: LogFiles, cause: BaseException, length: int, mark: int | None) -> StoreError:
    where = (
        "this store has no mark of its acknowledged writes (it was written before Caleido kept one)"
        if mark is None
        else f"the damage lies within the {mark} bytes of acknowledged writes"
    )
    return StoreError(
        f"cannot open the embedded store {files.database.parent}: its log ({length} bytes) cannot be replayed "
        f"({cause}); {where}, so nothing was cut and the files are as they were. "
        f"Run `caleido doctor --store embedded:{files.database.parent}` to see what a repair would keep."
    )


def _cut(path: Path, length: int) -> bytes:
    """Truncate the file to `length` and sync it; the bytes cut off."""
    with path.open("r+b") as file:
        file.seek(length)
        tail = file.read()
        file.truncate(length)
        file.flush()
        os.fsync(file.fileno())
    return tail


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _sync_folder(folder: Path) -> None:
    """Make a new file's name durable, not only its bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
