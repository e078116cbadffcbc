"""Ontology 0.3 (issue 17): the names of the shared data contract for regional bodies, each bilingual and defined;
SHACL and the record model agree on them (a phone number that is not Dutch, a date that is not one, are refused)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from caleido.loaders.shacl import shacl_problems
from caleido.ontology.model import CAL, load_ontology
from caleido.ontology.records import LinkRow, NodeRow, node_model

ONTOLOGY = load_ontology()
G = ONTOLOGY.graph
PROV = {"source": "src-1", "locator": "p. 1", "status": "proposed", "added_by": "t", "added_at": "2026-01-01T00:00:00Z"}
REGION_TYPES = [
    "municipality",
    "safety-region",
    "province",
    "ggd-region",
    "police-unit",
    "jeugdregio",
    "arrondissement",
]
NEW_TERMS = [
    CAL.kindOf,
    CAL.phone,
    CAL.lastVerified,
    *(CAL[f"rtype-{t}"] for t in REGION_TYPES[3:]),
    CAL["role-adviser"],
    CAL["role-trainer"],
]
ORG = {"organisation_type": "network", **PROV}
ROW = {"label_nl": "O", **ORG}


def test_the_version_is_0_3_0() -> None:
    assert ONTOLOGY.version == "0.3.0"


def test_the_contract_names() -> None:
    assert list(ONTOLOGY.schemes["RegionTypeScheme"].concepts) == REGION_TYPES
    assert {"adviser", "trainer"} <= set(ONTOLOGY.schemes["OrganisationRoleScheme"].concepts)
    kind_of = ONTOLOGY.relationships["KIND_OF"]
    assert (kind_of.field_name, kind_of.pairs) == ("kind_of", frozenset({("Organisation", "Organisation")}))
    org = ONTOLOGY.classes["Organisation"]
    assert (org.field("phone").kind, org.field("phone").many) == ("text", False)
    assert (org.field("last_verified").kind, org.field("last_verified").many) == ("date", False)
    assert (CAL.phone, RDFS.subPropertyOf, URIRef("http://schema.org/telephone")) in G


@pytest.mark.parametrize("term", NEW_TERMS, ids=lambda t: str(t).rsplit("#", 1)[-1])
def test_every_new_term_is_bilingual_and_defined(term: URIRef) -> None:
    for predicate in (SKOS.prefLabel, SKOS.definition):
        texts = {o.language: str(o) for o in G.objects(term, predicate) if isinstance(o, Literal)}
        assert {"nl", "en"} <= set(texts) and all(texts.values()), (term, predicate)


def test_the_region_types_name_their_source() -> None:
    for notation in REGION_TYPES[3:]:
        assert G.value(CAL[f"rtype-{notation}"], DCTERMS.source) is not None, notation


def test_shacl_and_the_record_model_accept_the_new_fields_and_link() -> None:
    body = {**ROW, "phone": "088 - 123 45 67", "last_verified": "2026-12-03"}
    nodes = [NodeRow("Organisation", "org-a", body), NodeRow("Organisation", "org-b", ROW)]
    classes = {"src-1": "Source", "org-a": "Organisation", "org-b": "Organisation"}
    assert shacl_problems(nodes, [LinkRow("KIND_OF", "org-a", "org-b", dict(PROV))], classes) == []
    node_model("Organisation").model_validate(
        {"id": "org-a", "label": {"nl": "x"}, **{k: v for k, v in body.items() if k != "label_nl"}}
    )


@pytest.mark.parametrize("phone", ["0800-1234", "+31 (0)20 123 4567", "070-3157870", "088 - 123 45 67"])
def test_a_dutch_general_number_is_taken(phone: str) -> None:
    node_model("Organisation").model_validate({"id": "o", "label": {"nl": "x"}, **ORG, "phone": phone})


@pytest.mark.parametrize("phone", ["12345", "call us", "+44 20 7946 0000", "<b>0800-1234</b>", "0800-1234; DROP"])
def test_anything_else_is_refused_by_both(phone: str) -> None:
    with pytest.raises(ValidationError, match="phone"):
        node_model("Organisation").model_validate({"id": "o", "label": {"nl": "x"}, **ORG, "phone": phone})
    problems = shacl_problems([NodeRow("Organisation", "o", {**ROW, "phone": phone})], [], {"src-1": "Source"})
    assert problems, phone


def test_a_last_verified_that_is_no_date_is_refused() -> None:
    with pytest.raises(ValidationError, match="last_verified"):
        node_model("Organisation").model_validate(
            {"id": "o", "label": {"nl": "x"}, **ORG, "last_verified": "yesterday"}
        )
