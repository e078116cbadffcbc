"""Store rows to RDF and back, with SKOS concepts and PROV-O provenance.

A node is `cid:ID a cal:Class` with its fields on the paths the shapes give. A link is the plain
triple `cid:A cal:rel cid:B` plus a `cal:LinkAssertion` (an rdf:Statement) that carries the link's
provenance; its IRI is derived from the triple, so the same graph always gets the same IRIs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from caleido.errors import Problem
from caleido.loaders.raw import RawBatch, RawLink, RawNode
from caleido.ontology.model import (
    CAL,
    CID,
    LANGUAGES,
    SH,
    Field,
    FieldKind,
    load_ontology,
)
from caleido.ontology.records import LinkRow, NodeRow, Origin

AGENT = Namespace(str(CID) + "agent/")
LINK = Namespace(str(CID) + "link/")
PREFIXES = {
    "cal": CAL,
    "cid": CID,
    "agent": AGENT,
    "link": LINK,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "skos": SKOS,
    "prov": PROV,
    "dct": DCTERMS,
    "xsd": XSD,
    "sh": SH,
    "org": Namespace("http://www.w3.org/ns/org#"),
    "schema": Namespace("http://schema.org/"),
    "bibo": Namespace("http://purl.org/ontology/bibo/"),
}
_DATATYPES = {
    FieldKind.INTEGER: XSD.integer,
    FieldKind.DOUBLE: XSD.double,
    FieldKind.DATE: XSD.date,
    FieldKind.DATETIME: XSD.dateTime,
    FieldKind.URI: XSD.anyURI,
}


def new_graph() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    return g


def agent_iri(name: str) -> URIRef:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "agent"
    return AGENT[f"{slug}-{hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]}"]


def link_iri(source_id: str, rel_iri: URIRef, target_id: str) -> URIRef:
    digest = hashlib.sha1(f"{source_id}\n{rel_iri}\n{target_id}".encode(), usedforsecurity=False).hexdigest()[:20]
    return LINK[digest]


# ---------------------------------------------------------------- rows -> RDF


def _objects(f: Field, value: Any, g: Graph) -> list[URIRef | Literal]:
    """RDF objects for one field value (a scalar or list)."""
    ontology = load_ontology()
    values = value if isinstance(value, list) else [value]
    out: list[URIRef | Literal] = []
    for v in values:
        if v is None or v == "":
            continue
        if f.kind is FieldKind.CONCEPT:
            out.append(ontology.concept_iri(f.scheme or "", v))
        elif f.kind is FieldKind.REFERENCE:
            out.append(CID[v])
        elif f.kind is FieldKind.AGENT:
            agent = agent_iri(v)
            g.add((agent, RDF.type, PROV.Agent))
            g.add((agent, RDFS.label, Literal(v)))
            out.append(agent)
        elif f.kind in _DATATYPES:
            out.append(Literal(str(v), datatype=_DATATYPES[f.kind]))
        else:
            out.append(Literal(v))
    return out


def _add_fields(g: Graph, subject: URIRef, fields: Iterable[Field], values: dict[str, Any]) -> None:
    for f in fields:
        if f.kind is FieldKind.LANGTEXT:
            for lang in LANGUAGES:
                text = values.get(f"{f.name}_{lang}")
                if text:
                    g.add((subject, f.path, Literal(text, lang=lang)))
            continue
        for obj in _objects(f, values.get(f.name), g):
            g.add((subject, f.path, obj))


def add_node(g: Graph, cls: str, node_id: str, values: dict[str, Any]) -> None:
    node_class = load_ontology().classes[cls]
    subject = CID[node_id]
    g.add((subject, RDF.type, node_class.iri))
    _add_fields(g, subject, node_class.fields, values)


def add_link(g: Graph, rel: str, source_id: str, target_id: str, values: dict[str, Any]) -> None:
    ontology = load_ontology()
    relationship = ontology.relationships[rel]
    s, o = CID[source_id], CID[target_id]
    g.add((s, relationship.iri, o))
    assertion = link_iri(source_id, relationship.iri, target_id)
    g.add((assertion, RDF.type, CAL.LinkAssertion))
    g.add((assertion, RDF.subject, s))
    g.add((assertion, RDF.predicate, relationship.iri))
    g.add((assertion, RDF.object, o))
    _add_fields(g, assertion, ontology.link_fields, values)


def rows_to_graph(nodes: Iterable[NodeRow], links: Iterable[LinkRow]) -> Graph:
    """The ontology (classes and vocabularies) plus the nodes and links with their provenance."""
    g = ontology_graph(new_graph())
    for node in nodes:
        add_node(g, node.cls, node.id, node.values)
    for link in links:
        add_link(g, link.rel, link.source_id, link.target_id, link.values)
    return g


def ontology_graph(g: Graph) -> Graph:
    """Add the classes, relationships and vocabularies (not the shapes) to g."""
    ontology = load_ontology().graph
    shapes = set(ontology.subjects(RDF.type, SH.NodeShape)) | set(ontology.subjects(RDF.type, SH.PropertyGroup))
    skip = set(shapes)
    for shape in shapes:
        skip |= _blank_closure(ontology, shape)
    for triple in ontology:
        if triple[0] not in skip:
            g.add(triple)
    return g


def _blank_closure(g: Graph, node: Any) -> set[Any]:
    out: set[Any] = set()
    for obj in g.objects(node, None):
        if isinstance(obj, BNode) and obj not in out:
            out.add(obj)
            out |= _blank_closure(g, obj)
    return out


# ---------------------------------------------------------------- RDF -> raw records


def _value(f: Field, obj: Any, g: Graph) -> tuple[Any, str | None]:
    """The input value for an RDF object, or a message saying why it cannot be one."""
    ontology = load_ontology()
    if f.kind is FieldKind.CONCEPT:
        concept = ontology.concepts_by_iri.get(obj)
        scheme = ontology.schemes[f.scheme or ""]
        if concept is None or concept.notation not in scheme.concepts:
            return None, f"unknown term <{obj}> in {scheme.name}"
        return concept.notation, None
    if f.kind is FieldKind.REFERENCE:
        if not isinstance(obj, URIRef) or not str(obj).startswith(str(CID)):
            return None, f"expected a Caleido id (<{CID}...>), got {obj!r}"
        return str(obj)[len(str(CID)) :], None
    if f.kind is FieldKind.AGENT:
        label = g.value(obj, RDFS.label)
        if label is None:
            return None, f"agent <{obj}> has no rdfs:label"
        return str(label), None
    if not isinstance(obj, Literal):
        return None, f"expected a literal, got <{obj}>"
    if f.kind in _DATATYPES and obj.datatype != _DATATYPES[f.kind]:
        return (
            None,
            f"expected datatype {_DATATYPES[f.kind].n3()}, "
            f"got {obj.datatype.n3() if obj.datatype else 'a plain string'}",
        )
    python = obj.toPython()
    if isinstance(python, (date, datetime)) or f.kind in (FieldKind.URI, FieldKind.TEXT):
        return str(obj), None
    return python, None


def _read_fields(
    g: Graph, subject: Any, fields: tuple[Field, ...], skip: set[URIRef], origin: Origin, problems: list[Problem]
) -> dict[str, Any]:
    by_path = {f.path: f for f in fields}
    data: dict[str, Any] = {}
    for predicate, obj in sorted(g.predicate_objects(subject)):
        if predicate in skip:
            continue
        f = by_path.get(predicate)
        if f is None:
            problems.append(
                Problem(origin.file, origin.location, g.qname(predicate), "property not in the ontology for this class")
            )
            continue
        if f.kind is FieldKind.LANGTEXT:
            if not isinstance(obj, Literal) or obj.language not in LANGUAGES:
                problems.append(Problem(origin.file, origin.location, f.name, "expected text tagged @nl or @en"))
                continue
            data.setdefault(f.name, {})[obj.language] = str(obj)
            continue
        value, message = _value(f, obj, g)
        if message:
            problems.append(Problem(origin.file, origin.location, f.name, message))
        elif f.many:
            data.setdefault(f.name, []).append(value)
        elif f.name in data:
            problems.append(Problem(origin.file, origin.location, f.name, "more than one value"))
        else:
            data[f.name] = value
    for f in fields:
        if f.many and f.name in data:
            data[f.name].sort()
    return data


def graph_to_raw(g: Graph, path: str) -> RawBatch:
    """Raw records from an RDF graph in Caleido's export shape; ontology triples are skipped."""
    ontology = load_ontology()
    batch = RawBatch()
    rel_by_iri = {r.iri: r for r in ontology.relationships.values()}
    subjects = sorted({s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(CID))})
    for subject in subjects:
        text = str(subject)
        if text.startswith(str(AGENT)):
            continue
        origin = Origin(path, f"<{text}>")
        types = set(g.objects(subject, RDF.type))
        if CAL.LinkAssertion in types:
            _read_link(g, subject, rel_by_iri, origin, batch)
            continue
        classes = [cls for t in types if (cls := ontology.class_of_iri(t)) is not None]
        if len(classes) != 1:
            known = ", ".join(g.qname(t) for t in types) or "none"
            batch.problems.append(
                Problem(path, origin.location, "rdf:type", f"needs exactly one Caleido class (has: {known})")
            )
            continue
        cls = classes[0]
        skip = {RDF.type, *rel_by_iri}
        data = _read_fields(g, subject, cls.fields, skip, origin, batch.problems)
        data["id"] = text[len(str(CID)) :]
        batch.nodes.append(RawNode(cls.name, data, origin))
        for predicate, obj in g.predicate_objects(subject):
            rel = rel_by_iri.get(predicate)
            if rel is not None and not _has_assertion(g, subject, predicate, obj):
                batch.problems.append(
                    Problem(
                        path,
                        origin.location,
                        g.qname(predicate),
                        f"link to <{obj}> has no cal:LinkAssertion with its provenance",
                    )
                )
    for subject in sorted({s for s in g.subjects() if isinstance(s, URIRef)} - set(subjects)):
        if not str(subject).startswith(str(CAL)) and not str(subject).startswith(str(CAL).rstrip("#")):
            batch.problems.append(
                Problem(path, f"<{subject}>", "", "subject is neither a Caleido id nor part of the ontology")
            )
    return batch


def _has_assertion(g: Graph, s: Any, p: Any, o: Any) -> bool:
    return any((a, RDF.predicate, p) in g and (a, RDF.object, o) in g for a in g.subjects(RDF.subject, s))


def _read_link(g: Graph, assertion: Any, rel_by_iri: dict[Any, Any], origin: Origin, batch: RawBatch) -> None:
    ontology = load_ontology()
    s, p, o = g.value(assertion, RDF.subject), g.value(assertion, RDF.predicate), g.value(assertion, RDF.object)
    rel = rel_by_iri.get(p)
    if rel is None or s is None or o is None:
        batch.problems.append(
            Problem(origin.file, origin.location, "rdf:predicate", f"not a Caleido relationship: {p}")
        )
        return
    skip = {RDF.type, RDF.subject, RDF.predicate, RDF.object}
    data = _read_fields(g, assertion, ontology.link_fields, skip, origin, batch.problems)
    data["rel"] = rel.field_name
    data["to"] = str(o)[len(str(CID)) :]
    batch.links.append(RawLink(str(s)[len(str(CID)) :], data, origin))
