"""Forms of the sign-in pages."""

from __future__ import annotations

from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from fts_app.auth.services import MIN_PASSWORD_LENGTH
from fts_app.auth.two_factor import CODE_LENGTH
from fts_app.forms import PageForm


def _without_spaces(value: str | None) -> str | None:
    # authenticator apps show codes as "123 456"; people type them that way
    return value.replace(" ", "") if value else value


class SignInForm(PageForm):
    """Email address and password."""

    email = StringField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])
    next = HiddenField()


class CodeForm(PageForm):
    """A code from the authenticator app."""

    code = StringField(
        "Code from your authenticator app",
        filters=[_without_spaces],
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app"),
            Regexp(rf"^\d{{{CODE_LENGTH}}}$", message="The code must be 6 digits, like 123456"),
        ],
    )


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    """Return a new-password field and its confirmation, checked against each other."""
    return (
        PasswordField(
            "New password",
            validators=[
                DataRequired("Enter a new password"),
                Length(
                    min=MIN_PASSWORD_LENGTH,
                    message=f"Password must be at least {MIN_PASSWORD_LENGTH} characters",
                ),
            ],
        ),
        PasswordField(
            "Confirm new password",
            validators=[
                DataRequired("Enter the new password again"),
                EqualTo("password", message="The passwords do not match"),
            ],
        ),
    )


class ChangePasswordForm(PageForm):
    """The current password, then the new one twice."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )
    password, confirm_password = _new_password_fields()


class FirstAdminForm(PageForm):
    """The first administrator's details."""

    email = StringField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Length(max=254)],
    )
    display_name = StringField(
        "Full name", validators=[DataRequired("Enter your full name"), Length(max=120)]
    )
    password, confirm_password = _new_password_fields()


class SetUpPasswordForm(PageForm):
    """The person's own new password, twice."""

    password, confirm_password = _new_password_fields()
