"""The admin feature: its blueprint; the routes are in views.py."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from fts_app.admin import views  # noqa: E402, F401  (registers the routes on bp)
