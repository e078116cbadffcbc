"""Every claim the seed takes from a document carries the passage it rests on, and a quote from a text kept in
`seed/sources/` occurs in that text verbatim (whitespace normalised)."""

from __future__ import annotations

import pytest

from caleido.loaders.seed_claims import LETTER, SOURCE_TEXTS, normalised, seed_claims, source_text

MAX_QUOTE = 450  # the issue asks for "at most ~400 characters"
CLAIMS = list(seed_claims())


@pytest.mark.parametrize("source_id", sorted(SOURCE_TEXTS))
def test_every_quote_of_a_kept_text_occurs_in_it_verbatim(source_id: str) -> None:
    text = source_text(source_id)
    missing = []
    for claim in (c for c in CLAIMS if c.source == source_id):
        missing += [f"{claim.where}: {q[:80]!r}" for q in claim.quotes if normalised(q) not in text]
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
    letter = [c for c in CLAIMS if c.source == LETTER]
    assert len(letter) > 300  # the audit counted 296 before the missing items were added
    assert all(c.quote for c in letter)
