"""The reports feature: its blueprint; the routes are in views.py."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from fts_app.reports import views  # noqa: E402, F401  (registers the routes on bp)
