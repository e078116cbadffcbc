"""The grade crosswalk: the Dutch recognition levels beside foreign grading scales, and the sourced mappings
between their levels, read from the ontology (vocabularies.ttl). It needs no store: the scales are the model's."""

from __future__ import annotations

from functools import cache
from typing import Any

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from caleido.graph.usecases.results import GradeCrosswalk, GradeLevel, GradeMapping, GradeScale, SourcedPassage
from caleido.ontology.model import CAL, CID, Ontology, Scheme, load_ontology, local_name

# The Dutch levels first; then the scales peers.md compares them with.
GRADE_SCHEMES = (
    "EvidenceGradeScheme",
    "GradeScheme",
    "MarylandScaleScheme",
    "BlueprintsScheme",
    "CrimeSolutionsScheme",
)
MAPPINGS = (SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.exactMatch, SKOS.relatedMatch)


def _source_name(node: Node | None) -> str:
    """A Source record by its id, a web page by its address."""
    text = str(node)
    return text.removeprefix(str(CID)) if text.startswith(str(CID)) else text


def _sources(g: Graph, subject: Node) -> list[str]:
    return sorted(_source_name(s) for s in g.objects(subject, DCTERMS.source))


def _passages(g: Graph, subject: Node) -> list[SourcedPassage]:
    out = [
        SourcedPassage(
            source=_source_name(g.value(p, DCTERMS.source)),
            locator=str(g.value(p, CAL.locator)),
            quote=str(g.value(p, CAL.quote)),
        )
        for p in g.objects(subject, CAL.passage)
    ]
    return sorted(out, key=lambda p: (p.source, p.locator, p.quote))


def _texts(values: dict[str, str], name: str) -> dict[str, Any]:
    return {f"{name}_{lang}": values.get(lang) for lang in ("nl", "en")}


def _scale(o: Ontology, scheme: Scheme) -> GradeScale:
    g = o.graph
    levels = [
        GradeLevel(
            notation=c.notation,
            **_texts(c.labels, "label"),
            **_texts(c.definitions, "definition"),
            sources=_sources(g, c.iri),
            passages=_passages(g, c.iri),
            note=str(note) if (note := g.value(c.iri, CAL.note)) is not None else None,
        )
        for c in scheme.concepts.values()
    ]
    return GradeScale(
        scheme=scheme.name,
        **_texts(scheme.labels, "label"),
        **_texts(scheme.definitions, "definition"),
        sources=_sources(g, scheme.iri),
        levels=levels,
    )


def _mapping(o: Ontology, description: Node) -> GradeMapping:
    g = o.graph
    subject, relation, target = (g.value(description, p) for p in (RDF.subject, RDF.predicate, RDF.object))
    source_concept, target_concept = o.concepts_by_iri[URIRef(str(subject))], o.concepts_by_iri[URIRef(str(target))]
    return GradeMapping(
        from_scheme=local_name(source_concept.schemes[0]),
        from_level=source_concept.notation,
        relation=local_name(relation),  # type: ignore[arg-type]  # one of MAPPINGS, checked by the test
        to_scheme=local_name(target_concept.schemes[0]),
        to_level=target_concept.notation,
        note=str(g.value(description, CAL.note)),
        sources=_sources(g, description),
        passages=_passages(g, description),
    )


@cache
def grade_crosswalk() -> GradeCrosswalk:
    """Every grading scale with its levels, and every described mapping between levels of two scales."""
    o = load_ontology()
    mappings = [_mapping(o, d) for d in o.graph.subjects(RDF.type, CAL.GradeMapping)]
    return GradeCrosswalk(
        scales=[_scale(o, o.schemes[name]) for name in GRADE_SCHEMES],
        mappings=sorted(mappings, key=lambda m: (m.from_scheme, m.from_level, m.to_scheme, m.to_level)),
    )
