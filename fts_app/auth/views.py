"""Sign-in pages."""

from __future__ import annotations

from flask import abort
from flask.typing import ResponseReturnValue

from fts_app.auth import bp
from fts_app.extensions import login_manager


@login_manager.user_loader
def load_user(_session_token: str) -> None:
    """No one is signed in until sign-in exists."""
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign in."""
    abort(404)
