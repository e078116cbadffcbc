"""The two languages of the product and the one rule for a text missing in the language asked for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")  # Dutch first: the sources are Dutch


def in_language(texts: Mapping[str, str | None], lang: str) -> str | None:
    """The text in `lang`, else in the other language (Dutch before English); None when there is none."""
    for key in (lang, *LANGS):
        found = texts.get(key)
        if found:
            return found
    return None


def column_in_language(values: Mapping[str, object], column: str, lang: str) -> str | None:
    """A bilingual column (`label`, `definition`) of a stored row in `lang`, by the same rule."""
    texts = {code: values.get(f"{column}_{code}") for code in LANGS}
    return in_language({k: v for k, v in texts.items() if isinstance(v, str)}, lang)
