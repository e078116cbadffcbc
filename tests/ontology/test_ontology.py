"""The ontology is complete, bilingual, and the only source of labels, columns and relationships."""

from __future__ import annotations

import typing

import pytest
from rdflib import RDF, Graph
from rdflib.namespace import OWL, SKOS

from caleido.ontology.model import CAL, FieldKind, load_ontology
from caleido.ontology.records import LangText, link_model, node_model

ONTOLOGY = load_ontology()


def test_ontology_has_a_version() -> None:
    assert ONTOLOGY.version.count(".") == 2


NAMED_CLASSES = sorted(c for c in ONTOLOGY.graph.subjects(RDF.type, OWL.Class) if str(c).startswith(str(CAL)))


@pytest.mark.parametrize("iri", NAMED_CLASSES, ids=str)
def test_every_class_has_dutch_and_english_label_and_definition(iri: object) -> None:
    g = ONTOLOGY.graph
    labels = {o.language for o in g.objects(iri, SKOS.prefLabel)}
    definitions = {o.language for o in g.objects(iri, SKOS.definition)}
    assert {"nl", "en"} <= labels
    assert {"nl", "en"} <= definitions


def test_every_concept_and_scheme_is_bilingual() -> None:
    g = ONTOLOGY.graph
    subjects = set(g.subjects(RDF.type, SKOS.Concept)) | set(g.subjects(RDF.type, SKOS.ConceptScheme))
    missing = [
        s
        for s in subjects
        if {o.language for o in g.objects(s, SKOS.prefLabel)} < {"nl", "en"}
        or {o.language for o in g.objects(s, SKOS.definition)} < {"nl", "en"}
    ]
    assert len(subjects) > 80
    assert missing == []


def test_every_data_class_has_a_shape_and_lands_in_the_python_view() -> None:
    g = ONTOLOGY.graph
    owl_classes = {c for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(str(CAL)) and c != CAL.LinkAssertion}
    assert {c.iri for c in ONTOLOGY.classes.values()} == owl_classes


def test_relationship_pairs_lie_within_owl_domain_and_range() -> None:
    g = ONTOLOGY.graph

    def members(node: object) -> set[str]:
        union = g.value(node, OWL.unionOf)
        if union is None:
            return {str(node).rsplit("#", 1)[-1]}
        from rdflib.collection import Collection

        return {str(m).rsplit("#", 1)[-1] for m in Collection(g, union)}

    for rel in ONTOLOGY.relationships.values():
        domain = members(g.value(rel.iri, RDFS_DOMAIN))
        range_ = members(g.value(rel.iri, RDFS_RANGE))
        for source, target in rel.pairs:
            assert source in domain and target in range_, (rel.name, source, target)


RDFS_DOMAIN = Graph().namespace_manager.expand_curie("rdfs:domain")
RDFS_RANGE = Graph().namespace_manager.expand_curie("rdfs:range")


def test_relationship_types_follow_the_property_names() -> None:
    assert "BELONGS_TO" in ONTOLOGY.relationships
    assert ONTOLOGY.relationships["PARTICIPATES_IN"].field_name == "participates_in"
    assert ONTOLOGY.relationships["EVIDENCE_FOR"].required_qualifiers == ("direction",)
    assert set(ONTOLOGY.relationships["RUNS"].qualifiers) == {"role", "note"}


def _inner(annotation: object) -> object:
    """Strip Optional, list and Annotated down to the base type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (list, typing.Union) or str(origin) == "<class 'types.UnionType'>":
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation


@pytest.mark.parametrize("cls", sorted(ONTOLOGY.classes), ids=str)
def test_pydantic_model_agrees_with_the_shape(cls: str) -> None:
    model = node_model(cls)
    shape_fields = {f.name: f for f in ONTOLOGY.classes[cls].fields}
    assert set(model.model_fields) == {"id"} | set(shape_fields)
    for name, f in shape_fields.items():
        info = model.model_fields[name]
        filled_by_loader = f.kind in (FieldKind.AGENT, FieldKind.DATETIME)
        assert info.is_required() == (f.required and not f.many and not filled_by_loader), name
        python = _inner(info.annotation)
        expected = {
            FieldKind.LANGTEXT: LangText,
            FieldKind.INTEGER: int,
            FieldKind.DOUBLE: float,
        }.get(f.kind)
        if expected is not None:
            assert python is expected, name
        if f.many:
            assert typing.get_origin(info.annotation) is list, name


def test_link_model_agrees_with_the_link_shape() -> None:
    assert set(link_model().model_fields) == {"rel", "to"} | {f.name for f in ONTOLOGY.link_fields}


def test_concept_notations_are_unique_within_each_scheme_and_clusters_share_one_union() -> None:
    for scheme in ONTOLOGY.schemes.values():
        notations = [c.notation for c in scheme.concepts.values()]
        assert len(notations) == len(set(notations))
    per_source = sum(
        len(ONTOLOGY.schemes[s].concepts)
        for s in ("RanstorpClusterScheme", "CoeusClusterScheme", "NjiClusterScheme", "LetterClusterScheme")
    )
    assert len(ONTOLOGY.schemes["ClusterScheme"].concepts) == per_source


def test_evidence_grades_are_ordered_like_the_dutch_recognition_levels() -> None:
    grades = list(ONTOLOGY.schemes["EvidenceGradeScheme"].concepts)
    assert grades == [
        "not-assessed",
        "well-described",
        "well-founded",
        "effective-first",
        "effective-good",
        "effective-strong",
    ]


def test_no_field_name_collides_with_query_variables() -> None:
    names = {f.name for c in ONTOLOGY.classes.values() for f in c.fields} | {f.name for f in ONTOLOGY.link_fields}
    assert not [n for n in names if n.startswith(("x_", "v_"))]


def test_skos_references_resolve() -> None:
    g = ONTOLOGY.graph
    schemes = set(g.subjects(RDF.type, SKOS.ConceptScheme))
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert set(g.objects(None, SKOS.inScheme)) <= schemes
    assert set(g.objects(None, SKOS.closeMatch)) <= concepts
