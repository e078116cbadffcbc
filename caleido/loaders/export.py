"""Export a whole store as Turtle, JSON-LD or CSV."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from rdflib import Graph

from caleido.graph.store import GraphStore
from caleido.loaders.csv_format import link_header, node_header, write_csv
from caleido.loaders.rdf_mapping import add_link, add_node, new_graph, ontology_graph
from caleido.ontology.model import load_ontology
from caleido.ontology.records import LinkRow, NodeRow

FORMATS = ("ttl", "jsonld", "csv")


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


def export_graph(store: GraphStore, classes: Collection[str] = ()) -> Graph:
    """The ontology (classes and vocabularies) plus every node and link with its provenance."""
    g = ontology_graph(new_graph())
    nodes, links = iter_rows(store, classes)
    for node in nodes:
        add_node(g, node.cls, node.id, node.values)
    for link in links:
        add_link(g, link.rel, link.source_id, link.target_id, link.values)
    return g


def export_rdf(store: GraphStore, fmt: str, classes: Collection[str] = ()) -> str:
    g = export_graph(store, classes)
    if fmt == "ttl":
        return g.serialize(format="longturtle")
    return g.serialize(format="json-ld", auto_compact=True)


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
