"""The admin feature: its blueprint, defined with its routes in views.py."""

from fts_app.admin.views import bp

__all__ = ["bp"]
