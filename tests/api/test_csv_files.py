"""CSV files through the API, on each store: the evidence import reads what spreadsheets write (semicolons and
decimal commas, a table of several findings about one new factor) and refuses a repeated column by name; every CSV
the product writes (the export, the coverage map's CSV, the evidence template) runs no formula in a spreadsheet
and keeps numbers numbers. The rows named C2..C22 are those of the outside security trial."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from caleido.api.keys import KeyStore
from caleido.graph.store import GraphStore
from caleido.loaders.evidence import STUDY_NUMBER_COLUMNS, STUDY_TEXT_COLUMNS
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


# ---------------------------------------------------------------- reading


def test_c5_a_repeated_column_is_refused_naming_it(client: TestClient, keys: KeyStore, store: GraphStore) -> None:
    before = _counts(store)
    response = _upload(client, keys, "dupcols.csv", f"{HEADER},factor_name\nfirst name,risk,y,0.1,r,c,second name\n")
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert (error["location"], error["field"]) == ("line 1", "factor_name") and "named twice" in error["message"]
    assert _counts(store) == before


def _table(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


def test_c7_a_semicolon_file_with_decimal_commas_reads_as_the_comma_file(client: TestClient, keys: KeyStore) -> None:
    header = [*HEADER.split(","), "n_studies"]
    rows = [
        ["wanhoop", "risk", "gedrag", "0,07", "r", "Roe, R. (2023); een studie.", "10"],
        ["nieuwe factor", "protective", "gedrag", "-0,16", "r", "Roe 2024", ""],
    ]
    response = _upload(client, keys, "semicolon.csv", _table([header, *rows], ";"))
    assert response.status_code == 200, response.text
    report = response.json()["report"]
    assert [(r["line"], r["factor"], r["factor_match"]) for r in report][0] == (2, "rf-1", "matched")
    first, second = (client.get(f"/api/v1/nodes/{r['finding']}").json() for r in report)
    assert (first["effect_size"], first["n_studies"], second["effect_size"]) == (0.07, 10, -0.16)
    assert client.get(f"/api/v1/nodes/{first['source']}").json()["citation"] == "Roe, R. (2023); een studie."
    points = [[cell.replace(",", ".") if i == 3 else cell for i, cell in enumerate(row)] for row in rows]
    again = _upload(client, keys, "comma.csv", _table([header, *points], ",")).json()["report"]
    assert [r["finding"] for r in again] == [r["finding"] for r in report]  # the same findings, not new ones
    # Nothing new: the same findings; their locator names another file, so it comes as a revision (#15's rules).
    assert {r["status"] for r in again} == {"revised"}


def test_a_number_with_thousands_and_decimals_is_refused_not_misread(client: TestClient, keys: KeyStore) -> None:
    text = "factor_name;factor_kind;outcome;effect_size;effect_measure;source_citation\nx;risk;y;1.234,5;OR;c\n"
    response = _upload(client, keys, "thousands.csv", text)
    assert response.status_code == 422
    assert [(e["location"], e["field"]) for e in response.json()["errors"]] == [("line 2", "effect_size")]


def test_c20_an_unknown_intervention_is_one_problem(client: TestClient, keys: KeyStore) -> None:
    text = f"{HEADER},intervention\nbrand new factor,risk,y,0.2,r,Study 2023,does not exist\n"
    response = _upload(client, keys, "bad_intervention.csv", text)
    assert response.status_code == 422
    assert [(e["location"], e["field"], e["message"]) for e in response.json()["errors"]] == [
        ("line 2", "intervention", "no intervention matches 'does not exist'")
    ]


def test_c22_rows_about_one_new_factor_give_one_proposed_factor_and_a_finding_each(
    client: TestClient, keys: KeyStore, store: GraphStore
) -> None:
    text = (
        f"{HEADER}\n"
        "brand new factor zeta,risk,violent extremism,0.2,r,Zeta Study 2023\n"
        "Brand New Factor Zeta,risk,non-violent extremism,0.1,r,Other Study 2024\n"
    )
    before = store.counts()
    response = _upload(client, keys, "same_new_factor.csv", text)
    assert response.status_code == 200, response.text
    report = response.json()["report"]
    assert [r["factor_match"] for r in report] == ["proposed", "proposed"]
    assert report[0]["factor"] == report[1]["factor"] and report[0]["finding"] != report[1]["finding"]
    factor = client.get(f"/api/v1/nodes/{report[0]['factor']}").json()
    assert (factor["status"], factor["locator"], factor["label_en"]) == (
        "proposed",
        "same_new_factor.csv, line 2",  # the first row that names it
        "brand new factor zeta",
    )
    after = store.counts()
    assert after.nodes["RiskFactor"] == before.nodes["RiskFactor"] + 1
    assert after.nodes["Finding"] == before.nodes["Finding"] + 2
    assert after.links["EVIDENCE_FOR"] == before.links["EVIDENCE_FOR"] + 2


def test_c23_a_large_bad_file_lists_the_first_problems_and_counts_the_rest(
    client: TestClient, keys: KeyStore, store: GraphStore
) -> None:
    before = _counts(store)
    rows = "".join(f"factor {i % 7},risk,outcome {i},0.1,r,Study,superb\n" for i in range(250))
    response = _upload(client, keys, "rows.csv", f"{HEADER},grade\n{rows}")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "250 problem(s) found; nothing was written. `errors` lists the first 100."
    listed = [(e["location"].split(" (id ")[0], e["field"]) for e in body["errors"]]
    assert listed == [(f"line {i + 2}", "grade") for i in range(100)]  # the first ones, in order
    assert _counts(store) == before


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
    row |= {"grade": "not-assessed", "source_url": "https://example.org/", "source_doi": ""}  # cited, not by DOI
    row |= dict.fromkeys((*STUDY_TEXT_COLUMNS, *STUDY_NUMBER_COLUMNS), "")  # study coding is optional
    line = ",".join(row.get(name, "x") for name in header)
    response = _upload(client, keys, "template.csv", template + line + "\r\n")
    assert response.status_code == 200, response.text
