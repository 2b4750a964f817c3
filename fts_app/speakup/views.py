"""Pages of the speakup feature."""

from fts_app.speakup import bp  # noqa: F401
