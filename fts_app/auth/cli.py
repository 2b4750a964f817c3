"""`users` commands: create staff accounts, and the link that creates the first administrator."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.services import (
    AccountError,
    create_user,
    issue_first_admin_token,
    new_initial_password,
    provisioning_uri,
)

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
    chosen = password or new_initial_password()
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


@users_cli.command("first-admin-link")
@click.option(
    "--base-url", required=True, help="Where the service is reached, e.g. https://fts.example"
)
@with_appcontext
def first_admin_link_command(base_url: str) -> None:
    """Print a single-use link (valid 24 hours) to create the first administrator.

    Prints nothing once any account exists, so it is safe to run on every start.
    """
    token = issue_first_admin_token()
    if token is None:
        return
    click.echo(f"Create the first administrator: {base_url.rstrip('/')}/setup/first-admin/{token}")
