"""The Python view of the ontology: classes, fields, relationships and vocabularies.

Everything here is read from the three Turtle files next to this module; the rest of the
code asks this module for labels, columns and relationship types instead of typing them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, PROV, SKOS, XSD
from rdflib.term import Node

HERE = Path(__file__).parent
ONTOLOGY_FILES = ("caleido.ttl", "vocabularies.ttl", "shapes.ttl")

CAL = Namespace("https://w3id.org/caleido/def#")
CID = Namespace("https://w3id.org/caleido/id/")
SH = Namespace("http://www.w3.org/ns/shacl#")
LANGUAGES = ("nl", "en")


class FieldKind(StrEnum):
    TEXT = "text"
    LANGTEXT = "langtext"
    INTEGER = "integer"
    DOUBLE = "double"
    DATE = "date"
    DATETIME = "datetime"
    URI = "uri"
    CONCEPT = "concept"
    REFERENCE = "reference"
    AGENT = "agent"


@dataclass(frozen=True)
class Concept:
    iri: URIRef
    notation: str
    schemes: tuple[URIRef, ...]
    labels: dict[str, str]
    definitions: dict[str, str]
    order: int | None
    close_matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scheme:
    iri: URIRef
    name: str
    labels: dict[str, str]
    definitions: dict[str, str]
    concepts: dict[str, Concept]


@dataclass(frozen=True)
class Field:
    """One attribute or provenance field of a class or link (a store column or two)."""

    name: str
    path: URIRef
    kind: FieldKind
    group: str  # "attributes" or "provenance"
    required: bool
    many: bool
    scheme: str | None = None  # local name of the SKOS scheme, for concepts
    allowed: tuple[str, ...] | None = None  # notations allowed, when narrower than the scheme
    target_class: str | None = None  # for references
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None  # sh:pattern, a regular expression the text must match
    order: int = 0

    @property
    def columns(self) -> tuple[str, ...]:
        if self.kind is FieldKind.LANGTEXT:
            return tuple(f"{self.name}_{lang}" for lang in LANGUAGES)
        return (self.name,)


@dataclass(frozen=True)
class Relationship:
    """An object property between data classes, stored as a relationship type."""

    name: str  # store type, e.g. BELONGS_TO
    field_name: str  # name in records, e.g. belongs_to
    iri: URIRef
    labels: dict[str, str]
    definitions: dict[str, str]
    pairs: frozenset[tuple[str, str]]
    qualifiers: tuple[str, ...] = ()  # link fields allowed on this relationship
    required_qualifiers: tuple[str, ...] = ()

    def targets_of(self, source_class: str) -> tuple[str, ...]:
        return tuple(sorted(t for s, t in self.pairs if s == source_class))


@dataclass(frozen=True)
class NodeClass:
    name: str
    iri: URIRef
    labels: dict[str, str]
    definitions: dict[str, str]
    fields: tuple[Field, ...]
    dimension: str | None  # notation in DimensionScheme, when the class sits on one ring

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def columns(self) -> tuple[str, ...]:
        return ("id",) + tuple(c for f in self.fields for c in f.columns)


@dataclass(frozen=True)
class Ontology:
    version: str
    graph: Graph
    classes: dict[str, NodeClass]
    relationships: dict[str, Relationship]
    schemes: dict[str, Scheme]
    link_fields: tuple[Field, ...]
    concepts_by_iri: dict[URIRef, Concept] = field(default_factory=dict)

    def relationship_for_field(self, field_name: str) -> Relationship | None:
        """The relationship records name `field_name` (e.g. belongs_to), if any."""
        for rel in self.relationships.values():
            if rel.field_name == field_name:
                return rel
        return None

    def class_of_iri(self, iri: Node) -> NodeClass | None:
        for cls in self.classes.values():
            if cls.iri == iri:
                return cls
        return None

    def concept_iri(self, scheme: str, notation: str) -> URIRef:
        return self.schemes[scheme].concepts[notation].iri


def upper_snake(local_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", local_name).upper()


def local_name(iri: Node) -> str:
    text = str(iri)
    return re.split(r"[#/]", text)[-1]


def _texts(g: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for obj in g.objects(subject, predicate):
        if isinstance(obj, Literal) and obj.language:
            out[obj.language] = str(obj)
    return out


def _int(g: Graph, subject: Node, predicate: URIRef) -> int | None:
    value = g.value(subject, predicate)
    return int(value) if value is not None else None


def _list(g: Graph, head: Node | None) -> list[Node]:
    return list(Collection(g, head)) if head is not None else []


_DATATYPE_KINDS = {
    XSD.string: FieldKind.TEXT,
    RDF.langString: FieldKind.LANGTEXT,
    XSD.integer: FieldKind.INTEGER,
    XSD.double: FieldKind.DOUBLE,
    XSD.date: FieldKind.DATE,
    XSD.dateTime: FieldKind.DATETIME,
    XSD.anyURI: FieldKind.URI,
}


def _scheme_of_member_shape(g: Graph, member_shape: Node) -> str:
    for prop in g.objects(member_shape, SH.property):
        if g.value(prop, SH.path) == SKOS.inScheme:
            return local_name(g.value(prop, SH.hasValue))
    raise ValueError(f"shape {member_shape} names no scheme")


def _field(g: Graph, prop: Node, schemes: dict[str, Scheme]) -> Field:
    path = g.value(prop, SH.path)
    name = str(g.value(prop, SH.name))
    group = local_name(g.value(prop, SH.group)).lower()
    min_count = _int(g, prop, SH.minCount) or 0
    max_count = _int(g, prop, SH.maxCount)
    common = {
        "name": name,
        "path": path,
        "group": group,
        "required": min_count >= 1,
        "many": max_count != 1 and g.value(prop, SH.datatype) != RDF.langString,
        "min_length": _int(g, prop, SH.minLength),
        "max_length": _int(g, prop, SH.maxLength),
        "order": _int(g, prop, SH.order) or 0,
    }
    minimum = g.value(prop, SH.minInclusive)
    maximum = g.value(prop, SH.maxInclusive)
    if minimum is not None:
        common["minimum"] = float(minimum)
    if maximum is not None:
        common["maximum"] = float(maximum)
    if (pattern := g.value(prop, SH.pattern)) is not None:
        common["pattern"] = str(pattern)
    member_shape = g.value(prop, SH.node)
    if member_shape is not None:
        scheme = _scheme_of_member_shape(g, member_shape)
        allowed = None
        if (head := g.value(prop, SH["in"])) is not None:
            by_iri = {c.iri: n for n, c in schemes[scheme].concepts.items()}
            allowed = tuple(by_iri[iri] for iri in _list(g, head))
        return Field(kind=FieldKind.CONCEPT, scheme=scheme, allowed=allowed, **common)
    target = g.value(prop, SH["class"])
    if target == PROV.Agent:
        return Field(kind=FieldKind.AGENT, **common)
    if target is not None:
        return Field(kind=FieldKind.REFERENCE, target_class=local_name(target), **common)
    datatype = g.value(prop, SH.datatype)
    return Field(kind=_DATATYPE_KINDS[datatype], **common)


def _shape_properties(g: Graph, shape: Node) -> list[Node]:
    """Property shapes of a node shape, including those of the shapes it references with sh:node."""
    props = list(g.objects(shape, SH.property))
    for included in g.objects(shape, SH.node):
        props = _shape_properties(g, included) + props
    return props


def _link_targets(g: Graph, prop: Node) -> list[str]:
    target = g.value(prop, SH["class"])
    if target is not None:
        return [local_name(target)]
    return [local_name(g.value(alt, SH["class"])) for alt in _list(g, g.value(prop, SH["or"]))]


def _load_schemes(g: Graph) -> dict[str, Scheme]:
    members: dict[URIRef, list[Concept]] = {}
    for concept_iri in sorted(g.subjects(RDF.type, SKOS.Concept)):
        if not isinstance(concept_iri, URIRef) or g.value(concept_iri, SKOS.notation) is None:
            continue
        in_schemes = tuple(sorted(s for s in g.objects(concept_iri, SKOS.inScheme) if isinstance(s, URIRef)))
        concept = Concept(
            iri=concept_iri,
            notation=str(g.value(concept_iri, SKOS.notation)),
            schemes=in_schemes,
            labels=_texts(g, concept_iri, SKOS.prefLabel),
            definitions=_texts(g, concept_iri, SKOS.definition),
            order=_int(g, concept_iri, CAL.order),
            close_matches=tuple(sorted(local_name(m) for m in g.objects(concept_iri, SKOS.closeMatch))),
        )
        for scheme in in_schemes:
            members.setdefault(scheme, []).append(concept)
    schemes = {}
    for scheme_iri in sorted(g.subjects(RDF.type, SKOS.ConceptScheme)):
        concepts = sorted(members.get(scheme_iri, []), key=lambda c: (c.order is None, c.order, c.notation))
        name = local_name(scheme_iri)
        schemes[name] = Scheme(
            iri=scheme_iri,
            name=name,
            labels=_texts(g, scheme_iri, SKOS.prefLabel),
            definitions=_texts(g, scheme_iri, SKOS.definition),
            concepts={c.notation: c for c in concepts},
        )
    return schemes


@cache
def load_ontology() -> Ontology:
    g = Graph(bind_namespaces="none")
    for name in ONTOLOGY_FILES:
        g.parse(HERE / name, format="turtle")
    schemes = _load_schemes(g)

    classes: dict[str, NodeClass] = {}
    pairs: dict[URIRef, set[tuple[str, str]]] = {}
    for shape in sorted(g.subjects(RDF.type, SH.NodeShape)):
        target = g.value(shape, SH.targetClass)
        if target is None or not str(target).startswith(str(CAL)) or target == CAL.LinkAssertion:
            continue
        fields: list[Field] = []
        for prop in _shape_properties(g, shape):
            if g.value(prop, SH.group) == CAL.Links:
                for target_class in _link_targets(g, prop):
                    pairs.setdefault(g.value(prop, SH.path), set()).add((local_name(target), target_class))
            else:
                fields.append(_field(g, prop, schemes))
        fields.sort(key=lambda f: (("attributes", "provenance").index(f.group), f.order))
        dim = g.value(target, CAL.inDimension)
        classes[local_name(target)] = NodeClass(
            name=local_name(target),
            iri=target,
            labels=_texts(g, target, SKOS.prefLabel),
            definitions=_texts(g, target, SKOS.definition),
            fields=tuple(fields),
            dimension=str(g.value(dim, SKOS.notation)) if dim is not None else None,
        )

    link_shape = next(g.subjects(SH.targetClass, CAL.LinkAssertion))
    link_fields = tuple(
        sorted(
            (_field(g, p, schemes) for p in _shape_properties(g, link_shape) if g.value(p, SH.name) is not None),
            key=lambda f: (("attributes", "provenance").index(f.group), f.order),
        )
    )
    relationships: dict[str, Relationship] = {}
    for prop_iri in sorted(pairs):
        qualifiers = tuple(f.name for f in link_fields if f.group == "attributes" and _applies(g, f.path, prop_iri))
        required = tuple(f.name for f in link_fields if (f.path, CAL.requiredOn, prop_iri) in g)
        name = upper_snake(local_name(prop_iri))
        relationships[name] = Relationship(
            name=name,
            field_name=_snake(local_name(prop_iri)),
            iri=prop_iri,
            labels=_texts(g, prop_iri, SKOS.prefLabel),
            definitions=_texts(g, prop_iri, SKOS.definition),
            pairs=frozenset(pairs[prop_iri]),
            qualifiers=qualifiers,
            required_qualifiers=required,
        )
    ontology_iri = next(g.subjects(RDF.type, OWL.Ontology))
    return Ontology(
        version=str(g.value(ontology_iri, OWL.versionInfo)),
        graph=g,
        classes=classes,
        relationships=relationships,
        schemes=schemes,
        link_fields=link_fields,
        concepts_by_iri={c.iri: c for s in schemes.values() for c in s.concepts.values()},
    )


def _applies(g: Graph, field_path: Node, relationship: URIRef) -> bool:
    """A qualifier without cal:appliesTo (the note) may stand on every relationship."""
    targets = set(g.objects(field_path, CAL.appliesTo))
    return not targets or relationship in targets


def _snake(local: str) -> str:
    return upper_snake(local).lower()


__all__ = [
    "CAL",
    "CID",
    "LANGUAGES",
    "RDFS",
    "SH",
    "Concept",
    "Field",
    "FieldKind",
    "NodeClass",
    "Ontology",
    "Relationship",
    "Scheme",
    "load_ontology",
    "local_name",
]
