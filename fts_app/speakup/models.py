"""Portal tables: equality answers kept apart from any case, and access-code throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fts_app.db import Base


class EqualityResponse(Base):
    """Voluntary equality answers with no link to the case they came with.

    Unlinked coded answers can be counted in SQL without decrypting anything, and no one,
    guardians included, can join them back to a person's concern.
    """

    __tablename__ = "equality_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the financial quarter it arrived in, e.g. 2026-27-Q2: the only time detail kept, so the
    #: row cannot be matched to a case by when it was written
    quarter: Mapped[str] = mapped_column(String(10), index=True)
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    disability: Mapped[str | None] = mapped_column(String(40))
    sex: Mapped[str | None] = mapped_column(String(40))
    sexual_orientation: Mapped[str | None] = mapped_column(String(40))
    religion: Mapped[str | None] = mapped_column(String(40))
    age_band: Mapped[str | None] = mapped_column(String(40))


class FollowUpThrottle(Base):
    """Failed access-code attempts against one case reference, or against all of them.

    The key is a keyed hash of the reference as typed, so the table never holds a reference,
    and an unknown reference is counted exactly like a real one.
    """

    __tablename__ = "follow_up_throttle"

    #: HMAC-SHA256 of the normalised reference, or "overall" for the row counting every failure
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: no attempt is checked before this time; it always lies at most a few minutes ahead
    next_allowed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
