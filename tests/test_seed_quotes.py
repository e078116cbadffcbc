"""Every claim the seed takes from a document carries the passage it rests on, and a quote from a text kept in
`seed/sources/` occurs in that text verbatim (whitespace normalised)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from caleido.loaders.sources import SEED_FOLDER, read_paths
from caleido.ontology.citations import split_citation

# Sources whose full text the project keeps, by Source id.
SOURCE_TEXTS = {"src-kamerbrief-29754-770": SEED_FOLDER / "sources" / "kamerbrief-29754-770.txt"}
MAX_QUOTE = 450  # the issue asks for "at most ~400 characters"


@dataclass(frozen=True)
class Claim:
    where: str  # record id, or "record -> rel -> target"
    source: str
    locator: str
    quote: str | None
    citations: tuple[tuple[str, str], ...]


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seed_claims() -> Iterator[Claim]:
    batch, _ = read_paths([SEED_FOLDER])
    assert not batch.problems, batch.problems
    for node in batch.nodes:
        data = node.data
        record_id = str(data.get("id"))
        yield _claim(record_id, data)
        for link in data.get("links") or []:
            yield _claim(f"{record_id} -> {link.get('rel')} -> {link.get('to')}", link)


def _claim(where: str, data: dict) -> Claim:
    citations = tuple(split_citation(c) for c in data.get("citations") or [])
    return Claim(where, str(data.get("source")), str(data.get("locator")), data.get("quote"), citations)


CLAIMS = list(seed_claims())


@pytest.mark.parametrize("source_id", sorted(SOURCE_TEXTS))
def test_every_quote_of_a_kept_text_occurs_in_it_verbatim(source_id: str) -> None:
    text = _normalised(Path(SOURCE_TEXTS[source_id]).read_text(encoding="utf-8"))
    missing = []
    for claim in (c for c in CLAIMS if c.source == source_id):
        quotes = ([claim.quote] if claim.quote else []) + [q for _, q in claim.citations]
        missing += [f"{claim.where}: {q[:80]!r}" for q in quotes if _normalised(q) not in text]
    assert not missing, "quotes not in the source text:\n" + "\n".join(missing)


def test_quotes_are_short_and_citations_paired() -> None:
    too_long = [c.where for c in CLAIMS if c.quote and len(c.quote) > MAX_QUOTE]
    unpaired = [c.where for c in CLAIMS for locator, quote in c.citations if not (locator and quote)]
    assert not too_long, f"quotes over {MAX_QUOTE} characters: {too_long}"
    assert not unpaired, f"citations without 'locator ¶ quote': {unpaired}"


def test_every_claim_from_a_document_carries_its_passage() -> None:
    sourced = [c for c in CLAIMS if c.source and c.source != "None"]
    unquoted = [c.where for c in sourced if not c.quote]
    assert sourced, "the seed has no sourced claims"
    assert not unquoted, f"{len(unquoted)} of {len(sourced)} claims without a quote: {unquoted[:20]}"


def test_the_letters_claims_are_all_quoted_from_it() -> None:
    letter = [c for c in CLAIMS if c.source == "src-kamerbrief-29754-770"]
    assert len(letter) > 300  # the audit counted 296 before the missing items were added
    assert all(c.quote for c in letter)
