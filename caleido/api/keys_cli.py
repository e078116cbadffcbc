"""`caleido keys`: create, list and revoke API keys in the key file.

These commands work on the key file directly (whoever may write it is the admin), and the file is SQLite in
WAL mode, so they are safe to run while `caleido serve` is running.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from caleido.api.keys import ROLE_NAMES, KeyStore, open_key_store
from caleido.errors import InvalidKeyInput, KeyStoreError
from caleido.exit_codes import ExitCode
from caleido.settings import get_settings

keys_app = typer.Typer(help="API keys: create, list and revoke the keys clients send.", no_args_is_help=True)
out = Console()
err = Console(stderr=True, soft_wrap=True)  # messages stay whole lines, for grep and logs

KeysFileOption = Annotated[
    Path | None,
    typer.Option(
        "--keys-file",
        help="The key file (default: $CALEIDO_KEYS_FILE or ./data/keys.sqlite3).",
        dir_okay=False,
    ),
]


@contextmanager
def _key_errors() -> Iterator[None]:
    """Exit codes as for every command (caleido.exit_codes): bad input 1, a key file that cannot be used 3."""
    try:
        yield
    except InvalidKeyInput as exc:
        err.print(f"[bold red]Invalid input[/]: {exc}", highlight=False)
        raise typer.Exit(ExitCode.INVALID_INPUT) from None
    except KeyStoreError as exc:
        err.print(f"[bold red]Error[/]: {exc}", highlight=False)
        raise typer.Exit(ExitCode.UNUSABLE_STORE) from None


def _store(keys_file: Path | None) -> KeyStore:
    """The file given with --keys-file, else the configured one: these commands are where settings are read."""
    return KeyStore(keys_file) if keys_file is not None else open_key_store(get_settings())


@keys_app.command("create")
def create(
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLE_NAMES)}.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Who or what uses the key (1-100 characters).")],
    keys_file: KeysFileOption = None,
) -> None:
    """Create a key and print it once. Only its hash is stored: it cannot be shown again."""
    with _key_errors():
        store = _store(keys_file)
        plain_key, info = store.create(name, role)
    # The key alone on stdout, so `KEY=$(caleido keys create ...)` captures exactly the key; everything
    # else goes to stderr, which a person at a terminal still sees next to it.
    typer.echo(plain_key)
    err.print(
        "[bold yellow]This key is shown only this once and cannot be shown again: store it now.[/]",
        highlight=False,
    )
    err.print(
        Text(f"Created key {info.key_id} ('{info.name}', role {info.role.value}) at {info.created_at} in {store.path}.")
    )
    err.print("Clients send it as 'Authorization: Bearer KEY' (or 'X-API-Key: KEY').", highlight=False)


@keys_app.command("list")
def list_keys(
    keys_file: KeysFileOption = None,
    active: Annotated[bool, typer.Option("--active", help="Only keys that are not revoked.")] = False,
) -> None:
    """List the keys: id, name, role, when created and revoked. Never the keys themselves."""
    with _key_errors():
        keys = _store(keys_file).list(include_revoked=not active)
    if not keys:
        err.print("No API keys yet. Create one with: caleido keys create --role admin --name NAME", highlight=False)
        return
    table = Table(title="API keys", box=box.SIMPLE_HEAD)
    # Ids, roles and times never wrap or get cut, so they can be copied from the table; long names wrap.
    table.add_column("id", no_wrap=True, min_width=8)
    table.add_column("name", overflow="fold")
    table.add_column("role", no_wrap=True, min_width=10)
    table.add_column("created (UTC)", no_wrap=True, min_width=20)
    table.add_column("revoked (UTC)", no_wrap=True, min_width=20)
    for key in keys:
        # Text, not str: a name is user input and must not be read as rich markup.
        table.add_row(key.key_id, Text(key.name), key.role.value, key.created_at, key.revoked_at or "")
    # Piped or captured output has no terminal width to respect: give long names room instead of 80 columns.
    (out if out.is_terminal else Console(width=160)).print(table)


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id, as `caleido keys list` shows it.", show_default=False)],
    keys_file: KeysFileOption = None,
) -> None:
    """Revoke a key: it stops working at once. Its record is kept."""
    with _key_errors():
        store = _store(keys_file)
        if store.revoke(key_id.strip()):
            info = store.get(key_id.strip())
            assert info is not None  # it was just revoked
            err.print(Text(f"Revoked key {info.key_id} ('{info.name}', role {info.role.value})."))
            return
        info = store.get(key_id.strip())
        if info is None:
            raise InvalidKeyInput(f"no key with id {key_id!r}; `caleido keys list` shows the ids")
    err.print(Text(f"Key {info.key_id} ('{info.name}') was already revoked at {info.revoked_at}; nothing changed."))
