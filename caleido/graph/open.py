"""Open the store a URI names: `embedded:PATH`, or a Neo4j server by its neo4j:// or bolt:// URI.

The caller hands in its Settings (the Neo4j login and pool, the embedded page cache): only the entry
points (the CLI's commands, `create_app`) read the environment.
"""

from __future__ import annotations

from caleido.errors import StoreError, StoreUnavailable
from caleido.graph.store import GraphStore
from caleido.settings import Settings

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def open_store(uri: str, settings: Settings, *, read_only: bool = False) -> GraphStore:
    store = _open(uri, settings, read_only=read_only)
    if not read_only:
        from caleido.graph.derived.core import mark_unbuilt

        try:
            mark_unbuilt(store)
        except StoreUnavailable:  # a server that is down: it is asked again at the next open
            pass
    return store


def _open(uri: str, settings: Settings, *, read_only: bool) -> GraphStore:
    if uri.startswith("embedded:"):
        from caleido.graph.embedded import EmbeddedStore

        path = uri.removeprefix("embedded:")
        if not path:
            raise StoreError("embedded store URI needs a folder, e.g. embedded:./data/caleido")
        return EmbeddedStore(path, read_only=read_only, buffer_pool_mb=settings.embedded_buffer_pool_mb)
    if uri.startswith(NEO4J_SCHEMES):
        return _open_neo4j(uri, settings, read_only=read_only)
    raise StoreError(f"unknown store {uri!r}: use embedded:PATH or a neo4j:// / bolt:// URI")


def _open_neo4j(uri: str, settings: Settings, *, read_only: bool) -> GraphStore:
    from caleido.graph.neo4j_store import Neo4jStore  # imported here: only Neo4j users pay for the driver

    return Neo4jStore(
        uri,
        settings.neo4j_user,
        settings.neo4j_password.get_secret_value(),
        settings.neo4j_database,
        read_only=read_only,
        max_connection_pool_size=settings.neo4j_max_pool_size,
        connection_acquisition_timeout=settings.neo4j_acquisition_timeout,
        connection_timeout=settings.neo4j_connection_timeout,
        max_connection_lifetime=settings.neo4j_max_connection_lifetime,
        max_transaction_retry_time=settings.neo4j_retry_seconds,
    )
