"""Pages of the admin feature."""

from fts_app.admin import bp  # noqa: F401
