"""The graph as RDF in an in-memory pyoxigraph store, kept in step with the graph store: derived data, like the
export it equals (`caleido export --format ttl`: caleido.loaders.export and rdf_mapping) plus the ontology's
three files, shapes included.

- Start-up builds it whole, in a thread of its own; queries wait for it (within their time limit).
- A write through this process's store (ProjectedStore.write: records, links, reviews, imports, jobs) replaces
  the triples of the nodes and links it wrote, read back from the store after it committed, before the write
  returns: the next query sees it. Reading them back, rather than taking the rows written, keeps two writes
  of one row that commit in one order and are applied in the other from leaving the older one behind.
- A write that did not pass there changes its writer's write mark (caleido.graph.sync): over Neo4j another
  process's (`caleido load`, a second API instance), on either store a write made behind the wrapper's back
  (a caller of `create_app(store=...)` that writes to the store itself). A query that finds a mark other than
  it last saw has the projection built whole again first. Over Neo4j the marks of every writer are read (one
  indexed lookup); an embedded store has one owner, this process, so only the shared mark is (by its key).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from caleido.errors import QueryEngineBusy
from caleido.graph.store import GraphStore
from caleido.graph.sync import MARK_SUBJECT, SHARED_WRITER, WRITE_MARK
from caleido.loaders.copy import chunks
from caleido.loaders.export import iter_rows
from caleido.loaders.rdf_mapping import AGENT, add_link, add_node, link_iri, new_graph, rows_to_graph
from caleido.ontology.model import CID, load_ontology
from caleido.ontology.records import LinkRow, NodeRow

log = logging.getLogger("caleido.sparql")

NodeKeys = dict[str, set[str]]  # class -> node ids
LinkKeys = dict[str, set[tuple[str, str]]]  # relationship type -> (source id, target id)


def to_quads(graph: Graph) -> list[ox.Quad]:
    """An rdflib graph's triples as pyoxigraph quads of the default graph (through N-Triples, which both write
    and read exactly)."""
    text = graph.serialize(format="nt", encoding="utf-8")
    return list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))


class Closed(Exception):
    """The projection was closed while it read the store."""


BATCH = 2000  # rows turned into triples at a time: a build holds one batch as an rdflib graph, not the store


def whole_graph(store: GraphStore) -> Graph:
    """What the projection holds, as rdflib builds it for the export: every node and link, and the ontology's
    files whole (the export leaves out the shapes)."""
    graph = rows_to_graph(*iter_rows(store))
    graph += load_ontology().graph
    return graph


def parts(store: GraphStore, going: Callable[[], bool] = lambda: True) -> Iterator[Graph]:
    """whole_graph in parts: the ontology, then BATCH nodes or links at a time, made by the export's own
    add_node and add_link (an agent named in two parts is in both; a store keeps one). Stops (Closed) at the
    first batch after `going` turns false."""
    yield load_ontology().graph
    nodes, links = iter_rows(store)
    batches: Iterator[list[Any]] = chain(chunks(nodes, BATCH), chunks(links, BATCH))
    for batch in batches:
        if not going():
            raise Closed
        graph = new_graph()
        for row in batch:
            if isinstance(row, NodeRow):
                add_node(graph, row.cls, row.id, row.values)
            else:
                add_link(graph, row.rel, row.source_id, row.target_id, row.values)
        yield graph


class Projection:
    """The pyoxigraph copy of one graph store (module doc). `writer` names this process's write mark."""

    def __init__(self, store: GraphStore, *, other_instances: bool):
        """`other_instances`: whether other API instances may write the store (Neo4j), whose marks are then read
        too; otherwise only the shared mark, that of every writer which keeps no projection."""
        self.source = store
        self.writer = f"api-{secrets.token_hex(6)}"
        self._other_instances = other_instances
        self._rel_iris = {ox.NamedNode(str(rel.iri)) for rel in load_ontology().relationships.values()}
        self._changed = threading.Condition()  # guards everything below
        self._oxi: ox.Store | None = None
        self._stale = True  # the copy misses something: a build is due
        self._building = False
        self._pending: tuple[NodeKeys, LinkKeys] = (defaultdict(set), defaultdict(set))  # written while building
        self._seen_marks: dict[str, str] = {}
        self._builder: threading.Thread | None = None
        self._closed = False
        self.builds = 0  # how many builds finished: tests and logs tell a rebuild from an incremental step

    # ------------------------------------------------------------ reading

    def start(self) -> None:
        """Begin the first build (in the background)."""
        with self._changed:
            self._begin_build()

    def current(self, wait: float) -> ox.Store:
        """The copy, up to date with every committed write; waits up to `wait` seconds while it is built."""
        marks = self._other_marks()
        with self._changed:
            if marks != self._seen_marks:
                self._stale = True
            if self._stale and not self._building:
                self._begin_build()
            # Not the copy a build is replacing: it may miss the write whose mark asked for the build.
            ready = self._changed.wait_for(self._ready, timeout=wait)
            if not ready or self._oxi is None:
                raise QueryEngineBusy(
                    f"The SPARQL copy of the graph is still being built (waited {wait:g} s); try again shortly."
                )
            return self._oxi

    def _ready(self) -> bool:
        return self._oxi is not None and not self._stale and not self._building

    def _other_marks(self) -> dict[str, str]:
        """The write marks of every writer but this process, by writer."""
        if self._other_instances:
            entries = self.source.entries(WRITE_MARK, subject=MARK_SUBJECT)
        else:
            entries = self.source.entries(WRITE_MARK, ids=[SHARED_WRITER])
        return {e.id: str(e.body.get("token")) for e in entries if e.id != self.writer}

    # ------------------------------------------------------------ building whole

    def _begin_build(self) -> None:
        """Start a build thread unless one runs (the caller holds the condition)."""
        if self._building:
            return
        if self._closed:
            return
        self._building = True
        self._builder = threading.Thread(target=self._build, name="caleido-sparql-build", daemon=True)
        self._builder.start()

    def close(self, wait: float = 30.0) -> None:
        """Stop building (at the next row read) and wait for the build to end, so the store can close under it."""
        with self._changed:
            self._closed = True
            builder = self._builder
        if builder is not None:
            builder.join(wait)

    def _build(self) -> None:
        try:
            while True:
                marks = self._other_marks()  # before the rows: the build holds at least what these marks say
                with self._changed:
                    self._stale = False  # a mark other than these, seen from here on, asks for another round
                    self._seen_marks = marks
                    self._pending = (defaultdict(set), defaultdict(set))
                fresh = ox.Store()
                for part in parts(self.source, lambda: not self._closed):
                    fresh.extend(to_quads(part))
                with self._changed:
                    self._apply(fresh, *self._pending)  # written while this build read
                    self._oxi = fresh
                    self.builds += 1
                    if not self._stale:
                        self._building = False
                        self._changed.notify_all()
                        log.info("SPARQL copy built: %d triples", len(fresh))
                        return
        except Closed:
            return
        except Exception:
            log.warning("the SPARQL copy could not be built; the next query tries again", exc_info=True)
            with self._changed:
                self._stale, self._building = True, False
                self._changed.notify_all()

    # ------------------------------------------------------------ keeping in step

    def written(self, nodes: Sequence[NodeRow], links: Sequence[LinkRow]) -> None:
        """Bring the copy in step with a committed write of these rows."""
        node_keys: NodeKeys = defaultdict(set)
        link_keys: LinkKeys = defaultdict(set)
        for node in nodes:
            node_keys[node.cls].add(node.id)
        for link in links:
            link_keys[link.rel].add((link.source_id, link.target_id))
        with self._changed:
            if self._building:
                for cls, ids in node_keys.items():
                    self._pending[0][cls] |= ids
                for rel, keys in link_keys.items():
                    self._pending[1][rel] |= keys
            if self._oxi is None:
                return
            try:
                self._apply(self._oxi, node_keys, link_keys)
            except Exception:
                log.exception("a write could not be applied to the SPARQL copy; it is built again")
                self._stale = True
                self._begin_build()

    def _apply(self, oxi: ox.Store, node_keys: NodeKeys, link_keys: LinkKeys) -> None:
        """Replace the triples of these nodes and links by what the store holds now, in one update."""
        if not node_keys and not link_keys:
            return
        removed: set[ox.Quad] = set()
        graph = new_graph()
        for cls, ids in node_keys.items():
            stored = self.source.fetch_nodes(cls, ids)
            for node_id in ids:
                subject = _node(node_id)
                removed |= {q for q in oxi.quads_for_pattern(subject, None, None) if q.predicate not in self._rel_iris}
                if node_id in stored:
                    add_node(graph, cls, node_id, stored[node_id])
        relationships = load_ontology().relationships
        for rel, keys in link_keys.items():
            stored_links = self.source.fetch_links(rel, keys)
            predicate = relationships[rel].iri
            for source_id, target_id in keys:
                assertion = ox.NamedNode(str(link_iri(source_id, predicate, target_id)))
                removed |= set(oxi.quads_for_pattern(assertion, None, None))
                removed.add(ox.Quad(_node(source_id), ox.NamedNode(str(predicate)), _node(target_id)))
                if (source_id, target_id) in stored_links:
                    add_link(graph, rel, source_id, target_id, stored_links[(source_id, target_id)])
        added = set(to_quads(graph))
        removed |= self._orphaned_agents(oxi, removed, added)
        oxi.update(_update_text(removed, added))  # deletes first: what is in both stays

    @staticmethod
    def _orphaned_agents(oxi: ox.Store, removed: set[ox.Quad], added: set[ox.Quad]) -> set[ox.Quad]:
        """The triples of agents (prov:Agent, as the export writes them) that nothing names once `removed` goes
        and `added` comes: a full export would not have them either."""
        agents = {q.object for q in removed if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(AGENT)}
        agents -= {q.object for q in added}
        gone: set[ox.Quad] = set()
        for agent in agents:
            if all(q in removed for q in oxi.quads_for_pattern(None, None, agent)):
                gone |= set(oxi.quads_for_pattern(agent, None, None))
        return gone


def _node(node_id: str) -> ox.NamedNode:
    return ox.NamedNode(str(CID[node_id]))


def _update_text(removed: Iterable[ox.Quad], added: Iterable[ox.Quad]) -> str:
    """One SPARQL update (one transaction) that deletes and inserts these triples. The terms are written by
    pyoxigraph itself (N-Triples, which SPARQL reads), so no value is ever spliced in as text of ours."""

    def block(quads: Iterable[ox.Quad]) -> str:
        return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)

    return f"DELETE DATA {{\n{block(removed)}\n}} ;\nINSERT DATA {{\n{block(added)}\n}}"
