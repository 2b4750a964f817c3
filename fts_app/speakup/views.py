"""The staff portal."""

from __future__ import annotations

from flask import abort
from flask.typing import ResponseReturnValue

from fts_app.speakup import bp


@bp.get("/speak-up")
def start() -> ResponseReturnValue:
    """Explain how to speak up."""
    abort(404)


@bp.route("/speak-up/follow-up", methods=["GET", "POST"])
def follow_up() -> ResponseReturnValue:
    """Follow up on a concern."""
    abort(404)
