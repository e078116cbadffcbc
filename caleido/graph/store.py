"""The store protocol every backend implements, and what it reports."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, Self

from caleido.graph.queries import Dialect, Query
from caleido.ontology.records import LinkRow, NodeRow


@dataclass
class StoreCounts:
    nodes: dict[str, int] = field(default_factory=dict)  # class -> count
    links: dict[str, int] = field(default_factory=dict)  # relationship type -> count

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_links(self) -> int:
        return sum(self.links.values())


class GraphStore(Protocol):
    """A graph store holding Caleido nodes and links, with the schema the ontology gives.

    Rows use store columns (see caleido.ontology.records); a link row's `values` hold the
    relationship's columns. `write` is one transaction: all of it lands or none of it.
    """

    uri: str
    dialect: Dialect  # picks how caleido.graph.queries renders a query for this store

    def ensure_schema(self) -> None: ...

    def read(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        """Run a catalogue query (caleido.graph.queries) in this store's dialect with exactly its declared
        parameters; rows keyed by the RETURN aliases."""
        ...

    def find_classes(self, ids: Collection[str]) -> dict[str, str]:
        """The class of each id that exists, by id."""
        ...

    def fetch_nodes(self, cls: str, ids: Collection[str]) -> dict[str, dict[str, Any]]:
        """Stored columns of the nodes of one class, by id."""
        ...

    def fetch_links(self, rel: str, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        """Stored columns of links of one type, by (source id, target id)."""
        ...

    def write(self, nodes: list[NodeRow], links: list[LinkRow]) -> None:
        """Upsert nodes and links on their ids in one transaction."""
        ...

    def counts(self) -> StoreCounts: ...

    def iter_nodes(self, cls: str) -> Iterator[dict[str, Any]]:
        """Every node of one class as columns, ordered by id."""
        ...

    def iter_links(self, rel: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every link of one type as (source id, target id, columns), ordered."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self:
        """`with open_store(uri) as store:` closes the store when the block ends, however it ends."""
        ...

    def __exit__(self, *exc: object) -> None: ...
