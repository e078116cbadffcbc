"""`caleido doctor`: the state a store was left in (after a crash, say), what opening it will do, and the
repair. Looking changes nothing; a repair never drops an acknowledged write without saying so and keeping it.

The embedded store's log and its mark of acknowledged writes are explained in caleido/graph/embedded_log.py.
Neo4j replays its own transaction log when its server starts, so there the doctor only says whether the
store answers and what it holds.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from caleido.errors import StoreError
from caleido.graph.derived.core import is_stale
from caleido.graph.embedded_log import LogFiles, acknowledged_part_replays
from caleido.graph.migrate import StoreVersionError
from caleido.graph.open import open_store
from caleido.graph.store import GraphStore
from caleido.settings import Settings


@dataclass
class Report:
    store: str
    found: list[str] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)  # what opening or a repair will do, or what the repair did
    healthy: bool = False  # opens as it is (or did after the repair) with every acknowledged write
    repairable: bool = False  # a repair loses nothing acknowledged
    salvageable: bool = False  # the log is damaged among acknowledged writes (or no mark says where they end)


def examine(uri: str, settings: Settings) -> Report:
    """What state the store is in, without changing anything."""
    if not uri.startswith("embedded:"):
        return _examine_server(uri, settings)
    from caleido.graph.embedded import DB_FILE, EmbeddedStore

    files = LogFiles(Path(uri.removeprefix("embedded:")) / DB_FILE)
    report = Report(uri)
    if not files.database.exists():
        report.found.append(f"no embedded store at {files.database.parent}")
        report.plan.append("nothing to repair: `caleido load --seed` creates a store")
        return report
    if files.in_use():
        report.found.append("in use by another process (a running `caleido serve`, say), which may be writing")
        report.plan.append("nothing was looked at: stop that process, then ask again")
        return report
    length, mark = files.log_length(), files.read_mark()
    report.found.append(
        f"database {files.database.stat().st_size} bytes; log {length} bytes; mark of acknowledged writes: "
        + ("none (a store written before Caleido kept one)" if mark is None else f"byte {mark} of the log")
    )
    if files.checkpoint_in_progress():
        report.found.append("Ladybug was folding the log into the database (a checkpoint) when it stopped")
        report.plan.append("opening the store for writing lets Ladybug finish the fold (`--repair` does it now)")
        report.repairable = True
        return report
    try:
        store = EmbeddedStore(files.database.parent, read_only=True, log_recovery="refuse")
    except StoreVersionError as exc:
        report.found.append(str(exc))
        if exc.migratable:
            report.plan.append("opening it for writing migrates it, keeping every record and link (`--repair` now)")
            report.repairable = True
        return report
    except StoreError as exc:
        _explain_log(report, files, length, mark, exc)
        return report
    with store:
        _found_counts(report, store)
    report.healthy = True
    if length:
        report.plan.append(f"the next open for writing folds the log's {length} bytes into the database")
    return report


def repair(uri: str, settings: Settings, *, salvage: bool = False) -> Report:
    """Do what `examine` plans: open the store for writing (which cuts off a write no one was told about),
    or with `salvage`, keep a copy of a damaged log and replay it up to its last complete commit."""
    report = examine(uri, settings)
    if report.healthy:
        report.plan = ["nothing to repair"]
        return report
    if not (report.repairable or (salvage and report.salvageable)):
        report.plan.append("nothing was changed")
        return report
    from caleido.graph.embedded import DB_FILE

    files = LogFiles(Path(uri.removeprefix("embedded:")) / DB_FILE)
    done = "opened the store for writing: Ladybug replayed every complete write"
    if not report.repairable:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = files.log.with_name(f"{files.log.name}.damaged-{stamp}")
        shutil.copy2(files.log, kept)
        done = (
            f"kept the whole log as {kept}, then replayed it up to its last complete commit; writes recorded after "
            "the damage were not replayed and are only in that copy"
        )
    try:
        return _reopened(report, files, done, salvage=not report.repairable)
    except StoreError as exc:
        report.plan.append(f"nothing was changed: {exc}")
        return report


def _reopened(report: Report, files: LogFiles, done: str, *, salvage: bool) -> Report:
    """Open the store for writing (Ladybug replays its log and folds it in when it closes); the report after."""
    from caleido.graph.embedded import EmbeddedStore

    with EmbeddedStore(files.database.parent, log_recovery="salvage" if salvage else "recover") as store:
        after = Report(report.store)
        _found_counts(after, store)
    report.plan = [done, *after.found]
    report.healthy = True
    return report


def _explain_log(report: Report, files: LogFiles, length: int, mark: int | None, exc: StoreError) -> None:
    from caleido.graph.embedded import ladybug_opener

    report.found.append(f"the log cannot be replayed: {exc.__cause__ or exc}")
    if mark is not None and mark < length and acknowledged_part_replays(files, mark, ladybug_opener()):
        report.found.append(
            f"its first {mark} bytes, every acknowledged write, replay on their own (tried on a scratch copy); the "
            f"{length - mark} bytes after them hold a write a crash cut short, never acknowledged"
        )
        report.plan.append(
            "opening the store for writing (any caleido command, or `--repair` now) replays every complete write "
            "and cuts off the rest"
        )
        report.repairable = True
        return
    report.found.append(
        "the store has no mark of its acknowledged writes, so whether the unreadable part held any cannot be told"
        if mark is None
        else f"the damage lies within acknowledged writes: the log's first {mark} bytes do not replay on their own"
    )
    report.salvageable = True
    report.plan.append(
        f"nothing is changed unless asked: `--repair --salvage` first keeps the whole log as "
        f"{files.log.name}.damaged-<time> beside it, then replays the log up to its last complete commit "
        "(writes recorded after the damage stay only in that copy)"
    )


def _examine_server(uri: str, settings: Settings) -> Report:
    report = Report(uri)
    try:
        store = open_store(uri, settings, read_only=True)
    except StoreVersionError as exc:
        report.found.append(str(exc))
        return report
    except StoreError as exc:
        report.found.append(str(exc))
        report.plan.append("start the server (it replays its own transaction log when it starts), then ask again")
        return report
    with store:
        _found_counts(report, store)
    report.plan.append("Neo4j replays its own transaction log when it starts: nothing for Caleido to repair")
    report.healthy = True
    return report


def _found_counts(report: Report, store: GraphStore) -> None:
    counts = store.counts()
    report.found.append(f"opens: {counts.total_nodes} nodes, {counts.total_links} links")
    if stale := is_stale(store):
        report.found.append(f"its derived data is stale: {stale}")
        report.plan.append("`caleido reindex` rebuilds the derived data from the facts")
