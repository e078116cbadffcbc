"""Store columns and their types, derived from the ontology for every backend."""

from __future__ import annotations

from dataclasses import dataclass

from caleido.ontology.model import (
    Field,
    FieldKind,
    NodeClass,
    Relationship,
    load_ontology,
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string", "int", "double", each possibly a list ("string[]")

    @property
    def is_list(self) -> bool:
        return self.type.endswith("[]")


# The label every Caleido node carries on Neo4j beside its class (Ladybug needs none): one index over all ids.
COMMON_LABEL = "CaleidoNode"

_SCALAR = {FieldKind.INTEGER: "int", FieldKind.DOUBLE: "double"}


def field_columns(f: Field) -> list[Column]:
    scalar = _SCALAR.get(f.kind, "string")
    kind = f"{scalar}[]" if f.many else scalar
    return [Column(name, kind) for name in f.columns]


def node_columns(cls: NodeClass) -> list[Column]:
    """All columns of a node table, id first."""
    return [Column("id", "string")] + [c for f in cls.fields for c in field_columns(f)]


def link_columns() -> list[Column]:
    """Columns every relationship carries: its qualifiers and its provenance."""
    return [c for f in load_ontology().link_fields for c in field_columns(f)]


def node_classes() -> list[NodeClass]:
    return list(load_ontology().classes.values())


def relationships() -> list[Relationship]:
    return list(load_ontology().relationships.values())
