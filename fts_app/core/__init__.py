"""Pages that belong to no feature: the start page and the health check."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from fts_app.core import views  # noqa: E402, F401  (registers the routes on bp)
