"""The seed's claims one by one (each record, and each link it states) and the source texts the seed keeps beside
it, for the checks that every claim carries its passage and that a quote occurs in its source."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caleido.loaders.sources import SEED_FOLDER, read_paths
from caleido.ontology.citations import split_citation

LETTER = "src-kamerbrief-29754-770"
# Sources whose full text the project keeps, by Source id.
SOURCE_TEXTS = {LETTER: SEED_FOLDER / "sources" / "kamerbrief-29754-770.txt"}

LinkKey = tuple[str, str, str]  # (from, rel, to)
_CONVENTION_ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)


@dataclass(frozen=True)
class SeedClaim:
    key: str | LinkKey  # a record's id, or a link's (from, rel, to)
    cls: str | None  # the record's class; None for a link
    data: dict[str, Any]  # as read (a link with the source it inherits from its record)

    @property
    def where(self) -> str:
        return self.key if isinstance(self.key, str) else " -> ".join(self.key)

    @property
    def source(self) -> str:
        return str(self.data.get("source"))

    @property
    def locator(self) -> str:
        return str(self.data.get("locator"))

    @property
    def status(self) -> str:
        return str(self.data.get("status"))

    @property
    def quote(self) -> str | None:
        return self.data.get("quote")

    @property
    def citations(self) -> list[tuple[str, str]]:
        """The further (locator, quote) pairs."""
        return [split_citation(c) for c in self.data.get("citations") or []]

    @property
    def quotes(self) -> list[str]:
        """Every passage the claim quotes: its quote and those of its further citations."""
        return ([self.quote] if self.quote else []) + [q for _, q in self.citations if q]


def seed_claims(folder: Path = SEED_FOLDER) -> list[SeedClaim]:
    batch, _ = read_paths([folder])
    if batch.problems:
        raise ValueError(f"the seed does not read: {batch.problems[:5]}")
    claims = []
    for node in batch.nodes:
        record_id = str(node.data.get("id"))
        claims.append(SeedClaim(record_id, node.cls, node.data))
        for link in node.data.get("links") or []:
            key = (record_id, str(link.get("rel")), str(link.get("to")))
            claims.append(SeedClaim(key, None, {"source": node.data.get("source")} | link))
    return claims


def normalised(text: str) -> str:
    """Whitespace collapsed: quotes are compared with their source this way (line breaks and double spaces of a
    converted document are not part of its words)."""
    return re.sub(r"\s+", " ", text).strip()


def source_text(source_id: str) -> str:
    """The kept text of a source, normalised."""
    return normalised(SOURCE_TEXTS[source_id].read_text(encoding="utf-8"))


def locator_conventions(folder: Path = SEED_FOLDER) -> re.Pattern[str]:
    """The letter's locators as seed/README.md's table of conventions names them ("Aanbeveling N / Beleidsreactie"
    and "voetnoot N" stand for any number): read from that table, so the conventions are written once."""
    names = _CONVENTION_ROW.findall((folder / "README.md").read_text(encoding="utf-8"))
    return re.compile("|".join(f"^{re.escape(n).replace('N', '[0-9]+')}$" for n in names))
