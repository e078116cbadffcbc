"""Read any supported file or folder into raw records, choosing the reader by file type."""

from __future__ import annotations

from pathlib import Path

from rdflib.exceptions import ParserError

from caleido.errors import Problem
from caleido.loaders.csv_format import read_csv
from caleido.loaders.municipalities import read_municipalities
from caleido.loaders.raw import RawBatch, read_text
from caleido.loaders.rdf_mapping import graph_to_raw, new_graph
from caleido.loaders.yaml_source import read_yaml

RDF_FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt", ".rdf": "xml", ".xml": "xml"}
SEED_FOLDER = Path(__file__).resolve().parents[2] / "seed"
MUNICIPALITIES_FILE = "municipalities.csv"


def read_rdf(path: str, text: str, rdf_format: str) -> RawBatch:
    g = new_graph()
    try:
        g.parse(data=text, format=rdf_format)
    except (ParserError, SyntaxError, ValueError, Exception) as exc:  # rdflib raises many kinds
        message = " ".join(str(exc).split())[:400]
        return RawBatch(problems=[Problem(path, "", "", f"not valid {rdf_format}: {message}")])
    return graph_to_raw(g, path)


def read_file(path: Path) -> RawBatch:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return RawBatch(problems=[Problem(name, "", "", f"cannot read the file: {exc.strerror}")])
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv", *RDF_FORMATS):
        supported = ", ".join(sorted({".yaml", ".yml", ".csv", *RDF_FORMATS}))
        return RawBatch(problems=[Problem(name, "", "", f"unsupported file type {suffix!r}; use one of {supported}")])
    text, problems = read_text(name, data)
    if text is None:
        return RawBatch(problems=problems)
    if path.name == MUNICIPALITIES_FILE:
        return read_municipalities(name, text)
    if suffix in (".yaml", ".yml"):
        return read_yaml(name, text)
    if suffix == ".csv":
        return read_csv(name, text)
    return read_rdf(name, text, RDF_FORMATS[suffix])


def files_in(path: Path) -> list[Path]:
    """The loadable files of a folder (the seed folder's reference CSVs other than municipalities excepted)."""
    if not path.is_dir():
        return [path]
    found = [p for p in sorted(path.iterdir()) if p.suffix.lower() in (".yaml", ".yml", *RDF_FORMATS)]
    if (path / MUNICIPALITIES_FILE).exists():
        found.append(path / MUNICIPALITIES_FILE)
    else:
        found += [p for p in sorted(path.iterdir()) if p.suffix.lower() == ".csv"]
    return found


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
