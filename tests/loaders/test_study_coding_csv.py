"""The evidence CSV's study-coding columns (issue 18), on each store: a Dutch spreadsheet's decimal commas in the
interval and follow-up, a lower-case country, and the interval checked against the effect size before any write."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from caleido.errors import InvalidData
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.store import GraphStore
from caleido.loaders.evidence import import_evidence_csv
from caleido.loaders.export import export_rdf
from caleido.ontology.model import CAL, CID
from caleido.ontology.records import now_utc
from tests.helpers import TEST_AGENT, load

HEADER = (
    "factor_name;factor_kind;outcome;effect_size;effect_measure;source_citation;study_design;maryland_level;"
    "country;sample_size;ci_lower;ci_upper;follow_up_months;risk_of_bias\n"
)


def test_a_semicolon_file_with_decimal_commas_is_coded_as_written(store: GraphStore) -> None:
    text = HEADER + "despair;risk;attitudes;0,21;r;Roe (2023). A study.;cohort;2;be;88;0,02;0,40;1,5;unclear\n"
    report = import_evidence_csv(store, "nl.csv", text, TEST_AGENT, now_utc())
    (finding,) = store.fetch_nodes("Finding", [report.rows[0].finding]).values()
    coded = ("effect_size", "ci_lower", "ci_upper", "follow_up_months", "sample_size", "country", "maryland_level")
    assert tuple(finding[k] for k in coded) == (0.21, 0.02, 0.4, 1.5, 88, "BE", "2")
    assert (finding["study_design"], finding["risk_of_bias"]) == ("cohort", "unclear")


def test_an_effect_outside_its_interval_is_refused_and_nothing_is_written(store: GraphStore) -> None:
    before = store.counts()
    text = HEADER + "despair;risk;attitudes;0,5;r;Roe (2023). A study.;rct;5;nl;10;0,02;0,40;;low\n"
    with pytest.raises(InvalidData) as raised:
        import_evidence_csv(store, "outside.csv", text, TEST_AGENT, now_utc())
    assert any("outside its confidence interval [0.02, 0.4]" in p.message for p in raised.value.problems)
    assert store.counts() == before


def test_a_coded_finding_survives_an_rdf_round_trip(store: GraphStore, tmp_path: Path) -> None:
    text = HEADER + "despair;risk;attitudes;0,21;r;Roe (2023). A study.;cohort;2;be;88;0,02;0,40;1,5;unclear\n"
    finding_id = import_evidence_csv(store, "nl.csv", text, TEST_AGENT, now_utc()).rows[0].finding
    first = export_rdf(store, "ttl")
    dump = tmp_path / "export.ttl"
    dump.write_text(first, encoding="utf-8")
    fresh = EmbeddedStore(tmp_path / "fresh")
    try:
        load(fresh, dump)
        second = export_rdf(fresh, "ttl")
        again = fresh.fetch_nodes("Finding", [finding_id])[finding_id]
    finally:
        fresh.close()
    assert (again["maryland_level"], again["ci_upper"], again["country"]) == ("2", 0.4, "BE")
    assert isomorphic(Graph().parse(data=first, format="turtle"), Graph().parse(data=second, format="turtle"))
    assert (CID[finding_id], CAL.marylandLevel, CAL["sms-2"]) in Graph().parse(data=first, format="turtle")
