"""SHACL validation of a batch, with results mapped back to the records they came from."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from pyshacl import validate
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from caleido.errors import Problem
from caleido.loaders.rdf_mapping import (
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


@cache
def _vocabulary_by_subject() -> dict[Node, list[tuple[Node, Node, Node]]]:
    by_subject: dict[Node, list[tuple[Node, Node, Node]]] = defaultdict(list)
    for triple in vocabulary_graph():
        by_subject[triple[0]].append(triple)
    return dict(by_subject)


def _add_vocabulary_reached(g: Graph) -> None:
    """Mix into the batch's graph the vocabulary it reaches: the triples about what its triples point at, and
    about what those point at in turn (a concept's type and scheme, a class's superclasses). That is all
    sh:class and scheme checks read of the vocabulary; copying all of it cost most of a small write's time."""
    by_subject = _vocabulary_by_subject()
    todo = [o for o in set(g.objects()) if o in by_subject]
    reached = set(todo)
    while todo:
        for triple in by_subject[todo.pop()]:
            g.add(triple)
            if triple[2] in by_subject and triple[2] not in reached:
                reached.add(triple[2])
                todo.append(triple[2])


def shacl_problems(nodes: list[NodeRow], links: list[LinkRow], classes: dict[str, str]) -> list[Problem]:
    """Validate a batch's nodes and links; `classes` gives the class of every id in the batch or the store."""
    ontology = load_ontology()
    g = new_graph()
    origins: dict[URIRef, Origin | None] = {}
    for node in nodes:
        add_node(g, node.cls, node.id, node.values)
        origins[CID[node.id]] = node.origin
    for link in links:
        add_link(g, link.rel, link.source_id, link.target_id, link.values)
        origins[link_iri(link.source_id, ontology.relationships[link.rel].iri, link.target_id)] = link.origin
    _add_vocabulary_reached(g)
    # Nodes the batch points at but does not hold stay untyped here, so no shape targets them (they
    # were validated when written, and typing them would make pyshacl check them again, empty). Their
    # class was checked against the store before SHACL runs; only those sh:class results are set aside.
    stored = {CID[i] for i in classes} - set(origins)
    conforms, report, _ = validate(g, shacl_graph=shapes_graph(), inference="none", advanced=False, allow_warnings=True)
    if conforms:
        return []
    problems = []
    details = set(report.objects(None, SH.detail))
    for result in set(report.subjects(RDF.type, SH.ValidationResult)) - details:
        if all(_about_stored_class(report, leaf, stored) for leaf in _leaves(report, result)):
            continue
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = str(report.value(result, SH.resultMessage) or "does not conform to its shape")
        origin = origins.get(focus) if isinstance(focus, URIRef) else None
        location = origin.location if origin else f"<{focus}>"
        problems.append(Problem(origin.file if origin else "", location, _field_name(path), f"SHACL: {message}"))
        for leaf in _leaves(report, result):
            if leaf != result and not _about_stored_class(report, leaf, stored):
                leaf_path = report.value(leaf, SH.resultPath)
                leaf_message = str(report.value(leaf, SH.resultMessage) or "does not conform")
                problems.append(
                    Problem(origin.file if origin else "", location, _field_name(leaf_path), f"SHACL: {leaf_message}")
                )
    return sorted(set(problems), key=lambda p: (p.file, p.location, p.field, p.message))


def _leaves(report: Graph, result: Node) -> list[Node]:
    """The innermost results under a result (itself when it has no sh:detail)."""
    children = list(report.objects(result, SH.detail))
    if not children:
        return [result]
    return [leaf for child in children for leaf in _leaves(report, child)]


# sh:class, and sh:or over sh:class alternatives (links with several allowed target classes).
CLASS_COMPONENTS = (SH.ClassConstraintComponent, SH.OrConstraintComponent)


def _about_stored_class(report: Graph, result: Node, stored: set[URIRef]) -> bool:
    return (
        report.value(result, SH.sourceConstraintComponent) in CLASS_COMPONENTS
        and report.value(result, SH.value) in stored
    )


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
