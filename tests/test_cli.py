"""The command line as a person uses it: `caleido run` twice, a rejected load, an export."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rdflib import Graph

from tests.helpers import BAD, MINI


def caleido(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "caleido", *args, "--store", f"embedded:{store}"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_run_loads_the_seed_once_and_reports_no_new_records_the_second_time(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = caleido("run", store=store)
    assert first.returncode == 0, first.stderr
    assert "New: " in first.stdout and "Region" in first.stdout and str(store) in first.stdout
    second = caleido("run", store=store)
    assert second.returncode == 0, second.stderr
    assert "No new records" in second.stdout and "New: 0, changed: 0" in second.stdout


def test_a_bad_file_exits_1_names_the_problem_and_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert caleido("load", str(MINI), store=store).returncode == 0
    before = caleido("stats", store=store).stdout
    result = caleido("load", str(BAD / "unknown_term.yaml"), store=store)
    assert result.returncode == 1
    assert "unknown_term.yaml, line 2 (id org-x), field organisation_type" in result.stderr
    assert "nothing was written" in result.stderr
    assert caleido("stats", store=store).stdout == before


def test_export_to_stdout_is_turtle_and_validate_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert caleido("validate", "--standalone", str(MINI), store=store).returncode == 0
    assert not (store / "caleido.lbdb").exists()
    caleido("load", str(MINI), store=store)
    result = caleido("export", "--format", "ttl", store=store)
    assert result.returncode == 0
    assert len(Graph().parse(data=result.stdout, format="turtle")) > 1000


def test_an_unknown_store_scheme_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "caleido", "stats", "--store", "mysql://x"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 3 and "unknown store 'mysql://x'" in result.stderr


def test_while_serve_owns_the_embedded_store_a_cli_load_stops_with_a_clear_message(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert caleido("load", str(MINI), store=store).returncode == 0
    server = subprocess.Popen(
        [sys.executable, "-m", "caleido", "serve", "--store", f"embedded:{store}", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "CALEIDO_KEYS_FILE": str(tmp_path / "keys.sqlite3")},
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:  # wait until the app (and so the store) is open
            if "Application startup complete" in line:
                break
        result = caleido("load", str(BAD.parent / "usecases"), store=store)
        assert result.returncode == 3
        assert "in use by another process" in result.stderr and "caleido serve" in result.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)
    after = caleido("stats", store=store)
    assert "│ links" in after.stdout and after.returncode == 0
