"""`backup` commands: write an encrypted backup, restore one into an empty database."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from fts_app.audit.cli import RECORDED_HEADS
from fts_app.audit.services import HeadMark
from fts_app.backup.services import (
    BackupError,
    create_backup,
    recorded_audit_head,
    restore_backup,
)

backup_cli = click.Group("backup", help="Encrypted, consistent backups of the database.")
PATH = click.Path(dir_okay=False, path_type=Path)


@backup_cli.command("create")
@click.argument("path", type=PATH)
@with_appcontext
def create_command(path: Path) -> None:
    """Write a consistent, encrypted backup to PATH while the app keeps serving."""
    try:
        summary = create_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path}: {summary.describe()}.")
    click.echo(
        f"Encrypted under master key {summary.master_key_id}: it can only be restored where "
        "that key is configured, so keep the master keys safe and apart from the backups."
    )
    click.echo(
        f"Audit trail head: {summary.audit_head}. `flask --app wsgi audit verify --backup "
        f"{path}` checks that the trail still reaches it."
    )


@backup_cli.command("restore")
@click.argument("path", type=PATH)
@with_appcontext
def restore_command(path: Path) -> None:
    """Restore the backup at PATH into an empty database (one just made by `db upgrade`)."""
    try:
        summary = restore_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {summary.describe()}. Audit trail intact.")
    click.echo(
        f"Every staff session was ended ({summary.sessions_ended} still open in the backup): "
        "staff sign in again."
    )


def _recorded_head(path: Path) -> HeadMark:
    """Read the audit head a backup recorded, for `audit verify --backup PATH`."""
    try:
        return recorded_audit_head(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error


RECORDED_HEADS.register("backup", _recorded_head)
