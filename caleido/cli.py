"""The `caleido` command line: a thin shell over the loaders and the store."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from caleido.api.keys_cli import keys_app
from caleido.errors import CaleidoError, InvalidData, StoreError
from caleido.exit_codes import EXIT_CODES, ExitCode
from caleido.graph.open import NEO4J_SCHEMES, open_store
from caleido.graph.store import GraphStore, StoreCounts
from caleido.loaders.copy import copy_store
from caleido.loaders.export import DEFAULT_FORMAT, WRITERS, ExportFormat, Writer, formats_help
from caleido.loaders.load import LoadReport, load_paths, validate_paths
from caleido.loaders.sources import SEED_FOLDER
from caleido.ontology.model import load_ontology
from caleido.settings import get_settings

# Paragraphs, not lines: rich folds single line breaks in help texts.
EPILOG = "Exit codes:\n\n" + "\n\n".join(f"{code.value}  {text}" for code, text in EXIT_CODES.items())
app = typer.Typer(
    help="Caleido: a knowledge graph of the kaleidoscopic resilience model.", epilog=EPILOG, no_args_is_help=True
)
app.add_typer(keys_app, name="keys", help="API keys: create, list, revoke (only hashes are stored).")
out = Console()
err = Console(stderr=True)

StoreOption = Annotated[
    str | None, typer.Option("--store", help="Store URI (default: $CALEIDO_STORE or embedded:./data/caleido).")
]
SEED_AGENT = "caleido-seed-curators"


def _store_uri(given: str | None) -> str:
    return given or get_settings().store


@contextmanager
def _errors_to_exit() -> Iterator[None]:
    try:
        yield
    except InvalidData as exc:
        err.print(f"[bold red]Invalid input[/]: {len(exc.problems)} problem(s); nothing was written.")
        for problem in exc.problems[:200]:
            err.print(f"  - {problem}", markup=False, highlight=False, soft_wrap=True)
        if len(exc.problems) > 200:
            err.print(f"  ... and {len(exc.problems) - 200} more")
        raise typer.Exit(ExitCode.INVALID_INPUT) from None
    except CaleidoError as exc:
        err.print(f"[bold red]Error[/]: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(ExitCode.UNUSABLE_STORE) from None


@contextmanager
def _progress(description: str) -> Iterator[Callable[[str], None]]:
    """A spinner with the current step; on a terminal only, so logs and pipes stay clean."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=None)
        yield lambda step: progress.update(task, description=f"{description}: {step}")


def _counts_table(counts: StoreCounts, title: str) -> Table:
    ontology = load_ontology()
    table = Table(title=title, show_lines=False)
    table.add_column("class / relationship")
    table.add_column("count", justify="right")
    for name, n in counts.nodes.items():
        table.add_row(f"{name} ({ontology.classes[name].labels.get('nl', '')})", str(n))
    table.add_row("[bold]nodes[/]", f"[bold]{counts.total_nodes}[/]")
    for name, n in counts.links.items():
        table.add_row(name, str(n))
    table.add_row("[bold]links[/]", f"[bold]{counts.total_links}[/]")
    return table


def _print_load(report: LoadReport, uri: str) -> None:
    created = sum(report.write.created.values())
    updated = sum(report.write.updated.values())
    unchanged = sum(report.write.unchanged.values())
    out.print(
        f"Read {len(report.files)} file(s): {report.nodes} records and {report.links} links, all valid.\n"
        f"New: {created}, changed: {updated}, unchanged: {unchanged}."
    )
    if not report.write.changed_anything:
        out.print("No new records: the store already held all of this.")
    for name, n in sorted(report.write.created.items()):
        out.print(f"  + {n} {name}")
    for name, n in sorted(report.write.updated.items()):
        out.print(f"  ~ {n} {name}")
    if report.merged:
        out.print(f"References held already, not added again: {len(report.merged)}")
    for merged in report.merged:
        out.print(f"  = {merged}", markup=False, highlight=False, soft_wrap=True)
    out.print(f"Store: {uri}")


def _load(paths: list[Path], store_uri: str, agent: str) -> LoadReport:
    with open_store(store_uri, get_settings()) as store, _progress(f"Loading {len(paths)} path(s)") as step:
        return load_paths(store, paths, agent, step)


@app.command()
def load(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders: YAML seed files, CSV, Turtle, JSON-LD; references as RIS, BibTeX, CSL-JSON."
        ),
    ] = None,
    seed: Annotated[bool, typer.Option("--seed", help="Load the seed knowledge shipped with Caleido.")] = False,
    store_uri: StoreOption = None,
    by: Annotated[str | None, typer.Option("--by", help="Who adds this (default: $CALEIDO_USER or cli:LOGIN).")] = None,
) -> None:
    """Validate files and load them in one transaction: all of it or nothing."""
    chosen = list(paths or []) + ([SEED_FOLDER] if seed else [])
    if not chosen:
        err.print("Nothing to load: name files or folders, or use --seed.")
        raise typer.Exit(ExitCode.USAGE)
    agent = by or (SEED_AGENT if seed and not paths else get_settings().user)
    uri = _store_uri(store_uri)
    with _errors_to_exit():
        _print_load(_load(chosen, uri, agent), uri)


def _store_to_check_against(store_uri: str, standalone: bool) -> AbstractContextManager[GraphStore | None]:
    """The store whose records a validation may refer to: none when standalone, nor an embedded store that does
    not exist yet (checking must not create it); an embedded one is opened read-only."""
    if standalone:
        return nullcontext()
    if store_uri.startswith("embedded:"):
        if not Path(store_uri.removeprefix("embedded:")).exists():
            return nullcontext()
        return open_store(store_uri, get_settings(), read_only=True)
    return open_store(store_uri, get_settings())


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to check.")],
    store_uri: StoreOption = None,
    standalone: Annotated[
        bool, typer.Option("--standalone", help="Check without the store: references must resolve within the files.")
    ] = False,
) -> None:
    """Check files as a load would, without writing anything."""
    with _errors_to_exit(), _store_to_check_against(_store_uri(store_uri), standalone) as store:
        batch, files = validate_paths(paths, store, get_settings().user)
    out.print(f"Valid: {len(files)} file(s), {len(batch.nodes)} records, {len(batch.links)} links.")


def _more_files_help() -> str:
    """What the formats of several files write beside the one named: '; CSV also writes NAME-links.csv beside it'."""
    return "".join(
        f"; {writer.label} also writes {' and '.join(f'NAME-{part}{writer.suffix}' for part in writer.parts[1:])} "
        "beside it"
        for writer in WRITERS.values()
        if len(writer.parts) > 1
    )


def _export_files(writer: Writer, out_file: Path) -> list[Path]:
    """A file per part of the format: the first is `out_file`, the others NAME-PART beside it."""
    suffix = out_file.suffix or writer.suffix
    return [out_file] + [out_file.with_name(f"{out_file.stem}-{part}{suffix}") for part in writer.parts[1:]]


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help=f"{formats_help()}.")] = DEFAULT_FORMAT,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help=f"File to write (else standard output){_more_files_help()}."),
    ] = None,
    store_uri: StoreOption = None,
) -> None:
    """Export the whole graph with its ontology and provenance."""
    writer = WRITERS[fmt]
    if out_file is None and len(writer.parts) > 1:
        err.print(
            f"{writer.label} export writes {len(writer.parts)} files ({' and '.join(writer.parts)}): "
            f"give --out FILE{writer.suffix}."
        )
        raise typer.Exit(ExitCode.USAGE)
    with _errors_to_exit(), open_store(_store_uri(store_uri), get_settings()) as store:
        texts = writer.write(store, ())
    if out_file is None:
        sys.stdout.write(texts[0])
        return
    files = _export_files(writer, out_file)
    for file, text in zip(files, texts, strict=True):
        file.write_text(text, encoding="utf-8")
    err.print(f"Wrote {' and '.join(map(str, files))}.")


@app.command()
def copy(
    from_uri: Annotated[str, typer.Option("--from", help="Store to copy from (embedded:PATH or a Neo4j URI).")],
    to_uri: Annotated[str, typer.Option("--to", help="Store to copy into; existing data is upserted, never deleted.")],
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="Into an EMPTY local Neo4j: write CSV and run neo4j-admin database import (the server is stopped "
            "and started again), then build the schema and the derived data.",
        ),
    ] = False,
    neo4j_dev_dir: Annotated[
        Path | None,
        typer.Option(
            "--neo4j-dev-dir",
            envvar="NEO4J_DEV_DIR",
            help="With --bulk: the folder of the local server scripts/neo4j-dev runs (default .cache/neo4j).",
        ),
    ] = None,
) -> None:
    """Copy the whole graph, provenance included, from one store to another."""
    if bulk:
        _bulk_copy(from_uri, to_uri, neo4j_dev_dir)
        return
    with (
        _errors_to_exit(),
        open_store(from_uri, get_settings()) as source,
        open_store(to_uri, get_settings()) as target,
        _progress("Copying") as step,
    ):
        report, counts = copy_store(source, target, progress=step)
    created, updated = sum(report.created.values()), sum(report.updated.values())
    out.print(
        f"Copied {from_uri} -> {to_uri}: new {created}, changed {updated}, unchanged {sum(report.unchanged.values())}."
    )
    out.print(_counts_table(counts, f"Caleido store {to_uri}"))


def _bulk_copy(from_uri: str, to_uri: str, dev_dir: Path | None) -> None:
    from caleido.loaders import bulk_neo4j

    settings = get_settings()
    with _errors_to_exit():
        if not to_uri.startswith(NEO4J_SCHEMES):
            raise StoreError(
                "--bulk copies into a Neo4j server (neo4j:// or bolt://); for the embedded store copy without it"
            )
        bulk_neo4j.refuse_unless_local(to_uri)
        server = bulk_neo4j.DevServer(
            dev_dir or bulk_neo4j.ROOT / ".cache" / "neo4j", settings.neo4j_password.get_secret_value()
        )
        with open_store(from_uri, settings, read_only=True) as source:
            report = bulk_neo4j.bulk_copy_to_neo4j(
                source, server, lambda: open_store(to_uri, settings), settings.neo4j_database or "neo4j"
            )
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.seconds.items())
        out.print(
            f"Imported {report.nodes} nodes and {report.links} links into {to_uri} in {report.total_seconds:.1f} s "
            f"({report.links_per_s:,.0f} links/s; {steps})."
        )


@app.command()
def stats(store_uri: StoreOption = None) -> None:
    """Count the nodes and links in the store."""
    uri = _store_uri(store_uri)
    with _errors_to_exit(), open_store(uri, get_settings()) as store:
        counts = store.counts()
    out.print(_counts_table(counts, f"Caleido store {uri}"))


@app.command()
def migrate(store_uri: StoreOption = None) -> None:
    """Bring a store written with an older ontology up to date (any open for writing does the same): adds what the
    ontology now names, keeps every record and link, records the version. Says what it did."""
    from caleido.graph.migrate import migrate_store

    uri = _store_uri(store_uri)
    with _errors_to_exit():
        report = migrate_store(uri, get_settings())
    out.print(f"Store: {uri}", highlight=False)
    for line in report.lines():
        out.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def reindex(store_uri: StoreOption = None) -> None:
    """Rebuild the derived data (what the evidence map and the partner finder count) from the facts, from scratch:
    after a bulk load, or when `caleido doctor` says it is stale. Run it while nothing else writes."""
    from caleido.graph.derived import core

    uri = _store_uri(store_uri)
    with _errors_to_exit(), open_store(uri, get_settings()) as store:
        report = core.reindex(store, progress=lambda line: err.print(f"  {line}", highlight=False))
    out.print(f"Store: {uri}", highlight=False)
    for line in report.lines():
        out.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def doctor(
    store_uri: StoreOption = None,
    repair: Annotated[bool, typer.Option("--repair", help="Do what it plans; drops nothing acknowledged.")] = False,
    salvage: Annotated[
        bool,
        typer.Option(
            "--salvage",
            help="With --repair, for a log damaged among acknowledged writes: keep a copy of it, then replay it up "
            "to its last complete commit.",
        ),
    ] = False,
) -> None:
    """Check a store (after a crash, say): what it finds and what opening or --repair will do."""
    from caleido.graph import doctor as checkup

    if salvage and not repair:
        err.print("--salvage goes with --repair.")
        raise typer.Exit(ExitCode.USAGE)
    uri = _store_uri(store_uri)
    report = checkup.repair(uri, get_settings(), salvage=salvage) if repair else checkup.examine(uri, get_settings())
    out.print(f"Store: {uri}", highlight=False)
    for line in report.found:
        out.print(f"  found: {line}", markup=False, highlight=False, soft_wrap=True)
    for line in report.plan:
        label = "done" if repair and report.healthy else "plan"
        out.print(f"  {label}: {line}", markup=False, highlight=False, soft_wrap=True)
    if not report.healthy:
        raise typer.Exit(ExitCode.UNUSABLE_STORE)


@app.command()
def serve(
    store_uri: StoreOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on (default $CALEIDO_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default $CALEIDO_PORT or 8000).")] = None,
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json, interactive docs at /docs)."""
    import uvicorn

    from caleido.api.app import create_app
    from caleido.api.server import uvicorn_options

    settings = get_settings().model_copy(
        update={k: v for k, v in {"store": store_uri, "host": host, "port": port}.items() if v}
    )
    err.print(f"Serving {settings.store} on http://{settings.host}:{settings.port} (docs at /docs)")
    with _errors_to_exit():
        uvicorn.run(create_app(settings), **uvicorn_options(settings))


@app.command()
def run(
    store_uri: StoreOption = None,
    then_serve: Annotated[bool, typer.Option("--serve", help="Then serve the HTTP API.")] = False,
) -> None:
    """The main job: load the seed knowledge (if not loaded yet), summarise the store, optionally serve."""
    uri = _store_uri(store_uri)
    with _errors_to_exit():
        report = _load([SEED_FOLDER], uri, SEED_AGENT)
    _print_load(report, uri)
    out.print(_counts_table(report.counts, f"Caleido store {uri}"))
    ontology = load_ontology()
    out.print(
        f"Ontology version {ontology.version}: {len(ontology.classes)} classes, "
        f"{len(ontology.relationships)} relationship types, {len(ontology.schemes)} vocabularies."
    )
    if then_serve:
        serve(store_uri=uri, host=None, port=None)
    else:
        out.print("Next: 'caleido serve' for the HTTP API, or 'caleido export --format ttl --out caleido.ttl'.")


def main() -> None:
    app()
