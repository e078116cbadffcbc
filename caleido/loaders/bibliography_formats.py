"""The three formats reference managers export (Zotero, EndNote, Mendeley, JabRef), read by maintained parsers into
one shape: RIS by rispy, BibTeX by bibtexparser 2, CSL-JSON by the json module. What a parser rejects becomes a
problem naming the file and the entry; what each field means is decided in caleido.loaders.bibliography."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rispy
from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string  # bibtexparser.parse_string, not re-exported for mypy
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry
from pylatexenc.latex2text import LatexNodes2Text

from caleido.errors import Problem

# bibtexparser logs every block it cannot parse; the problems below say the same to the person importing.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False


@dataclass(frozen=True)
class Name:
    """A contributor as the entry names them: a person's family and given names, or an organisation (family only)."""

    family: str
    given: str = ""


@dataclass
class Reference:
    """One entry of a reference file, its fields as the file gives them (text, not yet checked)."""

    where: str  # "entry jahnke2022 (line 3)": how a person finds it in the file
    kind: str  # the entry type as the file writes it: JOUR, article, article-journal
    title: str | None = None
    authors: list[Name] = field(default_factory=list)
    year: str | None = None
    container: str | None = None  # journal, book or series it appeared in
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    doi: str | None = None
    url: str | None = None
    language: str | None = None


Parsed = tuple[list[Reference], list[Problem]]


def _text(value: Any) -> str | None:
    """A field's text, spaces collapsed; None when it is empty. Numbers (CSL volumes, years) become text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if isinstance(value, list):  # rispy gives lists for repeatable tags: the first one counts
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


# ---------------------------------------------------------------- RIS


def _ris_name(text: str) -> Name:
    """RIS writes a person `Family, Given` and an organisation as it is called."""
    family, _, given = text.partition(",")
    return Name(family.strip(), " ".join(given.replace(",", " ").split()))


def _ris_records(path: str, text: str) -> tuple[list[int], list[Problem]]:
    """The line of each record's `TY` tag, checked by rispy's own line reader: each record ends with `ER` before
    the next begins (rispy would silently fold a record without `ER` into the next one, or drop the last)."""
    parser = rispy.RisParser()
    starts: list[int] = []
    problems: list[Problem] = []
    open_at: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        tag, _ = parser.parse_line(line)
        if tag == "TY":
            if open_at is not None:
                message = f"the record starting at line {open_at} has no 'ER  - ' line before the next 'TY  - '"
                problems.append(Problem(path, f"line {number}", "", message))
            starts.append(number)
            open_at = number
        elif tag == "ER":
            if open_at is None:
                problems.append(Problem(path, f"line {number}", "", "an 'ER  - ' line outside a record"))
            open_at = None
    if open_at is not None:
        problems.append(Problem(path, f"line {open_at}", "", "the record has no closing 'ER  - ' line"))
    if not starts and not problems:
        message = "not RIS: no record found (a record starts with a line 'TY  - TYPE' and ends with 'ER  - ')"
        problems.append(Problem(path, "", "", message))
    return starts, problems


def read_ris(path: str, text: str) -> Parsed:
    starts, problems = _ris_records(path, text)
    if problems:
        return [], problems
    records = rispy.loads(text.replace("\r\n", "\n"))
    if len(records) != len(starts):  # rispy starts a record at any line beginning with TY
        message = f"not valid RIS: {len(starts)} 'TY  - ' lines but {len(records)} records read; check the lines"
        return [], [Problem(path, "", "", message + " between 'ER  - ' and the next 'TY  - '")]
    references = []
    for number, (line, record) in enumerate(zip(starts, records, strict=True), start=1):
        key = _text(record.get("id"))
        where = f"entry {number}" + (f" (ID {key}, line {line})" if key else f" (line {line})")
        pages = "–".join(p for p in (_text(record.get("start_page")), _text(record.get("end_page"))) if p)
        authors = [*(record.get("authors") or []), *(record.get("first_authors") or [])]
        references.append(
            Reference(
                where=where,
                kind=_text(record.get("type_of_reference")) or "",
                title=_text(record.get("title")) or _text(record.get("primary_title")),
                authors=[_ris_name(a) for a in authors if isinstance(a, str) and a.strip()],
                year=_text(record.get("year")) or _text(record.get("publication_year")) or _text(record.get("date")),
                container=next(
                    (
                        _text(record.get(k))
                        for k in ("secondary_title", "journal_name", "alternate_title3", "alternate_title1")
                        if _text(record.get(k))
                    ),
                    None,
                ),
                volume=_text(record.get("volume")),
                issue=_text(record.get("number")),
                pages=pages or None,
                publisher=_text(record.get("publisher")),
                doi=_text(record.get("doi")),
                url=_text(record.get("urls")),
                language=_text(record.get("language")),
            )
        )
    return references, []


# ---------------------------------------------------------------- BibTeX

_LATEX = LatexNodes2Text()


def _bib_names(entry: Entry, key: str) -> list[Name]:
    """Names split by bibtexparser (`and`, `von Last, First`), their LaTeX (accents, braces) decoded."""
    value = entry.fields_dict.get(key)
    names = value.value if value is not None and isinstance(value.value, list) else []
    out = []
    for parts in names:
        family = " ".join([*parts.von, *parts.last])
        given = " ".join([*parts.first, *parts.jr])
        out.append(Name(_LATEX.latex_to_text(family).strip(), _LATEX.latex_to_text(given).strip()))
    return [n for n in out if n.family or n.given]


def _bib_field(entry: Entry, *keys: str) -> str | None:
    for key in keys:
        value = entry.fields_dict.get(key)
        if value is not None and (text := _text(value.value)):
            return text
    return None


def _bib_failure(path: str, block: Any) -> Problem:
    line = f"line {block.start_line + 1}" if block.start_line is not None else ""
    if isinstance(block, DuplicateBlockKeyBlock):
        return Problem(path, line, "", f"the entry key {block.key!r} is used twice; keys must be unique")
    if isinstance(block, DuplicateFieldKeyBlock):
        fields = ", ".join(sorted(block.duplicate_keys))
        return Problem(path, line, fields, "the entry gives this field twice")
    error = block.error
    reason = getattr(error, "abort_reason", None) or getattr(error, "message", None) or str(error)
    return Problem(path, line, "", f"not valid BibTeX: {' '.join(str(reason).split())[:300]}")


def read_bibtex(path: str, text: str) -> Parsed:
    library = parse_string(
        text,
        append_middleware=[
            middlewares.NormalizeFieldKeys(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.LatexDecodingMiddleware(),
        ],
    )
    problems = [_bib_failure(path, block) for block in library.failed_blocks]
    if not library.entries and not problems:
        message = "not BibTeX: no entry found (an entry looks like @article{key, title = {...}, ...})"
        problems.append(Problem(path, "", "", message))
    if problems:
        return [], problems
    references = []
    for entry in library.entries:
        line = entry.start_line + 1 if entry.start_line is not None else 0
        authors = _bib_names(entry, "author") or _bib_names(entry, "editor")
        references.append(
            Reference(
                where=f"entry {entry.key} (line {line})",
                kind=entry.entry_type,
                title=_bib_field(entry, "title"),
                authors=authors,
                year=_bib_field(entry, "year", "date"),
                container=_bib_field(entry, "journal", "journaltitle", "booktitle", "series"),
                volume=_bib_field(entry, "volume"),
                issue=_bib_field(entry, "number", "issue"),
                pages=_bib_field(entry, "pages"),
                publisher=_bib_field(entry, "publisher", "institution", "organization", "school"),
                doi=_bib_field(entry, "doi"),
                url=_bib_field(entry, "url"),
                language=_bib_field(entry, "langid", "language"),
            )
        )
    return references, []


# ---------------------------------------------------------------- CSL-JSON


def _csl_names(value: Any) -> list[Name]:
    names = []
    for person in value if isinstance(value, list) else []:
        if not isinstance(person, dict):
            continue
        if literal := _text(person.get("literal")):
            names.append(Name(literal))
            continue
        particle = _text(person.get("non-dropping-particle"))
        family = " ".join(p for p in (particle, _text(person.get("family"))) if p)
        given = " ".join(p for p in (_text(person.get("given")), _text(person.get("dropping-particle"))) if p)
        if family or given:
            names.append(Name(family, given))
    return names


def _csl_year(issued: Any) -> str | None:
    """The year of a CSL date: its first date part, else the date as text (`raw`, `literal`)."""
    if not isinstance(issued, dict):
        return _text(issued)
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        return _text(parts[0][0])
    return _text(issued.get("raw")) or _text(issued.get("literal"))


def _csl_items(path: str, text: str) -> tuple[list[Any], list[Problem]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [Problem(path, f"line {exc.lineno}, column {exc.colno}", "", f"not valid JSON: {exc.msg}")]
    if isinstance(document, dict) and "type" in document:
        document = [document]  # a single item, as some tools export one reference
    if not isinstance(document, list) or not document:
        return [], [Problem(path, "", "", 'not CSL-JSON: expected a list of items such as [{"type": ..., ...}]')]
    return document, []


def read_csl_json(path: str, text: str) -> Parsed:
    items, problems = _csl_items(path, text)
    references = []
    for number, item in enumerate(items, start=1):
        key = _text(item.get("id")) if isinstance(item, dict) else None
        where = f"item {number}" + (f" (id {key})" if key else "")
        if not isinstance(item, dict):
            problems.append(Problem(path, where, "", "an item must be an object with type, title, ..."))
            continue
        title = item.get("title")
        if title is not None and not isinstance(title, str):
            problems.append(Problem(path, where, "title", "the title must be text"))
            continue
        names = [k for k in ("author", "editor") if k in item and not isinstance(item[k], list)]
        if names:
            problems += [Problem(path, where, k, 'expected a list of names such as [{"family": ...}]') for k in names]
            continue
        references.append(
            Reference(
                where=where,
                kind=_text(item.get("type")) or "",
                title=_text(title),
                authors=_csl_names(item.get("author")) or _csl_names(item.get("editor")),
                year=_csl_year(item.get("issued")),
                container=_text(item.get("container-title")),
                volume=_text(item.get("volume")),
                issue=_text(item.get("issue")),
                pages=_text(item.get("page")),
                publisher=_text(item.get("publisher")),
                doi=_text(item.get("DOI")),
                url=_text(item.get("URL")),
                language=_text(item.get("language")),
            )
        )
    return references, problems


def looks_like_csl_json(text: str) -> bool:
    """Whether a .json file is CSL-JSON rather than JSON-LD: a list of objects with a `type` and no JSON-LD
    keyword (`@context`, `@id`, ...), which as JSON-LD would hold no statement at all."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return False
    items = document if isinstance(document, list) else [document]
    return bool(items) and all(
        isinstance(item, dict) and "type" in item and not any(str(k).startswith("@") for k in item) for item in items
    )


FORMATS: dict[str, Callable[[str, str], Parsed]] = {"ris": read_ris, "bibtex": read_bibtex, "csl-json": read_csl_json}
