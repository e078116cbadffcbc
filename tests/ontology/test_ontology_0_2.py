"""Ontology 0.2 (issue 16): the names every engineer uses, each with Dutch and English labels and definitions and
its source; the passages the terms rest on; SHACL accepting each new field and link and rejecting a wrong term."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from caleido.loaders.rdf_mapping import add_node, new_graph
from caleido.loaders.seed_claims import LETTER, normalised, source_text
from caleido.loaders.shacl import shacl_problems, shapes_graph, vocabulary_graph
from caleido.loaders.sources import SEED_FOLDER
from caleido.ontology.model import CAL, CID, load_ontology
from caleido.ontology.records import LinkRow, NodeRow, node_model

ONTOLOGY = load_ontology()
G = ONTOLOGY.graph
PROV = {"source": "src-1", "locator": "p. 1", "status": "proposed", "added_by": "t", "added_at": "2026-01-01T00:00:00Z"}

# The fixed names of the common brief: field -> (scheme, one value or many), per class.
FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    "RiskFactor": {
        "ecological_level": ("EcologicalLevelScheme", False),
        "factor_roles": ("FactorRoleScheme", True),
        "outcomes": ("OutcomeScheme", True),
        "spectrum": ("SpectrumScheme", True),
        "phenomena": ("PhenomenonScheme", True),
        "target_populations": ("TargetPopulationScheme", True),
    },
    "ProtectiveFactor": {
        "dimension": ("DimensionScheme", False),
        "ecological_level": ("EcologicalLevelScheme", False),
        "factor_kind": ("FactorKindScheme", False),
        "outcomes": ("OutcomeScheme", True),
        "phenomena": ("PhenomenonScheme", True),
        "target_populations": ("TargetPopulationScheme", True),
    },
    "Finding": {
        "outcomes": ("OutcomeScheme", True),
        "spectrum": ("SpectrumScheme", True),
        "phenomena": ("PhenomenonScheme", True),
        "target_populations": ("TargetPopulationScheme", True),
    },
    "IndividualProfile": {"spectrum": ("SpectrumScheme", True)},
    "Intervention": {
        "outcomes": ("OutcomeScheme", True),
        "phenomena": ("PhenomenonScheme", True),
        "target_populations": ("TargetPopulationScheme", True),
    },
    "ProgrammeTheme": {"outcomes": ("OutcomeScheme", True)},
    "FactorCombination": {"outcomes": ("OutcomeScheme", True), "spectrum": ("SpectrumScheme", True)},
}
NOTATIONS = {
    "EcologicalLevelScheme": ["micro", "meso", "macro"],
    "FactorRoleScheme": ["primary", "motor", "push", "pull"],
    "FactorKindScheme": ["protective", "promotive"],
    "OutcomeScheme": [
        "receptiveness",
        "adherence",
        "rule-breaking",
        "violence-willingness",
        "resilience-individual",
        "resilience-community",
        "resilience-society",
    ],
    "SpectrumScheme": ["anti-institutional-tendencies", "extremism", "violent-extremism"],
    "PhenomenonScheme": ["anti-institutional", "jihadist", "right-wing", "left-wing", "any"],
    "TargetPopulationScheme": ["youth", "adults", "parents", "professionals", "general-population"],
}
PAIRS = {
    "COMBINES": {("FactorCombination", "RiskFactor"), ("FactorCombination", "ProtectiveFactor")},
    "REQUESTED_BY": {("Source", "Organisation")},
    "DOCUMENTED_IN": {("Intervention", "Source"), ("Organisation", "Source")},
    "BUILDS": {("ProgrammeTheme", "ProtectiveFactor")},
    "ADDRESSES": {("Intervention", "RiskFactor"), ("ProgrammeTheme", "RiskFactor")},
    "CLOSE_MATCH": {
        ("RiskFactor", "RiskFactor"),
        ("ProtectiveFactor", "ProtectiveFactor"),
        ("ProtectiveFactor", "ProgrammeTheme"),
        ("ProgrammeTheme", "ProgrammeTheme"),
    },
    "MERGED_INTO": {("Organisation", "Organisation")},
    "CARRIES": {("IndividualProfile", "RiskFactor"), ("IndividualProfile", "ProtectiveFactor")},
}
NEW_PROPERTIES = [
    CAL[name]
    for name in (
        "ecologicalLevel factorRole factorKind concernsOutcome spectrum phenomenon targetPopulation combines "
        "requestedBy documentedIn builds closeMatch mergedInto carries addresses dimension"
    ).split()
]
NEW_TERMS = (
    [CAL.FactorCombination, *NEW_PROPERTIES]
    + [ONTOLOGY.schemes[s].iri for s in NOTATIONS]
    + [c.iri for s in NOTATIONS for c in ONTOLOGY.schemes[s].concepts.values()]
)


# ---------------------------------------------------------------- the names


def test_the_version_is_0_2_0_or_later() -> None:
    assert tuple(int(part) for part in ONTOLOGY.version.split(".")) >= (0, 2, 0)


@pytest.mark.parametrize("cls", sorted(FIELDS))
def test_each_class_has_the_fixed_fields_with_their_scheme_and_count(cls: str) -> None:
    for name, (scheme, many) in FIELDS[cls].items():
        f = ONTOLOGY.classes[cls].field(name)
        assert (f.scheme, f.many, f.required) == (scheme, many, False), (cls, name)
    assert ONTOLOGY.classes["ProtectiveFactor"].field("dimension").allowed == ("individual", "environment")


@pytest.mark.parametrize("scheme", sorted(NOTATIONS))
def test_each_scheme_has_the_fixed_notations_in_order(scheme: str) -> None:
    assert list(ONTOLOGY.schemes[scheme].concepts) == NOTATIONS[scheme]


@pytest.mark.parametrize("rel", sorted(PAIRS))
def test_each_new_relationship_joins_the_fixed_pairs(rel: str) -> None:
    assert ONTOLOGY.relationships[rel].pairs == PAIRS[rel]
    assert ONTOLOGY.relationships[rel].field_name == rel.lower()


def test_close_match_is_a_skos_close_match() -> None:
    assert (CAL.closeMatch, RDFS.subPropertyOf, SKOS.closeMatch) in G


# ---------------------------------------------------------------- bilingual and sourced


@pytest.mark.parametrize("term", NEW_TERMS, ids=lambda t: str(t).rsplit("#", 1)[-1])
def test_every_new_term_has_dutch_and_english_labels_and_definitions_and_a_source(term: URIRef) -> None:
    for predicate in (SKOS.prefLabel, SKOS.definition):
        texts = {o.language: str(o) for o in G.objects(term, predicate) if isinstance(o, Literal)}
        assert {"nl", "en"} <= set(texts) and all(texts.values()), (term, predicate)
    assert set(G.objects(term, DCTERMS.source)) | set(G.objects(term, RDFS.isDefinedBy)), term


def _passages() -> list[tuple[Any, Any]]:
    return sorted((term, p) for term, p in G.subject_objects(CAL.passage))


def test_every_passage_names_one_of_its_terms_sources_a_locator_and_a_short_quote() -> None:
    passages = _passages()
    assert len(passages) >= 30
    for term, passage in passages:
        source = G.value(passage, DCTERMS.source)
        assert source in set(G.objects(term, DCTERMS.source)), term
        assert str(G.value(passage, CAL.locator) or "") and 10 <= len(str(G.value(passage, CAL.quote))) <= 450, term


def test_every_quote_from_the_letter_occurs_in_it_verbatim() -> None:
    letter = source_text(LETTER)
    quotes = [
        (term, str(G.value(p, CAL.quote))) for term, p in _passages() if G.value(p, DCTERMS.source) == CID[LETTER]
    ]
    assert len(quotes) >= 15
    assert [(t, q[:60]) for t, q in quotes if normalised(q) not in letter] == []


def test_the_seed_sources_a_term_names_exist() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in Path(SEED_FOLDER).glob("*.yaml"))
    named = {str(o)[len(str(CID)) :] for t in NEW_TERMS for o in G.objects(t, DCTERMS.source) if str(o).startswith(CID)}
    assert named and [n for n in named if f"id: {n}\n" not in text] == []


# ---------------------------------------------------------------- SHACL and pydantic


def _all_terms(cls: str) -> dict[str, Any]:
    """Values for every new field of a class: a list of all notations for a many-field, the first for one."""
    out: dict[str, Any] = {}
    for name, (scheme, many) in FIELDS[cls].items():
        allowed = ONTOLOGY.classes[cls].field(name).allowed or NOTATIONS.get(scheme, [])
        out[name] = list(allowed) if many else allowed[0]
    return out


NODES = {
    "RiskFactor": {"label_nl": "R", "dimension": "environment"},
    "ProtectiveFactor": {"label_nl": "P"},
    "Finding": {"label_nl": "F", "grade": "not-assessed"},
    "IndividualProfile": {"label_nl": "I"},
    "Intervention": {"label_nl": "I", "intervention_type": "programme"},
    "ProgrammeTheme": {"label_nl": "T"},
    "FactorCombination": {"label_nl": "C"},
    "Source": {"label_nl": "S", "source_type": "web-page", "citation": "c"},
    "Organisation": {"label_nl": "O", "organisation_type": "network"},
}


def _node(cls: str, node_id: str) -> NodeRow:
    return NodeRow(cls, node_id, {**NODES[cls], **(_all_terms(cls) if cls in FIELDS else {}), **PROV})


def test_shacl_accepts_a_record_of_each_class_using_every_new_field_and_every_new_link() -> None:
    ids = {cls: f"x-{cls.lower()}" for cls in NODES}
    nodes = [_node(cls, node_id) for cls, node_id in ids.items()]
    links = [
        LinkRow(rel, ids[a], ids[b], dict(PROV))
        for rel, pairs in PAIRS.items()
        for a, b in sorted(pairs)
        if a != b  # a link to itself is no claim
    ]
    classes = {"src-1": "Source"} | {node_id: cls for cls, node_id in ids.items()}
    assert shacl_problems(nodes, links, classes) == []
    for node in nodes:  # and pydantic, which reads the records first
        values = {k: v for k, v in node.values.items() if not k.startswith("label_")}
        node_model(node.cls).model_validate({"id": node.id, "label": {"nl": "x"}, **values})


def _conforms(g: Graph) -> bool:
    conforms, _, _ = validate(g, shacl_graph=shapes_graph(), inference="none", advanced=False)
    return bool(conforms)


@pytest.mark.parametrize(
    ("cls", "path", "wrong"),
    [
        ("RiskFactor", CAL.ecologicalLevel, CAL["level-local"]),  # a governance level, not an ecological one
        ("RiskFactor", CAL.factorRole, CAL["kind-promotive"]),
        ("ProtectiveFactor", CAL.dimension, CAL["dimension-protective"]),  # in the scheme, not allowed here
        ("ProtectiveFactor", CAL.factorKind, CAL["role-push"]),
        ("Finding", CAL.concernsOutcome, CAL["spectrum-extremism"]),
        ("IndividualProfile", CAL.spectrum, CAL["outcome-adherence"]),
        ("Intervention", CAL.phenomenon, CAL["population-youth"]),
        ("FactorCombination", CAL.spectrum, CAL["outcome-adherence"]),
    ],
)
def test_shacl_rejects_a_term_from_the_wrong_scheme(cls: str, path: URIRef, wrong: URIRef) -> None:
    g = _graph_with(cls)
    assert _conforms(g)
    g.set((CID["x-1"], path, wrong))
    assert not _conforms(g)


def test_shacl_rejects_a_second_ecological_level() -> None:
    g = _graph_with("RiskFactor")
    g.add((CID["x-1"], CAL.ecologicalLevel, CAL["level-macro"]))
    assert not _conforms(g)


def _graph_with(cls: str) -> Graph:
    """A graph holding one record x-1 of the class with every new field, its source, and the vocabularies."""
    g = new_graph()
    g += vocabulary_graph()
    add_node(g, cls, "x-1", _node(cls, "x-1").values)
    add_node(g, "Source", "src-1", _node("Source", "src-1").values)
    return g


def test_pydantic_refuses_an_unknown_notation() -> None:
    with pytest.raises(ValidationError, match="ecological_level"):
        node_model("RiskFactor").model_validate(
            {"id": "x", "label": {"nl": "x"}, **NODES["RiskFactor"], **PROV, "ecological_level": "local"}
        )
