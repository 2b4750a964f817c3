"""The start page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from fts_app import db
from fts_app.extensions import rate_limit_store_answers

bp = Blueprint("core", "fts_app.core")


@bp.get("/")
def start() -> ResponseReturnValue:
    """Show the start page: speak up, follow up, or sign in."""
    return render_template("core/start.html")


RATE_LIMITS_IN_PROCESS = (
    "the rate-limit store does not answer: sign-in limits are held in each server process"
)


@bp.get("/healthz")
def health() -> ResponseReturnValue:
    """Answer 503 when the database does not answer; else 200, "degraded" with the reason if a
    part the service can do without (the rate-limit store) is down."""
    try:
        db.session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable"), 503
    if not rate_limit_store_answers():
        return jsonify(status="degraded", reasons=[RATE_LIMITS_IN_PROCESS])
    return jsonify(status="ok")


@bp.get("/accessibility")
def accessibility() -> ResponseReturnValue:
    """Show the accessibility statement."""
    return render_template("core/accessibility.html")
