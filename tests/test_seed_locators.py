"""Claims taken from the letter name their place in it by the locator conventions written down in seed/README.md,
so a reader can find every quoted passage; the conventions are read from that table, not repeated here."""

from __future__ import annotations

import re

from caleido.loaders.sources import SEED_FOLDER, read_paths
from caleido.ontology.citations import split_citation

LETTER = "src-kamerbrief-29754-770"
ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)


def _conventions() -> re.Pattern[str]:
    names = ROW.findall((SEED_FOLDER / "README.md").read_text(encoding="utf-8"))
    # "Aanbeveling N / Beleidsreactie" and "voetnoot N" stand for any number.
    return re.compile("|".join(f"^{re.escape(n).replace('N', '[0-9]+')}$" for n in names))


def test_the_readme_names_the_parts_of_the_letter() -> None:
    conventions = _conventions()
    for locator in ["Inleiding", "Kop en ondertekening", "Aanbeveling 3 / Beleidsreactie", "voetnoot 10", "Tot slot"]:
        assert conventions.match(locator), locator
    for slip in ["Aanbeveling 3/BR", "vn 9", "Beleidsreactie", "Inleiding; Tot slot"]:
        assert not conventions.match(slip), slip


def test_every_letter_locator_follows_the_conventions() -> None:
    conventions = _conventions()
    batch, _ = read_paths([SEED_FOLDER])
    slips = []
    for node in batch.nodes:
        record = node.data
        claims = [record] + [{"source": record.get("source")} | link for link in record.get("links") or []]
        for claim in (c for c in claims if c.get("source") == LETTER):
            locators = [str(claim.get("locator"))] + [split_citation(c)[0] for c in claim.get("citations") or []]
            slips += [f"{record.get('id')}: {loc!r}" for loc in locators if not conventions.match(loc)]
    assert not slips, "locators outside seed/README.md's conventions:\n" + "\n".join(slips)
