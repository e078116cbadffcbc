"""Copy a graph into an EMPTY local Neo4j with the server's own offline importer (`neo4j-admin database import`).

The normal copy (caleido.loaders.copy) sends every row through Bolt transactions: ~6,500 links/s at national
scale. This path writes the nodes and links as neo4j-admin's CSV (a header file and a data file per class and per
relationship type, the ontology's columns typed as the normal store writes them, every node also labelled
CaleidoNode, one global id space as the stores' ids are global), stops the server, imports (replacing the empty
database), starts the server, creates the schema (constraints, indexes, search index) and rebuilds the derived
data once. It needs the server's files, so only a local server whose home it can reach: a remote one or Aura
keeps the normal copy.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.csv as pa_csv

from caleido.errors import StoreError
from caleido.graph import entry_rows, migrate, search_keys
from caleido.graph.neo4j_store import Neo4jStore
from caleido.graph.schema import COMMON_LABEL, Column, link_columns, node_classes, node_columns
from caleido.graph.store import ENTRIES, GraphStore
from caleido.loaders.copy import rebuild_derived
from caleido.loaders.export import iter_rows
from caleido.ontology.records import LinkRow, NodeRow

ROOT = Path(__file__).resolve().parents[2]
DEV_SCRIPT = ROOT / "scripts" / "neo4j-dev"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
# Between the elements of a list value: a character no text of the graph holds (checked as it is written).
ARRAY_DELIMITER = "\x1f"
_CSV_TYPES = {"string": "string", "int": "long", "double": "double"}
_ARROW = {"string": pa.string(), "int": pa.int64(), "double": pa.float64()}
CHUNK = 100_000  # rows per piece of Arrow table written; bounds the memory a large graph takes


@dataclass
class BulkReport:
    nodes: int = 0
    links: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per step: csv, import, start, schema, reindex

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    @property
    def links_per_s(self) -> float:
        return self.links / self.total_seconds if self.total_seconds else 0.0


def refuse_unless_local(uri: str) -> None:
    """The importer works on the server's files: a server elsewhere (Aura, a remote host) cannot take this path."""
    parts = urlsplit(uri)
    if parts.hostname is None or parts.hostname not in LOCAL_HOSTS or parts.scheme.endswith(("+s", "+ssc")):
        raise StoreError(
            f"--bulk needs the server's files (neo4j-admin database import runs beside the database, offline), "
            f"so only a local server will do, not {uri}; Aura and remote servers take the normal copy (without --bulk)"
        )


class DevServer:
    """A local server run by scripts/neo4j-dev (NEO4J_DEV_DIR): stop, neo4j-admin, start."""

    def __init__(self, dev_dir: Path, password: str | None = None, script: Path = DEV_SCRIPT):
        """`password`: the one the server was started with (None: scripts/neo4j-dev's default)."""
        self.dev_dir = Path(dev_dir)
        self.password = password
        self.script = script
        self.home = self.dev_dir / "home"

    def _run(self, *args: str) -> str:
        # env(1) sets the script's variables: this module reads no environment of its own (settings do).
        password = [] if self.password is None else [f"NEO4J_PASSWORD={self.password}"]
        command = ["env", "-u", "NEO4J_PASSWORD", f"NEO4J_DEV_DIR={self.dev_dir}", *password, str(self.script), *args]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StoreError(f"scripts/neo4j-dev {args[0]} failed: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def stop(self) -> None:
        self._run("stop")

    def start(self) -> None:
        self._run("start")

    def admin(self, *args: str) -> str:
        return self._run("admin", *args)


def _csv_type(column: Column) -> str:
    base = _CSV_TYPES[column.type.removesuffix("[]")]
    return f"{base}[]" if column.is_list else base


def _header(columns: list[Column], lead: list[str]) -> str:
    return ",".join([*lead, *(f"{c.name}:{_csv_type(c)}" for c in columns)]) + "\n"


def _cell(column: Column, value: Any) -> Any:
    """A value as its CSV cell: a list joined by ARRAY_DELIMITER (kept as text, quoted like any text)."""
    if value is None or not column.is_list:
        return value
    items = [str(v) if not isinstance(v, str) else v for v in value]
    if any(ARRAY_DELIMITER in item for item in items):
        raise StoreError(f"a value of {column.name} holds the character U+001F, which the bulk import cannot carry")
    return ARRAY_DELIMITER.join(items)


def _arrow_type(column: Column) -> pa.DataType:
    return pa.string() if column.is_list else _ARROW[column.type]


class _CsvFile:
    """One data file of neo4j-admin's CSV: every present value quoted, a missing one an empty field."""

    def __init__(self, path: Path, columns: list[Column]):
        self.path = path
        self.columns = columns
        self.schema = pa.schema([(c.name, _arrow_type(c)) for c in columns])
        self._file = path.open("wb")
        self._options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
        self.rows = 0

    def write(self, rows: list[tuple[tuple[str, ...], Mapping[str, Any]]]) -> None:
        """Rows as (the leading columns' values, e.g. a link's ends; the rest by column name)."""
        lead = len(rows[0][0]) if rows else 0
        data: dict[str, list[Any]] = {c.name: [row[0][i] for row in rows] for i, c in enumerate(self.columns[:lead])}
        for c in self.columns[lead:]:  # only lists need a Python step per value
            data[c.name] = [_cell(c, r[1].get(c.name)) for r in rows] if c.is_list else [r[1].get(c.name) for r in rows]
        pa_csv.write_csv(pa.Table.from_pydict(data, schema=self.schema), self._file, self._options)
        self.rows += len(rows)

    def close(self) -> None:
        self._file.close()


class _Files:
    """The data files of one kind (nodes by class, links by type), each written in pieces of CHUNK rows as its
    rows come, so a graph of any size streams through (a store's iter_rows, a spilled synthetic graph)."""

    def __init__(self, folder: Path, prefix: str, columns: dict[str, list[Column]]):
        self.folder, self.prefix, self.columns = folder, prefix, columns
        self.files: dict[str, _CsvFile] = {}
        self.pending: dict[str, list[tuple[tuple[str, ...], Mapping[str, Any]]]] = {}

    def add(self, key: str, lead: tuple[str, ...], values: Mapping[str, Any]) -> None:
        rows = self.pending.setdefault(key, [])
        rows.append((lead, values))
        if len(rows) >= CHUNK:
            self._flush(key)

    def _flush(self, key: str) -> None:
        if key not in self.files:
            self.files[key] = _CsvFile(self.folder / f"{self.prefix}-{key}.csv", self.columns[key])
        self.files[key].write(self.pending.pop(key, []))

    def close(self) -> dict[str, _CsvFile]:
        for key in list(self.pending):
            self._flush(key)
        for file in self.files.values():
            file.close()
        return dict(sorted(self.files.items()))


def write_csv(folder: Path, nodes: Iterable[NodeRow], links: Iterable[LinkRow]) -> tuple[list[str], int, int]:
    """The import's files in `folder`; the importer's arguments naming them, and the nodes and links written."""
    stored = search_keys.stored_columns({cls.name: node_columns(cls) for cls in node_classes()})
    node_files = _Files(folder, "node", stored)
    for node in nodes:
        node_files.add(node.cls, (), search_keys.stored_values(node))
    args: list[str] = []
    node_count = 0
    for cls, data in node_files.close().items():
        header = folder / f"node-{cls}-header.csv"
        header.write_text(_header(stored[cls][1:], ["id:ID"]), encoding="utf-8")
        args.append(f"--nodes={cls}:{COMMON_LABEL}={header},{data.path}")
        node_count += data.rows
    # The version stamp, so the imported database opens as current (caleido.graph.migrate).
    entries = _CsvFile(folder / "entries.csv", entry_rows.ENTRY_COLUMNS)
    entries.write([((), entry_rows.entry_row(migrate.stamp(migrate.current_version(), None)))])
    entries.close()
    (folder / "entries-header.csv").write_text(_header(entry_rows.ENTRY_COLUMNS, []), encoding="utf-8")
    args.append(f"--nodes={ENTRIES}={folder / 'entries-header.csv'},{entries.path}")
    columns = [Column(":START_ID", "string"), Column(":END_ID", "string"), *link_columns()]
    link_files = _Files(folder, "link", _AllSame(columns))
    for link in links:
        link_files.add(link.rel, (link.source_id, link.target_id), link.values)
    link_count = 0
    for rel, data in link_files.close().items():
        header = folder / f"link-{rel}-header.csv"
        header.write_text(_header(columns[2:], [":START_ID", ":END_ID"]), encoding="utf-8")
        args.append(f"--relationships={rel}={header},{data.path}")
        link_count += data.rows
    return args, node_count, link_count


class _AllSame(dict[str, list[Column]]):
    """Every link type has the same columns."""

    def __init__(self, columns: list[Column]):
        super().__init__()
        self.same = columns

    def __missing__(self, key: str) -> list[Column]:
        return self.same


def ensure_empty(store: Neo4jStore) -> None:
    counts = store.counts()
    if counts.total_nodes or counts.total_links:
        raise StoreError(
            f"the bulk import replaces the whole database, so it only loads an empty one; {store.uri} holds "
            f"{counts.total_nodes} nodes and {counts.total_links} links (copy without --bulk to upsert into it)"
        )


def bulk_copy_to_neo4j(
    source: GraphStore | tuple[Iterable[NodeRow], Iterable[LinkRow]],
    server: DevServer,
    connect: Callable[[], GraphStore],
    database: str = "neo4j",
    workdir: Path | None = None,
) -> BulkReport:
    """Copy `source` (a store, or its nodes and links) into the empty database of a local server.

    `connect()` opens the target (a Neo4jStore); it is called before (to see that it is empty) and after the import.
    """
    report = BulkReport()
    target = _neo4j(connect())
    try:
        refuse_unless_local(target.uri)
        ensure_empty(target)
    finally:
        target.close()
    nodes, links = iter_rows(source) if not isinstance(source, tuple) else source
    folder = Path(tempfile.mkdtemp(prefix="caleido-bulk-", dir=workdir))
    try:
        started = time.perf_counter()
        args, report.nodes, report.links = write_csv(folder, nodes, links)
        report.seconds["csv"] = time.perf_counter() - started
        started = time.perf_counter()
        server.stop()
        server.admin(
            "database",
            "import",
            "full",
            database,
            "--overwrite-destination=true",
            "--multiline-fields=true",
            f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
            "--bad-tolerance=0",
            f"--report-file={folder / 'import.report'}",
            *args,
        )
        report.seconds["import"] = time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    server.start()
    report.seconds["start"] = time.perf_counter() - started
    started = time.perf_counter()
    target = _neo4j(connect())  # opening creates the constraints and indexes (migrate.on_open -> ensure_schema)
    try:
        target.ensure_schema()
        target._run_write("CALL db.awaitIndexes(3600)")
        report.seconds["schema"] = time.perf_counter() - started
        report.seconds["reindex"] = rebuild_derived(target)
    finally:
        target.close()
    return report


def _neo4j(store: GraphStore) -> Neo4jStore:
    if not isinstance(store, Neo4jStore):
        store.close()
        raise StoreError("the bulk import loads a Neo4j server; copy into the embedded store without --bulk")
    return store
