"""The cases feature: its blueprint, defined with its routes in views.py."""

from fts_app.cases.views import bp

__all__ = ["bp"]
