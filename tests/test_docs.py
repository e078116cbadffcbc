"""The docs keep up with the code: every setting is in the README as `Settings` describes it, and the
repository's files refer to nothing outside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caleido import settings_doc
from caleido.exit_codes import EXIT_CODES
from caleido.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# Where the repository's own files live; the rest (.venv, data, caches, test output) is not the project's.
TRACKED = ["caleido", "tests", "bench", "scripts", "docs", "seed", ".ci"]
ROOT_FILES = ["README.md", "Makefile", "pyproject.toml", "Dockerfile", "docker-compose.yml"]
# Names of files that were never in the repository but were cited as if they were.
OUTSIDE = ["TECH-NOTES", "../shared", "bench/README.md"]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _readme_settings() -> str:
    text = README.read_text(encoding="utf-8")
    start, end = text.find(settings_doc.BEGIN), text.find(settings_doc.END)
    assert 0 <= start < end, f"README.md has no settings table between {settings_doc.BEGIN} and {settings_doc.END}"
    return text[start : end + len(settings_doc.END)]


def _text_files() -> list[Path]:
    files = [ROOT / name for name in ROOT_FILES]
    for folder in TRACKED:
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    texts = []
    for path in files:
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images and other binary files
        texts.append(path)
    return texts


def test_every_setting_has_a_description() -> None:
    undescribed = [name for name, field in Settings.model_fields.items() if not (field.description or "").strip()]
    assert undescribed == []


def test_every_setting_is_in_the_readme() -> None:
    table = _readme_settings()
    missing = [
        settings_doc.variable(name, field)
        for name, field in Settings.model_fields.items()
        if f"`{settings_doc.variable(name, field)}`" not in table
    ]
    assert missing == [], f"not in README.md's settings table: {missing}; run python -m caleido.settings_doc README.md"


def test_the_readme_settings_table_is_the_one_settings_describes() -> None:
    assert _readme_settings() == settings_doc.block(), "run python -m caleido.settings_doc README.md"


def test_a_setting_reads_the_variable_the_table_names(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, field in Settings.model_fields.items():
        if field.annotation in (int, float):
            monkeypatch.setenv(settings_doc.variable(name, field), "4096")
            assert getattr(Settings(), name) == 4096, name
    monkeypatch.setenv("NEO4J_DATABASE", "graph")
    monkeypatch.setenv("CALEIDO_STORE", "embedded:/elsewhere")
    assert (Settings().neo4j_database, Settings().store) == ("graph", "embedded:/elsewhere")


def test_no_file_refers_to_a_file_outside_the_repository() -> None:
    this = Path(__file__).resolve()
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _text_files()
        if path.resolve() != this
        for name in OUTSIDE
        if name in path.read_text(encoding="utf-8")
    ]
    assert found == []


@pytest.mark.parametrize("doc", ["README.md", "bench/results/LOG.md"])
def test_relative_links_in_the_docs_lead_to_files_in_the_repository(doc: str) -> None:
    path = ROOT / doc
    targets = [t.split("#")[0] for t in LINK.findall(path.read_text(encoding="utf-8"))]
    local = [t for t in targets if t and not re.match(r"[a-z][a-z+.-]*:", t)]
    assert local, f"{doc} links to no file"
    assert [t for t in local if not (path.parent / t).exists()] == []


def test_the_readme_lists_every_exit_code() -> None:
    text = README.read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES.items():
        assert f"| {int(code)} | {meaning} |" in text, f"exit code {int(code)} is not in README.md"
