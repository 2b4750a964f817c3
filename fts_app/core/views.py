"""The start page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from fts_app import db

bp = Blueprint("core", "fts_app.core")


@bp.get("/")
def start() -> ResponseReturnValue:
    """Show the start page: speak up, follow up, or sign in."""
    return render_template("core/start.html")


@bp.get("/healthz")
def health() -> ResponseReturnValue:
    """Answer 200 when the database answers, 503 when it does not."""
    try:
        db.session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@bp.get("/accessibility")
def accessibility() -> ResponseReturnValue:
    """Show the accessibility statement."""
    return render_template("core/accessibility.html")
