"""`caleido copy --bulk`: the seed, copied from the embedded store into an empty Neo4j through neo4j-admin's
offline import, answers as the embedded store does: every row and its provenance, the counts, the use cases.

The test runs its own Neo4j (scripts/neo4j-dev with NEO4J_DEV_DIR=.cache/neo4j-bulk), since the import stops
and starts the server; it runs when the Neo4j tests run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caleido.cli import app
from caleido.errors import StoreError
from caleido.graph import usecases
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.neo4j_store import Neo4jStore
from caleido.loaders.bulk_neo4j import DevServer, bulk_copy_to_neo4j, refuse_unless_local
from caleido.loaders.sources import SEED_FOLDER
from caleido.ontology.model import load_ontology
from tests.helpers import load, plain
from tests.reliability.served import REPO, own_neo4j_server

OWN_NEO4J = "neo4j-bulk"


@pytest.fixture
def own_neo4j() -> Iterator[dict[str, str]]:
    with own_neo4j_server(OWN_NEO4J) as variables:
        yield variables


def _connect(variables: dict[str, str]) -> Neo4jStore:
    return Neo4jStore(variables["NEO4J_URI"], variables["NEO4J_USER"], variables["NEO4J_PASSWORD"])


@pytest.mark.neo4j
def test_the_seed_copied_in_bulk_answers_as_the_embedded_store(own_neo4j: dict[str, str], tmp_path: Path) -> None:
    source = EmbeddedStore(tmp_path / "source")
    try:
        load(source, SEED_FOLDER)
        report = bulk_copy_to_neo4j(source, DevServer(REPO / ".cache" / OWN_NEO4J), lambda: _connect(own_neo4j))
        target = _connect(own_neo4j)
        try:
            counts = source.counts()
            assert (report.nodes, report.links) == (counts.total_nodes, counts.total_links)
            assert target.counts() == counts  # per class and per type
            ontology = load_ontology()
            for cls in ontology.classes:  # every column, provenance included, typed as the normal store writes it
                assert list(target.iter_nodes(cls)) == list(source.iter_nodes(cls)), cls
            for rel in ontology.relationships:
                assert list(target.iter_links(rel)) == list(source.iter_links(rel)), rel
            assert plain(usecases.coverage(target)) == plain(usecases.coverage(source))
            assert plain(usecases.gaps(target)) == plain(usecases.gaps(source))
            assert plain(usecases.partners(target, "GM0344")) == plain(usecases.partners(source, "GM0344"))
            assert plain(usecases.search(target, "vertrouwen")) == plain(usecases.search(source, "vertrouwen"))
            assert target.stored_version() == source.stored_version()

            with pytest.raises(StoreError, match="only loads an empty one"):  # a second import would replace it
                bulk_copy_to_neo4j(source, DevServer(REPO / ".cache" / OWN_NEO4J), lambda: _connect(own_neo4j))
            assert target.counts() == counts
        finally:
            target.close()
    finally:
        source.close()


@pytest.mark.parametrize("uri", ["neo4j+s://abc123.databases.neo4j.io", "bolt://db.example.org:7687"])
def test_a_remote_server_or_aura_is_refused_with_the_reason(uri: str) -> None:
    with pytest.raises(StoreError, match="needs the server's files"):
        refuse_unless_local(uri)


def test_copy_bulk_to_aura_says_to_copy_without_it(tmp_path: Path) -> None:
    aura = "neo4j+s://abc123.databases.neo4j.io"
    answer = CliRunner().invoke(
        app, ["copy", "--from", f"embedded:{tmp_path}", "--to", aura, "--bulk"], env={"COLUMNS": "300"}
    )
    assert answer.exit_code != 0
    assert "needs the server's files" in answer.output and "without --bulk" in answer.output
    assert not any(tmp_path.iterdir())  # refused before anything was opened
