"""Export, load into an empty store, export again: the graphs are isomorphic, in every format.
The export conforms to the project's own shapes and uses SKOS and PROV-O."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, SKOS

from caleido.graph.embedded import EmbeddedStore
from caleido.graph.store import GraphStore
from caleido.loaders.export import export_csv, export_rdf
from caleido.loaders.shacl import shapes_graph
from caleido.ontology.model import CAL, CID
from tests.helpers import load

RDF_FORMATS = {"ttl": "turtle", "jsonld": "json-ld"}


def _graph(text: str, fmt: str) -> Graph:
    return Graph().parse(data=text, format=RDF_FORMATS[fmt])


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_rdf_round_trip_is_isomorphic(mini_store: GraphStore, tmp_path: Path, fmt: str) -> None:
    first = export_rdf(mini_store, fmt)
    dump = tmp_path / f"export.{fmt}"
    dump.write_text(first, encoding="utf-8")
    fresh = EmbeddedStore(tmp_path / "fresh")
    try:
        load(fresh, dump)
        second = export_rdf(fresh, fmt)
        assert fresh.counts().nodes == mini_store.counts().nodes
    finally:
        fresh.close()
    assert isomorphic(_graph(first, fmt), _graph(second, fmt))


def _saved_by_dutch_excel(text: str) -> str:
    """The CSV as a spreadsheet in a Dutch locale saves it: semicolons between cells, decimal commas."""
    rows = list(csv.reader(io.StringIO(text)))
    numbers = [i for i, name in enumerate(rows[0]) if name == "effect_size"]
    for row in rows[1:]:
        for i in numbers:
            row[i] = row[i].replace(".", ",")
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("saved_by", ["caleido", "dutch-excel"])
def test_csv_round_trip_is_isomorphic(mini_store: GraphStore, tmp_path: Path, saved_by: str) -> None:
    for name, text in zip(("nodes", "links"), export_csv(mini_store), strict=True):
        saved = _saved_by_dutch_excel(text) if saved_by == "dutch-excel" else text
        (tmp_path / f"{name}.csv").write_text(saved, encoding="utf-8-sig")
    assert ("0,17" in (tmp_path / "nodes.csv").read_text("utf-8-sig")) == (saved_by == "dutch-excel")
    fresh = EmbeddedStore(tmp_path / "fresh")
    try:
        load(fresh, tmp_path / "nodes.csv", tmp_path / "links.csv")
        assert isomorphic(_graph(export_rdf(mini_store, "ttl"), "ttl"), _graph(export_rdf(fresh, "ttl"), "ttl"))
    finally:
        fresh.close()


LABELS = ['=HYPERLINK("http://evil")', "-0.16", "'=1+1", "'s-Hertogenbosch", "-2+3"]


def test_csv_export_neutralises_spreadsheet_formulas(store: GraphStore, tmp_path: Path) -> None:
    data = tmp_path / "formula.yaml"
    values = "".join(
        f"  - {{id: val-f{i}, class: Value, label: {{nl: {json.dumps(label)}}}, source: src-f, locator: p,"
        " status: accepted}\n"
        for i, label in enumerate(LABELS)
    )
    data.write_text(
        "records:\n"
        "  - {id: src-f, class: Source, label: {nl: Bron}, source_type: web-page, citation: c,"
        " source: src-f, locator: p, status: accepted}\n"
        f"{values}"
        "  - {id: fnd-f, class: Finding, label: {nl: Bevinding}, effect_size: -0.16, effect_measure: r,"
        " grade: not-assessed, source: src-f, locator: p, status: accepted}\n",
        encoding="utf-8",
    )
    load(store, data)
    nodes, _ = export_csv(store)
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(nodes))}
    assert rows["val-f0"]["label_nl"] == '\'=HYPERLINK("http://evil")'
    assert rows["fnd-f"]["effect_size"] == "-0.16"  # C3: a number, not text, in a spreadsheet
    assert [rows[f"val-f{i}"]["label_nl"] for i in range(1, len(LABELS))] == [
        "-0.16",
        "''=1+1",
        "'s-Hertogenbosch",
        "'-2+3",
    ]
    (tmp_path / "n.csv").write_text(nodes, encoding="utf-8")
    fresh = EmbeddedStore(tmp_path / "fresh")
    try:
        load(fresh, tmp_path / "n.csv")
        assert sorted(row["label_nl"] for row in fresh.iter_nodes("Value")) == sorted(LABELS)
        (finding,) = list(fresh.iter_nodes("Finding"))
        assert finding["effect_size"] == -0.16
    finally:
        fresh.close()


def test_export_conforms_to_the_shapes_and_uses_skos_and_prov(mini_store: GraphStore) -> None:
    g = _graph(export_rdf(mini_store, "ttl"), "ttl")
    conforms, _, text = validate(g, shacl_graph=shapes_graph(), inference="none")
    assert conforms, text
    assert len(set(g.subjects(RDF.type, SKOS.ConceptScheme))) >= 10
    assert (CID["org-a"], CAL.organisationType, CAL["otype-ministry"]) in g
    assert (CID["org-a"], PROV.wasDerivedFrom, CID["src-test"]) in g
    assert len(set(g.subjects(RDF.type, PROV.Agent))) == 1
    assert len(set(g.subjects(RDF.type, CAL.LinkAssertion))) == mini_store.counts().total_links
    for assertion in g.subjects(RDF.type, CAL.LinkAssertion):
        assert g.value(assertion, PROV.wasDerivedFrom) is not None and g.value(assertion, CAL.locator) is not None


def test_markup_and_cypher_in_names_are_exported_verbatim(mini_store: GraphStore) -> None:
    g = _graph(export_rdf(mini_store, "ttl"), "ttl")
    labels = {str(o) for o in g.objects(CID["org-a"], SKOS.prefLabel)} | {
        str(o) for o in g.objects(CID["org-a"], SKOS.altLabel)
    }
    assert {"<img src=x onerror=alert(1)>", 'Org "A" & sons', "x'}) DETACH DELETE n //"} <= labels
