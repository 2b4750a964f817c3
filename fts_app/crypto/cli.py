"""`keys` commands: make master keys and rotate to a new one."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from fts_app.crypto.keyring import generate_master_key
from fts_app.crypto.rotation import BATCH_SIZE, rotate_master_key

keys_cli = click.Group("keys", help="Manage the master keys that protect case content.")


@keys_cli.command("generate")
def generate_command() -> None:
    """Print a new master key (urlsafe base64 of 32 random bytes)."""
    click.echo(generate_master_key())


@keys_cli.command("rotate")
@click.option(
    "--batch-size",
    default=BATCH_SIZE,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Case keys re-wrapped per transaction.",
)
@with_appcontext
def rotate_command(batch_size: int) -> None:
    """Re-wrap every case's data key and re-seal every master-sealed secret with the first key."""
    started = time.monotonic()
    report = rotate_master_key(batch_size=batch_size)
    click.echo(
        f"Re-wrapped {report.case_keys} case keys and {report.totp_secrets} sealed secrets "
        "(two-factor seeds, pending equality forms) "
        f"in {time.monotonic() - started:.1f} s; {report.remaining} remain under old keys."
    )
    if report.remaining == 0:
        click.echo("Older master keys can now be removed from the configuration.")
