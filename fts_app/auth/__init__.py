"""The auth feature: its blueprint; the routes are in views.py."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from fts_app.auth import views  # noqa: E402, F401  (registers the routes on bp)
