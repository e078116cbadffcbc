"""The curated synonyms of the signal matcher: every group names a factor or theme of the seed and a source that
exists, a source-based group quotes the passage its words appear in, and a curator's group says so."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from caleido.errors import InvalidData
from caleido.graph.dutch_text import analyse, content_stems
from caleido.loaders.signal_lexicon import read_lexicon, seed_lexicon
from caleido.loaders.sources import SEED_FOLDER

TARGETS = {"RiskFactor", "ProtectiveFactor", "ProgrammeTheme"}


def _seed_ids() -> dict[str, str]:
    """Every record id of the seed with its class."""
    ids: dict[str, str] = {}
    for path in SEED_FOLDER.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        default = (data.get("defaults") or {}).get("class")
        ids |= {r["id"]: r.get("class", default) for r in data.get("records") or []}
    return ids


def test_every_group_names_a_factor_or_theme_and_a_source_of_the_seed() -> None:
    ids = _seed_ids()
    groups = seed_lexicon()
    assert len(groups) >= 30
    for group in groups:
        assert ids.get(group.target) in TARGETS, f"{group.target}: no factor or theme of the seed"
        if group.basis == "source":
            assert ids.get(group.source or "") == "Source", f"{group.target}: source {group.source!r} is not a Source"
            assert group.locator and group.quote and len(group.quote) <= 400
        else:
            assert group.source is None and group.note, f"{group.target}: a curator's group says why, without a source"


def test_every_word_of_a_source_group_occurs_in_its_quote() -> None:
    for group in seed_lexicon():
        if group.basis != "source":
            continue
        vocabulary = {s for word in group.words for stems in content_stems(word) for s in stems}
        quoted = set().union(*(t.stems for t in analyse(group.quote or "", vocabulary)))
        for word in group.words:
            missing = [stems for stems in content_stems(word) if not stems & quoted]
            assert not missing, f"{group.target}: {word!r} is not in the quote; make it basis: curator"


def test_a_malformed_group_is_refused_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "synonyms.yaml"
    bad.write_text("groups:\n  - {target: rf-x, basis: hearsay, words: [a]}\n", encoding="utf-8")
    with pytest.raises(InvalidData) as error:
        read_lexicon(bad)
    assert "0.basis" in str(error.value)
