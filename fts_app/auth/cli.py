"""`users` commands: create staff accounts."""

from __future__ import annotations

import secrets

import click
from flask.cli import with_appcontext

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.services import AccountError, create_user, provisioning_uri

users_cli = click.Group("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="The person's work email address.")
@click.option(
    "--role", required=True, type=click.Choice([role.value for role in Role]), help="Their role."
)
@click.option("--password", help="Initial password; a random one is printed if omitted.")
@click.option("--name", "display_name", default="", help="Name shown to colleagues.")
@with_appcontext
def create_command(email: str, role: str, password: str | None, display_name: str) -> None:
    """Create an account and print what the person needs to sign in."""
    chosen = password or secrets.token_urlsafe(15)
    try:
        with db.write_transaction() as session:
            user = create_user(
                session, email=email, role=Role(role), password=chosen, display_name=display_name
            )
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role} account for {user.email}.")
    if password is None:
        click.echo(f"Initial password: {chosen}")
    if Role(role).uses_two_factor:
        click.echo(f"Two-factor set-up URI: {provisioning_uri(user)}")
