"""`equality` commands: add the sealed pending equality answers to the counts."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from fts_app import db
from fts_app.speakup.equality import flush_if_due, pending_count

equality_cli = click.Group("equality", help="Equality monitoring answers from the portal.")


@equality_cli.command("flush")
@with_appcontext
def flush_command() -> None:
    """Add the pending entries to the counts if a whole batch waits (EQUALITY_FLUSH_AT)."""
    added = flush_if_due()
    if added:
        click.echo(f"Added {added} pending equality form(s) to the counts.")
        return
    # fewer than a batch stay sealed: adding them alone could show a few people's answers
    waiting = pending_count(db.session())
    batch = current_app.config["EQUALITY_FLUSH_AT"]
    click.echo(
        f"{waiting} equality form(s) pending; they are added once {batch} wait. "
        "Reports count them meanwhile."
    )
