"""Organisation settings: read them (created with defaults on first use)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fts_app.admin.models import SETTINGS_ROW_ID, OrganisationSettings


def get_settings(session: Session) -> OrganisationSettings:
    """Return the settings row, adding one with the defaults if there is none yet."""
    settings = session.get(OrganisationSettings, SETTINGS_ROW_ID)
    if settings is None:
        settings = OrganisationSettings(id=SETTINGS_ROW_ID)
        session.add(settings)
        session.flush()
    return settings
