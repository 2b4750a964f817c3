"""`reports` commands: the quarterly national return."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from fts_app import db
from fts_app.quarters import QuarterError, check_started, parse_quarter
from fts_app.reports.national_return import (
    build_national_return,
    check_for_gaps,
    national_return_csv,
)
from fts_app.reports.services import national_return_timing
from fts_app.timeutil import today_in_london

reports_cli = click.Group("reports", help="Board reports and the quarterly national return.")


@reports_cli.command("national-return")
@click.option("--quarter", required=True, help="The financial quarter, such as 2026-27-Q2.")
@with_appcontext
def national_return_command(quarter: str) -> None:
    """Print the quarter's national return as CSV; say on stderr when it is due and what to fix."""
    today = today_in_london()
    try:
        chosen = check_started(parse_quarter(quarter), today)
    except QuarterError as error:
        raise click.BadParameter(str(error), param_hint="--quarter") from error
    national_return = build_national_return(db.session(), chosen)
    click.echo(national_return_csv(national_return), nl=False)
    timing = national_return_timing(db.session(), chosen, today=today)
    if timing.not_over:
        click.echo(f"Warning: {timing.not_over}", err=True)
    click.echo(timing.due, err=True)
    if not national_return.has_cases:
        click.echo(f"No cases were received in {chosen}.", err=True)
        return
    # run on the server by whoever sends the return: it names every case but a restricted one,
    # which only the guardians named on it may know of
    gaps = check_for_gaps(national_return)
    if gaps.passed:
        click.echo(f"Every case received in {chosen} has what the return needs.", err=True)
        return
    click.echo(f"Cases received in {chosen} that lack a field the return counts:", err=True)
    for reference, missing in gaps.named:
        click.echo(f"  {reference}: {missing}", err=True)
    if gaps.unnamed:
        click.echo(
            f"  and {gaps.unnamed} restricted case(s), which the guardians named on them can "
            "complete.",
            err=True,
        )
