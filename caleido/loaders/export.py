"""Export a whole store, or the part of some classes: one writer per format, in WRITERS.

The command line's --format choices, the API's `format` parameter and their help and error texts all come
from WRITERS, so a format is added here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from caleido.graph.store import GraphStore
from caleido.loaders.csv_format import BYTE_ORDER_MARK, link_header, node_header, write_csv
from caleido.loaders.rdf_mapping import rows_to_graph
from caleido.ontology.model import load_ontology
from caleido.ontology.records import LinkRow, NodeRow


@dataclass(frozen=True)
class Writer:
    """One export format: its name for people, how it is served, and the files it writes."""

    label: str
    media_type: str
    suffix: str
    write: Callable[[GraphStore, Collection[str]], tuple[str, ...]]  # one text per part, in the order of `parts`
    parts: tuple[str, ...] = ("graph",)  # a format of more than one file names them; the API serves one a request


def iter_rows(store: GraphStore, classes: Collection[str] = ()) -> tuple[Iterator[NodeRow], Iterator[LinkRow]]:
    """Every node and link; with `classes`, only nodes of those classes and the links between them."""
    ontology = load_ontology()
    chosen = [c for c in ontology.classes if not classes or c in classes]
    kept: set[str] = set()

    def nodes() -> Iterator[NodeRow]:
        for cls in chosen:
            for columns in store.iter_nodes(cls):
                node_id = columns.pop("id")
                if classes:
                    kept.add(node_id)
                yield NodeRow(cls, node_id, columns)

    def links() -> Iterator[LinkRow]:
        if classes and not kept:  # the node pass has not run: collect the ids first
            kept.update(row["id"] for cls in chosen for row in store.iter_nodes(cls))
        for rel in ontology.relationships:
            for source_id, target_id, values in store.iter_links(rel):
                if not classes or (source_id in kept and target_id in kept):
                    yield LinkRow(rel, source_id, target_id, values)

    return nodes(), links()


def export_csv(store: GraphStore, classes: Collection[str] = ()) -> tuple[str, str]:
    """Two CSV texts: nodes and links."""
    nodes, links = iter_rows(store, classes)
    node_text = write_csv(node_header(), ({"class": n.cls, "id": n.id, **n.values} for n in nodes))
    link_text = write_csv(
        link_header(),
        (
            {
                "source_id": link.source_id,
                "rel": load_ontology().relationships[link.rel].field_name,
                "target_id": link.target_id,
                **link.values,
            }
            for link in links
        ),
    )
    return node_text, link_text


def _rdf(rdflib_format: str, **options: Any) -> Callable[[GraphStore, Collection[str]], tuple[str, ...]]:
    """A writer of the ontology (classes and vocabularies) plus every node and link with its provenance."""

    def write(store: GraphStore, classes: Collection[str]) -> tuple[str, ...]:
        return (rows_to_graph(*iter_rows(store, classes)).serialize(format=rdflib_format, **options),)

    return write


def _csv(store: GraphStore, classes: Collection[str]) -> tuple[str, ...]:
    return tuple(BYTE_ORDER_MARK + text for text in export_csv(store, classes))


WRITERS: dict[str, Writer] = {
    "ttl": Writer("Turtle", "text/turtle; charset=utf-8", ".ttl", _rdf("longturtle")),
    "jsonld": Writer("JSON-LD", "application/ld+json", ".jsonld", _rdf("json-ld", auto_compact=True)),
    "csv": Writer("CSV", "text/csv; charset=utf-8", ".csv", _csv, parts=("nodes", "links")),
}
DEFAULT_FORMAT = "ttl"

# The format names as a type, for the command line's choices and the API's parameter (and so OpenAPI's enum).
# Built from WRITERS at run time, which a type checker cannot follow: to it, a format is a str.
if TYPE_CHECKING:
    ExportFormat = str
else:
    ExportFormat = Literal[tuple(WRITERS)]


def formats_help() -> str:
    """The formats for help texts: 'ttl (Turtle), jsonld (JSON-LD) or csv (CSV)'."""
    names = [f"{name} ({writer.label})" for name, writer in WRITERS.items()]
    return ", ".join(names[:-1]) + f" or {names[-1]}"


def export_rdf(store: GraphStore, fmt: str, classes: Collection[str] = ()) -> str:
    """The graph as the one text of an RDF format of WRITERS (ttl or jsonld)."""
    (text,) = WRITERS[fmt].write(store, classes)
    return text
