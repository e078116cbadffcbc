"""The SPARQL endpoint: kept in step with writes (this process's and another's), its time limit and row cap,
refused updates and SERVICE, Accept negotiation, input that tries to be something else, and the read policy."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.compare import isomorphic

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.store import GraphStore
from caleido.graph.sync import SHARED_WRITER, WRITE_MARK, plan_and_write
from caleido.ontology.records import LinkRow
from caleido.settings import Settings
from caleido.sparql.projection import Projection, whole_graph
from tests.api.sparql_client import PROBLEM, RESULTS_JSON, readme_queries, select, served
from tests.helpers import FIXTURES, bearer, load

SPARQL = "/api/v1/sparql"
CAL = "PREFIX cal: <https://w3id.org/caleido/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
FINDING = {
    "statement": {"en": "Peer contact in sport clubs goes with lower support for violence"},
    "source": {"citation": "Doe, J. (2024). A test study of sport clubs.", "locator": "table 2"},
}
META_ANALYSIS = FIXTURES / "evidence" / "meta-analysis.csv"


def _label_of(client: TestClient, node: str) -> list[str]:
    query = CAL + f"SELECT ?label WHERE {{ <https://w3id.org/caleido/id/{node}> skos:prefLabel ?label }}"
    return [row["label"] for row in select(client, query)]


def _status_of(client: TestClient, node: str) -> str | None:
    query = CAL + f"SELECT ?status WHERE {{ <https://w3id.org/caleido/id/{node}> cal:status ?status }}"
    rows = select(client, query)
    return rows[0]["status"].rsplit("-", 1)[1] if rows else None


def _as_rdflib(oxi: ox.Store) -> Graph:
    return Graph().parse(data=oxi.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")


# ---------------------------------------------------------------- kept in step


def test_writes_through_the_api_are_seen_by_the_next_query(client: TestClient, keys: KeyStore) -> None:
    projected = served(client)
    builds = projected.projection.builds
    researcher, curator = bearer(keys, "researcher"), bearer(keys, "curator")

    added = client.post("/api/v1/findings", json=FINDING, headers=researcher)
    assert added.status_code in (200, 201), added.text
    finding = added.json()["id"]
    assert _label_of(client, finding) == [FINDING["statement"]["en"]]
    assert _status_of(client, finding) == "proposed"

    reviewed = client.post(
        f"/api/v1/evidence/{finding}/review", json={"decision": "accept", "reason": "read it"}, headers=curator
    )
    assert reviewed.status_code == 200, reviewed.text
    assert _status_of(client, finding) == "accepted"

    one_row = "\n".join(META_ANALYSIS.read_text(encoding="utf-8").splitlines()[:2]) + "\n"
    job = client.post(
        "/api/v1/evidence/import",
        headers={**researcher, "Prefer": "respond-async"},
        files={"file": ("one.csv", one_row.encode())},
    )
    assert job.status_code == 202, job.text
    for _ in range(300):
        state = client.get(job.headers["location"], headers=researcher).json()
        if state["state"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    assert state["state"] == "done", state
    imported = state["result"]["report"][0]["finding"]
    assert _status_of(client, imported) == "proposed"

    # Step by step, no rebuild, and the copy is what a build from scratch would be (agents of old reviews too).
    assert projected.projection.builds == builds
    oxi = projected.projection.current(wait=10)
    assert isomorphic(_as_rdflib(oxi), whole_graph(projected.inner))


def test_a_write_the_projection_did_not_see_is_found_by_its_mark(store: GraphStore, tmp_path: Path) -> None:
    # A write through the store itself, not the projection's wrapper: another process's over Neo4j, or on either
    # store a caller that serves the store and writes to it too.
    load(store, FIXTURES / "usecases")
    projection = Projection(store, other_instances=store.dialect != "embedded")
    projection.start()
    projection.current(wait=60)
    builds = projection.builds
    load(store, FIXTURES / "mini")
    assert [e.id for e in store.entries(WRITE_MARK)] == [SHARED_WRITER]
    oxi = projection.current(wait=60)
    assert projection.builds == builds + 1
    assert isomorphic(_as_rdflib(oxi), whole_graph(store))
    projection.current(wait=60)
    assert projection.builds == builds + 1  # marks unchanged: no second build


@pytest.mark.neo4j
def test_another_api_instance_over_one_neo4j_sees_the_writes_of_the_first(keys: KeyStore, tmp_path: Path) -> None:
    from tests.neo4j_server import neo4j_server

    server = neo4j_server()
    server.wipe()
    with server.open() as first_store, server.open() as second_store:
        load(first_store, FIXTURES / "usecases")
        with (
            TestClient(create_app(store=first_store, keys=keys)) as first,
            TestClient(create_app(store=second_store, keys=keys)) as second,
        ):
            served(first), served(second)
            finding = first.post("/api/v1/findings", json=FINDING, headers=bearer(keys, "researcher")).json()["id"]
            assert _label_of(second, finding) == [FINDING["statement"]["en"]]
            assert _label_of(first, finding) == [FINDING["statement"]["en"]]
            assert served(first).projection.builds == 1  # its own write came step by step


def test_the_readme_close_match_example_finds_a_match_written_through_the_api_store(client: TestClient) -> None:
    # The seed may hold no close match yet; this one is written as any write is, through the served store.
    projected = served(client)
    match = {"status": "proposed", "source": "src-u", "locator": "p. 1", "quote": "Despair, or exclusion"}
    plan_and_write(projected, [], [LinkRow("CLOSE_MATCH", "rf-1", "rf-2", match)])
    rows = select(client, readme_queries()[4])
    assert [(r["record"], r["label"], r["match"], r["matchLabel"], r["status"]) for r in rows] == [
        (
            "https://w3id.org/caleido/id/rf-1",
            "Wanhoop",
            "https://w3id.org/caleido/id/rf-2",
            "Uitsluiting",
            "https://w3id.org/caleido/def#status-proposed",
        )
    ]
    proposed = select(client, readme_queries()[2])
    assert {"subject": "https://w3id.org/caleido/id/rf-1", "quote": "Despair, or exclusion"}.items() <= next(
        r for r in proposed if r.get("object") == "https://w3id.org/caleido/id/rf-2"
    ).items()


# ---------------------------------------------------------------- limits


@pytest.fixture
def limited(tmp_path: Path, keys: KeyStore) -> Iterator[TestClient]:
    """The app over the usecases fixtures with small limits: 0.3 s a query, one at a time, 5 rows."""
    settings = Settings(sparql_timeout_seconds=0.3, sparql_max_running=1, sparql_max_rows=5)
    with EmbeddedStore(tmp_path / "store") as store:
        load(store, FIXTURES / "usecases")
        with TestClient(create_app(settings, store=store, keys=keys)) as client:
            served(client)
            yield client


def _product(size: int) -> str:
    """A query whose work grows with size³ whatever the graph holds: 400 takes seconds, and then ends."""
    values = " ".join(map(str, range(size)))
    return f"SELECT (COUNT(*) AS ?n) {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }}"


def test_a_query_past_its_time_limit_gets_503_and_keeps_its_place_till_it_ends(limited: TestClient) -> None:
    started = time.monotonic()
    slow = limited.get(SPARQL, params={"query": _product(400)})
    assert time.monotonic() - started < 3
    assert slow.status_code == 503 and slow.headers["content-type"] == PROBLEM
    assert slow.headers["retry-after"] and "0.3 s" in slow.json()["detail"]
    # The engine cannot stop it: till it ends, the one place is taken and a quick query is turned away too.
    busy = limited.get(SPARQL, params={"query": "ASK {}"})
    assert busy.status_code == 503 and "busy" in busy.json()["detail"]
    for _ in range(600):
        answer = limited.get(SPARQL, params={"query": "ASK {}"})
        if answer.status_code == 200:
            break
        time.sleep(0.1)
    assert answer.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    ("query", "accept", "cut"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", RESULTS_JSON, True),
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5", RESULTS_JSON, False),
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 4", RESULTS_JSON, False),
        ("SELECT ?s WHERE { ?s ?p ?o }", "text/csv", True),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle", True),
    ],
)
def test_an_answer_holds_at_most_the_row_cap_and_says_when_it_was_cut(
    limited: TestClient, query: str, accept: str, cut: bool
) -> None:
    response = limited.get(SPARQL, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["caleido-row-limit"] == "5"
    assert response.headers.get("caleido-truncated") == ("true" if cut else None)
    if accept == RESULTS_JSON:
        assert len(response.json()["results"]["bindings"]) == (5 if cut else int(query[-1]))
    elif accept == "text/csv":
        assert len(response.text.splitlines()) == 1 + 5
    else:
        assert len(Graph().parse(data=response.text, format="turtle")) == 5


# ---------------------------------------------------------------- read-only


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request: a SERVICE call that got through would show here."""
    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


UPDATES = [
    "INSERT DATA { <https://w3id.org/caleido/id/x> <https://w3id.org/caleido/def#status> 'accepted' }",
    "DELETE WHERE { ?s ?p ?o }",
    "delete { ?s ?p ?o } where { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "CLEAR ALL",
    "DROP DEFAULT",
    "PREFIX cal: <https://w3id.org/caleido/def#>\n# a comment\nWITH <https://x> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "BASE <https://x/> COPY DEFAULT TO <g>",
]
SERVICES = [
    "SELECT * WHERE { SERVICE <{url}/a> { ?s ?p ?o } }",
    "select * where { service silent <{url}/b> { ?s ?p ?o } }",
    "PREFIX : <{url}/> SELECT * WHERE { SERVICE:c { ?s ?p ?o } }",
    "PREFIX : <{url}/> SELECT * WHERE { ?s ?p ?o .SERVICE :d { ?s ?p ?o } }",
    "SELECT * WHERE { OPTIONAL { SeRvIcE<{url}/e>{} } }",
    "PREFIX ex: <{url}/> SELECT * WHERE { ?s ?p ex:SERVICE }",  # refused on the safe side
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_and_change_nothing(client: TestClient, store: GraphStore, update: str) -> None:
    served(client)
    before = store.counts()
    for response in (
        client.get(SPARQL, params={"query": update}),
        client.post(SPARQL, content=update, headers={"Content-Type": "application/sparql-query"}),
        client.post(SPARQL, content=update, headers={"Content-Type": "application/sparql-update"}),
        client.post(SPARQL, data={"update": update}),
    ):
        assert response.status_code == 400 and response.headers["content-type"] == PROBLEM, response.text
        assert response.json()["title"] == "SPARQL query refused"
    assert store.counts() == before
    assert select(client, "SELECT * WHERE { <https://w3id.org/caleido/id/x> ?p ?o }") == []


@pytest.mark.parametrize("service", SERVICES)
def test_service_is_refused_before_any_call(client: TestClient, listener: tuple[str, list[str]], service: str) -> None:
    url, hits = listener
    response = client.get(SPARQL, params={"query": service.replace("{url}", url)})
    assert response.status_code == 400 and response.json()["title"] == "SPARQL query refused", response.text
    assert "SERVICE" in response.json()["detail"]
    time.sleep(0.1)
    assert hits == []


# ---------------------------------------------------------------- Accept


@pytest.mark.parametrize(
    ("query", "accept", "status", "media"),
    [
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1", None, 200, RESULTS_JSON),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1", "*/*", 200, RESULTS_JSON),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1", "application/json", 200, "application/json"),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1", "text/csv", 200, "text/csv; charset=utf-8"),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1", "text/*", 200, "text/csv; charset=utf-8"),
        (
            "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1",
            "text/csv;q=0.5, application/sparql-results+json",
            200,
            RESULTS_JSON,
        ),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1", "text/csv, application/*;q=0.1", 200, "text/csv; charset=utf-8"),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1", "text/turtle", 406, PROBLEM),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+json;q=0", 406, PROBLEM),
        ("ASK { ?s ?p ?o }", "application/sparql-results+json", 200, RESULTS_JSON),
        ("ASK { ?s ?p ?o }", "text/csv", 406, PROBLEM),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", None, 200, "text/turtle; charset=utf-8"),
        ("DESCRIBE <https://w3id.org/caleido/def#Finding>", "text/turtle", 200, "text/turtle; charset=utf-8"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", RESULTS_JSON, 406, PROBLEM),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/html, image/png", 406, PROBLEM),
    ],
)
def test_the_answer_comes_in_the_type_accept_asks_for(
    client: TestClient, query: str, accept: str | None, status: int, media: str
) -> None:
    served(client)
    response = client.get(SPARQL, params={"query": query}, headers={"Accept": accept} if accept else {})
    assert response.status_code == status and response.headers["content-type"] == media, response.text
    if status == 406:
        assert "answered in" in response.json()["detail"]
    elif "turtle" in media:
        assert len(Graph().parse(data=response.text, format="turtle")) >= 1
    elif "csv" in media:
        assert response.text.startswith("\ufeffs,p,o\r\n")
    else:
        assert "head" in response.json()


# ---------------------------------------------------------------- input that tries to be something else


def test_keywords_inside_strings_and_comments_are_data(client: TestClient) -> None:
    served(client)
    query = (
        'SELECT ?x WHERE { VALUES ?x { \'INSERT DATA { <a:b> <a:c> <a:d> }\' """SERVICE <http://x> {}""" '
        "'} ; DROP ALL' } } # SERVICE <http://x> and DELETE WHERE {}"
    )
    assert sorted(row["x"] for row in select(client, query)) == [
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "SERVICE <http://x> {}",
        "} ; DROP ALL",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
        "SELECT * WHERE { ?s ?p ?o } } INSERT DATA { <a:b> <a:c> <a:d> } {",
        "MATCH (n) DETACH DELETE n",
        "' OR 1=1; DROP TABLE nodes; --",
        "SELECT * WHERE { ?s ?p ?o \x00 }",
        "SELECT * WHERE { ?s ?p ?o ",
        "{}",
        " ",
    ],
)
def test_what_is_no_query_is_400_and_changes_nothing(client: TestClient, store: GraphStore, text: str) -> None:
    served(client)
    before = store.counts()
    response = client.post(SPARQL, data={"query": text})
    assert response.status_code == 400 and response.headers["content-type"] == PROBLEM, response.text
    assert response.json()["title"] in ("Invalid SPARQL query", "SPARQL query refused")
    assert store.counts() == before


def test_a_query_deep_enough_to_overflow_the_engines_stack_is_refused_or_runs(client: TestClient) -> None:
    # pyoxigraph recurses: 5,000 nested brackets, or 10,000 terms of 1+1+...+1, killed the process (segfault)
    # on an 8 MiB stack. Deep nesting and long queries are refused; a long chain within the caps runs.
    served(client)
    deep = client.post(SPARQL, data={"query": "SELECT * WHERE " + "{" * 5000 + "}" * 5000})
    assert deep.status_code == 400 and "nests brackets" in deep.json()["detail"]
    long = client.post(SPARQL, data={"query": "ASK { FILTER(" + "!" * 70_000 + "true) }"})
    assert long.status_code == 400 and "longer than" in long.json()["detail"]
    chain = client.post(SPARQL, data={"query": "SELECT ?n WHERE { BIND(" + "+".join(["1"] * 10_000) + " AS ?n) }"})
    assert chain.status_code == 200, chain.text
    assert chain.json()["results"]["bindings"] == [
        {"n": {"type": "literal", "value": "10000", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
    ]
    nested = "SELECT * WHERE " + "{" * 100 + "}" * 100
    assert client.post(SPARQL, data={"query": nested}).status_code == 200


def test_a_value_that_a_spreadsheet_would_run_is_written_so_it_does_not(client: TestClient, keys: KeyStore) -> None:
    served(client)
    formula = '=HYPERLINK("http://example.org/x","click")'
    finding = {**FINDING, "statement": {"en": formula}}
    node = client.post("/api/v1/findings", json=finding, headers=bearer(keys, "researcher")).json()["id"]
    query = CAL + (
        f"SELECT ?label ?quoted WHERE {{ <https://w3id.org/caleido/id/{node}> skos:prefLabel ?label "
        'BIND("a\\"b\\nc" AS ?quoted) }'
    )
    as_csv = client.get(SPARQL, params={"query": query}, headers={"Accept": "text/csv"})
    expected = '\ufefflabel,quoted\r\n"\'=HYPERLINK(""http://example.org/x"",""click"")","a""b\nc"\r\n'
    assert as_csv.text == expected
    as_json = select(client, query)
    assert as_json == [{"label": formula, "quoted": 'a"b\nc'}]


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"params": {"query": "ASK {}", "default-graph-uri": "https://x"}}, 400),
        ({"params": {"query": "ASK {}", "named-graph-uri": "https://x"}}, 400),
        ({"params": {}}, 422),
    ],
)
def test_get_takes_one_query_and_no_dataset(client: TestClient, request_kwargs: dict[str, Any], status: int) -> None:
    response = client.get(SPARQL, **request_kwargs)
    assert response.status_code == status and response.headers["content-type"] == PROBLEM, response.text


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"ASK {}", "text/plain", 415),
        (b"ASK {}", None, 415),
        (b"\xff\xfe ASK {}", "application/sparql-query", 400),
        (b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", "application/x-www-form-urlencoded", 400),
        (b"queri=ASK%20%7B%7D", "application/x-www-form-urlencoded", 400),
        (b"query=ASK%20%7B%7D&default-graph-uri=x", "application/x-www-form-urlencoded", 400),
        (b"query=ASK%20%7B%7D", "application/x-www-form-urlencoded; charset=utf-8", 200),
        (b"ASK {}", "application/sparql-query; charset=utf-8", 200),
    ],
)
def test_post_takes_the_protocols_two_bodies(
    client: TestClient, body: bytes, content_type: str | None, status: int
) -> None:
    served(client)
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(SPARQL, content=body, headers=headers)
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json() == {"head": {}, "boolean": True}


# ---------------------------------------------------------------- who may read


def test_sparql_follows_the_read_policy(store: GraphStore, keys: KeyStore) -> None:
    closed = Settings(require_key_for_reads=True)
    with TestClient(create_app(closed, store=store, keys=keys)) as client:
        served(client)
        assert client.get(SPARQL, params={"query": "ASK {}"}).status_code == 401
        assert client.post(SPARQL, data={"query": "ASK {}"}).status_code == 401
        assert client.get(SPARQL, params={"query": "ASK {}"}, headers=bearer(keys, "reader")).status_code == 200
    with TestClient(create_app(Settings(), store=store, keys=keys)) as client:
        served(client)
        assert client.get(SPARQL, params={"query": "ASK {}"}).status_code == 200
        wrong = {"Authorization": "Bearer cal_abcdefgh_wrongsecret"}
        assert client.get(SPARQL, params={"query": "ASK {}"}, headers=wrong).status_code == 401
