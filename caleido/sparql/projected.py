"""The store the API serves when it offers SPARQL: the graph store, with a projection kept in step with every
write made through it and the endpoint that answers queries over that projection."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from typing import Any, Self

from caleido.graph.queries import Dialect, Query
from caleido.graph.store import Entries, Entry, Expects, GraphStore, StoreCounts
from caleido.graph.sync import WRITE_MARK
from caleido.ontology.records import LinkRow, NodeRow
from caleido.settings import Settings
from caleido.sparql.endpoint import Endpoint
from caleido.sparql.projection import Projection


class ProjectedStore:
    """A GraphStore that keeps a Projection in step with every write made through it; everything else is the
    wrapped store's. The API serves this one, so every write of the process (routes, reviews, jobs) passes here."""

    def __init__(self, store: GraphStore, projection: Projection, endpoint: Endpoint):
        self.inner = store
        self.projection = projection
        self.endpoint = endpoint
        self.uri = store.uri
        self.dialect: Dialect = store.dialect

    def write(
        self,
        nodes: list[NodeRow],
        links: list[LinkRow],
        entries: Entries = (),
        expect: Expects = (),
        derive: bool = True,
    ) -> None:
        self.inner.write(nodes, links, [self._own_mark(e) for e in entries], expect, derive)
        if nodes or links:
            self.projection.written(nodes, links)

    def _own_mark(self, entry: Entry) -> Entry:
        """A write mark is filed under this process, whose own writes reach the copy without a rebuild."""
        return replace(entry, id=self.projection.writer) if entry.kind == WRITE_MARK else entry

    def put_entries(self, entries: Sequence[Entry]) -> None:
        self.write([], [], entries)

    # ------------------------------------------------------------ the rest is the wrapped store's

    def ensure_schema(self) -> None:
        self.inner.ensure_schema()

    def read(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        return self.inner.read(query, **params)

    def find_classes(self, ids: Collection[str]) -> dict[str, str]:
        return self.inner.find_classes(ids)

    def fetch_nodes(self, cls: str, ids: Collection[str]) -> dict[str, dict[str, Any]]:
        return self.inner.fetch_nodes(cls, ids)

    def fetch_links(self, rel: str, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        return self.inner.fetch_links(rel, keys)

    def entries(self, kind: str, subject: str | None = None, ids: Collection[str] | None = None) -> list[Entry]:
        return self.inner.entries(kind, subject, ids)

    def counts(self) -> StoreCounts:
        return self.inner.counts()

    def iter_nodes(self, cls: str) -> Iterator[dict[str, Any]]:
        return self.inner.iter_nodes(cls)

    def iter_links(self, rel: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        return self.inner.iter_links(rel)

    def close(self) -> None:
        self.projection.close()
        self.inner.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def projected(store: GraphStore, settings: Settings) -> ProjectedStore:
    """The store with a SPARQL projection kept in step (its first build begun) and the endpoint over it."""
    projection = Projection(store, other_instances=store.dialect != "embedded")  # an embedded store has one owner
    projection.start()
    endpoint = Endpoint(
        projection,
        timeout=settings.sparql_timeout_seconds,
        max_rows=settings.sparql_max_rows,
        max_running=settings.sparql_max_running,
    )
    return ProjectedStore(store, projection, endpoint)
