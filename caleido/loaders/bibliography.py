"""References from RIS, BibTeX and CSL-JSON files become Source records, each its own evidence: a bibliographic
record is the source of itself (locator: the file and entry; quote: the title as the entry gives it), proposed
until a curator accepts it. Authors appear only inside the citation string, never as records of people.

An entry the store or the same file holds already (the same DOI, else the same title and year) is not added
again: `merge_known` reports it as merged with the id it has. Ids derive from the DOI, else from the first
author, year and title, so importing a file twice adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

from caleido.errors import Problem
from caleido.graph.store import GraphStore
from caleido.loaders.bibliography_formats import FORMATS, Name, Reference, looks_like_csl_json
from caleido.loaders.evidence import write
from caleido.loaders.raw import Merged, RawBatch, RawNode
from caleido.loaders.references import SourceIndex, normalise_doi, reference_id, stored_titles, title_key
from caleido.loaders.validate import ValidBatch
from caleido.ontology.records import Origin

PROPOSED = "proposed"
MAX_TITLE = 500  # a label's longest text
MAX_AUTHORS = 20  # APA lists up to 20 authors
YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
NO_YEAR = ("n.d.", "nd", "z.j.", "zj", "s.d.", "o.j.", "in press", "forthcoming", "undated")

# The source type of each entry type, and whether it is the same kind of document (else the record says so in a
# note): SourceTypeScheme has no book, chapter, thesis or conference paper, which are reports of research here.
RIS_TYPES = {
    **dict.fromkeys(("JOUR", "EJOUR", "JFULL"), "journal-article"),
    "RPRT": "research-report",
    "GOVDOC": "policy-document",
    **dict.fromkeys(("BILL", "STAT", "LEGAL", "CASE"), "legal-text"),
    **dict.fromkeys(("ELEC", "BLOG", "ICOMM", "WEB"), "web-page"),
    **dict.fromkeys(("DATA", "DBASE", "AGGR"), "dataset"),
}
BIBTEX_TYPES = {
    "article": "journal-article",
    **dict.fromkeys(("techreport", "report"), "research-report"),
    **dict.fromkeys(("online", "www", "electronic", "webpage"), "web-page"),
    "dataset": "dataset",
    **dict.fromkeys(("legislation", "legal", "jurisdiction", "law"), "legal-text"),
}
CSL_TYPES = {
    "article-journal": "journal-article",
    "report": "research-report",
    **dict.fromkeys(("webpage", "post", "post-weblog"), "web-page"),
    "dataset": "dataset",
    **dict.fromkeys(("legislation", "bill", "legal_case", "regulation", "treaty"), "legal-text"),
}
TYPES = {"ris": RIS_TYPES, "bibtex": BIBTEX_TYPES, "csl-json": CSL_TYPES}
# Near enough to say which document it is, not the same kind: the record's note names the entry type.
NEAREST = {
    **dict.fromkeys(("NEWS", "MGZN", "article-newspaper", "article-magazine"), "web-page"),
    **dict.fromkeys(("HEAR", "hearing"), "parliamentary-paper"),
}
FALLBACK_TYPE = "research-report"
FORMAT_NAMES = {"ris": "RIS", "bibtex": "BibTeX", "csl-json": "CSL-JSON"}
LANGUAGES = {
    "nl": ("nl", "nld", "dut", "dutch", "nederlands"),
    "en": ("en", "eng", "english", "engels"),
}


class _Markup(HTMLParser):
    """Finds HTML tags and character references in a text (CSL-JSON titles may hold <i>, &amp;)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.found.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        self.found.append(f"</{tag}>")

    def handle_entityref(self, name: str) -> None:
        self.found.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.found.append(f"&#{name};")


def html_in(text: str) -> list[str]:
    """The HTML markup in a text: tags and character references, as an HTML parser reads them."""
    parser = _Markup()
    parser.feed(text)
    parser.close()
    return parser.found


def _initials(given: str) -> str:
    """APA initials: 'Anne-Jet' -> 'A.-J.', 'A.R.' stays."""
    words = []
    for word in given.split():
        parts = [p if p.endswith(".") else f"{p[0]}." for p in word.split("-") if p]
        words.append("-".join(parts))
    return " ".join(words)


def _name(name: Name) -> str:
    return f"{name.family}, {_initials(name.given)}" if name.family and name.given else name.family or name.given


def _names(names: list[Name]) -> str:
    """Authors as APA lists them: 'A', 'A, & B', 'A, B, & C'; of more than 20, the first 19, '...' and the last
    (so that a citation stays within its 2,000 characters)."""
    written = [_name(n) for n in names]
    if len(written) > MAX_AUTHORS:
        return ", ".join(written[: MAX_AUTHORS - 1]) + ", . . . " + written[-1]
    if len(written) < 2:
        return "".join(written)
    return ", ".join(written[:-1]) + ", & " + written[-1]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


def citation(ref: Reference, year: int | None, doi: str | None) -> str:
    """One bibliographic citation (APA-like): authors (year). Title. Container, volume(issue), pages. DOI."""
    author = _names(ref.authors) or ref.publisher
    when = f"({year})" if year is not None else "(n.d.)"
    parts = [f"{author} {when}.", _sentence(ref.title or "")] if author else [f"{_sentence(ref.title or '')} {when}."]
    if ref.container:
        volume = f"{ref.volume or ''}({ref.issue})" if ref.issue else ref.volume
        parts.append(_sentence(", ".join(p for p in (ref.container, volume, ref.pages) if p)))
    if ref.publisher and ref.publisher != author:
        parts.append(_sentence(ref.publisher))
    if doi:
        parts.append(f"https://doi.org/{doi}")
    elif ref.url:
        parts.append(ref.url)
    return " ".join(parts)


def _language(ref: Reference) -> str:
    """The label's language: the entry's, when it is Dutch or English; else English, as titles are kept as
    written and the product shows a label in the other language when one is missing."""
    given = (ref.language or "").casefold().split("-")[0].split("_")[0]
    return next((lang for lang, names in LANGUAGES.items() if given in names), "en")


def _source_type(fmt: str, kind: str) -> tuple[str, str | None]:
    """The source type of an entry type, with a note when it is the nearest, not the same, kind of document."""
    key = kind.upper() if fmt == "ris" else kind.lower()
    if exact := TYPES[fmt].get(key):
        return exact, None
    chosen = NEAREST.get(key, FALLBACK_TYPE)
    note = (
        f"The {FORMAT_NAMES[fmt]} entry type is {kind or 'not given'}; "
        f"Caleido has no source type for it, so it is recorded as {chosen}."
    )
    return chosen, note


@dataclass
class _Checked:
    """What an entry's fields mean, or the problems that keep it out."""

    year: int | None = None
    doi: str | None = None
    problems: list[Problem] = field(default_factory=list)


def _check(file: str, ref: Reference) -> _Checked:
    out = _Checked()

    def problem(field_name: str, message: str) -> None:
        out.problems.append(Problem(file, ref.where, field_name, message))

    if not ref.title:
        problem("title", "the entry has no title; a source needs one")
    elif len(ref.title) > MAX_TITLE:
        problem("title", f"the title is longer than {MAX_TITLE} characters")
    for name, text in (("title", ref.title), ("container", ref.container)):
        if text and (markup := html_in(text)):
            problem(name, f"holds HTML markup ({', '.join(dict.fromkeys(markup))}); give the plain text")
    if ref.doi:
        out.doi = normalise_doi(ref.doi)
        if out.doi is None:
            problem("doi", f"{ref.doi[:80]!r} is not a DOI (a DOI looks like 10.1111/pops.12743)")
    if ref.year:
        found = YEAR.search(ref.year)
        if found:
            out.year = int(found.group(1))
        elif ref.year.casefold() not in NO_YEAR:
            problem("year", f"{ref.year[:40]!r} is not a year (write it as 2022, or leave it out)")
    return out


class ReferenceNode(RawNode):
    """A Source read from a reference file: the records `merge_known` compares with the store."""


def reference_record(file: str, fmt: str, ref: Reference, year: int | None, doi: str | None) -> dict[str, Any]:
    """The Source record of an entry whose fields are checked."""
    title = ref.title or ""
    first_author = ref.authors[0].family if ref.authors else None
    source_id = reference_id(doi, first_author, year, title)
    source_type, note = _source_type(fmt, ref.kind)
    record: dict[str, Any] = {
        "id": source_id,
        "label": {_language(ref): title},
        "source_type": source_type,
        "citation": citation(ref, year, doi),
        "source": source_id,
        "locator": f"{PurePath(file).name}, {ref.where}",  # the name, not the path: the same file anywhere
        "quote": title,
        "status": PROPOSED,
    }
    optional = {"year": year, "doi": doi, "url": ref.url, "note": note}
    return record | {k: v for k, v in optional.items() if v is not None}


def read_references(fmt: str, file: str, text: str) -> RawBatch:
    """The Source records of a reference file in a format of FORMATS; all of the file's problems, if any."""
    references, problems = FORMATS[fmt](file, text)
    batch = RawBatch(problems=problems)
    for ref in references:
        checked = _check(file, ref)
        batch.problems += checked.problems
        if not checked.problems:
            data = reference_record(file, fmt, ref, checked.year, checked.doi)
            batch.nodes.append(ReferenceNode("Source", data, Origin(file, ref.where)))
    return batch


def reader(fmt: str) -> Callable[[str, str], RawBatch]:
    """A reader of one format, in the shape of caleido.loaders.sources.READERS."""

    def read(file: str, text: str) -> RawBatch:
        return read_references(fmt, file, text)

    return read


def _raw_titles(node: RawNode) -> set[str]:
    label = node.data.get("label")
    label = label if isinstance(label, dict) else {}
    names = node.data.get("alt_labels")
    row = {"label_nl": label.get("nl"), "label_en": label.get("en"), "alt_labels": names}
    return stored_titles({k: v for k, v in row.items() if isinstance(v, str | list)})


def merge_known(raw: RawBatch, store: GraphStore | None) -> None:
    """Leave out each reference the store holds, or an earlier entry of the batch gave: the same DOI, else the
    same title and year, else the same id. What is left out is listed in `raw.merged` with the id it has."""
    if not any(isinstance(node, ReferenceNode) for node in raw.nodes):
        return
    index = SourceIndex.of_store(store)
    for node in raw.nodes:  # sources of the same load written in other formats (the seed's YAML)
        if node.cls == "Source" and not isinstance(node, ReferenceNode) and isinstance(node.data.get("id"), str):
            index.add(node.data["id"], "in this load", node.data.get("doi"), _raw_titles(node), node.data.get("year"))
    kept: list[RawNode] = []
    for node in raw.nodes:
        if not isinstance(node, ReferenceNode):
            kept.append(node)
            continue
        data = node.data
        found = index.match(data["id"], data.get("doi"), data["quote"], data.get("year"))
        if found is not None:
            into, reason = found
            raw.merged.append(Merged(node.origin.file, node.origin.location, into, reason, index.where(into)))
            continue
        where = f"{PurePath(node.origin.file).name}, {node.origin.location}"
        index.add(data["id"], where, data.get("doi"), {title_key(data["quote"])}, data.get("year"))
        kept.append(node)
    raw.nodes = kept


# ---------------------------------------------------------------- import through the API


@dataclass
class ImportedReference:
    entry: str
    id: str
    status: str  # "created" or "merged"
    reason: str | None = None  # why merged: "the same DOI ..."


@dataclass
class ReferenceReport:
    file: str
    format: str
    entries: list[ImportedReference]
    revisions: list[str] = field(default_factory=list)


def format_of(file: str, text: str) -> str | None:
    """The format of a reference file by its name (.ris, .bib, .csl.json, or .json holding CSL items), else by
    how it begins; None when neither tells."""
    name = file.lower()
    if name.endswith(".ris"):
        return "ris"
    if name.endswith((".bib", ".bibtex")):
        return "bibtex"
    if name.endswith(".json") or text.lstrip().startswith(("[", "{")):
        return "csl-json" if name.endswith(".csl.json") or looks_like_csl_json(text) else None
    if re.search(r"^TY  - ", text, re.MULTILINE):
        return "ris"
    if re.search(r"^\s*@\w+\s*\{", text, re.MULTILINE):
        return "bibtex"
    return None


def import_references(
    store: GraphStore, file: str, text: str, fmt: str, agent: str, now: datetime
) -> tuple[ValidBatch, ReferenceReport]:
    """A researcher's import of a reference file: all entries or none, new sources proposed, known ones merged."""
    raw = read_references(fmt, file, text)
    merge_known(raw, store)
    batch, written = write(store, raw, agent, now)
    entries = [ImportedReference(node.origin.location, node.data["id"], "created") for node in raw.nodes]
    entries += [ImportedReference(m.entry, m.into, "merged", f"{m.reason}; {m.seen}") for m in raw.merged]
    return batch, ReferenceReport(file, fmt, entries, written.revision_ids)
