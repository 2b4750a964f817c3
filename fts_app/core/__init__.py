"""Pages that belong to no feature: the start page and the health check (in views.py)."""

from fts_app.core.views import bp

__all__ = ["bp"]
