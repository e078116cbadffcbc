"""Claims taken from the letter name their place in it by the locator conventions written down in seed/README.md,
so a reader can find every quoted passage; the conventions are read from that table, not repeated here."""

from __future__ import annotations

from caleido.loaders.seed_claims import LETTER, locator_conventions, seed_claims


def test_the_readme_names_the_parts_of_the_letter() -> None:
    conventions = locator_conventions()
    for locator in ["Inleiding", "Kop en ondertekening", "Aanbeveling 3 / Beleidsreactie", "voetnoot 10", "Tot slot"]:
        assert conventions.match(locator), locator
    for slip in ["Aanbeveling 3/BR", "vn 9", "Beleidsreactie", "Inleiding; Tot slot"]:
        assert not conventions.match(slip), slip


def test_every_letter_locator_follows_the_conventions() -> None:
    conventions = locator_conventions()
    slips = []
    for claim in (c for c in seed_claims() if c.source == LETTER):
        locators = [claim.locator] + [locator for locator, _ in claim.citations]
        slips += [f"{claim.where}: {loc!r}" for loc in locators if not conventions.match(loc)]
    assert not slips, "locators outside seed/README.md's conventions:\n" + "\n".join(slips)
