"""Further citations of a claim: a claim resting on several passages keeps each (locator, quote) pair as one
string, so the pair survives every format (store column, CSV cell, RDF literal) without a nested structure."""

from __future__ import annotations

from typing import Any

SEPARATOR = " ¶ "


def citation_text(locator: str, quote: str) -> str:
    return f"{locator.strip()}{SEPARATOR}{quote.strip()}"


def split_citation(text: str) -> tuple[str, str]:
    """(locator, quote) of a stored citation; a citation written without a quote is all locator."""
    locator, _, quote = text.partition(SEPARATOR)
    return locator.strip(), quote.strip()


def citations_from_input(value: Any) -> Any:
    """Turn `[{locator: ..., quote: ...}, ...]` as written in YAML into stored strings; leave anything else to
    validation, which names what is wrong and where."""
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for item in value:
        if isinstance(item, dict) and set(item) == {"locator", "quote"}:
            out.append(citation_text(str(item["locator"]), str(item["quote"])))
        else:
            out.append(item)
    return out
