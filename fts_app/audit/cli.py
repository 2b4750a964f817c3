"""`audit` commands: check the chain."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from fts_app import db
from fts_app.audit.services import verify

audit_cli = click.Group("audit", help="Check the tamper-evident audit trail.")


@audit_cli.command("verify")
@with_appcontext
def verify_command() -> None:
    """Exit 0 if every link holds; otherwise name the first broken entry and exit 1."""
    report = verify(db.session())
    if report.intact:
        click.echo(f"Audit trail intact: {report.entries} entries.")
        return
    click.echo(f"Audit trail broken at entry {report.broken_at}: {report.reason}.", err=True)
    raise SystemExit(1)
