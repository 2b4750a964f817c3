"""The auth feature: its blueprint, defined with its routes in views.py."""

from fts_app.auth.views import bp

__all__ = ["bp"]
