"""Timing hooks of the graph layer: the stores and the rebuild of derived data say how long their reads,
writes and rebuilds took to whoever observes them.

The graph layer knows no metrics library (nor the api layer above it): caleido.api.metrics adds an
Observer that turns these calls into Prometheus metrics. With no observer a hook costs one check.
The label values handed over are bounded: a catalogue query's name, a store kind, a node class, a
relationship type, an entry kind, a derived family; never an id or a parameter.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from caleido.graph.queries import Query
from caleido.graph.store import Entries
from caleido.ontology.records import LinkRow, NodeRow

F = TypeVar("F", bound=Callable[..., Any])


class Observer:
    """What a metrics layer implements; each method is called after the work, also when it failed."""

    def read(self, store: str, query: str, seconds: float, failed: bool) -> None:
        """A catalogue query `query` ran on a store of kind `store` ("embedded", "neo4j")."""

    def write(self, store: str, seconds: float, written: Mapping[str, int], failed: bool) -> None:
        """A write transaction; `written` counts its rows by kind ("node:Finding", "link:ADDRESSES",
        "entry:review"), what it was asked to write (nothing landed when it failed)."""

    def rebuild(self, kind: str, seconds: float, failed: bool) -> None:
        """A rebuild of one derived family (`caleido reindex`, a bulk load's last step)."""


# Replaced whole, never changed in place, so a hook reading it in another thread sees one or the other.
_observers: tuple[Observer, ...] = ()


def add_observer(observer: Observer) -> None:
    global _observers
    _observers = (*_observers, observer)


def remove_observer(observer: Observer) -> None:
    global _observers
    _observers = tuple(o for o in _observers if o is not observer)


def written_by_kind(nodes: list[NodeRow], links: list[LinkRow], entries: Entries) -> dict[str, int]:
    counts: Counter[str] = Counter(f"node:{node.cls}" for node in nodes)
    counts.update(f"link:{link.rel}" for link in links)
    counts.update(f"entry:{entry.kind}" for entry in entries)
    return dict(counts)


def timed_read(store: str) -> Callable[[F], F]:
    """Wraps a store's `read(self, query, **params)`."""

    def wrap(read: F) -> F:
        @functools.wraps(read)
        def timed(self: Any, query: Query, **params: Any) -> Any:
            if not _observers:
                return read(self, query, **params)
            failed = True
            start = time.perf_counter()
            try:
                rows = read(self, query, **params)
                failed = False
                return rows
            finally:
                seconds = time.perf_counter() - start
                for observer in _observers:
                    observer.read(store, query.name, seconds, failed)

        return cast(F, timed)

    return wrap


def timed_write(store: str) -> Callable[[F], F]:
    """Wraps a store's `write(self, nodes, links, entries=(), expect=(), ...)`, or its `write_into_empty`, whose
    False (declined: the caller takes `write`, which counts the rows) is not counted."""

    def wrap(write: F) -> F:
        @functools.wraps(write)
        def timed(
            self: Any, nodes: list[NodeRow], links: list[LinkRow], entries: Entries = (), *args: Any, **kw: Any
        ) -> Any:
            if not _observers:
                return write(self, nodes, links, entries, *args, **kw)
            failed, declined = True, False
            start = time.perf_counter()
            try:
                result = write(self, nodes, links, entries, *args, **kw)
                failed, declined = False, result is False
                return result
            finally:
                if not declined:
                    seconds = time.perf_counter() - start
                    written = written_by_kind(nodes, links, entries)
                    for observer in _observers:
                        observer.write(store, seconds, written, failed)

        return cast(F, timed)

    return wrap


@contextmanager
def rebuilding(kind: str) -> Iterator[None]:
    """Around the rebuild of one derived family: `with rebuilding("derived:evidence"): ...`."""
    failed = True
    start = time.perf_counter()
    try:
        yield
        failed = False
    finally:
        seconds = time.perf_counter() - start
        for observer in _observers:
            observer.rebuild(kind, seconds, failed)
