"""Which files a folder load reads, in which order, and what an unreadable type is told (loaders.sources)."""

from __future__ import annotations

from pathlib import Path

from caleido.loaders.sources import SEED_FOLDER, files_in, read_file


def test_an_unsupported_file_type_names_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_bytes(b"not a knowledge file")
    (problem,) = read_file(path).problems
    assert problem.file == str(path)
    assert problem.message == (
        "unsupported file type '.docx'; use one of .bib, .csl.json, .csv, .json, .jsonld, .nt, .rdf, .ris, .ttl, "
        ".xml, .yaml, .yml"
    )


def test_the_seed_folder_reads_its_yaml_files_then_municipalities_csv_and_no_other_csv() -> None:
    names = [path.name for path in files_in(SEED_FOLDER)]
    yaml_files = sorted(path.name for path in SEED_FOLDER.glob("*.yaml"))
    assert names == [*yaml_files, "municipalities.csv"]
    assert (SEED_FOLDER / "safety_regions.csv").exists()


def test_another_folder_reads_its_csv_files_after_the_others_and_skips_unknown_types(tmp_path: Path) -> None:
    for name in ("b.csv", "a.yaml", "c.ttl", "notes.txt", "d.CSV"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [path.name for path in files_in(tmp_path)] == ["a.yaml", "c.ttl", "b.csv", "d.CSV"]
