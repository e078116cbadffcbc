"""The curated synonyms of the signal matcher (seed/signals/synonyms.yaml): words an officer would use for a
factor or theme, each group with the passage it rests on or marked as the curator's own association.

The file is not a record file (the seed load reads the seed folder's own files, not this subfolder): its groups
are not claims about the world but a reading aid, checked by tests/graph/test_signal_lexicon.py against the
factors and sources of the seed."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from caleido.errors import InvalidData, Problem
from caleido.graph.usecases.signals import SynonymGroup
from caleido.loaders.sources import SEED_FOLDER

LEXICON_FILE = SEED_FOLDER / "signals" / "synonyms.yaml"
_GROUPS = TypeAdapter(list[SynonymGroup])


def read_lexicon(path: Path = LEXICON_FILE) -> list[SynonymGroup]:
    """The synonym groups of a lexicon file; a malformed one is InvalidData naming the group and field."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        return _GROUPS.validate_python(data.get("groups") or [])
    except ValidationError as error:
        problems = [Problem(str(path), "", ".".join(str(p) for p in e["loc"]), e["msg"]) for e in error.errors()]
        raise InvalidData(problems) from None


@lru_cache(maxsize=1)
def seed_lexicon() -> tuple[SynonymGroup, ...]:
    """The shipped lexicon, read once per process."""
    return tuple(read_lexicon())
