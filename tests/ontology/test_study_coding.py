"""Issue 18: a finding coded as reviewers code a study, and the crosswalk between the Dutch recognition levels and
GRADE, the Maryland scale, Blueprints and CrimeSolutions: bilingual, sourced, checked by SHACL and by the record
model (which also says when an effect lies outside its confidence interval)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from pyshacl import validate
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from caleido.graph.usecases.grades import GRADE_SCHEMES, MAPPINGS, grade_crosswalk
from caleido.loaders.rdf_mapping import add_node, new_graph
from caleido.loaders.shacl import shapes_graph, vocabulary_graph
from caleido.ontology.model import CAL, CID, FieldKind, load_ontology
from caleido.ontology.records import node_model

# The datatypes as IRIs, not rdflib's XSD namespace object: pytest looks up attributes on every module-level
# object while collecting, and XSD warns about each name it does not define.
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
XSD_DOUBLE = URIRef("http://www.w3.org/2001/XMLSchema#double")
ONTOLOGY = load_ontology()
G = ONTOLOGY.graph
PROV = {"source": "src-1", "locator": "p. 1", "status": "proposed", "added_by": "t", "added_at": "2026-01-01T00:00:00Z"}
CODED: dict[str, Any] = {
    "study_design": "meta-analysis",
    "maryland_level": "5",
    "country": "NL",
    "sample_size": 1200,
    "effect_size": 0.21,
    "ci_lower": 0.1,
    "ci_upper": 0.3,
    "follow_up_months": 12.0,
    "risk_of_bias": "some-concerns",
    "population": "young people 12-25",
    "outcome": "violence-willingness",
    "effect_measure": "r",
    "n_studies": 14,
}
NEW_SCHEMES = ("StudyDesignScheme", "RiskOfBiasScheme", *GRADE_SCHEMES[1:])


def _finding(**changes: Any) -> dict[str, Any]:
    return {"id": "fnd-x", "label": {"en": "x"}, "grade": "not-assessed", **PROV, **CODED, **changes}


# ---------------------------------------------------------------- the fields


def test_a_finding_has_every_field_a_reviewer_codes() -> None:
    fields = {f.name: f for f in ONTOLOGY.classes["Finding"].fields}
    expected = {
        "study_design": (FieldKind.CONCEPT, "StudyDesignScheme"),
        "maryland_level": (FieldKind.CONCEPT, "MarylandScaleScheme"),
        "country": (FieldKind.TEXT, None),
        "sample_size": (FieldKind.INTEGER, None),
        "ci_lower": (FieldKind.DOUBLE, None),
        "ci_upper": (FieldKind.DOUBLE, None),
        "follow_up_months": (FieldKind.DOUBLE, None),
        "risk_of_bias": (FieldKind.CONCEPT, "RiskOfBiasScheme"),
    }
    assert {n: (fields[n].kind, fields[n].scheme) for n in expected} == expected
    assert all(not fields[n].many and not fields[n].required for n in expected)
    assert (fields["sample_size"].minimum, fields["follow_up_months"].minimum) == (1.0, 0.0)
    assert {"population", "outcome", "effect_size", "effect_measure", "n_studies"} <= set(fields)


def test_the_schemes_hold_the_designs_and_the_rob2_terms() -> None:
    designs = set(ONTOLOGY.schemes["StudyDesignScheme"].concepts)
    assert {"meta-analysis", "systematic-review", "rct", "quasi-experimental", "cohort"} <= designs
    assert {"cross-sectional", "qualitative", "narrative-review", "guideline"} <= designs  # the seed's methods
    assert list(ONTOLOGY.schemes["RiskOfBiasScheme"].concepts) == ["low", "some-concerns", "high", "unclear"]
    assert list(ONTOLOGY.schemes["MarylandScaleScheme"].concepts) == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize(
    "path",
    ["studyDesign", "marylandLevel", "country", "sampleSize", "ciLower", "ciUpper", "followUpMonths", "riskOfBias"],
)
def test_each_new_property_is_bilingual(path: str) -> None:
    for predicate in (SKOS.prefLabel, SKOS.definition):
        assert {o.language for o in G.objects(CAL[path], predicate) if isinstance(o, Literal)} >= {"nl", "en"}


# ---------------------------------------------------------------- the record model and SHACL


def test_a_fully_coded_finding_passes_the_record_model_and_shacl() -> None:
    node_model("Finding").model_validate(_finding())
    assert _conforms(_graph())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ci_lower": 0.25}, "effect_size 0.21 lies outside its confidence interval [0.25, 0.3]"),
        ({"ci_lower": 0.4, "ci_upper": 0.3}, "the confidence interval is reversed"),
        ({"ci_upper": None}, "give both bounds of the confidence interval"),
        ({"country": "XX"}, "'XX' is not an ISO 3166-1 alpha-2 code"),
        ({"country": "NLD"}, "at most 2 characters"),
        ({"sample_size": 0}, "greater than or equal to 1"),
        ({"follow_up_months": -1.0}, "greater than or equal to 0"),
        ({"maryland_level": "6"}, "unknown term '6' in MarylandScaleScheme"),
        ({"risk_of_bias": "moderate"}, "unknown term 'moderate' in RiskOfBiasScheme"),
        ({"study_design": "anecdote"}, "unknown term 'anecdote' in StudyDesignScheme"),
    ],
)
def test_the_record_model_refuses_a_wrong_coding_with_a_clear_message(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        node_model("Finding").model_validate(_finding(**changes))


def test_an_interval_without_an_effect_size_is_checked_only_for_its_order() -> None:
    node_model("Finding").model_validate(_finding(effect_size=None))


@pytest.mark.parametrize(
    ("path", "wrong"),
    [
        (CAL.country, Literal("nl", datatype=XSD_STRING)),  # the pattern: upper case
        (CAL.sampleSize, Literal(0)),
        (CAL.followUpMonths, Literal(-2.0, datatype=XSD_DOUBLE)),
        (CAL.marylandLevel, CAL["grade-effective-strong"]),
        (CAL.riskOfBias, CAL["design-rct"]),
        (CAL.studyDesign, CAL["rob-low"]),
    ],
)
def test_shacl_refuses_a_wrong_value(path: URIRef, wrong: Any) -> None:
    g = _graph()
    g.set((CID["fnd-x"], path, wrong))
    assert not _conforms(g)


def _graph() -> Graph:
    g = new_graph()
    g += vocabulary_graph()
    values = {"label_en": "x", "grade": "not-assessed", **PROV, **CODED}
    add_node(g, "Finding", "fnd-x", values)
    add_node(g, "Source", "src-1", {"label_nl": "S", "source_type": "web-page", "citation": "c", **PROV})
    return g


def _conforms(g: Graph) -> bool:
    conforms, _, _ = validate(g, shacl_graph=shapes_graph(), inference="none", advanced=False)
    return bool(conforms)


# ---------------------------------------------------------------- the crosswalk


@pytest.mark.parametrize("scheme", NEW_SCHEMES)
def test_every_new_scheme_and_its_concepts_are_bilingual_and_the_scales_sourced(scheme: str) -> None:
    s = ONTOLOGY.schemes[scheme]
    assert {"nl", "en"} <= set(s.labels) and {"nl", "en"} <= set(s.definitions), scheme
    for concept in s.concepts.values():
        assert {"nl", "en"} <= set(concept.labels) and {"nl", "en"} <= set(concept.definitions), concept.iri
        if scheme in GRADE_SCHEMES:  # each level of a foreign scale is defined from its own page
            assert set(G.objects(concept.iri, DCTERMS.source)), concept.iri
    assert set(G.objects(s.iri, DCTERMS.source)), scheme


def test_each_level_of_a_foreign_scale_quotes_its_page_unless_a_note_says_why_not() -> None:
    unquoted = [
        c.iri
        for name in GRADE_SCHEMES[1:]
        for c in ONTOLOGY.schemes[name].concepts.values()
        if not set(G.objects(c.iri, CAL.passage))
    ]
    assert unquoted == [CAL["sms-4"]]  # the wording of level 4 was not found
    assert G.value(CAL["sms-4"], CAL.note)


def test_every_mapping_links_existing_concepts_of_two_schemes_and_is_described_with_a_note_and_sources() -> None:
    asserted = {(s, p, o) for p in MAPPINGS for s, o in G.subject_objects(p)}
    grade_schemes = {ONTOLOGY.schemes[n].iri for n in GRADE_SCHEMES}
    in_grades = {c for c, concept in ONTOLOGY.concepts_by_iri.items() if grade_schemes & set(concept.schemes)}
    asserted = {t for t in asserted if t[0] in in_grades or t[2] in in_grades}  # (clusters have their own)
    described = {
        (G.value(d, RDF.subject), G.value(d, RDF.predicate), G.value(d, RDF.object)): d
        for d in G.subjects(RDF.type, CAL.GradeMapping)
    }
    assert asserted and set(described) == asserted
    for (subject, _, target), description in described.items():
        a, b = ONTOLOGY.concepts_by_iri[subject], ONTOLOGY.concepts_by_iri[target]  # both exist
        assert set(a.schemes).isdisjoint(b.schemes), (subject, target)
        assert CAL.EvidenceGradeScheme in a.schemes + b.schemes  # a mapping is to the Dutch levels
        assert len(str(G.value(description, CAL.note))) > 40
        sources = set(G.objects(description, DCTERMS.source))
        assert sources and {G.value(p, DCTERMS.source) for p in G.objects(description, CAL.passage)} <= sources


def test_a_scale_without_a_sourced_mapping_says_so() -> None:
    mapped = {m.from_scheme for m in grade_crosswalk().mappings} | {m.to_scheme for m in grade_crosswalk().mappings}
    for name in GRADE_SCHEMES[1:]:
        if name not in mapped:
            assert "No source was found" in ONTOLOGY.schemes[name].definitions["en"], name


def test_the_crosswalk_answer_lists_every_scale_level_and_mapping() -> None:
    answer = grade_crosswalk()
    assert [s.scheme for s in answer.scales] == list(GRADE_SCHEMES)
    assert [len(s.levels) for s in answer.scales] == [len(ONTOLOGY.schemes[n].concepts) for n in GRADE_SCHEMES]
    (mapping,) = answer.mappings
    assert (mapping.from_scheme, mapping.from_level, mapping.relation, mapping.to_scheme, mapping.to_level) == (
        "MarylandScaleScheme",
        "1",
        "closeMatch",
        "EvidenceGradeScheme",
        "effective-first",
    )
    assert "https://www.nji.nl/effectieve-jeugdhulp/soorten-effectonderzoek" in mapping.sources
    assert any("eerste aanwijzingen" in p.quote for p in mapping.passages)
