"""Pages of the cases feature."""

from fts_app.cases import bp  # noqa: F401
