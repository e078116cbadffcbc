"""The cells every CSV the product writes is made of (caleido/loaders/csv_format.py): a spreadsheet never runs them
as a formula, and plain numbers stay numbers."""

from __future__ import annotations

import pytest

from caleido.loaders.csv_format import read_cell, spreadsheet_cell

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
