"""The partner finder on the seed with its regional bodies (issue 17): local first, a different answer for
every safety region, and never a policy actor; on both stores (the full 342 on the embedded store, a sample on
Neo4j)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from caleido.graph import usecases
from caleido.graph.store import GraphStore
from caleido.graph.usecases.reach import POLICY_ACTORS
from caleido.graph.usecases.results import Partners
from caleido.loaders.sources import SEED_FOLDER
from tests.helpers import BACKENDS, load, open_backend

# Six municipalities in six provinces: Overijssel, Noord-Brabant, Groningen, Limburg, Noord-Holland, Utrecht.
SIX = {
    "Zwolle": "PV23",
    "Tilburg": "PV30",
    "Groningen": "PV20",
    "Heerlen": "PV31",
    "Amsterdam": "PV27",
    "Utrecht": "PV26",
}
TRUST = ["pf-vertrouwen-overheid", "rf-frustratie-overheid-instituties"]
NEO4J_SAMPLE = 40  # municipalities for the pairwise check on Neo4j (every 8th or so of the 342)


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    with open_backend(request.param, tmp_path_factory.mktemp("seed")) as store:
        load(store, SEED_FOLDER)
        yield store


def _offered(result: Partners) -> list[tuple[str, str]]:
    return [(p.id, p.organisation_type) for p in [*result.partners, *result.national, *result.roles]]


@pytest.mark.parametrize("include_proposed", [False, True])
def test_six_municipalities_in_six_provinces_get_distinct_local_first_answers(
    seeded: GraphStore, include_proposed: bool
) -> None:
    answers = {}
    for name, province in SIX.items():
        result = usecases.partners(seeded, name, usecases.PartnerQuery(include_proposed=include_proposed))
        assert result.municipality.provinces == [province], name
        assert len(result.partners) >= 3 and all(p.via for p in result.partners), name  # bodies with a service area
        regions = {r.id for r in result.municipality.regions} | {result.municipality.id}
        assert {p.via for p in result.partners} <= regions, name
        assert "org-lse" in {p.id for p in result.national}, name  # the national line a municipality calls
        roles = {r.named_nl for r in result.roles}
        assert f"Gemeente {result.municipality.label_nl}" in roles, name  # the municipality is not ranked
        answers[name] = tuple(p.id for p in result.partners)
    assert len(set(answers.values())) == len(SIX), answers


@pytest.mark.parametrize("include_proposed", [False, True])
def test_no_policy_actor_is_ever_offered(seeded: GraphStore, include_proposed: bool) -> None:
    for name in SIX:
        for targets in ([], TRUST):
            result = usecases.partners(
                seeded, name, usecases.PartnerQuery(targets=targets, include_proposed=include_proposed)
            )
            offered = _offered(result)
            assert not [o for o in offered if o[1] in POLICY_ACTORS], (name, targets)
            assert "org-tweede-kamer" not in dict(offered)


@pytest.mark.parametrize("include_proposed", [False, True])
def test_municipalities_in_different_safety_regions_never_share_a_top_five(
    seeded: GraphStore, include_proposed: bool
) -> None:
    codes = [m.id for m in usecases.municipalities(seeded)]
    if seeded.dialect == "neo4j":  # every municipality takes minutes over the network: a spread sample
        codes = sorted(codes)[:: max(1, len(codes) // NEO4J_SAMPLE)]
    regions_by_top: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for code in codes:
        result = usecases.partners(seeded, code, usecases.PartnerQuery(include_proposed=include_proposed, limit=5))
        top = tuple(sorted(p.id for p in result.partners))
        assert len(top) >= 3, code
        (safety_region,) = result.municipality.safety_regions
        regions_by_top[top].add(safety_region)
    shared = {top: regions for top, regions in regions_by_top.items() if len(regions) > 1}
    assert not shared
    assert len(regions_by_top) >= (25 if len(codes) == 342 else 10)


def test_the_seed_has_every_municipality(seeded: GraphStore) -> None:
    assert len(usecases.municipalities(seeded)) == 342
    assert Path(SEED_FOLDER, "regions").is_dir()
