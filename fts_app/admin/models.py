"""Organisation settings and directorates, managed by administrators."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fts_app.db import Base

SETTINGS_ROW_ID = 1
#: the small-number threshold of board reports until a trust chooses another
DEFAULT_SUPPRESSION_THRESHOLD = 5


class OrganisationSettings(Base):
    """The one row of trust-wide settings; defaults follow docs/domain.md."""

    __tablename__ = "organisation_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=SETTINGS_ROW_ID)
    organisation_name: Mapped[str] = mapped_column(String(200), default="Your NHS trust")
    acknowledge_working_days: Mapped[int] = mapped_column(Integer, default=2)
    first_feedback_days: Mapped[int] = mapped_column(Integer, default=7)
    #: months after acknowledgement by which substantive feedback is due
    substantive_feedback_months: Mapped[int] = mapped_column(Integer, default=3)
    detriment_check_in_months: Mapped[int] = mapped_column(Integer, default=3)
    retention_years: Mapped[int] = mapped_column(Integer, default=6)
    #: counts from 1 to this minus one are shown as "fewer than N" to board members
    suppression_threshold: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_SUPPRESSION_THRESHOLD
    )
    national_return_due_days: Mapped[int] = mapped_column(Integer, default=30)
    #: a shorter retention an administrator asked for; it takes effect only once the lead
    #: guardian confirms it, since it destroys cases sooner (README, "Who sees what")
    pending_retention_years: Mapped[int | None] = mapped_column(Integer)
    pending_retention_asked_by: Mapped[int | None] = mapped_column(Integer)


class Directorate(Base):
    """A directorate or site a concern can be about."""

    __tablename__ = "directorates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
