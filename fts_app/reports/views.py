"""Pages of the reports feature."""

from fts_app.reports import bp  # noqa: F401
