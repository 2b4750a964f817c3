"""The speakup feature: its blueprint; the routes are in views.py."""

from flask import Blueprint

bp = Blueprint("speakup", __name__)

from fts_app.speakup import views  # noqa: E402, F401  (registers the routes on bp)
