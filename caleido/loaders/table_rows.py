"""Rows of the seed's reference tables (CSV, one row a line): each keeps its line, so a claim taken from a row
quotes the row itself and names its line as the locator."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import NamedTuple

from caleido.errors import Problem


class Row(NamedTuple):
    """A data row with where it stands and its text: a claim taken from it quotes the row itself."""

    number: int  # line in the file, counting the header as line 1
    text: str
    fields: dict[str, str]
    file: str = "municipalities.csv"  # the file as a locator names it, relative to the seed folder

    @property
    def locator(self) -> str:
        return f"{self.file}, line {self.number}"


class Link(NamedTuple):
    to: str
    source: str
    row: Row


def rows(path: str, text: str, problems: list[Problem], file: str = "municipalities.csv") -> Iterator[Row]:
    # One row a line (the file has no quoted line breaks), so each row's quote is exactly its line.
    lines = text.splitlines()
    header = next(csv.reader(lines[:1]), [])
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = next(csv.reader([line]))
        if len(cells) != len(header):
            problems.append(Problem(path, f"line {number}", "", f"{len(cells)} cells, the header has {len(header)}"))
            continue
        yield Row(number, line, dict(zip(header, cells, strict=True)), file)


def missing_columns(path: str, found: list[Row], required: tuple[str, ...], problems: list[Problem]) -> bool:
    """Name the required columns a table lacks (as a problem on its header line); True when any is missing."""
    missing = [c for c in required if c not in (found[0].fields if found else {})]
    if missing:
        problems.append(Problem(path, "line 1", ", ".join(missing), "required column is missing"))
    return bool(missing)


def claim(source: str, row: Row, status: str = "accepted") -> dict[str, str]:
    """The provenance of a claim taken from a row: the row itself is its quote."""
    return {"source": source, "locator": row.locator, "quote": row.text, "status": status}
