"""CSV in and out: one file of nodes (`class,id,...`) and one of links (`source_id,rel,target_id,...`), and what
every CSV the product reads or writes shares: reading a table (delimiter, header, line numbers) and writing cells
a spreadsheet shows but never runs.

Cells hold store columns. Lists are JSON arrays (`["a","b"]`), so any text survives a round trip.
Cells that a spreadsheet would run as a formula get a leading apostrophe on export, which import
removes again (OWASP "CSV injection"); a plain number such as `-0.16` stays a number.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from caleido.errors import InvalidData, Problem
from caleido.graph.schema import Column, link_columns, node_columns
from caleido.loaders.raw import RawBatch, RawLink, RawNode
from caleido.ontology.model import load_ontology
from caleido.ontology.records import Origin, columns_to_input

BYTE_ORDER_MARK = "\ufeff"  # leads a CSV file the product writes, so that spreadsheets read it as UTF-8
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number a spreadsheet reads as a number (ASCII digits only): harmless, so it keeps no apostrophe.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Spreadsheets write commas, or semicolons where the comma is the decimal sign (Dutch Excel), or tabs.
DELIMITERS = (",", ";", "\t")
DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+")
NODE_KEYS = ("class", "id")
LINK_KEYS = ("source_id", "rel", "target_id")


def spreadsheet_cell(value: Any) -> str:
    """A value as the text of a CSV cell that a spreadsheet shows and never runs as a formula: text starting
    with = + - @ tab or CR gets a leading apostrophe (so does text of apostrophes before such a start, so that
    `read_cell` gives back exactly what was written). Lists are JSON arrays; None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False) if value else ""
    text = str(value)
    if text.lstrip("'").startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def read_cell(text: str) -> str:
    """The text `spreadsheet_cell` was given: its apostrophe removed (also one written before plain numbers
    were left alone)."""
    if text.startswith("'") and text[1:].lstrip("'").startswith(FORMULA_START):
        return text[1:]
    return text


def write_csv(header: list[str], rows: Iterable[dict[str, Any]]) -> str:
    """A CSV text (CRLF lines) of the header and the rows' values under it, every cell from `spreadsheet_cell`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_cell(row.get(k)) for k in header})
    return out.getvalue()


@dataclass(frozen=True)
class Table:
    """A CSV file as read: its header, its rows with the line each starts on (blank rows left out) and the
    delimiter its header uses."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    delimiter: str

    def number(self, text: str) -> str:
        """A numeric cell with a decimal point: where the comma does not separate cells (a semicolon or tab
        file, as Dutch Excel writes), `0,07` means 0.07."""
        if self.delimiter != "," and DECIMAL_COMMA.fullmatch(text):
            return text.replace(",", ".")
        return text


def _delimiter(first_line: str) -> str:
    """The delimiter that splits the header into the most columns; the comma when none splits it."""
    widths = {d: len(next(csv.reader([first_line], delimiter=d), [])) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (widths[d], d == ","))


def read_table(path: str, text: str) -> Table:
    """The header and rows of a CSV text; InvalidData when it is not CSV or its header names a column twice
    (a spreadsheet keeps both, a reader by name would silently drop one)."""
    text = text.removeprefix(BYTE_ORDER_MARK)
    # Any line break ends the header line (a lone carriage return too, which the csv reader takes as one).
    delimiter = _delimiter(next(iter(text.splitlines()), ""))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, [])
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidData([Problem(path, f"line {reader.line_num}", "", f"not valid CSV: {exc}")]) from None
    problems = []
    for name in dict.fromkeys(header):
        positions = [str(i) for i, other in enumerate(header, start=1) if other == name]
        if len(positions) > 1:
            where = ", ".join(positions[:-1]) + " and " + positions[-1]
            message = f"the column is named twice (columns {where}); keep one"
            problems.append(Problem(path, "line 1", name, message))
    if problems:
        raise InvalidData(problems)
    return Table(header, rows, delimiter)


def node_header() -> list[str]:
    names: list[str] = list(NODE_KEYS)
    for cls in load_ontology().classes.values():
        for column in node_columns(cls)[1:]:
            if column.name not in names:
                names.append(column.name)
    return names


def link_header() -> list[str]:
    return [*LINK_KEYS, *(c.name for c in link_columns())]


def _uncell(text: str, column: Column | None, table: Table) -> Any:
    is_list = column is not None and column.is_list
    if text == "":
        return [] if is_list else None
    if is_list:
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        if not isinstance(value, list):
            raise ValueError('expected a JSON list such as ["a", "b"]')
        return value
    text = read_cell(text)
    kind = column.type if column is not None else "string"
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected a whole number, got {text[:40]!r}") from None
    if kind == "double":
        try:
            return float(table.number(text))
        except ValueError:
            raise ValueError(f"expected a number, got {text[:40]!r}") from None
    return text


def read_csv(path: str, text: str) -> RawBatch:
    batch = RawBatch()
    try:
        table = read_table(path, text)
    except InvalidData as exc:
        batch.problems.extend(exc.problems)
        return batch
    header = table.header
    keys: tuple[str, ...]
    if set(LINK_KEYS) <= set(header):
        keys, known = LINK_KEYS, set(link_header())
    elif "id" in header or "class" in header:
        keys, known = NODE_KEYS, set(node_header())
    else:
        batch.problems.append(
            Problem(path, "line 1", "", "header needs the columns class,id (nodes) or source_id,rel,target_id (links)")
        )
        return batch
    for name in keys:
        if name not in header:
            batch.problems.append(Problem(path, "line 1", name, "required column is missing"))
    for name in header:
        if name not in known:
            batch.problems.append(Problem(path, "line 1", name, "unknown column"))
    if batch.problems:
        return batch
    for number, cells in table.rows:
        origin = Origin(path, f"line {number}")
        if len(cells) != len(header):
            batch.problems.append(
                Problem(path, origin.location, "", f"{len(cells)} cells, the header has {len(header)}")
            )
            continue
        record = dict(zip(header, cells, strict=True))
        if keys == LINK_KEYS:
            _link_record(record, origin, table, batch)
        else:
            _node_record(record, origin, table, batch)
    return batch


def _parse_cells(
    record: dict[str, str], columns: list[Column], origin: Origin, table: Table, batch: RawBatch
) -> dict[str, Any] | None:
    by_name = {c.name: c for c in columns}
    values: dict[str, Any] = {}
    for name, text in record.items():
        try:
            values[name] = _uncell(text, by_name.get(name), table)
        except ValueError as exc:
            batch.problems.append(Problem(origin.file, origin.location, name, str(exc)))
            return None
    return values


def _node_record(record: dict[str, str], origin: Origin, table: Table, batch: RawBatch) -> None:
    ontology = load_ontology()
    cls = ontology.classes.get(record.get("class", ""))
    if cls is None:
        batch.problems.append(Problem(origin.file, origin.location, "class", f"unknown class {record.get('class')!r}"))
        return
    columns = node_columns(cls)
    own = {c.name for c in columns}
    for name, text in record.items():
        if text and name not in own and name not in NODE_KEYS:
            batch.problems.append(Problem(origin.file, origin.location, name, f"a {cls.name} has no column {name!r}"))
            return
    values = _parse_cells({k: v for k, v in record.items() if k in own}, columns, origin, table, batch)
    if values is None:
        return
    data = columns_to_input(cls.fields, values)
    data["id"] = values.get("id")
    batch.nodes.append(RawNode(cls.name, data, origin))


def _link_record(record: dict[str, str], origin: Origin, table: Table, batch: RawBatch) -> None:
    columns = link_columns()
    values = _parse_cells(record, columns, origin, table, batch)
    if values is None:
        return
    data = columns_to_input(load_ontology().link_fields, values)
    data["rel"] = values["rel"]
    data["to"] = values["target_id"]
    batch.links.append(RawLink(values["source_id"], data, origin))
