"""The reports feature: its blueprint, defined with its routes in views.py."""

from fts_app.reports.views import bp

__all__ = ["bp"]
