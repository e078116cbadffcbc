"""The Neo4j server the tests run against: found through NEO4J_URI, emptied between tests.

Locally a missing server skips the Neo4j tests with a reason; with CALEIDO_REQUIRE_NEO4J=1 (CI)
a missing server fails them, so a green run always means both backends were tested.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from neo4j import GraphDatabase

from caleido.graph.neo4j_store import Neo4jStore

HOW_TO_RUN = (
    "NEO4J_URI is not set, so the Neo4j backend is not tested. To test it, start a server and export "
    'its variables: set -a; eval "$(scripts/neo4j-dev start)"; set +a; then run pytest again '
    "(scripts/neo4j-dev stop stops the server)"
)
# Small enough that one batch stays well under the server's transaction memory (dbms.memory.transaction.total.max,
# 358 MiB on the test server): 10,000 nodes with their links and quoted properties went over it.
WIPE_BATCH = 2_000


@dataclass(frozen=True)
class Neo4jServer:
    uri: str
    user: str
    password: str
    database: str | None

    def open(self, **options: Any) -> Neo4jStore:
        return Neo4jStore(self.uri, self.user, self.password, self.database, **options)

    def run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run Cypher outside the store, for setting up what the store itself never writes."""
        with GraphDatabase.driver(self.uri, auth=(self.user, self.password), notifications_min_severity="OFF") as d:
            records, _, _ = d.execute_query(query, params, database_=self.database)
            return [record.data() for record in records]

    def wipe(self) -> None:
        """Delete every relationship, then every node, in batches (constraints stay; the store creates them anyway)."""
        for query in (
            f"MATCH ()-[r]->() WITH r LIMIT {WIPE_BATCH} DELETE r RETURN count(*) AS deleted",
            f"MATCH (n) WITH n LIMIT {WIPE_BATCH} DETACH DELETE n RETURN count(*) AS deleted",
        ):
            while self.run(query)[0]["deleted"]:
                pass


def neo4j_server() -> Neo4jServer:
    """The server from the environment; skips the test (or fails it when required) if there is none."""
    uri = os.environ.get("NEO4J_URI", "").strip()
    if not uri:
        if os.environ.get("CALEIDO_REQUIRE_NEO4J") == "1":
            pytest.fail(f"CALEIDO_REQUIRE_NEO4J=1 but {HOW_TO_RUN}", pytrace=False)
        pytest.skip(HOW_TO_RUN)
    return Neo4jServer(
        uri,
        os.environ.get("NEO4J_USER", "neo4j"),
        os.environ.get("NEO4J_PASSWORD", ""),
        os.environ.get("NEO4J_DATABASE") or None,
    )
