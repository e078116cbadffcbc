"""The embedded default store: a Ladybug database in a folder on disk.

Ladybug specifics this module hides (each found by trying it on Ladybug 0.22):
- batch writes go through `LOAD FROM <Arrow table>`, never `UNWIND $rows MERGE`, which is slow
  and silently loses edges when keys repeat in a batch (LadybugDB/ladybug#798);
- one process owns the database file; a second writer fails at once, so we say so clearly;
- one write transaction at a time per process, so writes take a process-wide lock; every commit happens
  inside `_writing()`, which also marks the log's new end as acknowledged before the write returns;
- a log cut off by a crash in the middle of a write makes Ladybug refuse the whole database; the mark says
  which part of the log holds acknowledged writes, and once that part proves whole, opening replays every
  complete write and cuts off the rest (caleido/graph/embedded_log.py).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, Literal, Self

import pyarrow as pa

from caleido.errors import StoreBusy, StoreError, StoreUnavailable
from caleido.graph import entry_rows, migrate, search_keys
from caleido.graph.derived import core as derived_core
from caleido.graph.embedded_log import (
    LogFiles,
    LogMark,
    Opener,
    is_full_cache_error,
    is_lock_error,
    open_replaying_acknowledged,
)
from caleido.graph.metrics_hooks import timed_read, timed_write
from caleido.graph.queries import Dialect, Query
from caleido.graph.rows import UNKNOWN_CLASS, group_by, links_by_ends, row_dict
from caleido.graph.rows import quote as _q
from caleido.graph.schema import (
    Column,
    link_columns,
    node_classes,
    node_columns,
    relationships,
)
from caleido.graph.store import (
    ENTRIES,
    Entries,
    Entry,
    Expected,
    Expects,
    StoreCounts,
    check_expected,
    entry_time,
)
from caleido.ontology.records import LinkRow, NodeRow

DB_FILE = "caleido.lbdb"
_LB_TYPES = {"string": "STRING", "int": "INT64", "double": "DOUBLE"}
_ARROW_TYPES = {"string": pa.string(), "int": pa.int64(), "double": pa.float64()}
_WRITE_LOCK = threading.Lock()
LogRecovery = Literal["recover", "refuse", "salvage"]
# Ladybug folds its write-ahead log into the database file (a checkpoint) at the first commit after the log
# passes this size, and when the store closes. At its default (16 MiB) a load of national size checkpointed on
# nearly every batch of 50,000 links and loaded at half the rate. After a crash, opening replays the whole log
# (about 0.2 s per MiB on a busy 2-core machine): at 1 GiB a store could take minutes to come back. At 256 MiB
# the load rate is the same as at 1 GiB within the noise of a shared machine (bench/results/LOG.md, "Crash
# safety"; `python -m bench.crash_costs`).
CHECKPOINT_THRESHOLD = 256 * 2**20


def ladybug_opener(buffer_pool_mb: int = 0) -> Opener[Any]:
    """Opens a Ladybug database with Caleido's settings; `strict` refuses a log it cannot replay whole (Ladybug's
    `throw_on_wal_replay_failure`), else it replays every complete commit and cuts off the rest."""

    def open_database(database: Path, *, read_only: bool, strict: bool) -> Any:
        import ladybug

        return ladybug.Database(
            str(database),
            read_only=read_only,
            buffer_pool_size=buffer_pool_mb * 2**20,
            checkpoint_threshold=CHECKPOINT_THRESHOLD,
            throw_on_wal_replay_failure=strict,
        )

    return open_database


def _lb_type(column: Column) -> str:
    base = _LB_TYPES[column.type.removesuffix("[]")]
    return f"{base}[]" if column.is_list else base


def _arrow_type(column: Column) -> pa.DataType:
    base = _ARROW_TYPES[column.type.removesuffix("[]")]
    return pa.list_(base) if column.is_list else base


@contextmanager
def _full_cache_is_busy() -> Iterator[None]:
    """A page cache too full for a read is the busy kind of failure (503 with Retry-After), not a fault."""
    try:
        yield
    except RuntimeError as exc:
        if "buffer pool is full" not in str(exc):
            raise
        raise StoreUnavailable(f"the embedded store's page cache is full: {exc}") from exc


class EmbeddedStore:
    """GraphStore on Ladybug."""

    dialect: Dialect = "embedded"

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        buffer_pool_mb: int = 0,
        log_recovery: LogRecovery = "recover",
    ):
        """`buffer_pool_mb`: the page cache's size; 0 for Ladybug's default (about 80 % of memory).
        `log_recovery`, for a log cut off by a crash: "recover" replays every complete write once the part of the
        log up to the mark of acknowledged writes proves whole (caleido/graph/embedded_log.py), and refuses
        otherwise; a read-only open always refuses, since Ladybug lets it run beside a process that is writing,
        whose log may end in a write in progress. "refuse" changes nothing and fails (`caleido doctor` looks
        without touching); "salvage" lets Ladybug replay the log up to its last complete commit, wherever the
        damage lies (`caleido doctor --repair --salvage`, after keeping a copy of the log)."""
        import ladybug  # imported here: it loads a native library

        self.folder = Path(path)
        self.uri = f"embedded:{self.folder}"
        self.read_only = read_only
        self.buffer_pool_mb = buffer_pool_mb
        if not read_only:
            self.folder.mkdir(parents=True, exist_ok=True)
        elif not (self.folder / DB_FILE).exists():
            raise StoreError(f"no Caleido store at {self.folder}: load data first (caleido load --seed)")
        self._log = LogFiles(self.folder / DB_FILE)
        opener = ladybug_opener(buffer_pool_mb)
        try:
            if log_recovery == "recover" and not read_only:
                self._db = open_replaying_acknowledged(self._log, opener)
            else:
                self._db = opener(self._log.database, read_only=read_only, strict=log_recovery != "salvage")
            self._connection_class = ladybug.Connection
            self._local = threading.local()
            # Weak: a thread's connection closes when the thread ends. The API's worker threads come and go,
            # and every connection kept open held on to its share of the page cache until it was full.
            self._connections: weakref.WeakSet[Any] = weakref.WeakSet()
            self._conn.execute("RETURN 1")  # open this thread's connection now, so a broken database fails here
        except (RuntimeError, ValueError) as exc:  # ValueError: a C++ exception of Ladybug's, e.g. from a bad log
            if is_lock_error(exc):
                raise StoreBusy(
                    f"the embedded store {self.folder} is in use by another process "
                    "(only one process may use it; stop the other one, e.g. a running "
                    "'caleido serve', or send findings through its API: POST /api/v1/findings or "
                    "/api/v1/evidence/import)"
                ) from exc
            if is_full_cache_error(exc):
                raise StoreError(
                    f"cannot open the embedded store {self.folder}: its page cache ({buffer_pool_mb} MiB) cannot "
                    "hold what opening needs; set CALEIDO_EMBEDDED_BUFFER_POOL_MB higher"
                ) from exc
            mend = (
                "; a read-only open changes nothing: if a crash cut a write short, opening the store for writing once "
                f"(e.g. `caleido stats`) mends it, and `caleido doctor --store {self.uri}` says what it finds"
            )
            raise StoreError(f"cannot open the embedded store {self.folder}: {exc}{mend if read_only else ''}") from exc
        self._mark = LogMark(self._log)
        self._node_columns = {cls.name: node_columns(cls) for cls in node_classes()}
        self._stored_columns = search_keys.stored_columns(self._node_columns)
        self._link_columns = link_columns()
        if not read_only:
            self._mark.advance()  # what the open replayed is acknowledged, and the mark may be a closed log's
            if ENTRIES in self._tables():
                with self._writing():
                    self._undo_unfinished_load()  # a crash in a load into an empty store: empty again
        try:
            self.migration = migrate.on_open(self)  # checks the version; a writable open brings the schema up to date
        except BaseException:
            self.close()
            raise

    @property
    def _conn(self) -> Any:
        """One connection per thread: Ladybug reads may run in parallel, a connection may not."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connection_class(self._db)
            self._local.conn = conn
            self._connections.add(conn)
        return conn

    def _execute(self, query: str, params: dict[str, Any] | None = None) -> Any:
        """Run one statement with a single `execute` call, as Ladybug 0.22 asks (it deprecates a separate `prepare`).
        For a statement with an Arrow table among its parameters, `execute` caches what it prepares under a key
        that names that table, so the entry is never used again, yet it holds on to the table: a load of 5 million
        links held ~9 GB per million (bench/results/LOG.md, "Large"). Ladybug has no public way to drop such an
        entry, so the ones this call added to the connection's private cache are dropped when it returns (a
        connection serves one thread, so they are this call's)."""
        conn = self._conn
        params = params or {}
        if not any(isinstance(value, pa.Table) for value in params.values()):
            return conn.execute(query, params)
        cache: dict[Any, Any] = conn._pybind_implicit_prepared_cache
        cached = set(cache)
        try:
            return conn.execute(query, params)
        finally:
            for key in cache.keys() - cached:
                _close(cache.pop(key))

    # ------------------------------------------------------------ schema

    def _rows(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        result = self._execute(query, params)
        assert not isinstance(result, list), "one statement at a time"
        rows: list[list[Any]] = []
        while result.has_next():
            rows.append(list(result.get_next()))
        return rows

    @timed_read("embedded")
    def read(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        """Run a read query of the catalogue (caleido.graph.queries); rows keyed by column alias."""
        with _full_cache_is_busy():
            result = self._execute(query.bind(self.dialect, params), params)
        assert not isinstance(result, list), "one statement at a time"
        names = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append(dict(zip(names, result.get_next(), strict=True)))
        return rows

    def _existing_columns(self, table: str) -> set[str]:
        return {row[1] for row in self._rows(f"CALL table_info('{table}') RETURN *")}

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the process-wide write lock. Every commit must happen inside it: when the block ends without an
        error, the log's new end is marked acknowledged before the caller hears of the write."""
        with _WRITE_LOCK:
            yield
            self._mark.advance()

    def ensure_schema(self) -> None:
        """Create missing tables, columns and relationship pairs and fill missing search keys; idempotent, so safe
        on every open."""
        self.migrate_schema()

    def migrate_schema(self) -> list[str]:
        """What ensure_schema does, saying what it added. The changes are one transaction: Ladybug rolls its DDL
        back with the rest, so a crash leaves the schema as it was or as it should be, never half-way."""
        with self._writing():
            plan = self._schema_plan()
            if plan:
                self._conn.execute("BEGIN TRANSACTION")
                try:
                    for _, _, statement in plan:
                        self._conn.execute(statement)
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._roll_back()
                    raise
            for cls_name in self._stored_columns:
                self._fill_search_keys(cls_name)
        added: dict[str, list[str]] = {}
        for what, name, _ in plan:
            added.setdefault(what, []).append(name)
        return [f"{what}: {', '.join(names)}" for what, names in added.items()]

    def _tables(self) -> set[str]:
        return {row[1] for row in self._rows("CALL show_tables() RETURN *")}

    def _schema_plan(self) -> list[tuple[str, str, str]]:
        """The DDL that brings the store to the ontology's schema, each statement with what it adds (a heading and
        a name): node tables first (a relationship table names them), then relationship tables, their pairs and
        columns. Ladybug adds a pair to a relationship table in place (ALTER TABLE ... ADD FROM a TO b), keeping
        its links, so no table is ever rebuilt."""
        tables = self._tables()
        plan: list[tuple[str, str, str]] = []
        for cls_name, columns in self._stored_columns.items():
            if cls_name not in tables:
                cols = ", ".join(f"{_q(c.name)} {_lb_type(c)}" for c in columns[1:])
                create = f"CREATE NODE TABLE {_q(cls_name)}(id STRING PRIMARY KEY, {cols})"
                plan.append(("new node tables", cls_name, create))
            else:
                plan += self._missing_columns(cls_name, columns[1:])
        for rel in relationships():
            if rel.name not in tables:
                pairs = ", ".join(f"FROM {_q(a)} TO {_q(b)}" for a, b in sorted(rel.pairs))
                cols = ", ".join(f"{_q(c.name)} {_lb_type(c)}" for c in self._link_columns)
                plan.append(("new relationship tables", rel.name, f"CREATE REL TABLE {_q(rel.name)}({pairs}, {cols})"))
                continue
            stored = {(row[0], row[1]) for row in self._rows(f"CALL show_connection('{rel.name}') RETURN *")}
            for a, b in sorted(rel.pairs - stored):
                add = f"ALTER TABLE {_q(rel.name)} ADD FROM {_q(a)} TO {_q(b)}"
                plan.append((f"new pairs of {rel.name}", f"{a} -> {b}", add))
            plan += self._missing_columns(rel.name, self._link_columns)
        if ENTRIES not in tables:
            cols = ", ".join(f"{_q(c.name)} {_lb_type(c)}" for c in entry_rows.ENTRY_COLUMNS[1:])
            create = f"CREATE NODE TABLE {_q(ENTRIES)}(key STRING PRIMARY KEY, {cols})"
            plan.append(("new node tables", ENTRIES, create))
        return plan

    def _missing_columns(self, table: str, columns: list[Column]) -> list[tuple[str, str, str]]:
        existing = self._existing_columns(table)
        return [
            (f"new columns of {table}", c.name, f"ALTER TABLE {_q(table)} ADD {_q(c.name)} {_lb_type(c)}")
            for c in columns
            if c.name not in existing
        ]

    def stored_version(self) -> str | None:
        tables = self._tables()
        if not tables & {*self._node_columns, ENTRIES}:
            return None
        return migrate.version_from(
            self.entries(migrate.VERSION_KIND, ids=[migrate.VERSION_ID]) if ENTRIES in tables else []
        )

    def _fill_search_keys(self, cls_name: str) -> None:
        """Compute the search keys of nodes written before the store kept them (the column is new, so NULL)."""
        label, key = _q(cls_name), search_keys.COLUMN.name
        names = ", ".join(f"x.{_q(name)}" for name in search_keys.LABEL_COLUMNS)
        missing = self._rows(f"MATCH (x:{label}) WHERE x.{_q(key)} IS NULL RETURN x.id, {names}")
        rows = [
            {"id": row[0], key: search_keys.search_keys(dict(zip(search_keys.LABEL_COLUMNS, row[1:], strict=True)))}
            for row in missing
        ]
        statement = f"MATCH (x_node:{label} {{id: v_id}}) SET x_node.{_q(key)} = v_{key}"
        self._load([Column("id", "string"), search_keys.COLUMN], rows, (), statement)

    # ------------------------------------------------------------ reads

    # Lookups by many ids go through `LOAD FROM` an Arrow column of ids, matched on the primary key:
    # `WHERE x.id IN $ids` tests every row of every table against the whole list (4.7 s for 18,600 ids
    # in a graph of 49,000 nodes; 0.07 s this way, measured in commit a21b13a).

    @_full_cache_is_busy()
    def find_classes(self, ids: Collection[str]) -> dict[str, str]:
        if not ids:
            return {}
        rows = self._rows("LOAD FROM $rows MATCH (x {id: v_id}) RETURN x.id, label(x)", {"rows": _ids_table(ids)})
        return {row[0]: row[1] for row in rows}

    @_full_cache_is_busy()
    def fetch_nodes(self, cls: str, ids: Collection[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        columns = self._node_columns[cls]
        returns = ", ".join(f"x.{_q(c.name)}" for c in columns)
        query = f"LOAD FROM $rows MATCH (x:{_q(cls)} {{id: v_id}}) RETURN {returns}"
        return {row[0]: row_dict(columns, row) for row in self._rows(query, {"rows": _ids_table(ids)})}

    @_full_cache_is_busy()
    def fetch_links(self, rel: str, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        if not keys:
            return {}
        # The pairs asked for, not every link of their sources: at national scale the sources' other links were
        # most of what a loader's batch read back and turned into dicts (bench/results/LOG.md, "Large"). Which
        # pairs exist is asked first, by ids alone: reading the columns costs per link Ladybug looks at, not per
        # link found, so the columns are read only for the pairs that exist (none, for a batch of new links).
        classes = self.find_classes({i for pair in keys for i in pair})
        columns = self._link_columns
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for (source_cls, target_cls), pairs in group_by(
            keys, lambda k: (classes.get(k[0], UNKNOWN_CLASS), classes.get(k[1], UNKNOWN_CLASS))
        ).items():
            if (source_cls, target_cls) not in _pairs_of(rel):  # an end missing, or no such link can exist
                continue
            found = [(row[0], row[1]) for row in self._pairs_stored(rel, source_cls, target_cls, pairs, ())]
            for row in self._pairs_stored(rel, source_cls, target_cls, found, columns) if found else []:
                out[(row[0], row[1])] = row_dict(columns, row[2:])
        return out

    def _pairs_stored(
        self, rel: str, source_cls: str, target_cls: str, pairs: Collection[tuple[str, str]], columns: Sequence[Column]
    ) -> list[list[Any]]:
        """The stored links of one type among (source id, target id) pairs: their ids, then `columns`. Found from
        each source along its own links: matching both ends first made Ladybug join every stored link of the
        type, a lookup that grew with the store."""
        returns = "".join(f", r.{_q(c.name)}" for c in columns)
        query = (
            f"LOAD FROM $rows MATCH (a:{_q(source_cls)} {{id: v_source_id}})-[r:{_q(rel)}]->(b:{_q(target_cls)}) "
            f"WHERE b.id = v_target_id RETURN a.id, b.id{returns}"
        )
        table = _arrow_table([Column("source_id", "string"), Column("target_id", "string")], [], sorted(set(pairs)))
        return self._rows(query, {"rows": table})

    def _link_rows(
        self, rel: str, ids_from: str = "", params: dict[str, Any] | None = None
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """Links of one type; with `ids_from` ("LOAD FROM $rows"), only those from the ids it loads."""
        columns = self._link_columns
        returns = ", ".join(f"r.{_q(c.name)}" for c in columns)
        source = "(a {id: v_id})" if ids_from else "(a)"
        query = f"{ids_from} MATCH {source}-[r:{_q(rel)}]->(b) RETURN a.id, b.id, {returns} ORDER BY a.id, b.id"
        return [(row[0], row[1], row_dict(columns, row[2:])) for row in self._rows(query, params)]

    @_full_cache_is_busy()
    def counts(self) -> StoreCounts:
        counts = StoreCounts()
        for cls_name in self._node_columns:
            counts.nodes[cls_name] = int(self._rows(f"MATCH (x:{_q(cls_name)}) RETURN count(*)")[0][0])
        for rel in relationships():
            counts.links[rel.name] = int(self._rows(f"MATCH ()-[r:{_q(rel.name)}]->() RETURN count(*)")[0][0])
        return counts

    def iter_nodes(self, cls: str) -> Iterator[dict[str, Any]]:
        columns = self._node_columns[cls]
        returns = ", ".join(f"x.{_q(c.name)}" for c in columns)
        for row in self._rows(f"MATCH (x:{_q(cls)}) RETURN {returns} ORDER BY x.id"):
            yield row_dict(columns, row)

    def iter_links(self, rel: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        yield from self._link_rows(rel)

    # ------------------------------------------------------------ writes

    @timed_write("embedded")
    def write(
        self,
        nodes: list[NodeRow],
        links: list[LinkRow],
        entries: Entries = (),
        expect: Expects = (),
        derive: bool = True,
    ) -> None:
        if self.read_only:
            raise StoreError("this store was opened read-only")
        entry_rows.must_be_written(expect, (node.id for node in nodes), ((e.kind, e.id) for e in entries))
        by_class = group_by(nodes, lambda node: node.cls)
        # One writer per process (the lock), so expectations checked inside the transaction hold until it commits.
        with self._writing():
            self._conn.execute("BEGIN TRANSACTION")
            try:
                self._check(expect)
                for cls_name, rows in sorted(by_class.items()):
                    self._write_nodes(cls_name, rows)
                if links:
                    self._write_links(links)
                if entries:
                    self._upsert(ENTRIES, entry_rows.ENTRY_COLUMNS, entry_rows.latest_entries(entries), "entries")
                # Derived entries from the facts as this transaction leaves them (the reader shares its connection).
                if derived := derived_core.derived_for(self.read, nodes, links, derive):
                    self._upsert(ENTRIES, entry_rows.ENTRY_COLUMNS, entry_rows.latest_entries(derived), "entries")
                self._conn.execute("COMMIT")
            except BaseException as exc:
                self._roll_back()
                self._too_small_for_write(exc)
                raise

    def has_facts(self) -> bool:
        """Whether any node is stored (a link needs its ends, so no node means no link)."""
        return any(self._rows(f"MATCH (x:{_q(cls)}) RETURN x.id LIMIT 1") for cls in self._node_columns)

    @timed_write("embedded")
    def write_into_empty(self, nodes: list[NodeRow], links: list[LinkRow], entries: Entries = ()) -> bool:
        """A batch into a store that holds no facts, through Ladybug's `COPY FROM` (no existence checks, no log of
        the rows: ~3x less work than the write path for a national graph). The facts are not maintained in derived
        entries: the stale marker is written, as by `write(derive=False)`. A COPY commits on its own, so the batch is
        bracketed by a BULK_LOAD entry, committed first and removed with the batch's entries in the last
        transaction: a failure wipes what was copied, and a crash leaves the entry, so opening wipes it
        (`_undo_unfinished_load`). Either way the store is left without facts, as it was. False (nothing written)
        if the store holds facts; the caller then takes `write`."""
        if self.read_only:
            raise StoreError("this store was opened read-only")
        with self._writing():
            if self.has_facts():  # under the lock: no writer adds the first facts between the check and the COPY
                return False
            node_rows = {
                cls: {r.id: search_keys.stored_values(r) for r in rows} for cls, rows in group_by(nodes, _cls).items()
            }
            classes = {node_id: cls for cls, rows in node_rows.items() for node_id in rows}
            link_groups = links_by_ends(links, classes)
            for (rel, source_cls, target_cls), group in link_groups.items():
                if UNKNOWN_CLASS in (source_cls, target_cls) or (source_cls, target_cls) not in _pairs_of(rel):
                    raise StoreError(
                        f"wrote 0 of {len(group)} {rel} links from {source_cls} to {target_cls} (an end is missing); "
                        "nothing was written"
                    )
            self._put([bulk_marker()])
            self._mark.advance()  # the marker is acknowledged before any row is copied
            try:
                for cls_name, by_id in sorted(node_rows.items()):
                    self._copy(cls_name, self._stored_columns[cls_name], list(by_id.values()), (), "")
                for (rel, source_cls, target_cls), group in sorted(link_groups.items()):
                    latest = {(link.source_id, link.target_id): link.values for link in group}
                    pair = f" (from='{source_cls}', to='{target_cls}')"
                    self._copy(rel, self._link_columns, list(latest.values()), list(latest), pair)
                stale = derived_core.derived_for(self.read, nodes, links, derive=False)
                self._put([*entries, *stale], drop=[BULK_LOAD_KEY])
            except BaseException as exc:
                self._undo_unfinished_load()
                self._too_small_for_write(exc)
                raise
        return True

    def _too_small_for_write(self, exc: BaseException) -> None:
        """A write the page cache cannot hold fails with what to do (it was undone, so nothing was written)."""
        if isinstance(exc, RuntimeError) and "buffer pool is full" in str(exc):
            raise StoreError(
                f"the embedded store's page cache ({self.buffer_pool_mb} MiB) is too small for this write; "
                "set CALEIDO_EMBEDDED_BUFFER_POOL_MB higher (0: Ladybug's default); nothing was written"
            ) from exc

    def _put(self, entries: Sequence[Entry], drop: Sequence[str] = ()) -> None:
        """Upsert entries and delete the ones keyed `drop`, in one transaction (under the write lock)."""
        self._conn.execute("BEGIN TRANSACTION")
        try:
            if entries:
                self._upsert(ENTRIES, entry_rows.ENTRY_COLUMNS, entry_rows.latest_entries(entries), "entries")
            if drop:
                self._load(
                    [Column("id", "string")],
                    [{"id": k} for k in drop],
                    (),
                    f"MATCH (e:{_q(ENTRIES)} {{key: v_id}}) DELETE e",
                )
            self._conn.execute("COMMIT")
        except BaseException:
            self._roll_back()
            raise

    def _copy(
        self,
        table: str,
        columns: list[Column],
        rows: Sequence[Mapping[str, Any]],
        keys: Sequence[tuple[str, ...]],
        pair: str,
    ) -> None:
        """COPY rows into a table, the Arrow columns in the table's own order (a column added by a migration is
        last in the table, wherever the ontology lists it)."""
        if not rows:
            return
        order = [row[1] for row in self._rows(f"CALL table_info('{table}') RETURN *")]
        by_name = {c.name: c for c in columns}
        lead = [Column("from", "string"), Column("to", "string")] if keys else []
        ordered = [*lead, *(by_name[name] for name in order)]
        self._execute(f"COPY {_q(table)} FROM $rows{pair}", {"rows": _arrow_table(ordered, rows, keys)})

    def _undo_unfinished_load(self) -> None:
        """Wipe the facts of a load into an empty store that did not finish (its BULK_LOAD entry is still there):
        the store held none before it. The marker goes in the same transaction."""
        if not self._entries_by_key([BULK_LOAD_KEY]):
            return
        self._conn.execute("BEGIN TRANSACTION")
        try:
            for cls_name in self._node_columns:
                self._conn.execute(f"MATCH (x:{_q(cls_name)}) DETACH DELETE x")
            self._conn.execute(f"MATCH (e:{_q(ENTRIES)}) WHERE e.key = $key DELETE e", {"key": BULK_LOAD_KEY})
            self._conn.execute("COMMIT")
        except BaseException:
            self._roll_back()
            raise

    def put_entries(self, entries: Sequence[Entry]) -> None:
        self.write([], [], entries)

    def entries(self, kind: str, subject: str | None = None, ids: Collection[str] | None = None) -> list[Entry]:
        if ids is not None:
            found = self._entries_by_key(entry_rows.entry_key(kind, i) for i in ids).values()
            return entry_rows.entries_in_order(e for e in found if subject is None or e.subject == subject)
        returns = ", ".join(f"e.{_q(c.name)}" for c in entry_rows.ENTRY_COLUMNS)
        where = "e.kind = $kind" + ("" if subject is None else " AND e.subject = $subject")
        params = {"kind": kind} | ({} if subject is None else {"subject": subject})
        rows = self._rows(f"MATCH (e:{_q(ENTRIES)}) WHERE {where} RETURN {returns}", params)
        return entry_rows.entries_in_order(entry_rows.entry_from(row) for row in rows)

    def _entries_by_key(self, keys: Iterable[str]) -> dict[str, Entry]:
        wanted = set(keys)
        if not wanted:
            return {}
        returns = ", ".join(f"e.{_q(c.name)}" for c in entry_rows.ENTRY_COLUMNS)
        query = f"LOAD FROM $rows MATCH (e:{_q(ENTRIES)} {{key: v_id}}) RETURN {returns}"
        rows = self._rows(query, {"rows": _ids_table(wanted)})
        return {row[0]: entry_rows.entry_from(row) for row in rows}

    def _check(self, expect: Sequence[Expected]) -> None:
        """Raise WriteConflict unless every expectation holds, read inside the open transaction."""
        if not expect:
            return
        nodes, links, entries = entry_rows.split_expected(expect)
        stored: dict[tuple[str, tuple[str, ...]], Mapping[str, Any]] = {}
        for cls_name, wanted in nodes.items():
            for node_id, row in self.fetch_nodes(cls_name, [w.key[0] for w in wanted]).items():
                stored[(cls_name, (node_id,))] = row
        for rel, wanted in links.items():
            for (source_id, target_id), row in self.fetch_links(rel, [(w.key[0], w.key[1]) for w in wanted]).items():
                stored[(rel, (source_id, target_id))] = row
        for entry in self._entries_by_key(entry_rows.entry_key(*w.key) for w in entries).values():
            stored[(ENTRIES, (entry.kind, entry.id))] = entry_rows.expected_row(entry)
        check_expected(expect, stored)

    def _roll_back(self) -> None:
        """Roll the open transaction back; Ladybug has already done so after some errors (a full buffer pool)."""
        try:
            self._conn.execute("ROLLBACK")
        except RuntimeError as exc:
            if "No active transaction" not in str(exc):
                raise

    # New rows are written with CREATE and their columns inline, rows that exist with MATCH ... SET: in
    # Ladybug one SET per column costs about as much as the whole CREATE, so MERGE ... ON CREATE SET of
    # every column wrote links 6x slower (measured in commit a21b13a). A key repeated in one batch is written
    # once, with its last row, as MERGE would. Each end is matched in its own MATCH clause: Ladybug plans
    # `MATCH (a:A {...}), (b:B {...})` as a cross product of both tables (5,000 x 20,000 rows ran out of
    # memory), chained clauses as primary-key lookups.

    def _write_nodes(self, cls_name: str, rows: list[NodeRow]) -> None:
        latest = {r.id: search_keys.stored_values(r) for r in rows}
        self._upsert(cls_name, self._stored_columns[cls_name], latest, f"{cls_name} nodes")

    def _upsert(self, table: str, columns: list[Column], rows: Mapping[str, Mapping[str, Any]], what: str) -> None:
        """Write rows, by the value of their first column (the table's primary key), into a node table."""
        label, key = _q(table), columns[0].name
        stored = {
            row[0]
            for row in self._rows(
                f"LOAD FROM $rows MATCH (x:{label} {{{_q(key)}: v_id}}) RETURN x.{_q(key)}", {"rows": _ids_table(rows)}
            )
        }
        inline = ", ".join(f"{_q(c.name)}: v_{c.name}" for c in columns)
        sets = ", ".join(f"x_node.{_q(c.name)} = v_{c.name}" for c in columns[1:])
        written = self._load(
            columns, [row for k, row in rows.items() if k not in stored], (), f"CREATE (x_node:{label} {{{inline}}})"
        ) + self._load(
            columns,
            [row for k, row in rows.items() if k in stored],
            (),
            f"MATCH (x_node:{label} {{{_q(key)}: v_{key}}}) SET {sets}",
        )
        if written != len(rows):
            raise StoreError(f"wrote {written} of {len(rows)} {what}; the transaction was rolled back")

    def _write_links(self, links: list[LinkRow]) -> None:
        ends = self.find_classes({i for link in links for i in (link.source_id, link.target_id)})
        for (rel, source_cls, target_cls), rows in sorted(links_by_ends(links, ends).items()):
            latest = {(link.source_id, link.target_id): link for link in rows}
            written = (
                0
                if UNKNOWN_CLASS in (source_cls, target_cls)
                else self._write_link_group(rel, source_cls, target_cls, latest)
            )
            if written != len(latest):
                raise StoreError(
                    f"wrote {written} of {len(latest)} {rel} links from {source_cls} to {target_cls} "
                    "(an end is missing); the transaction was rolled back"
                )

    def _write_link_group(
        self, rel: str, source_cls: str, target_cls: str, latest: dict[tuple[str, str], LinkRow]
    ) -> int:
        columns = [Column("source_id", "string"), Column("target_id", "string"), *self._link_columns]
        ends = f"MATCH (x_from:{_q(source_cls)} {{id: v_source_id}}) MATCH (x_to:{_q(target_cls)} {{id: v_target_id}})"
        stored = {(row[0], row[1]) for row in self._pairs_stored(rel, source_cls, target_cls, latest, ())}
        inline = ", ".join(f"{_q(c.name)}: v_{c.name}" for c in self._link_columns)
        sets = ", ".join(f"x_rel.{_q(c.name)} = v_{c.name}" for c in self._link_columns)

        def part(exist: bool) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
            chosen = [(key, link) for key, link in latest.items() if (key in stored) == exist]
            return [link.values for _, link in chosen], [key for key, _ in chosen]

        return self._load(
            columns, *part(False), f"{ends} CREATE (x_from)-[x_rel:{_q(rel)} {{{inline}}}]->(x_to)"
        ) + self._load(
            columns,
            *part(True),
            f"MATCH (x_from:{_q(source_cls)} {{id: v_source_id}})-[x_rel:{_q(rel)}]->(x_to:{_q(target_cls)}) "
            f"WHERE x_to.id = v_target_id SET {sets}",
        )

    def _load(
        self, columns: list[Column], rows: Sequence[Mapping[str, Any]], keys: Sequence[tuple[str, ...]], statement: str
    ) -> int:
        """Run `LOAD FROM` the rows (as an Arrow table, see _arrow_table) with a statement; the rows it wrote."""
        if not rows:
            return 0
        table = _arrow_table(columns, rows, keys)
        return int(self._rows(f"LOAD FROM $rows {statement} RETURN count(*)", {"rows": table})[0][0])

    def close(self) -> None:
        for conn in list(self._connections):
            conn.close()
        self._db.close()  # folds the log into the database and removes it
        if not self.read_only:
            self._mark.advance()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close(statement: Any) -> None:
    """Free a prepared statement now: Ladybug's C-API ones hold native memory until closed, pybind ones have no
    `close` and are freed with their last reference."""
    close = getattr(statement, "close", None)
    if callable(close):
        close()


@cache
def _pairs_of(rel: str) -> frozenset[tuple[str, str]]:
    """The (source class, target class) pairs a relationship type connects."""
    return frozenset(next((r.pairs for r in relationships() if r.name == rel), ()))


BULK_LOAD = "bulk-load"  # entry kind: a load into an empty store under way (EmbeddedStore.write_into_empty)
BULK_LOAD_KEY = entry_rows.entry_key(BULK_LOAD, "in-progress")


def bulk_marker() -> Entry:
    return Entry(BULK_LOAD, "in-progress", "graph", entry_time(), {})


def _cls(node: NodeRow) -> str:
    return node.cls


def _ids_table(ids: Collection[str]) -> pa.Table:
    return pa.table({"v_id": pa.array(sorted(set(ids)), pa.string())})


def _arrow_table(
    columns: list[Column], rows: Sequence[Mapping[str, Any]], keys: Sequence[tuple[str, ...]] = ()
) -> pa.Table:
    """An Arrow table whose column names carry a `v_` prefix, so they never clash with query variables.
    With `keys` (a tuple per row), the first columns come from them and the rest from the rows, so a link's
    values need not be copied into a new dict with its ends (a tenth of a large load's time)."""
    schema = pa.schema([(f"v_{c.name}", _arrow_type(c)) for c in columns])
    lead = len(keys[0]) if keys else 0
    data: dict[str, list[Any]] = {f"v_{c.name}": [key[i] for key in keys] for i, c in enumerate(columns[:lead])}
    data |= {f"v_{c.name}": [row.get(c.name) for row in rows] for c in columns[lead:]}
    return pa.Table.from_pydict(data, schema=schema)
