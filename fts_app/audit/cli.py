"""`audit` commands: check the chain."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import with_appcontext

from fts_app import db
from fts_app.audit.services import HeadMark, missing_since, verify
from fts_app.registry import Registry

audit_cli = click.Group("audit", help="Check the tamper-evident audit trail.")
#: where a file recorded the trail's head: backups register theirs ("backup"), which raises
#: click.ClickException with a message when the file cannot be read
RECORDED_HEADS: Registry[Callable[[Path], HeadMark]] = Registry("reader of recorded audit heads")


class HeadMarkParam(click.ParamType):
    """A head as `audit verify` prints it: SEQUENCE:HMAC."""

    name = "SEQUENCE:HMAC"

    def convert(
        self, value: str, param: click.Parameter | None, ctx: click.Context | None
    ) -> HeadMark:
        """Parse the printed head, or tell the operator what was expected."""
        try:
            return HeadMark.parse(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


@audit_cli.command("verify")
@click.option(
    "--reaches",
    "heads",
    multiple=True,
    type=HeadMarkParam(),
    help="A head printed by an earlier run: fail unless the trail still holds it.",
)
@click.option(
    "--backup",
    "backups",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A backup file: fail unless the trail still holds the head the backup recorded.",
)
@with_appcontext
def verify_command(heads: tuple[HeadMark, ...], backups: tuple[Path, ...]) -> None:
    """Exit 0 if every link holds; otherwise name the first broken entry and exit 1."""
    session = db.session()
    report = verify(session)
    if not report.intact:
        click.echo(f"Audit trail broken at entry {report.broken_at}: {report.reason}.", err=True)
        raise SystemExit(1)
    recorded_by_backup = RECORDED_HEADS.get("backup")
    earlier = [*heads, *(recorded_by_backup(path) for path in backups)]
    for head in earlier:
        problem = missing_since(session, head)
        if problem:
            click.echo(f"Audit trail cut back: {problem}.", err=True)
            raise SystemExit(1)
    click.echo(f"Audit trail intact: {report.entries} entries.")
    click.echo(
        f"Head: {report.head}. Keep it apart from the database: `audit verify --reaches "
        f"{report.head}` fails later if the trail is cut back to before it."
    )
    if not report.head_sealed:
        click.echo("The head is not sealed yet: the next audited action seals it.")
