"""When two references are the same publication: DOIs in one form, titles compared as words, stable ids for
imported sources, and an index of the sources a store already holds. Shared by the bibliographic import and the
evidence CSV, so that both find a source the same way."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from caleido.graph.search_keys import normalise
from caleido.graph.store import GraphStore

# How a DOI is written in reference managers and on web pages; only the DOI itself is kept.
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# Crossref's pattern for modern DOIs, with any visible character in the suffix (old Wiley DOIs hold <>;).
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# A label's closing remark in brackets, as the seed names a document's kind: "The Root Causes ... (RAN Issue Paper)".
# A DOI an id can hold as it is, its slash as an underscore (which such a DOI never holds): ids stay one-to-one.
DOI_ID = re.compile(r"10\.[0-9]+/[a-z0-9.-]+")
CLOSING_REMARK = re.compile(r"\s*\([^()]*\)\s*$")
SLUG_WORDS = 60  # characters of a title kept in an id; a longer title adds a digest of the whole title


def normalise_doi(text: str) -> str | None:
    """The DOI in lower case without its URL or `doi:` prefix (DOIs are case-insensitive); None when the text
    is not a DOI."""
    doi = unquote(DOI_PREFIX.sub("", text.strip())).strip().lower()
    return doi if DOI.match(doi) else None


def title_key(title: str) -> str:
    """A title compared as words: case, accents, punctuation and spacing left out."""
    return normalise(title)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _slug(text: str) -> str:
    return "-".join(title_key(text).replace("_", " ").split())


def reference_id(doi: str | None, first_author: str | None, year: int | None, title: str) -> str:
    """The id of an imported source, from what identifies the publication, so that importing it again finds it:
    `src-doi-10.1111_pops.12743` when it has a DOI (a digest added when the DOI holds other characters), else
    `src-<first author>-<year>-<title>` (a digest added when the title is long)."""
    if doi:
        doi = doi.lower()
        plain = DOI_ID.fullmatch(doi) is not None and len(doi) <= 100
        slug = doi.replace("/", "_") if plain else re.sub(r"[^a-z0-9.-]+", "_", doi)[:100]
        return f"src-doi-{slug}" if plain else f"src-doi-{slug}-{_digest(doi)}"
    words = _slug(title)
    if len(words) > SLUG_WORDS:  # whole words up to the limit, and a digest of the whole title
        cut = words.rfind("-", 0, SLUG_WORDS + 1)
        words = f"{words[: cut if cut > 0 else SLUG_WORDS]}-{_digest(title_key(title))}"
    parts = [_slug(first_author or "")[:30].strip("-"), str(year) if year is not None else "nd", words]
    return "-".join(["src", *(p for p in parts if p)])


def stored_titles(row: dict[str, Any]) -> set[str]:
    """The title keys of a stored source: its labels and other names, each also without a closing remark in
    brackets, since labels often add the kind of document to the title."""
    names = [row.get("label_nl"), row.get("label_en"), *(row.get("alt_labels") or [])]
    keys = set()
    for name in names:
        if isinstance(name, str) and name:
            keys |= {title_key(name), title_key(CLOSING_REMARK.sub("", name))}
    return keys - {""}


@dataclass
class SourceIndex:
    """Sources by id, DOI and (title, year): those in a store and those added since, with where each was seen."""

    ids: dict[str, str] = field(default_factory=dict)  # id -> where it is ("in the store", an entry)
    dois: dict[str, str] = field(default_factory=dict)  # DOI -> id
    titles: dict[tuple[str, int | None], str] = field(default_factory=dict)  # (title key, year) -> id
    doi_of: dict[str, str] = field(default_factory=dict)  # id -> DOI

    @classmethod
    def of_store(cls, store: GraphStore | None) -> SourceIndex:
        index = cls()
        for row in store.iter_nodes("Source") if store is not None else ():
            index.add(row["id"], "in the store", row.get("doi"), stored_titles(row), row.get("year"))
        return index

    def add(self, source_id: str, where: str, doi: str | None, titles: Iterable[str], year: int | None) -> None:
        self.ids.setdefault(source_id, where)
        if doi and (key := normalise_doi(doi)):
            self.dois.setdefault(key, source_id)
            self.doi_of.setdefault(source_id, key)
        for title in titles:
            self.titles.setdefault((title, year), source_id)

    def match(self, source_id: str, doi: str | None, title: str, year: int | None) -> tuple[str, str] | None:
        """The id of the known source that is this publication, and why: the same DOI, else the same title and
        year (both without a year counts as the same year) unless both have DOIs that differ, else the same id."""
        if doi and (found := self.dois.get(doi)):
            return found, f"the same DOI {doi}"
        found = self.titles.get((title_key(title), year))
        if found and not (doi and self.doi_of.get(found, doi) != doi):
            return found, "the same title and year" if year is not None else "the same title, both without a year"
        if source_id in self.ids:
            return source_id, "the same id"
        return None

    def where(self, source_id: str) -> str:
        return self.ids.get(source_id, "")
