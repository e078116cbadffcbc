"""What the SPARQL tests share: asking the endpoint, waiting for its projection, the README's example queries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from caleido.ontology.model import CID, load_ontology
from caleido.sparql.projected import ProjectedStore

README = Path(__file__).parents[2] / "README.md"
RESULTS_JSON = "application/sparql-results+json"
PROBLEM = "application/problem+json"


def served(client: TestClient) -> ProjectedStore:
    """The store the app serves, its projection built (the first build runs in the background)."""
    store = client.app.state.store  # type: ignore[attr-defined]
    assert isinstance(store, ProjectedStore)
    store.projection.current(wait=120)
    return store


def select(client: TestClient, query: str, **headers: str) -> list[dict[str, str]]:
    """The rows of a SELECT as {variable: value} (unbound variables left out)."""
    response = client.get("/api/v1/sparql", params={"query": query}, headers={"Accept": RESULTS_JSON, **headers})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == RESULTS_JSON
    return [{name: term["value"] for name, term in row.items()} for row in response.json()["results"]["bindings"]]


def node_id(iri: str) -> str:
    assert iri.startswith(str(CID)), iri
    return iri[len(str(CID)) :]


def notation(iri: str) -> str:
    """A concept's notation (e.g. cal:status-accepted -> accepted)."""
    return load_ontology().concepts_by_iri[_uri(iri)].notation


def rel_name(iri: str) -> str:
    """A relationship's store type (e.g. cal:addresses -> ADDRESSES)."""
    return {str(r.iri): r.name for r in load_ontology().relationships.values()}[iri]


def _uri(iri: str) -> Any:
    from rdflib import URIRef

    return URIRef(iri)


def readme_queries() -> list[str]:
    """The example queries of the README's section "SPARQL for researchers", in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## SPARQL for researchers", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sparql\n(.*?)```", section, re.DOTALL)
