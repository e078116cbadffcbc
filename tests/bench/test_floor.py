"""The floor stays honest: every use case's answer computed by DuckDB from Parquet files (bench.floor) equals
Caleido's, on the seed and a tiny synthetic graph, on both stores, with the Parquet files written from the store
and from the graph's rows alike; and a graph that differs gives a different answer, which check refuses."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from bench.floor import parquet
from bench.floor.cases import CASES, MUNICIPALITY, Mismatch, check, partners_floor, partners_shape
from bench.floor.duck import Floor
from bench.synthetic import Graph, generate
from caleido.api.routes import PARTNERS_PAGE
from caleido.graph import usecases
from caleido.graph.store import GraphStore
from caleido.graph.sync import plan_and_write


@cache
def _graph(scale: str) -> Graph:
    return generate(scale)


@pytest.mark.parametrize("scale", ["seed", "tiny"])
def test_duckdb_answers_every_use_case_as_caleido_does(store: GraphStore, tmp_path: Path, scale: str) -> None:
    graph = _graph(scale)
    plan_and_write(store, graph.nodes, list(graph.links))
    for written in (parquet.from_store(store, tmp_path / "store"), parquet.from_graph(graph, tmp_path / "graph")):
        assert (written.nodes, written.links) == (len(graph.nodes), len(graph.links))
        floor = Floor(written.folder)
        try:
            shapes = {}
            for case in CASES:
                shapes[case.name] = case.floor(floor)
                check(case.name, case.normalise(case.caleido(store)), shapes[case.name])
        finally:
            floor.close()
        # The answers compared hold something: cells, research on the columns, gaps, a factor's findings, partners.
        assert shapes["coverage"][3] and shapes["coverage"][4] and any(kind[1] for kind in shapes["gaps"][0])
        assert shapes["factor_evidence"][0][0] > 0
        assert shapes["partners"][2] and shapes["brief"][2]
        assert len(shapes["brief"][1]) + len(shapes["brief"][3]) == len(shapes["coverage"][2])  # every factor once
        assert shapes["search"] and len(shapes["neighbourhood"][1]) > 1 and shapes["signal"][1]
        assert any(place[2] for place in shapes["map_providers"][2])
        # The national lines and roles are pages, each line with its first reasons: pages small enough to bite.
        paged = usecases.partners(
            store,
            MUNICIPALITY,
            usecases.PartnerQuery(limit=PARTNERS_PAGE, national_limit=2, roles_limit=2, reasons_limit=2),
        )
        floor = Floor(written.folder)
        try:
            paged_floor = partners_floor(floor, pages=(2, 2, 2))
        finally:
            floor.close()
        check("partners paged", partners_shape(paged), paged_floor)
        if scale == "tiny":  # the seed's lines have few reasons
            assert paged.national_total > 2 and any(line.more_reasons for line in paged.national)


def test_a_graph_that_differs_is_caught(store: GraphStore, tmp_path: Path) -> None:
    """One accepted finding's link to a factor gone from the Parquet files: coverage and that factor's evidence
    no longer agree, and check names where."""
    graph = _graph("seed")
    plan_and_write(store, graph.nodes, list(graph.links))
    floor = Floor(parquet.from_store(store, tmp_path).folder)
    try:
        by_name = {case.name: case for case in CASES}
        factor_evidence = by_name["factor_evidence"]
        finding = factor_evidence.floor(floor)[0][6][0]
        floor.db.execute("DELETE FROM l_EVIDENCE_FOR WHERE source = $f AND target LIKE 'rf-%'", {"f": finding})
        for name in ("factor_evidence", "coverage"):
            case = by_name[name]
            with pytest.raises(Mismatch, match=name):
                check(name, case.normalise(case.caleido(store)), case.floor(floor))
    finally:
        floor.close()
