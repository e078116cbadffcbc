"""The command line tells its exit codes and export formats, and writes a format of several files beside
the one named (run in-process: no subprocess needed to read help or write an export)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from caleido.cli import app
from caleido.graph.embedded import EmbeddedStore
from tests.helpers import MINI, load

WIDE = {"COLUMNS": "200"}  # one help line a table row


def test_help_lists_the_exit_codes_and_export_names_its_formats() -> None:
    main_help = CliRunner().invoke(app, ["--help"], env=WIDE)
    assert main_help.exit_code == 0
    for line in (
        "0  done",
        "1  invalid input (a file, a record, a key's role or name): nothing was written",
        "2  usage: an unknown command, option or format, or a missing one",
        "3  the store or the key file cannot be used",
    ):
        assert line in main_help.stdout
    export_help = CliRunner().invoke(app, ["export", "--help"], env=WIDE)
    assert "ttl (Turtle), jsonld (JSON-LD) or csv (CSV)" in export_help.stdout
    assert "CSV also writes NAME-links.csv beside it" in export_help.stdout


def test_an_unknown_format_is_a_usage_error_naming_the_formats(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--format", "xml", "--store", f"embedded:{tmp_path / 's'}"], env=WIDE)
    assert result.exit_code == 2
    assert "'xml' is not one of 'ttl', 'jsonld', 'csv'" in result.stderr
    assert not (tmp_path / "s").exists()


def test_csv_export_needs_out_and_writes_nodes_and_links_files_for_spreadsheets(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store:
        load(store, MINI)
    uri = f"embedded:{tmp_path / 'store'}"
    no_out = CliRunner().invoke(app, ["export", "--format", "csv", "--store", uri], env=WIDE)
    assert no_out.exit_code == 2 and "give --out FILE.csv" in no_out.stderr
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--out", str(tmp_path / "g.csv"), "--store", uri])
    assert result.exit_code == 0, result.stderr
    nodes, links = (tmp_path / "g.csv").read_bytes(), (tmp_path / "g-links.csv").read_bytes()
    assert nodes.startswith(b"\xef\xbb\xbfclass,id,") and links.startswith(b"\xef\xbb\xbfsource_id,rel,")
