"""What both stores and the upsert planner do alike with rows: quote ontology names, read result rows as
columns, and group rows by the table (class or relationship type) they are written to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from caleido.graph.schema import Column
from caleido.ontology.records import LinkRow

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
UNKNOWN_CLASS = "?"  # the class of a link end that is not stored


def quote(name: str) -> str:
    """Quote a label, relationship type or column name taken from the ontology (never from user input)."""
    return f"`{name}`"


def row_dict(
    columns: Sequence[Column], row: Sequence[Any], convert: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """A result row as columns; a missing list reads as an empty list on every backend. `convert` turns a
    driver's value into a plain one."""
    return {
        c.name: ([] if v is None and c.is_list else v if convert is None else convert(v))
        for c, v in zip(columns, row, strict=True)
    }


def group_by(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    """The items in lists by key, each list in the items' order."""
    groups: dict[K, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(groups)


def links_by_ends(links: Iterable[LinkRow], classes: Mapping[str, str]) -> dict[tuple[str, str, str], list[LinkRow]]:
    """Links grouped by (type, start class, end class), the classes looked up in `classes`; an end that is
    not there has the class UNKNOWN_CLASS, so its group fails the write's count check."""
    return group_by(
        links,
        lambda link: (
            link.rel,
            classes.get(link.source_id, UNKNOWN_CLASS),
            classes.get(link.target_id, UNKNOWN_CLASS),
        ),
    )
