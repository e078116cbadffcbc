"""Load files into a store: read, validate the whole batch, write it in one transaction, report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from caleido.errors import InvalidData, Problem
from caleido.graph.store import GraphStore, StoreCounts
from caleido.graph.sync import Author, WriteReport, iso, plan_and_write
from caleido.loaders.bibliography import merge_known
from caleido.loaders.raw import Merged
from caleido.loaders.sources import read_paths
from caleido.loaders.validate import ValidBatch, validate_batch
from caleido.ontology.records import now_utc


@dataclass
class LoadReport:
    files: list[Path]
    nodes: int  # records read (after merging identical duplicates)
    links: int
    write: WriteReport
    counts: StoreCounts
    merged: list[Merged] = field(default_factory=list)  # references the store or an earlier entry held already


Progress = Callable[[str], None]  # told each step of a long load, for a progress display


def _quiet(_: str) -> None:
    return None


def validate_paths(
    paths: list[Path], store: GraphStore | None, agent: str, progress: Progress = _quiet
) -> tuple[ValidBatch, list[Path]]:
    """Read and validate files; raises InvalidData with every problem found. Writes nothing."""
    progress("reading files")
    raw, files = read_paths(paths)
    if not files and not raw.problems:
        names = ", ".join(str(p) for p in paths)
        message = "no loadable files here (YAML, CSV, Turtle, JSON-LD, RIS, BibTeX, CSL-JSON)"
        raise InvalidData([Problem(names, "", "", message)])
    merge_known(raw, store)
    progress(f"validating {len(raw.nodes)} records and {len(raw.links)} links from {len(files)} file(s)")
    return validate_batch(raw, store, agent, now_utc()), files


def load_paths(store: GraphStore, paths: list[Path], agent: str, progress: Progress = _quiet) -> LoadReport:
    batch, files = validate_paths(paths, store, agent, progress)
    progress(f"writing {len(batch.nodes)} records and {len(batch.links)} links in one transaction")
    # A load from files is the operator's: changes land in place, with their history (caleido.graph.sync). It is
    # one batch, all or nothing, so into an empty store it may take the store's bulk path.
    report = plan_and_write(store, batch.nodes, batch.links, Author(agent, iso(now_utc())), into_empty=True)
    return LoadReport(files, len(batch.nodes), len(batch.links), report, store.counts(), batch.merged)
