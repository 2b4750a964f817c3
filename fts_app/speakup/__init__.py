"""The speakup feature: its blueprint, defined with its routes in views.py."""

from fts_app.speakup.views import bp

__all__ = ["bp"]
