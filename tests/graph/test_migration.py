"""A store written with ontology 0.1.0 opens, migrates and keeps every record, every link and all their provenance,
on both stores. The 0.1 stores are real: built with the 0.1 code from its seed (tests/fixtures/store-0.1/)."""

from __future__ import annotations

import gzip
import json
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from caleido.cli import app
from caleido.errors import StoreError
from caleido.exit_codes import ExitCode
from caleido.graph import migrate
from caleido.graph.embedded import DB_FILE, EmbeddedStore
from caleido.graph.migrate import MIGRATIONS, StoreVersionError
from caleido.graph.rows import quote as _q
from caleido.graph.store import GraphStore
from caleido.loaders.export import export_rdf
from caleido.loaders.load import load_paths
from caleido.loaders.sources import SEED_FOLDER
from caleido.ontology.model import load_ontology
from caleido.ontology.records import LinkRow, NodeRow
from tests.helpers import BACKENDS, FIXTURES, TEST_AGENT

OLD = FIXTURES / "store-0.1"
OLD_NODES, OLD_LINKS = 556, 592  # what the 0.1 seed loaded (tests/fixtures/store-0.1/README.md)
PROV = {"source": "src-1", "locator": "p. 1", "status": "proposed", "added_by": "t", "added_at": "2026-01-01T00:00:00Z"}
Facts = dict[tuple[str, ...], dict[str, Any]]


def _neo4j_dump() -> dict[str, Any]:
    with gzip.open(OLD / "neo4j.json.gz", "rt", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
        return data


class OldStore:
    """A store as the 0.1 code left it, on one backend: open it, and read what it holds without Caleido's code."""

    def __init__(self, backend: str, tmp_path: Path):
        self.backend = backend
        if backend == "embedded":
            self.folder = tmp_path / "old"
            self.folder.mkdir()
            with tarfile.open(OLD / "embedded.tar.gz") as tar:
                tar.extractall(self.folder, filter="data")
            self.uri = f"embedded:{self.folder}"
        else:
            from tests.neo4j_server import neo4j_server

            self.server = neo4j_server()
            self._write_neo4j_dump()
            self.uri = self.server.uri

    def _write_neo4j_dump(self) -> None:
        """Into an empty database with plain Cypher: the 0.1 store's constraints and indexes, nodes, relationships."""
        server, dump = self.server, _neo4j_dump()
        server.wipe()
        for name in [r["name"] for r in server.run("SHOW CONSTRAINTS YIELD name")]:
            server.run(f"DROP CONSTRAINT {_q(name)}")
        for name in [r["name"] for r in server.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")]:
            server.run(f"DROP INDEX {_q(name)}")
        for statement in dump["schema"]:
            server.run(statement)
        by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for node in dump["nodes"]:
            by_labels.setdefault(tuple(node["labels"]), []).append(node["properties"])
        for labels, rows in by_labels.items():
            server.run(f"UNWIND $rows AS row CREATE (n:{':'.join(map(_q, labels))}) SET n = row", rows=rows)
        by_type: dict[str, list[dict[str, Any]]] = {}
        for rel in dump["relationships"]:
            by_type.setdefault(rel["type"], []).append(rel)
        for rel_type, rels in by_type.items():
            server.run(
                "UNWIND $rows AS row MATCH (a:CaleidoNode {id: row.start}) MATCH (b:CaleidoNode {id: row.end}) "
                f"CREATE (a)-[r:{_q(rel_type)}]->(b) SET r = row.properties",
                rows=rels,
            )

    def open(self, **options: Any) -> GraphStore:
        if self.backend == "embedded":
            return EmbeddedStore(self.folder, **options)
        return self.server.open(**options)

    def facts(self) -> tuple[Facts, Facts]:
        """Every node and relationship with its properties, read with the database's own query language, not
        through a Caleido store (which would not open an old store read-only). Entries are left out."""
        if self.backend == "neo4j":
            nodes = self.server.run("MATCH (n:CaleidoNode) RETURN labels(n) AS labels, properties(n) AS p")
            rels = self.server.run("MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, b.id AS b, properties(r) AS p")
            node_facts = {(next(x for x in n["labels"] if x != "CaleidoNode"), n["p"]["id"]): n["p"] for n in nodes}
            return node_facts, {(r["t"], r["a"], r["b"]): r["p"] for r in rels}
        import ladybug

        db = ladybug.Database(str(self.folder / DB_FILE), read_only=True)
        try:
            conn = ladybug.Connection(db)

            def rows(query: str) -> list[list[Any]]:
                result = conn.execute(query)
                out = []
                while result.has_next():
                    out.append(result.get_next())
                return out

            node_facts = {
                (row[0], row[1]["id"]): _plain(row[1])
                for row in rows("MATCH (n) RETURN label(n), n")
                if row[0] != "CaleidoEntry"
            }
            links = rows("MATCH (a)-[r]->(b) RETURN label(r), a.id, b.id, r")
            rel_facts = {(row[0], row[1], row[2]): _plain(row[3]) for row in links}
            conn.close()
            return node_facts, rel_facts
        finally:
            db.close()


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Ladybug's own keys (_id, _label, _src, _dst) left out."""
    return {k: v for k, v in values.items() if not k.startswith("_")}


def _empty(value: Any) -> bool:
    return value in (None, "", [])


@pytest.fixture(params=BACKENDS)
def old(request: pytest.FixtureRequest, tmp_path: Path) -> OldStore:
    return OldStore(request.param, tmp_path)


@pytest.fixture
def opened() -> Iterator[Callable[[GraphStore], GraphStore]]:
    """Closes every store a test opens, however the test ends."""
    stores: list[GraphStore] = []

    def keep(store: GraphStore) -> GraphStore:
        stores.append(store)
        return store

    yield keep
    for store in stores:
        store.close()


# ---------------------------------------------------------------- opening an old store


def test_opening_a_0_1_store_for_writing_migrates_it_and_keeps_every_record_link_and_provenance(old: OldStore) -> None:
    before_nodes, before_links = old.facts()
    assert (len(before_nodes), len(before_links)) == (OLD_NODES, OLD_LINKS)

    with old.open() as store:
        report = store.migration  # type: ignore[attr-defined]
        assert (report.found, report.now, report.migrated) == ("0.1.0", load_ontology().version, True)
        assert [step.split(":")[0] for step in report.steps] == ["0.1.0 -> 0.2.0", "0.2.0 -> 0.3.0"]
        assert store.entries(migrate.VERSION_KIND)[0].body == {"version": "0.3.0", "previous": "0.1.0"}
        counts = store.counts()
    assert (counts.total_nodes, counts.total_links) == (OLD_NODES, OLD_LINKS)
    if old.backend == "embedded":
        assert "new pairs of ADDRESSES: ProgrammeTheme -> RiskFactor" in report.schema
        assert any(line.startswith("new relationship tables: BUILDS, CARRIES, CLOSE_MATCH") for line in report.schema)
    else:
        assert "constraint caleido_factorcombination_id (unique id of FactorCombination)" in report.schema

    after_nodes, after_links = old.facts()
    assert after_nodes.keys() == before_nodes.keys() and after_links.keys() == before_links.keys()
    for key, values in before_nodes.items():
        kept = {name: after_nodes[key][name] for name in values}
        assert kept == values, key
        assert all(_empty(v) for name, v in after_nodes[key].items() if name not in values), key
    for key, values in before_links.items():
        assert {name: after_links[key][name] for name in values} == values, key
    # provenance was there before and is there after, on every node and link
    for facts in (after_nodes, after_links):
        assert all(v["source"] and v["locator"] and v["status"] and v["added_by"] for v in facts.values())


def test_a_migrated_store_takes_what_0_2_adds_beside_its_old_links(old: OldStore) -> None:
    with old.open() as store:
        (theme,) = list(store.iter_nodes("ProgrammeTheme"))[:1]
        (factor,) = list(store.iter_nodes("RiskFactor"))[:1]
        old_addresses = store.counts().links["ADDRESSES"]
        combination = NodeRow(
            "FactorCombination", "fc-test", {"label_nl": "Combinatie", "outcomes": ["violence-willingness"], **PROV}
        )
        store.write(
            [combination],
            [
                LinkRow("ADDRESSES", theme["id"], factor["id"], dict(PROV)),
                LinkRow("COMBINES", "fc-test", factor["id"], dict(PROV)),
            ],
        )
        counts = store.counts()
        assert counts.links["ADDRESSES"] == old_addresses + 1 and counts.links["COMBINES"] == 1
        assert store.fetch_nodes("FactorCombination", ["fc-test"])["fc-test"]["outcomes"] == ["violence-willingness"]


def test_a_migrated_store_takes_what_0_3_adds(old: OldStore) -> None:
    general = {"label_nl": "Algemeen", "organisation_type": "network", **PROV}
    body = {**general, "label_nl": "Regionaal", "phone": "0800-1234", "last_verified": "2026-12-03"}
    region = {"label_nl": "Regio", "region_type": "ggd-region", "identifier": "GG0111", **PROV}
    with old.open() as store:
        store.write(
            [
                NodeRow("Organisation", "org-general", general),
                NodeRow("Organisation", "org-body", body),
                NodeRow("Region", "GG0111", region),
            ],
            [
                LinkRow("KIND_OF", "org-body", "org-general", dict(PROV)),
                LinkRow("OPERATES_IN", "org-body", "GG0111", dict(PROV)),
            ],
        )
        counts = store.counts()
        held = store.fetch_nodes("Organisation", ["org-body"])["org-body"]
    assert counts.links["KIND_OF"] == 1
    assert (held["phone"], held["last_verified"]) == ("0800-1234", "2026-12-03")


def test_the_current_seed_loads_onto_a_migrated_store_and_keeps_what_it_held(tmp_path: Path) -> None:
    old = OldStore("embedded", tmp_path)
    before_nodes, before_links = old.facts()
    with old.open() as store:  # the upgrade path: new code migrates the store, then `caleido run` loads the seed
        report = load_paths(store, [SEED_FOLDER], "caleido-seed-curators")
    assert report.nodes >= OLD_NODES - 10
    after_nodes, after_links = old.facts()
    assert before_nodes.keys() <= after_nodes.keys() and before_links.keys() <= after_links.keys()
    for facts in (after_nodes, after_links):
        assert all(v["source"] and v["locator"] and v["status"] for v in facts.values())


def test_the_rdf_round_trip_stays_isomorphic_after_migration(old: OldStore, tmp_path: Path) -> None:
    with old.open() as store:
        first = export_rdf(store, "ttl")
    (tmp_path / "migrated.ttl").write_text(first, encoding="utf-8")
    if old.backend == "embedded":
        fresh: GraphStore = EmbeddedStore(tmp_path / "fresh")
    else:
        old.server.wipe()  # one database: the export is loaded back into it, emptied
        fresh = old.server.open()
    with fresh:
        load_paths(fresh, [tmp_path / "migrated.ttl"], TEST_AGENT)
        second = export_rdf(fresh, "ttl")
    first_graph, second_graph = Graph().parse(data=first, format="turtle"), Graph().parse(data=second, format="turtle")
    assert len(first_graph) > 10_000
    assert isomorphic(first_graph, second_graph)


def test_a_read_only_open_of_an_old_store_refuses_naming_caleido_migrate_and_changes_nothing(old: OldStore) -> None:
    before = old.facts()
    with pytest.raises(StoreVersionError, match=r"written with ontology 0\.1\.0 .* run `caleido migrate --store "):
        old.open(read_only=True)
    assert old.facts() == before
    with old.open() as store:  # and opening it for writing afterwards still migrates it
        assert store.migration.migrated  # type: ignore[attr-defined]


def test_a_store_newer_than_the_code_is_refused_on_every_open(old: OldStore) -> None:
    with old.open() as store:
        store.put_entries([migrate.stamp("9.0.0", "0.2.0")])
    for read_only in (True, False):
        with pytest.raises(StoreVersionError, match=r"ontology 9\.0\.0, newer than this Caleido's 0\.3\.0"):
            old.open(read_only=read_only)


def test_a_migration_cut_short_before_its_stamp_runs_again_on_the_next_open(
    old: OldStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> None:
        raise StoreError("killed before the stamp")

    with monkeypatch.context() as patch:  # the schema changes land, the stamp does not
        patch.setattr(EmbeddedStore, "write", crash)
        patch.setattr("caleido.graph.neo4j_store.Neo4jStore.write", crash)
        with pytest.raises(StoreError, match="killed before the stamp"):
            old.open()
    with old.open() as store:
        report = store.migration  # type: ignore[attr-defined]
        assert (report.found, report.migrated, report.schema) == ("0.1.0", True, [])  # nothing left to add
        counts = store.counts()
    assert (counts.total_nodes, counts.total_links) == (OLD_NODES, OLD_LINKS)


def test_a_new_store_is_stamped_with_the_current_version(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "new") as store:
        assert not store.migration.migrated
        assert [e.body["version"] for e in store.entries(migrate.VERSION_KIND)] == [load_ontology().version]
    with EmbeddedStore(tmp_path / "new", read_only=True) as store:
        assert store.stored_version() == load_ontology().version


# ---------------------------------------------------------------- the command and the registry


def test_caleido_migrate_says_what_it_did_then_that_nothing_is_left(tmp_path: Path) -> None:
    old = OldStore("embedded", tmp_path)
    first = CliRunner().invoke(app, ["migrate", "--store", old.uri], env={"COLUMNS": "200"})
    assert first.exit_code == ExitCode.OK, first.stderr
    assert "migrated from ontology 0.1.0 to 0.3.0" in first.stdout
    assert "schema: new pairs of ADDRESSES: ProgrammeTheme -> RiskFactor" in first.stdout
    assert "data: no record or link changed" in first.stdout
    again = CliRunner().invoke(app, ["migrate", "--store", old.uri])
    assert again.exit_code == ExitCode.OK
    assert "the store is at ontology 0.3.0: nothing to migrate" in again.stdout


def test_caleido_migrate_refuses_a_newer_store_with_the_store_exit_code(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.put_entries([migrate.stamp("9.0.0", "0.2.0")])
    result = CliRunner().invoke(app, ["migrate", "--store", f"embedded:{tmp_path / 's'}"], env={"COLUMNS": "200"})
    assert result.exit_code == ExitCode.UNUSABLE_STORE
    assert "newer than this Caleido's 0.3.0" in result.stderr


def test_caleido_doctor_names_the_migration_and_its_repair_does_it(tmp_path: Path) -> None:
    old = OldStore("embedded", tmp_path)
    looked = CliRunner().invoke(app, ["doctor", "--store", old.uri], env={"COLUMNS": "300"})
    assert looked.exit_code == ExitCode.UNUSABLE_STORE
    assert "written with ontology 0.1.0" in looked.stdout and "opening it for writing migrates it" in looked.stdout
    repaired = CliRunner().invoke(app, ["doctor", "--repair", "--store", old.uri], env={"COLUMNS": "300"})
    assert repaired.exit_code == ExitCode.OK, repaired.stdout
    assert f"opens: {OLD_NODES} nodes, {OLD_LINKS} links" in repaired.stdout


def test_the_registry_is_one_ordered_chain_that_ends_at_the_current_version() -> None:
    assert [m.source for m in MIGRATIONS[1:]] == [m.target for m in MIGRATIONS[:-1]]
    assert MIGRATIONS[0].source == migrate.UNRECORDED
    assert MIGRATIONS[-1].target == load_ontology().version
    assert migrate.chain(migrate.UNRECORDED, load_ontology().version) == list(MIGRATIONS)
    with pytest.raises(StoreVersionError, match="no migration from ontology 0.0.9"):
        migrate.chain("0.0.9", load_ontology().version)
