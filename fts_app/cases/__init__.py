"""The cases feature: its blueprint; the routes are in views.py."""

from flask import Blueprint

bp = Blueprint("cases", __name__)

from fts_app.cases import views  # noqa: E402, F401  (registers the routes on bp)
