"""Pages of the auth feature."""

from fts_app.auth import bp  # noqa: F401
