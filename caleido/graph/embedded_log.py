"""The embedded store's write-ahead log after a crash: which part of it holds acknowledged writes, and how a
log cut off in the middle of a write is opened again without losing any of them.

Ladybug 0.22 appends a transaction to its log (`caleido.lbdb.wal`) at COMMIT and syncs it before COMMIT
returns. A process killed while it appends leaves the log ending in a torn record, and Ladybug then refuses
the whole database ("Checksum verification failed, the WAL file is corrupted"). With
`throw_on_wal_replay_failure=False` it replays every complete commit instead and cuts off the rest: right
after a kill, but a record damaged further back (a bad disk) would as quietly take every later acknowledged
write with it. So Caleido uses that replay only once it knows the damage lies past the acknowledged writes.

It knows from a mark beside the database (`caleido.lbdb.acked`): after each commit, before the write is
acknowledged, the log's length is written there. When the log cannot be replayed, the store first checks,
without changing a byte, that the part up to the mark replays on its own (in a scratch folder holding a
hard link to the database and a copy of that part). If it does, the damage lies in a write nobody was told
about, and Ladybug's replay keeps every complete commit. If it does not, or there is no mark, the files stay
as they were and the store refuses to open, naming `caleido doctor` (caleido/graph/doctor.py).

The mark is written without a sync of its own: a killed process's writes stay in the page cache, so after a
kill it is exact. After a power loss it may lag behind the acknowledged writes (never lead: their commits
were synced first); the check then covers less, and the replay still keeps every complete commit.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeVar

from caleido.errors import StoreError

log = logging.getLogger("caleido.store")
Opened = TypeVar("Opened", covariant=True)

LOG_SUFFIX = ".wal"  # Ladybug's active log, beside the database file
CHECKPOINT_SUFFIXES = (".wal.checkpoint", ".shadow")  # present while Ladybug folds the log into the database
MARK_SUFFIX = ".acked"
CHECK_FOLDER = ".log-check"  # the scratch folder of the check, inside the store's folder (hard links need that)
_LENGTH = struct.Struct("<Q")
_CHECK = struct.Struct("<I")  # a CRC-32 of the length, so a torn or foreign file reads as no mark


class Opener(Protocol[Opened]):
    """Opens a Ladybug database file: `strict` refuses a log it cannot replay whole."""

    def __call__(self, database: Path, *, read_only: bool, strict: bool) -> Opened: ...


def is_lock_error(exc: BaseException) -> bool:
    """Ladybug's answer when another process has the database open."""
    return "lock" in str(exc).lower()


def is_full_cache_error(exc: BaseException) -> bool:
    """Ladybug's answer when its page cache cannot hold what it must: too small a cache, not a damaged log."""
    return "buffer pool is full" in str(exc).lower()


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
        if len(data) != _LENGTH.size + _CHECK.size:
            return None
        (check,) = _CHECK.unpack(data[_LENGTH.size :])
        return _LENGTH.unpack(data[: _LENGTH.size])[0] if zlib.crc32(data[: _LENGTH.size]) == check else None

    def in_use(self) -> bool:
        """Whether another process has the database open for writing: Ladybug holds a POSIX write lock on the
        file. Only for a process that does not have it open itself, whose POSIX locks the probe's close drops."""
        try:
            fd = os.open(self.database, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)  # and with it the probe's lock
        return False

    def checkpoint_in_progress(self) -> bool:
        return any(self.database.with_name(self.database.name + s).exists() for s in CHECKPOINT_SUFFIXES)


class LogMark:
    """Records the log's length as acknowledged. `advance` runs after every commit, before the write is
    acknowledged; it writes only when the length changed, so a write that changed nothing costs a stat."""

    def __init__(self, files: LogFiles):
        self.files = files
        self._recorded: int | None = None

    def advance(self) -> None:
        length = self.files.log_length()
        if length != self._recorded:
            write_mark(self.files, length)
            self._recorded = length


def write_mark(files: LogFiles, length: int) -> None:
    data = _LENGTH.pack(length)
    fd = os.open(files.mark, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.pwrite(fd, data + _CHECK.pack(zlib.crc32(data)), 0)  # 12 bytes in one page: all or nothing
    finally:
        os.close(fd)


def open_replaying_acknowledged(files: LogFiles, open_database: Opener[Opened]) -> Opened:
    """Open the database for writing. If its log cannot be replayed whole but the part up to the mark can, let
    Ladybug replay every complete commit and cut off the rest (a write that was never acknowledged); else
    leave the files as they are and refuse."""
    cut_tail_that_crashes_the_reader(files)
    try:
        return open_database(files.database, read_only=False, strict=True)
    except Exception as first:  # a damaged log surfaces as whatever the C++ reader threw: RuntimeError, ValueError
        if is_lock_error(first) or is_full_cache_error(first):
            raise
        length, mark = files.log_length(), files.read_mark()
        if mark is None or mark >= length or not acknowledged_part_replays(files, mark, open_database):
            raise damaged_log(files, first, length, mark) from first
    opened = open_database(files.database, read_only=False, strict=False)
    log.warning(
        "the embedded store %s was stopped in the middle of a write: its log ended in %d bytes that did not make "
        "a complete write, never acknowledged to anyone; Ladybug cut them off and replayed every complete write",
        files.database.parent,
        length - files.log_length(),
    )
    return opened


# Opens a copy of the store read-only in a child process: Ladybug's log reader kills the process (SIGSEGV) on
# some records cut short, instead of raising, so whether the log is safe to read is asked of a child first.
_PROBE = "import sys, ladybug; ladybug.Database(sys.argv[1], read_only=True, throw_on_wal_replay_failure=False)"


def cut_tail_that_crashes_the_reader(files: LogFiles) -> None:
    """When the log holds bytes past the mark (a write a crash may have cut short, never acknowledged) and reading
    the log crashes a child process, move those bytes out of the log into a file beside it, so that opening
    replays every acknowledged write instead of crashing. Nothing is deleted: the bytes moved aside are named in
    the warning."""
    length, mark = files.log_length(), files.read_mark()
    if mark is None or mark == 0 or length <= mark:
        return  # no unacknowledged tail (the usual case: checked without a child process)
    with _scratch_copy(files, length) as copy:
        probe = subprocess.run([sys.executable, "-c", _PROBE, str(copy.database)], capture_output=True, timeout=600)
    if probe.returncode >= 0:
        return  # read (or refused with an error the opener handles): no crash
    aside = files.log.with_name(f"{files.log.name}.cut-{time.strftime('%Y%m%dT%H%M%S')}")
    with files.log.open("rb") as source, aside.open("wb") as target:
        source.seek(mark)
        shutil.copyfileobj(source, target)
    with files.log.open("r+b") as log_file:
        log_file.truncate(mark)
        os.fsync(log_file.fileno())
    log.warning(
        "the embedded store %s was stopped in the middle of a write, and reading the %d bytes it left past its "
        "acknowledged writes crashes Ladybug (signal %d); they were moved to %s and every acknowledged write is kept",
        files.database.parent,
        length - mark,
        -probe.returncode,
        aside,
    )


def acknowledged_part_replays(files: LogFiles, mark: int, open_database: Opener[Any]) -> bool:
    """Whether the first `mark` bytes of the log replay on their own, tried read-only in a scratch folder so
    that the store's own files are not touched."""
    if mark == 0:
        return True
    with _scratch_copy(files, mark) as copy:
        try:
            open_database(copy.database, read_only=True, strict=True).close()
        except Exception:
            return False
        return True


@contextmanager
def _scratch_copy(files: LogFiles, log_bytes: int) -> Iterator[LogFiles]:
    """The database with the first `log_bytes` of its log, in a scratch folder inside the store's folder (hard
    links need that), removed again afterwards; only read, so the store's own files are never touched."""
    scratch = files.database.parent / CHECK_FOLDER
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        copy = LogFiles(scratch / files.database.name)
        try:
            os.link(files.database, copy.database)
        except OSError:
            shutil.copy2(files.database, copy.database)  # a file system without hard links
        with files.log.open("rb") as source, copy.log.open("wb") as target:
            _copy_bytes(source, target, log_bytes)
        yield copy
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


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


def _copy_bytes(source: BinaryIO, target: BinaryIO, length: int, chunk: int = 2**20) -> None:
    while length > 0:
        data = source.read(min(chunk, length))
        if not data:
            return
        target.write(data)
        length -= len(data)
