"""The production store: a Neo4j 5 server (or Aura, or a cluster) reached over Bolt.

Neo4j specifics this module hides:
- Neo4j is schemaless, so the ontology becomes constraints: a unique `id` per class label and on
  the label `CaleidoNode` that every Caleido node also carries (cross-class lookups use its index);
- every read and write runs in a managed transaction, which the driver retries on transient errors
  (deadlocks, leader changes, defunct connections);
- labels and relationship types come only from the ontology and are backtick-quoted; every value
  is a query parameter;
- driver types (neo4j.time) never leave this module.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Self, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, Record, basic_auth
from neo4j import time as neo4j_time
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    ConnectionAcquisitionTimeoutError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from caleido.errors import StoreError, StoreUnavailable, WriteConflict
from caleido.graph import entry_rows, migrate, search_keys
from caleido.graph.derived import core as derived_core
from caleido.graph.metrics_hooks import timed_read, timed_write
from caleido.graph.queries import Dialect, Query
from caleido.graph.rows import UNKNOWN_CLASS, group_by, links_by_ends, row_dict
from caleido.graph.rows import quote as _q
from caleido.graph.schema import COMMON_LABEL, Column, link_columns, node_classes, node_columns, relationships
from caleido.graph.store import ENTRIES, Entries, Entry, Expected, Expects, StoreCounts, check_expected
from caleido.ontology.records import LinkRow, NodeRow

SEARCH_INDEX = "caleido_search_keys"  # a TEXT index, which serves CONTAINS on the search keys
BATCH_SIZE = 5000  # rows per UNWIND; every batch of one write() runs in the same transaction
START_HINT = 'start one, e.g. a local server with `eval "$(scripts/neo4j-dev start)"`'
_DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
_ALREADY_EXISTS = (
    "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
    "Neo.ClientError.Schema.ConstraintAlreadyExists",
    "Neo.ClientError.Schema.IndexAlreadyExists",
)
# Transactions the server ended itself (the driver files them as client errors since Neo4j 5): trying again
# later may work, as after a lost connection.
_ENDED_BY_SERVER = ("Neo.ClientError.Transaction.Terminated", "Neo.ClientError.Transaction.LockClientStopped")
_PYTHON_TYPES: dict[str, type] = {"int": int, "double": float}
ENTRY_KEY_CONSTRAINT = "caleido_entry_key"
ENTRY_SUBJECT_INDEX = "caleido_entry_subject"
# Expects lock what they read (Neo4j reads with read-committed isolation, so two transactions could both read
# a status and both write): a property set and removed in one statement takes the node's write lock, held until
# the transaction ends, and what the statement reads after it is the latest committed value.
_MAX_REMEMBERED_QUERIES = 1000  # the catalogue has a few dozen; more means queries built on the fly

T = TypeVar("T")


def _fault(message: str, cause: BaseException) -> StoreError:
    """StoreUnavailable (503, retry later) when trying again may work: the server lost, down or switching
    leader, no connection free in time, a transient error that outlasted the driver's retries, a server-side
    failure, a transaction the server ended. StoreError (500) when what was asked is itself refused."""
    transient = isinstance(cause, ServiceUnavailable | SessionExpired | ConnectionAcquisitionTimeoutError) or (
        isinstance(cause, Neo4jError) and (not isinstance(cause, ClientError) or cause.code in _ENDED_BY_SERVER)
    )
    return (StoreUnavailable if transient else StoreError)(message)


def _seek(var: str, label: str) -> str:
    """A hint that finds `var` by its id through the label's unique index, whatever the statistics say.

    Without it, a plan made while the graph was empty or small (a fresh store, the first batch of a load)
    could scan the whole index for every row, and Neo4j keeps reusing a cached plan: one lookup of
    9,040 links at medium scale took 103 s (445 million index hits) instead of 0.1 s.
    """
    return f"USING INDEX SEEK {var}:{_q(label)}(id)"


def _constraint_name(label: str) -> str:
    return f"caleido_{label.lower()}_id"


# The labels of nodes by id: every Caleido node also has COMMON_LABEL, whatever its class.
_FIND_CLASSES = f"MATCH (x:{_q(COMMON_LABEL)}) {_seek('x', COMMON_LABEL)} WHERE x.id IN $ids RETURN x.id, labels(x)"


class Neo4jStore:
    """GraphStore on a Neo4j 5 server."""

    dialect: Dialect = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str = "",
        database: str | None = None,
        *,
        read_only: bool = False,
        max_connection_pool_size: int = 50,
        connection_acquisition_timeout: float = 30.0,
        connection_timeout: float = 10.0,
        max_connection_lifetime: float = 300.0,
        max_transaction_retry_time: float = 5.0,
        batch_size: int = BATCH_SIZE,
    ):
        self.uri = uri
        self.user = user
        self.database = database or None  # None: the server's default database
        self.read_only = read_only
        self.batch_size = batch_size
        self._node_columns = {cls.name: node_columns(cls) for cls in node_classes()}
        self._stored_columns = search_keys.stored_columns(self._node_columns)
        self._link_columns = link_columns()
        self._pairs = {rel.name: rel.pairs for rel in relationships()}
        self._result_columns: dict[str, list[str]] = {}  # read query -> its columns, learned once by EXPLAIN
        self._driver = self._connect(
            password,
            max_connection_pool_size=max_connection_pool_size,
            connection_acquisition_timeout=connection_acquisition_timeout,
            connection_timeout=connection_timeout,
            max_connection_lifetime=max_connection_lifetime,
            max_transaction_retry_time=max_transaction_retry_time,
        )
        try:
            self.migration = migrate.on_open(self)  # checks the version; a writable open brings the schema up to date
        except BaseException:
            self._driver.close()
            raise

    # ------------------------------------------------------------ connection

    def _connect(self, password: str, **pool: Any) -> Driver:
        """A driver that has proved it reaches the server, logs in and finds the database."""
        try:
            driver = GraphDatabase.driver(
                self.uri,
                auth=basic_auth(self.user, password),
                notifications_min_severity="OFF",  # no warnings about labels an empty database lacks
                user_agent="caleido",
                **pool,
            )
        except (ConfigurationError, ValueError) as exc:
            raise StoreError(f"invalid Neo4j URI {self.uri!r}: {exc}") from exc
        try:
            driver.verify_connectivity()
            self._in_read(driver, lambda tx: tx.run("RETURN 1").consume())
        except BaseException as exc:
            driver.close()
            raise self._open_error(exc) from exc
        return driver

    def _open_error(self, exc: BaseException) -> BaseException:
        """A message a person can act on; never echoes the password."""
        where = f"Neo4j at {self.uri}"
        if isinstance(exc, AuthError):
            return StoreError(f"{where} refused the login of user {self.user!r}: check NEO4J_USER and NEO4J_PASSWORD")
        if isinstance(exc, ClientError) and exc.code == _DATABASE_NOT_FOUND:
            return StoreError(
                f"{where} has no database {self.database!r}: create it or set NEO4J_DATABASE to an existing one "
                "(unset it for the server's default)"
            )
        if isinstance(exc, ServiceUnavailable):
            return StoreUnavailable(f"cannot reach {where} ({_first_line(exc)}); is the server running? {START_HINT}")
        if isinstance(exc, Neo4jError | DriverError):
            return _fault(f"cannot open {where}: {_first_line(exc)}", exc)
        return exc

    def _in_read(self, driver: Driver, work: Callable[[ManagedTransaction], T]) -> T:
        with driver.session(database=self.database) as session:
            return session.execute_read(work)

    def _read(self, work: Callable[[ManagedTransaction], T]) -> T:
        try:
            return self._in_read(self._driver, work)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(f"lost the connection to Neo4j at {self.uri}: {_first_line(exc)}") from exc
        except (Neo4jError, ConnectionAcquisitionTimeoutError) as exc:  # left after the driver's retries
            raise _fault(f"Neo4j could not answer a read ({_first_line(exc)})", exc) from exc

    def _records(self, query: str, params: dict[str, Any] | None = None) -> list[Record]:
        """All records of one read query, fetched inside a managed (retried) transaction."""
        return self._read(lambda tx: list(tx.run(query, params or {})))

    def _write(self, work: Callable[[ManagedTransaction], T]) -> T:
        if self.read_only:
            raise StoreError("this store was opened read-only")
        try:
            with self._driver.session(database=self.database) as session:
                return session.execute_write(work)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(
                f"lost the connection to Neo4j at {self.uri}: {_first_line(exc)}; the transaction was rolled back"
            ) from exc
        except (Neo4jError, ConnectionAcquisitionTimeoutError) as exc:
            raise _fault(f"Neo4j refused the write ({_first_line(exc)}); the transaction was rolled back", exc) from exc

    # ------------------------------------------------------------ schema

    def ensure_schema(self) -> None:
        """Create the missing constraints and search index and fill missing search keys; idempotent, so safe
        on every open."""
        self.migrate_schema()

    def migrate_schema(self) -> list[str]:
        """What ensure_schema does, saying what it added. New properties and relationship types need nothing on
        Neo4j; a new class needs its constraint. Each change is a schema transaction of its own (Neo4j keeps schema
        and data apart), and `IF NOT EXISTS` makes a repeat after a crash harmless."""
        added = []
        existing = {record["name"] for record in self._records("SHOW CONSTRAINTS YIELD name RETURN name")}
        for label in [COMMON_LABEL, *self._node_columns]:
            if _constraint_name(label) not in existing:
                self._create_schema(
                    f"CREATE CONSTRAINT {_q(_constraint_name(label))} IF NOT EXISTS "
                    f"FOR (n:{_q(label)}) REQUIRE n.id IS UNIQUE"
                )
                added.append(f"constraint {_constraint_name(label)} (unique id of {label})")
        if ENTRY_KEY_CONSTRAINT not in existing:
            self._create_schema(
                f"CREATE CONSTRAINT {_q(ENTRY_KEY_CONSTRAINT)} IF NOT EXISTS "
                f"FOR (e:{_q(ENTRIES)}) REQUIRE e.key IS UNIQUE"
            )
            added.append(f"constraint {ENTRY_KEY_CONSTRAINT}")
        indexes = {record["name"] for record in self._records("SHOW INDEXES YIELD name RETURN name")}
        if SEARCH_INDEX not in indexes:
            self._create_schema(
                f"CREATE TEXT INDEX {_q(SEARCH_INDEX)} IF NOT EXISTS "
                f"FOR (n:{_q(COMMON_LABEL)}) ON (n.{_q(search_keys.COLUMN.name)})"
            )
            added.append(f"index {SEARCH_INDEX}")
        if ENTRY_SUBJECT_INDEX not in indexes:
            self._create_schema(
                f"CREATE INDEX {_q(ENTRY_SUBJECT_INDEX)} IF NOT EXISTS FOR (e:{_q(ENTRIES)}) ON (e.kind, e.subject)"
            )
            added.append(f"index {ENTRY_SUBJECT_INDEX}")
        self._fill_search_keys()
        return added

    def stored_version(self) -> str | None:
        entries = self.entries(migrate.VERSION_KIND, ids=[migrate.VERSION_ID])
        if entries:
            return migrate.version_from(entries)
        holds = self._records(f"MATCH (x:{_q(COMMON_LABEL)}) RETURN x.id LIMIT 1")
        holds = holds or self._records(f"MATCH (e:{_q(ENTRIES)}) RETURN e.key LIMIT 1")
        return migrate.UNRECORDED if holds else None

    def _run_write(self, query: str, **params: Any) -> None:
        """One write statement in a transaction of its own."""
        self._write(lambda tx: tx.run(query, params).consume())

    def _create_schema(self, query: str) -> None:
        try:
            self._run_write(query)
        except StoreError as exc:
            # Another process opening the store at the same moment may have just created it.
            if getattr(exc.__cause__, "code", None) not in _ALREADY_EXISTS:
                raise

    def _fill_search_keys(self) -> None:
        """Compute the search keys of nodes written before the store kept them, a batch per transaction."""
        # Matched back by element id, not by `id`: a node without an id would otherwise never get keys.
        names = ", ".join(f"x.{_q(name)} AS {_q(name)}" for name in search_keys.LABEL_COLUMNS)
        key = _q(search_keys.COLUMN.name)
        missing = f"MATCH (x:{_q(COMMON_LABEL)}) WHERE x.{key} IS NULL RETURN elementId(x) AS node, {names} LIMIT $n"
        fill = f"UNWIND $rows AS row MATCH (x) WHERE elementId(x) = row.node SET x.{key} = row.keys"
        while batch := self._records(missing, {"n": self.batch_size}):
            rows = [{"node": record["node"], "keys": _keys_of(record)} for record in batch]
            self._run_write(fill, rows=rows)

    # ------------------------------------------------------------ reads

    @timed_read("neo4j")
    def read(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        """Run a read query of the catalogue (caleido.graph.queries); rows keyed by column alias.

        The rows come back collected in one record: the Python driver handles each record as a message of
        its own, which cost ~40 µs a row (2,148 rows of a neighbourhood step: 156 ms as rows, 76 ms
        collected)."""

        return self._read(lambda tx: self._read_in(tx, query, **params))

    def _read_in(self, tx: ManagedTransaction, query: Query, **params: Any) -> list[dict[str, Any]]:
        """`read` inside a transaction: a write's reads see what it has written."""
        text = query.bind(self.dialect, params)
        columns = self._result_columns.get(text)
        if columns is None:
            columns = list(tx.run("EXPLAIN " + text, params).keys())
            if len(self._result_columns) >= _MAX_REMEMBERED_QUERIES:
                self._result_columns.clear()
            self._result_columns[text] = columns
        rows = tx.run(_collected(text, columns), params).single(strict=True)["rows"]
        return [{key: _native(value) for key, value in zip(columns, row, strict=True)} for row in rows]

    def find_classes(self, ids: Collection[str]) -> dict[str, str]:
        if not ids:
            return {}
        out: dict[str, str] = {}
        for chunk in _chunks(sorted(ids), self.batch_size):
            for record in self._records(_FIND_CLASSES, {"ids": chunk}):
                out[record[0]] = self._class_of(record[1])
        return out

    def _class_of(self, labels: list[str]) -> str:
        classes = [label for label in labels if label in self._node_columns]
        return classes[0] if classes else UNKNOWN_CLASS

    def fetch_nodes(self, cls: str, ids: Collection[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        columns = self._columns_of(cls)
        query = f"MATCH (x:{_q(cls)}) {_seek('x', cls)} WHERE x.id IN $ids RETURN {_returns('x', columns)}"
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(ids), self.batch_size):
            for record in self._records(query, {"ids": chunk}):
                row = row_dict(columns, record.values(), _native)
                out[row["id"]] = row
        return out

    def fetch_links(self, rel: str, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        if not keys:
            return {}
        self._check_rel(rel)
        return {(s, t): row for s, t, row in self._read(lambda tx: list(self._links_in(tx, rel, keys)))}

    def _links_in(
        self, tx: ManagedTransaction, rel: str, keys: Collection[tuple[str, str]]
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """The stored links of one type between these (source id, target id) pairs, read in a transaction."""
        # From the source: links point from the many to the few (organisation to programme, finding to
        # risk factor), so it is the end with the lower degree; a programme has thousands of participants.
        query = (
            f"UNWIND $keys AS key MATCH (a:{_q(COMMON_LABEL)} {{id: key[0]}})-[r:{_q(rel)}]->"
            f"(b:{_q(COMMON_LABEL)} {{id: key[1]}}) {_seek('a', COMMON_LABEL)} "
            f"RETURN a.id, b.id, {_returns('r', self._link_columns)}"
        )
        for chunk in _chunks(sorted({(s, t) for s, t in keys}), self.batch_size):
            for record in tx.run(query, keys=[list(key) for key in chunk]):
                values = record.values()
                yield values[0], values[1], row_dict(self._link_columns, values[2:], _native)

    def counts(self) -> StoreCounts:
        # Label and type counts come from Neo4j's count store: no scan, whatever the graph's size.
        def work(tx: ManagedTransaction) -> StoreCounts:
            counts = StoreCounts()
            for cls_name in self._node_columns:
                counts.nodes[cls_name] = tx.run(f"MATCH (x:{_q(cls_name)}) RETURN count(x)").single(strict=True)[0]
            for rel in self._pairs:
                counts.links[rel] = tx.run(f"MATCH ()-[r:{_q(rel)}]->() RETURN count(r)").single(strict=True)[0]
            return counts

        return self._read(work)

    def iter_nodes(self, cls: str) -> Iterator[dict[str, Any]]:
        # Keyset pages, each its own (retryable) transaction, so memory stays flat on big graphs.
        columns = self._columns_of(cls)
        query = f"MATCH (x:{_q(cls)}) WHERE x.id > $after RETURN {_returns('x', columns)} ORDER BY x.id LIMIT $limit"
        after = ""
        while True:
            page = self._records(query, {"after": after, "limit": self.batch_size})
            for record in page:
                yield row_dict(columns, record.values(), _native)
            if len(page) < self.batch_size:
                return
            after = page[-1][0]

    def iter_links(self, rel: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        self._check_rel(rel)
        query = (
            f"MATCH (a)-[r:{_q(rel)}]->(b) WHERE a.id > $a OR (a.id = $a AND b.id > $b) "
            f"RETURN a.id, b.id, {_returns('r', self._link_columns)} ORDER BY a.id, b.id LIMIT $limit"
        )
        after = ("", "")
        while True:
            page = self._records(query, {"a": after[0], "b": after[1], "limit": self.batch_size})
            for record in page:
                values = record.values()
                yield values[0], values[1], row_dict(self._link_columns, values[2:], _native)
            if len(page) < self.batch_size:
                return
            after = (page[-1][0], page[-1][1])

    # ------------------------------------------------------------ writes

    @timed_write("neo4j")
    def write(
        self,
        nodes: list[NodeRow],
        links: list[LinkRow],
        entries: Entries = (),
        expect: Expects = (),
        derive: bool = True,
    ) -> None:
        if not nodes and not links and not entries:
            return
        entry_rows.must_be_written(expect, (node.id for node in nodes), ((e.kind, e.id) for e in entries))
        by_class = group_by(nodes, lambda node: node.cls)
        for cls_name in by_class:
            self._columns_of(cls_name)
        for link in links:
            self._check_rel(link.rel)

        def work(tx: ManagedTransaction) -> None:
            self._check(tx, expect)
            for cls_name, rows in sorted(by_class.items()):
                self._write_nodes(tx, cls_name, rows)
            if links:
                self._write_links(tx, links)
            if entries:
                self._write_entries(tx, entries)
            # Derived entries from the facts as this transaction leaves them, each locked before it is computed.
            read = functools.partial(self._read_in, tx)
            lock = functools.partial(self._lock_entries, tx)
            if derived := derived_core.derived_for(read, nodes, links, derive, lock):
                self._write_entries(tx, derived)

        self._write(work)

    def _lock_entries(self, tx: ManagedTransaction, kind: str, ids: list[str]) -> None:
        """Take the write locks of these entries (creating the ones missing) until the transaction ends: a
        concurrent writer of the same entries waits, then computes from facts that include this write's."""
        keys = [entry_rows.entry_key(kind, entry_id) for entry_id in ids]
        query = f"UNWIND $keys AS k MERGE (e:{_q(ENTRIES)} {{key: k}}) SET e.derive_lock = true REMOVE e.derive_lock"
        for batch in _chunks(keys, self.batch_size):
            tx.run(query, keys=batch).consume()

    def write_into_empty(self, nodes: list[NodeRow], links: list[LinkRow], entries: Entries = ()) -> bool:
        """No in-process bulk path: Neo4j's is its offline importer (caleido.loaders.bulk_neo4j)."""
        return False

    def put_entries(self, entries: Sequence[Entry]) -> None:
        self.write([], [], entries)

    def entries(self, kind: str, subject: str | None = None, ids: Collection[str] | None = None) -> list[Entry]:
        where = ["e.kind = $kind"]
        params: dict[str, Any] = {"kind": kind}
        if subject is not None:
            where.append("e.subject = $subject")
            params["subject"] = subject
        if ids is not None:
            where.append("e.key IN $keys")
            params["keys"] = [entry_rows.entry_key(kind, i) for i in ids]
        query = f"MATCH (e:{_q(ENTRIES)}) WHERE {' AND '.join(where)} RETURN {_returns('e', entry_rows.ENTRY_COLUMNS)}"
        return entry_rows.entries_in_order(_entry(record) for record in self._records(query, params))

    def _write_entries(self, tx: ManagedTransaction, entries: Sequence[Entry]) -> None:
        rows = list(entry_rows.latest_entries(entries).values())
        query = (
            f"UNWIND $rows AS row MERGE (e:{_q(ENTRIES)} {{key: row[0]}}) "
            f"SET {_sets('e', entry_rows.ENTRY_COLUMNS[1:], first=1)} RETURN count(e)"
        )
        params = [_param_row((row["key"],), entry_rows.ENTRY_COLUMNS[1:], row) for row in rows]
        written = sum(tx.run(query, rows=batch).single(strict=True)[0] for batch in _chunks(params, self.batch_size))
        if written != len(rows):
            raise StoreError(f"wrote {written} of {len(rows)} entries; the transaction was rolled back")

    # ------------------------------------------------------------ expectations

    def _check(self, tx: ManagedTransaction, expect: Sequence[Expected]) -> None:
        """Raise WriteConflict unless every expectation holds. Rows expected to exist are locked before they are
        read (a link through its source node); rows expected absent are claimed by creating them, which waits for
        and then fails on the unique constraint when another transaction creates the same one."""
        if not expect:
            return
        nodes, links, entries = entry_rows.split_expected(expect)
        stored: dict[tuple[str, tuple[str, ...]], Mapping[str, Any]] = {}
        for cls_name, wanted in sorted(nodes.items()):
            columns = self._columns_of(cls_name)
            self._claim(tx, f"{_q(cls_name)}:{_q(COMMON_LABEL)} {{id: i}}", _keys(wanted, present=False))
            for record in self._locked(tx, f"{_q(cls_name)} {{id: i}}", _keys(wanted, present=True), columns):
                row = row_dict(columns, record.values(), _native)
                stored[(cls_name, (row["id"],))] = row
        for rel, wanted in sorted(links.items()):
            self._check_rel(rel)
            self._locked(tx, f"{_q(COMMON_LABEL)} {{id: i}}", {w.key[0] for w in wanted}, [])
            for source_id, target_id, row in self._links_in(tx, rel, [(w.key[0], w.key[1]) for w in wanted]):
                stored[(rel, (source_id, target_id))] = row
        self._claim(tx, f"{_q(ENTRIES)} {{key: i}}", _keys(entries, present=False))
        columns = entry_rows.ENTRY_COLUMNS
        for record in self._locked(tx, f"{_q(ENTRIES)} {{key: i}}", _keys(entries, present=True), columns):
            entry = _entry(record)
            stored[(ENTRIES, (entry.kind, entry.id))] = entry_rows.expected_row(entry)
        check_expected(expect, stored)

    def _locked(self, tx: ManagedTransaction, pattern: str, keys: Iterable[str], columns: list[Column]) -> list[Record]:
        """Lock the nodes matching `pattern` for each key `i` until the transaction ends; their columns as now."""
        keys = sorted(keys)
        if not keys:
            return []
        returns = _returns("x", columns) if columns else "count(*)"
        lock = "SET x.`_caleido_lock` = true REMOVE x.`_caleido_lock`"
        return list(tx.run(f"UNWIND $ids AS i MATCH (x:{pattern}) {lock} RETURN {returns}", ids=keys))

    def _claim(self, tx: ManagedTransaction, pattern: str, keys: Iterable[str]) -> None:
        """Create the nodes a write expects to be new (the write then sets their columns); WriteConflict when one
        exists, or when another transaction creates it first."""
        keys = sorted(keys)
        if not keys:
            return
        try:
            tx.run(f"UNWIND $ids AS i CREATE (x:{pattern})", ids=keys).consume()
        except ConstraintError as exc:
            raise WriteConflict(
                f"the store changed since this write was prepared, so nothing was written: {_first_line(exc)}. "
                "Read it again and decide anew."
            ) from exc

    def _write_nodes(self, tx: ManagedTransaction, cls_name: str, rows: list[NodeRow]) -> None:
        columns = self._stored_columns[cls_name]  # the ontology's and the search keys
        query = (
            f"UNWIND $rows AS row MERGE (n:{_q(cls_name)}:{_q(COMMON_LABEL)} {{id: row[0]}}) "
            f"SET {_sets('n', columns[1:], first=1)} RETURN count(n)"
        )
        params = [_param_row((r.id,), columns[1:], search_keys.stored_values(r)) for r in rows]
        written = sum(tx.run(query, rows=batch).single(strict=True)[0] for batch in _chunks(params, self.batch_size))
        if written != len(rows):
            raise StoreError(f"wrote {written} of {len(rows)} {cls_name} nodes; the transaction was rolled back")

    def _write_links(self, tx: ManagedTransaction, links: list[LinkRow]) -> None:
        # Ends are looked up inside the transaction, so nodes written just before in it count.
        ids = sorted({i for link in links for i in (link.source_id, link.target_id)})
        ends = {
            record[0]: self._class_of(record[1])
            for chunk in _chunks(ids, self.batch_size)
            for record in tx.run(_FIND_CLASSES, ids=chunk)
        }
        for (rel, source_cls, target_cls), rows in sorted(links_by_ends(links, ends).items()):
            self._write_link_group(tx, rel, source_cls, target_cls, rows)

    def _write_link_group(
        self, tx: ManagedTransaction, rel: str, source_cls: str, target_cls: str, rows: list[LinkRow]
    ) -> None:
        if (source_cls, target_cls) not in self._pairs[rel]:
            reason = (
                "an end is missing"
                if UNKNOWN_CLASS in (source_cls, target_cls)
                else "the ontology does not allow this pair"
            )
            raise StoreError(
                f"wrote 0 of {len(rows)} {rel} links from {source_cls} to {target_cls} ({reason}); "
                "the transaction was rolled back"
            )
        query = (
            f"UNWIND $rows AS row MATCH (a:{_q(source_cls)} {{id: row[0]}}) {_seek('a', source_cls)} "
            f"MATCH (b:{_q(target_cls)} {{id: row[1]}}) {_seek('b', target_cls)} "
            f"MERGE (a)-[r:{_q(rel)}]->(b) SET {_sets('r', self._link_columns, first=2)} RETURN count(r)"
        )
        params = [_param_row((r.source_id, r.target_id), self._link_columns, r.values) for r in rows]
        written = sum(tx.run(query, rows=batch).single(strict=True)[0] for batch in _chunks(params, self.batch_size))
        if written != len(rows):
            raise StoreError(
                f"wrote {written} of {len(rows)} {rel} links from {source_cls} to {target_cls} "
                "(an end is missing); the transaction was rolled back"
            )

    # ------------------------------------------------------------ guards

    def _columns_of(self, cls: str) -> list[Column]:
        try:
            return self._node_columns[cls]
        except KeyError:
            raise StoreError(f"unknown class {cls!r}: the ontology has no such class") from None

    def _check_rel(self, rel: str) -> None:
        if rel not in self._pairs:
            raise StoreError(f"unknown relationship type {rel!r}: the ontology has no such relationship")

    # ------------------------------------------------------------ lifetime

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------- helpers


def _returns(var: str, columns: list[Column]) -> str:
    return ", ".join(f"{var}.{_q(c.name)}" for c in columns)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _coerce(column: Column, value: Any) -> Any:
    """The column's type, as Ladybug's typed columns give it (an int in a double column reads as a float)."""
    python_type = _PYTHON_TYPES.get(column.type.removesuffix("[]"))
    if value is None or python_type is None:
        return value
    if column.is_list:
        return [python_type(v) for v in value]
    return python_type(value)


def _sets(var: str, columns: list[Column], first: int) -> str:
    """SET items for a row sent as a list (`_param_row`): the columns' values start at index `first`.

    Every column is set, so a None removes a stored value exactly as on the embedded store.
    """
    return ", ".join(f"{var}.{_q(c.name)} = row[{i}]" for i, c in enumerate(columns, start=first))


def _param_row(ids: Sequence[str], columns: list[Column], values: dict[str, Any]) -> list[Any]:
    """A row as a list: its ids (the node's, or the link's source and target), then the columns' values.

    A list, not a map: the driver packs every parameter in Python, and without the column names repeated
    on every row a batch packs and sends in about half the time (most of a link write at medium scale).
    """
    return [*ids, *(_coerce(c, values.get(c.name)) for c in columns)]


def _collected(query: str, columns: list[str]) -> str:
    """The query's rows as one record: a list of rows in the order the query returns them."""
    row = ", ".join(_q(column.replace("`", "``")) for column in columns)
    return f"CALL () {{\n{query}\n}}\nRETURN collect([{row}]) AS rows"


def _native(value: Any) -> Any:
    """A plain Python value: the project stores times as ISO text, but never let a driver type out."""
    if isinstance(value, list):
        return [_native(v) for v in value]
    if isinstance(value, neo4j_time.Date | neo4j_time.DateTime | neo4j_time.Time):
        value = value.to_native()
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, neo4j_time.Duration):
        return value.iso_format()
    return value


def _keys(expected: Iterable[Expected], *, present: bool) -> list[str]:
    """The store keys of the rows expected to exist (or expected absent): a node's id, an entry's key."""
    chosen = [w for w in expected if (w.values is not None) == present]
    return [entry_rows.entry_key(*w.key) if w.table == ENTRIES else w.key[0] for w in chosen]


def _entry(record: Record) -> Entry:
    return entry_rows.entry_from(record.values())


def _keys_of(record: Record) -> str:
    """The search keys of a node from its label columns, read as iter_nodes reads them (no driver types)."""
    return search_keys.search_keys({key: _native(record[key]) for key in record.keys()})


def _first_line(exc: BaseException) -> str:
    # Only Neo4jError.message is stable on every driver version; on 5.x other errors warn when asked for it.
    message = (exc.message if isinstance(exc, Neo4jError) else None) or str(exc) or type(exc).__name__
    return message.strip().splitlines()[0]
