"""Open the store a URI names: `embedded:PATH` now, Neo4j URIs with the Neo4j backend."""

from __future__ import annotations

from caleido.errors import StoreError
from caleido.graph.store import GraphStore

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def open_store(uri: str, *, read_only: bool = False) -> GraphStore:
    if uri.startswith("embedded:"):
        from caleido.graph.embedded import EmbeddedStore

        path = uri.removeprefix("embedded:")
        if not path:
            raise StoreError("embedded store URI needs a folder, e.g. embedded:./data/caleido")
        return EmbeddedStore(path, read_only=read_only)
    if uri.startswith(NEO4J_SCHEMES):
        raise StoreError("the Neo4j backend is not available in this version; use an embedded:PATH store")
    raise StoreError(f"unknown store {uri!r}: use embedded:PATH or a neo4j:// / bolt:// URI")
