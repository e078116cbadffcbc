"""The seed on both stores: the embedded store loaded from the seed files, Neo4j filled from it by
`copy`, and a second embedded store filled back from Neo4j. Every use case answers identically and
the Turtle exports are isomorphic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.compare import isomorphic

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph import usecases
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.store import GraphStore
from caleido.loaders.copy import copy_store
from caleido.loaders.export import export_rdf
from caleido.loaders.load import load_paths
from caleido.loaders.sources import SEED_FOLDER
from tests.helpers import plain
from tests.neo4j_server import neo4j_server

pytestmark = pytest.mark.neo4j

# Five municipalities in five provinces, two of them by the names people type.
MUNICIPALITIES = ["GM0363", "Den Haag", "GM0344", "Groningen", "Den Bosch", "GM0193"]
SEARCHES = ["vertrouwen", "TRUST", "gemeente", "complot", "Fryslan", "ess", "veerkracht"]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, GraphStore]]:
    server = neo4j_server()
    server.wipe()
    folder = tmp_path_factory.mktemp("seed-conformance")
    embedded = EmbeddedStore(folder / "embedded")
    load_paths(embedded, [SEED_FOLDER], "caleido-seed-curators")
    neo4j = server.open()
    copy_store(embedded, neo4j)
    back = EmbeddedStore(folder / "back")
    copy_store(neo4j, back)
    yield {"embedded": embedded, "neo4j": neo4j, "back": back}
    for store in (embedded, neo4j, back):
        store.close()


def _same_on_every_store(stores: dict[str, GraphStore], ask: Callable[[GraphStore], Any]) -> Any:
    answers = {name: ask(store) for name, store in stores.items()}
    assert answers["neo4j"] == answers["embedded"]
    assert answers["back"] == answers["embedded"]
    return answers["embedded"]


def test_counts_agree(stores: dict[str, GraphStore]) -> None:
    counts = _same_on_every_store(stores, lambda s: (s.counts().nodes, s.counts().links))
    assert sum(counts[0].values()) > 500 and sum(counts[1].values()) > 500


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_model_agrees(stores: dict[str, GraphStore], lang: str) -> None:
    result = _same_on_every_store(stores, lambda s: plain(usecases.model(s, lang=lang)))
    assert len(result["members"]) > 50


@pytest.mark.parametrize("axis", ["factors", "themes"])
@pytest.mark.parametrize("include_proposed", [False, True])
def test_coverage_agrees(stores: dict[str, GraphStore], axis: str, include_proposed: bool) -> None:
    result = _same_on_every_store(
        stores, lambda s: plain(usecases.coverage(s, axis=axis, include_proposed=include_proposed))
    )
    assert result["rows"]


def test_coverage_filters_agree(stores: dict[str, GraphStore]) -> None:
    _same_on_every_store(stores, lambda s: plain(usecases.coverage(s, dimension="individual", domain="social")))
    _same_on_every_store(stores, lambda s: plain(usecases.coverage(s, cluster="coeus-social", level="national")))


@pytest.mark.parametrize("include_proposed", [False, True])
def test_gaps_agree(stores: dict[str, GraphStore], include_proposed: bool) -> None:
    result = _same_on_every_store(stores, lambda s: plain(usecases.gaps(s, include_proposed=include_proposed)))
    assert result["counts"]["factors_without_intervention"] > 0


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_partners_agree(stores: dict[str, GraphStore], municipality: str) -> None:
    result = _same_on_every_store(
        stores, lambda s: plain(usecases.partners(s, municipality, usecases.PartnerQuery(include_proposed=True)))
    )
    assert result["partners"]


def test_the_five_municipalities_lie_in_different_provinces(stores: dict[str, GraphStore]) -> None:
    provinces = {
        plain(usecases.partners(stores["embedded"], m))["municipality"]["provinces"][0] for m in MUNICIPALITIES
    }
    assert len(provinces) >= 5


@pytest.mark.parametrize("text", SEARCHES)
def test_search_agrees(stores: dict[str, GraphStore], text: str) -> None:
    _same_on_every_store(stores, lambda s: plain(usecases.search(s, text)))


def test_neighbourhood_and_node_agree(stores: dict[str, GraphStore]) -> None:
    _same_on_every_store(stores, lambda s: plain(usecases.neighbourhood(s, "org-nctv", depth=2, limit=60)))
    _same_on_every_store(stores, lambda s: plain(usecases.node(s, "org-nctv")))


def test_turtle_exports_are_isomorphic(stores: dict[str, GraphStore], tmp_path: Path) -> None:
    graphs = {name: Graph().parse(data=export_rdf(s, "ttl"), format="turtle") for name, s in stores.items()}
    assert isomorphic(graphs["embedded"], graphs["neo4j"])
    assert isomorphic(graphs["embedded"], graphs["back"])


API_REQUESTS = [
    ("/api/v1/model", {"lang": "en"}),
    ("/api/v1/coverage", {}),
    ("/api/v1/coverage", {"axis": "themes", "include_proposed": "true"}),
    ("/api/v1/gaps", {}),
    *[("/api/v1/partners", {"municipality": m, "include_proposed": "true"}) for m in MUNICIPALITIES],
    ("/api/v1/search", {"q": "vertrouwen"}),
]


@pytest.mark.parametrize(("url", "params"), API_REQUESTS)
def test_the_api_answers_byte_for_byte_alike(
    stores: dict[str, GraphStore], url: str, params: dict[str, str], tmp_path: Path
) -> None:
    bodies = {}
    for name, store in stores.items():
        with TestClient(create_app(store=store, keys=KeyStore(tmp_path / "keys.sqlite3"))) as client:
            response = client.get(url, params=params)
            assert response.status_code == 200, response.text
            bodies[name] = response.content
    assert bodies["neo4j"] == bodies["embedded"] and bodies["back"] == bodies["embedded"]
