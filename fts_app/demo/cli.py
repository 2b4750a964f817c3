"""`demo` commands: synthetic data for demonstrations and benchmarks."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.demo.services import (
    DEMO_PASSWORD,
    ensure_demo_accounts,
    record_seeding,
    seed_cases,
)

demo_cli = click.Group("demo", help="Synthetic data for demonstrations and benchmarks.")
BATCH = 500


@demo_cli.command("seed")
@click.option("--cases", "count", default=400, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--seed", default=2026, show_default=True, help="Random seed, for repeatable data.")
@with_appcontext
def seed_command(count: int, seed: int) -> None:
    """Create demo accounts and realistic cases over the last 9 financial quarters."""
    with db.write_transaction() as session:
        users = ensure_demo_accounts(session)
        guardian_ids = [u.id for u in users if Role(u.role).works_cases]
        # read now: every later write transaction reloads rows, and batches are let go below
        accounts = [(u.role, u.email) for u in users]
    done = 0
    while done < count:
        batch = min(BATCH, count - done)
        with db.write_transaction() as session:
            summary = seed_cases(session, batch, seed + done, guardian_ids)
            record_seeding(session, summary)
        done += batch
        db.session().expunge_all()
    db.refresh_statistics()
    click.echo(f"Seeded {count} demo cases.")
    click.echo(f"Demo accounts (password {DEMO_PASSWORD!r}):")
    for role, email in accounts:
        click.echo(f"  {role:14} {email}")
