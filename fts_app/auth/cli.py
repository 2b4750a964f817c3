"""`users` commands: create staff accounts, print set-up links and the first administrator's link.

These run on the server, the operator's trusted path: an account made here takes effect at once.
"""

from __future__ import annotations

import click
from flask import current_app
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
from fts_app.auth.set_up import issue_set_up_link

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


@users_cli.command("set-up-link")
@click.option("--email", required=True, help="The email address of the account to set up.")
@click.option(
    "--base-url",
    help="Where the service is reached, e.g. https://fts.example (default: FTS_BASE_URL).",
)
@with_appcontext
def set_up_link_command(email: str, base_url: str | None) -> None:
    """Print a one-time set-up link for an account made or reset in the web admin.

    Pass it to the person alone: it lets them choose their password and set up two-factor
    sign-in. Any earlier link for the account stops working.
    """
    base = base_url or current_app.config.get("BASE_URL")
    if not base:
        raise click.ClickException("Give --base-url, or set FTS_BASE_URL")
    try:
        token = issue_set_up_link(email)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    hours = current_app.config["SET_UP_LINK_HOURS"]
    click.echo(
        f"Set-up link (works once, for {hours} hours): {base.rstrip('/')}/account/set-up/{token}"
    )
