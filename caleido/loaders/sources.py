"""Read any supported file or folder into raw records: the reader of each file comes from READERS (knowledge files
in YAML, CSV and RDF; references in RIS, BibTeX and CSL-JSON)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib.exceptions import ParserError

from caleido.errors import Problem
from caleido.loaders import bibliography
from caleido.loaders.bibliography_formats import looks_like_csl_json
from caleido.loaders.csv_format import read_csv
from caleido.loaders.municipalities import read_municipalities
from caleido.loaders.raw import RawBatch, read_text
from caleido.loaders.rdf_mapping import graph_to_raw, new_graph
from caleido.loaders.yaml_source import read_yaml

SEED_FOLDER = Path(__file__).resolve().parents[2] / "seed"
# The seed's reference table of municipalities: a CSV of its own shape, not records in the CSV format. In a
# folder that holds it, the other CSV files (the seed's safety_regions.csv) are not loaded.
MUNICIPALITIES_FILE = "municipalities.csv"

Reader = Callable[[str, str], RawBatch]  # (file name for messages, text) -> raw records and problems


def read_rdf(rdf_format: str) -> Reader:
    """A reader of one RDF syntax (an rdflib format name)."""

    def read(path: str, text: str) -> RawBatch:
        g = new_graph()
        try:
            g.parse(data=text, format=rdf_format)
        except (ParserError, SyntaxError, ValueError, Exception) as exc:  # rdflib raises many kinds
            message = " ".join(str(exc).split())[:400]
            return RawBatch(problems=[Problem(path, "", "", f"not valid {rdf_format}: {message}")])
        return graph_to_raw(g, path)

    return read


def read_json(path: str, text: str) -> RawBatch:
    """A .json file: CSL-JSON references (Zotero's export) when it is a list of CSL items, else JSON-LD."""
    return (bibliography.reader("csl-json") if looks_like_csl_json(text) else read_rdf("json-ld"))(path, text)


# The reader of a file: by its name where one file is read its own way, else by its suffix (two-part suffixes
# such as .csl.json first).
READERS: dict[str, Reader] = {
    MUNICIPALITIES_FILE: read_municipalities,
    ".yaml": read_yaml,
    ".yml": read_yaml,
    ".csv": read_csv,
    ".ttl": read_rdf("turtle"),
    ".jsonld": read_rdf("json-ld"),
    ".json": read_json,
    ".nt": read_rdf("nt"),
    ".rdf": read_rdf("xml"),
    ".xml": read_rdf("xml"),
    ".ris": bibliography.reader("ris"),
    ".bib": bibliography.reader("bibtex"),
    ".csl.json": bibliography.reader("csl-json"),
}
SUFFIXES = tuple(sorted(key for key in READERS if key.startswith(".")))


def reader_for(path: Path) -> Reader | None:
    double = "".join(path.suffixes[-2:]).lower()
    return READERS.get(path.name) or READERS.get(double) or READERS.get(path.suffix.lower())


def read_file(path: Path) -> RawBatch:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return RawBatch(problems=[Problem(name, "", "", f"cannot read the file: {exc.strerror}")])
    reader = reader_for(path)
    if reader is None:
        message = f"unsupported file type {path.suffix.lower()!r}; use one of {', '.join(SUFFIXES)}"
        return RawBatch(problems=[Problem(name, "", "", message)])
    text, problems = read_text(name, data)
    if text is None:
        return RawBatch(problems=problems)
    return reader(name, text)


def files_in(path: Path) -> list[Path]:
    """The loadable files of a folder, its CSV files last (in the seed folder only municipalities.csv)."""
    if not path.is_dir():
        return [path]
    readable = [p for p in sorted(path.iterdir()) if reader_for(p) is not None]
    tables = [p for p in readable if p.suffix.lower() == ".csv"]
    if (path / MUNICIPALITIES_FILE).exists():
        tables = [path / MUNICIPALITIES_FILE]
    return [p for p in readable if p.suffix.lower() != ".csv"] + tables


def read_paths(paths: list[Path]) -> tuple[RawBatch, list[Path]]:
    batch = RawBatch()
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            batch.problems.append(Problem(str(path), "", "", "no such file or folder"))
            continue
        for file in files_in(path):
            files.append(file)
            batch.extend(read_file(file))
    return batch, files
