"""`cases` commands: retention with crypto-shredding."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from fts_app.cases.retention import Expiry, find_expired_cases, purge_expired_cases

cases_cli = click.Group("cases", help="Operational commands for cases.")


@cases_cli.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="List the cases that would go; change nothing.")
@with_appcontext
def purge_expired_command(dry_run: bool) -> None:
    """Destroy the data key and content of closed cases past the retention period."""
    expiry = find_expired_cases() if dry_run else purge_expired_cases()
    for case in expiry.cases:
        click.echo(f"{case.reference}  closed {case.closed_on.isoformat()}")
    click.echo(_summary(expiry, dry_run))


def _summary(expiry: Expiry, dry_run: bool) -> str:
    period = (
        f"closed before {expiry.cutoff.isoformat()} "
        f"(retention period {expiry.retention_years} years)"
    )
    if dry_run:
        return f"{len(expiry.cases)} case(s) {period} would be purged. Dry run: nothing changed."
    return (
        f"Purged {len(expiry.cases)} case(s) {period}: data keys and content destroyed, "
        "figures kept for reports."
    )
