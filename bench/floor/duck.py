"""One DuckDB connection over a Parquet folder (bench.floor.parquet): every class and relationship type loaded
into a table of its own (`n_<Class>`, `l_<REL>`; DuckDB's names ignore case, so the prefixes keep them apart),
all nodes' labels and all links in one table each, and the ontology's grade ranks. Loaded tables, not views over
the files: the floor is what an analytic engine answers once the data is in it; the loading is timed apart
(`load_seconds`). DuckDB runs with its default threads (every core), as Ladybug does."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import duckdb

from caleido.graph.schema import node_classes, relationships
from caleido.graph.usecases.common import grade_rank
from caleido.ontology.model import load_ontology


class Floor:
    def __init__(self, folder: Path):
        started = time.perf_counter()
        self.db = duckdb.connect()
        for cls in node_classes():
            path = folder / "nodes" / f"{cls.name}.parquet"
            self.db.execute(f"CREATE TABLE \"n_{cls.name}\" AS SELECT * FROM read_parquet('{path}')")
        for rel in relationships():
            path = folder / "links" / f"{rel.name}.parquet"
            self.db.execute(f"CREATE TABLE \"l_{rel.name}\" AS SELECT * FROM read_parquet('{path}')")
        self.db.execute(
            "CREATE TABLE nodes AS "
            + " UNION ALL ".join(
                f"SELECT id, '{c.name}' AS class, label_nl, label_en, search_keys FROM \"n_{c.name}\""
                for c in node_classes()
            )
        )
        self.db.execute(
            "CREATE TABLE links AS "
            + " UNION ALL ".join(
                f"SELECT source, '{r.name}' AS rel, target FROM \"l_{r.name}\"" for r in relationships()
            )
        )
        grades = load_ontology().schemes["EvidenceGradeScheme"].concepts
        self.db.execute("CREATE TABLE grades (grade VARCHAR, rank INTEGER)")
        self.db.executemany("INSERT INTO grades VALUES (?, ?)", [(g, grade_rank(g)) for g in grades])
        self.load_seconds = time.perf_counter() - started

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """The rows of a query, given those of the parameters it uses (DuckDB refuses any other)."""
        used = set(re.findall(r"\$(\w+)", sql))
        return self.db.execute(sql, {k: v for k, v in params.items() if k in used}).fetchall()

    def temp(self, name: str, sql: str, **params: Any) -> None:
        """A temporary table of a query's rows (replacing one of that name): what several queries of a case read."""
        self.rows(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", **params)

    def insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """Rows into a table (none: nothing, where DuckDB's executemany would refuse)."""
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            self.db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    def close(self) -> None:
        self.db.close()
