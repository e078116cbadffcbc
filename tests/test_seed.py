"""The seed knowledge: sizes from the acceptance, provenance on every fact, no personal data,
disagreements kept as separate claims, and a seed that loads idempotently."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import PROV

from caleido.graph.embedded import EmbeddedStore
from caleido.loaders.export import export_rdf, iter_rows
from caleido.loaders.load import load_paths
from caleido.loaders.shacl import shapes_graph
from caleido.loaders.sources import SEED_FOLDER
from caleido.ontology.model import CAL

AGENT = "caleido-seed-curators"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("seed") / "store")
    load_paths(store, [SEED_FOLDER], AGENT)
    yield store
    store.close()


@pytest.fixture(scope="module")
def exported(seeded: EmbeddedStore) -> Graph:
    return Graph().parse(data=export_rdf(seeded, "ttl"), format="turtle")


def _count(g: Graph, cls: str) -> int:
    return len(set(g.subjects(RDF.type, CAL[cls])))


def test_seed_sizes_counted_from_the_export(exported: Graph) -> None:
    assert _count(exported, "Recommendation") >= 4
    assert _count(exported, "Organisation") >= 30
    assert _count(exported, "Intervention") >= 12
    assert _count(exported, "Finding") >= 8
    assert _count(exported, "Source") >= 6
    assert _count(exported, "RiskFactor") >= 15
    assert _count(exported, "ProtectiveFactor") + _count(exported, "ProgrammeTheme") >= 10
    assert _count(exported, "Value") >= 5
    clusters = set(exported.objects(None, CAL.cluster))
    assert len(clusters) >= 6


def test_regions_are_the_342_municipalities_with_their_safety_regions_and_provinces(exported: Graph) -> None:
    types = Counter(exported.value(r, CAL.regionType) for r in exported.subjects(RDF.type, CAL.Region))
    assert types[CAL["rtype-municipality"]] == 342
    assert types[CAL["rtype-safety-region"]] == 25
    assert types[CAL["rtype-province"]] == 12
    # and the divisions of seed/regions (issue 17)
    assert types[CAL["rtype-ggd-region"]] == 25
    assert types[CAL["rtype-police-unit"]] == 10
    assert types[CAL["rtype-jeugdregio"]] == 42
    assert types[CAL["rtype-arrondissement"]] == 11


def test_every_intervention_is_documented_in_a_source(seeded: EmbeddedStore) -> None:
    # Not "addresses a factor or theme": the letter names interventions no source ties to a factor, and the seed
    # invents no such link. What every intervention has is the document that describes it.
    documented = {s for s, _, _ in seeded.iter_links("DOCUMENTED_IN")}
    interventions = {row["id"] for row in seeded.iter_nodes("Intervention")}
    assert interventions - documented == set()


def test_every_node_and_link_has_a_source_and_a_locator(exported: Graph) -> None:
    facts = list(exported.subjects(PROV.wasAttributedTo, None))
    assertions = set(exported.subjects(RDF.type, CAL.LinkAssertion))
    assert len(assertions) > 100
    for fact in facts:
        assert exported.value(fact, PROV.wasDerivedFrom) is not None, fact
        assert str(exported.value(fact, CAL.locator) or "").strip(), fact
    assert assertions <= set(facts)


def test_the_seed_export_conforms_to_the_shapes(exported: Graph) -> None:
    conforms, _, text = validate(exported, shacl_graph=shapes_graph(), inference="none")
    assert conforms, text[:3000]


def test_the_seed_round_trips_through_turtle(seeded: EmbeddedStore, tmp_path: Path) -> None:
    first = export_rdf(seeded, "ttl")
    (tmp_path / "seed.ttl").write_text(first, encoding="utf-8")
    fresh = EmbeddedStore(tmp_path / "fresh")
    try:
        load_paths(fresh, [tmp_path / "seed.ttl"], "test-suite")
        second = export_rdf(fresh, "ttl")
    finally:
        fresh.close()
    assert isomorphic(Graph().parse(data=first, format="turtle"), Graph().parse(data=second, format="turtle"))


def test_loading_the_seed_again_adds_nothing(seeded: EmbeddedStore) -> None:
    report = load_paths(seeded, [SEED_FOLDER], AGENT)
    assert not report.write.changed_anything


def test_disagreeing_sources_stay_separate_claims(seeded: EmbeddedStore) -> None:
    findings = list(seeded.iter_nodes("Finding"))
    sovereign = [f for f in findings if re.search(r"soeverein|sovereign", f"{f['label_nl']} {f['label_en']}", re.I)]
    assert len({f["source"] for f in sovereign}) >= 2, [f["id"] for f in sovereign]


PERSONAL_DATA = [
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),  # e-mail address
    re.compile(r"(?<!\d)(?:\+31|0)6[\s-]?\d{8}(?!\d)"),  # Dutch mobile number
    re.compile(r"(?<![\d.])\d{9}(?![\d.])"),  # a BSN-like nine-digit number
    re.compile(r"Foort van Oosten"),  # the minister's name: offices, never persons
]


def test_no_personal_data_outside_bibliographic_citations(seeded: EmbeddedStore) -> None:
    nodes, links = iter_rows(seeded)
    texts: list[tuple[str, str]] = []
    for node in nodes:
        texts += [(node.id, str(v)) for k, v in node.values.items() if k not in ("citation", "url") and v]
    for link in links:
        texts += [(link.source_id, str(v)) for k, v in link.values.items() if v]
    hits = [(i, t) for i, t in texts for pattern in PERSONAL_DATA if pattern.search(t)]
    assert hits == []
