"""SHACL validation of a batch, with results mapped back to the records they came from."""

from __future__ import annotations

from functools import cache

from pyshacl import validate
from rdflib import RDF, Graph, URIRef

from caleido.errors import Problem
from caleido.loaders.rdf_mapping import (
    LINK,
    add_link,
    add_node,
    link_iri,
    new_graph,
    ontology_graph,
)
from caleido.ontology.model import CID, SH, load_ontology
from caleido.ontology.records import LinkRow, NodeRow, Origin


@cache
def shapes_graph() -> Graph:
    """A private copy of the ontology for pyshacl, which may add triples to the graph it is given."""
    copy = Graph(bind_namespaces="none")
    copy += load_ontology().graph
    return copy


@cache
def vocabulary_graph() -> Graph:
    """Classes and concepts, mixed into the data so sh:class and scheme membership resolve."""
    return ontology_graph(new_graph())


def shacl_problems(nodes: list[NodeRow], links: list[LinkRow], classes: dict[str, str]) -> list[Problem]:
    """Validate a batch's nodes and links; ends already in the store are typed from `classes`."""
    ontology = load_ontology()
    g = new_graph()
    g += vocabulary_graph()
    origins: dict[URIRef, Origin | None] = {}
    for node in nodes:
        add_node(g, node.cls, node.id, node.values)
        origins[CID[node.id]] = node.origin
    for link in links:
        add_link(g, link.rel, link.source_id, link.target_id, link.values)
        origins[link_iri(link.source_id, ontology.relationships[link.rel].iri, link.target_id)] = link.origin
    # Nodes this batch points at but does not hold: give them their stored class.
    in_batch = {n.id for n in nodes}
    for obj in set(g.objects()):
        if isinstance(obj, URIRef) and str(obj).startswith(str(CID)) and not str(obj).startswith(str(LINK)):
            node_id = str(obj)[len(str(CID)) :]
            if node_id not in in_batch and node_id in classes:
                g.add((obj, RDF.type, ontology.classes[classes[node_id]].iri))
    conforms, report, _ = validate(
        g,
        focus_nodes=sorted(origins),  # the batch only: nodes already stored were validated when written
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=False,
        allow_warnings=True,
    )
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = str(report.value(result, SH.resultMessage) or "does not conform to its shape")
        origin = origins.get(focus) if isinstance(focus, URIRef) else None
        location = origin.location if origin else f"<{focus}>"
        problems.append(Problem(origin.file if origin else "", location, _field_name(path), f"SHACL: {message}"))
    return sorted(set(problems), key=lambda p: (p.file, p.location, p.field, p.message))


def _field_name(path: object) -> str:
    """The record field a SHACL result path stands for."""
    if path is None:
        return ""
    ontology = load_ontology()
    fields = [*ontology.link_fields, *(f for c in ontology.classes.values() for f in c.fields)]
    for f in fields:
        if f.path == path:
            return f.name
    for rel in ontology.relationships.values():
        if rel.iri == path:
            return rel.field_name
    return str(path)
