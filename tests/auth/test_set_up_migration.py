"""Upgrading flags the passwords an administrator chose or was shown in the web admin."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from flask import Flask
from sqlalchemy import select

from fts_app import db
from fts_app.audit.services import record
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.core.cli import alembic_config, upgrade_database
from fts_app.timeutil import utcnow
from tests.conftest import TEST_PASSWORD, submit_form


def test_upgrading_makes_passwords_the_admin_knew_change_at_next_sign_in(
    app: Flask, make_user: Callable[..., User]
) -> None:
    admin = make_user(Role.ADMIN)
    shown = make_user(Role.GUARDIAN, email="shown@trust.nhs.example")
    changed_since = make_user(Role.BOARD, email="changed@trust.nhs.example")
    make_user(Role.GUARDIAN, email="operator@trust.nhs.example")  # made on the command line
    with db.write_transaction() as session:
        for user in (shown, changed_since):
            # what the web admin wrote before set-up links, with the password it made
            record(
                session,
                "admin.account_created",
                actor_id=admin.id,
                user_id=user.id,
                role=user.role,
                password_generated=True,
            )
        session.get(User, changed_since.id).password_changed_at = utcnow()  # type: ignore[union-attr]
    url = app.config["DATABASE_URL"]
    db.session().close()
    command.downgrade(alembic_config(url), "0011")
    upgrade_database(url)

    flagged = dict(db.session().execute(select(User.email, User.must_set_password)).all())
    assert flagged == {
        admin.email: False,
        "shown@trust.nhs.example": True,
        "changed@trust.nhs.example": False,
        "operator@trust.nhs.example": False,
    }
    first_step = submit_form(
        app.test_client(), "/login", {"email": shown.email, "password": TEST_PASSWORD}
    )
    assert first_step.headers["Location"] == "/account/set-up"
