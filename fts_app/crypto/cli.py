"""`keys` commands: make master keys."""

from __future__ import annotations

import click

from fts_app.crypto.keyring import generate_master_key

keys_cli = click.Group("keys", help="Manage the master keys that protect case content.")


@keys_cli.command("generate")
def generate_command() -> None:
    """Print a new master key (urlsafe base64 of 32 random bytes)."""
    click.echo(generate_master_key())
