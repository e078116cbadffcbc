"""The Richtlijn Radicalisering in the seed: its six contexts of the kaleidoscopic model are programme themes, each
approach it lists belongs to its context and is documented in the guideline, and each carries the guideline's words on
its evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest

from caleido.graph.embedded import EmbeddedStore
from caleido.loaders.load import load_paths
from caleido.loaders.sources import SEED_FOLDER

GUIDELINE_PAGE = "src-richtlijn-radicalisering-aanpakken"
# The six contexts as recommendation C names them, each with the approaches listed under it.
CONTEXTS = {
    "Democratische vorming en morele betrokkenheid": {"int-rr-vip-mij", "int-rr-vreedzame-school"},
    "Ideologische/digitale weerbaarheid": {"int-rr-under-pressure"},
    "Weerbaar opvoeden": {"int-rr-weerbaar-opvoeden"},
    "Eerste hulp bij identiteitsvraagstukken": {"int-rr-aarhusmodel"},
    "Zelfverwezenlijking": {"int-rr-diamant", "int-rr-one-on-one-mentorproject"},
    "Sociale vaardigheden en normering": {"int-rr-buro-zend-uit", "int-rr-omei-training"},
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("seed") / "store")
    load_paths(store, [SEED_FOLDER], "caleido-seed-curators")
    yield store
    store.close()


def test_the_six_contexts_are_themes_with_the_approaches_the_guideline_lists(seeded: EmbeddedStore) -> None:
    themes = {row["id"]: row for row in seeded.iter_nodes("ProgrammeTheme") if row["source"] == GUIDELINE_PAGE}
    members: dict[str, set[str]] = defaultdict(set)
    for intervention, theme, _ in seeded.iter_links("BELONGS_TO"):
        if theme in themes:
            members[themes[theme]["label_nl"]].add(intervention)
    assert dict(members) == CONTEXTS
    assert all(row["quote"] for row in themes.values())
    documented = {i for i, source, _ in seeded.iter_links("DOCUMENTED_IN") if source == GUIDELINE_PAGE}
    assert set().union(*CONTEXTS.values()) <= documented


def test_every_listed_approach_carries_the_guidelines_words_on_its_evidence(seeded: EmbeddedStore) -> None:
    from_guideline = {f for f, source, _ in seeded.iter_links("REPORTED_IN") if source == GUIDELINE_PAGE}
    evidenced = {target for f, target, _ in seeded.iter_links("EVIDENCE_FOR") if f in from_guideline}
    grades = {row["id"]: row["grade"] for row in seeded.iter_nodes("Finding") if row["id"] in from_guideline}
    assert set().union(*CONTEXTS.values()) <= evidenced
    assert set(grades.values()) == {"not-assessed"}, "the guideline gives no recognition level in the copies read"
