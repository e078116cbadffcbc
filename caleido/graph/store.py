"""The store protocol every backend implements, and what it reports."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, Self

from caleido.errors import WriteConflict
from caleido.graph.queries import Dialect, Query
from caleido.ontology.records import LinkRow, NodeRow

# The table (Ladybug) or label (Neo4j) of entries: never an ontology class, so entries are no graph facts.
ENTRIES = "CaleidoEntry"


@dataclass(frozen=True)
class Entry:
    """A record kept in the store that is not a graph fact: a history entry, a proposed revision, a job's state,
    an idempotency key. Kept in the store so that every API instance over one Neo4j sees the same ones; never
    counted, exported, copied or searched.

    `kind` names what it is and `id` is unique within its kind (a write upserts on the pair); `subject` is what
    it is about (a node id, for a link its source's id); `at` is an ISO time in UTC (entries are read in order
    of `at`, then `id`); `body` is any JSON object (stored as JSON text).
    """

    kind: str
    id: str
    subject: str
    at: str
    body: dict[str, Any]


ENTRY_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"  # UTC to the microsecond: entries written in one second keep their order


def entry_time(moment: datetime | None = None) -> str:
    """An entry's `at`: now, or the moment given."""
    return (moment or datetime.now(UTC)).strftime(ENTRY_TIME)


def entry_age(entry: Entry) -> timedelta:
    """How long ago an entry was written."""
    return datetime.now(UTC) - datetime.strptime(entry.at, ENTRY_TIME).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Expected:
    """A precondition of a write, checked inside its transaction under a lock, so that check and write are one
    step (a compare-and-set): one stored row is as the writer read it, or there is no such row.

    - a node: `table` is its class, `key` is (id,);
    - a link: `table` is its relationship type, `key` is (source id, target id);
    - an entry: `table` is ENTRIES, `key` is (kind, id), and the values compare with `subject`, `at`, `body`.

    `values`: the columns that must still hold these values (None, "" and [] count as the same), or None when
    the row must not exist (then the write must write it). A failed expectation raises WriteConflict and
    writes nothing.
    """

    table: str
    key: tuple[str, ...]
    values: Mapping[str, Any] | None = None


# What write() takes besides the rows.
Entries = Sequence[Entry]
Expects = Sequence[Expected]


def same(a: Any, b: Any) -> bool:
    """Whether two stored values are the same: None, "" and [] all mean "no value"."""
    return (a or None) == (b or None)


def check_expected(
    expected: Sequence[Expected], stored: Mapping[tuple[str, tuple[str, ...]], Mapping[str, Any]]
) -> None:
    """Raise WriteConflict naming every expectation that the rows as stored now (by (table, key)) do not meet."""
    failed = []
    for want in expected:
        row = stored.get((want.table, want.key))
        name = f"{want.table} {' '.join(want.key)}"
        if want.values is None:
            if row is not None:
                failed.append(f"{name} exists already")
        elif row is None:
            failed.append(f"{name} no longer exists")
        elif fields := [k for k, v in want.values.items() if not same(v, row.get(k))]:
            failed.append(f"{name} changed meanwhile ({', '.join(fields)})")
    if failed:
        raise WriteConflict(
            "the store changed since this write was prepared, so nothing was written: "
            + "; ".join(failed)
            + ". Read it again and decide anew."
        )


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

    def write(
        self,
        nodes: list[NodeRow],
        links: list[LinkRow],
        entries: Entries = (),
        expect: Expects = (),
        derive: bool = True,
    ) -> None:
        """Upsert nodes and links on their ids and entries on (kind, id) in one transaction, once every
        expectation holds (else WriteConflict, and nothing is written)."""
        ...

    def write_into_empty(self, nodes: list[NodeRow], links: list[LinkRow], entries: Entries = ()) -> bool:
        """A whole graph into a store without facts through the store's own bulk path, all or nothing, the
        derived data left stale (the caller rebuilds it once). False, with nothing written, when the store holds
        facts or has no such path (Neo4j's is its offline importer: `caleido copy --bulk`); then the caller
        takes `write`."""
        ...

    def put_entries(self, entries: Sequence[Entry]) -> None:
        """Upsert entries on (kind, id), in a transaction of their own."""
        ...

    def entries(self, kind: str, subject: str | None = None, ids: Collection[str] | None = None) -> list[Entry]:
        """The entries of one kind, of one subject and/or with these ids when given, ordered by (at, id)."""
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
