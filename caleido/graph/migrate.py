"""Which ontology version a store was written with, and how a store written with an older one is brought up to
date.

A store records the version in an entry (kind "store", id "ontology-version"; see caleido.graph.store.Entry), so
it travels with the store and every API instance over one Neo4j reads the same one. A store holding Caleido data
but no such entry was written before versions were recorded: ontology 0.1.0.

Opening a store checks the version (`on_open`, called by both stores):
- the same version: nothing to do but the idempotent schema check a writable open always runs;
- an empty store: it is stamped with the current version;
- an older store opened for writing is migrated: the store adds what the ontology now names (columns, tables,
  relationship pairs; each backend knows how, in its `migrate_schema`), the data steps of every migration between
  the two versions run, and the stamp is written last, in the same transaction as the data steps. A crash before
  the stamp leaves the old version recorded, so the next open runs the migration again: schema changes and data
  steps are idempotent (upserts on stable ids);
- an older store opened read-only is refused, naming `caleido migrate`; a newer store than this code is refused.

MIGRATIONS is the one ordered registry of migrations: a new version adds its entry (and a data step if it must
rewrite records) at the end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from caleido.errors import StoreError
from caleido.graph.store import Entry, GraphStore, entry_time
from caleido.graph.sync import write_mark
from caleido.ontology.model import load_ontology
from caleido.ontology.records import LinkRow, NodeRow

if TYPE_CHECKING:
    from caleido.settings import Settings

log = logging.getLogger("caleido.store")

VERSION_KIND = "store"
VERSION_ID = "ontology-version"
UNRECORDED = "0.1.0"  # the version of a store that holds data but records none: written before stamps were kept

# A data step reads the store and returns the rows to upsert; they are written with the stamp, in one transaction.
DataStep = Callable[[GraphStore], tuple[list[NodeRow], list[LinkRow]]]


@dataclass(frozen=True)
class Migration:
    source: str  # the version it starts from
    target: str  # the version it ends at
    summary: str  # what changes for a store, in a sentence
    data_steps: tuple[DataStep, ...] = ()


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "0.1.0",
        "0.2.0",
        "ontology 0.2.0 (issue 16): quote, citations and gloss on every claim, a note on records; ecological level, "
        "factor roles, protective/promotive, outcomes, spectrum, phenomena and target populations; FactorCombination; "
        "the relationships combines, requested_by, documented_in, builds, close_match, merged_into, carries, and "
        "addresses from a programme theme; study coding of findings (issue 18: study design, Maryland level, country, "
        "sample size, confidence interval, follow-up, risk of bias) and the grade crosswalk schemes. Every record and "
        "link stays as it was: the new fields start empty",
    ),
    Migration(
        "0.2.0",
        "0.3.0",
        "ontology 0.3.0 (issue 17): the region types ggd-region, police-unit, jeugdregio and arrondissement, the "
        "relationship kind_of between organisations, an organisation's phone and last_verified, and the roles adviser "
        "and trainer. Every record and link stays as it was: the new fields start empty",
    ),
)


class StoreVersionError(StoreError):
    """The store was written with another ontology version than this code's, and cannot be used as it is."""

    def __init__(self, message: str, found: str, now: str):
        super().__init__(message)
        self.found = found
        self.now = now

    @property
    def migratable(self) -> bool:
        """Older than this code, so opening it for writing migrates it."""
        return version_key(self.found) < version_key(self.now)


class Versioned(GraphStore, Protocol):
    """What a store offers for migration, beside the GraphStore protocol."""

    read_only: bool
    migration: MigrationReport  # what opening it did

    def stored_version(self) -> str | None:
        """The version recorded in the store; UNRECORDED for a store with data but no record; None when empty."""
        ...

    def migrate_schema(self) -> list[str]:
        """Add what the ontology names and the store lacks (idempotent, crash-safe); say what was added."""
        ...


@dataclass
class MigrationReport:
    uri: str
    found: str | None  # the version the store was written with; None for an empty store
    now: str  # the version it holds now
    schema: list[str] = field(default_factory=list)  # what the store added to its schema
    steps: list[str] = field(default_factory=list)  # the migrations that ran, each its summary
    rows: int = 0  # records and links the data steps rewrote

    @property
    def migrated(self) -> bool:
        return self.found is not None and self.found != self.now

    def lines(self) -> list[str]:
        """What happened, a line each, for the command line and the log."""
        if not self.migrated:
            return [f"the store is at ontology {self.now}: nothing to migrate"]
        return [
            f"migrated from ontology {self.found} to {self.now}",
            *(f"step: {step}" for step in self.steps),
            *(f"schema: {change}" for change in self.schema),
            f"data: {self.rows} records and links rewritten" if self.rows else "data: no record or link changed",
        ]


def current_version() -> str:
    return load_ontology().version


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def version_from(entries: Sequence[Entry]) -> str:
    """The version a store records in its entries, UNRECORDED when none."""
    return str(entries[-1].body["version"]) if entries else UNRECORDED


def stamp(version: str, previous: str | None) -> Entry:
    return Entry(VERSION_KIND, VERSION_ID, VERSION_ID, entry_time(), {"version": version, "previous": previous})


def chain(source: str, target: str) -> list[Migration]:
    """The migrations from one version to another, in order; a gap in the registry is a programming error."""
    steps, at = [], source
    while at != target:
        found = [m for m in MIGRATIONS if m.source == at]
        if not found:
            raise StoreVersionError(
                f"no migration from ontology {at} towards {target} is known to this Caleido", source, target
            )
        steps.append(found[0])
        at = found[0].target
    return steps


def on_open(store: Versioned) -> MigrationReport:
    """Check a store's version as it opens; migrate an older one opened for writing (see the module's text)."""
    found, now = store.stored_version(), current_version()
    report = MigrationReport(store.uri, found, now)
    if found is not None and version_key(found) > version_key(now):
        raise StoreVersionError(
            f"the store {store.uri} was written with ontology {found}, newer than this Caleido's {now}: "
            "use a Caleido release that knows it (nothing was changed)",
            found,
            now,
        )
    if found is not None and found != now and store.read_only:
        raise StoreVersionError(
            f"the store {store.uri} was written with ontology {found} and this Caleido uses {now}: run "
            f"`caleido migrate --store {store.uri}` once to bring it up to date (it keeps every record and link); "
            "a read-only open changes nothing",
            found,
            now,
        )
    if store.read_only:
        return report
    report.schema = store.migrate_schema()
    if found == now:
        return report
    nodes: list[NodeRow] = []
    links: list[LinkRow] = []
    for migration in chain(found, now) if found is not None else []:
        report.steps.append(f"{migration.source} -> {migration.target}: {migration.summary}")
        for step in migration.data_steps:
            more_nodes, more_links = step(store)
            nodes += more_nodes
            links += more_links
    # The write mark tells what is kept in step with the store (another API instance's SPARQL projection) that
    # the stored rows changed under it.
    store.write(nodes, links, [stamp(now, found), write_mark()])
    report.rows = len(nodes) + len(links)
    if report.migrated:
        log.warning("migrated the store %s from ontology %s to %s", store.uri, found, now)
    return report


def migrate_store(uri: str, settings: Settings) -> MigrationReport:
    """Open a store for writing, which migrates it if it is older (`caleido migrate`), and say what was done."""
    from caleido.graph.open import open_store  # imported here: it imports the stores, which import this module

    with open_store(uri, settings) as store:
        report: MigrationReport = getattr(store, "migration")  # noqa: B009 (GraphStore does not name it)
        return report
