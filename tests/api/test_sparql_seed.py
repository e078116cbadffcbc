"""SPARQL and the use cases agree on the seed, on the embedded store and on Neo4j: counts per class and per
relationship, the evidence map's linked cells, a node's links; and the README's five example queries give what
the store holds, computed here from its rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import RDFS, URIRef
from rdflib.namespace import SKOS

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph import usecases
from caleido.graph.store import GraphStore
from caleido.loaders.rdf_mapping import link_iri
from caleido.ontology.model import CID, load_ontology
from tests.api.sparql_client import node_id, notation, readme_queries, rel_name, select, served
from tests.helpers import BACKENDS, plain, seeded_store

PREFIXES = """
PREFIX cal:  <https://w3id.org/caleido/def#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
Seeded = tuple[GraphStore, TestClient]


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """The seed in a store (Neo4j: copied there from an embedded store), and the app over it."""
    folder = tmp_path_factory.mktemp("sparql-seed")
    with (
        seeded_store(request.param, folder) as store,
        TestClient(create_app(store=store, keys=KeyStore(folder / "keys.sqlite3"))) as client,
    ):
        served(client)
        yield store, client


def _links(store: GraphStore) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    return {rel: list(store.iter_links(rel)) for rel in load_ontology().relationships}


# ---------------------------------------------------------------- SPARQL and the use cases


def test_counts_per_class_and_relationship_agree(seeded: Seeded) -> None:
    store, client = seeded
    nodes = select(
        client,
        PREFIXES
        + """SELECT ?class (COUNT(?x) AS ?n) WHERE {
          ?x a ?class . FILTER(STRSTARTS(STR(?x), STR(<https://w3id.org/caleido/id/>)))
          FILTER(STRSTARTS(STR(?class), STR(cal:)) && ?class != cal:LinkAssertion)
        } GROUP BY ?class""",
    )
    links = select(
        client, PREFIXES + "SELECT ?p (COUNT(?c) AS ?n) WHERE { ?c a cal:LinkAssertion ; rdf:predicate ?p } GROUP BY ?p"
    )
    counts = store.counts()
    classes = {c.name: str(c.iri) for c in load_ontology().classes.values()}
    assert {row["class"]: int(row["n"]) for row in nodes} == {classes[c]: n for c, n in counts.nodes.items() if n}
    assert {rel_name(row["p"]): int(row["n"]) for row in links} == {r: n for r, n in counts.links.items() if n}
    assert counts.total_nodes > 500 and counts.total_links > 500


@pytest.mark.parametrize("axis", ["factors", "themes"])
@pytest.mark.parametrize("include_proposed", [False, True])
def test_the_evidence_maps_linked_cells_agree(seeded: Seeded, axis: str, include_proposed: bool) -> None:
    store, client = seeded
    classes = {"factors": "cal:RiskFactor cal:ProtectiveFactor", "themes": "cal:ProgrammeTheme"}[axis]
    statuses = "cal:status-accepted cal:status-proposed" if include_proposed else "cal:status-accepted"
    rows = select(
        client,
        PREFIXES
        + f"""SELECT ?i ?p ?t ?st WHERE {{
          VALUES ?class {{ {classes} }}
          VALUES ?p {{ cal:addresses cal:strengthens cal:belongsTo }}
          ?i a cal:Intervention ; cal:status ?is . ?t a ?class ; cal:status ?ts .
          ?c rdf:subject ?i ; rdf:predicate ?p ; rdf:object ?t ; cal:status ?st .
          VALUES ?is {{ {statuses} }} VALUES ?ts {{ {statuses} }} VALUES ?st {{ {statuses} }}
        }}""",
    )
    cells = plain(usecases.coverage(store, axis=axis, include_proposed=include_proposed))["cells"]  # type: ignore[arg-type]
    expected = {(c["intervention"], c["rel"], c["target"], c["status"]) for c in cells}
    found = {(node_id(r["i"]), rel_name(r["p"]), node_id(r["t"]), notation(r["st"])) for r in rows}
    assert found == expected and len(rows) == len(expected)
    assert expected or axis == "themes"  # the seed's factors are covered


def _busiest(store: GraphStore) -> list[str]:
    """Per class of four, the node with the most links: where a node's links have the most to agree on."""
    degree: Counter[str] = Counter()
    for rows in _links(store).values():
        for source_id, target_id, _ in rows:
            degree.update([source_id, target_id])
    classes = store.find_classes(list(degree))
    return [
        max(sorted(n for n in degree if classes[n] == cls), key=lambda n: degree[n])
        for cls in ("RiskFactor", "Intervention", "Organisation", "Finding")
    ]


def test_a_nodes_links_agree(seeded: Seeded) -> None:
    store, client = seeded
    for node in _busiest(store):
        rows = select(
            client,
            PREFIXES
            + f"""SELECT ?from ?p ?to ?status ?source ?locator WHERE {{
              {{ ?c rdf:subject <{CID[node]}> }} UNION {{ ?c rdf:object <{CID[node]}> }}
              ?c a cal:LinkAssertion ; rdf:subject ?from ; rdf:predicate ?p ; rdf:object ?to ; cal:status ?status .
              OPTIONAL {{ ?c prov:wasDerivedFrom ?source }} OPTIONAL {{ ?c cal:locator ?locator }}
            }}""",
        )
        found = Counter(
            (
                node_id(r["from"]),
                rel_name(r["p"]),
                node_id(r["to"]),
                notation(r["status"]),
                node_id(r["source"]) if "source" in r else None,
                r.get("locator"),
            )
            for r in rows
        )
        links = plain(usecases.node(store, node))["links"]
        expected = Counter(
            (k["from"], k["rel"], k["to"], k["status"], k.get("source"), k.get("locator")) for k in links
        )
        assert found == expected and len(expected) >= 2, node


# ---------------------------------------------------------------- the README's examples


def test_the_readme_has_five_examples() -> None:
    assert len(readme_queries()) == 5


def test_example_1_factors_two_independent_sources_support(seeded: Seeded) -> None:
    store, client = seeded
    rows = select(client, readme_queries()[0])
    links = _links(store)
    publishers: dict[str, set[str]] = defaultdict(set)
    for source_id, organisation, _ in links["PUBLISHED_BY"]:
        publishers[source_id].add(organisation)
    expected = set()
    for cls in ("RiskFactor", "ProtectiveFactor"):
        for factor in store.iter_nodes(cls):
            if factor["status"] != "accepted":
                continue
            sources = {factor["source"]} if factor.get("source") else set()
            for rows_of_rel in links.values():
                sources |= {
                    values["source"]
                    for source_id, target_id, values in rows_of_rel
                    if factor["id"] in (source_id, target_id)
                    and values["status"] == "accepted"
                    and values.get("source")
                }
            for first, second in combinations(sorted(sources), 2):
                if not publishers[first] & publishers[second]:
                    expected.add((factor["id"], first, second))
    found = [(node_id(r["factor"]), node_id(r["first"]), node_id(r["second"])) for r in rows]
    assert set(found) == expected and len(found) == len(expected)
    assert found == sorted(found)  # ORDER BY ?factor ?first ?second


def test_example_2_interventions_per_programme_theme(seeded: Seeded) -> None:
    store, client = seeded
    rows = select(client, readme_queries()[1])
    members: dict[str, set[str]] = {theme["id"]: set() for theme in store.iter_nodes("ProgrammeTheme")}
    for intervention, theme, values in store.iter_links("BELONGS_TO"):
        if values["status"] == "accepted":
            members[theme].add(intervention)
    assert {node_id(r["theme"]): int(r["interventions"]) for r in rows} == {t: len(m) for t, m in members.items()}
    assert len(rows) == len(members) and any(members.values())
    assert [int(r["interventions"]) for r in rows] == sorted((int(r["interventions"]) for r in rows), reverse=True)


def test_example_3_claims_still_proposed_with_their_quote(seeded: Seeded) -> None:
    store, client = seeded
    rows = select(client, readme_queries()[2])
    relationships = load_ontology().relationships
    expected = {
        (str(CID[node["id"]]), node.get("quote"), node.get("locator"))
        for cls in load_ontology().classes
        for node in store.iter_nodes(cls)
        if node.get("status") == "proposed"
    }
    expected |= {
        (str(link_iri(source_id, relationships[rel].iri, target_id)), values.get("quote"), values.get("locator"))
        for rel, rows_of_rel in _links(store).items()
        for source_id, target_id, values in rows_of_rel
        if values.get("status") == "proposed"
    }
    found = [(r["claim"], r.get("quote"), r.get("locator")) for r in rows]
    assert set(found) == expected and len(found) == len(expected) and expected
    links = [r for r in rows if "subject" in r]
    assert links and all(
        r["claim"] == str(link_iri(node_id(r["subject"]), URIRef(r["predicate"]), node_id(r["object"]))) for r in links
    )


def test_example_4_where_a_finding_comes_from(seeded: Seeded) -> None:
    store, client = seeded
    rows = select(client, readme_queries()[3])
    findings = [f for f in store.iter_nodes("Finding") if f.get("source")]
    sources = store.fetch_nodes("Source", {f["source"] for f in findings})
    expected = {
        (
            f["id"],
            f["source"],
            sources[f["source"]].get("citation"),
            f.get("locator"),
            f.get("quote"),
            f.get("label_en"),
        )
        for f in findings
    }
    found = [
        (
            node_id(r["finding"]),
            node_id(r["source"]),
            r.get("citation"),
            r.get("locator"),
            r.get("quote"),
            r.get("statement"),
        )
        for r in rows
    ]
    assert set(found) == expected and len(found) == len(expected) and expected


def test_example_5_close_matches(seeded: Seeded) -> None:
    store, client = seeded
    rows = select(client, readme_queries()[4])
    graph = load_ontology().graph
    close = [
        r.name
        for r in load_ontology().relationships.values()
        if SKOS.closeMatch in set(graph.transitive_objects(r.iri, RDFS.subPropertyOf))
    ]
    expected = {(s, t, values["status"]) for rel in close for s, t, values in store.iter_links(rel)}
    found = [(node_id(r["record"]), node_id(r["match"]), notation(r["status"])) for r in rows]
    assert set(found) == expected and len(found) == len(expected)


def test_the_examples_answer_as_csv_too(seeded: Seeded, tmp_path: Path) -> None:
    _, client = seeded
    for query in readme_queries():
        response = client.post("/api/v1/sparql", data={"query": query}, headers={"Accept": "text/csv"})
        assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
        header = response.text.lstrip("\ufeff").splitlines()[0]
        assert header.split(",")[0] in ("factor", "theme", "claim", "finding", "record")
