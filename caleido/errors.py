"""Exceptions shared by every layer. A leaf module: it imports nothing of ours."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located so a person can find and fix it."""

    file: str
    location: str  # "line 12", "record 3 (id org-x)", "triple about <...>"
    field: str  # field path, e.g. "links[0].to"; "" when the whole record is at fault
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.file, self.location, self.field and f"field {self.field}") if part)
        return f"{where}: {self.message}"


class CaleidoError(Exception):
    """Base of all errors the product reports to people."""


class InvalidData(CaleidoError):
    """Input that fails validation; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) found; nothing was written:\n{shown}{more}")


class StoreError(CaleidoError):
    """The store could not be opened, reached or written."""


class StoreBusy(StoreError):
    """Another process owns the embedded store."""
