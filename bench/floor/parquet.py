"""The graph as Parquet: one file per class (`nodes/<Class>.parquet`, the stored columns and the search keys) and
one per relationship type (`links/<REL>.parquet`: source, target and the link's columns), written from a store or
straight from a synthetic graph's rows (so the bench need not read a large store back)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from bench.synthetic import Graph
from caleido.graph import search_keys
from caleido.graph.schema import Column, link_columns, node_classes, node_columns, relationships
from caleido.graph.store import GraphStore

_TYPES = {"string": pa.string(), "int": pa.int64(), "double": pa.float64()}
ENDS = [Column("source", "string"), Column("target", "string")]


@dataclass(frozen=True)
class Written:
    folder: Path
    nodes: int
    links: int
    seconds: float


def _arrow_type(column: Column) -> pa.DataType:
    scalar = _TYPES[column.type.removesuffix("[]")]
    return pa.list_(scalar) if column.is_list else scalar


def _value(column: Column, value: Any) -> Any:
    """A stored value as its Parquet column takes it (a date a store hands back is kept as its ISO text)."""
    if value is None or column.type != "string":
        return value
    return value.isoformat() if isinstance(value, date) else str(value)


def _table(columns: list[Column], rows: Iterable[dict[str, Any]]) -> pa.Table:
    listed = list(rows)
    schema = pa.schema([(c.name, _arrow_type(c)) for c in columns])
    data = {c.name: [_value(c, row.get(c.name)) for row in listed] for c in columns}
    return pa.Table.from_pydict(data, schema=schema)


BATCH = 100_000  # rows per row group: a large graph's links never all in memory at once


class _Files:
    """One Parquet file per name, written a row group at a time as rows come in any order."""

    def __init__(self, folder: Path, columns: list[Column]):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.columns = folder, columns
        self.schema = pa.schema([(c.name, _arrow_type(c)) for c in columns])
        self.buffers: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows = 0

    def add(self, name: str, row: dict[str, Any]) -> None:
        self.buffers[name].append(row)
        self.rows += 1
        if len(self.buffers[name]) >= BATCH:
            self._flush(name)

    def _flush(self, name: str) -> None:
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(self.folder / f"{name}.parquet", self.schema)
        self.writers[name].write_table(_table(self.columns, self.buffers.pop(name, [])))

    def close(self, names: Iterable[str]) -> None:
        """Write what is left, and an empty file for every name that had no row (so every query finds its table)."""
        for name in names:
            self._flush(name)
            self.writers.pop(name).close()


def write_rows(
    folder: Path,
    nodes: Iterable[tuple[str, dict[str, Any]]],
    links: Iterable[tuple[str, str, str, dict[str, Any]]],
) -> Written:
    """Nodes as (class, columns with id) and links as (type, source, target, columns): every class and type a
    file. A class's columns are the same for every class that has them (a missing one is null)."""
    started = time.perf_counter()
    classes = {cls.name: [*node_columns(cls), search_keys.COLUMN] for cls in node_classes()}
    node_files = {name: _Files(folder / "nodes", columns) for name, columns in classes.items()}
    for cls, values in nodes:
        node_files[cls].add(cls, {**values, search_keys.COLUMN.name: search_keys.search_keys(values)})
    for name, files in node_files.items():
        files.close([name])
    link_files = _Files(folder / "links", [*ENDS, *link_columns()])
    for rel, source, target, values in links:
        link_files.add(rel, {**values, "source": source, "target": target})
    link_files.close([rel.name for rel in relationships()])
    return Written(
        folder,
        sum(files.rows for files in node_files.values()),
        link_files.rows,
        time.perf_counter() - started,
    )


def from_store(store: GraphStore, folder: Path) -> Written:
    """The graph in a store as Parquet (the time includes reading the store)."""
    started = time.perf_counter()

    def nodes() -> Iterator[tuple[str, dict[str, Any]]]:
        for cls in node_classes():
            for row in store.iter_nodes(cls.name):
                yield cls.name, row

    def links() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        for rel in relationships():
            for source, target, values in store.iter_links(rel.name):
                yield rel.name, source, target, values

    written = write_rows(folder, nodes(), links())
    return Written(folder, written.nodes, written.links, time.perf_counter() - started)


def from_graph(graph: Graph, folder: Path) -> Written:
    """A synthetic graph's rows as Parquet, as a store would hold them once loaded."""
    return write_rows(
        folder,
        ((n.cls, {"id": n.id, **n.values}) for n in graph.nodes),
        ((link.rel, link.source_id, link.target_id, link.values) for link in graph.links),
    )
