"""Reference files become sources, on each store: RIS, BibTeX and CSL-JSON exports of real publications the seed
cites, de-duplicated by DOI or title and year against the store and the file, idempotent, all or nothing on bad
input; through `caleido load`, the API's import route, and the evidence CSV naming a source by DOI."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.errors import InvalidData
from caleido.graph.store import GraphStore
from caleido.loaders import bibliography
from caleido.loaders.evidence import import_evidence_csv, review
from caleido.loaders.references import normalise_doi
from caleido.loaders.sources import SEED_FOLDER, read_file
from caleido.ontology.records import now_utc
from tests.helpers import FIXTURES, TEST_AGENT, bearer, load

REFERENCES = FIXTURES / "bibliography"
RIS = REFERENCES / "references.ris"
BIBTEX = REFERENCES / "references.bib"
CSL = REFERENCES / "references.csl.json"
BAD = REFERENCES / "bad"

JAHNKE_2022 = "src-doi-10.1111_pops.12743"
WOLFOWICZ_2021 = "src-doi-10.1002_cl2.1174"
JAHNKE_2023 = "src-doi-10.3233_dev-230347"
RANSTORP_2016 = "src-ranstorp-2016-the-root-causes-of-violent-extremism"
# The seed's records of publications the fixtures list (seed/sources.yaml, seed/richtlijn.yaml).
SEED_JEP_2020 = "src-jep-2020-veerkracht-jongeren"
SEED_RAN_2016 = "src-ran-2016-root-causes"
SEED_WODC_2025 = "src-wodc-2025-radicalisering-psychosociale-problematiek"
SEED_DIAMANT_2013 = "src-tvv-2013-diamant"


def _sources(store: GraphStore) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in store.iter_nodes("Source")}


def _seed_sources(tmp_path: Path, *ids: str) -> Path:
    """A YAML file of the seed's own records of these sources (and the sources they cite as their provenance),
    without their links to organisations, so that a test store holds them as the seed does."""
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(SEED_FOLDER.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        defaults = document.get("defaults") or {}
        for record in document["records"]:
            merged = {**defaults, **record}
            if merged.get("class") == "Source":
                records[merged["id"]] = {k: v for k, v in merged.items() if k != "links"}
    wanted, chosen = list(ids), {}
    while wanted:
        record = records[wanted.pop()]
        chosen[record["id"]] = record
        if record["source"] not in chosen:
            wanted.append(record["source"])
    path = tmp_path / "seed-sources.yaml"
    path.write_text(yaml.safe_dump({"records": list(chosen.values())}, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------- reading the three formats


def test_a_ris_entry_becomes_a_proposed_source_that_is_its_own_evidence() -> None:
    (jahnke, *_) = read_file(RIS).nodes
    assert jahnke.cls == "Source"
    assert jahnke.data == {
        "id": JAHNKE_2022,
        "label": {
            "en": "Predictors of Political Violence Outcomes among Young People: A Systematic Review and Meta-Analysis"
        },
        "source_type": "journal-article",
        "citation": "Jahnke, S., Abad Borger, K., & Beelmann, A. (2022). Predictors of Political Violence Outcomes "
        "among Young People: A Systematic Review and Meta-Analysis. Political Psychology, 43(1), 111–129. "
        "https://doi.org/10.1111/pops.12743",
        "year": 2022,
        "doi": "10.1111/pops.12743",  # written https://doi.org/10.1111/pops.12743 in the file
        "url": "https://www.mendeley.com/catalogue/5211b67f-27b3-351c-86d7-3e3dc8106e4f/",
        "source": JAHNKE_2022,
        "locator": "references.ris, entry 1 (line 1)",
        "quote": "Predictors of Political Violence Outcomes among Young People: A Systematic Review and Meta-Analysis",
        "status": "proposed",
    }


def test_bibtex_names_and_latex_are_decoded_and_the_doi_is_lower_case() -> None:
    wolfowicz, jahnke, ranstorp = (node.data for node in read_file(BIBTEX).nodes)
    assert (wolfowicz["id"], wolfowicz["locator"]) == (WOLFOWICZ_2021, "references.bib, entry wolfowicz2021 (line 1)")
    assert wolfowicz["label"] == {
        "en": "Cognitive and behavioral radicalization: A systematic review of the putative risk and protective factors"
    }
    assert (jahnke["id"], jahnke["doi"]) == (JAHNKE_2023, "10.3233/dev-230347")  # DEV-230347 in the file
    assert jahnke["citation"].startswith("Jahnke, S., Abad Borger, K., Burgsmüller, L., Hoppe, C., & Beelmann, A.")
    assert "19–29" in jahnke["citation"]  # {19--29}
    assert (ranstorp["id"], ranstorp["source_type"]) == (RANSTORP_2016, "research-report")
    assert ranstorp["citation"] == (
        "Ranstorp, M. (2016). The Root Causes of Violent Extremism. Radicalisation Awareness Network (RAN)."
    )


def test_csl_json_items_keep_their_language_and_are_found_by_their_double_suffix() -> None:
    jahnke, diamant, wolfowicz = (node.data for node in read_file(CSL).nodes)
    assert jahnke["id"] == JAHNKE_2022 and wolfowicz["id"] == WOLFOWICZ_2021  # DOI 10.1002/CL2.1174 in the file
    assert diamant["label"] == {
        "nl": "Duale identiteit in een multiculturele samenleving: een longitudinale kwalitatieve effectmeting van de "
        "weerbaarheidstraining Diamant"
    }
    assert (diamant["year"], diamant["locator"]) == (2013, "references.csl.json, item 2 (id feddes2013)")
    assert diamant["citation"].startswith("Feddes, A.R., Mann, L., De Zwart, N., & Doosje, B. (2013).")


def test_a_json_file_of_csl_items_is_read_as_references_and_other_json_as_json_ld(tmp_path: Path) -> None:
    plain = tmp_path / "zotero.json"
    plain.write_text(CSL.read_text(encoding="utf-8"), encoding="utf-8")
    assert [n.data["id"] for n in read_file(plain).nodes][0] == JAHNKE_2022
    linked = tmp_path / "graph.json"
    linked.write_text('[{"@id": "https://example.org/x", "@type": "https://example.org/T"}]', encoding="utf-8")
    (problem,) = read_file(linked).problems  # the JSON-LD reader's own word on it
    assert problem.message == "subject is neither a Caleido id nor part of the ontology"


def test_an_entry_type_without_a_source_type_of_its_own_is_the_nearest_and_says_so(tmp_path: Path) -> None:
    book = tmp_path / "book.ris"
    book.write_text(
        RIS.read_text(encoding="utf-8").replace("TY  - RPRT", "TY  - BOOK", 1).split("\n\n")[1], encoding="utf-8"
    )
    (node,) = read_file(book).nodes
    assert node.data["source_type"] == "research-report"
    assert node.data["note"] == (
        "The RIS entry type is BOOK; Caleido has no source type for it, so it is recorded as research-report."
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("10.1111/pops.12743", "10.1111/pops.12743"),
        ("https://doi.org/10.3233/DEV-230347", "10.3233/dev-230347"),
        ("http://dx.doi.org/10.1002/cl2.1174", "10.1002/cl2.1174"),
        ("doi: 10.1002/CL2.1174", "10.1002/cl2.1174"),
        ("https://doi.org/10.1111%2Fpops.12743", "10.1111/pops.12743"),
        ("cl2.1174", None),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC10121227", None),
        ("10.1111/", None),
    ],
)
def test_dois_are_kept_in_one_form_and_what_is_no_doi_is_refused(given: str, expected: str | None) -> None:
    assert normalise_doi(given) == expected


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("PY", "in press", None),
        ("PY", "z.j.", None),
        ("PY", "2022/05/01/", None),
        ("PY", "'22", 'year: "\'22" is not a year (write it as 2022, or leave it out)'),
        ("TI", "Young People &amp; Political Violence", "title: holds HTML markup (&amp;); give the plain text"),
        ("TI", "x" * 501, "title: the title is longer than 500 characters"),
        ("T2", "<b>Political Psychology</b>", "container: holds HTML markup (<b>, </b>); give the plain text"),
    ],
)
def test_each_field_rule_of_an_entry(field: str, value: str, problem: str | None) -> None:
    fields = {"TI": "The Root Causes of Violent Extremism", "AU": "Ranstorp, M.", "PY": "2016"} | {field: value}
    text = "TY  - RPRT\n" + "".join(f"{tag}  - {text}\n" for tag, text in fields.items()) + "ER  - \n"
    batch = bibliography.read_references("ris", "one.ris", text)
    assert [f"{p.field}: {p.message}" for p in batch.problems] == ([problem] if problem else [])


# ---------------------------------------------------------------- bad input: a clear problem, nothing written

BAD_FILES = {
    "unclosed-record.ris": ("line 7", "", "the record starting at line 1 has no 'ER  - ' line before the next"),
    "no-title.ris": ("entry 2 (line 7)", "title", "the entry has no title; a source needs one"),
    "unclosed-brace.bib": ("line 1", "", "not valid BibTeX: Unexpected block start: `@techreport`"),
    "not-a-doi.bib": ("entry wolfowicz2021 (line 1)", "doi", "'cl2.1174' is not a DOI"),
    "html-title.csl.json": ("item 1 (id jahnke2022)", "title", "holds HTML markup (<i>, </i>); give the plain text"),
    "trailing-comma.csl.json": ("line 7, column 3", "", "not valid JSON: Expecting property name"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_reference_files_name_file_entry_and_field_and_write_nothing(store: GraphStore, name: str) -> None:
    load(store, RIS)
    before = _sources(store)
    with pytest.raises(InvalidData) as raised:
        load(store, BAD / name)
    (problem,) = raised.value.problems
    location, field, message = BAD_FILES[name]
    assert (problem.file, problem.location, problem.field) == (str(BAD / name), location, field)
    assert problem.message.startswith(message), problem.message
    assert _sources(store) == before


def test_a_file_with_one_bad_entry_writes_none_of_its_good_ones(store: GraphStore) -> None:
    with pytest.raises(InvalidData):
        load(store, BAD / "no-title.ris")  # its first entry, the RAN paper, is fine
    assert _sources(store) == {}


# ---------------------------------------------------------------- `caleido load`: the store, merges, idempotence


def test_loading_the_three_formats_adds_each_publication_once_and_reports_the_merges(store: GraphStore) -> None:
    report = load(store, RIS, BIBTEX, CSL)
    sources = _sources(store)
    assert sorted(sources) == sorted(
        [
            JAHNKE_2022,
            JAHNKE_2023,
            WOLFOWICZ_2021,
            RANSTORP_2016,
            "src-feddes-2013-duale-identiteit-in-een-multiculturele-samenleving-een-21626a64",
            "src-feddes-2025-radicalisering-en-psychosociale-problematiek-beter-begrijpen-cdb306f5",
            "src-sieckelinck-2020-veerkracht-bevorderen-bij-opgroeiende-jongeren-inzetten-op-5d38c27c",
        ]
    )
    assert [(m.file, m.entry, m.into, m.reason, m.seen) for m in report.merged] == [
        (
            str(BIBTEX),
            "entry ranstorp2016 (line 25)",
            RANSTORP_2016,
            "the same title and year",
            "references.ris, entry 3 (line 25)",
        ),
        (
            str(CSL),
            "item 1 (id jahnke2022)",
            JAHNKE_2022,
            "the same DOI 10.1111/pops.12743",
            "references.ris, entry 1 (line 1)",
        ),
        (
            str(CSL),
            "item 3 (id wolfowicz2021)",
            WOLFOWICZ_2021,
            "the same DOI 10.1002/cl2.1174",
            "references.bib, entry wolfowicz2021 (line 1)",
        ),
    ]
    jahnke = sources[JAHNKE_2022]
    assert (jahnke["status"], jahnke["added_by"], jahnke["source"]) == ("proposed", TEST_AGENT, JAHNKE_2022)
    assert jahnke["quote"] == jahnke["label_en"] and jahnke["locator"] == "references.ris, entry 1 (line 1)"


def test_a_file_listing_each_publication_twice_adds_each_once(store: GraphStore, tmp_path: Path) -> None:
    twice = tmp_path / "twice.ris"
    twice.write_text(RIS.read_text(encoding="utf-8") * 2, encoding="utf-8")
    report = load(store, twice)
    assert len(_sources(store)) == 4
    assert [(m.entry, m.reason) for m in report.merged] == [
        ("entry 5 (line 47)", "the same DOI 10.1111/pops.12743"),
        ("entry 6 (line 63)", "the same title and year"),
        ("entry 7 (line 71)", "the same title and year"),
        ("entry 8 (line 81)", "the same title and year"),
    ]
    assert {m.seen for m in report.merged} == {
        f"twice.ris, entry {n} (line {line})" for n, line in ((1, 1), (2, 17), (3, 25), (4, 35))
    }


def test_publications_the_seed_holds_are_merged_with_the_seeds_records(store: GraphStore, tmp_path: Path) -> None:
    load(store, _seed_sources(tmp_path, SEED_JEP_2020, SEED_RAN_2016, SEED_WODC_2025, SEED_DIAMANT_2013))
    before = _sources(store)
    report = load(store, RIS, CSL)
    merged = {m.entry: (m.into, m.reason, m.seen) for m in report.merged}
    assert merged == {
        "entry 2 (line 17)": (SEED_JEP_2020, "the same title and year", "in the store"),
        # The seed labels it "The Root Causes of Violent Extremism (RAN Issue Paper)": the remark is left out.
        "entry 3 (line 25)": (SEED_RAN_2016, "the same title and year", "in the store"),
        "entry 4 (line 35)": (SEED_WODC_2025, "the same title and year", "in the store"),
        "item 1 (id jahnke2022)": (JAHNKE_2022, "the same DOI 10.1111/pops.12743", "references.ris, entry 1 (line 1)"),
        "item 2 (id feddes2013)": (SEED_DIAMANT_2013, "the same title and year", "in the store"),
    }
    after = _sources(store)
    assert sorted(set(after) - set(before)) == sorted([JAHNKE_2022, WOLFOWICZ_2021])
    assert all(after[i] == before[i] for i in before)  # the seed's records are left as they were


def test_importing_the_same_files_again_changes_nothing(store: GraphStore) -> None:
    load(store, RIS, BIBTEX, CSL)
    before = _sources(store)
    again = load(store, RIS, BIBTEX, CSL)
    assert not again.write.changed_anything
    assert again.nodes == 0 and len(again.merged) == 10
    assert {m.reason for m in again.merged if m.entry == "entry 2 (line 17)"} == {"the same title and year"}
    assert _sources(store) == before


def test_a_reference_accepted_by_a_curator_stays_accepted_when_its_file_is_loaded_again(store: GraphStore) -> None:
    load(store, RIS)
    review(store, JAHNKE_2022, "accept", "checked against the journal", "curator", now_utc())
    load(store, RIS)
    assert _sources(store)[JAHNKE_2022]["status"] == "accepted"


def test_caleido_load_prints_which_entries_were_merged_with_which_id(tmp_path: Path) -> None:
    def caleido(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "caleido", "load", *args, "--store", f"embedded:{tmp_path / 'store'}"]
        return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)

    first = caleido(str(RIS), str(CSL))
    assert first.returncode == 0, first.stderr
    assert "+ 6 Source" in first.stdout
    assert f"= {CSL}, item 1 (id jahnke2022): is {JAHNKE_2022} (the same DOI 10.1111/pops.12743;" in first.stdout
    bad = caleido(str(BAD / "not-a-doi.bib"))
    assert bad.returncode == 1 and "not-a-doi.bib, entry wolfowicz2021 (line 1), field doi:" in bad.stderr


# ---------------------------------------------------------------- the evidence CSV names its source by DOI

EVIDENCE_HEADER = "factor_name,factor_kind,outcome,effect_size,effect_measure,n_studies,source_doi\n"


def test_evidence_rows_name_an_imported_source_by_its_doi(store: GraphStore) -> None:
    load(store, RIS)
    text = EVIDENCE_HEADER + (
        "depression,risk,combined,0.07,r,10,https://doi.org/10.1111/POPS.12743\n"
        "empathy,protective,combined,-0.16,r,7,10.1111/pops.12743\n"
    )
    report = import_evidence_csv(store, "by-doi.csv", text, TEST_AGENT, now_utc())
    assert [row.source for row in report.rows] == [JAHNKE_2022, JAHNKE_2022]
    assert len(_sources(store)) == 4  # no new source
    findings = store.fetch_nodes("Finding", [row.finding for row in report.rows])
    assert {f["source"] for f in findings.values()} == {JAHNKE_2022}
    reported_in = {key for key, _ in _links(store, "REPORTED_IN")}
    assert {(row.finding, JAHNKE_2022) for row in report.rows} <= reported_in


def _links(store: GraphStore, rel: str) -> Iterator[tuple[tuple[str, str], dict[str, Any]]]:
    for source, target, values in store.iter_links(rel):
        yield (source, target), values


def test_a_doi_no_source_has_needs_a_citation_and_a_doi_must_be_one(store: GraphStore) -> None:
    load(store, RIS)
    unknown = EVIDENCE_HEADER + "aggression,risk,combined,0.24,r,10,10.1002/cl2.1174\n"
    with pytest.raises(InvalidData) as raised:
        import_evidence_csv(store, "unknown.csv", unknown, TEST_AGENT, now_utc())
    (problem,) = raised.value.problems
    assert (problem.location, problem.field) == ("line 2", "source_doi")
    assert problem.message.startswith("no source in the store has the DOI 10.1002/cl2.1174; import its reference")
    cited = "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation,source_doi\n" + (
        'aggression,risk,combined,0.24,r,"Wolfowicz, M. et al. (2021). Campbell Systematic Reviews.",10.1002/cl2.1174\n'
        "identification,risk,combined,0.21,r,,10.1002/cl2.1174\n"
    )
    report = import_evidence_csv(store, "cited.csv", cited, TEST_AGENT, now_utc())
    first, second = report.rows
    assert first.source == second.source and _sources(store)[first.source]["doi"] == "10.1002/cl2.1174"
    with pytest.raises(InvalidData) as raised:
        import_evidence_csv(store, "bad.csv", EVIDENCE_HEADER + "x,risk,y,0.1,r,,cl2.1174\n", TEST_AGENT, now_utc())
    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("source_doi", "'cl2.1174' is not a DOI (a DOI looks like 10.1111/pops.12743)")
    ]


# ---------------------------------------------------------------- the API's import route


@pytest.fixture
def api(store: GraphStore, keys: KeyStore) -> Iterator[TestClient]:
    with TestClient(create_app(store=store, keys=keys)) as client:
        yield client


def _upload(api: TestClient, keys: KeyStore, path: Path, **params: str) -> Any:
    files = {"file": (path.name, path.read_bytes(), "application/octet-stream")}
    return api.post("/api/v1/sources/import", files=files, params=params, headers=bearer(keys, "researcher"))


@pytest.mark.parametrize(("path", "fmt", "created"), [(RIS, "ris", 4), (BIBTEX, "bibtex", 3), (CSL, "csl-json", 3)])
def test_the_api_imports_each_format_as_proposed_sources(
    api: TestClient, keys: KeyStore, path: Path, fmt: str, created: int
) -> None:
    answer = _upload(api, keys, path)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["format"], body["created"], body["merged"]) == (fmt, created, 0)
    first = api.get(f"/api/v1/nodes/{body['entries'][0]['id']}").json()
    assert first["status"] == "proposed" and first["added_by"].startswith("key:")
    again = _upload(api, keys, path).json()
    assert (again["created"], again["merged"]) == (0, created)
    assert {e["reason"].split(";")[0] for e in again["entries"]} <= {
        "the same DOI 10.1111/pops.12743",
        "the same DOI 10.1002/cl2.1174",
        "the same DOI 10.3233/dev-230347",
        "the same title and year",
    }


def test_the_api_reads_the_format_from_a_parameter_and_refuses_bad_files(
    api: TestClient, keys: KeyStore, tmp_path: Path
) -> None:
    unnamed = tmp_path / "export.txt"
    unnamed.write_bytes(RIS.read_bytes())
    assert _upload(api, keys, unnamed, format="ris").json()["created"] == 4
    plain = tmp_path / "plain.txt"
    plain.write_text("not a reference file\n", encoding="utf-8")
    unknown = _upload(api, keys, plain)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "format"
    bad = _upload(api, keys, BAD / "no-title.ris")
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {
            "file": "no-title.ris",
            "location": "entry 2 (line 7)",
            "field": "title",
            "message": "the entry has no title; a source needs one",
        }
    ]
    assert api.post("/api/v1/sources/import", files={"file": ("r.ris", RIS.read_bytes())}).status_code == 401


def test_format_of_tells_the_three_formats_by_name_and_by_content() -> None:
    ris, bib, csl = (p.read_text(encoding="utf-8") for p in (RIS, BIBTEX, CSL))
    assert [bibliography.format_of(n, t) for n, t in (("a.RIS", ""), ("a.bib", ""), ("a.csl.json", ""))] == [
        "ris",
        "bibtex",
        "csl-json",
    ]
    assert [bibliography.format_of("upload", t) for t in (ris, bib, csl, "hello")] == [
        "ris",
        "bibtex",
        "csl-json",
        None,
    ]


def test_a_reference_import_sent_with_prefer_respond_async_runs_as_a_job(api: TestClient, keys: KeyStore) -> None:
    researcher = bearer(keys, "researcher")
    files = {"file": (BIBTEX.name, BIBTEX.read_bytes())}
    accepted = api.post("/api/v1/sources/import", files=files, headers={**researcher, "Prefer": "respond-async"})
    assert accepted.status_code == 202 and accepted.json()["kind"] == "source-import"
    for _ in range(200):
        job = api.get(accepted.headers["location"], headers=researcher).json()
        if job["state"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    assert job["state"] == "done", job
    assert (job["result"]["created"], job["result"]["format"]) == (3, "bibtex")


def test_a_long_author_list_is_cut_as_apa_cuts_it_and_csl_names_must_be_a_list() -> None:
    authors = ", ".join(f'{{"family": "Author{n}", "given": "A."}}' for n in range(1, 26))
    text = f'[{{"type": "report", "title": "Many hands", "author": [{authors}], "issued": {{"date-parts": [[2020]]}}}}]'
    (node,) = bibliography.read_references("csl-json", "many.json", text).nodes
    assert node.data["citation"].startswith("Author1, A., Author2, A.,")
    assert "Author19, A., . . . Author25, A. (2020). Many hands." in node.data["citation"]
    assert "Author20" not in node.data["citation"]
    text = '[{"type": "report", "title": "Many hands", "author": "Author1, A."}]'
    (problem,) = bibliography.read_references("csl-json", "many.json", text).problems
    assert (problem.location, problem.field) == ("item 1", "author")
