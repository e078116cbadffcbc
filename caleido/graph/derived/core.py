"""The mechanism of derived data: families of derived entries, their maintenance inside a write's transaction,
how they are read, and a rebuild from scratch.

A family's values live in the store as entries of kind `derived:<family>` (id = the key, body = a JSON object):
never counted, exported, copied or searched, as no entry is. A store's write() calls `maintain` after the facts
are written, inside the same transaction, with a reader that sees those facts; so a derived value is exactly as
current as the facts. `write(..., derive=False)` skips it (a bulk load into an empty store) and marks the
derived data stale until `reindex` has rebuilt it."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol, TypeVar, cast

from caleido.errors import WriteConflict
from caleido.graph import metrics_hooks
from caleido.graph.queries import Query
from caleido.graph.store import ENTRIES, Entry, Expected, GraphStore, entry_time
from caleido.ontology.records import LinkRow, NodeRow

Reader = Callable[..., list[dict[str, Any]]]  # reader(query, **params) -> rows, inside the write's transaction
T = TypeVar("T")
Progress = Callable[[str], None]


class Family(Protocol):
    """One kind of derived value, by key."""

    kind: str  # "derived:<name>"

    def touched(self, read: Reader, nodes: Sequence[NodeRow], links: Sequence[LinkRow]) -> set[str]:
        """The keys whose value this write may change (called after the facts are written, in the transaction)."""
        ...

    def compute(self, read: Reader, keys: Collection[str]) -> dict[str, dict[str, Any]]:
        """Each key's body from the facts as stored now; a key with nothing left gets its empty body."""
        ...

    def all_keys(self, read: Reader) -> set[str]:
        """Every key that has a value, for a rebuild."""
        ...

    def empty(self) -> dict[str, Any]:
        """The body of a key with nothing (left) to count: what a reader takes a missing entry for."""
        ...


# The registry: every family a write maintains. A plain list, so that adding a family is one line.
FAMILIES: list[Family] = []

# The entry that says whether the derived data is stale (facts written with derive=False and no reindex since).
STATE_KIND = "derived-state"
STATE_ID = "stale"
# Keys computed and written at a time by a rebuild. Each batch's reads cost Ladybug a scan of the links they
# follow (a hash join), whatever the batch's size: at 2,000 keys the 200,158 organisations of the large graph
# took 100 batches of 15 s.
_BATCH = 20_000


def _registered() -> list[Family]:
    """FAMILIES, with the families of this package registered once (imported late: they import this module)."""
    from caleido.graph.derived import evidence, reach  # noqa: F401  (register their families)

    return FAMILIES


def families(kinds: Collection[str] | None = None) -> list[Family]:
    chosen = [f for f in _registered() if kinds is None or f.kind in kinds]
    unknown = set(kinds or ()) - {f.kind for f in chosen}
    if unknown:
        raise ValueError(f"no derived family {sorted(unknown)}; there are {[f.kind for f in _registered()]}")
    return chosen


def derived_entries(family: Family, bodies: dict[str, dict[str, Any]], at: str) -> list[Entry]:
    return [Entry(family.kind, key, key, at, body) for key, body in sorted(bodies.items())]


def maintain(
    read: Reader,
    nodes: Sequence[NodeRow],
    links: Sequence[LinkRow],
    lock: Callable[[str, list[str]], None] | None = None,
) -> list[Entry]:
    """The derived entries a write of these facts changes, computed from the store as the write leaves it. `lock`
    (kind, keys) is called before a family computes, so that a store can hold those entries against a
    concurrent writer until its transaction ends (Neo4j)."""
    if not nodes and not links:
        return []
    at = entry_time()
    entries: list[Entry] = []
    read = SharedReads(read)
    for family in _registered():
        keys = sorted(family.touched(read, nodes, links))
        if not keys:
            continue
        if lock is not None:
            lock(family.kind, keys)
        entries += derived_entries(family, family.compute(read, keys), at)
    return entries


class SharedReads:
    """A reader that runs a query with the same parameters once, for computations over one unchanging state of
    the facts (a write's transaction after its facts, one batch of a rebuild): derived:doing and its tallies ask
    the same questions of the same organisations, and read the answer once instead of three times. The rows are
    shared: a family never changes them."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self._rows: dict[tuple[Query, str], list[dict[str, Any]]] = {}

        self._computed: dict[tuple[Any, ...], Any] = {}

    def __call__(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        key = (query, repr(sorted(params.items())))  # the query whole: its variants per class share a name
        if key not in self._rows:
            self._rows[key] = self._read(query, **params)
        return self._rows[key]

    def once(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        if key not in self._computed:
            self._computed[key] = compute()
        return cast(T, self._computed[key])


def once(read: Reader, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """What compute() gives, computed once per SharedReads (several families deriving from one computation) and
    every time with another reader. The value is shared: its users never change it."""
    return read.once(key, compute) if isinstance(read, SharedReads) else compute()


def derived_for(
    read: Reader,
    nodes: Sequence[NodeRow],
    links: Sequence[LinkRow],
    derive: bool,
    lock: Callable[[str, list[str]], None] | None = None,
) -> list[Entry]:
    """What a store's write adds to its transaction after the facts: the derived entries they change, or, for a
    write that skips them (derive=False), the marker that says the derived data is stale until a reindex."""
    if not nodes and not links:
        return []
    if not derive:
        return [stale_marker(True, "facts were written without maintaining the derived data; run `caleido reindex`")]
    return maintain(read, nodes, links, lock)


def stale_marker(stale: bool, reason: str = "") -> Entry:
    return Entry(STATE_KIND, STATE_ID, STATE_ID, entry_time(), {"stale": stale, "reason": reason})


def mark_unbuilt(store: GraphStore) -> None:
    """Give a store opened for writing its marker once: an empty one is current; one written before derived data
    was kept (no marker, yet facts) is stale until a reindex."""
    if store.entries(STATE_KIND, ids=[STATE_ID]):
        return
    unbuilt = store.counts().total_nodes > 0
    reason = "the store was written before it kept derived data; run `caleido reindex`"
    store.put_entries([stale_marker(unbuilt, reason)])


def is_stale(store: GraphStore) -> str | None:
    """Why the store's derived data is stale (facts were written without maintaining it), or None."""
    for entry in store.entries(STATE_KIND, ids=[STATE_ID]):
        if entry.body.get("stale"):
            return str(entry.body.get("reason") or "facts were written without maintaining the derived data")
    return None


def read_derived(store: GraphStore, kind: str, keys: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
    """The bodies of a family's entries by key (of these keys when given); a key without an entry has none."""
    if keys is not None and not keys:
        return {}
    chosen = None if keys is None else sorted(set(keys))
    return {entry.id: entry.body for entry in store.entries(kind, ids=chosen)}


def recompute(store: GraphStore, kind: str) -> dict[str, dict[str, Any]]:
    """A family's values computed from scratch, without its empty ones: what its entries must hold (tests)."""
    (family,) = families([kind])
    bodies = family.compute(store.read, family.all_keys(store.read))
    return {key: body for key, body in bodies.items() if body != family.empty()}


def maintained(store: GraphStore, kind: str) -> dict[str, dict[str, Any]]:
    """A family's stored values, without its empty ones: to compare with `recompute`."""
    (family,) = families([kind])
    return {key: body for key, body in read_derived(store, kind).items() if body != family.empty()}


@dataclass
class ReindexReport:
    """What a rebuild wrote, per family: keys with a value, and stored keys left without one (nothing to count)."""

    written: dict[str, int] = field(default_factory=dict)
    emptied: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"{kind}: {self.written[kind]} values, {self.emptied[kind]} stored keys without one"
            for kind in sorted(self.written)
        ] + [f"rebuilt in {self.seconds:.1f} s"]


def _rebuild_batch(store: GraphStore, work: list[tuple[Family, list[str]]], attempts: int = 20) -> None:
    """Compute and write one batch of keys of each family, in one transaction, as a compare-and-set on the entries
    as they were before computing: a write that maintained one of them in between makes the batch be computed
    again. The families' reads are shared (read once), as they see the same facts."""
    work = [(family, keys) for family, keys in work if keys]
    for _ in range(attempts):
        before = {family.kind: {e.id: e for e in store.entries(family.kind, ids=keys)} for family, keys in work}
        read, at = SharedReads(store.read), entry_time()
        entries: list[Entry] = []
        expect: list[Expected] = []
        for family, keys in work:
            had = before[family.kind]
            entries += derived_entries(family, family.compute(read, keys), at)
            expect += [Expected(ENTRIES, (family.kind, k), _as_stored(had[k]) if k in had else None) for k in keys]
        try:
            store.write([], [], entries, expect=expect)
            return
        except WriteConflict:
            continue
    kinds = ", ".join(family.kind for family, _ in work)
    raise WriteConflict(f"{kinds}: the rebuild of a batch met a concurrent write {attempts} times")


def _as_stored(entry: Entry) -> dict[str, Any]:
    return {"subject": entry.subject, "at": entry.at, "body": entry.body}


def _batches(keys: Iterable[str], size: int) -> Iterable[list[str]]:
    it = iter(keys)
    while batch := list(islice(it, size)):
        yield batch


def reindex(store: GraphStore, kinds: Collection[str] | None = None, progress: Progress | None = None) -> ReindexReport:
    """Rebuild the derived entries of these families (all by default) from the facts as stored, then clear the
    stale marker. Writes may go on meanwhile: each batch is written only if none of its entries changed since
    it was computed (else computed again), so a write's own maintained value is never overwritten by an older
    one."""

    started = time.perf_counter()
    report = ReindexReport()
    for group in _by_keys(store, families(kinds)):
        with metrics_hooks.rebuilding(", ".join(family.kind for family, _ in group)):
            _rebuild(store, group, report, progress)
    store.put_entries([stale_marker(False)])
    report.seconds = time.perf_counter() - started
    return report


def _by_keys(store: GraphStore, chosen: list[Family]) -> list[list[tuple[Family, set[str]]]]:
    """The families with their keys, those with the same keys together (derived:doing and its tallies, all keyed
    on the organisations): a group is rebuilt batch by batch in step, its families sharing the batch's reads."""
    groups: dict[frozenset[str], list[tuple[Family, set[str]]]] = {}
    for family in chosen:
        keys = family.all_keys(store.read)
        groups.setdefault(frozenset(keys), []).append((family, keys))
    return list(groups.values())


def _rebuild(
    store: GraphStore, group: list[tuple[Family, set[str]]], report: ReindexReport, progress: Progress | None
) -> None:
    """A group's entries computed from scratch, a batch of keys per transaction; stored keys that no longer have a
    value are emptied."""
    stored = {family.kind: set(read_derived(store, family.kind)) for family, _ in group}
    due = {family.kind: keys | stored[family.kind] for family, keys in group}
    everything = sorted(set().union(*due.values()))
    written = 0
    for batch in _batches(everything, _BATCH):
        _rebuild_batch(store, [(family, [key for key in batch if key in due[family.kind]]) for family, _ in group])
        written += len(batch)
        if progress:
            progress(f"{', '.join(due)}: {written}/{len(everything)}")
    for family, keys in group:
        report.written[family.kind] = len(keys)
        report.emptied[family.kind] = len(stored[family.kind] - keys)
